//! Mutations: what a teammate (or the API, or an automation) asks to happen to tickets, as
//! intents. [`apply`] turns an intent plus the current state into the writes to make and the
//! effects they cause. The same function serves the app's optimistic apply, the preview of what
//! would happen, and the server's authoritative apply.

use std::collections::hash_map::{Entry, HashMap};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::attribute::{DESCRIPTION, TITLE};
use crate::{conversation, snooze};

use crate::{
    limits, AttachmentId, Author, Brand, BrandId, Category, Company, CompanyId, Contact, ContactId,
    Conversation, ConversationId, ConversationPart, CoreError, CreateTicket, MacroId,
    MessageChannel, Millis, Part, PartId, PartKind, StartConversation, StateCategory, StateId,
    Team, TeamId, Teammate, TeammateId, Ticket, TicketId, TicketState, TicketType, TicketTypeId,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Mutation {
    /// Creates a ticket. A back-office ticket may name the customer ticket (`origin_ticket`) or
    /// the conversation (`conversation`) it came from (R12); a shared ticket naming a
    /// conversation becomes that conversation's one shared ticket (R11).
    CreateTicket(CreateTicket),
    /// Turns a conversation into a ticket shared with its customer, linked to it (R11).
    ConvertConversation {
        conversation: ConversationId,
        ticket: CreateTicket,
    },
    /// Links a conversation to a ticket shared with the customer (R11).
    LinkConversation {
        conversation: ConversationId,
        ticket: TicketId,
    },
    /// Moves a ticket to a state its type offers. Resolved states close the ticket; leaving one
    /// reopens it. A tracker carries its linked tickets along (R13).
    SetState {
        ticket: TicketId,
        state: StateId,
    },
    /// Closes a ticket, resolving it (to its type's first resolved state) or not.
    Close {
        ticket: TicketId,
        resolved: bool,
    },
    /// Reopens a closed ticket; a resolved one goes back to its type's first in-progress state.
    Reopen {
        ticket: TicketId,
    },
    Assign {
        ticket: TicketId,
        teammate: Option<TeammateId>,
        team: Option<TeamId>,
    },
    SetBrand {
        ticket: TicketId,
        brand: BrandId,
    },
    /// Shares a ticket with its customer, or makes it internal again (R1–R3).
    SetShared {
        ticket: TicketId,
        shared: bool,
    },
    /// A customer-visible message, from a teammate or (through the Messenger) the customer.
    Reply {
        ticket: TicketId,
        /// Not blank, at most 65,536 characters (else the mutation is rejected).
        body: String,
        /// Files uploaded beforehand (`POST /attachments`), at most 10.
        #[serde(default)]
        attachments: Vec<AttachmentId>,
    },
    /// An internal note. On a back-office ticket it is cross-posted where the ticket came from,
    /// unless `keep_private` (R12).
    Note {
        ticket: TicketId,
        /// Not blank, at most 65,536 characters (else the mutation is rejected).
        body: String,
        #[serde(default)]
        keep_private: bool,
        /// Files uploaded beforehand (`POST /attachments`), at most 10.
        #[serde(default)]
        attachments: Vec<AttachmentId>,
    },
    LinkTracker {
        ticket: TicketId,
        tracker: TicketId,
    },
    UnlinkTracker {
        ticket: TicketId,
    },
    /// Changes attribute values (title and description included), validated against the type.
    UpdateAttributes {
        ticket: TicketId,
        /// Raw values by key, null clearing one; the UI sends them as its forms hold them.
        #[cfg_attr(feature = "specta", specta(type = BTreeMap<String, Option<crate::AttributeValue>>))]
        attributes: BTreeMap<String, Value>,
    },
    /// The acting teammate has read the ticket.
    MarkRead {
        ticket: TicketId,
    },
    /// Takes an open ticket out of the open views until `until` (in the future, at most a year
    /// ahead), or until its customer writes. Internal: the customer is never told.
    Snooze {
        ticket: TicketId,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        until: Millis,
    },
    /// Ends a ticket's snooze now.
    Unsnooze {
        ticket: TicketId,
    },
    /// A ticket's snooze ran out (the server's scheduler says so at its time): it comes back as
    /// news. Nothing happens when it is not snoozed, or not due yet, so a second try wakes
    /// nothing twice.
    WakeTicket {
        ticket: TicketId,
    },
    /// A conversation's first message, by the customer (Messenger, email) or a teammate.
    StartConversation(StartConversation),
    /// A message in a conversation: the customer's, or a teammate's reply the customer sees.
    ConversationReply {
        conversation: ConversationId,
        /// Not blank, at most 65,536 characters (else the mutation is rejected).
        body: String,
        #[serde(default)]
        channel: MessageChannel,
        /// Files uploaded beforehand (`POST /attachments`), at most 10.
        #[serde(default)]
        attachments: Vec<AttachmentId>,
    },
    /// An internal note on a conversation; never reaches the customer.
    ConversationNote {
        conversation: ConversationId,
        /// Not blank, at most 65,536 characters (else the mutation is rejected).
        body: String,
        /// Files uploaded beforehand (`POST /attachments`), at most 10.
        #[serde(default)]
        attachments: Vec<AttachmentId>,
    },
    AssignConversation {
        conversation: ConversationId,
        teammate: Option<TeammateId>,
        team: Option<TeamId>,
    },
    CloseConversation {
        conversation: ConversationId,
    },
    /// Opens a closed conversation, or wakes a snoozed one.
    ReopenConversation {
        conversation: ConversationId,
    },
    /// A conversation's snooze ran out (the server's scheduler says so at its time): it comes
    /// back as news. Nothing happens when it is not snoozed, or not due yet, so a second try
    /// wakes nothing twice.
    WakeConversation {
        conversation: ConversationId,
    },
    /// Takes an open conversation out of the open views until `until` (or until the customer
    /// writes).
    SnoozeConversation {
        conversation: ConversationId,
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        until: Millis,
    },
    /// The acting teammate has read the conversation, and so its linked ticket (R11).
    MarkConversationRead {
        conversation: ConversationId,
    },
    /// Creates or replaces a macro (saved reply): a shared one by an admin, a personal one by
    /// its owner.
    SaveMacro(crate::Macro),
    DeleteMacro {
        id: MacroId,
    },
}

/// What a mutation is about: the ticket or conversation whose view it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Ticket(TicketId),
    Conversation(ConversationId),
    Macro(MacroId),
}

