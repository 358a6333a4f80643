//! The local database as a sync replica: bootstrap pages and pulled changes are written as
//! upserts, and the cursor reached is kept with them.

use inbox_core::alerts::{alerts_for, mentions_me, Alert};
use inbox_core::{
    Attachment, AttachmentId, Author, Conversation, ConversationId, Millis, PartKind,
};
use inbox_sync::{ChangeSet, Cursor, PendingMutation, PushResult, Record, Replica};
use serde::Serialize;

use crate::{Store, StoreError};

/// What a desktop notification about a conversation says; opening it opens the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversationAlert {
    pub conversation: ConversationId,
    pub kind: ConversationAlertKind,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationAlertKind {
    AssignedToYou,
    CustomerWrote,
    /// Someone else's note in the conversation mentions me (`@First` or `@First Last`), as a
    /// ticket's note does, whoever has the conversation.
    Mentioned,
}

/// The settings key of the cursor the local copy has caught up to.
const SYNC_CURSOR: &str = "sync_cursor";

impl Store {
    /// The desktop alerts pulled changes brought since the last call.
    pub fn take_alerts(&mut self) -> Vec<Alert> {
        std::mem::take(&mut self.alerts)
    }

    /// The desktop alerts about conversations pulled changes brought since the last call.
    pub fn take_conversation_alerts(&mut self) -> Vec<ConversationAlert> {
        std::mem::take(&mut self.conversation_alerts)
    }

    /// What, among pulled changes to conversations, concerns me: a conversation someone else
    /// assigned to me, a customer's message in one of mine, and someone else's note mentioning
    /// me in any conversation. Against the copy as it was
    /// before the changes; parts already here (a re-pulled range) are no news.
    fn conversation_alerts_in(
        &self,
        changes: &[ChangeSet],
    ) -> Result<Vec<ConversationAlert>, StoreError> {
        let teammate = match self.me() {
            Ok(me) => me,
            Err(StoreError::NoWorkspace) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let me = teammate.id;
        let teams = self.teams()?;
        let mut conversations: Vec<Conversation> = Vec::new();
        let mut parts = Vec::new();
        let mut contacts = Vec::new();
        for record in changes.iter().flat_map(|c| &c.records) {
            match record {
                Record::Conversation(c) => {
                    conversations.retain(|old| old.id != c.id);
                    conversations.push(c.clone());
                }
                Record::ConversationPart(p) if !self.has_conversation_part(p.id)? => {
                    parts.push(p.clone())
                }
                Record::Contact(c) => contacts.push(c.clone()),
                _ => {}
            }
        }
        let now_of = |id: ConversationId| {
            conversations
                .iter()
                .find(|c| c.id == id)
                .cloned()
                .or_else(|| self.conversation(id).ok())
        };
        let contact_name = |c: &Conversation| {
            contacts
                .iter()
                .find(|x| x.id == c.contact)
                .map(|x| x.name.clone())
                .or_else(|| self.contact(c.contact).ok().map(|x| x.name))
                .unwrap_or_else(|| "A customer".to_owned())
        };
        let mut alerts = Vec::new();
        for c in &conversations {
            let was_mine = self
                .conversation(c.id)
                .is_ok_and(|b| b.assignee_teammate == Some(me));
            let assigned_by_me = parts.iter().any(|p| {
                p.conversation == c.id
                    && p.author == Author::Teammate(me)
                    && matches!(p.kind, PartKind::AssignmentChanged { .. })
            });
            if c.assignee_teammate == Some(me) && !was_mine && !assigned_by_me {
                alerts.push(ConversationAlert {
                    conversation: c.id,
                    kind: ConversationAlertKind::AssignedToYou,
                    title: "Conversation assigned to you".into(),
                    body: format!("{}: {}", contact_name(c), c.subject),
                });
            }
        }
        for p in &parts {
            let Some(c) = now_of(p.conversation) else {
                continue;
            };
            match (&p.author, &p.kind) {
                (Author::Contact(_), PartKind::Reply { body })
                    if c.assignee_teammate == Some(me) =>
                {
                    alerts.push(ConversationAlert {
                        conversation: c.id,
                        kind: ConversationAlertKind::CustomerWrote,
                        title: format!("New message from {}", contact_name(&c)),
                        body: body.clone(),
                    })
                }
                (author, PartKind::Note { body } | PartKind::CrossPost { body, .. })
                    if *author != Author::Teammate(me) && mentions_me(body, &teammate, &teams) =>
                {
                    alerts.push(ConversationAlert {
                        conversation: c.id,
                        kind: ConversationAlertKind::Mentioned,
                        title: format!(
                            "You were mentioned in the conversation with {}",
                            contact_name(&c)
                        ),
                        body: body.clone(),
                    })
                }
                _ => {}
            }
        }
        Ok(alerts)
    }

    fn alerts_in(&self, changes: &[ChangeSet]) -> Result<Vec<Alert>, StoreError> {
        let me = match self.me() {
            Ok(me) => me,
            // Not signed in as anyone yet (the first sync): nothing to tell.
            Err(StoreError::NoWorkspace) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        // Each ticket once, as it is last; only parts this copy has not seen (a re-pulled range
        // must not alert twice).
        let mut tickets: Vec<inbox_core::Ticket> = Vec::new();
        let mut parts = Vec::new();
        for record in changes.iter().flat_map(|c| &c.records) {
            match record {
                Record::Ticket(t) => {
                    tickets.retain(|old| old.id != t.id);
                    tickets.push((**t).clone());
                }
                Record::TicketPart(p) if !self.has_part(p.id)? => parts.push(p.clone()),
                _ => {}
            }
        }
        let before = |id| self.ticket(id).ok();
        Ok(alerts_for(&me, &self.teams()?, &tickets, &parts, &before))
    }
}

impl Replica for Store {
    type Error = StoreError;

    fn cursor(&mut self) -> Result<Option<Cursor>, StoreError> {
        Ok(self
            .setting(SYNC_CURSOR)?
            .and_then(|c| c.parse().ok())
            .map(Cursor))
    }

    fn apply_bootstrap(
        &mut self,
        records: &[Record],
        finished: Option<Cursor>,
    ) -> Result<(), StoreError> {
        // A page may name what a later page brings (a ticket's tracker comes after it in id
        // order): foreign keys are off for the page, and checked whole once the last is in.
        self.conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let written = self.write(|store| store.upsert_records(records));
        self.conn.execute_batch("PRAGMA foreign_keys = ON")?;
        written?;
        if let Some(cursor) = finished {
            let broken: i64 =
                self.conn
                    .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                        r.get(0)
                    })?;
            if broken > 0 {
                return Err(StoreError::Sync(format!(
                    "the workspace from the server refers to {broken} records it did not send"
                )));
            }
            self.write(|store| store.set_setting(SYNC_CURSOR, &cursor.0.to_string()))?;
        }
        Ok(())
    }

