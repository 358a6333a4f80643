//! Tickets: create, read, update, reply or note, tracker links, the timeline.
//!
//! Each request turns into `Mutation`s applied by `authority::apply_one` in one write
//! transaction, so a REST change obeys the same rules, notifies customers the same way and
//! reaches syncing apps the same way as a change made in the app.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::attribute::TITLE;
use inbox_core::{
    BrandId, CompanyId, Contact, ConversationId, CreateTicket, Mutation, NewTicket, PartKind,
    StateCategory, StateId, TeamId, TeammateId, Ticket, TicketId, TicketTypeId, Workspace,
};
use inbox_sync::Record;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::resource::{our_key, parse_state_category, Catalog, PartResource, TicketResource};
use super::{actor, exists, new_id, nullable, parse_id, ticket_by_ref, TicketRef};
use crate::authority::{apply_one, now, Apply};
use crate::error::ErrorList;
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::openapi::{
    type_tag, Conflict, Internal, JsonBody, NotFound, Rule, TeammateAuth, TicketPath,
};
use crate::http::{AppState, Teammate};
use crate::storage::Kind;
use crate::workspace::Db;

/// A contact of a new ticket: an existing one by `id` or `external_id`, or one by `email`
/// (created when unknown, as Intercom does, so an integration need not create the contact
/// first). Each needs an `id`, an `external_id` or an `email` (400 `invalid_contact`
/// otherwise); the first of them given is used and the others are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TicketContactInput)]
pub struct ContactInput {
    /// An existing contact.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
    /// An existing contact's id in the team's own systems.
    external_id: Option<String>,
    /// A contact's email; a contact is created when none has it.
    #[schema(format = Email, max_length = 254)]
    email: Option<String>,
    /// The name of a contact created from `email` (the email's user part when absent).
    #[schema(max_length = 250)]
    name: Option<String>,
}

/// Intercom's newer `assignment` object, accepted beside the flat fields (which win).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TicketAssignment)]
pub struct Assignment {
    /// The teammate to assign.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_assignee_id: Option<String>,
    /// The team to assign.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    team_assignee_id: Option<String>,
}

/// A new ticket. Its title is `ticket_attributes._default_title_` (the type's name when
/// absent).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateTicketRequest)]
pub struct CreateBody {
    /// The new ticket's id, chosen by the client (so it can refer to the ticket before the
    /// answer arrives); the server makes one when absent. One in use is a 409 `id_taken`.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
    /// Its type.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    ticket_type_id: String,
    /// Its customers, in order (at most 100 different ones).
    #[serde(default, deserialize_with = "crate::http::extract::objects")]
    contacts: Vec<ContactInput>,
    /// Values by attribute key or name: `_default_title_`, `_default_description_` and the
    /// type's own attributes, each of its data type (422 when not, or when a required one is
    /// missing).
    #[serde(default)]
    ticket_attributes: BTreeMap<String, Value>,
    /// The state it starts in (one its type offers); the type's first submitted state when
    /// absent.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    ticket_state_id: Option<String>,
    /// Its company; the first contact's when absent.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    company_id: Option<String>,
    /// Its brand; the workspace's default when absent.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    brand_id: Option<String>,
    /// The teammate to assign (wins over `assignment.admin_assignee_id`).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_assignee_id: Option<String>,
    /// The team to assign (wins over `assignment.team_assignee_id`).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    team_assignee_id: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::object")]
    assignment: Option<Assignment>,
    /// Share a back-office ticket with the customer (customer tickets always are, trackers
    /// never: 422 otherwise); the category's default when absent.
    is_shared: Option<bool>,
    /// The conversation to link (also accepted as `conversation_to_link_id`).
    #[serde(alias = "conversation_to_link_id")]
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    conversation_id: Option<String>,
    /// For a back-office ticket: the customer ticket it was raised from (R12), by id or number.
    origin_ticket_id: Option<TicketRef>,
    /// Create it without notifying customers.
    #[serde(default)]
    skip_notifications: bool,
    /// When the ticket was raised (Unix seconds, never in the future), for imports; now when
    /// absent.
    created_at: Option<i64>,
}

