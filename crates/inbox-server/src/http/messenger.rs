//! The Messenger API, for customers with their own tokens: only their own shared tickets, and
//! only what `inbox_core::messenger` lets a customer see (R3a).

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::messenger::{
    customer_timeline, customer_view, messenger_home, CustomerEntry, MessengerHome, MessengerTicket,
};
use inbox_core::{Author, Contact, Mutation, Ticket, Workspace};
use serde::{Deserialize, Serialize};

use super::extract::{Body, SignedIn};
use super::{AppState, Customer};
use crate::authority::{apply_one, now, Apply};
use crate::error::Result;
use crate::notifications::{mark_seen, messenger, put_messenger, unseen};
use crate::workspace::{not_found, Db};

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

#[derive(Deserialize)]
pub struct MessengerStateBody {
    /// The Messenger is open on the customer's screen (no launcher badge then).
    open: bool,
}

/// `POST /messenger/logout`: the customer ends their Messenger session; the token stops
/// working.
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

pub async fn set_state(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Body(body): Body<MessengerStateBody>,
) -> Result<Json<serde_json::Value>> {
    state
        .write(move |db| {
            let mut m = messenger(db, contact.id)?;
            m.open = body.open;
            put_messenger(db, contact.id, &m)
        })
        .await?;
    Ok(Json(serde_json::json!({ "open": body.open })))
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

#[derive(Serialize)]
pub struct CustomerTicket {
    #[serde(flatten)]
    ticket: MessengerTicket,
    timeline: Vec<CustomerEntry>,
}

fn customer_ticket(db: &Db, contact: &Contact, reference: &str) -> Result<CustomerTicket> {
    let ticket = their_ticket(db, contact, reference)?;
    let states = db.states()?;
    let ticket_type = db.ticket_type(ticket.type_id)?;
    let view = customer_view(&ticket, std::slice::from_ref(&ticket_type), &states)
        .ok_or_else(|| not_found("ticket", reference))?;
    let timeline = customer_timeline(&ticket, &db.timeline(ticket.id)?, &states);
    Ok(CustomerTicket {
        ticket: view,
        timeline,
    })
}

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

pub async fn seen(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
) -> Result<Json<CustomerTicket>> {
    let ticket = state
        .write(move |db| {
            let ticket = their_ticket(db, &contact, &id)?;
            mark_seen(db, contact.id, ticket.id, now())?;
            customer_ticket(db, &contact, &id)
        })
        .await?;
    Ok(Json(ticket))
}

#[derive(Deserialize)]
pub struct ReplyBody {
    pub body: String,
}

pub async fn reply(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
    Body(body): Body<ReplyBody>,
) -> Result<Json<CustomerTicket>> {
    let ticket = state
        .write(move |db| {
            let ticket = their_ticket(db, &contact, &id)?;
            customer_reply(db, &contact, ticket.id, body.body)?;
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
) -> Result<()> {
    let at = now();
    let how = Apply {
        actor: Author::Contact(contact.id),
        now: at,
        origin: None,
        skip_notifications: false,
    };
    apply_one(db, &Mutation::Reply { ticket, body }, how)?;
    mark_seen(db, contact.id, ticket, at)
}
