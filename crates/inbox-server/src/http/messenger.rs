//! The Messenger API, for customers with their own tokens: only their own shared tickets, and
//! only what `inbox_core::messenger` lets a customer see (R3a).

use std::convert::Infallible;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::Stream;
use inbox_core::messenger::{
    customer_submission, customer_ticket as customer_ticket_of, customer_ticket_form,
    messenger_home, CustomerTicket, CustomerTicketForm, MessengerHome,
};
use inbox_core::notify::Thread;
use inbox_core::{Author, Contact, Mutation, Ticket, TicketId, TicketTypeId, Workspace};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Body, SignedIn};
use super::live::Live;
use super::openapi::{CustomerAuth, Internal, JsonBody, MessengerTicketPath, NotFound, Rule};
use super::{AppState, Customer};
use crate::authority::{apply_one, now, random, Apply};
use crate::error::ErrorList;
use crate::error::Result;
use crate::notifications::{mark_seen, messenger, put_messenger, unseen};
use crate::workspace::{not_found, Db};

/// The customer's Messenger home: Recent tickets, Tickets space, badges
#[utoipa::path(
    get,
    path = "/messenger/home",
    operation_id = "get_messenger_home",
    tag = "Messenger",
    security(("customerToken" = [])),
    responses(
        (status = 200, description = "The home.", body = MessengerHome),
        CustomerAuth, Internal,
    ),
)]
pub async fn home(
    State(state): State<AppState>,
    Customer(contact): Customer,
) -> Result<Json<MessengerHome>> {
    let home = state
        .read(move |db| {
            let tickets = db.tickets_of_contact(contact.id)?;
            Ok(messenger_home(
                contact.id,
                &tickets,
                &db.ticket_types()?,
                &db.states()?,
                &unseen(db, contact.id)?,
            ))
        })
        .await?;
    Ok(Json(home))
}

/// Whether the Messenger is open on the customer's screen.
#[derive(Deserialize, Serialize, ToSchema)]
#[schema(as = MessengerState)]
pub struct MessengerStateBody {
    /// The Messenger is open on the customer's screen (no launcher badge then).
    open: bool,
}

/// Sign the customer out: the request's token stops working
#[utoipa::path(
    post,
    path = "/messenger/logout",
    operation_id = "post_messenger_logout",
    tag = "Messenger",
    security(("customerToken" = [])),
    responses(
        (status = 204, description = "Signed out."),
        CustomerAuth, Internal,
    ),
)]
pub async fn logout(
    State(state): State<AppState>,
    SignedIn(token): SignedIn,
    _: Customer,
) -> Result<axum::http::StatusCode> {
    state
        .write(move |db| crate::auth::revoke(db, &token))
        .await?;
    state.auth_changed();
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Whether the Messenger is open on the customer's screen
#[utoipa::path(
    put,
    path = "/messenger/state",
    operation_id = "put_messenger_state",
    tag = "Messenger",
    security(("customerToken" = [])),
    request_body = MessengerStateBody,
    responses(
        (status = 200, description = "The state, as saved.", body = MessengerStateBody),
        JsonBody, CustomerAuth, Internal,
    ),
)]
pub async fn set_state(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Body(body): Body<MessengerStateBody>,
) -> Result<Json<MessengerStateBody>> {
    state
        .write(move |db| {
            let mut m = messenger(db, contact.id)?;
            m.open = body.open;
            put_messenger(db, contact.id, &m)
        })
        .await?;
    Ok(Json(MessengerStateBody { open: body.open }))
}

/// The customer's own shared ticket, or `not_found` (never "forbidden": another customer's
/// ticket must not even be confirmed to exist).
fn their_ticket(db: &Db, contact: &Contact, reference: &str) -> Result<Ticket> {
    let ticket = db.ticket_by_ref(reference)?;
    if ticket.shared && ticket.contacts.contains(&contact.id) {
        Ok(ticket)
    } else {
        Err(not_found("ticket", reference))
    }
}

/// 422: the id is neither a ULID nor a number.
const BAD_TICKET_ID: &str = "The id is neither a ticket's id (a ULID) nor a number (`invalid_id`).";