/// Create a ticket; the server assigns its number
///
/// The ticket is created, its customers notified and syncing apps told, as when a teammate
/// creates it in the app.
#[utoipa::path(
    post,
    path = "/tickets",
    operation_id = "post_tickets",
    tag = "Tickets",
    security(("teammateToken" = [])),
    request_body = CreateBody,
    responses(
        (status = 200, description = "The new ticket.", body = TicketResource),
        JsonBody, TeammateAuth, NotFound, Conflict, Rule, Internal,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Body(body): Body<CreateBody>,
) -> Result<Json<TicketResource>> {
    let ticket = state
        .write(move |db| {
            let now = now();
            let id: TicketId = new_id(body.id.as_deref(), now, |id| {
                Ok(db.tx().ticket(id)?.is_some())
            })?;
            let type_id: TicketTypeId = parse_id("ticket type", &body.ticket_type_id)?;
            let ticket_type = db.ticket_type(type_id)?;
            let contacts = resolve_contacts(db, &body.contacts, now)?;
            let company = match &body.company_id {
                Some(c) => Some(existing_company(db, c)?),
                // A ticket of a customer of a company shows on that company's profile (R15).
                None => contacts.first().and_then(|c| c.company),
            };
            let assignment = body.assignment.unwrap_or_default();
            let teammate = body.admin_assignee_id.or(assignment.admin_assignee_id);
            let team = body.team_assignee_id.or(assignment.team_assignee_id);
            let mut attributes: BTreeMap<String, Value> = body
                .ticket_attributes
                .into_iter()
                .map(|(k, v)| (our_key(&ticket_type, &k), v))
                .collect();
            // Intercom's SDK creates tickets with no attributes at all: such a ticket is
            // titled after its type, as Intercom shows an untitled ticket.
            attributes
                .entry(TITLE.to_owned())
                .or_insert_with(|| Value::String(ticket_type.name.clone()));
            let req = CreateTicket {
                state_id: body
                    .ticket_state_id
                    .map(|s| parse_id::<StateId>("ticket state", &s))
                    .transpose()?,
                contacts: contacts.iter().map(|c| c.id).collect(),
                company,
                brand: body
                    .brand_id
                    .map(|b| parse_id::<BrandId>("brand", &b))
                    .transpose()?,
                assignee_teammate: teammate.map(|t| existing_teammate(db, &t)).transpose()?,
                assignee_team: team.map(|t| existing_team(db, &t)).transpose()?,
                shared: body.is_shared,
                conversation: body
                    .conversation_id
                    .map(|c| parse_id::<ConversationId>("conversation", &c))
                    .transpose()?,
                origin_ticket: body
                    .origin_ticket_id
                    .map(|r| ticket_by_ref(db, &r.as_ref_string()).map(|t| t.id))
                    .transpose()?,
                created_at: body.created_at.map(|secs| secs.saturating_mul(1000)),
                ..CreateTicket::new(id, type_id, NewTicket { attributes })
            };
            let how = Apply {
                actor: actor(&me),
                now,
                origin: None,
                skip_notifications: body.skip_notifications,
            };
            apply_one(db, &Mutation::CreateTicket(req), how)?;
            render(db, &db.ticket(id)?)
        })
        .await?;
    Ok(Json(ticket))
}

/// The contacts named by a new ticket, in order, creating those given only by an unknown email.
fn resolve_contacts(db: &Db, inputs: &[ContactInput], now: i64) -> Result<Vec<Contact>> {
    let mut contacts: Vec<Contact> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let contact = match (&input.id, &input.external_id, &input.email) {
            (Some(id), _, _) => db.contact(parse_id("contact", id)?)?,
            (None, Some(external_id), _) => super::people::contact_by_external_id(db, external_id)?,
            (None, None, Some(email)) => contact_by_email(db, email, input.name.as_deref(), now)?,
            (None, None, None) => {
                return Err(ServerError::bad_request(
                    "invalid_contact",
                    "Each of `contacts` needs an `id`, an `external_id` or an `email`.",
                ))
            }
        };
        if !contacts.iter().any(|c| c.id == contact.id) {
            contacts.push(contact);
        }
    }
    Ok(contacts)
}

