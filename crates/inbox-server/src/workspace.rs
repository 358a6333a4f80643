//! The workspace as domain types over one storage transaction: what `inbox_core::apply` reads
//! (the [`Workspace`] trait) and how its changes are written, each also becoming a sync
//! [`Record`] for the change log.

use std::cell::RefCell;
use std::collections::HashMap;

use inbox_core::{
    Brand, BrandId, Change, Company, CompanyId, Contact, ContactId, Conversation, ConversationId,
    ConversationPart, CoreError, Millis, Part, Team, TeamId, Teammate, TeammateId, Ticket,
    TicketField, TicketId, TicketState, TicketType, TicketTypeId, Workspace,
};
use inbox_sync::{ChangeSet, Cursor, Origin, Record};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, ServerError};
use crate::storage::{full_text, Kind, PartRow, TicketRow, Tx};

/// Entities listed in one go are read in pages of this many.
const PAGE: usize = 500;

pub struct Db<'a> {
    tx: RefCell<&'a mut dyn Tx>,
    /// The workspace's small collections, read once per transaction: a push of many mutations
    /// needs them for each, and a round trip to PostgreSQL costs more than the parse.
    cache: RefCell<Cache>,
}

#[derive(Default)]
struct Cache {
    states: Option<Vec<TicketState>>,
    types: Option<Vec<TicketType>>,
    brands: Option<Vec<Brand>>,
    settings: Option<inbox_core::notify::NotificationSettings>,
    webhooks: Option<Vec<crate::webhooks::Endpoint>>,
}

impl Cache {
    /// Forgets what a write of `kind` may change.
    fn invalidate(&mut self, kind: Kind) {
        match kind {
            Kind::TicketState => self.states = None,
            Kind::TicketType => self.types = None,
            Kind::Brand => self.brands = None,
            Kind::Setting => self.settings = None,
            Kind::Webhook => self.webhooks = None,
            _ => {}
        }
    }
}

impl<'a> Db<'a> {
    pub fn new(tx: &'a mut dyn Tx) -> Db<'a> {
        Db {
            tx: RefCell::new(tx),
            cache: RefCell::default(),
        }
    }

    /// A cached collection, read on first use.
    fn cached<T: Clone>(
        &self,
        slot: fn(&mut Cache) -> &mut Option<T>,
        read: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        if let Some(value) = slot(&mut self.cache.borrow_mut()) {
            return Ok(value.clone());
        }
        let value = read()?;
        *slot(&mut self.cache.borrow_mut()) = Some(value.clone());
        Ok(value)
    }

    /// The registered webhook endpoints (read once per transaction: every change asks).
    pub fn webhooks(&self) -> Result<Vec<crate::webhooks::Endpoint>> {
        self.cached(|c| &mut c.webhooks, || self.all(Kind::Webhook))
    }

    /// The transaction itself, for primitive reads and writes.
    pub fn tx(&self) -> std::cell::RefMut<'_, &'a mut dyn Tx> {
        self.tx.borrow_mut()
    }

    pub fn get<T: DeserializeOwned>(&self, kind: Kind, id: &str) -> Result<Option<T>> {
        let doc = self.tx().get(kind, id)?;
        doc.map(|d| parse(kind.as_str(), &d)).transpose()
    }

    /// The entity, or `not_found` naming `what`.
    pub fn require<T: DeserializeOwned>(
        &self,
        kind: Kind,
        what: &'static str,
        id: &str,
    ) -> Result<T> {
        self.get(kind, id)?.ok_or_else(|| not_found(what, id))
    }

    pub fn put<T: Serialize>(&self, kind: Kind, id: &str, value: &T) -> Result<()> {
        let doc = serde_json::to_string(value).expect("domain values always serialise");
        self.cache.borrow_mut().invalidate(kind);
        self.tx().put(kind, id, &doc)
    }

    /// Every entity of `kind`, in id order.
    pub fn all<T: DeserializeOwned>(&self, kind: Kind) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut after = String::new();
        loop {
            let page = self.tx().list(kind, &after, PAGE)?;
            let full = page.len() == PAGE;
            for (id, doc) in page {
                out.push(parse(kind.as_str(), &doc)?);
                after = id;
            }
            if !full {
                return Ok(out);
            }
        }
    }

