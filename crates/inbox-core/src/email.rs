//! The customer email (R10): one fixed template, in HTML and plain text, for a submission, a
//! teammate's reply and a state change, under the ticket's brand (R14). The app's preview and
//! the server's delivery render with this same code.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::messenger::MessengerTicket;
use crate::notification::{Reason, Thread};
use crate::{Brand, Contact, Millis};

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
    pub replies: &'a [String],
    pub reply_to: String,
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
        paragraphs.extend(input.replies.iter().cloned());
    }
    let details: Vec<String> = t
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let footer = format!(
        "Reply to this email to answer on your ticket. {}",
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
    paragraphs.extend(input.replies.iter().cloned());
    let footer = format!(
        "Reply to this email to answer in your conversation. {}",
        input.brand.name
    );
    email(input, subject, input.subject, &paragraphs, &[], &footer)
}

/// The one layout of every customer email, in plain text and HTML.
fn email(
    input: &EmailInput,
    subject: String,
    heading: &str,
    paragraphs: &[String],
    details: &[String],
    footer: &str,
) -> Email {
    let mut text = paragraphs.join("\n\n");
    if !details.is_empty() {
        text.push_str(&format!("\n\n{}", details.join("\n")));
    }
    text.push_str(&format!("\n\n-- \n{footer}\n"));

    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#111827;max-width:560px;margin:auto\">\
         <p><img src=\"{}\" alt=\"{}\" width=\"40\" height=\"40\"> <strong>{}</strong></p>",
        escape(&input.brand.logo_url),
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
    if !details.is_empty() {
        html.push_str("<ul>");
        for d in details {
            html.push_str(&format!("<li>{}</li>", escape(d)));
        }
        html.push_str("</ul>");
    }
    html.push_str(&format!(
        "<p style=\"color:#6b7280;font-size:12px\">{}</p></body></html>",
        escape(footer)
    ));

    Email {
        to: input.contact.email.clone(),
        reply_to: input.reply_to.clone(),
        subject,
        text,
        html,
    }
}

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

const DAY: Millis = 86_400_000;

/// The unguessable token in a reply-to address: the ticket's or conversation's id, the day the
/// email was made, and a signature over both that only the holder of `secret` can make.
pub fn reply_token(about: Thread, issued: Millis, secret: &[u8]) -> String {
    let id = about.to_string().to_lowercase();
    let signed = format!("{id}.{}", base36(issued.div_euclid(DAY).max(0) as u64));
    format!("{signed}.{}", signature(&signed, secret))
}

/// Why a reply-to token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyTokenError {
    /// Not a token this secret signed (or one from before tokens carried their day).
    Forged,
    /// Signed, but older than the allowed age.
    Expired,
}

/// The id of the ticket or conversation a reply-to token names, if its signature is right and
/// it is at most `max_age_days` old at `now`.
pub fn id_from_reply_token(
    token: &str,
    secret: &[u8],
    now: Millis,
    max_age_days: i64,
) -> Result<ulid::Ulid, ReplyTokenError> {
    let token = token.trim().to_lowercase();
    let (signed, sig) = token.rsplit_once('.').ok_or(ReplyTokenError::Forged)?;
    let (id, day) = signed.split_once('.').ok_or(ReplyTokenError::Forged)?;
    let expected = signature(signed, secret);
    // Compare without an early exit, so timing tells nothing about the signature.
    let same = expected.len() == sig.len()
        && expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(ReplyTokenError::Forged);
    }
    let id = id
        .to_uppercase()
        .parse()
        .map_err(|_| ReplyTokenError::Forged)?;
    let issued = u64::from_str_radix(day, 36).map_err(|_| ReplyTokenError::Forged)? as i64;
    if now.div_euclid(DAY) - issued > max_age_days {
        return Err(ReplyTokenError::Expired);
    }
    Ok(id)
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("digits are ASCII")
}

/// HMAC-SHA256 truncated to 96 bits (as RFC 2104 allows): `reply+ID.DAY.SIG` must fit the 64
/// characters an email address's local part may have (6 + 26 + 1 + 3 + 1 + 24 = 61 until the
/// day number needs a fourth digit, in 2097).
fn signature(id: &str, secret: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(id.as_bytes());
    hex(&mac.finalize().into_bytes()[..12])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