impl Mutation {
    /// The files a reply or note names (none for everything else).
    pub fn attachments(&self) -> &[AttachmentId] {
        match self {
            Mutation::Reply { attachments, .. }
            | Mutation::Note { attachments, .. }
            | Mutation::ConversationReply { attachments, .. }
            | Mutation::ConversationNote { attachments, .. } => attachments,
            _ => &[],
        }
    }

    /// The ticket or conversation the mutation is about.
    pub fn target(&self) -> Target {
        match self {
            Mutation::StartConversation(req) => Target::Conversation(req.id),
            Mutation::ConversationReply { conversation, .. }
            | Mutation::ConversationNote { conversation, .. }
            | Mutation::AssignConversation { conversation, .. }
            | Mutation::CloseConversation { conversation }
            | Mutation::ReopenConversation { conversation }
            | Mutation::SnoozeConversation { conversation, .. }
            | Mutation::WakeConversation { conversation }
            | Mutation::MarkConversationRead { conversation } => {
                Target::Conversation(*conversation)
            }
            Mutation::CreateTicket(req) | Mutation::ConvertConversation { ticket: req, .. } => {
                Target::Ticket(req.id)
            }
            Mutation::LinkConversation { ticket, .. } => Target::Ticket(*ticket),
            Mutation::SetState { ticket, .. }
            | Mutation::Close { ticket, .. }
            | Mutation::Reopen { ticket }
            | Mutation::Assign { ticket, .. }
            | Mutation::SetBrand { ticket, .. }
            | Mutation::SetShared { ticket, .. }
            | Mutation::Reply { ticket, .. }
            | Mutation::Note { ticket, .. }
            | Mutation::LinkTracker { ticket, .. }
            | Mutation::UnlinkTracker { ticket }
            | Mutation::UpdateAttributes { ticket, .. }
            | Mutation::MarkRead { ticket }
            | Mutation::Snooze { ticket, .. }
            | Mutation::Unsnooze { ticket }
            | Mutation::WakeTicket { ticket } => Target::Ticket(*ticket),
            Mutation::SaveMacro(m) => Target::Macro(m.id),
            Mutation::DeleteMacro { id } => Target::Macro(*id),
        }
    }
}

/// What a mutation reads. The store implements it over its database; tests over plain values.
pub trait Workspace {
    type Error: From<CoreError>;
    fn ticket(&self, id: TicketId) -> Result<Ticket, Self::Error>;
    fn ticket_type(&self, id: TicketTypeId) -> Result<TicketType, Self::Error>;
    fn states(&self) -> Result<Vec<TicketState>, Self::Error>;
    /// The tickets linked to `tracker`.
    fn linked_to_tracker(&self, tracker: TicketId) -> Result<Vec<Ticket>, Self::Error>;
    /// The brand, or None when there is no such brand.
    fn brand(&self, brand: BrandId) -> Result<Option<Brand>, Self::Error>;
    fn contact(&self, contact: ContactId) -> Result<Contact, Self::Error>;
    fn default_brand(&self) -> Result<BrandId, Self::Error>;
    /// The number the next new ticket gets.
    fn next_ticket_number(&self) -> Result<i64, Self::Error>;
    fn conversation(&self, id: ConversationId) -> Result<Conversation, Self::Error>;
    /// Whether a conversation with this id exists (a new conversation's id must be free).
    fn conversation_exists(&self, id: ConversationId) -> Result<bool, Self::Error>;
    /// A conversation's timeline, oldest first.
    fn conversation_parts(&self, id: ConversationId) -> Result<Vec<ConversationPart>, Self::Error>;
    /// Whether a ticket with this id exists (a new ticket's id must be free).
    fn ticket_exists(&self, id: TicketId) -> Result<bool, Self::Error>;
    /// The teammate, the team or the company, or `not_found`: every reference a mutation
    /// stores must name something that exists, whichever path it came by.
    fn teammate(&self, id: TeammateId) -> Result<Teammate, Self::Error>;
    fn team(&self, id: TeamId) -> Result<Team, Self::Error>;
    fn company(&self, id: CompanyId) -> Result<Company, Self::Error>;
    /// The tickets shared with `contact`: what their Messenger lists (the app's preview shows
    /// it after a change).
    fn shared_tickets_of(&self, contact: ContactId) -> Result<Vec<Ticket>, Self::Error>;
    /// The macro as saved (deleted ones too), whoever it belongs to, or None.
    fn saved_macro(&self, id: MacroId) -> Result<Option<crate::Macro>, Self::Error>;
    /// The record of an uploaded file, if this workspace holds it (the server does; the app
    /// knows its files by id only, and its email preview then counts them).
    fn attachment(&self, _id: AttachmentId) -> Result<Option<crate::Attachment>, Self::Error> {
        Ok(None)
    }
}