    pub fn find_ticket(&self, id: TicketId) -> Result<Option<Ticket>> {
        let doc = self.tx().ticket(&id.to_string())?;
        doc.map(|d| parse("ticket", &d)).transpose()
    }

    /// A ticket by its id or its number (`123` or `#123`).
    pub fn ticket_by_ref(&self, reference: &str) -> Result<Ticket> {
        let number = reference.trim_start_matches('#').parse::<i64>().ok();
        let doc = match number {
            Some(n) => self.tx().ticket_by_number(n)?,
            None => {
                let id: TicketId = reference.parse()?;
                self.tx().ticket(&id.to_string())?
            }
        };
        let doc = doc.ok_or_else(|| not_found("ticket", reference))?;
        parse("ticket", &doc)
    }

    pub fn put_ticket(&self, ticket: &Ticket) -> Result<()> {
        self.tx().put_ticket(&TicketRow::of(ticket))
    }

    pub fn tickets_of_contact(&self, contact: ContactId) -> Result<Vec<Ticket>> {
        let docs = self.tx().tickets_of_contact(&contact.to_string())?;
        docs.iter().map(|d| parse("ticket", d)).collect()
    }

    pub fn timeline(&self, ticket: TicketId) -> Result<Vec<Part>> {
        let docs = self.tx().parts(&ticket.to_string())?;
        docs.iter().map(|d| parse("part", d)).collect()
    }

    /// A conversation's timeline, oldest first.
    pub fn conversation_timeline(
        &self,
        conversation: ConversationId,
    ) -> Result<Vec<ConversationPart>> {
        let docs = self.tx().parts(&conversation.to_string())?;
        docs.iter().map(|d| parse("conversation part", d)).collect()
    }

    pub fn ticket_types(&self) -> Result<Vec<TicketType>> {
        self.cached(|c| &mut c.types, || self.all(Kind::TicketType))
    }

    fn brands(&self) -> Result<Vec<Brand>> {
        self.cached(|c| &mut c.brands, || self.all(Kind::Brand))
    }

    /// The workspace's settings as `inbox_core::apply_admin` checks changes against them.
    pub fn admin_settings(&self) -> Result<inbox_core::Settings> {
        Ok(inbox_core::Settings {
            ticket_types: self.ticket_types()?,
            states: self.all(Kind::TicketState)?,
            brands: self.brands()?,
            teams: self.all(Kind::Team)?,
            teammates: self.all(Kind::Teammate)?,
        })
    }

    pub fn settings(&self) -> Result<inbox_core::notify::NotificationSettings> {
        self.cached(
            |c| &mut c.settings,
            || {
                Ok(self
                    .get(Kind::Setting, "notifications")?
                    .unwrap_or_default())
            },
        )
    }

