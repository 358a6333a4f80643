//! The customer email (R10): one fixed template, in HTML and plain text, for a submission, a
//! teammate's reply and a state change, under the ticket's brand (R14). The app's preview and
//! the server's delivery render with this same code.

use serde::{Deserialize, Serialize};

use crate::customer_identity::{check_day, day_of, mac_hex, same, SignedError};

use crate::attachment::{attach_to_email, size_label, MAX_EMAIL_ATTACHMENT_BYTES};
use crate::messenger::MessengerTicket;
use crate::notification::{Reason, Thread};
use crate::rich_text;
use crate::{Attachment, AttachmentId, Brand, Contact, Millis};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Email {
    pub to: String,
    /// `reply+TOKEN@domain`: a reply to it lands on the ticket (R10).
    pub reply_to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What an email is rendered from: customer-visible data only (R3a).
pub struct EmailInput<'a> {
    pub reasons: &'a [Reason],
    /// The ticket as the customer sees it (see `messenger::customer_view`); none for a
    /// conversation.
    pub ticket: Option<&'a MessengerTicket>,
    /// The ticket's title, or the conversation's subject.
    pub subject: &'a str,
    pub brand: &'a Brand,
    pub contact: &'a Contact,
    /// The teammate replies this email carries, oldest first.
    pub replies: &'a [EmailReply],
    pub links: Links,
}

/// A teammate's reply as an email carries it: its text and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailReply {
    /// Rich text (see [`crate::rich_text`]).
    pub body: String,
    pub files: ReplyFiles,
}

impl EmailReply {
    pub fn text(body: impl Into<String>) -> EmailReply {
        EmailReply {
            body: body.into(),
            files: ReplyFiles::Listed(Vec::new()),
        }
    }
}

/// The files of a reply, as its email tells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyFiles {
    /// Known by name and size: each attached to the email, or linked in the Messenger.
    Listed(Vec<EmailFile>),
    /// Known by id only (the app's preview, which holds no file records): counted.
    Unlisted(usize),
}

/// A file of a reply in an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailFile {
    pub id: AttachmentId,
    pub name: String,
    pub size: u64,
    /// In the email as an attachment; otherwise too large for it, and fetched in the
    /// Messenger.
    pub attached: bool,
}

/// The replies of one email with their files: `replies` are texts with their files' records,
/// in order (None for a file whose record is not at hand). Which files are attached is
/// decided over the whole email ([`attach_to_email`]); the others are linked.
pub fn email_replies(replies: Vec<(String, Vec<Option<Attachment>>)>) -> Vec<EmailReply> {
    let sizes: Vec<u64> = replies
        .iter()
        .flat_map(|(_, files)| files.iter().flatten().map(|f| f.size))
        .collect();
    let mut attached = attach_to_email(&sizes).into_iter();
    replies
        .into_iter()
        .map(|(body, files)| {
            let files = if files.iter().all(Option::is_some) {
                ReplyFiles::Listed(
                    files
                        .into_iter()
                        .flatten()
                        .map(|f| EmailFile {
                            id: f.id,
                            attached: attached.next().unwrap_or(false),
                            name: f.name,
                            size: f.size,
                        })
                        .collect(),
                )
            } else {
                // Keeps the others' decisions in step with `sizes`.
                attached
                    .by_ref()
                    .take(files.iter().flatten().count())
                    .for_each(drop);
                ReplyFiles::Unlisted(files.len())
            };
            EmailReply { body, files }
        })
        .collect()
}

/// The lines of plain text that tell a reply's files.
fn files_text(files: &ReplyFiles) -> Vec<String> {
    let label = |f: &EmailFile| format!("- {} ({})", f.name, size_label(f.size));
    match files {
        ReplyFiles::Listed(files) => {
            let mut lines = Vec::new();
            let attached: Vec<String> = files.iter().filter(|f| f.attached).map(label).collect();
            let linked: Vec<String> = files.iter().filter(|f| !f.attached).map(label).collect();
            if !attached.is_empty() {
                lines.push(ATTACHED.to_owned());
                lines.extend(attached);
            }
            if !linked.is_empty() {
                lines.push(LINKED.to_owned());
                lines.extend(linked);
            }
            lines
        }
        ReplyFiles::Unlisted(0) => Vec::new(),
        ReplyFiles::Unlisted(n) => vec![unlisted(*n)],
    }
}

/// Says the files below come with the email.
pub const ATTACHED: &str = "Attached to this email:";
/// Says the files below are too large for email.
pub const LINKED: &str = "Too large to attach, open them in the Messenger:";

fn unlisted(n: usize) -> String {
    let mib = MAX_EMAIL_ATTACHMENT_BYTES / (1024 * 1024);
    let files = if n == 1 {
        "1 file".to_owned()
    } else {
        format!("{n} files")
    };
    format!("{files} will be attached to this email (past {mib} MB in all, linked to the Messenger instead).")
}

/// Where an email points: the address replies go to, the logo image, the Messenger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// `reply+TOKEN@domain`.
    pub reply_to: String,
    /// An image mail clients show: an `http(s)` URL (see [`logo_src`]).
    pub logo: String,
    /// The signed "View in Messenger" link, when the sender knows where the Messenger is.
    pub messenger: Option<String>,
}

