//! The outbox: a teammate's mutations are applied locally at once and queued, in the same
//! transaction, until the server has them; the ones it refuses are kept as sync issues, their
//! content (a reply's text) with them.

use inbox_core::{Author, ErrorBody, Millis, Mutation, Outcome};
use inbox_sync::{ChangeSet, PendingMutation, PushResult};
use rusqlite::params;
use serde::Serialize;

use crate::{Result, Store, StoreError};

const WORK_OFFLINE: &str = "work_offline";

/// A mutation the server refused, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncIssue {
    pub seq: u64,
    pub mutation: Mutation,
    pub error: ErrorBody,
    pub at: Millis,
}

/// The settings key of this database's sync client id.
const CLIENT_ID: &str = "sync_client_id";

impl Store {
    /// Applies `mutation` locally at once (optimistically: a rebase can take it back) and
    /// queues it for the server, all of it or nothing.
    pub fn apply_and_queue(
        &mut self,
        mutation: &Mutation,
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
    ) -> Result<Outcome> {
        self.write(|store| {
            let outcome = store.apply_optimistic(mutation, actor, now, random)?;
            store.queue(mutation, actor, now, None)?;
            Ok(outcome)
        })
    }

    /// How many mutations wait for the server.
    pub fn outbox_len(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?)
    }

    /// The oldest queued mutations, at most `limit`.
    pub fn outbox(&self, limit: usize) -> Result<Vec<PendingMutation>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, mutation FROM outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut pending = Vec::new();
        for row in rows {
            let (seq, json) = row?;
            let mutation = serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("a queued mutation: {e}")))?;
            pending.push(PendingMutation {
                seq: seq as u64,
                mutation,
            });
        }
        Ok(pending)
    }

    /// This database's client id for the sync API, made on first use.
    pub fn client_id(&mut self) -> Result<String> {
        if let Some(id) = self.setting(CLIENT_ID)? {
            return Ok(id);
        }
        let id = self
            .conn
            .query_row("SELECT lower(hex(randomblob(16)))", [], |r| {
                r.get::<_, String>(0)
            })?;
        self.write(|store| store.set_setting(CLIENT_ID, &id))?;
        Ok(id)
    }

    /// Records what the server made of pushed mutations: applied ones leave the outbox, refused
    /// ones become sync issues.
    pub fn acknowledge(&mut self, results: &[PushResult], at: Millis) -> Result<()> {
        self.write(|store| {
            for result in results {
                let seq = result.seq() as i64;
                if let PushResult::Rejected { error, .. } = result {
                    store
                        .conn
                        .prepare_cached(
                            "INSERT OR IGNORE INTO sync_issues (seq, mutation, code, message, at)
                             SELECT seq, mutation, ?2, ?3, ?4 FROM outbox WHERE seq = ?1",
                        )?
                        .execute(params![seq, error.code, error.message, at])?;
                }
                store
                    .conn
                    .prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
                    .execute([seq])?;
            }
            Ok(())
        })
    }

    /// Takes this client's own changes in a pull out of the outbox: the server applied them,
    /// even when the answer to their push was lost, so they are no longer pending (replaying
    /// them would show them twice until the next push).
    pub(crate) fn forget_applied(&self, changes: &[ChangeSet]) -> Result<()> {
        let Some(me) = self.setting(CLIENT_ID)? else {
            return Ok(());
        };
        let mut forget = self
            .conn
            .prepare_cached("DELETE FROM outbox WHERE seq = ?1")?;
        for origin in changes.iter().filter_map(|c| c.origin.as_ref()) {
            if origin.client_id == me {
                forget.execute([origin.seq as i64])?;
            }
        }
        Ok(())
    }

    /// Forgets a refused mutation (the teammate dealt with it).
    pub fn dismiss_sync_issue(&mut self, seq: u64) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM sync_issues WHERE seq = ?1")?
            .execute([seq as i64])?;
        Ok(())
    }

    /// Whether the teammate chose to work offline (kept across restarts until they go online).
    pub fn work_offline(&self) -> Result<bool> {
        Ok(self.setting(WORK_OFFLINE)?.as_deref() == Some("on"))
    }

    pub fn set_work_offline(&self, offline: bool) -> Result<()> {
        self.set_setting(WORK_OFFLINE, if offline { "on" } else { "off" })
    }

    /// How many changes the server refused (for the sync indicator, every round).
    pub fn sync_issue_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM sync_issues", [], |r| r.get(0))?)
    }

    /// The mutations the server refused, newest first.
    pub fn sync_issues(&self) -> Result<Vec<SyncIssue>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, mutation, code, message, at FROM sync_issues ORDER BY seq DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut issues = Vec::new();
        for row in rows {
            let (seq, json, code, message, at) = row?;
            issues.push(SyncIssue {
                seq: seq as u64,
                mutation: serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("a refused mutation: {e}")))?,
                error: ErrorBody { code, message },
                at,
            });
        }
        Ok(issues)
    }
}