    /// Writes what `inbox_core::apply` decided and returns it as sync records. Tickets and
    /// parts are written in batches (a tracker change rewrites thousands).
    pub fn write_changes(&self, changes: &[Change]) -> Result<Vec<Record>> {
        let mut records = Vec::with_capacity(changes.len());
        let mut tickets: Vec<TicketRow> = Vec::new();
        let mut ticket_at: HashMap<TicketId, usize> = HashMap::new();
        let mut parts: Vec<PartRow> = Vec::new();
        for change in changes {
            records.push(match change {
                Change::UpdateTicket { ticket, fields }
                    if fields.contains(&TicketField::Snooze) =>
                {
                    // Only a change of its snooze touches the wake-up index: a tracker moving
                    // 10,000 tickets writes none of it.
                    crate::snooze::index_ticket(self, ticket)?;
                    batch_ticket(&mut tickets, &mut ticket_at, change, ticket)
                }
                Change::UpdateTicket { ticket, .. } | Change::InsertTicket(ticket) => {
                    batch_ticket(&mut tickets, &mut ticket_at, change, ticket)
                }
                Change::AppendPart(part) => {
                    parts.push(part_row(part));
                    Record::TicketPart(part.clone())
                }
                Change::AppendConversationPart(part) => {
                    parts.push(conversation_part_row(part));
                    Record::ConversationPart(part.clone())
                }
                Change::MarkRead {
                    ticket,
                    teammate,
                    at,
                } => {
                    self.put(Kind::Read, &format!("{teammate}/{ticket}"), at)?;
                    Record::Read {
                        ticket: *ticket,
                        teammate: *teammate,
                        at: *at,
                    }
                }
                Change::LinkConversation {
                    conversation,
                    ticket,
                } => {
                    let mut c = Workspace::conversation(self, *conversation)?;
                    c.linked_ticket = Some(*ticket);
                    self.put(Kind::Conversation, &c.id.to_string(), &c)?;
                    Record::Conversation(c)
                }
                Change::PutConversation(c) => {
                    self.put(Kind::Conversation, &c.id.to_string(), c)?;
                    crate::snooze::index(self, c)?;
                    Record::Conversation((**c).clone())
                }
                Change::MarkConversationRead {
                    conversation,
                    teammate,
                    at,
                } => {
                    let key = format!("{teammate}/{conversation}");
                    self.put(Kind::ConversationRead, &key, at)?;
                    Record::ConversationRead {
                        conversation: *conversation,
                        teammate: *teammate,
                        at: *at,
                    }
                }
                Change::PutMacro(m) => {
                    self.put(Kind::Macro, &m.id.to_string(), m)?;
                    Record::Macro(m.clone())
                }
            });
        }
        self.tx().put_tickets(&tickets)?;
        self.tx().append_parts(&parts)?;
        Ok(records)
    }

    pub fn append_parts(&self, parts: &[Part]) -> Result<()> {
        let rows: Vec<PartRow> = parts.iter().map(part_row).collect();
        self.tx().append_parts(&rows)
    }

    pub fn append_part(&self, part: &Part) -> Result<()> {
        self.append_parts(std::slice::from_ref(part))
    }

    /// Appends one change set to the log; returns its cursor.
    pub fn log(&self, at: Millis, origin: Option<Origin>, records: Vec<Record>) -> Result<Cursor> {
        let set = ChangeSet {
            cursor: Cursor(0),
            at,
            origin,
            records,
        };
        // The cursor is the row's own position, filled in when read back (see `changes_after`).
        let doc = serde_json::to_string(&set).expect("change sets serialise");
        Ok(Cursor(self.tx().append_change(at, &doc)?))
    }

    /// Change sets after `after`, at most `limit`.
    pub fn changes_after(&self, after: Cursor, limit: usize) -> Result<Vec<ChangeSet>> {
        let rows = self.tx().changes_after(after.0, limit)?;
        rows.into_iter()
            .map(|(cursor, doc)| {
                let mut set: ChangeSet = parse("change", &doc)?;
                set.cursor = Cursor(cursor);
                Ok(set)
            })
            .collect()
    }
}

fn part_row(part: &Part) -> PartRow {
    PartRow {
        owner: part.ticket.to_string(),
        id: part.id.to_string(),
        doc: serde_json::to_string(part).expect("parts serialise"),
        text: full_text::part_text(&part.kind),
    }
}

/// A conversation's part, owned by the conversation.
pub fn conversation_part_row(part: &ConversationPart) -> PartRow {
    PartRow {
        owner: part.conversation.to_string(),
        id: part.id.to_string(),
        doc: serde_json::to_string(part).expect("parts serialise"),
        text: full_text::part_text(&part.kind),
    }
}

pub fn parse<T: DeserializeOwned>(what: &str, doc: &str) -> Result<T> {
    serde_json::from_str(doc).map_err(|e| ServerError::corrupt(what, e))
}

pub fn not_found(kind: &'static str, id: &str) -> ServerError {
    ServerError::Core(CoreError::NotFound {
        kind,
        id: id.to_owned(),
    })
}

