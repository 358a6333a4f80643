//! Where the server keeps everything, behind one trait with two backends: embedded SQLite (the
//! default, no setup) and PostgreSQL (several server processes sharing one database).
//!
//! Backends store documents (serde JSON) plus the few columns queries need, and know nothing of
//! the rules: [`crate::workspace`] reads and writes domain types through [`Tx`], and every write
//! goes through one serialised transaction, so ticket numbers and change-log cursors grow in
//! commit order on both backends.

pub mod full_text;
pub mod postgres;
mod query;
pub mod sqlite;

use std::sync::Arc;

use inbox_core::Ticket;

use crate::error::Result;
pub use query::{Dialect, Field, Filter, JsonKind, Op, SearchSql, SqlValue};

/// Small collections stored as `(kind, id) → document`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Brand,
    Teammate,
    Team,
    Company,
    Contact,
    TicketState,
    TicketType,
    Conversation,
    /// A teammate's read mark on a ticket, id `TEAMMATE/TICKET`.
    Read,
    /// A teammate's read mark on a conversation, id `TEAMMATE/CONVERSATION`.
    ConversationRead,
    /// Workspace settings by name.
    Setting,
    /// An API token by the hex SHA-256 of its secret (the secret itself is never stored).
    Token,
    /// A teammate's password hash (Argon2id), by teammate id. Never synced.
    Password,
    /// A pushed mutation's result, id `CLIENT/SEQ` (zero-padded), for exactly-once push.
    Push,
    /// A contact's Messenger: collapsed or not, and when they last saw each ticket.
    Messenger,
    /// A notification the customer has not seen in the Messenger yet, id `CONTACT/TICKET`.
    Unseen,
    /// An inbound email already added, by the SHA-256 of its Message-ID.
    Inbound,
    /// A sync client id, bound to the teammate who first pushed with it.
    Client,
    /// A webhook endpoint, by id.
    Webhook,
    /// A webhook event waiting for its endpoints, id `CURSOR-N` (zero-padded: in log order).
    WebhookEvent,
    /// A customer's pending Messenger sign-in code (its hash), by their lower-case email.
    SignInCode,
    /// A snoozed conversation's wake-up time by its id, a ticket's by `ticket/` and its id:
    /// what the scheduler looks through.
    Snooze,
    /// A macro (saved reply), by id; deleted ones stay as tombstones.
    Macro,
    /// An uploaded file's metadata (its bytes are in the blob folder), by id.
    Attachment,
}

impl Kind {
    pub const ALL: [Kind; 24] = [
        Kind::Brand,
        Kind::Teammate,
        Kind::Team,
        Kind::Company,
        Kind::Contact,
        Kind::TicketState,
        Kind::TicketType,
        Kind::Conversation,
        Kind::Read,
        Kind::ConversationRead,
        Kind::Setting,
        Kind::Token,
        Kind::Password,
        Kind::Push,
        Kind::Messenger,
        Kind::Unseen,
        Kind::Inbound,
        Kind::Client,
        Kind::Webhook,
        Kind::WebhookEvent,
        Kind::SignInCode,
        Kind::Snooze,
        Kind::Macro,
        Kind::Attachment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Brand => "brand",
            Kind::Teammate => "teammate",
            Kind::Team => "team",
            Kind::Company => "company",
            Kind::Contact => "contact",
            Kind::TicketState => "ticket_state",
            Kind::TicketType => "ticket_type",
            Kind::Conversation => "conversation",
            Kind::Read => "read",
            Kind::ConversationRead => "conversation_read",
            Kind::Setting => "setting",
            Kind::Token => "token",
            Kind::Password => "password",
            Kind::Push => "push",
            Kind::Messenger => "messenger",
            Kind::Unseen => "unseen",
            Kind::Inbound => "inbound",
            Kind::Client => "client",
            Kind::Webhook => "webhook",
            Kind::WebhookEvent => "webhook_event",
            Kind::SignInCode => "sign_in_code",
            Kind::Snooze => "snooze",
            Kind::Macro => "macro",
            Kind::Attachment => "attachment",
        }
    }
}

/// A ticket with the columns that searches and lookups use.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub id: String,
    pub number: i64,
    pub type_id: String,
    pub category: String,
    pub state_id: String,
    pub open: bool,
    pub assignee_teammate: Option<String>,
    pub assignee_team: Option<String>,
    /// The ticket's contacts, or None to leave them as stored (a change that cannot touch them
    /// saves a read per ticket).
    pub contacts: Option<Vec<String>>,
    pub company_id: Option<String>,
    pub brand_id: String,
    pub shared: bool,
    pub tracker_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub title: String,
    /// The whole ticket as JSON.
    pub doc: String,
    /// What search finds it by ([`full_text::ticket_text`]), or None to leave it as indexed (a
    /// change of its state or assignee, say, cannot touch it).
    pub text: Option<String>,
}

