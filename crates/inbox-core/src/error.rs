//! Domain errors. Every variant has a stable `code` that the app and the server send as
//! `{code, message}`; the message is written for the teammate reading it.

use serde::Serialize;

use crate::DataType;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoreError {
    #[error("Customer tickets are always shared with the customer and cannot be made internal.")]
    CustomerTicketAlwaysShared,
    #[error("Tracker tickets are internal only and can never be shared with a customer.")]
    TrackerCannotBeShared,
    #[error("The ticket type \"{name}\" is archived: no new tickets can be created with it.")]
    TicketTypeArchived { name: String },
    #[error("\"{name}\" is required to create a ticket of this type.")]
    AttributeRequired { key: String, name: String },
    #[error("\"{name}\" must be {}.", expected.describe())]
    AttributeWrongType {
        key: String,
        name: String,
        expected: DataType,
    },
    #[error("\"{value}\" is not one of the options of \"{name}\".")]
    AttributeNotAnOption {
        key: String,
        name: String,
        value: String,
    },
    #[error("This ticket type has no attribute \"{key}\".")]
    AttributeUnknown { key: String },
    #[error("The attribute key \"{key}\" is used twice in this ticket type.")]
    AttributeDuplicate { key: String },
    #[error("A list attribute (\"{name}\") needs at least one option.")]
    AttributeListWithoutOptions { name: String },
    #[error("The ticket type \"{type_name}\" does not offer the state \"{state}\".")]
    StateNotOffered { type_name: String, state: String },
    #[error("The ticket type \"{type_name}\" must offer at least one state of each category; it has none that is {}.", missing.customer_default_label().to_lowercase())]
    TypeMissingStateCategory {
        type_name: String,
        missing: crate::StateCategory,
    },
    #[error("Another ticket state is already labelled \"{label}\" internally; internal labels must be unique.")]
    StateLabelTaken { label: String },
    #[error("A ticket state needs a non-empty {which} label.")]
    StateLabelEmpty { which: &'static str },
    #[error("A ticket type needs a name.")]
    TypeNameEmpty,
    #[error("\"{value}\" is not a valid {kind}.")]
    InvalidId { kind: &'static str, value: String },
    #[error("No {kind} with id {id} exists.")]
    NotFound { kind: &'static str, id: String },
    #[error("A {what} cannot be empty.")]
    EmptyBody { what: &'static str },
    #[error("This ticket is internal, so a reply would reach no customer. Add an internal note instead, or share the ticket first.")]
    ReplyOnInternalTicket,
    #[error("Only customer tickets can be linked to a tracker; this one is a {category} ticket.")]
    OnlyCustomerTicketsLinkToTrackers { category: crate::Category },
    #[error("Ticket {number} is not a tracker ticket, so nothing can be linked to it.")]
    NotATracker { number: String },
    #[error("This ticket is already linked to tracker {number}. Unlink it first: a ticket links to at most one tracker.")]
    AlreadyLinkedToTracker { number: String },
    #[error("This conversation already has a ticket shared with the customer ({number}); a conversation links to one shared ticket at most.")]
    ConversationAlreadyLinked { number: String },
    #[error("Only a ticket shared with the customer can be linked to a conversation; for internal work, create a back-office ticket from it.")]
    ConversationNeedsSharedTicket,
    #[error("Only back-office tickets are raised from a customer ticket, and only from a customer ticket.")]
    OriginOnlyForBackOffice,
    #[error("The reply-email delay must be between 0 and 24 hours; {minutes} minutes is not.")]
    InvalidReplyEmailDelay { minutes: i64 },
    #[error("This ticket is not linked to a tracker.")]
    NotLinkedToTracker,
    #[error("The ticket type \"{type_name}\" offers no state that is {category}.")]
    NoStateOfCategory {
        type_name: String,
        category: &'static str,
    },
    #[error("Only an admin can change the workspace's settings (ticket types, states, brands, teams and teammates).")]
    NotAdmin,
    #[error("A ticket type keeps its category once created: tickets of it follow that category's rules.")]
    TypeCategoryFixed,
    #[error(
        "The attribute \"{name}\" keeps its data type once created: tickets hold values of it."
    )]
    AttributeTypeFixed { name: String },
    #[error("The attribute \"{name}\" cannot be removed: tickets may hold values of it. Archive the ticket type, or stop requiring the attribute.")]
    AttributeRemoved { name: String },
    #[error("A ticket state keeps its category once created: tickets in it follow that category.")]
    StateCategoryFixed,
    #[error("A {what} needs a name.")]
    NameEmpty { what: &'static str },
    #[error("Another {what} is already called \"{name}\".")]
    NameTaken { what: &'static str, name: String },
    #[error("The workspace needs a default brand: make another brand the default instead.")]
    DefaultBrandRequired,
    #[error("\"{email}\" is not an email address.")]
    InvalidEmail { email: String },
    #[error("The workspace needs at least one active admin.")]
    LastAdmin,
    #[error("The {what} is too long: at most {max} characters.")]
    TextTooLong { what: String, max: usize },
    #[error("The {what} contains control characters (such as line breaks in a name, or NUL), which cannot be stored or sent.")]
    ControlCharacters { what: String },
    #[error("Too many {what}: at most {max}.")]
    TooMany { what: &'static str, max: usize },
    #[error("A {kind} with id {id} already exists: choose another id.")]
    IdTaken { kind: &'static str, id: String },
    #[error("{name} has been deactivated and cannot be given tickets or join a team.")]
    TeammateInactive { name: String },
    #[error(
        "A ticket's creation time must lie between 1970 and now; {at} ms since 1970 does not."
    )]
    CreatedAtOutOfRange { at: i64 },
    #[error("This conversation belongs to another contact.")]
    NotYourConversation,
    #[error("Only teammates can add notes, assign, snooze or close; a customer can only write.")]
    TeammatesOnly,
    #[error("A snooze must end at a time in the future.")]
    SnoozeNotInFuture,
    #[error("A snooze can last at most {max_days} days; pick an earlier time.")]
    SnoozeTooLong { max_days: i64 },
    #[error("A closed ticket waits on no one, so it cannot be snoozed; reopen it first.")]
    SnoozeClosedTicket,
    #[error("\"{value}\" is not a colour: write it as #rrggbb, like #3b5bdb.")]
    InvalidColor { value: String },
    #[error("Select at least one ticket for a bulk action.")]
    BulkEmpty,
    #[error("Only state changes, closing, reopening, assigning, brand, sharing, replies, notes, tracker links, snoozes and read marks can be applied to many tickets at once.")]
    NotABulkAction,
    #[error("Ticket {ticket} appears twice in one bulk action: a ticket's changes go together, one after the other.")]
    BulkTicketTwice { ticket: String },
    #[error(
        "Too late to undo: the change has already gone out. Make another change to reverse it."
    )]
    UndoTooLate,
    #[error("Only an admin can create, change or delete a macro shared with the workspace; save it as a personal macro instead.")]
    SharedMacroAdminsOnly,
    #[error("A personal macro belongs to the teammate who saves it; only they see and change it.")]
    MacroNotYours,
    #[error("This macro uses placeholders that do not exist: {names}. Use contact.first_name, contact.name, contact.email, company.name, ticket.number, ticket.title, teammate.first_name, teammate.name or brand.name.")]
    MacroPlaceholderUnknown { names: String },
    #[error("A placeholder is not closed: \"{at}\". Write it as {{{{contact.first_name | there}}}}, on one line.")]
    MacroPlaceholderMalformed { at: String },
    #[error("A shared macro stays shared: teammates already use it. Create a personal macro with its text instead.")]
    MacroStaysShared,
    #[error("A macro can {action} only once.")]
    MacroActionRepeated { action: &'static str },
    #[error("The file is empty.")]
    AttachmentEmpty,
    #[error("The file is too large: at most {max_mib} MiB.")]
    AttachmentTooLarge { max_mib: usize },
    #[error("Files of type {content_type} (\"{name}\") cannot be attached: pages, scripts and programs cannot (images, PDFs, text, documents and archives can).")]
    AttachmentTypeRefused { content_type: String, name: String },
    #[error("The file needs a name (not only a path or dots).")]
    AttachmentNameInvalid,
    #[error("The file {id} is attached twice to one message.")]
    AttachmentTwice { id: String },
    #[error("Attachments need a server: this workspace is local only. Connect it to a server to send files.")]
    AttachmentsNeedServer,
}

impl CoreError {
    /// The stable, machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CustomerTicketAlwaysShared => "customer_ticket_always_shared",
            Self::TrackerCannotBeShared => "tracker_cannot_be_shared",
            Self::TicketTypeArchived { .. } => "ticket_type_archived",
            Self::AttributeRequired { .. } => "attribute_required",
            Self::AttributeWrongType { .. } => "attribute_wrong_type",
            Self::AttributeNotAnOption { .. } => "attribute_not_an_option",
            Self::AttributeUnknown { .. } => "attribute_unknown",
            Self::AttributeDuplicate { .. } => "attribute_duplicate",
            Self::AttributeListWithoutOptions { .. } => "attribute_list_without_options",
            Self::StateNotOffered { .. } => "state_not_offered",
            Self::TypeMissingStateCategory { .. } => "ticket_type_missing_state_category",
            Self::StateLabelTaken { .. } => "state_label_taken",
            Self::StateLabelEmpty { .. } => "state_label_empty",
            Self::TypeNameEmpty => "ticket_type_name_empty",
            Self::InvalidId { .. } => "invalid_id",
            Self::NotFound { .. } => "not_found",
            Self::EmptyBody { .. } => "empty_body",
            Self::ReplyOnInternalTicket => "reply_on_internal_ticket",
            Self::OnlyCustomerTicketsLinkToTrackers { .. } => {
                "only_customer_tickets_link_to_trackers"
            }
            Self::NotATracker { .. } => "not_a_tracker",
            Self::AlreadyLinkedToTracker { .. } => "already_linked_to_tracker",
            Self::NotLinkedToTracker => "not_linked_to_tracker",
            Self::InvalidReplyEmailDelay { .. } => "invalid_reply_email_delay",
            Self::ConversationAlreadyLinked { .. } => "conversation_already_linked",
            Self::ConversationNeedsSharedTicket => "conversation_needs_shared_ticket",
            Self::OriginOnlyForBackOffice => "origin_only_for_back_office",
            Self::NoStateOfCategory { .. } => "no_state_of_category",
            Self::NotAdmin => "not_admin",
            Self::TypeCategoryFixed => "ticket_type_category_fixed",
            Self::AttributeTypeFixed { .. } => "attribute_type_fixed",
            Self::AttributeRemoved { .. } => "attribute_removed",
            Self::StateCategoryFixed => "state_category_fixed",
            Self::NameEmpty { .. } => "name_empty",
            Self::NameTaken { .. } => "name_taken",
            Self::DefaultBrandRequired => "default_brand_required",
            Self::InvalidEmail { .. } => "invalid_email",
            Self::LastAdmin => "last_admin",
            Self::TextTooLong { .. } => "text_too_long",
            Self::ControlCharacters { .. } => "text_has_control_characters",
            Self::TooMany { .. } => "too_many",
            Self::IdTaken { .. } => "id_taken",
            Self::TeammateInactive { .. } => "teammate_inactive",
            Self::CreatedAtOutOfRange { .. } => "invalid_created_at",
            Self::NotYourConversation => "not_your_conversation",
            Self::TeammatesOnly => "teammates_only",
            Self::SnoozeNotInFuture => "snooze_not_in_future",
            Self::SnoozeTooLong { .. } => "snooze_too_long",
            Self::SnoozeClosedTicket => "snooze_closed_ticket",
            Self::InvalidColor { .. } => "invalid_color",
            Self::BulkEmpty => "bulk_empty",
            Self::NotABulkAction => "not_a_bulk_action",
            Self::BulkTicketTwice { .. } => "bulk_ticket_twice",
            Self::UndoTooLate => "undo_too_late",
            Self::SharedMacroAdminsOnly => "shared_macro_admins_only",
            Self::MacroNotYours => "macro_not_yours",
            Self::MacroPlaceholderUnknown { .. } => "macro_placeholder_unknown",
            Self::MacroPlaceholderMalformed { .. } => "macro_placeholder_malformed",
            Self::MacroActionRepeated { .. } => "macro_action_repeated",
            Self::MacroStaysShared => "macro_stays_shared",
            Self::AttachmentEmpty => "attachment_empty",
            Self::AttachmentTooLarge { .. } => "attachment_too_large",
            Self::AttachmentTypeRefused { .. } => "attachment_type_refused",
            Self::AttachmentNameInvalid => "attachment_name_invalid",
            Self::AttachmentTwice { .. } => "attachment_twice",
            Self::AttachmentsNeedServer => "attachments_need_server",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

/// The wire shape of every error, across IPC and HTTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    /// Stable and machine-readable: `not_found`, `forbidden`, `tracker_cannot_be_shared`,
    /// `attribute_required`, `invalid_body`, `body_too_large`…
    pub code: String,
    /// What happened and what to do, for a person.
    pub message: String,
}
