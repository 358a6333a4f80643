//! The authoritative apply: every mutation, from any endpoint, goes through `inbox_core::apply`
//! here, inside one write transaction with its notifications and its change-log entry. Sync
//! pushes are applied exactly once per (client, sequence number).

use std::collections::HashMap;

use inbox_core::{apply, Author, Context, Millis, Mutation, Outcome, TeammateId};
use inbox_sync::{Cursor, Origin, PendingMutation, PushResult, Record};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::TokenKind;
use crate::error::{Result, ServerError};
use crate::notifications;
use crate::storage::Kind;
use crate::workspace::{parse, Db};

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
    apply_amended(db, mutation, how, &[], |_| Ok(()))
}

/// Like [`apply_one`], with the core's outcome amended before anything is written, for what a
/// mutation cannot say itself (the files of a conversation started by email: `files` names
/// them, checked like a mutation's own).
pub fn apply_amended(
    db: &Db,
    mutation: &Mutation,
    how: Apply,
    files: &[inbox_core::AttachmentId],
    amend: impl FnOnce(&mut Outcome) -> std::result::Result<(), inbox_core::CoreError>,
) -> Result<(Outcome, Cursor)> {
    let mut rng = random;
    let mut ctx = Context {
        actor: how.actor,
        now: how.now,
        random: &mut rng,
    };
    crate::http::check_attachments(db, how.actor, mutation.attachments())?;
    crate::http::check_attachments(db, how.actor, files)?;
    let mut outcome = apply(db, mutation, &mut ctx)?;
    amend(&mut outcome)?;
    let mut records = db.write_changes(&outcome.changes)?;
    if !how.skip_notifications {
        let planned = notifications::queue(db, &outcome, how.now, &mut rng)?;
        records.extend(planned.into_iter().map(Record::TicketPart));
    }
    let cursor = db.log(how.now, how.origin, records)?;
    crate::webhooks::record(db, mutation, &outcome, how.actor, cursor.0, how.now)?;
    Ok((outcome, cursor))
}

/// A client id is its first pusher's: another teammate pushing under it would otherwise
/// read their results and have their later changes dropped as replays.
#[derive(Debug, Serialize, Deserialize)]
struct ClientOwner {
    teammate: TeammateId,
    since: Millis,
}

/// A push result as kept for replays, with the SHA-256 of the mutation it answered: a replay
/// must be the same mutation, or it is a different change reusing a sequence number.
#[derive(Debug, Serialize, Deserialize)]
struct StoredPush {
    result: PushResult,
    payload: String,
}

fn push_key(teammate: TeammateId, client_id: &str, seq: u64) -> String {
    // Zero-padded so a client's results list in sequence order.
    format!("{teammate}/{client_id}/{seq:020}")
}

/// Results stored before keys named the teammate: `CLIENT/SEQ`, whole results without a hash.
fn legacy_push_key(client_id: &str, seq: u64) -> String {
    format!("{client_id}/{seq:020}")
}

fn payload_hash(mutation: &Mutation) -> String {
    let json = serde_json::to_vec(mutation).expect("mutations serialise");
    hex::encode(Sha256::digest(json))
}

/// Binds `client_id` to `teammate` on first use; refuses it to anyone else.
fn claim_client(db: &Db, client_id: &str, teammate: TeammateId, now: Millis) -> Result<()> {
    match db.get::<ClientOwner>(Kind::Client, client_id)? {
        Some(owner) if owner.teammate == teammate => Ok(()),
        Some(_) => Err(ServerError::Conflict {
            code: "client_id_taken",
            message: "This client id is another teammate's; an app makes a new one for each teammate who signs in.".into(),
        }),
        None => db.put(
            Kind::Client,
            client_id,
            &ClientOwner {
                teammate,
                since: now,
            },
        ),
    }
}