/// Who acts, when, and where new ids come from (the caller owns clock and randomness).
pub struct Context<'a> {
    pub actor: Author,
    pub now: Millis,
    pub random: &'a mut dyn FnMut() -> u128,
}

impl Context<'_> {
    pub(crate) fn conversation_part(
        &mut self,
        conversation: ConversationId,
        kind: PartKind,
    ) -> ConversationPart {
        ConversationPart {
            id: PartId::from_parts(self.now.max(0) as u64, (self.random)()),
            conversation,
            author: self.actor,
            kind,
            created_at: self.now,
            channel: None,
            attachments: Vec::new(),
        }
    }

    pub(crate) fn part(&mut self, ticket: TicketId, kind: PartKind) -> Part {
        Part {
            id: PartId::from_parts(self.now.max(0) as u64, (self.random)()),
            ticket,
            author: self.actor,
            kind,
            created_at: self.now,
            attachments: Vec::new(),
        }
    }
}

/// A write to make, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// The ticket as it is now; `fields` says what changed besides its update and activity
    /// times, so a writer can leave the rest (and its indexes) alone.
    UpdateTicket {
        ticket: Box<Ticket>,
        fields: Vec<TicketField>,
    },
    AppendPart(Part),
    InsertTicket(Box<Ticket>),
    /// An entry on a conversation's own timeline.
    AppendConversationPart(ConversationPart),
    MarkRead {
        ticket: TicketId,
        teammate: TeammateId,
        at: Millis,
    },
    /// The conversation's new linked ticket.
    LinkConversation {
        conversation: ConversationId,
        ticket: TicketId,
    },
    /// The conversation as it is now (new or changed).
    PutConversation(Box<Conversation>),
    MarkConversationRead {
        conversation: ConversationId,
        teammate: TeammateId,
        at: Millis,
    },
    /// The macro as it is now (new, changed or deleted).
    PutMacro(crate::Macro),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TicketField {
    State,
    Open,
    Assignee,
    Brand,
    Shared,
    Tracker,
    Conversation,
    /// Title, description and the other attribute values.
    Attributes,
    /// When its snooze ends (set, moved or cleared).
    Snooze,
}

/// Something that happened because of a mutation, beyond the ticket it named.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// A linked ticket followed its tracker's state (R13).
    StatePropagated {
        tracker: TicketId,
        ticket: TicketId,
        from: StateId,
        to: StateId,
    },
    /// A back-office ticket's note or state change copied where it came from (R12).
    CrossPosted { from: TicketId, to: TicketId },
    /// The same, for a back-office ticket raised from a conversation.
    CrossPostedToConversation {
        from: TicketId,
        conversation: ConversationId,
    },
    /// Something the customer may hear about; the notification planner decides what they get.
    Customer(CustomerEvent),
}

/// The seam where customer notifications attach: each event names the ticket it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CustomerEvent {
    /// A ticket became visible to its customer (created shared, or shared later: R2).
    Submitted {
        ticket: TicketId,
    },
    TeammateReplied {
        ticket: TicketId,
        part: PartId,
    },
    StateChanged {
        ticket: TicketId,
        from: StateId,
        to: StateId,
    },
    /// A teammate's message in a conversation, for its customer.
    TeammateRepliedInConversation {
        conversation: ConversationId,
        part: PartId,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Outcome {
    pub changes: Vec<Change>,
    pub effects: Vec<Effect>,
}

impl Outcome {
    /// Tickets this outcome rewrites, in order.
    pub fn updated_tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.changes.iter().filter_map(|c| match c {
            Change::UpdateTicket { ticket, .. } | Change::InsertTicket(ticket) => {
                Some(ticket.as_ref())
            }
            _ => None,
        })
    }

    pub fn parts(&self) -> impl Iterator<Item = &Part> {
        self.changes.iter().filter_map(|c| match c {
            Change::AppendPart(p) => Some(p),
            _ => None,
        })
    }

    fn part(&mut self, part: Part) {
        self.changes.push(Change::AppendPart(part));
    }
}

/// Validates `mutation` against the current state and returns what it changes and causes.
/// Asking for what already is (the same state, the same assignee…) changes nothing.
pub fn apply<W: Workspace>(
    ws: &W,
    mutation: &Mutation,
    ctx: &mut Context,
) -> Result<Outcome, W::Error> {
    let mut out = decide(ws, mutation, ctx)?;
    stamp_customer_activity(&mut out, mutation, ctx.now);
    if let Author::Contact(_) = ctx.actor {
        // A state change the customer caused (their reply moving the ticket on, R6b) is no news
        // to them.
        out.effects
            .retain(|e| !matches!(e, Effect::Customer(CustomerEvent::StateChanged { .. })));
    }
    Ok(out)
}