/// The contact with this email, created (with `name`, else the address's local part) when
/// there is none.
pub(crate) fn contact_by_email(
    db: &Db,
    email: &str,
    name: Option<&str>,
    now: i64,
) -> Result<Contact> {
    let email = super::email_address(email)?;
    if let Some(found) = super::people::find_contact_by_email(db, &email)? {
        return Ok(found);
    }
    let contact = Contact {
        id: new_id(None, now, |id| exists(db, Kind::Contact, id))?,
        name: name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| email.split('@').next().unwrap_or(&email))
            .to_owned(),
        email,
        company: None,
        role: Default::default(),
        external_id: None,
    };
    contact.validate()?;
    db.put(Kind::Contact, &contact.id.to_string(), &contact)?;
    db.log(now, None, vec![Record::Contact(contact.clone())])?;
    Ok(contact)
}

fn existing_company(db: &Db, id: &str) -> Result<CompanyId> {
    let id: CompanyId = parse_id("company", id)?;
    db.require::<inbox_core::Company>(Kind::Company, "company", &id.to_string())?;
    Ok(id)
}

/// `apply` records any assignee it is given, so the API checks they exist first.
fn existing_teammate(db: &Db, id: &str) -> Result<TeammateId> {
    let id: TeammateId = parse_id("teammate", id)?;
    db.require::<inbox_core::Teammate>(Kind::Teammate, "teammate", &id.to_string())?;
    Ok(id)
}

fn existing_team(db: &Db, id: &str) -> Result<TeamId> {
    let id: TeamId = parse_id("team", id)?;
    db.require::<inbox_core::Team>(Kind::Team, "team", &id.to_string())?;
    Ok(id)
}

pub(super) fn render(db: &Db, ticket: &Ticket) -> Result<TicketResource> {
    Ok(Catalog::load(db)?.ticket(ticket))
}

/// Retrieve a ticket by id or number
#[utoipa::path(
    get,
    path = "/tickets/{id}",
    operation_id = "get_tickets_id",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(TicketPath),
    responses(
        (status = 200, description = "The ticket.", body = TicketResource),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<TicketResource>> {
    let ticket = state
        .read(move |db| render(db, &ticket_by_ref(db, &id)?))
        .await?;
    Ok(Json(ticket))
}

/// Changes to a ticket: every field given is applied, in one transaction (all or nothing).
/// `ticket_state_id` and `state` exclude each other (400 `conflicting_fields`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateTicketRequest)]
pub struct UpdateBody {
    /// Values to change by attribute key or name (`_default_title_`…); null clears one.
    ticket_attributes: Option<BTreeMap<String, Value>>,
    /// The brand its emails go out under.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    brand_id: Option<String>,
    /// The teammate to assign; `null` unassigns; leaving the field out keeps the assignee.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_assignee_id: Option<Option<String>>,
    /// The team to assign; `null` unassigns; leaving the field out keeps the team.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    team_assignee_id: Option<Option<String>>,
    /// Share with the customer or make internal (customer tickets are always shared, trackers
    /// never: 422).
    is_shared: Option<bool>,
    /// A state the ticket's type offers (not with `state`).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    ticket_state_id: Option<String>,
    /// A state category: the type's first state of it; `resolved` closes the ticket (not with
    /// `ticket_state_id`; any case, with spaces or dashes for underscores).
    #[schema(value_type = Option<StateCategory>)]
    state: Option<String>,
    /// false closes the ticket without resolving it; true reopens it.
    open: Option<bool>,
    /// Change it without notifying customers.
    #[serde(default)]
    skip_notifications: bool,
    /// Intercom's way to assign: a teammate's or a team's id, `"0"` for nobody.
    #[schema(pattern = "^(0|[0-7][0-9A-HJKMNP-TV-Z]{25})$")]
    assignee_id: Option<String>,
    /// Intercom's acting admin: who makes the change (the token's teammate when absent;
    /// another teammate needs an admin's token).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_id: Option<String>,
    /// Intercom's newer form of the two above (the flat fields win).
    #[serde(default, deserialize_with = "crate::http::extract::object")]
    assignment: Option<IntercomAssignment>,
    /// Snoozes the open ticket until this time (Unix seconds, in the future, at most a year
    /// ahead: 422 otherwise); `null` ends its snooze. Applied after `open`, so a ticket reopened
    /// and snoozed in one call sleeps; a closed one is refused (`snooze_closed_ticket`).
    #[serde(default, deserialize_with = "nullable")]
    snoozed_until: Option<Option<i64>>,
}

/// Intercom's `assignment` of an update: who acts, and whom to assign.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntercomAssignment {
    /// As `admin_id`.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_id: Option<String>,
    /// As `assignee_id`.
    #[schema(pattern = "^(0|[0-7][0-9A-HJKMNP-TV-Z]{25})$")]
    assignee_id: Option<String>,
}

