//! Unread tickets: the teammate's open tickets with something from someone else since they
//! last read them. Their own replies and notes never make a ticket unread.

use inbox_core::TicketId;
use rusqlite::OptionalExtension;

use crate::{Result, Store, StoreError};

/// Whether ticket `t` has a part newer than teammate `?1`'s read mark, by anyone but them.
const HAS_UNREAD_PART: &str = "EXISTS (
    SELECT 1 FROM parts p
    WHERE p.ticket_id = t.id
      AND p.created_at > COALESCE(
          (SELECT r.read_at FROM ticket_reads r WHERE r.ticket_id = t.id AND r.teammate_id = ?1), 0)
      AND NOT (p.author_kind = 'teammate' AND p.author_id IS ?1))";

impl Store {
    /// How many open tickets assigned to me are unread (0 before there is a workspace).
    pub fn unread_count(&self) -> Result<i64> {
        let me = match self.me() {
            Ok(me) => me.id.to_string(),
            Err(StoreError::NoWorkspace) => return Ok(0),
            Err(e) => return Err(e),
        };
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM tickets t
                 WHERE t.assignee_teammate_id = ?1 AND t.open = 1 AND {HAS_UNREAD_PART}"
            ))?
            .query_row([me], |r| r.get(0))?)
    }

    /// Whether `ticket` has anything I have not read yet.
    pub fn is_unread(&self, ticket: TicketId) -> Result<bool> {
        let me = self.me()?.id.to_string();
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT 1 FROM tickets t WHERE t.id = ?2 AND {HAS_UNREAD_PART}"
            ))?
            .query_row([me, ticket.to_string()], |_| Ok(()))
            .optional()?
            .is_some())
    }
}
