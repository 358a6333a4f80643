//! Held actions and their undo. An undoable action is applied on screen at once and queued
//! with the end of its undo window: the push stops in front of it until then (so it, and what
//! was queued after it, keep their order), and undoing it takes it out of the queue and rebases
//! the screen without it. A workspace with no server makes its released actions final itself.

use inbox_core::undo::{is_undoable, UNDO_WINDOW_MS};
use inbox_core::{Author, CoreError, Millis, Mutation, Outcome};
use inbox_sync::PendingMutation;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::codec::to_json;
use crate::{Result, Store, StoreError};

/// What undoes an action while its window is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UndoToken {
    /// The queued changes the action made (one, or one per ticket of a bulk action).
    #[cfg_attr(feature = "specta", specta(type = Vec<f64>))]
    pub seqs: Vec<u64>,
    /// When the window closes and the action goes out.
    pub until: Millis,
}

impl UndoToken {
    /// One token for several queued actions (a bulk action, "Send and resolve").
    pub fn merge(tokens: impl IntoIterator<Item = UndoToken>) -> Option<UndoToken> {
        tokens.into_iter().reduce(|mut all, t| {
            all.seqs.extend(t.seqs);
            all.until = all.until.max(t.until);
            all
        })
    }
}

impl Store {
    /// Applies `mutation` at once and queues it, held for its undo window when it is an
    /// action (read marks are not held). Returns the outcome and, when held, its undo token.
    pub fn apply_held(
        &mut self,
        mutation: &Mutation,
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
    ) -> Result<(Outcome, Option<UndoToken>)> {
        let hold_until = is_undoable(mutation).then_some(now + UNDO_WINDOW_MS);
        self.write(|store| {
            let outcome = store.apply_optimistic(mutation, actor, now, random)?;
            let seq = store.queue(mutation, actor, now, hold_until)?;
            let token = hold_until.map(|until| UndoToken {
                seqs: vec![seq],
                until,
            });
            Ok((outcome, token))
        })
    }

    /// Appends `mutation` to the outbox; returns its sequence number.
    pub(crate) fn queue(
        &self,
        mutation: &Mutation,
        actor: Author,
        now: Millis,
        hold_until: Option<Millis>,
    ) -> Result<u64> {
        self.conn
            .prepare_cached(
                "INSERT INTO outbox (mutation, actor, created_at, hold_until)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![to_json(mutation), to_json(&actor), now, hold_until])?;
        Ok(self.conn.last_insert_rowid() as u64)
    }

    /// The oldest queued mutations that may go out at `now`, at most `limit`: those in front
    /// of the first one still held.
    pub fn releasable(&self, limit: usize, now: Millis) -> Result<Vec<PendingMutation>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, mutation FROM outbox
             WHERE seq < COALESCE((SELECT MIN(seq) FROM outbox WHERE hold_until > ?2),
                                  9223372036854775807)
             ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64, now], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut pending = Vec::new();
        for row in rows {
            let (seq, json) = row?;
            pending.push(PendingMutation {
                seq: seq as u64,
                mutation: parse(&json)?,
            });
        }
        Ok(pending)
    }

    /// When the next held action's window closes, if any is still open at `now`.
    pub fn next_release(&self, now: Millis) -> Result<Option<Millis>> {
        Ok(self.conn.query_row(
            "SELECT MIN(hold_until) FROM outbox WHERE hold_until > ?1",
            [now],
            |r| r.get(0),
        )?)
    }

    /// Takes back held actions: they leave the queue and the screen, as if never made. Either
    /// all of `token`'s actions are taken back or, when any has gone out already, none.
    /// Returns the mutations taken back (a reply's text goes back to its draft).
    pub fn undo(&mut self, token: &UndoToken, now: Millis) -> Result<Vec<Mutation>> {
        self.write(|store| {
            let mut undone = Vec::with_capacity(token.seqs.len());
            for &seq in &token.seqs {
                let held: Option<String> = store
                    .conn
                    .prepare_cached(
                        "SELECT mutation FROM outbox WHERE seq = ?1 AND hold_until > ?2",
                    )?
                    .query_row(params![seq as i64, now], |r| r.get(0))
                    .optional()?;
                let Some(json) = held else {
                    return Err(CoreError::UndoTooLate.into());
                };
                undone.push(parse(&json)?);
                store
                    .conn
                    .prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
                    .execute([seq as i64])?;
            }
            store.revert_optimistic()?;
            store.replay_outbox()?;
            Ok(undone)
        })
    }

    /// A workspace with no server: makes the released actions final, in order (what was
    /// shown stays; it is no longer an optimistic change). One that no longer applies is kept
    /// as a sync issue with its reason, never dropped unseen. Returns how many were released.
    pub fn commit_released(
        &mut self,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
    ) -> Result<usize> {
        let released = self.releasable(usize::MAX >> 1, now)?;
        if released.is_empty() {
            return Ok(0);
        }
        self.write(|store| {
            store.revert_optimistic()?;
            for entry in &released {
                let seq = entry.seq as i64;
                let (actor, at): (String, Millis) = store.conn.query_row(
                    "SELECT actor, created_at FROM outbox WHERE seq = ?1",
                    [seq],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let actor: Author = parse(&actor)?;
                match store.apply_within(&entry.mutation, actor, at, random) {
                    Ok(_) => {}
                    Err(StoreError::Core(e)) => {
                        store
                            .conn
                            .prepare_cached(
                                "INSERT OR IGNORE INTO sync_issues (seq, mutation, code, message, at)
                                 SELECT seq, mutation, ?2, ?3, ?4 FROM outbox WHERE seq = ?1",
                            )?
                            .execute(params![seq, e.code(), e.to_string(), now])?;
                    }
                    Err(e) => return Err(e),
                }
                store
                    .conn
                    .prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
                    .execute([seq])?;
            }
            store.replay_outbox()?;
            Ok(released.len())
        })
    }
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("a queued mutation: {e}")))
}
