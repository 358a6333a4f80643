//! Optimistic changes and the rebase. A queued mutation is applied locally at once, and what
//! it replaced is kept (the server's version of each row it touched, the parts it added). When
//! the server's changes come in, the rebase puts the server's versions back, applies what the
//! server sent, and applies the still-pending mutations again on top: the screen shows the
//! server's state plus the teammate's unconfirmed intents, and a refused mutation disappears.

use inbox_core::{
    Author, Change, ConversationId, CoreError, Millis, Mutation, Outcome, TeammateId, Ticket,
    TicketId,
};
use rusqlite::{params, OptionalExtension};

use crate::codec::to_json;
use crate::write::Activity;
use crate::{Result, Store, StoreError};

impl Store {
    /// Applies `mutation` in the caller's transaction, keeping what it replaces.
    pub(crate) fn apply_optimistic(
        &self,
        mutation: &Mutation,
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
    ) -> Result<Outcome> {
        let (outcome, planned) =
            self.apply_observed(mutation, actor, now, random, &mut |o| self.shadow(o))?;
        let mut mark = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO optimistic_parts (id) VALUES (?1)")?;
        for change in &outcome.changes {
            match change {
                Change::AppendPart(p) => mark.execute([p.id.to_string()])?,
                Change::AppendConversationPart(p) => mark.execute([p.id.to_string()])?,
                _ => 0,
            };
        }
        for part in &planned {
            mark.execute([part.id.to_string()])?;
        }
        Ok(outcome)
    }

    /// Keeps the current (server) version of every row `outcome` is about to change, unless an
    /// earlier optimistic change already kept it.
    fn shadow(&self, outcome: &Outcome) -> Result<()> {
        for change in &outcome.changes {
            match change {
                Change::UpdateTicket { ticket, .. } | Change::InsertTicket(ticket) => {
                    self.shadow_ticket(ticket.id)?
                }
                Change::AppendPart(p) => self.shadow_ticket(p.ticket)?,
                Change::AppendConversationPart(p) => self.shadow_conversation(p.conversation)?,
                Change::LinkConversation { conversation, .. } => {
                    self.shadow_conversation(*conversation)?
                }
                Change::MarkRead {
                    ticket, teammate, ..
                } => self.shadow_read(*ticket, *teammate)?,
                Change::PutConversation(c) => self.shadow_conversation(c.id)?,
                Change::MarkConversationRead {
                    conversation,
                    teammate,
                    ..
                } => self.shadow_conversation_read(*conversation, *teammate)?,
                Change::PutMacro(m) => self.shadow_macro(m.id)?,
            }
        }
        Ok(())
    }

    fn shadow_ticket(&self, id: TicketId) -> Result<()> {
        let current = match self.ticket(id) {
            Ok(ticket) => Some(to_json(&ticket)),
            Err(StoreError::Core(CoreError::NotFound { .. })) => None,
            Err(e) => return Err(e),
        };
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO shadow_tickets (id, ticket) VALUES (?1, ?2)")?
            .execute(params![id.to_string(), current])?;
        Ok(())
    }