impl Workspace for Db<'_> {
    type Error = ServerError;

    fn ticket(&self, id: TicketId) -> Result<Ticket> {
        self.find_ticket(id)?
            .ok_or_else(|| not_found("ticket", &id.to_string()))
    }

    fn ticket_type(&self, id: TicketTypeId) -> Result<TicketType> {
        self.ticket_types()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| not_found("ticket type", &id.to_string()))
    }

    fn states(&self) -> Result<Vec<TicketState>> {
        self.cached(|c| &mut c.states, || self.all(Kind::TicketState))
    }

    fn linked_to_tracker(&self, tracker: TicketId) -> Result<Vec<Ticket>> {
        let docs = self.tx().tickets_linked_to(&tracker.to_string())?;
        docs.iter().map(|d| parse("ticket", d)).collect()
    }

    fn brand(&self, brand: BrandId) -> Result<Option<Brand>> {
        Ok(self.brands()?.into_iter().find(|b| b.id == brand))
    }

    fn contact(&self, contact: ContactId) -> Result<Contact> {
        self.require(Kind::Contact, "contact", &contact.to_string())
    }

    fn default_brand(&self) -> Result<BrandId> {
        let brands = self.brands()?;
        brands
            .iter()
            .find(|b| b.is_default)
            .or(brands.first())
            .map(|b| b.id)
            .ok_or_else(|| ServerError::Conflict {
                code: "no_brand",
                message: "The workspace has no brand yet: create one first.".into(),
            })
    }

    fn next_ticket_number(&self) -> Result<i64> {
        Ok(self.tx().max_ticket_number()? + 1)
    }

    fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        self.require(Kind::Conversation, "conversation", &id.to_string())
    }

    fn conversation_parts(&self, id: ConversationId) -> Result<Vec<ConversationPart>> {
        self.conversation_timeline(id)
    }

    fn conversation_exists(&self, id: ConversationId) -> Result<bool> {
        Ok(self
            .tx()
            .get(Kind::Conversation, &id.to_string())?
            .is_some())
    }

    fn ticket_exists(&self, id: TicketId) -> Result<bool> {
        Ok(self.tx().ticket(&id.to_string())?.is_some())
    }

    fn teammate(&self, id: TeammateId) -> Result<Teammate> {
        self.require(Kind::Teammate, "teammate", &id.to_string())
    }

    fn team(&self, id: TeamId) -> Result<Team> {
        self.require(Kind::Team, "team", &id.to_string())
    }

    fn company(&self, id: CompanyId) -> Result<Company> {
        self.require(Kind::Company, "company", &id.to_string())
    }
    fn shared_tickets_of(&self, contact: ContactId) -> Result<Vec<Ticket>> {
        let mut tickets = self.tickets_of_contact(contact)?;
        tickets.retain(|t| t.shared);
        Ok(tickets)
    }

    fn saved_macro(&self, id: inbox_core::MacroId) -> Result<Option<inbox_core::Macro>> {
        self.get(Kind::Macro, &id.to_string())
    }

    fn attachment(&self, id: inbox_core::AttachmentId) -> Result<Option<inbox_core::Attachment>> {
        self.get(Kind::Attachment, &id.to_string())
    }
}

/// Adds a ticket's row to the batch `write_changes` writes; the last write of a ticket wins (a
/// batch names each ticket once).
fn batch_ticket(
    tickets: &mut Vec<TicketRow>,
    ticket_at: &mut HashMap<TicketId, usize>,
    change: &Change,
    ticket: &Ticket,
) -> Record {
    let mut row = TicketRow::of(ticket);
    if let Change::UpdateTicket { fields, .. } = change {
        row.contacts = None; // No mutation changes a ticket's contacts.
        if !fields.contains(&TicketField::Attributes) {
            row.text = None; // Its words are in its title, description and attributes.
        }
    }
    match ticket_at.get(&ticket.id) {
        Some(&i) => {
            row.contacts = row.contacts.or(tickets[i].contacts.take());
            row.text = row.text.or(tickets[i].text.take());
            tickets[i] = row;
        }
        None => {
            ticket_at.insert(ticket.id, tickets.len());
            tickets.push(row);
        }
    }
    Record::Ticket(Box::new(ticket.clone()))
}
