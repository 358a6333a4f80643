//! The sync API the app uses: push (exactly once), pull, bootstrap and the live stream.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::stream::{self, Stream};
use inbox_core::{Millis, TeammateId, TicketId};
use inbox_sync::{
    BootstrapPage, Cursor, LoginRequest, LoginResponse, Poke, PullResponse, PushRequest,
    PushResponse, Record, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{Body, ClientAddress, Query, SignedIn};
use super::live::Live;
use super::openapi::{
    BadQuery, Conflict, Internal, JsonBody, NotFound, ProtocolHeader, Rule, SignInRefused,
    TeammateAuth,
};
use super::{AppState, Teammate};
use crate::auth::{self, Subject, TokenKind};
use crate::authority::{self, check_client_id, now};
use crate::error::ErrorList;
use crate::error::{Result, ServerError};
use crate::setup::find_teammate;
use crate::storage::Kind;
use crate::workspace::{parse, Db};

/// Mutations in one push, at most.
pub const MAX_PUSH: usize = 1_000;
const MAX_PULL: usize = 1_000;
/// Records per bootstrap page.
pub const BOOTSTRAP_PAGE: usize = 5_000;

/// A client speaking another protocol version is told so rather than misread.
fn check_protocol(headers: &HeaderMap) -> Result<()> {
    let Some(value) = headers.get(PROTOCOL_HEADER) else {
        return Ok(());
    };
    if value.to_str().ok() == Some(PROTOCOL_VERSION.to_string().as_str()) {
        return Ok(());
    }
    Err(ServerError::bad_request(
        "protocol_mismatch",
        format!(
            "This server speaks sync protocol {PROTOCOL_VERSION}; update the app (it sent {}).",
            value.to_str().unwrap_or("?")
        ),
    ))
}

/// Push client mutations; each is applied exactly once per (client_id, seq)
///
/// A replayed mutation gets its first result again. A mutation the rules refuse is
/// `rejected` with its error, and the others go on.
#[utoipa::path(
    post,
    path = "/sync/push",
    operation_id = "post_sync_push",
    tag = "Sync",
    security(("teammateToken" = [])),
    params(ProtocolHeader),
    request_body = PushRequest,
    responses(
        (status = 200, description = "What became of each mutation, and the newest cursor.", body = PushResponse),
        JsonBody, TeammateAuth,
        (status = 409, description = "The client id is another teammate's (`client_id_taken`).", body = ErrorList),
        Internal,
    ),
)]
pub async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    Teammate(teammate): Teammate,
    Body(req): Body<PushRequest>,
) -> Result<Json<PushResponse>> {
    check_protocol(&headers)?;
    check_client_id(&req.client_id)?;
    if req.mutations.len() > MAX_PUSH {
        return Err(ServerError::bad_request(
            "push_too_large",
            format!("Push at most {MAX_PUSH} mutations at a time."),
        ));
    }
    let response = state
        .write(move |db| authority::push(db, teammate.id, &req.client_id, &req.mutations, now()))
        .await?;
    let (cursor, _) = state.subscribe();
    Ok(Json(PushResponse {
        results: response,
        cursor: Cursor(cursor),
    }))
}

/// Where to pull from.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// The cursor to pull after (0, the default: everything).
    #[serde(default)]
    after: i64,
    /// At most this many change sets: 1 to 1,000 (the default; others are brought into that
    /// range).
    #[param(minimum = 0)]
    limit: Option<usize>,
}

/// Sign in: a teammate's email and password for a new API token
///
/// A wrong email and a wrong password get the same answer, in the same time; repeated failures
/// are slowed down (429) and a flood of sign-ins waits its turn (503).
#[utoipa::path(
    post,
    path = "/sync/login",
    operation_id = "post_sync_login",
    tag = "Sync",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "A new session token and the teammate it speaks for.", body = LoginResponse),
        JsonBody, SignInRefused, Internal,
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(req): Body<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let account = req.email.trim().to_lowercase();
    let _check = state.logins.admit(&account, &address).await?;
    let email = req.email.clone();
    let (teammate, stored) = state
        .read(move |db| {
            let teammate = find_teammate(db, &email)?;
            let stored = match &teammate {
                Some(t) => auth::password_hash(db, t.id)?,
                None => None,
            };
            Ok((teammate, stored))
        })
        .await?;
    // Hashing takes tens of milliseconds of CPU on purpose: off the async workers.
    let password = req.password;
    let matches =
        tokio::task::spawn_blocking(move || auth::verify_password(stored.as_deref(), &password))
            .await
            .unwrap_or(false);
    state.logins.record(&account, matches);
    // A deactivated teammate gets the same answer as a wrong password: nothing to learn.
    let Some(teammate) = teammate.filter(|t| matches && t.active) else {
        return Err(ServerError::InvalidCredentials);
    };
    let id = teammate.id;
    let token = state
        .write(move |db| auth::issue(db, Subject::Teammate(id), TokenKind::Session, None, now()))
        .await?;
    Ok(Json(LoginResponse { token, teammate }))
}