impl TicketRow {
    pub fn of(ticket: &Ticket) -> TicketRow {
        let id = |v: &dyn std::fmt::Display| v.to_string();
        TicketRow {
            id: ticket.id.to_string(),
            number: ticket.number.unwrap_or(0),
            type_id: id(&ticket.type_id),
            category: ticket.category.as_str().to_owned(),
            state_id: id(&ticket.state_id),
            open: ticket.open,
            assignee_teammate: ticket.assignee_teammate.map(|t| t.to_string()),
            assignee_team: ticket.assignee_team.map(|t| t.to_string()),
            contacts: Some(ticket.contacts.iter().map(|c| c.to_string()).collect()),
            company_id: ticket.company.map(|c| c.to_string()),
            brand_id: id(&ticket.brand),
            shared: ticket.shared,
            tracker_id: ticket.tracker.map(|t| t.to_string()),
            created_at: ticket.created_at,
            updated_at: ticket.updated_at,
            title: ticket.title.clone(),
            doc: serde_json::to_string(ticket).expect("a ticket always serialises"),
            text: Some(full_text::ticket_text(ticket)),
        }
    }
}

/// A queued customer email. `status` is `pending`, `sending` (claimed until `due_at`), `sent`,
/// `dropped` (no longer to be sent) or `failed` (could never be sent).
#[derive(Debug, Clone, PartialEq)]
pub struct EmailRow {
    pub id: String,
    pub contact_id: String,
    pub ticket_id: String,
    pub status: String,
    pub due_at: i64,
    pub doc: String,
}

/// A timeline part to append: `owner` is its ticket's or conversation's id.
#[derive(Debug, Clone, PartialEq)]
pub struct PartRow {
    pub owner: String,
    pub id: String,
    pub doc: String,
    /// What search finds its owner by ([`full_text::part_text`]); empty for none.
    pub text: String,
}

/// One document of the full-text index: `key` (a ticket's id for its own fields, a part's id
/// for a part) makes `owner` (a ticket or conversation) findable by the words of `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    pub key: String,
    pub owner: String,
    /// Words as [`full_text::words`] gives them; empty takes the document out of the index.
    pub text: String,
}

impl SearchDoc {
    pub fn of_parts(parts: &[PartRow]) -> Vec<SearchDoc> {
        parts
            .iter()
            .filter(|p| !p.text.is_empty())
            .map(|p| SearchDoc {
                key: p.id.clone(),
                owner: p.owner.clone(),
                text: p.text.clone(),
            })
            .collect()
    }

    pub fn of_tickets(rows: &[TicketRow]) -> Vec<SearchDoc> {
        rows.iter()
            .filter_map(|t| {
                Some(SearchDoc {
                    key: t.id.clone(),
                    owner: t.id.clone(),
                    text: t.text.clone()?,
                })
            })
            .collect()
    }
}

/// One page of a ticket search, newest update first.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub docs: Vec<String>,
    pub total: i64,
}

/// The primitive reads and writes of one transaction. Documents are JSON text.
pub trait Tx {
    fn get(&mut self, kind: Kind, id: &str) -> Result<Option<String>>;
    /// Documents of `kind` with ids after `after`, in id order.
    fn list(&mut self, kind: Kind, after: &str, limit: usize) -> Result<Vec<(String, String)>>;
    /// Documents of `kind` whose id starts with `prefix`, in id order.
    fn list_prefix(&mut self, kind: Kind, prefix: &str) -> Result<Vec<(String, String)>>;
    fn put(&mut self, kind: Kind, id: &str, doc: &str) -> Result<()>;
    fn delete(&mut self, kind: Kind, id: &str) -> Result<()>;

    fn ticket(&mut self, id: &str) -> Result<Option<String>>;
    fn ticket_by_number(&mut self, number: i64) -> Result<Option<String>>;
    /// Inserts or replaces the ticket (and its contact list).
    fn put_ticket(&mut self, row: &TicketRow) -> Result<()>;
    fn max_ticket_number(&mut self) -> Result<i64>;
    fn ticket_count(&mut self) -> Result<i64>;
    /// Tickets with ids after `after`, in id order (for bootstrap).
    fn tickets_after(&mut self, after: &str, limit: usize) -> Result<Vec<(String, String)>>;
    fn tickets_linked_to(&mut self, tracker: &str) -> Result<Vec<String>>;
    fn tickets_of_contact(&mut self, contact: &str) -> Result<Vec<String>>;
    /// Tickets matching `filter`, most recently updated first, skipping `offset`.
    fn search_tickets(&mut self, filter: &Filter, offset: i64, limit: i64) -> Result<SearchPage>;