/// Tickets whose customer saw something happen get their customer activity time: what the
/// customer is told of (the notification events), and any reply, theirs included.
fn stamp_customer_activity(out: &mut Outcome, mutation: &Mutation, now: Millis) {
    let mut seen: Vec<TicketId> = out
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Customer(
                CustomerEvent::Submitted { ticket }
                | CustomerEvent::TeammateReplied { ticket, .. }
                | CustomerEvent::StateChanged { ticket, .. },
            ) => Some(*ticket),
            _ => None,
        })
        .collect();
    if let Mutation::Reply { ticket, .. } = mutation {
        seen.push(*ticket);
    }
    for change in &mut out.changes {
        if let Change::UpdateTicket { ticket, .. } | Change::InsertTicket(ticket) = change {
            if seen.contains(&ticket.id) {
                ticket.customer_activity_at = Some(now);
            }
        }
    }
}

fn decide<W: Workspace>(
    ws: &W,
    mutation: &Mutation,
    ctx: &mut Context,
) -> Result<Outcome, W::Error> {
    let mut out = Outcome::default();
    let o = &mut out;
    match mutation {
        Mutation::CreateTicket(req) => {
            create(ws, o, ctx, req.clone())?;
        }
        Mutation::ConvertConversation {
            conversation,
            ticket,
        } => convert(ws, o, ctx, *conversation, ticket)?,
        Mutation::LinkConversation {
            conversation,
            ticket,
        } => link_to_conversation(ws, o, ctx, *conversation, *ticket)?,
        Mutation::SetState { ticket, state } => set_state(ws, o, ctx, ws.ticket(*ticket)?, state)?,
        Mutation::Close { ticket, resolved } => close(ws, o, ctx, ws.ticket(*ticket)?, resolved)?,
        Mutation::Reopen { ticket } => reopen(ws, o, ctx, ws.ticket(*ticket)?)?,
        Mutation::Assign {
            ticket,
            teammate,
            team,
        } => assign(ws, o, ctx, ws.ticket(*ticket)?, teammate, team)?,
        Mutation::SetBrand { ticket, brand } => set_brand(ws, o, ctx, ws.ticket(*ticket)?, brand)?,
        Mutation::SetShared { ticket, shared } => {
            set_shared::<W>(o, ctx, ws.ticket(*ticket)?, shared)?
        }
        Mutation::Reply {
            ticket,
            body,
            attachments,
        } => reply(ws, o, ctx, ws.ticket(*ticket)?, body, attachments)?,
        Mutation::Note {
            ticket,
            body,
            keep_private,
            attachments,
        } => note::<W>(o, ctx, ws.ticket(*ticket)?, body, keep_private, attachments)?,
        Mutation::LinkTracker { ticket, tracker } => {
            link_tracker(ws, o, ctx, ws.ticket(*ticket)?, tracker)?
        }
        Mutation::UnlinkTracker { ticket } => unlink_tracker(ws, o, ctx, ws.ticket(*ticket)?)?,
        Mutation::UpdateAttributes { ticket, attributes } => {
            update_attributes(ws, o, ctx, ws.ticket(*ticket)?, attributes)?
        }
        Mutation::MarkRead { ticket } => mark_read::<W>(o, ctx, ws.ticket(*ticket)?)?,
        Mutation::Snooze { ticket, until } => {
            snooze::snooze::<W>(o, ctx, ws.ticket(*ticket)?, *until)?
        }
        Mutation::Unsnooze { ticket } => snooze::unsnooze::<W>(o, ctx, ws.ticket(*ticket)?)?,
        Mutation::WakeTicket { ticket } => snooze::wake::<W>(o, ctx, ws.ticket(*ticket)?)?,
        Mutation::StartConversation(req) => conversation::start(ws, o, ctx, req)?,
        Mutation::ConversationReply {
            conversation,
            body,
            channel,
            attachments,
        } => conversation::reply(ws, o, ctx, *conversation, body, *channel, attachments)?,
        Mutation::ConversationNote {
            conversation,
            body,
            attachments,
        } => conversation::note(ws, o, ctx, *conversation, body, attachments)?,
        Mutation::AssignConversation {
            conversation,
            teammate,
            team,
        } => conversation::assign(ws, o, ctx, *conversation, *teammate, *team)?,
        Mutation::CloseConversation { conversation } => {
            conversation::close(ws, o, ctx, *conversation)?
        }
        Mutation::ReopenConversation { conversation } => {
            conversation::reopen(ws, o, ctx, *conversation)?
        }
        Mutation::SnoozeConversation {
            conversation,
            until,
        } => conversation::snooze(ws, o, ctx, *conversation, *until)?,
        Mutation::WakeConversation { conversation } => {
            conversation::wake(ws, o, ctx, *conversation)?
        }
        Mutation::MarkConversationRead { conversation } => {
            conversation::mark_read(ws, o, ctx, *conversation)?
        }
        Mutation::SaveMacro(m) => crate::macros::save(ws, o, ctx, m)?,
        Mutation::DeleteMacro { id } => crate::macros::delete(ws, o, ctx, *id)?,
    }
    Ok(out)
}

