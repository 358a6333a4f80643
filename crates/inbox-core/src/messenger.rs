//! What one customer sees of their tickets and conversations in the Messenger (R8, R9), derived
//! from ticket and conversation data.
//! Only customer-visible content gets in (R3a): shared tickets, customer-facing state labels,
//! customer-visible attributes.

use serde::Serialize;

use crate::notification::{Channel, Notification, Thread};
use crate::{
    Author, ContactId, Conversation, ConversationId, ConversationPart, Millis, PartId, PartKind,
    StateCategory, TeammateId, Ticket, TicketId, TicketState, TicketType,
};

/// The Recent tickets card shows at most this many tickets (R9).
pub const RECENT_TICKETS: usize = 3;

/// What the customer can do from a ticket in the Tickets space (R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketAction {
    SendMessage,
    ContinueConversation,
    ViewClosedConversation,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessengerTicket {
    pub id: TicketId,
    pub number: Option<i64>,
    pub title: String,
    /// The customer-facing label ("Waiting on you"), never the internal one.
    pub state_label: String,
    pub state_category: StateCategory,
    /// Customer-visible attributes only, as (name, value).
    pub attributes: Vec<(String, String)>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub last_activity_at: Millis,
    pub action: TicketAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Badges {
    /// Tickets with something unseen: the count on the collapsed launcher.
    pub messenger: usize,
    pub tickets_space: usize,
    pub messages_space: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessengerHome {
    /// At most three, most recent activity first, never a resolved ticket (R9).
    pub recent_tickets: Vec<MessengerTicket>,
    /// The Tickets space, or None when the customer has no active or resolved ticket (R8).
    pub tickets_space: Option<Vec<MessengerTicket>>,
    pub badges: Badges,
    /// The tickets with something the customer has not seen: the dot on their entries.
    pub unseen_tickets: Vec<TicketId>,
    /// The conversations with a team message the customer has not seen.
    pub unseen_conversations: Vec<ConversationId>,
}

/// The Messenger of `contact`, from all tickets (only theirs, shared, count) and the
/// notifications they have not seen yet.
pub fn messenger_home(
    contact: ContactId,
    tickets: &[Ticket],
    types: &[TicketType],
    states: &[TicketState],
    unseen: &[Notification],
) -> MessengerHome {
    let mut theirs: Vec<MessengerTicket> = tickets
        .iter()
        .filter(|t| t.shared && t.contacts.contains(&contact))
        .filter_map(|t| customer_view(t, types, states))
        .collect();
    theirs.sort_by(|a, b| {
        b.last_activity_at
            .cmp(&a.last_activity_at)
            .then(b.id.cmp(&a.id))
    });
    let recent_tickets = theirs
        .iter()
        .filter(|t| t.state_category != StateCategory::Resolved)
        .take(RECENT_TICKETS)
        .cloned()
        .collect();
    // Only news of what they can still see counts: a ticket made internal again takes its
    // badges with it (its notification could never be marked seen).
    let visible = |about: Thread| match about {
        Thread::Ticket(id) => theirs.iter().any(|t| t.id == id),
        Thread::Conversation(_) => true,
    };
    let unseen: Vec<&Notification> = unseen
        .iter()
        .filter(|n| n.contact == contact && visible(n.about))
        .collect();
    let count = |channel: Channel| {
        let mut threads: Vec<Thread> = unseen
            .iter()
            .filter(|n| n.channels.contains(&channel))
            .map(|n| n.about)
            .collect();
        threads.sort();
        threads.dedup();
        threads.len()
    };
    let badges = Badges {
        messenger: count(Channel::MessengerBadge),
        tickets_space: count(Channel::TicketsSpaceBadge),
        messages_space: count(Channel::MessagesSpaceBadge),
    };
    let mut unseen_tickets: Vec<TicketId> =
        unseen.iter().filter_map(|n| n.about.ticket()).collect();
    unseen_tickets.sort();
    unseen_tickets.dedup();
    let mut unseen_conversations: Vec<ConversationId> = unseen
        .iter()
        .filter_map(|n| match n.about {
            Thread::Conversation(c) => Some(c),
            Thread::Ticket(_) => None,
        })
        .collect();
    unseen_conversations.sort();
    unseen_conversations.dedup();
    MessengerHome {
        recent_tickets,
        tickets_space: (!theirs.is_empty()).then_some(theirs),
        badges,
        unseen_tickets,
        unseen_conversations,
    }
}

/// A shared ticket as its customer sees it; None for anything that must not reach them.
pub fn customer_view(
    ticket: &Ticket,
    types: &[TicketType],
    states: &[TicketState],
) -> Option<MessengerTicket> {
    if !ticket.shared || ticket.category.check_shared(true).is_err() {
        return None;
    }
    let ticket_type = types.iter().find(|t| t.id == ticket.type_id)?;
    let state = states.iter().find(|s| s.id == ticket.state_id)?;
    let attributes = ticket_type
        .attributes
        .iter()
        .filter(|a| a.visible_to_customer && !a.built_in)
        .filter_map(|a| Some((a.name.clone(), ticket.attributes.get(&a.key)?.display())))
        .collect();
    let action = match (ticket.open, ticket.conversation.is_some()) {
        (false, _) => TicketAction::ViewClosedConversation,
        (true, true) => TicketAction::ContinueConversation,
        (true, false) => TicketAction::SendMessage,
    };
    Some(MessengerTicket {
        id: ticket.id,
        number: ticket.number,
        title: ticket.title.clone(),
        state_label: state.customer_label.clone(),
        state_category: state.category,
        attributes,
        last_activity_at: ticket
            .customer_activity_at
            .unwrap_or(ticket.last_activity_at),
        action,
    })
}

/// One entry of a ticket's timeline as its customer sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerEntry {
    pub id: crate::PartId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub at: Millis,
    #[serde(flatten)]
    pub kind: CustomerEntryKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CustomerEntryKind {
    /// The ticket reached the customer (created shared, or shared later): the event at the top
    /// of its thread, with the ticket pill (R4).
    Submitted { title: String, number: Option<i64> },
    /// A reply, from the customer or from the support team.
    Message {
        body: String,
        from_customer: bool,
        /// The teammate who wrote a team message, as customers see their name.
        author_name: Option<String>,
        /// Its files (none: left out).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<CustomerFile>,
    },
    /// The ticket moved to a state with a new customer-facing label.
    StateChanged { label: String },
}

/// The customer-visible timeline of a ticket: replies, and state changes under their customer
/// labels (internal moves that keep the label are left out, R6a). Never a note, a cross-post or
/// anything else internal (R3a). Empty for a ticket the customer may not see.
pub fn customer_timeline(
    ticket: &Ticket,
    parts: &[crate::Part],
    states: &[TicketState],
    teammate_name: &dyn Fn(TeammateId) -> Option<String>,
) -> Vec<CustomerEntry> {
    if !ticket.shared || ticket.category.check_shared(true).is_err() {
        return Vec::new();
    }
    let label = |id: crate::StateId| {
        states
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.customer_label.clone())
    };
    let parts: Vec<&crate::Part> = parts.iter().filter(|p| p.ticket == ticket.id).collect();
    // The customer's thread starts when the ticket became theirs to see: when it was first
    // shared, or when it was created shared; what happened inside before is not theirs.
    let shared = parts
        .iter()
        .position(|p| matches!(p.kind, crate::PartKind::ShareChanged { shared: true }));
    let (since, submitted_id, submitted_at) = match shared {
        Some(i) => (i + 1, parts[i].id, parts[i].created_at),
        None => (0, crate::PartId(ticket.id.0), ticket.created_at),
    };
    let submitted = CustomerEntry {
        id: submitted_id,
        at: submitted_at,
        kind: CustomerEntryKind::Submitted {
            title: ticket.title.clone(),
            number: ticket.number,
        },
    };
    let rest = parts[since..].iter().filter_map(|p| {
        let kind = match &p.kind {
            crate::PartKind::Reply { body } => CustomerEntryKind::Message {
                attachments: p
                    .attachments
                    .iter()
                    .map(|id| CustomerFile::of(*id))
                    .collect(),
                body: body.clone(),
                from_customer: matches!(p.author, crate::Author::Contact(_)),
                author_name: match p.author {
                    crate::Author::Teammate(t) => teammate_name(t),
                    _ => None,
                },
            },
            crate::PartKind::StateChanged { from, to } => {
                let to_label = label(*to)?;
                if label(*from).as_ref() == Some(&to_label) {
                    return None;
                }
                CustomerEntryKind::StateChanged { label: to_label }
            }
            _ => return None,
        };
        Some(CustomerEntry {
            id: p.id,
            at: p.created_at,
            kind,
        })
    });
    std::iter::once(submitted).chain(rest).collect()
}
/// A conversation as its customer sees it: their messages and the team's replies, never a
/// note, an assignment or anything else internal (R3a).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerConversation {
    pub id: ConversationId,
    pub subject: String,
    /// Closed conversations reopen when the customer writes in them.
    pub open: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub created_at: Millis,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub last_activity_at: Millis,
    /// Oldest first.
    pub messages: Vec<CustomerMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerMessage {
    pub id: PartId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub at: Millis,
    pub body: String,
    pub from_customer: bool,
    /// The teammate who wrote a team message, as customers see their name.
    pub author_name: Option<String>,
    /// Its files (none: left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<CustomerFile>,
}

/// A file of a message, as the customer gets it: what it is, and where to fetch it with their
/// Messenger token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerFile {
    pub id: crate::AttachmentId,
    pub name: String,
    pub content_type: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    /// `/messenger/attachments/{id}`, fetched with the customer's token.
    pub url: String,
}

