//! The customer's conversations in the Messenger: start one, write in it, read the team's
//! answers (never anything internal), and mark it seen so the reply email is not needed (R5).

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::messenger::{customer_conversation, CustomerConversation};
use inbox_core::notify::Thread;
use inbox_core::{
    Author, Contact, Conversation, ConversationId, MessageChannel, Mutation, StartConversation,
    Teammate,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{Body, Customer};
use super::messenger::ReplyBody;
use super::openapi::{CustomerAuth, Internal, JsonBody, MessengerConversationPath, NotFound, Rule};
use super::AppState;
use crate::authority::{apply_amended, apply_one, now, random, Apply};
use crate::error::Result;
use crate::notifications::mark_seen;
use crate::storage::Kind;
use crate::workspace::{not_found, Db};

/// The conversations a customer sees at most in their list, most recent first.
const LIST_LIMIT: usize = 100;

/// The customer's conversations, most recent activity first
#[utoipa::path(
    get,
    path = "/messenger/conversations",
    operation_id = "get_messenger_conversations",
    tag = "Messenger",
    security(("customerToken" = [])),
    responses(
        (status = 200, description = "Their conversations, each with its messages.", body = Vec<CustomerConversation>),
        CustomerAuth, Internal,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    Customer(contact): Customer,
) -> Result<Json<Vec<CustomerConversation>>> {
    let list = state
        .read(move |db| {
            let mut theirs: Vec<Conversation> = db
                .all::<Conversation>(Kind::Conversation)?
                .into_iter()
                .filter(|c| c.contact == contact.id)
                .collect();
            theirs.sort_by_key(|c| std::cmp::Reverse((c.last_activity_at, c.id)));
            theirs.truncate(LIST_LIMIT);
            theirs.iter().map(|c| view(db, c)).collect()
        })
        .await?;
    Ok(Json(list))
}

/// A new conversation: the customer's first message.
#[derive(Deserialize, ToSchema)]
#[schema(as = MessengerStartConversation)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// Blank (or absent) takes the first line of the message.
    #[serde(default)]
    #[schema(max_length = 1000)]
    subject: String,
    /// The message (not blank).
    #[schema(min_length = 1, max_length = 65536)]
    body: String,
}

/// The customer starts a conversation
#[utoipa::path(
    post,
    path = "/messenger/conversations",
    operation_id = "post_messenger_conversations",
    tag = "Messenger",
    security(("customerToken" = [])),
    request_body = StartBody,
    responses(
        (status = 200, description = "The new conversation, with the message.", body = CustomerConversation),
        JsonBody, CustomerAuth, Rule, Internal,
    ),
)]
pub async fn start(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Body(body): Body<StartBody>,
) -> Result<Json<CustomerConversation>> {
    let conversation = state
        .write(move |db| {
            let channel = MessageChannel::Messenger;
            let id = customer_start(db, &contact, body.subject, body.body, channel, &[])?;
            view(db, &their_conversation(db, &contact, &id.to_string())?)
        })
        .await?;
    Ok(Json(conversation))
}

/// One of the customer's conversations, with its messages
#[utoipa::path(
    get,
    path = "/messenger/conversations/{id}",
    operation_id = "get_messenger_conversations_id",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(MessengerConversationPath),
    responses(
        (status = 200, description = "The conversation.", body = CustomerConversation),
        CustomerAuth, NotFound, Internal,
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
) -> Result<Json<CustomerConversation>> {
    let conversation = state
        .read(move |db| view(db, &their_conversation(db, &contact, &id)?))
        .await?;
    Ok(Json(conversation))
}

