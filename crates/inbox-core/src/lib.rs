//! The Teammate Inbox domain: what tickets, ticket types, states, people and timelines are, and
//! the rules they obey (SPEC.md, R1…R16).
//!
//! This crate is pure: no I/O and no clock. Times are passed in as milliseconds since the Unix
//! epoch ([`Millis`]), so the desktop app (optimistic apply, previews) and the server
//! (authoritative apply) run exactly the same rules.

pub mod admin;
pub mod alerts;
pub mod attachment;
pub mod attribute;
pub mod bulk;
pub mod category;
pub mod conversation;
pub mod customer_identity;
pub mod email;
pub mod error;
pub mod ids;
pub mod limits;
pub mod macros;
pub mod messenger;
pub mod mutation;
pub mod notification;
pub mod notify;
pub mod people;
pub mod rich_text;
pub mod snooze;
pub mod state;
pub mod ticket;
pub mod ticket_type;
pub mod timeline;
pub mod undo;

pub use admin::{apply_admin, AdminChange, Saved, Settings};
pub use attachment::Attachment;
pub use attribute::{AttributeDef, AttributeValue, DataType};
pub use category::{Category, Sharing};
pub use conversation::{Conversation, MessageChannel, StartConversation};
pub use error::{CoreError, ErrorBody};
pub use ids::*;
pub use macros::{Macro, MacroAction, MacroContext, Visibility};
pub use mutation::{
    apply, Change, Context, CustomerEvent, Effect, Mutation, Outcome, Target, TicketField,
    Workspace,
};
pub use people::{Brand, Company, Contact, ContactRole, Role, Team, Teammate};
pub use state::{StateCategory, TicketState};
pub use ticket::{CreateTicket, NewTicket, Ticket, ValidTicketFields};
pub use ticket_type::TicketType;
pub use timeline::{Author, ConversationPart, Part, PartKind};

/// A point in time: milliseconds since the Unix epoch, UTC.
pub type Millis = i64;
