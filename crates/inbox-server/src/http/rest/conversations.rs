//! Conversations over REST, after Intercom's Conversations API: list, get with its parts,
//! create as a contact, reply as a teammate or the contact (`comment` or `note`), the
//! `close`/`open`/`snoozed`/`assignment` parts, and convert to a ticket. Every change goes
//! through `authority::apply_one`, like the app's and the Messenger's.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::attribute::TITLE;
use inbox_core::{
    Author, ContactId, Conversation, ConversationId, ConversationPart, CreateTicket,
    MessageChannel, Mutation, NewTicket, StartConversation, TeamId, TeammateId, TicketId,
    TicketTypeId, Workspace,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::people::{page, ListTag, Pages};
use super::resource::{our_key, secs, AuthorResource, TicketResource};
use super::tickets::{acting, render, MessageType};
use super::{actor, parse_id};
use crate::authority::{apply_one, now, random, Apply};
use crate::error::{ErrorList, Result, ServerError};
use crate::http::extract::{Body, Query, Teammate};
use crate::http::openapi::{
    type_tag, BadQuery, ConversationPath, Internal, JsonBody, NotFound, Rule, TeammateAuth,
};
use crate::http::AppState;
use crate::storage::Kind;
use crate::workspace::Db;

type_tag!(ConversationTag = "conversation");
type_tag!(PartListTag = "conversation_part.list");
type_tag!(PartTag = "conversation_part");
type_tag!(ContactListTag = "contact.list");
type_tag!(ContactTag = "contact");
type_tag!(UserMessageTag = "user_message");

/// Where a conversation is, as Intercom names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    Open,
    Closed,
    Snoozed,
}

/// A conversation as Intercom's API shows one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ConversationTag,
    id: ConversationId,
    /// Its subject.
    title: String,
    state: ConversationState,
    /// Open or snoozed (not closed).
    open: bool,
    /// Until when it is snoozed (Unix seconds); absent unless snoozed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    snoozed_until: Option<i64>,
    /// The assigned teammate; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    admin_assignee_id: Option<TeammateId>,
    /// The assigned team; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    team_assignee_id: Option<TeamId>,
    contacts: ContactRefList,
    /// Where it started: `messenger` or `email`.
    channel: MessageChannel,
    /// The ticket shared with the customer it became or is linked to; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    ticket_id: Option<TicketId>,
    /// When it started (Unix seconds).
    created_at: i64,
    /// When it last had activity (Unix seconds).
    updated_at: i64,
    /// Its timeline, oldest first (on a single conversation only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    conversation_parts: Option<PartList>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConversationContactList)]
struct ContactRefList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ContactListTag,
    contacts: Vec<ContactRef>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConversationContact)]
struct ContactRef {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ContactTag,
    id: ContactId,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConversationPartList)]
struct PartList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: PartListTag,
    conversation_parts: Vec<PartResource>,
    total_count: usize,
}

/// A part of a conversation, as Intercom's `conversation_part`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConversationPartResource)]
struct PartResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: PartTag,
    id: inbox_core::PartId,
    /// `comment`, `note`, `assignment`, `open`, `close`, `snoozed`, or our own kind for
    /// anything else (`link_changed`, `cross_post`).
    part_type: String,
    /// The text of a comment, note or cross-post.
    body: Option<String>,
    author: AuthorResource,
    /// Where a message came in or went out: `messenger` or `email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    channel: Option<MessageChannel>,
    /// The teammate an `assignment` assigned; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    assigned_to: Option<TeammateId>,
    /// When it happened (Unix seconds).
    created_at: i64,
    updated_at: i64,
}

fn part(p: &ConversationPart) -> PartResource {
    use inbox_core::PartKind;
    let part_type = match &p.kind {
        PartKind::Reply { .. } => "comment",
        PartKind::Note { .. } => "note",
        PartKind::AssignmentChanged { .. } => "assignment",
        PartKind::Reopened => "open",
        PartKind::Closed { .. } => "close",
        PartKind::Snoozed { .. } => "snoozed",
        PartKind::SnoozeEnded => "timer_unsnooze",
        other => other.as_str(),
    };
    PartResource {
        kind: PartTag::Tag,
        id: p.id,
        part_type: part_type.to_owned(),
        body: p.kind.text().map(str::to_owned),
        author: AuthorResource::of(p.author),
        channel: p.channel,
        assigned_to: match &p.kind {
            PartKind::AssignmentChanged { teammate, .. } => *teammate,
            _ => None,
        },
        created_at: secs(p.created_at),
        updated_at: secs(p.created_at),
    }
}

