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
use serde::Deserialize;
use serde_json::{json, Value};

use super::resource::{our_key, parse_state_category, Catalog, PartResource, TicketResource};
use super::{actor, exists, new_id, nullable, parse_id, ticket_by_ref, TicketRef};
use crate::authority::{apply_one, now, Apply};
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::{AppState, Teammate};
use crate::storage::Kind;
use crate::workspace::Db;

/// A contact of a new ticket: an existing one by id, or by email (created when unknown, as
/// Intercom does, so an integration need not create the contact first).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    id: Option<String>,
    /// The contact's id in the team's own systems.
    external_id: Option<String>,
    email: Option<String>,
    /// The name of a contact created from `email`.
    name: Option<String>,
}

/// Intercom's newer `assignment` object, accepted beside the flat fields.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    admin_assignee_id: Option<String>,
    team_assignee_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    /// A ULID chosen by the client; the server makes one when absent.
    id: Option<String>,
    ticket_type_id: String,
    #[serde(default)]
    contacts: Vec<ContactInput>,
    #[serde(default)]
    ticket_attributes: BTreeMap<String, Value>,
    ticket_state_id: Option<String>,
    company_id: Option<String>,
    brand_id: Option<String>,
    admin_assignee_id: Option<String>,
    team_assignee_id: Option<String>,
    assignment: Option<Assignment>,
    is_shared: Option<bool>,
    #[serde(alias = "conversation_to_link_id")]
    conversation_id: Option<String>,
    /// For a back-office ticket: the customer ticket it was raised from (R12).
    origin_ticket_id: Option<TicketRef>,
    #[serde(default)]
    skip_notifications: bool,
    /// When the ticket was raised (Unix seconds), for imports; now when absent.
    created_at: Option<i64>,
}

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

fn contact_by_email(db: &Db, email: &str, name: Option<&str>, now: i64) -> Result<Contact> {
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

fn render(db: &Db, ticket: &Ticket) -> Result<TicketResource> {
    Ok(Catalog::load(db)?.ticket(ticket))
}

/// `GET /tickets/{id}`: by id or by number (`123` or `#123`).
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    ticket_attributes: Option<BTreeMap<String, Value>>,
    brand_id: Option<String>,
    /// `null` unassigns; leaving the field out keeps the assignee.
    #[serde(default, deserialize_with = "nullable")]
    admin_assignee_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    team_assignee_id: Option<Option<String>>,
    is_shared: Option<bool>,
    ticket_state_id: Option<String>,
    /// A state category (`in_progress`…): the type's first state of it; `resolved` closes.
    state: Option<String>,
    /// false closes the ticket without resolving it; true reopens it.
    open: Option<bool>,
    #[serde(default)]
    skip_notifications: bool,
    /// Intercom's way to assign: a teammate's or a team's id, `"0"` for nobody.
    assignee_id: Option<String>,
    /// Intercom's acting admin: who makes the change (the token's teammate when absent).
    admin_id: Option<String>,
    /// Intercom's newer form of the two above.
    assignment: Option<IntercomAssignment>,
    /// Accepted for Intercom's clients; snoozing does not exist here yet (see the README's list).
    #[serde(default, rename = "snoozed_until")]
    _snoozed_until: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntercomAssignment {
    admin_id: Option<String>,
    assignee_id: Option<String>,
}

/// `PUT /tickets/{id}`: every field given becomes one mutation, all applied in one transaction
/// (all or nothing), in an order where each sees the previous ones' result.
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// `comment` (a reply the customer sees) or `note` (internal).
    message_type: String,
    body: String,
    /// Notes on a back-office ticket are cross-posted where it came from unless kept private.
    #[serde(default)]
    keep_private: bool,
    /// Intercom's author type; only `admin` is accepted: the author is the token's teammate.
    #[serde(rename = "type")]
    author_type: Option<String>,
    #[serde(default)]
    skip_notifications: bool,
    /// Intercom's author: the teammate who replies (the token's teammate when absent).
    admin_id: Option<String>,
    /// Accepted for Intercom's clients and not used yet (see the README's list).
    #[serde(default, rename = "created_at")]
    _created_at: Option<Value>,
    #[serde(default, rename = "attachment_urls")]
    _attachment_urls: Option<Value>,
    #[serde(default, rename = "reply_options")]
    _reply_options: Option<Value>,
}

/// The teammate a request acts as: the token's own, or (Intercom's `admin_id`) another active
/// teammate, which only an admin's token may name.
fn acting(
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

/// `POST /tickets/{id}/reply`: a reply or a note by the token's teammate; returns the new part.
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
    let note = match body.message_type.as_str() {
        "comment" => false,
        "note" => true,
        other => {
            return Err(ServerError::bad_request(
                "invalid_message_type",
                format!("`message_type` is `comment` (a reply to the customer) or `note` (internal), not \"{other}\"."),
            ))
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
                    ticket: ticket.id,
                    body: body.body,
                    keep_private: body.keep_private,
                }
            } else {
                Mutation::Reply {
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerBody {
    /// The tracker ticket, by id or number.
    tracker_id: TicketRef,
    #[serde(default)]
    skip_notifications: bool,
}

/// `POST /tickets/{id}/tracker`: links a customer ticket to a tracker (R13).
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

/// `DELETE /tickets/{id}/tracker`: unlinks the ticket from its tracker.
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

/// `GET /tickets/{id}/parts`: the whole timeline, oldest first. Teammates see everything,
/// internal notes and notification records included.
pub async fn parts(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let parts = state
        .read(move |db| {
            let ticket = ticket_by_ref(db, &id)?;
            let catalog = Catalog::load(db)?;
            let parts: Vec<PartResource> = db
                .timeline(ticket.id)?
                .iter()
                .map(|p| catalog.part(p))
                .collect();
            Ok(json!({
                "type": "ticket_part.list",
                "ticket_id": ticket.id.to_string(),
                "total_count": parts.len(),
                "ticket_parts": parts,
            }))
        })
        .await?;
    Ok(Json(parts))
}
