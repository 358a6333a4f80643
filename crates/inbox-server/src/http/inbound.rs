//! Inbound email, posted raw (RFC 822) by the mail relay, which proves itself with a shared
//! secret (when the server is given one). A reply to a notification email comes to a reply-to
//! address carrying a signed token naming the ticket or conversation (R10); a bad or forged
//! token, or a sender who is not its customer, is refused. Mail to any other address at the
//! inbound domain (the support address) continues the sender's conversation it answers, or
//! starts a new one. A relay retrying the same message (same Message-ID) adds it once.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::Json;
use inbox_core::conversation::one_line;
use inbox_core::email::{id_from_reply_token, ReplyTokenError};
use inbox_core::notify::Thread;
use inbox_core::{
    Attachment, AttachmentId, Author, Contact, ConversationId, MessageChannel, TicketId, Workspace,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::extract::bytes;
use super::messenger::customer_reply;
use super::messenger_conversations::{customer_message, customer_start};
use super::openapi::{Internal, NotFound, RelaySecretHeader};
use super::rest::contact_by_email;
use super::AppState;
use crate::authority::{now, random};
use crate::error::{ErrorList, Result, ServerError};
use crate::mail::inbound::{parse_reply, InboundReply};
use crate::mail::queue_id_of;
use crate::storage::Kind;
use crate::workspace::{not_found, Db};

/// The header a mail relay sends the server's inbound secret in.
pub const RELAY_SECRET_HEADER: &str = "x-inbox-relay-secret";

/// The email was added (or had been: a relay retrying the same message adds it once).
#[derive(Serialize, ToSchema)]
#[schema(as = InboundAccepted)]
pub struct Accepted {
    /// The ticket the reply was added to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    ticket: Option<TicketId>,
    /// The conversation the email started or was added to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    conversation: Option<ConversationId>,
}

/// A customer's email, posted raw by the mail relay: a reply lands on the ticket or conversation its signed reply-to address names; mail to the support address continues a conversation or starts one
#[utoipa::path(
    post,
    path = "/inbound/email",
    operation_id = "post_inbound_email",
    tag = "Email",
    params(RelaySecretHeader),
    request_body(content = String, content_type = "message/rfc822", description = "The email as received (RFC 822)."),
    responses(
        (status = 200, description = "The email is on the ticket or in the conversation.", body = Accepted),
        (status = 422, description = "The body is not an email this server can take: unreadable, not addressed to the inbound domain, without text of its own, or too deeply nested (`inbound_unparseable`, `inbound_not_addressed`, `inbound_empty_reply`, `inbound_too_complex`).", body = ErrorList),
        (status = 403, description = "No relay secret, or a wrong one; a reply address this server did not sign or that expired; a sender who is not the customer of the ticket or conversation (`forbidden`).", body = ErrorList),
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
    let named = match &reply.token {
        Some(token) => Some(
            id_from_reply_token(
                token,
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
            })?,
        ),
        None => None,
    };
    // The files' bytes go to the blob store before the transaction (content-addressed: a
    // relay's retry stores nothing new); their records are made in it, only when the message
    // is added, so a retry makes none.
    let blobs = state.blobs.clone();
    let (reply, files) = tokio::task::spawn_blocking(move || store_files(&blobs, reply))
        .await
        .map_err(|e| ServerError::Storage(format!("storing an email's files panicked: {e}")))??;
    let about = state
        .write(move |db| receive(db, named, reply, &files))
        .await?;
    Ok(Json(Accepted {
        ticket: about.ticket(),
        conversation: match about {
            Thread::Conversation(c) => Some(c),
            Thread::Ticket(_) => None,
        },
    }))
}

/// A file of the email, its bytes stored.
struct StoredFile {
    name: String,
    content_type: String,
    size: u64,
    sha256: String,
}

/// Stores the bytes of the email's files and lets go of them.
fn store_files(
    blobs: &crate::blobs::BlobStore,
    mut reply: InboundReply,
) -> Result<(InboundReply, Vec<StoredFile>)> {
    let files = std::mem::take(&mut reply.files)
        .into_iter()
        .map(|f| {
            Ok(StoredFile {
                sha256: blobs.put(&f.bytes)?,
                size: f.bytes.len() as u64,
                name: f.name,
                content_type: f.content_type,
            })
        })
        .collect::<Result<_>>()?;
    Ok((reply, files))
}

/// Records the email's files as `contact`'s uploads, for the message about to be added.
fn record_files(db: &Db, contact: &Contact, files: &[StoredFile]) -> Result<Vec<AttachmentId>> {
    let at = now();
    files
        .iter()
        .map(|f| {
            let attachment = Attachment {
                id: AttachmentId::from_parts(at.max(0) as u64, random()),
                sha256: f.sha256.clone(),
                name: f.name.clone(),
                content_type: f.content_type.clone(),
                size: f.size,
                uploader: Author::Contact(contact.id),
                created_at: at,
            };
            db.put(Kind::Attachment, &attachment.id.to_string(), &attachment)?;
            Ok(attachment.id)
        })
        .collect()
}