impl CustomerFile {
    /// A file known by id only, until [`describe_files`] names it.
    pub fn of(id: crate::AttachmentId) -> CustomerFile {
        CustomerFile {
            id,
            name: String::new(),
            content_type: String::new(),
            size: 0,
            url: format!("/messenger/attachments/{id}"),
        }
    }

    fn describe(
        &mut self,
        lookup: &dyn Fn(crate::AttachmentId) -> Option<crate::Attachment>,
    ) -> bool {
        match lookup(self.id) {
            Some(a) => {
                self.name = a.name;
                self.content_type = a.content_type;
                self.size = a.size;
                true
            }
            None => false,
        }
    }
}

/// Names the files of a ticket's entries from their stored records; a file with no record is
/// left out.
pub fn describe_files(
    entries: &mut [CustomerEntry],
    lookup: &dyn Fn(crate::AttachmentId) -> Option<crate::Attachment>,
) {
    for entry in entries {
        if let CustomerEntryKind::Message { attachments, .. } = &mut entry.kind {
            attachments.retain_mut(|f| f.describe(lookup));
        }
    }
}

/// Like [`describe_files`], for a conversation's messages.
pub fn describe_message_files(
    messages: &mut [CustomerMessage],
    lookup: &dyn Fn(crate::AttachmentId) -> Option<crate::Attachment>,
) {
    for message in messages {
        message.attachments.retain_mut(|f| f.describe(lookup));
    }
}