/// Update a ticket; every field given is applied in one transaction, all or nothing
///
/// Each field becomes one mutation, applied in an order where each sees the previous ones'
/// result: attributes, brand, assignment, sharing, then state and open last, so a ticket shared
/// and resolved in one call tells its customer both.
#[utoipa::path(
    put,
    path = "/tickets/{id}",
    operation_id = "put_tickets_id",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(TicketPath),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The ticket, updated.", body = TicketResource),
        JsonBody, TeammateAuth,
        (status = 403, description = "A customer's token, or `admin_id` names another teammate and the token is not an admin's (`forbidden`).", body = ErrorList),
        NotFound, Rule, Internal,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Path(id): Path<String>,
    Body(body): Body<UpdateBody>,
) -> Result<Json<TicketResource>> {
    if body.state.is_some() && body.ticket_state_id.is_some() {
        return Err(ServerError::bad_request(
            "conflicting_fields",
            "Send either `ticket_state_id` or `state`, not both.",
        ));
    }
    let ticket = state
        .write(move |db| {
            let now = now();
            let ticket = ticket_by_ref(db, &id)?;
            let skip_notifications = body.skip_notifications;
            let assignment = body.assignment.as_ref();
            let acting_as = body
                .admin_id
                .as_deref()
                .or(assignment.and_then(|a| a.admin_id.as_deref()));
            let by = acting(db, &me, acting_as)?;
            for mutation in &update_mutations(db, &ticket, body)? {
                let how = Apply {
                    actor: actor(&by),
                    now,
                    origin: None,
                    skip_notifications,
                };
                apply_one(db, mutation, how)?;
            }
            render(db, &db.ticket(ticket.id)?)
        })
        .await?;
    Ok(Json(ticket))
}