fn customer_ticket(db: &Db, contact: &Contact, reference: &str) -> Result<CustomerTicket> {
    let ticket = their_ticket(db, contact, reference)?;
    let ticket_type = db.ticket_type(ticket.type_id)?;
    let parts = db.timeline(ticket.id)?;
    let names = super::messenger_conversations::writers(db, parts.iter().map(|p| p.author))?;
    let files = super::attachments::records(db, parts.iter().flat_map(|p| &p.attachments))?;
    let mut view = customer_ticket_of(&ticket, &ticket_type, &db.states()?, &parts, &|id| {
        names.get(&id).cloned()
    })
    .ok_or_else(|| not_found("ticket", reference))?;
    inbox_core::messenger::describe_files(&mut view.timeline, &|id| files.get(&id).cloned());
    Ok(view)
}

/// One of the customer's shared tickets, with its customer-visible timeline
#[utoipa::path(
    get,
    path = "/messenger/tickets/{id}",
    operation_id = "get_messenger_tickets_id",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(MessengerTicketPath),
    responses(
        (status = 200, description = "The ticket.", body = CustomerTicket),
        CustomerAuth, NotFound,
        (status = 422, description = BAD_TICKET_ID, body = ErrorList),
        Internal,
    ),
)]
pub async fn ticket(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
) -> Result<Json<CustomerTicket>> {
    let ticket = state
        .read(move |db| customer_ticket(db, &contact, &id))
        .await?;
    Ok(Json(ticket))
}

/// The customer saw the ticket: its badges go, replies count as seen
#[utoipa::path(
    post,
    path = "/messenger/tickets/{id}/seen",
    operation_id = "post_messenger_tickets_id_seen",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(MessengerTicketPath),
    responses(
        (status = 200, description = "The ticket.", body = CustomerTicket),
        CustomerAuth, NotFound,
        (status = 422, description = BAD_TICKET_ID, body = ErrorList),
        Internal,
    ),
)]
pub async fn seen(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
) -> Result<Json<CustomerTicket>> {
    let ticket = state
        .write(move |db| {
            let ticket = their_ticket(db, &contact, &id)?;
            mark_seen(db, contact.id, Thread::Ticket(ticket.id), now())?;
            customer_ticket(db, &contact, &id)
        })
        .await?;
    Ok(Json(ticket))
}

/// The customer's message.
#[derive(Deserialize, ToSchema)]
#[schema(as = MessengerReplyRequest)]
pub struct ReplyBody {
    /// The text (not blank).
    #[schema(min_length = 1, max_length = 65536)]
    pub body: String,
    /// Files the customer uploaded (`POST /messenger/attachments`) for this message.
    #[serde(default)]
    pub attachments: Vec<inbox_core::AttachmentId>,
}

/// The customer replies on their ticket
#[utoipa::path(
    post,
    path = "/messenger/tickets/{id}/reply",
    operation_id = "post_messenger_tickets_id_reply",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(MessengerTicketPath),
    request_body = ReplyBody,
    responses(
        (status = 200, description = "The ticket, with the reply.", body = CustomerTicket),
        JsonBody, CustomerAuth, NotFound,
        (status = 422, description = "The id is neither a ULID nor a number (`invalid_id`), or the reply breaks a rule (`empty_body`, `text_too_long`…).", body = ErrorList),
        Internal,
    ),
)]
pub async fn reply(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
    Body(body): Body<ReplyBody>,
) -> Result<Json<CustomerTicket>> {
    let ticket = state
        .write(move |db| {
            let ticket = their_ticket(db, &contact, &id)?;
            customer_reply(db, &contact, ticket.id, body.body, body.attachments)?;
            customer_ticket(db, &contact, &id)
        })
        .await?;
    Ok(Json(ticket))
}

/// A customer's reply, from the Messenger or by email: a reply part by the contact, which also
/// counts as them having seen the ticket.
pub fn customer_reply(
    db: &Db,
    contact: &Contact,
    ticket: inbox_core::TicketId,
    body: String,
    attachments: Vec<inbox_core::AttachmentId>,
) -> Result<()> {
    let at = now();
    let how = Apply {
        actor: Author::Contact(contact.id),
        now: at,
        origin: None,
        skip_notifications: false,
    };
    apply_one(
        db,
        &Mutation::Reply {
            attachments,
            ticket,
            body,
        },
        how,
    )?;
    mark_seen(db, contact.id, Thread::Ticket(ticket), at)
}

/// The ticket types a customer may raise tickets of, as forms
#[utoipa::path(
    get,
    path = "/messenger/ticket_types",
    operation_id = "get_messenger_ticket_types",
    tag = "Messenger",
    security(("customerToken" = [])),
    responses(
        (status = 200, description = "Customer ticket types with the fields customers fill in.", body = Vec<CustomerTicketForm>),
        CustomerAuth, Internal,
    ),
)]
pub async fn ticket_types(
    State(state): State<AppState>,
    _: Customer,
) -> Result<Json<Vec<CustomerTicketForm>>> {
    let forms = state
        .read(|db| {
            Ok(db
                .ticket_types()?
                .iter()
                .filter_map(customer_ticket_form)
                .collect())
        })
        .await?;
    Ok(Json(forms))
}