pub(super) fn resource(
    c: &Conversation,
    parts: Option<&[ConversationPart]>,
) -> ConversationResource {
    let snoozed = c.open && c.snoozed_until.is_some_and(|until| until > now());
    ConversationResource {
        kind: ConversationTag::Tag,
        id: c.id,
        title: c.subject.clone(),
        state: match (c.open, snoozed) {
            (false, _) => ConversationState::Closed,
            (true, true) => ConversationState::Snoozed,
            (true, false) => ConversationState::Open,
        },
        open: c.open,
        snoozed_until: c.snoozed_until.filter(|_| snoozed).map(secs),
        admin_assignee_id: c.assignee_teammate,
        team_assignee_id: c.assignee_team,
        contacts: ContactRefList {
            kind: ContactListTag::Tag,
            contacts: vec![ContactRef {
                kind: ContactTag::Tag,
                id: c.contact,
            }],
        },
        channel: c.channel,
        ticket_id: c.linked_ticket,
        created_at: secs(c.created_at),
        updated_at: secs(c.last_activity_at),
        conversation_parts: parts.map(|parts| PartList {
            kind: PartListTag::Tag,
            total_count: parts.len(),
            conversation_parts: parts.iter().map(part).collect(),
        }),
    }
}

fn full(db: &Db, id: ConversationId) -> Result<ConversationResource> {
    let conversation = db.conversation(id)?;
    let parts = db.conversation_timeline(id)?;
    Ok(resource(&conversation, Some(&parts)))
}

/// A conversation named in a path; whether it exists is found out by what reads it.
fn conversation_id(id: &str) -> Result<ConversationId> {
    parse_id("conversation", id)
}

/// Conversations, in id (start) order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ListTag,
    /// Without their parts: get one for those.
    conversations: Vec<ConversationResource>,
    pages: Pages,
}

/// Which page of conversations.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Results per page, 1 to 150 (default 50).
    #[param(minimum = 1, maximum = 150)]
    per_page: Option<usize>,
    /// The id of the last conversation of the previous page (`pages.next.starting_after`).
    starting_after: Option<String>,
}