/// Turns a conversation into a ticket shared with its customer, linked to it (R11).
fn convert<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    conversation: ConversationId,
    ticket: &CreateTicket,
) -> Result<(), W::Error> {
    let conversation = ws.conversation(conversation)?;
    let mut req = CreateTicket {
        conversation: Some(conversation.id),
        origin_ticket: None,
        ..ticket.clone()
    };
    // Nothing the customer wrote is lost: left blank, the description is their messages.
    let description = req.fields.attributes.get(DESCRIPTION);
    if description.is_none_or(|d| d.as_str().is_some_and(|d| d.trim().is_empty()) || d.is_null()) {
        let parts = ws.conversation_parts(conversation.id)?;
        let transcript = conversation::transcript(&conversation, &parts);
        if !transcript.is_empty() {
            req.fields
                .attributes
                .insert(DESCRIPTION.to_owned(), Value::String(transcript));
        }
    }
    if !create(ws, out, ctx, req)?.shared {
        return Err(CoreError::ConversationNeedsSharedTicket.into());
    }
    Ok(())
}

fn link_to_conversation<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    conversation: ConversationId,
    ticket: TicketId,
) -> Result<(), W::Error> {
    let mut ticket = ws.ticket(ticket)?;
    let conversation = ws.conversation(conversation)?;
    if !ticket.shared {
        return Err(CoreError::ConversationNeedsSharedTicket.into());
    }
    if conversation.linked_ticket != Some(ticket.id) {
        check_conversation_free(ws, &conversation)?;
        ticket.conversation = Some(conversation.id);
        link_conversation(out, ctx, &ticket, &conversation);
        out.changes
            .push(update(ticket, &[TicketField::Conversation], ctx.now));
    }
    Ok(())
}

fn set_state<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    ticket: Ticket,
    state: &StateId,
) -> Result<(), W::Error> {
    let states = ws.states()?;
    let ticket_type = ws.ticket_type(ticket.type_id)?;
    let target = find_state(&states, *state)?;
    ticket_type.check_state(target)?;
    change_state(ws, out, ctx, &states, ticket, target)?;
    Ok(())
}

fn close<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    resolved: &bool,
) -> Result<(), W::Error> {
    if *resolved {
        let states = ws.states()?;
        let ticket_type = ws.ticket_type(ticket.type_id)?;
        let target = first_of(&ticket_type, &states, StateCategory::Resolved)?;
        if ticket.state_id != target.id {
            change_state(ws, out, ctx, &states, ticket, target)?;
            return Ok(());
        }
    }
    if ticket.open {
        ticket.open = false;
        out.part(ctx.part(
            ticket.id,
            PartKind::Closed {
                resolved: *resolved,
            },
        ));
        let mut fields = vec![TicketField::Open];
        if snooze::end_on_close(&mut ticket) {
            fields.push(TicketField::Snooze);
        }
        out.changes.push(update(ticket, &fields, ctx.now));
    }
    Ok(())
}

fn reopen<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
) -> Result<(), W::Error> {
    let states = ws.states()?;
    let state = find_state(&states, ticket.state_id)?;
    if state.category == StateCategory::Resolved {
        let ticket_type = ws.ticket_type(ticket.type_id)?;
        let target = first_of(&ticket_type, &states, StateCategory::InProgress)?;
        change_state(ws, out, ctx, &states, ticket, target)?;
    } else if !ticket.open {
        ticket.open = true;
        out.part(ctx.part(ticket.id, PartKind::Reopened));
        out.changes
            .push(update(ticket, &[TicketField::Open], ctx.now));
    }
    Ok(())
}

fn assign<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    teammate: &Option<TeammateId>,
    team: &Option<TeamId>,
) -> Result<(), W::Error> {
    // Leaving a deactivated teammate in place (changing only the team) is fine.
    let new_teammate = teammate.filter(|t| Some(*t) != ticket.assignee_teammate);
    check_assignee(ws, new_teammate, *team)?;
    if (ticket.assignee_teammate, ticket.assignee_team) != (*teammate, *team) {
        ticket.assignee_teammate = *teammate;
        ticket.assignee_team = *team;
        let kind = PartKind::AssignmentChanged {
            teammate: *teammate,
            team: *team,
        };
        out.part(ctx.part(ticket.id, kind));
        out.changes
            .push(update(ticket, &[TicketField::Assignee], ctx.now));
    }
    Ok(())
}

fn set_brand<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    brand: &BrandId,
) -> Result<(), W::Error> {
    let name = ws
        .brand(*brand)?
        .map(|b| b.name)
        .ok_or_else(|| CoreError::NotFound {
            kind: "brand",
            id: brand.to_string(),
        })?;
    if ticket.brand != *brand {
        ticket.brand = *brand;
        let kind = PartKind::BrandChanged {
            brand: *brand,
            name,
        };
        out.part(ctx.part(ticket.id, kind));
        out.changes
            .push(update(ticket, &[TicketField::Brand], ctx.now));
    }
    Ok(())
}

fn set_shared<W: Workspace>(
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    shared: &bool,
) -> Result<(), W::Error> {
    ticket.category.check_shared(*shared)?;
    if ticket.shared != *shared {
        ticket.shared = *shared;
        out.part(ctx.part(ticket.id, PartKind::ShareChanged { shared: *shared }));
        if *shared {
            out.effects.push(Effect::Customer(CustomerEvent::Submitted {
                ticket: ticket.id,
            }));
        }
        out.changes
            .push(update(ticket, &[TicketField::Shared], ctx.now));
    }
    Ok(())
}

