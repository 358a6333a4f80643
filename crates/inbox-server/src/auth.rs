//! Tokens and passwords. A token is shown once when made; only its SHA-256 is stored, so a
//! leaked database leaks no usable token. Teammates hold sessions (the app's sign-in, ending
//! after an idle time, on sign-out, on a password change or deactivation) and API tokens (for
//! integrations, listed and revoked by their owner or an admin); customers hold Messenger
//! sessions.

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

/// What a token is for, which decides how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// The app's sign-in: ends on sign-out, after the idle time, when the password changes or
    /// the teammate is deactivated.
    Session,
    /// An integration's key: ends when revoked or the teammate is deactivated.
    Api,
    /// A customer's Messenger session: ends on their sign-out or after the idle time.
    Customer,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredToken {
    subject: Subject,
    created_at: Millis,
    /// Tokens made before kinds existed are taken as sessions: they end after the idle time.
    #[serde(default)]
    kind: Option<TokenKind>,
    #[serde(default)]
    last_used_at: Option<Millis>,
    /// An API token's label ("Zapier", "billing sync").
    #[serde(default)]
    name: Option<String>,
}

impl StoredToken {
    fn kind(&self) -> TokenKind {
        self.kind.unwrap_or(TokenKind::Session)
    }

    fn last_used(&self) -> Millis {
        self.last_used_at.unwrap_or(self.created_at)
    }
}

/// A token as its owner and admins see it: never the secret, nor its full hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = Token)]
pub struct TokenInfo {
    /// The first 16 hex digits of the token's hash: enough to name it, useless to sign in.
    #[schema(pattern = "^[0-9a-f]{16}$")]
    pub id: String,
    pub kind: TokenKind,
    /// Whose it is.
    pub teammate_id: TeammateId,
    /// What an API token is for.
    pub name: Option<String>,
    /// Milliseconds since 1970.
    #[schema(value_type = i64)]
    pub created_at: Millis,
    /// Milliseconds since 1970.
    #[schema(value_type = i64)]
    pub last_used_at: Millis,
}

const TOKEN_ID_LEN: usize = 16;
/// A session's last use is written at most this often: not a write per request.
const TOUCH_EVERY: Millis = 60_000;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a new token for `subject` and returns it; only its hash is kept.
pub fn issue(
    db: &Db,
    subject: Subject,
    kind: TokenKind,
    name: Option<String>,
    now: Millis,
) -> Result<String> {
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
            kind: Some(kind),
            last_used_at: Some(now),
            name,
        },
    )?;
    Ok(token)
}

/// Whom a token speaks for, and whether its last use should be written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub subject: Subject,
    pub stale: bool,
}

/// Who `token` speaks for at `now`, or `unauthorized`: unknown, revoked, a session idle for
/// longer than `session_idle`, or a teammate who was deactivated.
pub fn resolve(db: &Db, token: &str, now: Millis, session_idle: Millis) -> Result<Resolved> {
    let stored = db
        .get::<StoredToken>(Kind::Token, &hash(token))?
        .ok_or(ServerError::Unauthorized)?;
    let ends_when_idle = matches!(stored.kind(), TokenKind::Session | TokenKind::Customer);
    if ends_when_idle && now - stored.last_used() > session_idle {
        return Err(ServerError::Unauthorized);
    }
    if let Subject::Teammate(id) = stored.subject {
        let teammate: Option<inbox_core::Teammate> = db.get(Kind::Teammate, &id.to_string())?;
        if !teammate.is_some_and(|t| t.active) {
            return Err(ServerError::Unauthorized);
        }
    }
    Ok(Resolved {
        subject: stored.subject,
        stale: now - stored.last_used() > TOUCH_EVERY,
    })
}

/// Writes down that `token` was used at `now` (what session expiry counts from).
pub fn touch(db: &Db, token: &str, now: Millis) -> Result<()> {
    let key = hash(token);
    if let Some(mut stored) = db.get::<StoredToken>(Kind::Token, &key)? {
        stored.last_used_at = Some(now);
        db.put(Kind::Token, &key, &stored)?;
    }
    Ok(())
}

/// Forgets `token`: it no longer speaks for anyone (signing out).
pub fn revoke(db: &Db, token: &str) -> Result<()> {
    db.tx().delete(Kind::Token, &hash(token))
}

/// Every stored token with its key, page by page (a workspace has few teammates, but its
/// customers may hold many Messenger sessions).
fn each_token(db: &Db, mut f: impl FnMut(&str, StoredToken) -> Result<()>) -> Result<()> {
    let mut after = String::new();
    loop {
        let page = db.tx().list(Kind::Token, &after, 1_000)?;
        let Some((last, _)) = page.last() else {
            return Ok(());
        };
        after = last.clone();
        for (key, doc) in &page {
            f(key, crate::workspace::parse("token", doc)?)?;
        }
    }
}

/// The tokens of `teammate`, newest first.
pub fn tokens_of(db: &Db, teammate: TeammateId) -> Result<Vec<TokenInfo>> {
    let mut found = Vec::new();
    each_token(db, |key, stored| {
        if stored.subject == Subject::Teammate(teammate) {
            found.push(TokenInfo {
                id: key[..TOKEN_ID_LEN].to_owned(),
                kind: stored.kind(),
                teammate_id: teammate,
                name: stored.name.clone(),
                created_at: stored.created_at,
                last_used_at: stored.last_used(),
            });
        }
        Ok(())
    })?;
    found.sort_by_key(|t| std::cmp::Reverse(t.created_at));
    Ok(found)
}

/// Revokes the token of `teammate` named `id` (a [`TokenInfo::id`]); false if there is none.
pub fn revoke_by_id(db: &Db, teammate: TeammateId, id: &str) -> Result<bool> {
    if id.len() != TOKEN_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let candidates = db.tx().list_prefix(Kind::Token, &id.to_ascii_lowercase())?;
    for (key, doc) in candidates {
        let stored: StoredToken = crate::workspace::parse("token", &doc)?;
        if stored.subject == Subject::Teammate(teammate) {
            db.tx().delete(Kind::Token, &key)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Ends the tokens of `teammate` of the given kinds; returns how many.
pub fn revoke_all(db: &Db, teammate: TeammateId, kinds: &[TokenKind]) -> Result<usize> {
    let mut doomed = Vec::new();
    each_token(db, |key, stored| {
        if stored.subject == Subject::Teammate(teammate) && kinds.contains(&stored.kind()) {
            doomed.push(key.to_owned());
        }
        Ok(())
    })?;
    for key in &doomed {
        db.tx().delete(Kind::Token, key)?;
    }
    Ok(doomed.len())
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
    )?;
    // Whoever knew the old password may be signed in with it.
    revoke_all(db, teammate, &[TokenKind::Session])?;
    Ok(())
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