/// Sign out: the request's token stops working
#[utoipa::path(
    post,
    path = "/sync/logout",
    operation_id = "post_sync_logout",
    tag = "Sync",
    security(("teammateToken" = [])),
    responses(
        (status = 204, description = "Signed out."),
        TeammateAuth, Internal,
    ),
)]
pub async fn logout(
    State(state): State<AppState>,
    SignedIn(token): SignedIn,
    _: Teammate,
) -> Result<axum::http::StatusCode> {
    state.write(move |db| auth::revoke(db, &token)).await?;
    state.auth_changed();
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// An admin's settings change: a ticket type with its attributes, a state, a brand, a team or a teammate, saved whole
///
/// Checked by inbox-core and logged like any change, so every app pulls it. The answer is what
/// was saved (a new default brand also saves the one that stops being the default).
#[utoipa::path(
    post,
    path = "/sync/admin",
    operation_id = "post_sync_admin",
    tag = "Sync",
    security(("teammateToken" = [])),
    params(ProtocolHeader),
    request_body = inbox_core::AdminChange,
    responses(
        (status = 200, description = "What was saved.", body = inbox_core::Saved),
        JsonBody,
        (status = 401, description = "No valid token (`unauthorized`): send `Authorization: Bearer TOKEN`.", body = ErrorList),
        (status = 403, description = "Only an admin changes settings (`not_admin`), and a customer's token never (`forbidden`).", body = ErrorList),
        NotFound, Conflict, Rule, Internal,
    ),
)]
pub async fn admin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Teammate(teammate): Teammate,
    Body(change): Body<inbox_core::AdminChange>,
) -> Result<Json<inbox_core::Saved>> {
    check_protocol(&headers)?;
    let saved = state
        .write(move |db| authority::save_settings(db, &change, &teammate, now()))
        .await?;
    if !saved.teammates.is_empty() {
        state.auth_changed();
    }
    Ok(Json(saved))
}

/// The teammate the token speaks for
#[utoipa::path(
    get,
    path = "/sync/me",
    operation_id = "get_sync_me",
    tag = "Sync",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "The teammate (the app's \"me\").", body = inbox_core::Teammate),
        TeammateAuth, Internal,
    ),
)]
pub async fn me(Teammate(teammate): Teammate) -> Json<inbox_core::Teammate> {
    Json(teammate)
}

/// Change sets after a cursor
#[utoipa::path(
    get,
    path = "/sync/pull",
    operation_id = "get_sync_pull",
    tag = "Sync",
    security(("teammateToken" = [])),
    params(PullQuery, ProtocolHeader),
    responses(
        (status = 200, description = "The changes after `after`, oldest first.", body = PullResponse),
        BadQuery, TeammateAuth, Internal,
    ),
)]
pub async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    Teammate(me): Teammate,
    Query(q): Query<PullQuery>,
) -> Result<Json<PullResponse>> {
    check_protocol(&headers)?;
    let limit = q.limit.unwrap_or(MAX_PULL).clamp(1, MAX_PULL);
    let after = Cursor(q.after);
    let response = state
        .read(move |db| {
            let mut changes = db.changes_after(after, limit + 1)?;
            let more = changes.len() > limit;
            changes.truncate(limit);
            let cursor = changes.last().map(|c| c.cursor).unwrap_or(after);
            for change in &mut changes {
                change.records.retain(|r| r.visible_to(me.id));
            }
            Ok(PullResponse {
                changes,
                cursor,
                more,
            })
        })
        .await?;
    Ok(Json(response))
}

/// Where a bootstrap is: the snapshot's cursor, the phase, and the last id sent in it.
#[derive(Debug, PartialEq)]
struct PageToken {
    cursor: i64,
    phase: usize,
    after: String,
}

