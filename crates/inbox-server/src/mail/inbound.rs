//! Email into the server. A customer answers a notification email: their mail lands at
//! `reply+TOKEN@<inbound domain>` (the Reply-To the email carried), and what they wrote, without
//! the quoted history their mail client appended, becomes a reply on the ticket or in the
//! conversation. A customer writes to the support address (any other address at the inbound
//! domain): the mail starts a conversation, or continues one it answers (`In-Reply-To`,
//! `References`).
//!
//! This module only reads the message. The token is not checked here: the caller does that
//! with `inbox_core::email::id_from_reply_token`, which needs the server's secret.

use inbox_core::attachment::{inbound_body, sort_offered, Offered};
use mail_parser::decoders::html::html_to_text;
use mail_parser::{
    HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};

use crate::error::ServerError;

/// What a customer's email says and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundReply {
    /// The `TOKEN` of `reply+TOKEN@domain`, as received (its signature unchecked); none for
    /// mail to the support address.
    pub token: Option<String>,
    /// The sender's address from the From header, as written.
    pub from: String,
    /// The sender's name from the From header, if given.
    pub from_name: Option<String>,
    /// The Subject, trimmed (empty when absent).
    pub subject: String,
    /// The Message-IDs this email answers (In-Reply-To first, then References, newest first).
    pub answers: Vec<String>,
    /// The new text of the reply: quotes, forwarded headers and signature removed, trimmed.
    pub body: String,
    /// The Message-ID header, if any: a relay that retries delivers the same message again,
    /// and it must land once.
    pub message_id: Option<String>,
    /// The files it carries that are kept (attached, or inline images), checked as uploads;
    /// those refused are told at the end of `body`.
    pub files: Vec<InboundFile>,
}

/// A file of a customer's email, to be stored as their upload.
#[derive(Clone, PartialEq, Eq)]
pub struct InboundFile {
    /// Cleaned, as [`inbox_core::attachment::validate_upload`] returns it.
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for InboundFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}, {} bytes)",
            self.name,
            self.content_type,
            self.bytes.len()
        )
    }
}

/// MIME containers (multipart/* and message/* parts) one inbound email may hold. A customer's
/// reply has a handful; the bound keeps parsing, and dropping the parsed tree, from recursing
/// as deep as a hostile message nests.
pub const MAX_CONTAINERS: usize = 64;
/// MIME parts of any kind one inbound email may hold.
pub const MAX_PARTS: usize = 1_000;

/// Counts the MIME parts of `raw` by their Content-Type headers, without parsing it, and
/// refuses a message with more than [`MAX_CONTAINERS`] containers or [`MAX_PARTS`] parts.
/// It over-counts (a Content-Type line quoted in a body counts too), never under-counts: every
/// part the parser can find starts with such a header, folded or not.
pub fn check_shape(raw: &[u8]) -> Result<(), ServerError> {
    let mut parts = 0;
    let mut containers = 0;
    let mut lines = raw.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let Some(value) = header_value(line, b"content-type") else {
            continue;
        };
        let mut value = value.to_ascii_lowercase();
        // A folded header goes on in lines that start with white space.
        while let Some(next) =
            lines.next_if(|l| l.first().is_some_and(|b| *b == b' ' || *b == b'\t'))
        {
            value.extend(next.to_ascii_lowercase());
        }
        parts += 1;
        let value = String::from_utf8_lossy(&value);
        if value.contains("multipart/") || value.contains("message/") {
            containers += 1;
        }
        if parts > MAX_PARTS || containers > MAX_CONTAINERS {
            return Err(ServerError::unprocessable(
                "inbound_too_complex",
                format!(
                    "The email has more than {MAX_PARTS} parts or {MAX_CONTAINERS} nested messages and multiparts; no reply needs that many."
                ),
            ));
        }
    }
    Ok(())
}

/// The value of `line` if it is the header `name` (any case, spaces allowed before the colon).
fn header_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let head = line.get(..name.len())?;
    if !head.eq_ignore_ascii_case(name) {
        return None;
    }
    let rest = &line[name.len()..];
    let colon = rest.iter().position(|&b| b != b' ' && b != b'\t')?;
    (rest[colon] == b':').then(|| &rest[colon + 1..])
}

