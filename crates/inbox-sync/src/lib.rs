//! The sync protocol between the app and the server: what a client pushes (its mutations, each
//! with a per-client sequence number so the server applies it exactly once), what it pulls
//! (records changed since a cursor) and how it bootstraps a whole workspace in pages.
//!
//! Changes travel as whole records (the ticket as it is now, a new timeline part…), never as
//! row diffs: applying a record twice is harmless, so a client may re-pull any range.

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod engine;
mod replica;
mod touched;

pub use replica::Replica;
pub use touched::Touched;

use inbox_core::notify::NotificationSettings;
use inbox_core::{
    Brand, Company, Contact, Conversation, ConversationId, ConversationPart, ErrorBody, Millis,
    Mutation, Part, Team, Teammate, TeammateId, Ticket, TicketId, TicketState, TicketType,
};
use serde::{Deserialize, Serialize};

/// Bumped whenever a wire type changes incompatibly. Sent in the `Inbox-Protocol` header; the
/// server refuses a client speaking another version with `protocol_mismatch`, so an app from
/// before a change says "update the app" instead of failing to read a record it does not know.
/// 2: macros (records and mutations), tickets' snoozes, bulk-era mutations.
pub const PROTOCOL_VERSION: u32 = 2;
pub const PROTOCOL_HEADER: &str = "inbox-protocol";

/// A position in the server's change log. Cursors only grow; 0 is "before everything".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Cursor(pub i64);

/// One entity as it is now. Records are upserts keyed by their id (a timeline part is never
/// changed, only added).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Record {
    Brand(Brand),
    Teammate(Teammate),
    Team(Team),
    Company(Company),
    Contact(Contact),
    TicketState(TicketState),
    TicketType(TicketType),
    Ticket(Box<Ticket>),
    TicketPart(Part),
    Conversation(Conversation),
    ConversationPart(ConversationPart),
    /// A teammate read a ticket at `at`.
    Read {
        ticket: TicketId,
        teammate: TeammateId,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        at: Millis,
    },
    /// A teammate read a conversation at `at`.
    ConversationRead {
        conversation: ConversationId,
        teammate: TeammateId,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        at: Millis,
    },
    Settings(NotificationSettings),
    /// A macro (saved reply), deleted ones included. A personal one only ever reaches its
    /// owner.
    Macro(inbox_core::Macro),
}

impl Record {
    /// Whether `teammate` may receive this record: someone else's personal macro never leaves
    /// the server.
    pub fn visible_to(&self, teammate: TeammateId) -> bool {
        match self {
            Record::Macro(m) => m.visible_to(teammate),
            _ => true,
        }
    }
}

/// Who made a change through the sync API, so a client recognises its own mutations in a pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Origin {
    pub client_id: String,
    pub seq: u64,
}

/// One committed change: everything one mutation (or one admin edit) wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeSet {
    pub cursor: Cursor,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub at: Millis,
    pub origin: Option<Origin>,
    pub records: Vec<Record>,
}

/// A mutation waiting in a client's outbox. `seq` grows by one per mutation of that client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingMutation {
    #[cfg_attr(
        feature = "openapi",
        schema(format = "uint64", maximum = 18446744073709551615u64)
    )]
    pub seq: u64,
    pub mutation: Mutation,
}

/// `POST /sync/push`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// Chosen by the client once (a ULID) and kept for its lifetime.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub client_id: String,
    /// At most 1,000 at a time.
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub mutations: Vec<PendingMutation>,
}

/// What became of one pushed mutation. A replayed mutation gets its original result again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushResult {
    Applied {
        #[cfg_attr(
            feature = "openapi",
            schema(format = "uint64", maximum = 18446744073709551615u64)
        )]
        seq: u64,
        cursor: Cursor,
    },
    Rejected {
        #[cfg_attr(
            feature = "openapi",
            schema(format = "uint64", maximum = 18446744073709551615u64)
        )]
        seq: u64,
        error: ErrorBody,
    },
}

impl PushResult {
    pub fn seq(&self) -> u64 {
        match self {
            PushResult::Applied { seq, .. } | PushResult::Rejected { seq, .. } => *seq,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<PushResult>,
    /// The newest cursor after the push.
    pub cursor: Cursor,
}

/// `GET /sync/pull?after=CURSOR&limit=N`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub changes: Vec<ChangeSet>,
    /// Pull again from here; the last change's cursor, or `after` when there was nothing.
    pub cursor: Cursor,
    /// More changes wait beyond `cursor`.
    pub more: bool,
}

/// `GET /sync/bootstrap?page=TOKEN`: a whole workspace in pages. Every page carries the cursor
/// the snapshot started at; once the last page is in, the client pulls from there (records
/// changed meanwhile come again, which upserts make harmless).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapPage {
    pub cursor: Cursor,
    pub records: Vec<Record>,
    /// The token of the next page, or None on the last one.
    pub next: Option<String>,
    /// Tickets in the workspace, for a progress bar.
    pub total_tickets: u64,
}

/// An event of the live stream (`GET /sync/stream`, server-sent events): pull up to `cursor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Poke {
    pub cursor: Cursor,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_results_are_tagged_by_status() {
        let applied = PushResult::Applied {
            seq: 3,
            cursor: Cursor(41),
        };
        let json = serde_json::to_value(&applied).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "applied", "seq": 3, "cursor": 41})
        );
        let back: PushResult = serde_json::from_value(json).unwrap();
        assert_eq!(back, applied);
    }

    #[test]
    fn records_round_trip() {
        let record = Record::Settings(NotificationSettings::default());
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(
            json,
            r#"{"type":"settings","data":{"reply_email_delay":180000}}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), record);
    }
}

/// `POST /sync/login`: a teammate's email and password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// A new API token for the device that signed in, and who it speaks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub teammate: Teammate,
}

/// What a settings change saved, as the records that carry it to clients.
pub fn admin_records(saved: &inbox_core::Saved) -> Vec<Record> {
    let inbox_core::Saved {
        ticket_types,
        states,
        brands,
        teams,
        teammates,
    } = saved.clone();
    // Teammates and states before the types and teams that refer to them.
    teammates
        .into_iter()
        .map(Record::Teammate)
        .chain(states.into_iter().map(Record::TicketState))
        .chain(brands.into_iter().map(Record::Brand))
        .chain(teams.into_iter().map(Record::Team))
        .chain(ticket_types.into_iter().map(Record::TicketType))
        .collect()
}