/// The bootstrap goes through the small collections, then tickets, then timeline parts.
const ENTITY_PHASES: [Kind; 11] = [
    Kind::Brand,
    Kind::Teammate,
    Kind::Team,
    Kind::Company,
    Kind::Contact,
    Kind::TicketState,
    Kind::TicketType,
    Kind::Conversation,
    Kind::Read,
    Kind::ConversationRead,
    Kind::Macro,
];
const TICKETS: usize = ENTITY_PHASES.len();
const PARTS: usize = TICKETS + 1;

impl PageToken {
    fn encode(&self) -> String {
        format!("{}.{}.{}", self.cursor, self.phase, self.after)
    }

    fn decode(token: &str) -> Result<PageToken> {
        let bad = || {
            ServerError::bad_request(
                "invalid_page",
                "This bootstrap page token is not one the server gave out.",
            )
        };
        let mut it = token.splitn(3, '.');
        let cursor = it.next().and_then(|c| c.parse().ok()).ok_or_else(bad)?;
        let phase = it
            .next()
            .and_then(|p| p.parse().ok())
            .filter(|p| *p <= PARTS)
            .ok_or_else(bad)?;
        let after = it.next().ok_or_else(bad)?.to_owned();
        Ok(PageToken {
            cursor,
            phase,
            after,
        })
    }
}

/// Which bootstrap page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BootstrapQuery {
    /// `next` of the previous page; absent for the first page (400 `invalid_page` for a token
    /// the server did not give out).
    #[param(pattern = "^[+-]?[0-9]{1,18}\\.0{0,8}([0-9]|1[0-2])\\.")]
    page: Option<String>,
}

/// The whole workspace, in pages
///
/// Every page carries the cursor the snapshot started at; once the last page is in, pull from
/// there.
#[utoipa::path(
    get,
    path = "/sync/bootstrap",
    operation_id = "get_sync_bootstrap",
    tag = "Sync",
    security(("teammateToken" = [])),
    params(BootstrapQuery, ProtocolHeader),
    responses(
        (status = 200, description = "One page of records.", body = BootstrapPage),
        BadQuery, TeammateAuth, Internal,
    ),
)]
pub async fn bootstrap(
    State(state): State<AppState>,
    headers: HeaderMap,
    Teammate(me): Teammate,
    Query(q): Query<BootstrapQuery>,
) -> Result<Json<BootstrapPage>> {
    check_protocol(&headers)?;
    let token = q.page.as_deref().map(PageToken::decode).transpose()?;
    let mut page = state.read(move |db| bootstrap_page(db, token)).await?;
    page.records.retain(|r| r.visible_to(me.id));
    Ok(Json(page))
}

fn bootstrap_page(db: &Db, token: Option<PageToken>) -> Result<BootstrapPage> {
    let mut token = match token {
        Some(t) => t,
        None => PageToken {
            cursor: db.tx().last_cursor()?,
            phase: 0,
            after: String::new(),
        },
    };
    let mut records = Vec::new();
    if token.phase == 0 && token.after.is_empty() {
        records.push(Record::Settings(db.settings()?));
    }
    while records.len() < BOOTSTRAP_PAGE && token.phase <= PARTS {
        let room = BOOTSTRAP_PAGE - records.len();
        let (got, last) = match token.phase {
            TICKETS => {
                let rows = db.tx().tickets_after(&token.after, room)?;
                let last = rows.last().map(|(id, _)| id.clone());
                for (_, doc) in &rows {
                    records.push(Record::Ticket(Box::new(parse("ticket", doc)?)));
                }
                (rows.len(), last)
            }
            PARTS => {
                let after = token.after.parse().unwrap_or(0);
                let rows = db.tx().parts_after(after, room)?;
                let last = rows.last().map(|(pos, _)| pos.to_string());
                for (_, doc) in &rows {
                    records.push(part_record(doc)?);
                }
                (rows.len(), last)
            }
            phase => {
                let kind = ENTITY_PHASES[phase];
                let rows = db.tx().list(kind, &token.after, room)?;
                let last = rows.last().map(|(id, _)| id.clone());
                for (id, doc) in &rows {
                    records.push(entity_record(kind, id, doc)?);
                }
                (rows.len(), last)
            }
        };
        if got < room {
            token.phase += 1;
            token.after = String::new();
        } else if let Some(last) = last {
            token.after = last;
        }
    }
    Ok(BootstrapPage {
        cursor: Cursor(token.cursor),
        records,
        next: (token.phase <= PARTS).then(|| token.encode()),
        total_tickets: db.tx().ticket_count()? as u64,
    })
}