/// Reads a raw RFC 5322 message (as an MTA pipes or posts it) sent to a reply address on
/// `inbound_domain`.
///
/// Errors (422, with stable codes): `inbound_unparseable` when `raw` is not an email (no
/// headers, no From), `inbound_not_addressed` when no recipient is at `inbound_domain`,
/// `inbound_empty_reply` when nothing is left once the quoted text is removed.
pub fn parse_reply(raw: &[u8], inbound_domain: &str) -> Result<InboundReply, ServerError> {
    check_shape(raw)?;
    // The parser asserts things about its own state that some inputs break (found by
    // fuzzing, see the test below): a message it chokes on is simply not an email we can read.
    let message = std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .ok()
        .flatten()
        .ok_or_else(unparseable)?;
    let from = sender(&message).ok_or_else(unparseable)?;
    let recipients = recipients(&message, inbound_domain);
    if recipients.is_empty() {
        return Err(ServerError::unprocessable(
            "inbound_not_addressed",
            format!("The email is not addressed to this server (an address @{inbound_domain})."),
        ));
    }
    let token = recipients.iter().find_map(|local| token_of(local));
    let (offered, parts) = offered_files(&message);
    let sorted = sort_offered(&offered);
    let body = inbound_body(
        &strip_quotes(&body_text(&message)),
        sorted.kept.len(),
        &sorted.dropped,
    );
    if body.is_empty() {
        return Err(ServerError::unprocessable(
            "inbound_empty_reply",
            "The email has no text of its own once the quoted message is removed, and no files.",
        ));
    }
    let files = sorted
        .kept
        .into_iter()
        .map(|(i, valid)| InboundFile {
            name: valid.name,
            content_type: valid.content_type,
            bytes: parts[i].contents().to_vec(),
        })
        .collect();
    let message_id = message.message_id().map(|id| id.trim().to_owned());
    let from_name = message
        .from()
        .and_then(|f| f.first()?.name())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let subject = message.subject().unwrap_or_default().trim().to_owned();
    let mut answers = message_ids(message.in_reply_to());
    let mut references = message_ids(message.references());
    references.reverse();
    answers.extend(references);
    answers.truncate(MAX_ANSWERS);
    Ok(InboundReply {
        token,
        from,
        from_name,
        subject,
        answers,
        body,
        message_id,
        files,
    })
}

/// The files of an email: its attachments and inline images (a nested message counts as one
/// file), with the parts they come from. The text the customer wrote is not one, even when a
/// mail client sends it in pieces around an inline image.
fn offered_files<'a>(message: &'a Message<'_>) -> (Vec<Offered>, Vec<&'a MessagePart<'a>>) {
    let mut offered = Vec::new();
    let mut parts = Vec::new();
    for part in message.attachments() {
        let named = part
            .attachment_name()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let disposition_attachment = part
            .content_disposition()
            .is_some_and(|d| d.is_attachment());
        if part.is_text() && named.is_none() && !disposition_attachment {
            continue;
        }
        let content_type = match (part.content_type(), part.is_message()) {
            (_, true) => "message/rfc822".to_owned(),
            (Some(ct), false) => match ct.subtype() {
                Some(sub) => format!("{}/{sub}", ct.ctype()),
                None => ct.ctype().to_owned(),
            },
            (None, false) => "text/plain".to_owned(),
        };
        let name = match named {
            Some(name) => name.to_owned(),
            None => format!(
                "{}-{}.{}",
                if part.is_message() {
                    "message"
                } else {
                    "attachment"
                },
                offered.len() + 1,
                extension(&content_type)
            ),
        };
        offered.push(Offered {
            name,
            content_type,
            size: part.len(),
        });
        parts.push(part);
    }
    (offered, parts)
}

/// The extension a nameless file (an inline image pasted into the mail) is named with.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "message/rfc822" => "eml",
        t if t.starts_with("text/") => "txt",
        _ => "bin",
    }
}

fn unparseable() -> ServerError {
    ServerError::unprocessable(
        "inbound_unparseable",
        "The request body is not an email (RFC 5322 message with a From header).",
    )
}

/// Every email has a From (RFC 5322 §3.6), so its absence is the surest sign that what we got
/// is not one: the parser itself accepts almost any bytes.
fn sender(message: &Message) -> Option<String> {
    let address = message.from()?.first()?.address()?.trim();
    address.contains('@').then(|| address.to_owned())
}