/// List conversations, oldest first, a page at a time
#[utoipa::path(
    get,
    path = "/conversations",
    operation_id = "get_conversations",
    tag = "Conversations",
    security(("teammateToken" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of conversations.", body = ConversationList),
        BadQuery, TeammateAuth, Internal,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    _: Teammate,
    Query(q): Query<ListQuery>,
) -> Result<Json<ConversationList>> {
    let (conversations, pages) = state
        .read(move |db| {
            page(
                db,
                Kind::Conversation,
                q.per_page,
                q.starting_after.as_deref(),
                |c: &Conversation| resource(c, None),
            )
        })
        .await?;
    Ok(Json(ConversationList {
        kind: ListTag::Tag,
        conversations,
        pages,
    }))
}

/// One conversation, with its parts
#[utoipa::path(
    get,
    path = "/conversations/{id}",
    operation_id = "get_conversations_id",
    tag = "Conversations",
    security(("teammateToken" = [])),
    params(ConversationPath),
    responses(
        (status = 200, description = "The conversation and its parts, oldest first.", body = ConversationResource),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<ConversationResource>> {
    let conversation = state
        .read(move |db| full(db, conversation_id(&id)?))
        .await?;
    Ok(Json(conversation))
}

/// Who a message is from, as Intercom names a contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ConversationFrom)]
pub struct From {
    /// `user`, `lead` or `contact`: a customer.
    #[serde(rename = "type")]
    #[schema(value_type = FromType)]
    kind: String,
    /// The contact's id.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: String,
}

/// The kinds of contact a message can be from.
#[allow(dead_code)] // Only the document's: `type` is read as text and checked.
#[derive(Debug, ToSchema)]
#[serde(rename_all = "snake_case")]
enum FromType {
    User,
    Lead,
    Contact,
}

/// A new conversation, started by a contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateConversationRequest)]
pub struct CreateBody {
    /// The contact who writes.
    #[serde(deserialize_with = "crate::http::extract::object")]
    from: From,
    /// The first message (not blank).
    #[schema(min_length = 1, max_length = 65536)]
    body: String,
    /// Blank or absent: the first line of the message.
    #[serde(default)]
    #[schema(max_length = 1000)]
    subject: String,
    /// Accepted for Intercom's clients and ignored.
    #[serde(default, rename = "created_at")]
    _created_at: Option<Value>,
}

/// What Intercom answers a new conversation with: the message.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConversationMessage)]
pub struct Message {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: UserMessageTag,
    /// The message's part id.
    id: inbox_core::PartId,
    created_at: i64,
    body: String,
    /// Always `inapp`, as Intercom says of API messages.
    message_type: String,
    conversation_id: ConversationId,
}

/// Start a conversation as a contact
#[utoipa::path(
    post,
    path = "/conversations",
    operation_id = "post_conversations",
    tag = "Conversations",
    security(("teammateToken" = [])),
    request_body = CreateBody,
    responses(
        (status = 200, description = "The first message, with its conversation's id.", body = Message),
        JsonBody, TeammateAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    _: Teammate,
    Body(body): Body<CreateBody>,
) -> Result<Json<Message>> {
    let from = body.from;
    if !matches!(from.kind.as_str(), "user" | "lead" | "contact") {
        return Err(ServerError::bad_request(
            "invalid_author",
            "`from.type` is `user`, `lead` or `contact`: conversations are started by customers.",
        ));
    }
    let message = state
        .write(move |db| {
            let contact = db.contact(parse_id("contact", &from.id)?)?;
            let at = now();
            let id = ConversationId(ulid::Ulid::from_parts(at.max(0) as u64, random()));
            let req = StartConversation {
                id,
                contact: contact.id,
                subject: body.subject,
                body: body.body,
                channel: MessageChannel::Messenger,
            };
            let how = Apply {
                actor: Author::Contact(contact.id),
                now: at,
                origin: None,
                skip_notifications: false,
            };
            let (outcome, _) = apply_one(db, &Mutation::StartConversation(req), how)?;
            let first = outcome
                .changes
                .iter()
                .find_map(|c| match c {
                    inbox_core::Change::AppendConversationPart(p) => Some(p),
                    _ => None,
                })
                .expect("a conversation starts with its message");
            Ok(Message {
                kind: UserMessageTag::Tag,
                id: first.id,
                created_at: secs(first.created_at),
                body: first.kind.text().unwrap_or_default().to_owned(),
                message_type: "inapp".into(),
                conversation_id: id,
            })
        })
        .await?;
    Ok(Json(message))
}

/// A reply in a conversation: a teammate's comment or note, or the contact's message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReplyConversationRequest)]
pub struct ReplyBody {
    /// `comment` (the customer sees it) or `note` (internal, teammates only).
    #[schema(value_type = MessageType)]
    message_type: String,
    /// `admin` (a teammate: the token's, or `admin_id`) or `user` (the conversation's contact,
    /// named by `intercom_user_id`, `user_id` or `email`).
    #[serde(rename = "type")]
    #[schema(value_type = Option<ReplyAs>)]
    author_type: Option<String>,
    /// The text (not blank).
    #[schema(min_length = 1, max_length = 65536)]
    body: String,
    /// The teammate who replies (the token's when absent; another needs an admin's token).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_id: Option<String>,
    /// The contact's id, when `type` is `user`.
    intercom_user_id: Option<String>,
    /// The contact's id in the team's own systems, when `type` is `user`.
    user_id: Option<String>,
    /// The contact's email, when `type` is `user`.
    email: Option<String>,
    /// Reply without notifying the customer.
    #[serde(default)]
    skip_notifications: bool,
    /// Accepted for Intercom's clients and ignored (no attachments yet).
    #[serde(default, rename = "attachment_urls")]
    _attachment_urls: Option<Value>,
    /// Accepted for Intercom's clients and ignored (no attachments yet).
    #[serde(default, rename = "attachment_files")]
    _attachment_files: Option<Value>,
    /// Accepted for Intercom's clients and ignored.
    #[serde(default, rename = "created_at")]
    _created_at: Option<Value>,
    /// Accepted for Intercom's clients and ignored.
    #[serde(default, rename = "reply_options")]
    _reply_options: Option<Value>,
}

/// Who replies.
#[allow(dead_code)] // Only the document's: `type` is read as text and checked.
#[derive(Debug, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ReplyAs {
    Admin,
    User,
}

/// Reply in a conversation (`comment`) or add an internal note (`note`)
#[utoipa::path(
    post,
    path = "/conversations/{id}/reply",
    operation_id = "post_conversations_id_reply",
    tag = "Conversations",
    security(("teammateToken" = [])),
    params(ConversationPath),
    request_body = ReplyBody,
    responses(
        (status = 200, description = "The conversation, with the reply.", body = ConversationResource),
        JsonBody, TeammateAuth,
        (status = 403, description = "`admin_id` names another teammate and the token is not an admin's, or the named contact is not the conversation's (`forbidden`).", body = ErrorList),
        NotFound, Rule, Internal,
    ),
)]
pub async fn reply(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Path(id): Path<String>,
    Body(body): Body<ReplyBody>,
) -> Result<Json<ConversationResource>> {
    let note = match MessageType::parse(&body.message_type) {
        Some(MessageType::Comment) => false,
        Some(MessageType::Note) => true,
        None => {
            return Err(ServerError::bad_request(
                "invalid_message_type",
                "`message_type` is `comment` (the customer sees it) or `note` (internal).",
            ))
        }
    };
    let conversation = state
        .write(move |db| {
            let id = conversation_id(&id)?;
            let author =
                match body.author_type.as_deref().unwrap_or("admin") {
                    "admin" => actor(&acting(db, &me, body.admin_id.as_deref())?),
                    "user" | "contact" | "lead" if !note => {
                        Author::Contact(replying_contact(db, id, &body)?)
                    }
                    "user" | "contact" | "lead" => {
                        return Err(ServerError::unprocessable(
                            "invalid_author",
                            "Notes are internal: only teammates (`type: admin`) write them.",
                        ))
                    }
                    _ => return Err(ServerError::bad_request(
                        "invalid_author",
                        "`type` is `admin` (a teammate) or `user` (the conversation's contact).",
                    )),
                };
            let mutation = if note {
                Mutation::ConversationNote {
                    attachments: Vec::new(),
                    conversation: id,
                    body: body.body,
                }
            } else {
                Mutation::ConversationReply {
                    attachments: Vec::new(),
                    conversation: id,
                    body: body.body,
                    channel: MessageChannel::Messenger,
                }
            };
            let how = Apply {
                actor: author,
                now: now(),
                origin: None,
                skip_notifications: body.skip_notifications,
            };
            apply_one(db, &mutation, how)?;
            full(db, id)
        })
        .await?;
    Ok(Json(conversation))
}

