//! The authoritative apply: every mutation, from any endpoint, goes through `inbox_core::apply`
//! here, inside one write transaction with its notifications and its change-log entry. Sync
//! pushes are applied exactly once per (client, sequence number).

use inbox_core::{apply, Author, Context, Millis, Mutation, Outcome};
use inbox_sync::{Cursor, Origin, PendingMutation, PushResult, Record};

use crate::error::{Result, ServerError};
use crate::notifications;
use crate::storage::Kind;
use crate::workspace::Db;

/// The random half of new ids.
pub fn random() -> u128 {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    u128::from_le_bytes(bytes)
}

pub fn now() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis() as Millis
}

/// How one mutation is applied.
pub struct Apply {
    pub actor: Author,
    pub now: Millis,
    pub origin: Option<Origin>,
    /// R6a: an API caller may apply a change without telling customers.
    pub skip_notifications: bool,
}

/// Applies `mutation` and everything it causes within the caller's transaction.
pub fn apply_one(db: &Db, mutation: &Mutation, how: Apply) -> Result<(Outcome, Cursor)> {
    let mut rng = random;
    let mut ctx = Context {
        actor: how.actor,
        now: how.now,
        random: &mut rng,
    };
    let outcome = apply(db, mutation, &mut ctx)?;
    let mut records = db.write_changes(&outcome.changes)?;
    if !how.skip_notifications {
        let planned = notifications::queue(db, &outcome, how.now, &mut rng)?;
        records.extend(planned.into_iter().map(Record::TicketPart));
    }
    let cursor = db.log(how.now, how.origin, records)?;
    Ok((outcome, cursor))
}

fn push_key(client_id: &str, seq: u64) -> String {
    // Zero-padded so a client's results list in sequence order.
    format!("{client_id}/{seq:020}")
}

/// Applies one pushed mutation exactly once: a replay gets the first result back.
pub fn push_one(
    db: &Db,
    client_id: &str,
    pending: &PendingMutation,
    actor: Author,
    now: Millis,
) -> Result<PushResult> {
    let key = push_key(client_id, pending.seq);
    if let Some(result) = db.get::<PushResult>(Kind::Push, &key)? {
        return Ok(result);
    }
    let how = Apply {
        actor,
        now,
        origin: Some(Origin {
            client_id: client_id.to_owned(),
            seq: pending.seq,
        }),
        skip_notifications: false,
    };
    let result = match apply_one(db, &pending.mutation, how) {
        Ok((_, cursor)) => PushResult::Applied {
            seq: pending.seq,
            cursor,
        },
        Err(e @ (ServerError::Core(_) | ServerError::Conflict { .. })) => PushResult::Rejected {
            seq: pending.seq,
            error: e.body(),
        },
        Err(e) => return Err(e),
    };
    db.put(Kind::Push, &key, &result)?;
    Ok(result)
}

pub fn check_client_id(client_id: &str) -> Result<()> {
    let ok = !client_id.is_empty()
        && client_id.len() <= 64
        && client_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ServerError::bad_request(
            "invalid_client_id",
            "client_id must be 1 to 64 letters, digits, '-' or '_' (a ULID is ideal).",
        ))
    }
}
