//! Bounds on everything that enters a workspace, whatever the path (the app, REST, sync push,
//! inbound email, the Messenger, automations): every text has a length limit and is free of
//! control characters, every list has a size limit, every email address is one a mailer can
//! send to. Checked here once, so no path can store what another path would refuse, and no
//! stored value can later break a renderer, a mail header or a database driver (PostgreSQL
//! refuses NUL in text).

use crate::CoreError;

/// A name or a label: a ticket type, a state label, a brand, a team, a teammate, a contact, a
/// company, an attribute, a conversation's subject.
pub const MAX_NAME: usize = 250;
/// A ticket's title and other one-line attribute values.
pub const MAX_LINE: usize = 1_000;
/// A reply, a note, a description or a long-text attribute value, in characters.
pub const MAX_BODY: usize = 65_536;
/// A brand's logo (a URL, or a data URL holding a small image).
pub const MAX_LOGO: usize = 256 * 1024;
/// An email address (RFC 5321's path limit less the brackets).
pub const MAX_EMAIL: usize = 254;
/// The contacts of one ticket.
pub const MAX_CONTACTS: usize = 100;
/// The attributes of one ticket type, and the options of one list attribute.
pub const MAX_ATTRIBUTES: usize = 200;
pub const MAX_OPTIONS: usize = 1_000;
/// The members of one team, and the states one ticket type offers.
pub const MAX_MEMBERS: usize = 10_000;

/// One line of text: at most `max` characters, no control character at all (a line break in a
/// name would split an email header; NUL cannot be stored by PostgreSQL).
pub fn line(what: &str, text: &str, max: usize) -> Result<(), CoreError> {
    length(what, text, max)?;
    if text.chars().any(char::is_control) {
        return Err(CoreError::ControlCharacters { what: what.into() });
    }
    Ok(())
}

/// Text of several lines: at most `max` characters; line breaks and tabs are fine, other
/// control characters are not.
pub fn text(what: &str, text: &str, max: usize) -> Result<(), CoreError> {
    length(what, text, max)?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(CoreError::ControlCharacters { what: what.into() });
    }
    Ok(())
}

fn length(what: &str, text: &str, max: usize) -> Result<(), CoreError> {
    // Bytes bound characters from above: most texts never need counting.
    if text.len() > max && text.chars().count() > max {
        return Err(CoreError::TextTooLong {
            what: what.into(),
            max,
        });
    }
    Ok(())
}

/// At most `max` items in a list of `what`.
pub fn count(what: &'static str, len: usize, max: usize) -> Result<(), CoreError> {
    if len > max {
        return Err(CoreError::TooMany { what, max });
    }
    Ok(())
}

/// An email address as the server's mailer will parse it (`user@domain`, RFC 5321 local part
/// and a DNS name with a dot), ASCII only and at most [`MAX_EMAIL`] long. An address accepted
/// here is one the mailer can send to, so no email is queued that could never go out.
pub fn email_address(email: &str) -> Result<(), CoreError> {
    let invalid = || CoreError::InvalidEmail {
        email: email.chars().take(MAX_EMAIL).collect(),
    };
    if email.len() > MAX_EMAIL || !email.is_ascii() || email.chars().any(char::is_control) {
        return Err(invalid());
    }
    let (user, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
    let valid = email_address::EmailAddress::is_valid_local_part(user)
        && email_address::EmailAddress::is_valid_domain(domain)
        && domain.contains('.')
        && !domain.starts_with('[');
    if valid {
        Ok(())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_refuse_every_control_character_and_texts_keep_line_breaks() {
        assert!(line("name", "Acme Support", MAX_NAME).is_ok());
        for bad in ["Acme\r\nBcc: x", "a\0b", "tab\there", "bell\u{7}"] {
            assert_eq!(
                line("name", bad, MAX_NAME).unwrap_err().code(),
                "text_has_control_characters",
                "{bad:?}"
            );
        }
        assert!(text("reply", "Hello,\r\n\tthanks", MAX_BODY).is_ok());
        assert_eq!(
            text("reply", "nul\0", MAX_BODY).unwrap_err().code(),
            "text_has_control_characters"
        );
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let accents = "é".repeat(10);
        assert!(
            line("name", &accents, 10).is_ok(),
            "20 bytes, 10 characters"
        );
        assert_eq!(
            line("name", &"é".repeat(11), 10).unwrap_err().code(),
            "text_too_long"
        );
        assert!(count("contacts", 100, MAX_CONTACTS).is_ok());
        assert_eq!(
            count("contacts", 101, MAX_CONTACTS).unwrap_err().code(),
            "too_many"
        );
    }

    #[test]
    fn email_addresses_are_those_a_mailer_can_send_to() {
        for good in ["ava@acme.example", "first.last+tag@mail.example.co.uk"] {
            assert!(email_address(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "ava",
            "ava@",
            "@acme.example",
            "ava@localhost",
            "a b@acme.example",
            "ava@acme..example",
            "ava@acme.example\r\nBcc: x@y.example",
            "ava@[127.0.0.1]",
            "ävä@acme.example",
        ] {
            assert_eq!(
                email_address(bad).unwrap_err().code(),
                "invalid_email",
                "{bad:?}"
            );
        }
        let long = format!("{}@acme.example", "a".repeat(250));
        assert!(email_address(&long).is_err());
    }
}
