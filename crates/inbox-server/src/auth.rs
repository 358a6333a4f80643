//! API tokens. A token is shown once when made; only its SHA-256 is stored, so a leaked
//! database leaks no usable token.

use inbox_core::{ContactId, Millis, TeammateId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, ServerError};
use crate::storage::Kind;
use crate::workspace::Db;

/// Who a token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Teammate(TeammateId),
    /// A customer, through the Messenger API.
    Contact(ContactId),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredToken {
    subject: Subject,
    created_at: Millis,
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a new token for `subject` and returns it; only its hash is kept.
pub fn issue(db: &Db, subject: Subject, now: Millis) -> Result<String> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the OS random source works");
    let prefix = match subject {
        Subject::Teammate(_) => "tit",
        Subject::Contact(_) => "tic",
    };
    let token = format!("{prefix}_{}", hex::encode(secret));
    db.put(
        Kind::Token,
        &hash(&token),
        &StoredToken {
            subject,
            created_at: now,
        },
    )?;
    Ok(token)
}

/// Who `token` speaks for, or `unauthorized`.
pub fn resolve(db: &Db, token: &str) -> Result<Subject> {
    db.get::<StoredToken>(Kind::Token, &hash(token))?
        .map(|t| t.subject)
        .ok_or(ServerError::Unauthorized)
}

/// Forgets `token`: it no longer speaks for anyone (signing out).
pub fn revoke(db: &Db, token: &str) -> Result<()> {
    db.tx().delete(Kind::Token, &hash(token))
}

/// The shortest password a teammate may choose.
pub const MIN_PASSWORD_LEN: usize = 8;

/// A teammate's password, as its Argon2id hash (PHC string, salt included).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredPassword {
    hash: String,
    set_at: Millis,
}

/// Hashes `password` for `teammate`; only the hash is kept.
pub fn set_password(db: &Db, teammate: TeammateId, password: &str, now: Millis) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(ServerError::bad_request(
            "weak_password",
            format!("A password needs at least {MIN_PASSWORD_LEN} characters."),
        ));
    }
    db.put(
        Kind::Password,
        &teammate.to_string(),
        &StoredPassword {
            hash: hash_password(password),
            set_at: now,
        },
    )
}

/// The stored password hash of `teammate`, if they have a password.
pub fn password_hash(db: &Db, teammate: TeammateId) -> Result<Option<String>> {
    Ok(db
        .get::<StoredPassword>(Kind::Password, &teammate.to_string())?
        .map(|p| p.hash))
}

fn hash_password(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source works");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any password")
        .to_string()
}

/// Whether `password` matches `stored` (a hash from [`set_password`]). Without a stored hash
/// (no such teammate, or no password set) a dummy hash is still checked, so the answer takes
/// as long either way and does not tell who has an account.
pub fn verify_password(stored: Option<&str>, password: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not anyone's password"));
    let Ok(parsed) = PasswordHash::new(stored.unwrap_or(dummy)) else {
        return false;
    };
    let matches = argon2::Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_only_its_own_hash() {
        let stored = hash_password("correct horse");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password(Some(&stored), "correct horse"));
        assert!(!verify_password(Some(&stored), "correct horsE"));
        assert!(!verify_password(None, "not anyone's password"));
        assert!(!verify_password(Some("garbage"), "correct horse"));
        assert_ne!(stored, hash_password("correct horse"), "salted");
    }
}