/// The customer's view of `conversation` from its parts; `teammate_name` names team members.
pub fn customer_conversation(
    conversation: &Conversation,
    parts: &[ConversationPart],
    teammate_name: &dyn Fn(TeammateId) -> Option<String>,
) -> CustomerConversation {
    let messages = parts
        .iter()
        .filter_map(|p| {
            let PartKind::Reply { body } = &p.kind else {
                return None;
            };
            let (from_customer, author_name) = match p.author {
                Author::Contact(c) if c == conversation.contact => (true, None),
                Author::Teammate(t) => (false, teammate_name(t)),
                _ => return None,
            };
            Some(CustomerMessage {
                attachments: p
                    .attachments
                    .iter()
                    .map(|id| CustomerFile::of(*id))
                    .collect(),
                id: p.id,
                at: p.created_at,
                body: body.clone(),
                from_customer,
                author_name,
            })
        })
        .collect();
    CustomerConversation {
        id: conversation.id,
        subject: conversation.subject.clone(),
        open: conversation.open,
        created_at: conversation.created_at,
        last_activity_at: conversation.last_activity_at,
        messages,
    }
}

/// A ticket type as a customer's "new ticket" form shows it: only the attributes customers
/// may see and fill in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerTicketForm {
    pub id: crate::TicketTypeId,
    pub name: String,
    pub icon: String,
    pub description: String,
    pub fields: Vec<CustomerField>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerField {
    pub key: String,
    pub name: String,
    pub data_type: crate::DataType,
    pub required: bool,
}

/// The form a customer fills in for `ticket_type`, or None when customers cannot raise tickets
/// of it: not a customer type, archived, or requiring something only teammates can fill in.
pub fn customer_ticket_form(ticket_type: &TicketType) -> Option<CustomerTicketForm> {
    let customer_can_fill = |a: &&crate::AttributeDef| a.visible_to_customer;
    let usable = ticket_type.category == crate::Category::Customer
        && !ticket_type.archived
        && ticket_type
            .attributes
            .iter()
            .all(|a| !a.required_to_create || a.visible_to_customer);
    usable.then(|| CustomerTicketForm {
        id: ticket_type.id,
        name: ticket_type.name.clone(),
        icon: ticket_type.icon.clone(),
        description: ticket_type.description.clone(),
        fields: ticket_type
            .attributes
            .iter()
            .filter(customer_can_fill)
            .map(|a| CustomerField {
                key: a.key.clone(),
                name: a.name.clone(),
                data_type: a.data_type.clone(),
                required: a.required_to_create,
            })
            .collect(),
    })
}

