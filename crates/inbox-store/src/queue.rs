//! A teammate's queue: the tickets and the conversations of one view (all, mine, unassigned, a
//! team's) in one list, most recent activity first.
//!
//! A page is merged in SQL from the two lists, each read in order off its own activity index
//! up to the end of the page, so no page reads or sorts a whole view.

use inbox_core::Millis;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::conversations::{ConversationRow, ConversationStatus};
use crate::inbox::{Filters, InboxRow, View, MAX_PAGE};
use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueQuery {
    /// All, Mine, Unassigned or a team's; the other views hold tickets only.
    pub view: View,
    /// Open (true) or closed (false) only; none: everything. Open conversations snoozed at
    /// `now` are out of the open queue until they wake (they are in "everything").
    #[serde(default)]
    pub open: Option<bool>,
    /// Only what has something I have not read.
    #[serde(default)]
    pub unread: bool,
    pub offset: u32,
    /// At most 500.
    pub limit: u32,
}

/// One line of the queue: a ticket or a conversation, as their own lists show them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "row", rename_all = "snake_case")]
// A page holds at most 500 rows, each sent to the window once: no boxing for the size.
#[allow(clippy::large_enum_variant)]
pub enum QueueRow {
    Ticket(InboxRow),
    Conversation(ConversationRow),
}

impl QueueRow {
    pub fn last_activity_at(&self) -> Millis {
        match self {
            QueueRow::Ticket(t) => t.last_activity_at,
            QueueRow::Conversation(c) => c.conversation.last_activity_at,
        }
    }

    /// The ticket's or the conversation's id.
    pub fn id(&self) -> String {
        match self {
            QueueRow::Ticket(t) => t.id.to_string(),
            QueueRow::Conversation(c) => c.conversation.id.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueuePage {
    /// How many rows the whole queue holds: `tickets + conversations`.
    pub total: i64,
    pub tickets: i64,
    pub conversations: i64,
    pub offset: u32,
    pub rows: Vec<QueueRow>,
}

/// Which list a picked row comes from, in the merged page query.
const TICKET: i64 = 0;
const CONVERSATION: i64 = 1;

impl Store {
    /// One page of a view's tickets and conversations together at `now`, most recent activity
    /// first (ties: by id, newest first), and how many of each the queue holds.
    pub fn list_queue(&self, q: &QueueQuery, now: Millis) -> Result<QueuePage> {
        let tickets = Filters {
            open: q.open,
            unread: q.unread,
            ..Filters::default()
        }
        .apply(self, &q.view, now)?;
        let status = match q.open {
            Some(true) => ConversationStatus::Open,
            Some(false) => ConversationStatus::Closed,
            None => ConversationStatus::All,
        };
        let conversations = self.conversation_condition(&q.view, status, q.unread, now)?;
        let limit = q.limit.min(MAX_PAGE);
        let mut params = tickets.params().to_vec();
        params.extend(conversations.params().iter().cloned());
        params.push(Value::Integer(limit.into()));
        params.push(Value::Integer(q.offset.into()));
        // A compound SELECT ordered as a whole: SQLite merges the two lists, each read in
        // order off its activity index, and stops at the end of the page.
        let picked: Vec<(i64, String)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {TICKET} AS kind, t.id AS id, t.last_activity_at AS at FROM tickets t {}
                 UNION ALL
                 SELECT {CONVERSATION}, v.id, v.last_activity_at FROM conversations v {}
                 ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
                tickets.where_clause(),
                conversations.where_clause(),
            ))?
            .query_map(rusqlite::params_from_iter(params), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;

        let ids_of = |kind: i64| -> Value {
            let ids: Vec<&str> = picked
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| id.as_str())
                .collect();
            Value::Text(crate::codec::to_json(&ids))
        };
        let page = "SELECT value AS id, key AS rank FROM json_each(?)";
        let mut ticket_rows = self
            .inbox_rows(page, vec![ids_of(TICKET)], "page.rank")?
            .into_iter();
        let mut conversation_rows = self
            .conversation_list_rows(page, vec![ids_of(CONVERSATION)], "page.rank")?
            .into_iter();
        // Both come back in the page's order: the page is them interleaved again.
        let rows = picked
            .iter()
            .filter_map(|(kind, _)| match *kind {
                TICKET => ticket_rows.next().map(QueueRow::Ticket),
                _ => conversation_rows.next().map(QueueRow::Conversation),
            })
            .collect();

        let tickets = self.view_total(&tickets)?;
        let conversations = self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM conversations v {}",
                conversations.where_clause()
            ))?
            .query_row(rusqlite::params_from_iter(conversations.params()), |r| {
                r.get(0)
            })?;
        Ok(QueuePage {
            total: tickets + conversations,
            tickets,
            conversations,
            offset: q.offset,
            rows,
        })
    }
}