/// The headers where a reply address shows up: To and Cc as the customer's client wrote them,
/// Delivered-To and X-Original-To as the receiving MTA recorded the envelope (which also
/// covers a Bcc, or a forward that rewrote To).
const RECIPIENT_HEADERS: [&str; 4] = ["To", "Cc", "Delivered-To", "X-Original-To"];

/// The local parts of the recipients at `domain` (any case, as mail systems may change it).
fn recipients(message: &Message, domain: &str) -> Vec<String> {
    RECIPIENT_HEADERS
        .iter()
        .filter_map(|name| HeaderName::parse(*name))
        .flat_map(|name| message.header_values(name).flat_map(addresses))
        .filter_map(|address| {
            let (local, at) = address.trim().rsplit_once('@')?;
            at.eq_ignore_ascii_case(domain.trim())
                .then(|| local.to_owned())
        })
        .collect()
}

/// At most this many Message-IDs of an email's thread are looked up.
const MAX_ANSWERS: usize = 20;

/// The Message-IDs in an In-Reply-To or References header, in header order.
fn message_ids(value: &HeaderValue) -> Vec<String> {
    let ids: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.as_ref()).collect(),
        _ => Vec::new(),
    };
    ids.into_iter()
        .map(|id| id.trim().trim_matches(['<', '>']).to_owned())
        .filter(|id| !id.is_empty())
        .collect()
}

/// The addresses in a header: parsed lists for To and Cc, raw text (split on commas and
/// spaces, `<>` removed) for the headers the parser leaves as text.
fn addresses<'a>(value: &'a HeaderValue) -> Vec<&'a str> {
    let split = |text: &'a str| {
        text.split([',', ' ', '\t'])
            .map(|s| s.trim_matches(['<', '>']))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    };
    match value {
        HeaderValue::Address(list) => list.iter().filter_map(|a| a.address()).collect(),
        HeaderValue::Text(text) => split(text),
        HeaderValue::TextList(list) => list.iter().flat_map(|t| split(t)).collect(),
        _ => Vec::new(),
    }
}

/// `TOKEN` if the local part is `reply+TOKEN` (`reply` in any case).
fn token_of(local: &str) -> Option<String> {
    let (prefix, token) = local.split_once('+')?;
    let valid = prefix.eq_ignore_ascii_case("reply")
        && !token.is_empty()
        && !token.contains(|c: char| c.is_whitespace() || c == '"');
    valid.then(|| token.to_owned())
}

/// The text the customer sent: the first text/plain body, or else the HTML one as text.
fn body_text(message: &Message) -> String {
    match message.text_bodies().next().map(|part| &part.body) {
        Some(PartType::Text(text)) => text.to_string(),
        Some(PartType::Html(html)) => html_as_text(html),
        _ => String::new(),
    }
}

/// HTML as text with one line per block, so the line-based quote removal below also works on
/// an HTML-only reply: the parser's own conversion breaks lines only at `<br>` and `</p>`,
/// which would glue Gmail's "On … wrote:" to the end of the customer's last sentence.
fn html_as_text(html: &str) -> String {
    let text = html_to_text(&break_blocks(html));
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        // Block boundaries add blank lines of their own: keep at most one in a row.
        let after_blank = matches!(lines.last(), None | Some(&""));
        if !(line.is_empty() && after_blank) {
            lines.push(line);
        }
    }
    lines.join("\n")
}

const BLOCK_TAGS: [&str; 16] = [
    "div",
    "p",
    "blockquote",
    "hr",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
];

/// Puts a `<br>` before each opening and after each closing block-level tag.
fn break_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut pieces = html.split('<');
    out.push_str(pieces.next().unwrap_or_default());
    for piece in pieces {
        let closing = piece.starts_with('/');
        let name = piece
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default();
        let block = BLOCK_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name));
        match (block, closing, piece.split_once('>')) {
            (true, true, Some((tag, rest))) => {
                out.push('<');
                out.push_str(tag);
                out.push_str("><br>");
                out.push_str(rest);
            }
            (true, false, _) => {
                out.push_str("<br><");
                out.push_str(piece);
            }
            _ => {
                out.push('<');
                out.push_str(piece);
            }
        }
    }
    out
}