fn entity_record(kind: Kind, id: &str, doc: &str) -> Result<Record> {
    Ok(match kind {
        Kind::Brand => Record::Brand(parse("brand", doc)?),
        Kind::Teammate => Record::Teammate(parse("teammate", doc)?),
        Kind::Team => Record::Team(parse("team", doc)?),
        Kind::Company => Record::Company(parse("company", doc)?),
        Kind::Contact => Record::Contact(parse("contact", doc)?),
        Kind::TicketState => Record::TicketState(parse("ticket state", doc)?),
        Kind::TicketType => Record::TicketType(parse("ticket type", doc)?),
        Kind::Macro => Record::Macro(parse("macro", doc)?),
        Kind::Conversation => Record::Conversation(parse("conversation", doc)?),
        Kind::Read => {
            let (teammate, ticket) = id.split_once('/').unwrap_or((id, ""));
            let corrupt = |_| ServerError::Storage(format!("a read mark has a bad id: {id}"));
            Record::Read {
                teammate: teammate.parse::<TeammateId>().map_err(corrupt)?,
                ticket: ticket.parse::<TicketId>().map_err(corrupt)?,
                at: parse::<Millis>("read mark", doc)?,
            }
        }
        Kind::ConversationRead => {
            let (teammate, conversation) = id.split_once('/').unwrap_or((id, ""));
            let corrupt = |_| ServerError::Storage(format!("a read mark has a bad id: {id}"));
            Record::ConversationRead {
                teammate: teammate.parse::<TeammateId>().map_err(corrupt)?,
                conversation: conversation.parse().map_err(corrupt)?,
                at: parse::<Millis>("read mark", doc)?,
            }
        }
        other => unreachable!("{} is never bootstrapped", other.as_str()),
    })
}

/// Ticket and conversation parts share one table; the owner field tells them apart.
fn part_record(doc: &str) -> Result<Record> {
    let value: serde_json::Value = parse("part", doc)?;
    if value.get("conversation").is_some() {
        Ok(Record::ConversationPart(parse("conversation part", doc)?))
    } else {
        Ok(Record::TicketPart(parse("part", doc)?))
    }
}

/// Live stream: server-sent `poke` events telling the client to pull
///
/// One `poke` with the newest cursor on connect and after every change. The stream ends as
/// soon as its token stops working (signed out, revoked, expired, the teammate deactivated): a
/// departed teammate's app hears nothing more.
#[utoipa::path(
    get,
    path = "/sync/stream",
    operation_id = "get_sync_stream",
    tag = "Sync",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "Server-sent events, never ending while the token works: a `poke` on connect and after every change, and keep-alive comments.", content_type = "text/event-stream", body = StreamEvent),
        TeammateAuth, Internal,
    ),
)]
pub async fn stream(
    State(state): State<AppState>,
    SignedIn(token): SignedIn,
    _: Teammate,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let live = Live::new(&state, token);
    let events = stream::unfold(live, |mut live| async move {
        let cursor = live.next_poke().await?;
        let poke = Poke {
            cursor: Cursor(cursor),
        };
        let event = Event::default()
            .event("poke")
            .json_data(poke)
            .expect("pokes serialise");
        Some((Ok(event), live))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// An event of the live stream: always a `poke`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only the document's: events are written by axum's `Event`.
pub struct StreamEvent {
    #[schema(inline)]
    event: PokeTag,
    /// A `Poke` as JSON: `{"cursor": N}`, the newest cursor; pull up to it.
    #[schema(
        content_media_type = "application/json",
        pattern = "^\\{\"cursor\":-?[0-9]+\\}$"
    )]
    data: String,
}

super::openapi::type_tag!(PokeTag = "poke");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_refuse_garbage() {
        let token = PageToken {
            cursor: 42,
            phase: 8,
            after: "01ARZ3NDEKTSV4RRFFQ69G5FAV/01ARZ3NDEKTSV4RRFFQ69G5FAW".into(),
        };
        assert_eq!(PageToken::decode(&token.encode()).unwrap(), token);
        for bad in ["", "x.1.", "1.99.", "1"] {
            assert!(PageToken::decode(bad).is_err(), "{bad}");
        }
    }
}