    /// Adds, replaces or (empty text) removes documents of the full-text index.
    fn put_search_docs(&mut self, docs: &[SearchDoc]) -> Result<()>;
    /// The owners (tickets and conversations) having some document with a word that begins
    /// with `word` (one of [`full_text::query_words`]).
    fn owners_matching(&mut self, word: &str) -> Result<Vec<String>>;

    /// Appends a timeline part of a ticket or a conversation (`owner` is its id).
    fn append_part(&mut self, owner: &str, id: &str, doc: &str) -> Result<()>;
    /// The parts of `owner`, oldest first.
    fn parts(&mut self, owner: &str) -> Result<Vec<String>>;
    /// All parts after position `after`, in insertion order, with their positions.
    fn parts_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, String)>>;

    /// Appends a change to the log and returns its cursor, greater than every earlier one.
    fn append_change(&mut self, at: i64, doc: &str) -> Result<i64>;
    fn changes_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, String)>>;
    fn last_cursor(&mut self) -> Result<i64>;

    fn email(&mut self, id: &str) -> Result<Option<EmailRow>>;
    /// The email to `contact` about `ticket` still waiting to go out, if any.
    fn pending_email(&mut self, contact: &str, ticket: &str) -> Result<Option<EmailRow>>;
    fn put_email(&mut self, row: &EmailRow) -> Result<()>;
    /// Emails to look at by `now`, earliest first: pending ones that are due, and ones being
    /// sent whose lease (their `due_at`) ran out.
    fn due_emails(&mut self, now: i64, limit: usize) -> Result<Vec<EmailRow>>;
    /// When the earliest pending (or leased) email is due.
    fn next_email_due(&mut self) -> Result<Option<i64>>;
    /// Emails with `status`, most recently due first (for admins: which ones failed).
    fn emails_with_status(&mut self, status: &str, limit: usize) -> Result<Vec<EmailRow>>;

    // Batches: a tracker moving 10,000 tickets writes them in a few statements where a backend
    // pays a round trip per statement (PostgreSQL). Ids in one batch are distinct.

    fn put_tickets(&mut self, rows: &[TicketRow]) -> Result<()> {
        rows.iter().try_for_each(|row| self.put_ticket(row))
    }

    /// Appends parts in the given order.
    fn append_parts(&mut self, parts: &[PartRow]) -> Result<()> {
        parts
            .iter()
            .try_for_each(|p| self.append_part(&p.owner, &p.id, &p.doc))?;
        self.put_search_docs(&SearchDoc::of_parts(parts))
    }

    /// The documents of `kind` among `ids` that exist, as (id, doc).
    fn get_many(&mut self, kind: Kind, ids: &[String]) -> Result<Vec<(String, String)>> {
        let mut found = Vec::new();
        for id in ids {
            if let Some(doc) = self.get(kind, id)? {
                found.push((id.clone(), doc));
            }
        }
        Ok(found)
    }

    /// Inserts or replaces (id, doc) documents of `kind`.
    fn put_many(&mut self, kind: Kind, docs: &[(String, String)]) -> Result<()> {
        docs.iter()
            .try_for_each(|(id, doc)| self.put(kind, id, doc))
    }

    /// The pending emails for any of these (contact, ticket) pairs.
    fn pending_emails(&mut self, pairs: &[(String, String)]) -> Result<Vec<EmailRow>> {
        let mut found = Vec::new();
        for (contact, ticket) in pairs {
            found.extend(self.pending_email(contact, ticket)?);
        }
        Ok(found)
    }

    fn put_emails(&mut self, rows: &[EmailRow]) -> Result<()> {
        rows.iter().try_for_each(|row| self.put_email(row))
    }
}

/// A database the server can run on.
pub trait Storage: Send + Sync + 'static {
    /// Runs `f` in a read-only snapshot.
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// Runs `f` in a write transaction, serialised with every other write (across processes
    /// too): committed if `f` succeeds, rolled back entirely if not.
    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// Calls `on_change` with the newest cursor whenever another process commits a change (the
    /// server pokes its own clients itself). A backend of one process does nothing.
    fn watch(&self, on_change: Box<dyn Fn(i64) + Send + Sync>) -> Result<()>;
}

/// Typed helpers: `read` and `write` with a result.
pub trait StorageExt {
    fn reading<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T>;
    fn writing<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T>;
}

impl<S: Storage + ?Sized> StorageExt for S {
    fn reading<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.read(&mut |tx| {
            out = Some((f.take().expect("read runs its closure once"))(tx)?);
            Ok(())
        })?;
        Ok(out.expect("read ran its closure"))
    }

    fn writing<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.write(&mut |tx| {
            out = Some((f.take().expect("write runs its closure once"))(tx)?);
            Ok(())
        })?;
        Ok(out.expect("write ran its closure"))
    }
}

pub type SharedStorage = Arc<dyn Storage>;