/// The logo as an email shows it: a brand logo that is already a web address is used as it
/// is; one stored inline (a `data:` URL, which Gmail and Outlook do not show) is the PNG the
/// server renders of it at `/brands/ID/logo.png` under `public_url`.
pub fn logo_src(brand: &Brand, public_url: &str) -> String {
    let url = brand.logo_url.trim();
    if url.starts_with("https://") || url.starts_with("http://") {
        url.to_owned()
    } else {
        format!(
            "{}/brands/{}/logo.png",
            public_url.trim_end_matches('/'),
            brand.id
        )
    }
}

/// The web address of the Messenger page under `public_url` for `brand`, signing `contact` in
/// at `about` (see [`crate::customer_identity::messenger_link`]).
pub fn messenger_url(
    public_url: &str,
    brand: &Brand,
    contact: crate::ContactId,
    about: Thread,
    issued: Millis,
    secret: &[u8],
) -> String {
    format!(
        "{}/messenger?brand={}&link={}",
        public_url.trim_end_matches('/'),
        brand.id,
        crate::customer_identity::messenger_link(contact, about, issued, secret)
    )
}

pub fn render(input: &EmailInput) -> Email {
    let Some(t) = input.ticket else {
        return render_conversation(input);
    };
    let reference = match t.number {
        Some(n) => format!("{} (#{n})", t.title),
        None => t.title.clone(),
    };
    let submitted = input.reasons.iter().any(|r| matches!(r, Reason::Submitted));
    let state_changed = input
        .reasons
        .iter()
        .any(|r| matches!(r, Reason::StateChanged { .. }));
    let subject = if submitted {
        format!("We received your request: {reference}")
    } else if state_changed {
        format!("{reference} is now {}", t.state_label)
    } else {
        format!("New reply to your request: {reference}")
    };
    let subject = format!("[{}] {subject}", input.brand.name);

    let mut paragraphs: Vec<String> = vec![format!("Hi {},", first_name(&input.contact.name))];
    if submitted {
        paragraphs.push(format!(
            "Thanks for getting in touch. Your request \"{}\" is now {}.",
            t.title, t.state_label
        ));
    } else if state_changed {
        paragraphs.push(format!(
            "Your request \"{}\" is now {}.",
            t.title, t.state_label
        ));
    }
    if !input.replies.is_empty() {
        paragraphs.push(format!("The {} team replied:", input.brand.name));
    }
    let details: Vec<String> = t
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let footer = format!(
        "Reply to this email to answer on your ticket, or follow it in the Messenger. {}",
        input.brand.name
    );

    let details = if submitted { details } else { Vec::new() };
    let heading = format!("{reference} · {}", t.state_label);
    email(input, subject, &heading, &paragraphs, &details, &footer)
}

/// A teammate's reply in a conversation: the same template, without ticket details.
fn render_conversation(input: &EmailInput) -> Email {
    let subject = format!("[{}] New reply: {}", input.brand.name, input.subject);
    let mut paragraphs: Vec<String> = vec![format!("Hi {},", first_name(&input.contact.name))];
    paragraphs.push(format!("The {} team replied:", input.brand.name));
    let footer = format!(
        "Reply to this email to answer in your conversation, or continue in the Messenger. {}",
        input.brand.name
    );
    email(input, subject, input.subject, &paragraphs, &[], &footer)
}

/// The email with a customer's Messenger sign-in code: the same layout, no reply address
/// (`links.reply_to` is the sender's), and the code said plainly in both parts.
pub fn render_sign_in_code(brand: &Brand, contact: &Contact, code: &str, links: Links) -> Email {
    let subject = format!("[{}] Your sign-in code: {code}", brand.name);
    let minutes = crate::customer_identity::SIGN_IN_CODE_MILLIS / 60_000;
    let paragraphs = [
        format!("Hi {},", first_name(&contact.name)),
        format!(
            "Your code to sign in to the {} Messenger is {code}.",
            brand.name
        ),
        format!(
            "It works once, for {minutes} minutes. If you did not ask for it, ignore this email."
        ),
    ];
    let input = EmailInput {
        reasons: &[],
        ticket: None,
        subject: &subject,
        brand,
        contact,
        replies: &[],
        links,
    };
    email(
        &input,
        subject.clone(),
        "Sign in",
        &paragraphs,
        &[],
        &brand.name,
    )
}

