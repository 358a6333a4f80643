//! Unread tickets: the teammate's open tickets with something from someone else since they
//! last read them. Their own actions never make a ticket unread, nor does the record of whom
//! an action notified (a system part that goes with the action, not news of its own).

use inbox_core::TicketId;
use rusqlite::OptionalExtension;

use crate::{Result, Store, StoreError};

/// Whether ticket `t` has a part newer than the read mark of the teammate in parameter `me`
/// (`?1`, or `?` for a positional one), by anyone but them.
pub(crate) fn has_unread_part(me: &str) -> String {
    // The teammate's id is used twice; a positional parameter is bound once, so the read mark's
    // lookup reuses it through a subquery.
    format!(
        "EXISTS (
            SELECT 1 FROM (SELECT {me} AS me) m, parts p
            WHERE p.ticket_id = t.id
              AND p.created_at > COALESCE(
                  (SELECT r.read_at FROM ticket_reads r
                   WHERE r.ticket_id = t.id AND r.teammate_id = m.me), 0)
              AND p.kind <> 'customers_notified'
              AND NOT (p.author_kind = 'teammate' AND p.author_id IS m.me))"
    )
}

impl Store {
    /// How many open tickets assigned to me, and not snoozed now, are unread (0 before there
    /// is a workspace).
    pub fn unread_count(&self) -> Result<i64> {
        self.unread_count_at(crate::inbox::list_time())
    }

    /// [`Store::unread_count`] at `now`.
    pub fn unread_count_at(&self, now: inbox_core::Millis) -> Result<i64> {
        let me = match self.me() {
            Ok(me) => me.id.to_string(),
            Err(StoreError::NoWorkspace) => return Ok(0),
            Err(e) => return Err(e),
        };
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM tickets t
                 WHERE t.assignee_teammate_id = ?1 AND t.open = 1
                   AND (t.snoozed_until IS NULL OR t.snoozed_until <= ?2) AND {}",
                has_unread_part("?1")
            ))?
            .query_row(rusqlite::params![me, now], |r| r.get(0))?)
    }

    /// Whether `ticket` has anything I have not read yet.
    pub fn is_unread(&self, ticket: TicketId) -> Result<bool> {
        let me = self.me()?.id.to_string();
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT 1 FROM tickets t WHERE t.id = ?2 AND {}",
                has_unread_part("?1")
            ))?
            .query_row([me, ticket.to_string()], |_| Ok(()))
            .optional()?
            .is_some())
    }
}
