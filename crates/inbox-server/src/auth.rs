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
