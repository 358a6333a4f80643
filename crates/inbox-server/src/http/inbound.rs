//! Inbound email: a customer's reply to a notification email, posted raw (RFC 822) by the mail
//! relay. The relay proves itself with a shared secret (when the server is given one); the
//! reply-to address carries a signed token naming the ticket (R10); a bad or forged token, or a
//! sender who is not a customer of that ticket, is refused. A relay retrying the same message
//! (same Message-ID) adds the reply once.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::Json;
use inbox_core::email::{id_from_reply_token, ReplyTokenError};
use inbox_core::Workspace;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::extract::bytes;
use super::messenger::customer_reply;
use super::openapi::{Internal, NotFound, RelaySecretHeader};
use super::AppState;
use crate::authority::now;
use crate::error::{ErrorList, Result, ServerError};
use crate::mail::inbound::parse_reply;
use crate::storage::Kind;

/// The header a mail relay sends the server's inbound secret in.
pub const RELAY_SECRET_HEADER: &str = "x-inbox-relay-secret";

/// The reply was added (or had been: a relay retrying the same message adds it once).
#[derive(Serialize, ToSchema)]
#[schema(as = InboundAccepted)]
pub struct Accepted {
    /// The ticket the reply was added to.
    ticket: inbox_core::TicketId,
}

/// A customer's emailed reply, posted raw by the mail relay; the signed reply-to address names the ticket
#[utoipa::path(
    post,
    path = "/inbound/email",
    operation_id = "post_inbound_email",
    tag = "Email",
    params(RelaySecretHeader),
    request_body(content = String, content_type = "message/rfc822", description = "The email as received (RFC 822)."),
    responses(
        (status = 200, description = "The reply is on the ticket.", body = Accepted),
        (status = 422, description = "The body is not an email this server can take: unreadable, not addressed to a reply address of this server, without text of its own, or too deeply nested (`inbound_unparseable`, `inbound_no_reply_token`, `inbound_empty_reply`, `inbound_too_complex`).", body = ErrorList),
        (status = 403, description = "No relay secret, or a wrong one; a reply address this server did not sign or that expired; a sender who is not a customer of the ticket (`forbidden`).", body = ErrorList),
        NotFound,
        (status = 408, description = "The body did not arrive within the body deadline (`body_timeout`).", body = ErrorList),
        (status = 413, description = "The email is larger than 4 MiB (`body_too_large`).", body = ErrorList),
        Internal,
    ),
)]
pub async fn email(State(state): State<AppState>, req: Request) -> Result<Json<Accepted>> {
    check_relay(&state, req.headers())?;
    let raw = bytes(req, &state).await?;
    // Parsing is CPU work on input anyone can send: off the async workers, so a slow message
    // never holds up other requests.
    let domain = state.email.inbound_domain.clone();
    let reply = tokio::task::spawn_blocking(move || parse_reply(&raw, &domain))
        .await
        .map_err(|e| ServerError::Storage(format!("parsing an inbound email panicked: {e}")))??;
    let ticket = id_from_reply_token(
        &reply.token,
        &state.email.secret,
        now(),
        state.email.reply_token_days,
    )
    .map_err(|e| match e {
        ReplyTokenError::Forged => {
            ServerError::Forbidden("The reply address is not one this server signed.")
        }
        ReplyTokenError::Expired => ServerError::Forbidden(
            "The reply address has expired: the customer should answer in the Messenger, or reply to a newer email.",
        ),
    })?;
    let ticket = state
        .write(move |db| {
            let ticket = db.ticket(inbox_core::TicketId(ticket))?;
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
            if let Some(message_id) = &reply.message_id {
                let key = hex::encode(Sha256::digest(message_id.as_bytes()));
                if db.tx().get(Kind::Inbound, &key)?.is_some() {
                    return Ok(ticket.id);
                }
                db.put(Kind::Inbound, &key, &ticket.id)?;
            }
            customer_reply(db, &contact, ticket.id, reply.body)?;
            Ok(ticket.id)
        })
        .await?;
    Ok(Json(Accepted { ticket }))
}

/// With an inbound secret configured, only a relay that sends it may post mail: anyone else
/// is refused before a byte of the message is read.
fn check_relay(state: &AppState, headers: &HeaderMap) -> Result<()> {
    let Some(secret) = &state.email.inbound_secret else {
        return Ok(());
    };
    let given = headers
        .get(RELAY_SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    // Compared as hashes, so the time taken tells nothing about how much of it matched.
    if Sha256::digest(given) == Sha256::digest(secret.as_bytes()) {
        Ok(())
    } else {
        Err(ServerError::Forbidden(
            "Inbound email is taken only from the mail relay: send the server's inbound secret in X-Inbox-Relay-Secret.",
        ))
    }
}