/// A ticket the customer submits.
#[derive(Deserialize, ToSchema)]
#[schema(as = MessengerNewTicket)]
#[serde(deny_unknown_fields)]
pub struct NewTicketBody {
    /// One of `GET /messenger/ticket_types`.
    type_id: TicketTypeId,
    /// The form's values by field key (`title` is required).
    #[schema(value_type = Object)]
    attributes: std::collections::BTreeMap<String, serde_json::Value>,
}

/// The customer submits a ticket
#[utoipa::path(
    post,
    path = "/messenger/tickets",
    operation_id = "post_messenger_tickets",
    tag = "Messenger",
    security(("customerToken" = [])),
    request_body = NewTicketBody,
    responses(
        (status = 200, description = "The new ticket, as the customer sees it.", body = CustomerTicket),
        JsonBody, CustomerAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn submit(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Body(body): Body<NewTicketBody>,
) -> Result<Json<CustomerTicket>> {
    let ticket = state
        .write(move |db| {
            let ticket_type = db.ticket_type(body.type_id)?;
            let at = now();
            let id = TicketId(ulid::Ulid::from_parts(at.max(0) as u64, random()));
            let create = customer_submission(&ticket_type, contact.id, id, body.attributes)?;
            let how = Apply {
                actor: Author::Contact(contact.id),
                now: at,
                origin: None,
                skip_notifications: false,
            };
            apply_one(db, &Mutation::CreateTicket(create), how)?;
            mark_seen(db, contact.id, Thread::Ticket(id), at)?;
            customer_ticket(db, &contact, &id.to_string())
        })
        .await?;
    Ok(Json(ticket))
}

/// Pokes arriving this close together are one look at the customer's Messenger.
const STREAM_SETTLE: std::time::Duration = std::time::Duration::from_millis(250);

/// Live updates: a `changed` event whenever the customer's Messenger changed
///
/// The server looks at what this customer can see (their tickets, states, replies and badges)
/// after each change in the workspace, and tells the page only when that moved: other
/// customers' activity never shows, not even as timing. The stream ends when the token stops
/// working.
#[utoipa::path(
    get,
    path = "/messenger/stream",
    operation_id = "get_messenger_stream",
    tag = "Messenger",
    security(("customerToken" = [])),
    responses(
        (status = 200, description = "Server-sent events: `changed` (no data) when the Messenger should be fetched again, and keep-alive comments.", content_type = "text/event-stream", body = String),
        CustomerAuth, Internal,
    ),
)]
pub async fn stream(
    State(state): State<AppState>,
    SignedIn(token): SignedIn,
    Customer(contact): Customer,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    // What the customer sees now, taken before the answer starts: a change from here on, even
    // one landing while the page connects, differs from it and is told.
    let live = Live::new(&state, token);
    let baseline = state.read(move |db| look(db, contact.id)).await?;
    let watch = (live, state, contact.id, baseline);
    let events =
        futures_util::stream::unfold(watch, |(mut live, state, contact, mut last)| async move {
            loop {
                live.next_poke().await?;
                tokio::time::sleep(STREAM_SETTLE).await;
                let now_seen = state.read(move |db| look(db, contact)).await.ok()?;
                let changed = now_seen != last;
                last = now_seen;
                if changed {
                    let event = Event::default().event("changed").data("");
                    return Some((Ok(event), (live, state, contact, last)));
                }
            }
        });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15))))
}

/// A fingerprint of everything the customer's Messenger shows: their tickets as they see them,
/// and their unseen notifications (a teammate's message in a conversation is one).
fn look(db: &Db, contact: inbox_core::ContactId) -> Result<u64> {
    use std::hash::{Hash, Hasher};
    let tickets = db.tickets_of_contact(contact)?;
    let unseen = unseen(db, contact)?;
    let home = messenger_home(
        contact,
        &tickets,
        &db.ticket_types()?,
        &db.states()?,
        &unseen,
    );
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_string(&home)
        .expect("the home serialises")
        .hash(&mut hasher);
    for n in &unseen {
        n.about.hash(&mut hasher);
        n.reasons.len().hash(&mut hasher);
    }
    Ok(hasher.finish())
}