/// The customer writes in their conversation (a closed or snoozed one comes back to the team)
#[utoipa::path(
    post,
    path = "/messenger/conversations/{id}/reply",
    operation_id = "post_messenger_conversations_id_reply",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(MessengerConversationPath),
    request_body = ReplyBody,
    responses(
        (status = 200, description = "The conversation, with the message.", body = CustomerConversation),
        JsonBody, CustomerAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn reply(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
    Body(body): Body<ReplyBody>,
) -> Result<Json<CustomerConversation>> {
    let conversation = state
        .write(move |db| {
            let conversation = their_conversation(db, &contact, &id)?;
            customer_message(
                db,
                &contact,
                conversation.id,
                body.body,
                MessageChannel::Messenger,
                body.attachments,
            )?;
            view(db, &their_conversation(db, &contact, &id)?)
        })
        .await?;
    Ok(Json(conversation))
}

/// The customer saw the conversation: its badge goes, and the team's replies so far need no
/// email (R5)
#[utoipa::path(
    post,
    path = "/messenger/conversations/{id}/seen",
    operation_id = "post_messenger_conversations_id_seen",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(MessengerConversationPath),
    responses(
        (status = 200, description = "The conversation.", body = CustomerConversation),
        CustomerAuth, NotFound, Internal,
    ),
)]
pub async fn seen(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
) -> Result<Json<CustomerConversation>> {
    let conversation = state
        .write(move |db| {
            let conversation = their_conversation(db, &contact, &id)?;
            mark_seen(db, contact.id, Thread::Conversation(conversation.id), now())?;
            view(db, &conversation)
        })
        .await?;
    Ok(Json(conversation))
}

/// A message by the customer, from the Messenger or by email; writing counts as having seen
/// the conversation.
pub fn customer_message(
    db: &Db,
    contact: &Contact,
    conversation: ConversationId,
    body: String,
    channel: MessageChannel,
    attachments: Vec<inbox_core::AttachmentId>,
) -> Result<()> {
    let at = now();
    let mutation = Mutation::ConversationReply {
        attachments,
        conversation,
        body,
        channel,
    };
    apply_one(db, &mutation, as_customer(contact, at))?;
    mark_seen(db, contact.id, Thread::Conversation(conversation), at)
}

/// Starts a conversation for the customer, from the Messenger or by email (with the email's
/// files, already stored as the customer's uploads).
pub fn customer_start(
    db: &Db,
    contact: &Contact,
    subject: String,
    body: String,
    channel: MessageChannel,
    files: &[inbox_core::AttachmentId],
) -> Result<ConversationId> {
    let at = now();
    let id = ConversationId(ulid::Ulid::from_parts(at.max(0) as u64, random()));
    let req = StartConversation {
        id,
        contact: contact.id,
        subject,
        body,
        channel,
    };
    apply_amended(
        db,
        &Mutation::StartConversation(req),
        as_customer(contact, at),
        files,
        |outcome| inbox_core::conversation::attach_to_first_message(outcome, files),
    )?;
    mark_seen(db, contact.id, Thread::Conversation(id), at)?;
    Ok(id)
}

fn as_customer(contact: &Contact, at: inbox_core::Millis) -> Apply {
    Apply {
        actor: Author::Contact(contact.id),
        now: at,
        origin: None,
        skip_notifications: false,
    }
}

/// The customer's own conversation, or `not_found` (another customer's must not even be
/// confirmed to exist).
fn their_conversation(db: &Db, contact: &Contact, id: &str) -> Result<Conversation> {
    let conversation: Option<Conversation> = match id.parse::<ConversationId>() {
        Ok(parsed) => db.get(Kind::Conversation, &parsed.to_string())?,
        Err(_) => None,
    };
    conversation
        .filter(|c| c.contact == contact.id)
        .ok_or_else(|| not_found("conversation", id))
}

fn view(db: &Db, conversation: &Conversation) -> Result<CustomerConversation> {
    let parts = db.conversation_timeline(conversation.id)?;
    let names = writers(db, parts.iter().map(|p| p.author))?;
    let files = super::attachments::records(db, parts.iter().flat_map(|p| &p.attachments))?;
    let mut view = customer_conversation(conversation, &parts, &|id| names.get(&id).cloned());
    inbox_core::messenger::describe_message_files(&mut view.messages, &|id| {
        files.get(&id).cloned()
    });
    Ok(view)
}

/// The names of the teammates among `authors`, as customers see them: only those are read.
pub(super) fn writers(
    db: &Db,
    authors: impl Iterator<Item = Author>,
) -> Result<std::collections::HashMap<inbox_core::TeammateId, String>> {
    let mut ids: Vec<String> = authors
        .filter_map(|a| match a {
            Author::Teammate(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    ids.sort();
    ids.dedup();
    db.tx()
        .get_many(Kind::Teammate, &ids)?
        .iter()
        .map(|(_, doc)| {
            let t: Teammate = crate::workspace::parse("teammate", doc)?;
            Ok((t.id, t.name))
        })
        .collect()
}