    fn shadow_conversation(&self, id: ConversationId) -> Result<()> {
        let current = match self.conversation(id) {
            Ok(c) => Some(to_json(&c)),
            Err(StoreError::Core(CoreError::NotFound { .. })) => None,
            Err(e) => return Err(e),
        };
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO shadow_conversations (id, conversation) VALUES (?1, ?2)",
            )?
            .execute(params![id.to_string(), current])?;
        Ok(())
    }

    fn shadow_conversation_read(
        &self,
        conversation: ConversationId,
        teammate: TeammateId,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO shadow_conversation_reads (conversation_id, teammate_id, read_at)
                 VALUES (?1, ?2, (SELECT read_at FROM conversation_reads
                                  WHERE conversation_id = ?1 AND teammate_id = ?2))",
            )?
            .execute(params![conversation.to_string(), teammate.to_string()])?;
        Ok(())
    }

    fn shadow_read(&self, ticket: TicketId, teammate: TeammateId) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO shadow_reads (ticket_id, teammate_id, read_at)
                 VALUES (?1, ?2, (SELECT read_at FROM ticket_reads
                                  WHERE ticket_id = ?1 AND teammate_id = ?2))",
            )?
            .execute(params![ticket.to_string(), teammate.to_string()])?;
        Ok(())
    }

    /// Puts back the server's version of everything optimistic changes touched (inside the
    /// caller's transaction; foreign keys are checked at its commit).
    pub(crate) fn revert_optimistic(&self) -> Result<()> {
        self.conn.execute_batch(
            "PRAGMA defer_foreign_keys = ON;
             DELETE FROM parts WHERE id IN (SELECT id FROM optimistic_parts);
             DELETE FROM conversation_parts WHERE id IN (SELECT id FROM optimistic_parts);
             DELETE FROM optimistic_parts;",
        )?;
        for (id, shadow) in self.shadows("SELECT id, ticket FROM shadow_tickets")? {
            match shadow {
                Some(json) => self.restore_ticket(&parse(&json)?)?,
                None => {
                    self.conn
                        .prepare_cached("DELETE FROM tickets WHERE id = ?1")?
                        .execute([&id])?;
                }
            }
        }
        for (id, shadow) in self.shadows("SELECT id, conversation FROM shadow_conversations")? {
            match shadow {
                Some(json) => self.put_conversation(&parse(&json)?, Activity::AsGiven)?,
                None => {
                    self.conn
                        .prepare_cached("DELETE FROM conversations WHERE id = ?1")?
                        .execute([&id])?;
                }
            }
        }
        for (id, shadow) in self.shadows("SELECT id, doc FROM shadow_macros")? {
            match shadow {
                Some(json) => self.put_macro(&parse(&json)?)?,
                None => self.forget_macro(&id)?,
            }
        }
        self.conn.execute_batch(
            "DELETE FROM shadow_macros;
             DELETE FROM ticket_reads WHERE (ticket_id, teammate_id) IN
                 (SELECT ticket_id, teammate_id FROM shadow_reads WHERE read_at IS NULL);
             UPDATE ticket_reads SET read_at = (SELECT s.read_at FROM shadow_reads s
                 WHERE s.ticket_id = ticket_reads.ticket_id
                   AND s.teammate_id = ticket_reads.teammate_id)
             WHERE (ticket_id, teammate_id) IN
                 (SELECT ticket_id, teammate_id FROM shadow_reads WHERE read_at IS NOT NULL);
             DELETE FROM conversation_reads WHERE (conversation_id, teammate_id) IN
                 (SELECT conversation_id, teammate_id FROM shadow_conversation_reads
                  WHERE read_at IS NULL);
             UPDATE conversation_reads SET read_at = (SELECT s.read_at
                 FROM shadow_conversation_reads s
                 WHERE s.conversation_id = conversation_reads.conversation_id
                   AND s.teammate_id = conversation_reads.teammate_id)
             WHERE (conversation_id, teammate_id) IN
                 (SELECT conversation_id, teammate_id FROM shadow_conversation_reads
                  WHERE read_at IS NOT NULL);
             DELETE FROM shadow_tickets;
             DELETE FROM shadow_conversations;
             DELETE FROM shadow_reads;
             DELETE FROM shadow_conversation_reads;",
        )?;
        Ok(())
    }

    fn shadows(&self, sql: &str) -> Result<Vec<(String, Option<String>)>> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Writes `t` over the ticket exactly, times included (unlike an update, which only moves
    /// them forward).
    fn restore_ticket(&self, t: &Ticket) -> Result<()> {
        self.write_ticket_row(
            t,
            "ON CONFLICT (id) DO UPDATE SET number = excluded.number, title = excluded.title,
                description = excluded.description, attributes = excluded.attributes,
                state_id = excluded.state_id, open = excluded.open,
                assignee_teammate_id = excluded.assignee_teammate_id,
                assignee_team_id = excluded.assignee_team_id, company_id = excluded.company_id,
                brand_id = excluded.brand_id, shared = excluded.shared,
                tracker_id = excluded.tracker_id, conversation_id = excluded.conversation_id,
                origin_ticket_id = excluded.origin_ticket_id, updated_at = excluded.updated_at,
                last_activity_at = excluded.last_activity_at, snoozed_until = excluded.snoozed_until",
        )
    }

    /// Applies every queued mutation again, in order, over the server's state. One that no
    /// longer applies stays queued: the server has the last word, and says why.
    pub(crate) fn replay_outbox(&self) -> Result<()> {
        let queued: Vec<(i64, String, String, i64)> = self
            .conn
            .prepare_cached("SELECT seq, mutation, actor, created_at FROM outbox ORDER BY seq")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (seq, mutation, actor, at) in queued {
            let mutation: Mutation = parse(&mutation)?;
            let actor: Author = parse(&actor)?;
            // Optimistic entries get ids from their queue position: unique, and the same on
            // every replay.
            let mut n = (seq as u128) << 64;
            let mut random = || {
                n += 1;
                n
            };
            match self.apply_optimistic(&mutation, actor, at, &mut random) {
                Ok(_) | Err(StoreError::Core(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Whether any optimistic change is in place.
    pub fn has_optimistic_changes(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM shadow_tickets UNION ALL SELECT 1 FROM shadow_conversations
                 UNION ALL SELECT 1 FROM shadow_reads UNION ALL SELECT 1 FROM optimistic_parts
                 UNION ALL SELECT 1 FROM shadow_conversation_reads
                 UNION ALL SELECT 1 FROM shadow_macros
                 LIMIT 1",
                [],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }
}

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("a sync shadow: {e}")))
}