fn reply<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    body: &str,
    attachments: &[AttachmentId],
) -> Result<(), W::Error> {
    let body = non_empty(body, "reply")?;
    crate::attachment::check_part_attachments(attachments)?;
    if !ticket.shared {
        return Err(CoreError::ReplyOnInternalTicket.into());
    }
    let part = Part {
        attachments: attachments.to_vec(),
        ..ctx.part(ticket.id, PartKind::Reply { body })
    };
    if let Author::Teammate(_) = ctx.actor {
        out.effects
            .push(Effect::Customer(CustomerEvent::TeammateReplied {
                ticket: ticket.id,
                part: part.id,
            }));
    }
    out.part(part);
    let states = ws.states()?;
    let waiting =
        find_state(&states, ticket.state_id)?.category == StateCategory::WaitingOnCustomer;
    let from_customer = matches!(ctx.actor, Author::Contact(_));
    // The customer writing is news: a snoozed ticket is back in the open views at once.
    let woke = from_customer && ticket.snoozed_until.take().is_some();
    let id = ticket.id;
    if from_customer && waiting {
        // R6b: the customer answered, so the ball is back with the team.
        let ticket_type = ws.ticket_type(ticket.type_id)?;
        let target = first_of(&ticket_type, &states, StateCategory::InProgress)?;
        change_state(ws, out, ctx, &states, ticket, target)?;
    } else {
        out.changes.push(update(ticket, &[], ctx.now));
    }
    if woke {
        for change in &mut out.changes {
            match change {
                Change::UpdateTicket { ticket, fields } if ticket.id == id => {
                    fields.push(TicketField::Snooze)
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn note<W: Workspace>(
    out: &mut Outcome,
    ctx: &mut Context,
    ticket: Ticket,
    body: &str,
    keep_private: &bool,
    attachments: &[AttachmentId],
) -> Result<(), W::Error> {
    let body = non_empty(body, "note")?;
    crate::attachment::check_part_attachments(attachments)?;
    out.part(Part {
        attachments: attachments.to_vec(),
        ..ctx.part(ticket.id, PartKind::Note { body: body.clone() })
    });
    if !keep_private {
        cross_post(out, ctx, &ticket, body, attachments);
    }
    out.changes.push(update(ticket, &[], ctx.now));
    Ok(())
}

fn link_tracker<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    tracker: &TicketId,
) -> Result<(), W::Error> {
    let tracker = ws.ticket(*tracker)?;
    if tracker.category != Category::Tracker {
        return Err(CoreError::NotATracker {
            number: number(&tracker),
        }
        .into());
    }
    if ticket.category != Category::Customer {
        return Err(CoreError::OnlyCustomerTicketsLinkToTrackers {
            category: ticket.category,
        }
        .into());
    }
    match ticket.tracker {
        Some(current) if current == tracker.id => {}
        Some(current) => {
            let current = ws.ticket(current)?;
            return Err(CoreError::AlreadyLinkedToTracker {
                number: number(&current),
            }
            .into());
        }
        None => {
            ticket.tracker = Some(tracker.id);
            link_parts(out, ctx, &ticket, &tracker, true);
            out.changes
                .push(update(ticket, &[TicketField::Tracker], ctx.now));
        }
    }
    Ok(())
}

fn unlink_tracker<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
) -> Result<(), W::Error> {
    let tracker = ws.ticket(ticket.tracker.ok_or(CoreError::NotLinkedToTracker)?)?;
    ticket.tracker = None;
    link_parts(out, ctx, &ticket, &tracker, false);
    out.changes
        .push(update(ticket, &[TicketField::Tracker], ctx.now));
    Ok(())
}

fn update_attributes<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    attributes: &BTreeMap<String, Value>,
) -> Result<(), W::Error> {
    let ticket_type = ws.ticket_type(ticket.type_id)?;
    let mut changed = false;
    for (key, raw) in attributes {
        let def = ticket_type
            .attribute(key)
            .ok_or_else(|| CoreError::AttributeUnknown { key: key.clone() })?;
        let value = def.parse(raw)?;
        if value.is_none() && key == TITLE {
            return Err(CoreError::AttributeRequired {
                key: key.clone(),
                name: def.name.clone(),
            }
            .into());
        }
        let from = ticket.attribute(key);
        if from == value {
            continue;
        }
        ticket.set_attribute(key, value.clone());
        let kind = PartKind::AttributeChanged {
            key: key.clone(),
            from,
            to: value,
        };
        out.part(ctx.part(ticket.id, kind));
        changed = true;
    }
    if changed {
        out.changes
            .push(update(ticket, &[TicketField::Attributes], ctx.now));
    }
    Ok(())
}

fn mark_read<W: Workspace>(
    out: &mut Outcome,
    ctx: &mut Context,
    ticket: Ticket,
) -> Result<(), W::Error> {
    if let Author::Teammate(teammate) = ctx.actor {
        out.changes.push(Change::MarkRead {
            ticket: ticket.id,
            teammate,
            at: ctx.now,
        });
    }
    Ok(())
}

/// Creates a ticket by the rules of [`Ticket::create`], plus its links: the origin of a
/// back-office ticket learns of it (R12), and a shared ticket takes its conversation (R11).
fn create<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    req: CreateTicket,
) -> Result<Ticket, W::Error> {
    if ws.ticket_exists(req.id)? {
        return Err(CoreError::IdTaken {
            kind: "ticket",
            id: req.id.to_string(),
        }
        .into());
    }
    let ticket_type = ws.ticket_type(req.type_id)?;
    let states = ws.states()?;
    limits::count("contacts", req.contacts.len(), limits::MAX_CONTACTS)?;
    for contact in &req.contacts {
        ws.contact(*contact)?;
    }
    if let Some(company) = req.company {
        ws.company(company)?;
    }
    check_assignee(ws, req.assignee_teammate, req.assignee_team)?;
    let brand = match req.brand {
        Some(b) if ws.brand(b)?.is_none() => {
            return Err(CoreError::NotFound {
                kind: "brand",
                id: b.to_string(),
            }
            .into());
        }
        Some(b) => b,
        None => ws.default_brand()?,
    };
    let ticket = Ticket::create(
        req,
        &ticket_type,
        &states,
        brand,
        Some(ws.next_ticket_number()?),
        ctx.now,
    )?;
    let is_back_office = ticket.category == Category::BackOffice;
    if ticket.origin_ticket.is_some() && !is_back_office {
        return Err(CoreError::OriginOnlyForBackOffice.into());
    }
    if let Some(origin) = ticket.origin_ticket {
        let origin = ws.ticket(origin)?;
        if origin.category != Category::Customer {
            return Err(CoreError::OriginOnlyForBackOffice.into());
        }
        let kind = PartKind::LinkChanged {
            link: "back_office".into(),
            target: ticket.id.to_string(),
            label: label(&ticket),
            linked: true,
        };
        out.part(ctx.part(origin.id, kind));
    }
    out.changes
        .push(Change::InsertTicket(Box::new(ticket.clone())));
    if let Some(conversation) = ticket.conversation {
        let conversation = ws.conversation(conversation)?;
        if ticket.shared {
            check_conversation_free(ws, &conversation)?;
            link_conversation(out, ctx, &ticket, &conversation);
        } else if is_back_office {
            let kind = PartKind::LinkChanged {
                link: "back_office".into(),
                target: ticket.id.to_string(),
                label: label(&ticket),
                linked: true,
            };
            let part = ctx.conversation_part(conversation.id, kind);
            out.changes.push(Change::AppendConversationPart(part));
        } else {
            // Only back-office tickets keep an internal link to where they came from.
            return Err(CoreError::ConversationNeedsSharedTicket.into());
        }
    }
    if ticket.shared {
        out.effects.push(Effect::Customer(CustomerEvent::Submitted {
            ticket: ticket.id,
        }));
    }
    Ok(ticket)
}

/// An assignee must exist and be active: a ticket given to no one who can see it is lost work.
pub(crate) fn check_assignee<W: Workspace>(
    ws: &W,
    teammate: Option<TeammateId>,
    team: Option<TeamId>,
) -> Result<(), W::Error> {
    if let Some(teammate) = teammate {
        let teammate = ws.teammate(teammate)?;
        if !teammate.active {
            return Err(CoreError::TeammateInactive {
                name: teammate.name,
            }
            .into());
        }
    }
    if let Some(team) = team {
        ws.team(team)?;
    }
    Ok(())
}

/// R11: a conversation has at most one linked ticket shared with the customer.
fn check_conversation_free<W: Workspace>(
    ws: &W,
    conversation: &Conversation,
) -> Result<(), W::Error> {
    match conversation.linked_ticket {
        Some(other) => {
            let other = ws.ticket(other)?;
            Err(CoreError::ConversationAlreadyLinked {
                number: number(&other),
            }
            .into())
        }
        None => Ok(()),
    }
}

fn link_conversation(
    out: &mut Outcome,
    ctx: &mut Context,
    ticket: &Ticket,
    conversation: &Conversation,
) {
    out.changes.push(Change::LinkConversation {
        conversation: conversation.id,
        ticket: ticket.id,
    });
    let kind = PartKind::LinkChanged {
        link: "conversation".into(),
        target: conversation.id.to_string(),
        label: conversation.subject.clone(),
        linked: true,
    };
    out.part(ctx.part(ticket.id, kind));
    // The conversation shows its ticket too.
    let kind = PartKind::LinkChanged {
        link: "customer_ticket".into(),
        target: ticket.id.to_string(),
        label: label(ticket),
        linked: true,
    };
    let part = ctx.conversation_part(conversation.id, kind);
    out.changes.push(Change::AppendConversationPart(part));
}

/// Moves `ticket` to `target`, recording it, cross-posting it (R12) and, for a tracker,
/// carrying every linked ticket along (R13).
fn change_state<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    states: &[TicketState],
    ticket: Ticket,
    target: &TicketState,
) -> Result<(), W::Error> {
    if ticket.state_id == target.id {
        return Ok(());
    }
    let tracker = (ticket.category == Category::Tracker).then_some(ticket.id);
    let updated = move_to(out, ctx, ticket, target);
    cross_post(
        out,
        ctx,
        &updated,
        format!("State changed to {}", target.internal_label),
        &[],
    );
    if let Some(tracker) = tracker {
        // Thousands of linked tickets share a handful of types: read each type once.
        let mut types: HashMap<TicketTypeId, TicketType> = HashMap::new();
        for linked in ws.linked_to_tracker(tracker)? {
            let linked_type = match types.entry(linked.type_id) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(ws.ticket_type(linked.type_id)?),
            };
            // A linked ticket's type may not offer the tracker's own state: take its first state
            // of the same category instead.
            let their_target = if linked_type.offers(target.id) {
                target
            } else {
                first_of(linked_type, states, target.category)?
            };
            if linked.state_id == their_target.id {
                continue;
            }
            let (id, linked_from) = (linked.id, linked.state_id);
            move_to(out, ctx, linked, their_target);
            out.effects.push(Effect::StatePropagated {
                tracker,
                ticket: id,
                from: linked_from,
                to: their_target.id,
            });
        }
    }
    Ok(())
}