/// The mutations an update asks for: attributes, brand, assignment, sharing, then state and
/// open last, so that a ticket shared and resolved in one call tells its customer both.
fn update_mutations(db: &Db, ticket: &Ticket, f: UpdateBody) -> Result<Vec<Mutation>> {
    let t = ticket.id;
    let mut out = Vec::new();
    if let Some(attributes) = f.ticket_attributes {
        let ticket_type = db.ticket_type(ticket.type_id)?;
        let attributes = attributes
            .into_iter()
            .map(|(k, v)| (our_key(&ticket_type, &k), v))
            .collect();
        out.push(Mutation::UpdateAttributes {
            ticket: t,
            attributes,
        });
    }
    if let Some(brand) = f.brand_id {
        out.push(Mutation::SetBrand {
            ticket: t,
            brand: parse_id("brand", &brand)?,
        });
    }
    let assignee_id = f.assignee_id.or(f.assignment.and_then(|a| a.assignee_id));
    let (admin_assignee, team_assignee) = match assignee_id.as_deref().map(str::trim) {
        // Intercom's assignee is a teammate or a team; "0" is nobody.
        Some("0") => (Some(None), Some(None)),
        Some(id) if db.get::<inbox_core::Team>(Kind::Team, id)?.is_some() => {
            (f.admin_assignee_id, Some(Some(id.to_owned())))
        }
        Some(id) => (Some(Some(id.to_owned())), f.team_assignee_id),
        None => (f.admin_assignee_id, f.team_assignee_id),
    };
    if admin_assignee.is_some() || team_assignee.is_some() {
        let teammate = match admin_assignee {
            Some(v) => v.map(|id| existing_teammate(db, &id)).transpose()?,
            None => ticket.assignee_teammate,
        };
        let team = match team_assignee {
            Some(v) => v.map(|id| existing_team(db, &id)).transpose()?,
            None => ticket.assignee_team,
        };
        out.push(Mutation::Assign {
            ticket: t,
            teammate,
            team,
        });
    }
    if let Some(shared) = f.is_shared {
        out.push(Mutation::SetShared { ticket: t, shared });
    }
    if let Some(state) = f.ticket_state_id {
        out.push(Mutation::SetState {
            ticket: t,
            state: parse_id("ticket state", &state)?,
        });
    }
    if let Some(category) = f.state {
        out.push(state_mutation(db, ticket, &category)?);
    }
    match f.open {
        Some(false) => out.push(Mutation::Close {
            ticket: t,
            resolved: false,
        }),
        Some(true) => out.push(Mutation::Reopen { ticket: t }),
        None => {}
    }
    match f.snoozed_until {
        Some(Some(secs)) => out.push(Mutation::Snooze {
            ticket: t,
            until: secs.saturating_mul(1_000),
        }),
        Some(None) => out.push(Mutation::Unsnooze { ticket: t }),
        None => {}
    }
    Ok(out)
}

/// Intercom's `state` names a category: the ticket moves to its type's first state of it.
fn state_mutation(db: &Db, ticket: &Ticket, category: &str) -> Result<Mutation> {
    let Some(category) = parse_state_category(category) else {
        return Err(ServerError::bad_request(
            "invalid_state",
            format!(
                "\"{category}\" is not a state category: use submitted, in_progress, waiting_on_customer or resolved (or ticket_state_id)."
            ),
        ));
    };
    if category == StateCategory::Resolved {
        return Ok(Mutation::Close {
            ticket: ticket.id,
            resolved: true,
        });
    }
    let ticket_type = db.ticket_type(ticket.type_id)?;
    let states = db.states()?;
    let target = ticket_type
        .states
        .iter()
        .filter_map(|id| states.iter().find(|s| s.id == *id))
        .find(|s| s.category == category)
        .ok_or_else(|| inbox_core::CoreError::NoStateOfCategory {
            type_name: ticket_type.name.clone(),
            category: category.as_str(),
        })?;
    Ok(Mutation::SetState {
        ticket: ticket.id,
        state: target.id,
    })
}

/// What a reply is: a message the customer sees, or an internal note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum MessageType {
    /// A reply the customer sees.
    Comment,
    /// An internal note.
    Note,
}

impl MessageType {
    pub(super) fn parse(value: &str) -> Option<MessageType> {
        match value {
            "comment" => Some(MessageType::Comment),
            "note" => Some(MessageType::Note),
            _ => None,
        }
    }
}

/// Intercom's author types of a reply; only teammates reply through the REST API.
// Only the document's: `type` is read as text, so another is refused with `invalid_author`.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplyAuthorType {
    Admin,
}