/// The reply without what the mail client added below or around it: everything from an
/// attribution ("On … wrote:"), an Outlook "Original Message" line or header block, or a
/// "-- " signature line on; then every line quoted with ">" (inline quotes between answers).
fn strip_quotes(body: &str) -> String {
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let end = (0..lines.len())
        .find(|&i| starts_quote_or_signature(&lines[i..]))
        .unwrap_or(lines.len());
    let kept: Vec<&str> = lines[..end]
        .iter()
        .copied()
        .filter(|line| !line.trim_start().starts_with('>'))
        .collect();
    trim_separators(&kept).join("\n").trim().to_owned()
}

/// Whether the first of `lines` begins the part to drop.
fn starts_quote_or_signature(lines: &[&str]) -> bool {
    let line = lines[0];
    line == "--" // "-- " once trailing space is gone (many clients drop it anyway)
        || is_attribution(line, lines.get(1).copied())
        || is_original_message(line)
        || is_header_block(lines)
}

/// How mail clients introduce a quote, by language: the line starts with the first and ends
/// with the second.
const ATTRIBUTIONS: [(&str, &str); 6] = [
    ("On ", "wrote:"),
    ("Am ", "schrieb:"),
    ("Le ", "a écrit :"),
    ("Le ", "a écrit:"),
    ("El ", "escribió:"),
    ("Op ", "geschreven:"),
];

/// "On <date>, <name> wrote:", on one line or (as Gmail wraps long ones) two. The two-line
/// form must name an address, as clients' attributions do, so that a customer's "On Monday
/// …" followed by "… the technician wrote:" stays.
fn is_attribution(line: &str, next: Option<&str>) -> bool {
    let line = line.trim();
    let next = next.map(str::trim).unwrap_or_default();
    ATTRIBUTIONS.iter().any(|(start, end)| {
        line.starts_with(start)
            && (line.ends_with(end)
                || (next.ends_with(end)
                    && !next.starts_with(start)
                    && (line.contains('@') || next.contains('@'))))
    })
}

/// Outlook's "-----Original Message-----" (and its "Forwarded" sibling).
fn is_original_message(line: &str) -> bool {
    let line = line.trim();
    let inner = line.trim_matches(|c: char| c == '-' || c.is_whitespace());
    line.starts_with("---")
        && (inner.eq_ignore_ascii_case("Original Message")
            || inner.eq_ignore_ascii_case("Forwarded Message"))
}

/// Outlook's quoted header block: "From: …" followed within a few lines by "Sent:", "Date:",
/// "To:" or "Subject:". One "From:" line alone may be the customer's own words.
fn is_header_block(lines: &[&str]) -> bool {
    let field = |line: &str, name: &str| {
        let line = line.trim().trim_start_matches('*');
        line.get(..name.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(name))
    };
    field(lines[0], "From:")
        && lines.iter().skip(1).take(4).any(|line| {
            ["Sent:", "Date:", "To:", "Subject:"]
                .iter()
                .any(|name| field(line, name))
        })
}

