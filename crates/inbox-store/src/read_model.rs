//! A ticket as the app shows it: the ticket with everything it refers to resolved.

use inbox_core::{
    Author, Brand, Category, Company, Contact, ConversationId, MessageChannel, Millis, PartId,
    PartKind, StateCategory, Team, Teammate, Ticket, TicketId, TicketState, TicketType,
};
use serde::Serialize;

use crate::codec::{self, id};
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LinkedTicketSummary {
    pub id: TicketId,
    pub number: Option<i64>,
    pub title: String,
    pub category: Category,
    pub state_label: String,
    pub state_category: StateCategory,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimelineEntry {
    pub id: PartId,
    pub author: Author,
    pub author_name: String,
    pub kind: PartKind,
    pub created_at: Millis,
    /// Where a conversation's message came in or went out (none on tickets and events).
    pub channel: Option<MessageChannel>,
    /// The files of a reply or note, by id (the server holds them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<inbox_core::AttachmentId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub ticket_type: TicketType,
    pub state: TicketState,
    pub brand: Brand,
    pub contacts: Vec<Contact>,
    pub company: Option<Company>,
    pub assignee: Option<Teammate>,
    pub team: Option<Team>,
    pub tracker: Option<LinkedTicketSummary>,
    /// For a tracker: the tickets linked to it, most recent activity first.
    pub linked_tickets: Vec<LinkedTicketSummary>,
    /// For a back-office ticket: the customer ticket it was raised from (R12).
    pub origin_ticket: Option<LinkedTicketSummary>,
    /// The back-office tickets raised from this one (R12).
    pub back_office_tickets: Vec<LinkedTicketSummary>,
    pub share_locked_reason: Option<String>,
    pub timeline: Vec<TimelineEntry>,
}

pub(crate) const SUMMARY: &str = "SELECT t.id, t.number, t.title, t.category,
        s.internal_label AS state_label, s.category AS state_category
    FROM tickets t JOIN ticket_states s ON s.id = t.state_id";

impl Store {
    pub fn ticket_detail(&self, ticket_id: TicketId) -> Result<TicketDetail> {
        let ticket = self.ticket(ticket_id)?;
        let ticket_type = self.ticket_type(ticket.type_id)?;
        let state = self
            .states()?
            .into_iter()
            .find(|s| s.id == ticket.state_id)
            .ok_or_else(|| StoreError::not_found("ticket state", ticket.state_id))?;
        let brand = self.brand(ticket.brand)?;
        let contacts = ticket
            .contacts
            .iter()
            .map(|c| self.contact(*c))
            .collect::<Result<_>>()?;
        let company = ticket.company.map(|c| self.company(c)).transpose()?;
        let assignee = ticket
            .assignee_teammate
            .map(|t| self.teammate(t))
            .transpose()?;
        let team = match ticket.assignee_team {
            Some(t) => self.teams()?.into_iter().find(|x| x.id == t),
            None => None,
        };
        let tracker = ticket
            .tracker
            .map(|t| {
                self.one(
                    &format!("{SUMMARY} WHERE t.id = ?1"),
                    t,
                    "ticket",
                    summary_row,
                )
            })
            .transpose()?;
        let linked_tickets = if ticket.category == Category::Tracker {
            self.conn
                .prepare_cached(&format!(
                    "{SUMMARY} WHERE t.tracker_id = ?1 ORDER BY t.last_activity_at DESC, t.id DESC"
                ))?
                .query_map([ticket_id.to_string()], summary_row)?
                .collect::<rusqlite::Result<_>>()?
        } else {
            Vec::new()
        };
        let origin_ticket = ticket
            .origin_ticket
            .map(|t| {
                self.one(
                    &format!("{SUMMARY} WHERE t.id = ?1"),
                    t,
                    "ticket",
                    summary_row,
                )
            })
            .transpose()?;
        let back_office_tickets = self
            .conn
            .prepare_cached(&format!(
                "{SUMMARY} WHERE t.origin_ticket_id = ?1 ORDER BY t.created_at, t.id"
            ))?
            .query_map([ticket_id.to_string()], summary_row)?
            .collect::<rusqlite::Result<_>>()?;
        let timeline = self.timeline_entries(ticket_id)?;
        Ok(TicketDetail {
            share_locked_reason: ticket.category.share_locked_reason(),
            ticket,
            ticket_type,
            state,
            brand,
            contacts,
            company,
            assignee,
            team,
            tracker,
            linked_tickets,
            origin_ticket,
            back_office_tickets,
            timeline,
        })
    }

    /// Tickets whose title contains `text` (or whose number is `text`, with or without "#"),
    /// most recent activity first; optionally of one category only.
    pub fn find_tickets(
        &self,
        text: &str,
        category: Option<Category>,
        limit: u32,
    ) -> Result<Vec<LinkedTicketSummary>> {
        let text = text.trim();
        let number: Option<i64> = text.trim_start_matches('#').parse().ok();
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{SUMMARY} WHERE (t.title LIKE ?1 ESCAPE '\\' OR t.number = ?2)
                   AND (?3 IS NULL OR t.category = ?3)
                 ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?4"
            ))?
            .query_map(
                rusqlite::params![
                    pattern,
                    number,
                    category.map(|c| c.as_str()),
                    limit.min(100)
                ],
                summary_row,
            )?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn timeline_entries(&self, ticket: TicketId) -> Result<Vec<TimelineEntry>> {
        self.entries("parts", "ticket_id", "NULL", &ticket.to_string())
    }

    /// A conversation's own timeline (R12 cross-posts), oldest first.
    pub fn conversation_timeline(
        &self,
        conversation: ConversationId,
    ) -> Result<Vec<TimelineEntry>> {
        self.entries(
            "conversation_parts",
            "conversation_id",
            "p.channel",
            &conversation.to_string(),
        )
    }

    fn entries(
        &self,
        table: &str,
        owner: &str,
        channel: &str,
        key: &str,
    ) -> Result<Vec<TimelineEntry>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT p.*, COALESCE(tm.name, c.name, 'System') AS author_name,
                    {channel} AS channel_name
                 FROM {table} p
                 LEFT JOIN teammates tm ON p.author_kind = 'teammate' AND tm.id = p.author_id
                 LEFT JOIN contacts c ON p.author_kind = 'contact' AND c.id = p.author_id
                 WHERE p.{owner} = ?1 ORDER BY p.created_at, p.rowid"
            ))?
            .query_map([key], |r| {
                Ok(TimelineEntry {
                    id: id(r, "id")?,
                    author: codec::author(r)?,
                    author_name: r.get("author_name")?,
                    kind: codec::part_kind(r)?,
                    created_at: r.get("created_at")?,
                    channel: r
                        .get::<_, Option<String>>("channel_name")?
                        .and_then(|c| MessageChannel::parse(&c)),
                    attachments: codec::attachments(r)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }
}

pub(crate) fn summary_row(r: &rusqlite::Row) -> rusqlite::Result<LinkedTicketSummary> {
    Ok(LinkedTicketSummary {
        id: id(r, "id")?,
        number: r.get("number")?,
        title: r.get("title")?,
        category: codec::category(r, "category")?,
        state_label: r.get("state_label")?,
        state_category: codec::state_category(r, "state_category")?,
    })
}