/// A reply or an internal note by a teammate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReplyTicketRequest)]
pub struct ReplyBody {
    /// `comment` (a reply the customer sees) or `note` (internal); 400
    /// `invalid_message_type` otherwise.
    #[schema(value_type = MessageType)]
    message_type: String,
    /// The text (not blank).
    #[schema(min_length = 1, max_length = 65536)]
    body: String,
    /// Notes only (400 `invalid_field` on a comment): a note on a back-office ticket is
    /// cross-posted where the ticket came from unless kept private.
    #[serde(default)]
    keep_private: bool,
    /// Intercom's author type; only `admin` is accepted (400 `invalid_author`): the author is a
    /// teammate.
    #[serde(rename = "type")]
    #[schema(value_type = Option<ReplyAuthorType>)]
    author_type: Option<String>,
    /// Reply without notifying customers.
    #[serde(default)]
    skip_notifications: bool,
    /// Intercom's author: the teammate who replies (the token's teammate when absent; another
    /// teammate needs an admin's token).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_id: Option<String>,
    /// Accepted for Intercom's clients and ignored.
    #[serde(default, rename = "created_at")]
    _created_at: Option<Value>,
    /// Accepted for Intercom's clients and ignored (no attachments yet).
    #[serde(default, rename = "attachment_urls")]
    _attachment_urls: Option<Value>,
    /// Accepted for Intercom's clients and ignored.
    #[serde(default, rename = "reply_options")]
    _reply_options: Option<Value>,
}

/// The teammate a request acts as: the token's own, or (Intercom's `admin_id`) another active
/// teammate, which only an admin's token may name.
pub(super) fn acting(
    db: &Db,
    me: &inbox_core::Teammate,
    admin_id: Option<&str>,
) -> Result<inbox_core::Teammate> {
    let Some(id) = admin_id.map(str::trim) else {
        return Ok(me.clone());
    };
    let id: TeammateId = parse_id("admin", id)?;
    if id == me.id {
        return Ok(me.clone());
    }
    if me.role != inbox_core::Role::Admin {
        return Err(ServerError::Forbidden(
            "Only an admin's token may act as another teammate (`admin_id`).",
        ));
    }
    let teammate: inbox_core::Teammate = db.require(Kind::Teammate, "admin", &id.to_string())?;
    if !teammate.active {
        return Err(inbox_core::CoreError::TeammateInactive {
            name: teammate.name,
        }
        .into());
    }
    Ok(teammate)
}

/// Reply to the customer (`comment`) or add an internal note (`note`)
///
/// By the token's teammate (or, with `admin_id`, another); the answer is the new part.
#[utoipa::path(
    post,
    path = "/tickets/{id}/reply",
    operation_id = "post_tickets_id_reply",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(TicketPath),
    request_body = ReplyBody,
    responses(
        (status = 200, description = "The new timeline part.", body = PartResource),
        JsonBody, TeammateAuth,
        (status = 403, description = "A customer's token, or `admin_id` names another teammate and the token is not an admin's (`forbidden`).", body = ErrorList),
        NotFound, Rule, Internal,
    ),
)]
pub async fn reply(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Path(id): Path<String>,
    Body(body): Body<ReplyBody>,
) -> Result<Json<PartResource>> {
    if body.author_type.as_deref().is_some_and(|t| t != "admin") {
        return Err(ServerError::bad_request(
            "invalid_author",
            "Replies through the REST API are by the token's teammate (`type: admin`); customers reply through the Messenger API.",
        ));
    }
    let note = match MessageType::parse(&body.message_type) {
        Some(MessageType::Comment) => false,
        Some(MessageType::Note) => true,
        None => {
            let other = &body.message_type;
            return Err(ServerError::bad_request(
                "invalid_message_type",
                format!("`message_type` is `comment` (a reply to the customer) or `note` (internal), not \"{other}\"."),
            ));
        }
    };
    if body.keep_private && !note {
        return Err(ServerError::bad_request(
            "invalid_field",
            "`keep_private` applies to notes only; a comment always reaches the customer.",
        ));
    }
    let part = state
        .write(move |db| {
            let ticket = ticket_by_ref(db, &id)?;
            let mutation = if note {
                Mutation::Note {
                    attachments: Vec::new(),
                    ticket: ticket.id,
                    body: body.body,
                    keep_private: body.keep_private,
                }
            } else {
                Mutation::Reply {
                    attachments: Vec::new(),
                    ticket: ticket.id,
                    body: body.body,
                }
            };
            let by = acting(db, &me, body.admin_id.as_deref())?;
            let how = Apply {
                actor: actor(&by),
                now: now(),
                origin: None,
                skip_notifications: body.skip_notifications,
            };
            let (outcome, _) = apply_one(db, &mutation, how)?;
            let part = outcome
                .parts()
                .find(|p| {
                    p.ticket == ticket.id
                        && matches!(p.kind, PartKind::Reply { .. } | PartKind::Note { .. })
                })
                .expect("a reply or note appends its part")
                .clone();
            Ok(Catalog::load(db)?.part(&part))
        })
        .await?;
    Ok(Json(part))
}