/// The contact a `type: user` reply names, who must be the conversation's.
fn replying_contact(db: &Db, id: ConversationId, body: &ReplyBody) -> Result<ContactId> {
    let contact = match (&body.intercom_user_id, &body.user_id, &body.email) {
        (Some(contact), _, _) => db.contact(parse_id("contact", contact)?)?,
        (None, Some(external_id), _) => super::people::contact_by_external_id(db, external_id)?,
        (None, None, Some(email)) => super::people::find_contact_by_email(db, email)?
            .ok_or_else(|| crate::workspace::not_found("contact", email))?,
        (None, None, None) => {
            return Err(ServerError::unprocessable(
                "missing_field",
                "A reply as the contact (`type: user`) names them: `intercom_user_id`, `user_id` or `email`.",
            ))
        }
    };
    if db.conversation(id)?.contact != contact.id {
        return Err(ServerError::Forbidden(
            "That contact is not the customer of this conversation.",
        ));
    }
    Ok(contact.id)
}

/// A change to a conversation, as Intercom's conversation parts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ManageConversationRequest)]
pub struct PartBody {
    /// `close`, `open`, `snoozed` or `assignment`.
    #[schema(value_type = ManageType)]
    message_type: String,
    /// `admin`: teammates manage conversations. On an `assignment`, Intercom's clients say
    /// what `assignee_id` is: `admin` (a teammate) or `team`.
    #[serde(rename = "type")]
    #[schema(value_type = Option<ManageAs>)]
    author_type: Option<String>,
    /// The teammate who acts (the token's when absent; another needs an admin's token).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    admin_id: Option<String>,
    /// `close`: a reply to the customer before closing; `assignment`: an internal note with
    /// it.
    body: Option<String>,
    /// `snoozed` only: until when (Unix seconds, in the future).
    snoozed_until: Option<i64>,
    /// `assignment` only: the teammate or team to assign; `"0"` unassigns.
    assignee_id: Option<String>,
}

