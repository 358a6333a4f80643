//! Inbound email: a customer's reply to a notification email, posted raw (RFC 822) by the mail
//! relay. The reply-to address carries a signed token naming the ticket (R10); a bad or forged
//! token, or a sender who is not a customer of that ticket, is refused.

use axum::extract::{Request, State};
use axum::Json;
use inbox_core::email::ticket_from_reply_token;
use inbox_core::Workspace;
use serde::Serialize;

use super::extract::bytes;
use super::messenger::customer_reply;
use super::AppState;
use crate::error::{Result, ServerError};
use crate::mail::inbound::parse_reply;

#[derive(Serialize)]
pub struct Accepted {
    ticket: inbox_core::TicketId,
}

pub async fn email(State(state): State<AppState>, req: Request) -> Result<Json<Accepted>> {
    let raw = bytes(req).await?;
    let reply = parse_reply(&raw, &state.email.inbound_domain)?;
    let ticket = ticket_from_reply_token(&reply.token, &state.email.secret).ok_or(
        ServerError::Forbidden("The reply address is not one this server signed."),
    )?;
    let ticket = state
        .write(move |db| {
            let ticket = db.ticket(ticket)?;
            let from = reply.from.to_lowercase();
            let mut contact = None;
            for id in &ticket.contacts {
                let c = db.contact(*id)?;
                if c.email.to_lowercase() == from {
                    contact = Some(c);
                }
            }
            let contact = contact.ok_or(ServerError::Forbidden(
                "The sender is not a customer of this ticket.",
            ))?;
            customer_reply(db, &contact, ticket.id, reply.body)?;
            Ok(ticket.id)
        })
        .await?;
    Ok(Json(Accepted { ticket }))
}