    /// The rebase: back to the server's last state, forward with its new changes, then the
    /// still-queued mutations again on top — in one transaction, so the screen never shows a
    /// half-way state.
    fn apply_changes(&mut self, changes: &[ChangeSet], cursor: Cursor) -> Result<(), StoreError> {
        let alerts = self.write(|store| {
            store.revert_optimistic()?;
            // Against the server's previous state: what is news to the teammate.
            let alerts = store.alerts_in(changes)?;
            let conversation_alerts = store.conversation_alerts_in(changes)?;
            for change in changes {
                store.upsert_records(&change.records)?;
            }
            store.set_setting(SYNC_CURSOR, &cursor.0.to_string())?;
            store.forget_applied(changes)?;
            store.replay_outbox()?;
            Ok((alerts, conversation_alerts))
        })?;
        let (alerts, conversation_alerts) = alerts;
        self.alerts.extend(alerts);
        self.conversation_alerts.extend(conversation_alerts);
        Ok(())
    }

    fn client_id(&mut self) -> Result<String, StoreError> {
        Store::client_id(self)
    }

    fn pending(&mut self, limit: usize, now: Millis) -> Result<Vec<PendingMutation>, StoreError> {
        self.releasable(limit, now)
    }

    fn acknowledge(&mut self, results: &[PushResult], at: Millis) -> Result<(), StoreError> {
        Store::acknowledge(self, results, at)
    }

    fn local_file(
        &mut self,
        id: AttachmentId,
    ) -> Result<Option<(Attachment, Vec<u8>)>, StoreError> {
        self.unsent_file(id)
    }

    fn file_sent(&mut self, id: AttachmentId) -> Result<(), StoreError> {
        Store::file_sent(self, id)
    }
}