/// Who manages a conversation, or (on an `assignment`) what `assignee_id` is.
#[allow(dead_code)] // Only the document's: `type` is read as text and checked.
#[derive(Debug, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ManageAs {
    Admin,
    Team,
}

/// What a conversation part request does.
#[allow(dead_code)] // Only the document's: `message_type` is read as text and checked.
#[derive(Debug, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ManageType {
    Close,
    Open,
    Snoozed,
    Assignment,
}

/// Close, reopen, snooze or assign a conversation
#[utoipa::path(
    post,
    path = "/conversations/{id}/parts",
    operation_id = "post_conversations_id_parts",
    tag = "Conversations",
    security(("teammateToken" = [])),
    params(ConversationPath),
    request_body = PartBody,
    responses(
        (status = 200, description = "The conversation, as it is now.", body = ConversationResource),
        JsonBody, TeammateAuth,
        (status = 403, description = "`admin_id` names another teammate and the token is not an admin's (`forbidden`).", body = ErrorList),
        NotFound, Rule, Internal,
    ),
)]
pub async fn manage(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Path(id): Path<String>,
    Body(body): Body<PartBody>,
) -> Result<Json<ConversationResource>> {
    let assigning = body.message_type == "assignment";
    let author_type = body.author_type.as_deref().unwrap_or("admin");
    if !(author_type == "admin" || assigning && author_type == "team") {
        return Err(ServerError::unprocessable(
            "invalid_author",
            "Conversations are managed by teammates (`type: admin`); `team` only says what an `assignment`'s `assignee_id` is.",
        ));
    }
    let conversation = state
        .write(move |db| {
            let conversation = conversation_id(&id)?;
            let how = || -> Result<Apply> {
                Ok(Apply {
                    actor: actor(&acting(db, &me, body.admin_id.as_deref())?),
                    now: now(),
                    origin: None,
                    skip_notifications: false,
                })
            };
            let mut mutations = Vec::new();
            match body.message_type.as_str() {
                "close" => {
                    if let Some(text) = body.body.clone().filter(|b| !b.trim().is_empty()) {
                        mutations.push(Mutation::ConversationReply {
                            attachments: Vec::new(),
                            conversation,
                            body: text,
                            channel: MessageChannel::Messenger,
                        });
                    }
                    mutations.push(Mutation::CloseConversation { conversation });
                }
                "open" => mutations.push(Mutation::ReopenConversation { conversation }),
                "snoozed" => {
                    let until = body.snoozed_until.ok_or_else(|| {
                        ServerError::unprocessable(
                            "missing_field",
                            "`snoozed` needs `snoozed_until` (Unix seconds).",
                        )
                    })?;
                    mutations.push(Mutation::SnoozeConversation {
                        conversation,
                        until: until.saturating_mul(1000),
                    });
                }
                "assignment" => {
                    let (teammate, team) = assignee(db, body.assignee_id.as_deref())?;
                    mutations.push(Mutation::AssignConversation {
                        conversation,
                        teammate,
                        team,
                    });
                    if let Some(text) = body.body.clone().filter(|b| !b.trim().is_empty()) {
                        mutations.push(Mutation::ConversationNote {
                            attachments: Vec::new(),
                            conversation,
                            body: text,
                        });
                    }
                }
                _ => {
                    return Err(ServerError::bad_request(
                        "invalid_message_type",
                        "`message_type` is `close`, `open`, `snoozed` or `assignment`.",
                    ))
                }
            }
            for mutation in &mutations {
                apply_one(db, mutation, how()?)?;
            }
            full(db, conversation)
        })
        .await?;
    Ok(Json(conversation))
}