/// Sets the state, opens or closes by it, records the change, and tells the customer seam.
fn move_to(
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    target: &TicketState,
) -> Ticket {
    let from = ticket.state_id;
    ticket.state_id = target.id;
    out.part(ctx.part(
        ticket.id,
        PartKind::StateChanged {
            from,
            to: target.id,
        },
    ));
    let resolved = target.category == StateCategory::Resolved;
    if resolved == ticket.open {
        ticket.open = !resolved;
        let kind = if resolved {
            PartKind::Closed { resolved: true }
        } else {
            PartKind::Reopened
        };
        out.part(ctx.part(ticket.id, kind));
    }
    if ticket.shared {
        out.effects
            .push(Effect::Customer(CustomerEvent::StateChanged {
                ticket: ticket.id,
                from,
                to: target.id,
            }));
    }
    let mut fields = vec![TicketField::State, TicketField::Open];
    if snooze::end_on_close(&mut ticket) {
        fields.push(TicketField::Snooze);
    }
    let ticket = touched(ticket, ctx.now);
    out.changes.push(Change::UpdateTicket {
        ticket: Box::new(ticket.clone()),
        fields,
    });
    ticket
}

/// R12: a back-office ticket's entries are copied, internally, to the ticket it came from.
/// A back-office note shows, files and all, on the customer ticket or conversation it came
/// from (R12): internal there too, so its files stay teammates' only.
fn cross_post(
    out: &mut Outcome,
    ctx: &mut Context,
    ticket: &Ticket,
    body: String,
    attachments: &[AttachmentId],
) {
    if ticket.category != Category::BackOffice {
        return;
    }
    let kind = PartKind::CrossPost {
        from_ticket: ticket.id,
        body,
    };
    if let Some(origin) = ticket.origin_ticket {
        out.part(Part {
            attachments: attachments.to_vec(),
            ..ctx.part(origin, kind)
        });
        out.effects.push(Effect::CrossPosted {
            from: ticket.id,
            to: origin,
        });
    } else if let Some(conversation) = ticket.conversation {
        let part = ConversationPart {
            attachments: attachments.to_vec(),
            ..ctx.conversation_part(conversation, kind)
        };
        out.changes.push(Change::AppendConversationPart(part));
        out.effects.push(Effect::CrossPostedToConversation {
            from: ticket.id,
            conversation,
        });
    }
}