/// Drops what is left of a separator above a removed quote: blank lines and Outlook's line of
/// underscores.
fn trim_separators<'a>(lines: &'a [&'a str]) -> &'a [&'a str] {
    let is_separator = |line: &&str| line.trim().chars().all(|c| c == '_');
    let end = lines
        .iter()
        .rposition(|l| !is_separator(l))
        .map_or(0, |i| i + 1);
    &lines[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = "inbound.acme.test";
    const TOKEN: &str = "01hz3k4m5n6p7q8r9s0t1v2w3x.0123456789abcdef0123456789abcdef";

    fn parse(raw: &str) -> Result<InboundReply, ServerError> {
        parse_reply(raw.replace('\n', "\r\n").as_bytes(), DOMAIN)
    }

    fn code(raw: &str) -> &'static str {
        parse(raw).unwrap_err().code()
    }

    #[test]
    fn a_message_the_parser_chokes_on_is_unparseable_not_a_panic() {
        // Found by tests/fuzz.rs: a message/rfc822 part inside a multipart whose nested
        // messages run past the boundary trips an assertion in mail-parser.
        let raw = "From: ada@custom1e999er.test\r\nTo: reply+t@inbound.example.test\r\n\
            Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
            Content-Type: text/plain\r\n\r\nplain\r\n--b\r\nest\r\n\
            To: reply+t@inbound.example.test\r\nContent-Type: message/rfc822\r\n\r\n\
            From: c@d.test\r\nContent-Type: message/rfc822\r\n\r\nFrom: e@f.test\r\n\r\n\
            inner\r\nContent-Type: text/html\r\n\r\n<div>html<blockquote>\
            Content-Type: message/rfc822\r\n\r\nquoted</blockquote></div>\r\n--b--\r\n";
        let outcome = parse_reply(raw.as_bytes(), "inbound.example.test");
        assert!(outcome.is_ok() || outcome.unwrap_err().code() == "inbound_unparseable");
    }

    #[test]
    fn nesting_beyond_the_bound_is_refused_before_parsing() {
        let mut raw = String::from("From: a@b.test\r\nTo: reply+t@inbound.acme.test\r\n");
        for _ in 0..=MAX_CONTAINERS {
            raw.push_str("Content-Type:\r\n message/rfc822\r\n\r\nFrom: a@b.test\r\n");
        }
        assert_eq!(
            code(&raw),
            "inbound_too_complex",
            "folded headers count too"
        );
    }

    #[test]
    fn gmail_reply_with_a_wrapped_attribution_and_quoted_lines() {
        let raw = format!(
            "Return-Path: <ada@gmail.test>
Delivered-To: reply+{TOKEN}@inbound.acme.test
From: Ada Lovelace <ada@gmail.test>
Date: Mon, 3 Jun 2024 10:20:00 +0200
Subject: Re: [Acme] New reply to your request: Printer on fire (#12)
To: Acme Support <reply+{TOKEN}@Inbound.ACME.test>
Message-ID: <CAB123@mail.gmail.test>
In-Reply-To: <01J0000000000000000000000A@teammate-inbox>
MIME-Version: 1.0
Content-Type: text/plain; charset=\"UTF-8\"
Content-Transfer-Encoding: quoted-printable

Thanks, it works now!
The toner was empty =E2=80=94 replaced it.

On Mon, Jun 3, 2024 at 10:15 AM Acme Support <
reply+{TOKEN}@inbound.acme.test> wrote:

> Hi Ada,
>
> We are on it.
>
> --
> Reply to this email to answer on your ticket. Acme
"
        );
        let reply = parse(&raw).unwrap();
        assert_eq!(reply.token.as_deref(), Some(TOKEN));
        assert_eq!(reply.from, "ada@gmail.test");
        assert_eq!(
            reply.body,
            "Thanks, it works now!\nThe toner was empty — replaced it."
        );
    }

    #[test]
    fn one_line_attribution_inline_quotes_and_a_signature() {
        let raw = format!(
            "From: ada@customer.test
To: reply+{TOKEN}@inbound.acme.test
Subject: Re: your request

> Which printer is it?
The one on the second floor.
> Since when?
Since Monday.

-- 
Ada Lovelace
Analytical Engines Ltd

On 3 Jun 2024, at 10:15, Acme Support <reply+{TOKEN}@inbound.acme.test> wrote:
> Which printer is it?
"
        );
        let reply = parse(&raw).unwrap();
        assert_eq!(reply.body, "The one on the second floor.\nSince Monday.");
    }

    #[test]
    fn outlook_original_message_block() {
        let raw = format!(
            "From: \"Lovelace, Ada\" <Ada.Lovelace@corp.test>
To: \"Acme Support\" <reply+{TOKEN}@inbound.acme.test>
Subject: RE: [Acme] Printer on fire (#12) is now Waiting on you
Content-Type: text/plain; charset=\"us-ascii\"

Hello,

Yes, please close it.

Regards,
Ada

-----Original Message-----
From: Acme Support <reply+{TOKEN}@inbound.acme.test>
Sent: Monday, June 3, 2024 10:15 AM
To: Lovelace, Ada <Ada.Lovelace@corp.test>
Subject: [Acme] Printer on fire (#12) is now Waiting on you

Hi Ada,
"
        );
        let reply = parse(&raw).unwrap();
        assert_eq!(reply.from, "Ada.Lovelace@corp.test");
        assert_eq!(
            reply.body,
            "Hello,\n\nYes, please close it.\n\nRegards,\nAda"
        );
    }

    #[test]
    fn outlook_header_block_under_a_line_of_underscores() {
        let raw = format!(
            "From: ada@corp.test
To: reply+{TOKEN}@inbound.acme.test
Subject: RE: request

Still broken, sorry.

________________________________
From: Acme Support <reply+{TOKEN}@inbound.acme.test>
Sent: Monday, June 3, 2024 10:15
To: ada@corp.test
Subject: [Acme] request
"
        );
        assert_eq!(parse(&raw).unwrap().body, "Still broken, sorry.");
    }

    #[test]
    fn a_from_line_alone_is_the_customers_text() {
        let raw = format!(
            "From: ada@corp.test
To: reply+{TOKEN}@inbound.acme.test
Subject: Re: request

From: the printer came a loud noise.
Then smoke.
"
        );
        assert_eq!(
            parse(&raw).unwrap().body,
            "From: the printer came a loud noise.\nThen smoke."
        );
    }

    #[test]
    fn html_only_gmail_reply() {
        let raw = format!(
            "From: Ada <ada@gmail.test>
To: reply+{TOKEN}@inbound.acme.test
Subject: Re: request
MIME-Version: 1.0
Content-Type: text/html; charset=\"UTF-8\"

<div dir=\"ltr\">Thanks a lot &amp; have a nice day!<div>Ada</div></div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, Jun 3, 2024 at 10:15 AM Acme Support &lt;<a href=\"mailto:reply+{TOKEN}@inbound.acme.test\">reply+{TOKEN}@inbound.acme.test</a>&gt; wrote:<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex\"><p>Hi Ada,</p><p>We are on it.</p></blockquote></div>
"
        );
        let reply = parse(&raw).unwrap();
        assert_eq!(reply.body, "Thanks a lot & have a nice day!\nAda");
    }

    #[test]
    fn multipart_alternative_uses_the_plain_part() {
        let raw = format!(
            "From: Ada <ada@customer.test>
To: Someone Else <other@customer.test>
Cc: Acme <reply+{TOKEN}@inbound.acme.test>
Subject: Re: request
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary=\"b1\"

--b1
Content-Type: text/plain; charset=utf-8

Plain answer.

On Mon, 3 Jun 2024 Acme wrote:
> old
--b1
Content-Type: text/html; charset=utf-8

<p>HTML answer.</p>
--b1--
"
        );
        let reply = parse(&raw).unwrap();
        assert_eq!(reply.token.as_deref(), Some(TOKEN));
        assert_eq!(reply.body, "Plain answer.");
    }

    #[test]
    fn multipart_mixed_with_an_html_only_alternative_and_an_attachment() {
        let raw = format!(
            "From: Ada <ada@customer.test>
To: reply+{TOKEN}@inbound.acme.test
Subject: Re: request
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=\"outer\"

--outer
Content-Type: text/html; charset=utf-8

<html><body><p>See the photo.</p><hr><p><b>From:</b> Acme<br><b>Sent:</b> Monday</p><p>Hi Ada</p></body></html>
--outer
Content-Type: image/png
Content-Disposition: attachment; filename=\"printer.png\"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--outer--
"
        );
        assert_eq!(parse(&raw).unwrap().body, "See the photo.");
    }

    #[test]
    fn files_attached_and_inline_are_kept_refused_ones_told_and_the_text_stays_text() {
        let raw = format!(
            "From: Ada <ada@customer.test>
To: reply+{TOKEN}@inbound.acme.test
Subject: Re: request
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=\"outer\"

--outer
Content-Type: multipart/related; boundary=\"rel\"

--rel
Content-Type: text/html; charset=utf-8

<p>Here it is: <img src=\"cid:shot1\"></p>
--rel
Content-Type: image/png
Content-ID: <shot1>
Content-Disposition: inline
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--rel--
--outer
Content-Type: application/pdf; name=\"invoice.pdf\"
Content-Disposition: attachment; filename=\"invoice.pdf\"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename=\"virus.exe\"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA
--outer
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename=\"log.txt\"

line one
--outer--
"
        );
        let reply = parse(&raw).unwrap();
        assert_eq!(
            reply.body,
            "Here it is:\n\n(1 attachment was not kept: virus.exe — type refused)"
        );
        let files: Vec<(&str, &str, &[u8])> = reply
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.content_type.as_str(), &f.bytes[..]))
            .collect();
        assert_eq!(
            files,
            [
                ("attachment-1.png", "image/png", &b"\x89PNG\r\n\x1a\n"[..]),
                ("invoice.pdf", "application/pdf", b"%PDF-1.4\n"),
                ("log.txt", "text/plain", b"line one"),
            ]
        );
    }

    #[test]
    fn an_email_with_files_and_no_text_is_no_empty_reply() {
        let raw = format!(
            "From: ada@customer.test
To: reply+{TOKEN}@inbound.acme.test
Subject: Re: request
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=\"b\"

--b
Content-Type: text/plain; charset=utf-8


--b
Content-Type: image/png; name=\"screen.png\"
Content-Disposition: attachment; filename=\"screen.png\"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--b--
"
        );
        let reply = parse(&raw).unwrap();
        assert_eq!(reply.body, "(1 file sent by email, without text)");
        assert_eq!(reply.files.len(), 1);
    }

    #[test]
    fn the_token_is_found_in_x_original_to_and_only_on_the_inbound_domain() {
        let envelope_only = format!(
            "From: ada@customer.test
To: undisclosed-recipients:;
X-Original-To: reply+{TOKEN}@inbound.acme.test
Subject: Re: request

Hello
"
        );
        assert_eq!(parse(&envelope_only).unwrap().token.as_deref(), Some(TOKEN));

        let other_domain = format!(
            "From: ada@customer.test
To: reply+{TOKEN}@evil.test, support@inbound.acme.test
Subject: Re: request

Hello
"
        );
        let support = parse(&other_domain).unwrap();
        assert_eq!(support.token, None, "a token at another domain is not ours");
        assert_eq!(support.subject, "Re: request");
    }

    #[test]
    fn mail_to_the_support_address_has_no_token_and_names_what_it_answers() {
        let raw = "From: Ada Lovelace <ada@customer.test>
To: support@inbound.acme.test
Subject:  My invoice
In-Reply-To: <first@customer.test>
References: <zero@customer.test> <first@customer.test>

Hi there
";
        let mail = parse(raw).unwrap();
        assert_eq!(mail.token, None);
        assert_eq!(mail.from_name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(mail.subject, "My invoice");
        assert_eq!(
            mail.answers,
            [
                "first@customer.test",
                "first@customer.test",
                "zero@customer.test"
            ]
        );
        let empty_token = "From: ada@customer.test
To: reply+@inbound.acme.test

Hi there
";
        assert_eq!(parse(empty_token).unwrap().token, None);
    }

    #[test]
    fn mail_to_another_domain_is_refused() {
        let raw = "From: ada@customer.test
To: support@acme.test
Subject: Hello

Hi there
";
        let err = parse(raw).unwrap_err();
        assert_eq!(err.code(), "inbound_not_addressed");
        assert_eq!(err.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn nothing_but_quotes_is_an_empty_reply() {
        let raw = format!(
            "From: ada@customer.test
To: reply+{TOKEN}@inbound.acme.test
Subject: Re: request


On Mon, Jun 3, 2024 at 10:15 AM Acme wrote:
> Hi Ada
"
        );
        assert_eq!(code(&raw), "inbound_empty_reply");
    }

    #[test]
    fn garbage_is_unparseable() {
        let err = parse_reply(b"", DOMAIN).unwrap_err();
        assert_eq!(err.code(), "inbound_unparseable");
        for garbage in [
            &b"\x00\x01\x02\xff\xfe binary junk"[..],
            b"just some text\nwithout any headers\n",
            b"{\"json\": true}",
            b"Subject: no sender\r\nTo: reply+x@inbound.acme.test\r\n\r\nHi\r\n",
        ] {
            let err = parse_reply(garbage, DOMAIN).unwrap_err();
            assert_eq!(err.code(), "inbound_unparseable", "{garbage:?}");
        }
    }

    #[test]
    fn quote_removal_keeps_the_customers_own_layout() {
        let body = "First line\n\n  indented\nOn Monday at 9 I called you.\nThe technician wrote:\n  all fine\n";
        assert_eq!(strip_quotes(body), body.trim_end());
    }
}