/// The tracker to link a customer ticket to (R13).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LinkTrackerRequest)]
pub struct TrackerBody {
    /// The tracker ticket, by id or number.
    tracker_id: TicketRef,
    /// Link without notifying customers.
    #[serde(default)]
    skip_notifications: bool,
}

/// Link a customer ticket to a tracker ticket
#[utoipa::path(
    post,
    path = "/tickets/{id}/tracker",
    operation_id = "post_tickets_id_tracker",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(TicketPath),
    request_body = TrackerBody,
    responses(
        (status = 200, description = "The ticket, linked.", body = TicketResource),
        JsonBody, TeammateAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn link_tracker(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Path(id): Path<String>,
    Body(body): Body<TrackerBody>,
) -> Result<Json<TicketResource>> {
    let ticket = state
        .write(move |db| {
            let ticket = ticket_by_ref(db, &id)?;
            let tracker = ticket_by_ref(db, &body.tracker_id.as_ref_string())?;
            let mutation = Mutation::LinkTracker {
                ticket: ticket.id,
                tracker: tracker.id,
            };
            let how = Apply {
                actor: actor(&me),
                now: now(),
                origin: None,
                skip_notifications: body.skip_notifications,
            };
            apply_one(db, &mutation, how)?;
            render(db, &db.ticket(ticket.id)?)
        })
        .await?;
    Ok(Json(ticket))
}

/// Unlink the ticket from its tracker
#[utoipa::path(
    delete,
    path = "/tickets/{id}/tracker",
    operation_id = "delete_tickets_id_tracker",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(TicketPath),
    responses(
        (status = 200, description = "The ticket, unlinked.", body = TicketResource),
        TeammateAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn unlink_tracker(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Path(id): Path<String>,
) -> Result<Json<TicketResource>> {
    let ticket = state
        .write(move |db| {
            let ticket = ticket_by_ref(db, &id)?;
            let how = Apply {
                actor: actor(&me),
                now: now(),
                origin: None,
                skip_notifications: false,
            };
            apply_one(db, &Mutation::UnlinkTracker { ticket: ticket.id }, how)?;
            render(db, &db.ticket(ticket.id)?)
        })
        .await?;
    Ok(Json(ticket))
}

type_tag!(PartListTag = "ticket_part.list");

/// A ticket's whole timeline.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketPartList)]
pub struct PartList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: PartListTag,
    ticket_id: TicketId,
    /// Parts in all.
    total_count: usize,
    /// Oldest first.
    ticket_parts: Vec<PartResource>,
}

/// The ticket's whole timeline, oldest first
///
/// Teammates see everything, internal notes and notification records included.
#[utoipa::path(
    get,
    path = "/tickets/{id}/parts",
    operation_id = "get_tickets_id_parts",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(TicketPath),
    responses(
        (status = 200, description = "The timeline.", body = PartList),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn parts(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<PartList>> {
    let parts = state
        .read(move |db| {
            let ticket = ticket_by_ref(db, &id)?;
            let catalog = Catalog::load(db)?;
            let parts: Vec<PartResource> = db
                .timeline(ticket.id)?
                .iter()
                .map(|p| catalog.part(p))
                .collect();
            Ok(PartList {
                kind: PartListTag::Tag,
                ticket_id: ticket.id,
                total_count: parts.len(),
                ticket_parts: parts,
            })
        })
        .await?;
    Ok(Json(parts))
}