/// Intercom's `assignee_id`: a teammate's or a team's id, `"0"` for nobody.
fn assignee(db: &Db, id: Option<&str>) -> Result<(Option<TeammateId>, Option<TeamId>)> {
    let Some(id) = id.map(str::trim) else {
        return Err(ServerError::unprocessable(
            "missing_field",
            "`assignment` needs `assignee_id`: a teammate's or a team's id, or \"0\" for nobody.",
        ));
    };
    if id == "0" {
        return Ok((None, None));
    }
    if let Ok(teammate) = id.parse::<TeammateId>() {
        if db
            .get::<inbox_core::Teammate>(Kind::Teammate, &teammate.to_string())?
            .is_some()
        {
            return Ok((Some(teammate), None));
        }
    }
    let team: TeamId = parse_id("teammate or team", id)?;
    db.team(team)?;
    Ok((None, Some(team)))
}

/// The ticket a conversation becomes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ConvertConversationRequest)]
pub struct ConvertBody {
    /// The ticket's type: one whose tickets are shared with the customer.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    ticket_type_id: String,
    /// Values by attribute key or name, as for a new ticket; the description is the customer's
    /// messages when left out, and the title the conversation's subject.
    #[serde(default)]
    attributes: BTreeMap<String, Value>,
    /// Convert without notifying the customer.
    #[serde(default)]
    skip_notifications: bool,
}

/// Convert a conversation into a ticket shared with its customer (R11)
#[utoipa::path(
    post,
    path = "/conversations/{id}/convert",
    operation_id = "post_conversations_id_convert",
    tag = "Conversations",
    security(("teammateToken" = [])),
    params(ConversationPath),
    request_body = ConvertBody,
    responses(
        (status = 200, description = "The new ticket, linked to the conversation.", body = TicketResource),
        JsonBody, TeammateAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn convert(
    State(state): State<AppState>,
    Teammate(me): Teammate,
    Path(id): Path<String>,
    Body(body): Body<ConvertBody>,
) -> Result<Json<TicketResource>> {
    let ticket = state
        .write(move |db| {
            let conversation = db.conversation(conversation_id(&id)?)?;
            let at = now();
            let type_id: TicketTypeId = parse_id("ticket type", &body.ticket_type_id)?;
            let ticket_type = db.ticket_type(type_id)?;
            let mut attributes: BTreeMap<String, Value> = body
                .attributes
                .into_iter()
                .map(|(k, v)| (our_key(&ticket_type, &k), v))
                .collect();
            attributes
                .entry(TITLE.to_owned())
                .or_insert_with(|| Value::String(conversation.subject.clone()));
            let ticket_id = TicketId(ulid::Ulid::from_parts(at.max(0) as u64, random()));
            let contact = db.contact(conversation.contact)?;
            let req = CreateTicket {
                contacts: vec![contact.id],
                company: contact.company,
                assignee_teammate: conversation.assignee_teammate,
                assignee_team: conversation.assignee_team,
                ..CreateTicket::new(ticket_id, type_id, NewTicket { attributes })
            };
            let mutation = Mutation::ConvertConversation {
                conversation: conversation.id,
                ticket: req,
            };
            let how = Apply {
                actor: actor(&me),
                now: at,
                origin: None,
                skip_notifications: body.skip_notifications,
            };
            apply_one(db, &mutation, how)?;
            render(db, &db.ticket(ticket_id)?)
        })
        .await?;
    Ok(Json(ticket))
}