/// The ticket a customer submits from the Messenger: shared with them, of a type they may use,
/// with only the fields its form offers. The values are checked like everyone's when the
/// mutation applies.
pub fn customer_submission(
    ticket_type: &TicketType,
    contact: ContactId,
    id: TicketId,
    attributes: std::collections::BTreeMap<String, serde_json::Value>,
) -> Result<crate::CreateTicket, crate::CoreError> {
    let form = customer_ticket_form(ticket_type).ok_or_else(|| crate::CoreError::NotFound {
        kind: "ticket type",
        id: ticket_type.id.to_string(),
    })?;
    if let Some(key) = attributes
        .keys()
        .find(|k| !form.fields.iter().any(|f| &f.key == *k))
    {
        // An internal attribute is as unknown to a customer as a made-up one.
        return Err(crate::CoreError::AttributeUnknown { key: key.clone() });
    }
    let mut ticket = crate::CreateTicket::new(id, ticket_type.id, crate::NewTicket { attributes });
    ticket.contacts = vec![contact];
    ticket.shared = Some(true);
    Ok(ticket)
}

/// What a change shows one customer in their Messenger, as the app previews it beside the
/// email: the badges it adds (on a collapsed launcher), the Recent tickets card and the
/// Tickets space after it, and the entries it adds to the ticket's or conversation's thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessengerPreview {
    /// The brand the customer's Messenger wears (the ticket's, or the default).
    pub brand_name: String,
    /// `#rrggbb`.
    pub brand_color: String,
    pub badges: Badges,
    pub recent_tickets: Vec<MessengerTicket>,
    pub tickets_space: Option<Vec<MessengerTicket>>,
    pub entries: Vec<CustomerEntry>,
}

/// The preview of `notification` for its customer, from their shared tickets after the
/// change and the parts the change adds (ticket parts, or a conversation's as entries).
pub fn messenger_preview(
    brand: &crate::Brand,
    notification: &Notification,
    tickets_after: &[Ticket],
    types: &[TicketType],
    states: &[TicketState],
    new_entries: Vec<CustomerEntry>,
) -> MessengerPreview {
    let home = messenger_home(
        notification.contact,
        tickets_after,
        types,
        states,
        std::slice::from_ref(notification),
    );
    MessengerPreview {
        brand_name: brand.name.clone(),
        brand_color: brand.color_or_default().to_owned(),
        badges: home.badges,
        recent_tickets: home.recent_tickets,
        tickets_space: home.tickets_space,
        entries: new_entries,
    }
}

/// The entries a change adds to a ticket's customer thread: its customer-visible parts, and
/// the submission event only when the ticket reaches the customer with this change.
pub fn new_ticket_entries(
    ticket: &Ticket,
    new_parts: &[crate::Part],
    states: &[TicketState],
    submitted: bool,
    teammate_name: &dyn Fn(TeammateId) -> Option<String>,
) -> Vec<CustomerEntry> {
    let mut entries = customer_timeline(ticket, new_parts, states, teammate_name);
    if !submitted && !entries.is_empty() {
        entries.remove(0);
    }
    entries
}

/// The team's messages a change adds to a conversation, as its customer sees them.
pub fn new_conversation_entries(
    parts: &[ConversationPart],
    teammate_name: &dyn Fn(TeammateId) -> Option<String>,
) -> Vec<CustomerEntry> {
    parts
        .iter()
        .filter_map(|p| match (&p.kind, p.author) {
            (PartKind::Reply { body }, Author::Teammate(t)) => Some(CustomerEntry {
                id: p.id,
                at: p.created_at,
                kind: CustomerEntryKind::Message {
                    body: body.clone(),
                    from_customer: false,
                    author_name: teammate_name(t),
                    attachments: p
                        .attachments
                        .iter()
                        .map(|id| CustomerFile::of(*id))
                        .collect(),
                },
            }),
            _ => None,
        })
        .collect()
}

/// One of the customer's tickets as their Messenger shows it: the ticket and its timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerTicket {
    #[serde(flatten)]
    pub ticket: MessengerTicket,
    /// From the submission event on: replies and customer-visible state changes, oldest
    /// first.
    pub timeline: Vec<CustomerEntry>,
}

/// `ticket` as its customer sees it, or None when no customer may (R3a).
pub fn customer_ticket(
    ticket: &Ticket,
    ticket_type: &TicketType,
    states: &[TicketState],
    parts: &[crate::Part],
    teammate_name: &dyn Fn(TeammateId) -> Option<String>,
) -> Option<CustomerTicket> {
    let view = customer_view(ticket, std::slice::from_ref(ticket_type), states)?;
    Some(CustomerTicket {
        ticket: view,
        timeline: customer_timeline(ticket, parts, states, teammate_name),
    })
}
