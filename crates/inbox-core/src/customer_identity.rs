//! How a customer proves who they are to the Messenger: the signed link in every customer
//! email, a one-time code sent to their address, or the company's own sign-in vouched for by
//! an HMAC of the user's id (Intercom's identity verification). All of them are checked here,
//! once, for every server.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::notification::Thread;
use crate::{ContactId, Millis};

const DAY: Millis = 86_400_000;

/// Days a "View in Messenger" link keeps signing its customer in: long enough for a ticket's
/// life, short enough that an old forwarded email stops being a key.
pub const MESSENGER_LINK_DAYS: i64 = 30;

/// A one-time sign-in code lasts this long.
pub const SIGN_IN_CODE_MILLIS: Millis = 15 * 60_000;

/// Wrong guesses a sign-in code survives; then a new one must be asked for.
pub const SIGN_IN_CODE_TRIES: u32 = 5;

/// The longest link token, sign-in code and identity hash a customer may send (each is far
/// shorter when right).
pub const MAX_LINK_TOKEN: usize = 200;
pub const MAX_CODE: usize = 20;
pub const MAX_USER_HASH: usize = 128;

/// Why a signed value is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedError {
    /// Not something this secret signed.
    Forged,
    /// Signed, but older than allowed.
    Expired,
}

/// HMAC-SHA256 of `message` under `key`, in lower-case hex, truncated to `bytes`.
pub(crate) fn mac_hex(key: &[u8], message: &str, bytes: usize) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    hex(&mac.finalize().into_bytes()[..bytes])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without an early exit, so timing tells nothing about where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub(crate) fn base36(mut n: u64) -> String {
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

pub(crate) fn day_of(at: Millis) -> String {
    base36(at.div_euclid(DAY).max(0) as u64)
}

/// Whether a day written by [`day_of`] is at most `max_age_days` before `now`.
pub(crate) fn check_day(day: &str, now: Millis, max_age_days: i64) -> Result<(), SignedError> {
    let issued = u64::from_str_radix(day, 36).map_err(|_| SignedError::Forged)?;
    let issued = i64::try_from(issued).map_err(|_| SignedError::Forged)?;
    if now.div_euclid(DAY) - issued > max_age_days {
        return Err(SignedError::Expired);
    }
    Ok(())
}

/// The token of a "View in Messenger" link: it signs `contact` in and opens `about`. Distinct
/// from a reply-to token (another purpose is signed), so neither can stand for the other.
pub fn messenger_link(contact: ContactId, about: Thread, issued: Millis, secret: &[u8]) -> String {
    let kind = match about {
        Thread::Ticket(_) => "t",
        Thread::Conversation(_) => "c",
    };
    let signed = format!(
        "{}.{kind}{}.{}",
        contact.to_string().to_lowercase(),
        about.to_string().to_lowercase(),
        day_of(issued)
    );
    format!("{signed}.{}", link_signature(&signed, secret))
}

fn link_signature(signed: &str, secret: &[u8]) -> String {
    mac_hex(secret, &format!("messenger link {signed}"), 16)
}

/// The contact and the ticket or conversation a link names, if its signature is right and it
/// is at most `max_age_days` old.
pub fn verify_messenger_link(
    token: &str,
    secret: &[u8],
    now: Millis,
    max_age_days: i64,
) -> Result<(ContactId, Thread), SignedError> {
    let token = token.trim().to_lowercase();
    let (signed, sig) = token.rsplit_once('.').ok_or(SignedError::Forged)?;
    if !same(&link_signature(signed, secret), sig) {
        return Err(SignedError::Forged);
    }
    let mut fields = signed.split('.');
    let (Some(contact), Some(about), Some(day), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(SignedError::Forged);
    };
    check_day(day, now, max_age_days)?;
    let ulid = |s: &str| {
        s.to_uppercase()
            .parse::<ulid::Ulid>()
            .map_err(|_| SignedError::Forged)
    };
    let contact = ContactId(ulid(contact)?);
    let about = match about.split_at_checked(1) {
        Some(("t", id)) => Thread::Ticket(crate::TicketId(ulid(id)?)),
        Some(("c", id)) => Thread::Conversation(crate::ConversationId(ulid(id)?)),
        _ => return Err(SignedError::Forged),
    };
    Ok((contact, about))
}

/// The workspace's identity verification secret: what a company's server keys the HMAC of
/// its users' ids with. Derived from the workspace's secret, so it needs no storage of its own.
pub fn identity_secret(workspace_secret: &[u8]) -> String {
    mac_hex(workspace_secret, "messenger identity verification", 32)
}

/// Who an embedding site says its signed-in user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedIdentity {
    /// The user's id in the company's systems (Intercom's `user_id`, our `external_id`).
    pub user_id: Option<String>,
    pub email: Option<String>,
    /// Hex HMAC-SHA256 of `user_id` (or of `email` when there is no id) under the identity
    /// secret.
    pub user_hash: String,
}