fn link_parts(
    out: &mut Outcome,
    ctx: &mut Context,
    ticket: &Ticket,
    tracker: &Ticket,
    linked: bool,
) {
    let on_ticket = PartKind::LinkChanged {
        link: "tracker".into(),
        target: tracker.id.to_string(),
        label: label(tracker),
        linked,
    };
    let on_tracker = PartKind::LinkChanged {
        link: "customer_ticket".into(),
        target: ticket.id.to_string(),
        label: label(ticket),
        linked,
    };
    out.part(ctx.part(ticket.id, on_ticket));
    out.part(ctx.part(tracker.id, on_tracker));
}

pub(crate) fn update(ticket: Ticket, fields: &[TicketField], now: Millis) -> Change {
    Change::UpdateTicket {
        ticket: Box::new(touched(ticket, now)),
        fields: fields.to_vec(),
    }
}

fn touched(mut ticket: Ticket, now: Millis) -> Ticket {
    ticket.updated_at = ticket.updated_at.max(now);
    ticket.last_activity_at = ticket.last_activity_at.max(now);
    ticket
}

fn find_state(states: &[TicketState], id: StateId) -> Result<&TicketState, CoreError> {
    states
        .iter()
        .find(|s| s.id == id)
        .ok_or(CoreError::NotFound {
            kind: "ticket state",
            id: id.to_string(),
        })
}

fn first_of<'a>(
    ticket_type: &TicketType,
    states: &'a [TicketState],
    category: StateCategory,
) -> Result<&'a TicketState, CoreError> {
    ticket_type
        .states
        .iter()
        .filter_map(|id| states.iter().find(|s| s.id == *id))
        .find(|s| s.category == category)
        .ok_or(CoreError::NoStateOfCategory {
            type_name: ticket_type.name.clone(),
            category: category.as_str(),
        })
}

pub(crate) fn non_empty(body: &str, what: &'static str) -> Result<String, CoreError> {
    if body.trim().is_empty() {
        return Err(CoreError::EmptyBody { what });
    }
    limits::text(what, body, limits::MAX_BODY)?;
    Ok(body.to_owned())
}

/// "#12 Title": how a linked ticket is named on a timeline, as it was when linked.
fn label(ticket: &Ticket) -> String {
    match ticket.number {
        Some(n) => format!("#{n} {}", ticket.title),
        None => ticket.title.clone(),
    }
}

fn number(ticket: &Ticket) -> String {
    ticket
        .number
        .map(|n| format!("#{n}"))
        .unwrap_or_else(|| ticket.title.clone())
}