/// Adds the email where it belongs: the ticket or conversation its signed reply address names
/// (the sender must be its customer); else the conversation or ticket of the sender's that it
/// answers; else a new conversation, the sender becoming a contact if they were not one.
fn receive(
    db: &Db,
    named: Option<ulid::Ulid>,
    reply: InboundReply,
    files: &[StoredFile],
) -> Result<Thread> {
    let key = reply
        .message_id
        .as_ref()
        .map(|id| hex::encode(Sha256::digest(id.as_bytes())));
    let from = reply.from.to_lowercase();
    // A relay retrying the same message adds it once; the sender is checked first, so a
    // reused Message-ID gets nobody in.
    let already = |about: Thread| -> Result<bool> {
        Ok(match &key {
            Some(key) => db.get::<ulid::Ulid>(Kind::Inbound, key)? == Some(about.id()),
            None => false,
        })
    };
    let (about, contact) = match named {
        Some(id) => {
            let about = thread_of(db, id)?;
            let contact = sender(db, about, &from)?.ok_or(ServerError::Forbidden(
                "The sender is not the customer of this ticket or conversation.",
            ))?;
            (about, contact)
        }
        None => {
            let stored = match &key {
                Some(key) => db.get::<ulid::Ulid>(Kind::Inbound, key)?,
                None => None,
            };
            let retried = match stored.and_then(|id| thread_of(db, id).ok()) {
                Some(about) => sender(db, about, &from)?.map(|c| (about, c)),
                None => None,
            };
            match retried {
                Some(found) => found,
                None => match answered(db, &reply.answers, &from)? {
                    Some(found) => found,
                    None => {
                        let name = reply.from_name.as_deref().map(one_line);
                        let contact = contact_by_email(db, &reply.from, name.as_deref(), now())?;
                        let ids = record_files(db, &contact, files)?;
                        let id = customer_start(
                            db,
                            &contact,
                            one_line(&reply.subject),
                            reply.body.clone(),
                            MessageChannel::Email,
                            &ids,
                        )?;
                        remember(db, key.as_deref(), Thread::Conversation(id))?;
                        return Ok(Thread::Conversation(id));
                    }
                },
            }
        }
    };
    if already(about)? {
        return Ok(about);
    }
    let ids = record_files(db, &contact, files)?;
    match about {
        Thread::Ticket(ticket) => customer_reply(db, &contact, ticket, reply.body, ids)?,
        Thread::Conversation(conversation) => customer_message(
            db,
            &contact,
            conversation,
            reply.body,
            MessageChannel::Email,
            ids,
        )?,
    }
    remember(db, key.as_deref(), about)?;
    Ok(about)
}

fn remember(db: &Db, key: Option<&str>, about: Thread) -> Result<()> {
    match key {
        Some(key) => db.put(Kind::Inbound, key, &about.id()),
        None => Ok(()),
    }
}

/// Whether `id` names a ticket or a conversation (ids never collide: both are ULIDs).
fn thread_of(db: &Db, id: ulid::Ulid) -> Result<Thread> {
    if db.find_ticket(TicketId(id))?.is_some() {
        return Ok(Thread::Ticket(TicketId(id)));
    }
    let conversation = ConversationId(id);
    if db.conversation_exists(conversation)? {
        return Ok(Thread::Conversation(conversation));
    }
    Err(not_found("ticket", &id.to_string()))
}

/// The sender, if they are the customer of the ticket or conversation.
fn sender(db: &Db, about: Thread, from: &str) -> Result<Option<Contact>> {
    let candidates = match about {
        Thread::Ticket(id) => db.ticket(id)?.contacts,
        Thread::Conversation(id) => vec![db.conversation(id)?.contact],
    };
    for id in candidates {
        let contact = db.contact(id)?;
        if contact.email.eq_ignore_ascii_case(from) {
            return Ok(Some(contact));
        }
    }
    Ok(None)
}

/// The sender's ticket or conversation that an email answers, found by the Message-IDs it
/// names: an email this server sent (`<QUEUE-ID@teammate-inbox>`), or one it received.
fn answered(db: &Db, answers: &[String], from: &str) -> Result<Option<(Thread, Contact)>> {
    for message_id in answers {
        let id = match queue_id_of(message_id) {
            Some(queue_id) => db
                .tx()
                .email(queue_id)?
                .and_then(|row| row.ticket_id.parse::<ulid::Ulid>().ok()),
            None => {
                let key = hex::encode(Sha256::digest(message_id.as_bytes()));
                db.get::<ulid::Ulid>(Kind::Inbound, &key)?
            }
        };
        let Some(about) = id.map(|id| thread_of(db, id)).transpose().ok().flatten() else {
            continue;
        };
        if let Some(contact) = sender(db, about, from)? {
            return Ok(Some((about, contact)));
        }
    }
    Ok(None)
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