impl ClaimedIdentity {
    /// Sizes and characters, before any hashing: a refusal names the field.
    pub fn validate(&self) -> Result<(), crate::CoreError> {
        use crate::limits::{line, MAX_EMAIL, MAX_NAME};
        line("user id", self.user_id.as_deref().unwrap_or(""), MAX_NAME)?;
        line("email", self.email.as_deref().unwrap_or(""), MAX_EMAIL)?;
        line("user hash", &self.user_hash, MAX_USER_HASH)
    }
}

/// Whether `claim` carries a right hash, the way Intercom checks it: of the user id when there
/// is one, else of the email. Case of the hex does not matter.
pub fn verify_identity(claim: &ClaimedIdentity, identity_secret: &str) -> bool {
    let Some(subject) = claim.user_id.as_deref().or(claim.email.as_deref()) else {
        return false;
    };
    let expected = mac_hex(identity_secret.as_bytes(), subject, 32);
    same(&expected, &claim.user_hash.trim().to_lowercase())
}

/// The hash a company's server sends for `subject` (its user's id or email): what
/// [`verify_identity`] accepts. For documentation examples and tests.
pub fn identity_hash(subject: &str, identity_secret: &str) -> String {
    mac_hex(identity_secret.as_bytes(), subject, 32)
}

/// A sign-in code as stored: its hash only, so a leaked database holds no usable code.
pub fn sign_in_code_hash(email: &str, code: &str, secret: &[u8]) -> String {
    mac_hex(
        secret,
        &format!(
            "sign-in code {} {}",
            email.trim().to_lowercase(),
            code.trim()
        ),
        32,
    )
}

/// Six digits from `random`, without a bias worth the name (2^64 is many times 10^6).
pub fn sign_in_code(random: u64) -> String {
    format!("{:06}", random % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TicketId;

    const SECRET: &[u8] = b"workspace secret";

    fn id(n: u128) -> ulid::Ulid {
        ulid::Ulid(n)
    }

    #[test]
    fn a_link_names_its_contact_and_thread_until_it_expires() {
        let (contact, about) = (ContactId(id(7)), Thread::Ticket(TicketId(id(9))));
        let now = 1_800_000_000_000;
        let link = messenger_link(contact, about, now, SECRET);
        assert_eq!(
            verify_messenger_link(&link, SECRET, now, 30),
            Ok((contact, about))
        );
        assert_eq!(
            verify_messenger_link(&link, SECRET, now + 31 * DAY, 30),
            Err(SignedError::Expired)
        );
        assert_eq!(
            verify_messenger_link(&link, b"other secret", now, 30),
            Err(SignedError::Forged)
        );
        let other = messenger_link(ContactId(id(8)), about, now, SECRET);
        let (signed, _) = link.rsplit_once('.').unwrap();
        let (_, sig) = other.rsplit_once('.').unwrap();
        assert_eq!(
            verify_messenger_link(&format!("{signed}.{sig}"), SECRET, now, 30),
            Err(SignedError::Forged)
        );
        let conversation = Thread::Conversation(crate::ConversationId(id(3)));
        let link = messenger_link(contact, conversation, now, SECRET);
        assert_eq!(
            verify_messenger_link(&link, SECRET, now, 30),
            Ok((contact, conversation))
        );
    }

    #[test]
    fn a_reply_token_is_no_link() {
        let about = Thread::Ticket(TicketId(id(9)));
        let token = crate::email::reply_token(about, 1_800_000_000_000, SECRET);
        assert_eq!(
            verify_messenger_link(&token, SECRET, 1_800_000_000_000, 30),
            Err(SignedError::Forged)
        );
    }

    #[test]
    fn identity_is_verified_against_the_user_id_first() {
        let secret = identity_secret(SECRET);
        let claim = |user_id: Option<&str>, email: Option<&str>, hash: String| ClaimedIdentity {
            user_id: user_id.map(str::to_owned),
            email: email.map(str::to_owned),
            user_hash: hash,
        };
        assert!(verify_identity(
            &claim(
                Some("42"),
                Some("ada@x.example"),
                identity_hash("42", &secret)
            ),
            &secret
        ));
        assert!(verify_identity(
            &claim(
                None,
                Some("ada@x.example"),
                identity_hash("ada@x.example", &secret).to_uppercase()
            ),
            &secret
        ));
        assert!(!verify_identity(
            &claim(
                Some("43"),
                Some("ada@x.example"),
                identity_hash("42", &secret)
            ),
            &secret
        ));
        assert!(!verify_identity(
            &claim(Some("42"), None, identity_hash("42", "guessed secret")),
            &secret
        ));
        assert!(!verify_identity(&claim(None, None, String::new()), &secret));
    }

    #[test]
    fn codes_are_six_digits_and_stored_as_hashes() {
        assert_eq!(sign_in_code(42), "000042");
        assert_eq!(sign_in_code(u64::MAX).len(), 6);
        let hash = sign_in_code_hash("Ada@X.example ", "123456", SECRET);
        assert_eq!(hash, sign_in_code_hash("ada@x.example", " 123456", SECRET));
        assert_ne!(hash, sign_in_code_hash("ada@x.example", "123457", SECRET));
        assert!(!hash.contains("123456"));
    }
}