/// Applies `teammate`'s pushed mutations from one client, each exactly once: a replay (in this
/// batch or any later one) gets the first result back, and a different mutation under a used
/// sequence number is rejected (`push_replay_mismatch`) instead of being taken as a replay.
pub fn push(
    db: &Db,
    teammate: TeammateId,
    client_id: &str,
    mutations: &[PendingMutation],
    now: Millis,
) -> Result<Vec<PushResult>> {
    claim_client(db, client_id, teammate, now)?;
    let keys: Vec<String> = mutations
        .iter()
        .map(|m| push_key(teammate, client_id, m.seq))
        .collect();
    let legacy: Vec<String> = mutations
        .iter()
        .map(|m| legacy_push_key(client_id, m.seq))
        .collect();
    let mut known: HashMap<String, StoredPush> = HashMap::new();
    for (key, doc) in db.tx().get_many(Kind::Push, &keys)? {
        known.insert(key, parse("push result", &doc)?);
    }
    let mut legacy_known: HashMap<String, PushResult> = HashMap::new();
    for (key, doc) in db.tx().get_many(Kind::Push, &legacy)? {
        legacy_known.insert(key, parse("push result", &doc)?);
    }
    let mut results = Vec::with_capacity(mutations.len());
    let mut recorded = Vec::new();
    for ((key, legacy), pending) in keys.into_iter().zip(legacy).zip(mutations) {
        let payload = payload_hash(&pending.mutation);
        if let Some(stored) = known.get(&key) {
            results.push(if stored.payload == payload {
                stored.result.clone()
            } else {
                replay_mismatch(pending.seq)
            });
            continue;
        }
        if let Some(result) = legacy_known.get(&legacy) {
            results.push(result.clone());
            continue;
        }
        let result = push_one(db, client_id, pending, Author::Teammate(teammate), now)?;
        let stored = StoredPush {
            result: result.clone(),
            payload,
        };
        recorded.push((
            key.clone(),
            serde_json::to_string(&stored).expect("results serialise"),
        ));
        known.insert(key, stored);
        results.push(result);
    }
    db.tx().put_many(Kind::Push, &recorded)?;
    Ok(results)
}

fn replay_mismatch(seq: u64) -> PushResult {
    PushResult::Rejected {
        seq,
        error: inbox_core::ErrorBody {
            code: "push_replay_mismatch".into(),
            message: format!(
                "Change number {seq} of this app was already applied with different content; this one was not applied."
            ),
        },
    }
}

/// Applies one pushed mutation; a rule it breaks makes it rejected, not the push failed.
fn push_one(
    db: &Db,
    client_id: &str,
    pending: &PendingMutation,
    actor: Author,
    now: Millis,
) -> Result<PushResult> {
    let how = Apply {
        actor,
        now,
        origin: Some(Origin {
            client_id: client_id.to_owned(),
            seq: pending.seq,
        }),
        skip_notifications: false,
    };
    Ok(match apply_one(db, &pending.mutation, how) {
        Ok((_, cursor)) => PushResult::Applied {
            seq: pending.seq,
            cursor,
        },
        Err(e @ (ServerError::Core(_) | ServerError::Conflict { .. })) => PushResult::Rejected {
            seq: pending.seq,
            error: e.body(),
        },
        Err(e) => return Err(e),
    })
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

/// An admin's settings change, from any endpoint: checked by `inbox_core::apply_admin` (the
/// app's rules too), written, and logged so every app pulls it.
pub fn save_settings(
    db: &Db,
    change: &inbox_core::AdminChange,
    actor: &inbox_core::Teammate,
    now: Millis,
) -> Result<inbox_core::Saved> {
    let settings = db.admin_settings()?;
    let saved = inbox_core::apply_admin(change, actor, &settings)?;
    for teammate in &saved.teammates {
        let before = settings.teammates.iter().find(|t| t.id == teammate.id);
        if !teammate.active {
            // A teammate who left is signed out everywhere, integrations included.
            crate::auth::revoke_all(db, teammate.id, &[TokenKind::Session, TokenKind::Api])?;
        } else if before.is_some_and(|b| b.email != teammate.email) {
            // A new address (a mailbox taken over, say) must sign in again.
            crate::auth::revoke_all(db, teammate.id, &[TokenKind::Session])?;
        }
    }
    let records = inbox_sync::admin_records(&saved);
    for record in &records {
        match record {
            Record::TicketType(t) => db.put(Kind::TicketType, &t.id.to_string(), t)?,
            Record::TicketState(s) => db.put(Kind::TicketState, &s.id.to_string(), s)?,
            Record::Brand(b) => db.put(Kind::Brand, &b.id.to_string(), b)?,
            Record::Team(t) => db.put(Kind::Team, &t.id.to_string(), t)?,
            Record::Teammate(t) => db.put(Kind::Teammate, &t.id.to_string(), t)?,
            _ => unreachable!("settings changes save only settings"),
        }
    }
    db.log(now, None, records)?;
    Ok(saved)
}