/// The one layout of every customer email, in plain text and HTML. The teammates' replies
/// (`input.replies`) follow the paragraphs, rendered from their rich text (see
/// [`crate::rich_text`]).
fn email(
    input: &EmailInput,
    subject: String,
    heading: &str,
    paragraphs: &[String],
    details: &[String],
    footer: &str,
) -> Email {
    let mut text = paragraphs
        .iter()
        .cloned()
        .chain(input.replies.iter().map(|r| {
            let mut text = rich_text::to_plain(&r.body);
            let files = files_text(&r.files);
            if !files.is_empty() {
                text.push_str(&format!("\n\n{}", files.join("\n")));
            }
            text
        }))
        .collect::<Vec<_>>()
        .join("\n\n");
    if !details.is_empty() {
        text.push_str(&format!("\n\n{}", details.join("\n")));
    }
    if let Some(link) = &input.links.messenger {
        text.push_str(&format!("\n\n{VIEW_IN_MESSENGER}: {link}"));
    }
    text.push_str(&format!("\n\n-- \n{footer}\n"));

    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#111827;max-width:560px;margin:auto\">\
         <p><img src=\"{}\" alt=\"{}\" width=\"40\" height=\"40\"> <strong>{}</strong></p>",
        escape(&input.links.logo),
        escape(&input.brand.name),
        escape(&input.brand.name)
    );
    html.push_str(&format!(
        "<p style=\"color:#6b7280\">{}</p>",
        escape(heading)
    ));
    for p in paragraphs {
        html.push_str(&format!("<p>{}</p>", escape(p).replace('\n', "<br>")));
    }
    for reply in input.replies {
        html.push_str(&format!("<div>{}</div>", rich_text::to_html(&reply.body)));
        html.push_str(&files_html(&reply.files));
    }
    if !details.is_empty() {
        html.push_str("<ul>");
        for d in details {
            html.push_str(&format!("<li>{}</li>", escape(d)));
        }
        html.push_str("</ul>");
    }
    if let Some(link) = &input.links.messenger {
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:10px 16px;border-radius:6px;\
             background:{};color:#ffffff;text-decoration:none;font-weight:600\">{VIEW_IN_MESSENGER}</a></p>",
            escape(link),
            input.brand.color_or_default()
        ));
    }
    html.push_str(&format!(
        "<p style=\"color:#6b7280;font-size:12px\">{}</p></body></html>",
        escape(footer)
    ));

    Email {
        to: input.contact.email.clone(),
        reply_to: input.links.reply_to.clone(),
        subject,
        text,
        html,
    }
}

/// A reply's files in the HTML part: the same words as the text, as lists.
fn files_html(files: &ReplyFiles) -> String {
    let item = |f: &EmailFile| {
        format!(
            "<li>{} <span style=\"color:#6b7280\">({})</span></li>",
            escape(&f.name),
            size_label(f.size)
        )
    };
    match files {
        ReplyFiles::Listed(files) => {
            let mut html = String::new();
            for (heading, attached) in [(ATTACHED, true), (LINKED, false)] {
                let items: String = files
                    .iter()
                    .filter(|f| f.attached == attached)
                    .map(item)
                    .collect();
                if !items.is_empty() {
                    html.push_str(&format!(
                        "<p style=\"margin-bottom:4px\">{}</p><ul style=\"margin-top:0\">{items}</ul>",
                        escape(heading)
                    ));
                }
            }
            html
        }
        ReplyFiles::Unlisted(0) => String::new(),
        ReplyFiles::Unlisted(n) => format!("<p>{}</p>", escape(&unlisted(*n))),
    }
}

/// The label of the email's link to the Messenger.
pub const VIEW_IN_MESSENGER: &str = "View in Messenger";

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or("there")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The domain of reply-to addresses when the server is given none (and in the app's preview).
pub const INBOUND_EMAIL_DOMAIN: &str = "inbound.teammate-inbox.local";

/// How long a reply-to address keeps working after its email was made, by default: a leaked
/// or forwarded address stops being a way in, and a customer answering a months-old email is
/// told to use the Messenger instead.
pub const REPLY_TOKEN_DAYS: i64 = 90;

/// The unguessable token in a reply-to address: the ticket's or conversation's id, the day the
/// email was made, and a signature over both that only the holder of `secret` can make.
pub fn reply_token(about: Thread, issued: Millis, secret: &[u8]) -> String {
    let id = about.to_string().to_lowercase();
    let signed = format!("{id}.{}", day_of(issued));
    format!("{signed}.{}", signature(&signed, secret))
}

/// Why a reply-to token is refused.
pub type ReplyTokenError = SignedError;

/// The id of the ticket or conversation a reply-to token names, if its signature is right and
/// it is at most `max_age_days` old at `now`.
pub fn id_from_reply_token(
    token: &str,
    secret: &[u8],
    now: Millis,
    max_age_days: i64,
) -> Result<ulid::Ulid, ReplyTokenError> {
    let token = token.trim().to_lowercase();
    let (signed, sig) = token.rsplit_once('.').ok_or(SignedError::Forged)?;
    let (id, day) = signed.split_once('.').ok_or(SignedError::Forged)?;
    if !same(&signature(signed, secret), sig) {
        return Err(SignedError::Forged);
    }
    let id = id.to_uppercase().parse().map_err(|_| SignedError::Forged)?;
    check_day(day, now, max_age_days)?;
    Ok(id)
}

/// HMAC-SHA256 truncated to 96 bits (as RFC 2104 allows): `reply+ID.DAY.SIG` must fit the 64
/// characters an email address's local part may have (6 + 26 + 1 + 3 + 1 + 24 = 61 until the
/// day number needs a fourth digit, in 2097).
fn signature(id: &str, secret: &[u8]) -> String {
    mac_hex(secret, id, 12)
}
