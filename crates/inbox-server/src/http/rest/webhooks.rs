//! Webhook endpoints, for admins: register one (its secret is in that answer only), change its
//! URL or topics, turn it off and on (on again after a pause: what happened meanwhile follows,
//! in order), look at its recent deliveries, replay from an event, remove it.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::ToSchema;

use super::nullable;
use crate::authority::{now, random};
use crate::error::ErrorList;
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::openapi::{type_tag, AdminAuth, Internal, JsonBody, NotFound, WebhookPath};
use crate::http::{AppState, Teammate};
use crate::storage::Kind;
use crate::webhooks::{self, Attempt, Endpoint, TOPICS};
use crate::workspace::{not_found, Db};

type_tag!(WebhookTag = "webhook");
type_tag!(WebhookListTag = "webhook.list");

/// A topic: one of [`TOPICS`].
fn topic_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(TOPICS))
}

/// Topics, as a request names them.
fn topics_schema() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(topic_schema())
        .min_items(Some(1))
        .description(Some(
            "What to deliver: at least one topic (400 `missing_field`, `unknown_topic`).",
        ))
}

fn optional_topics_schema() -> ArrayBuilder {
    topics_schema().schema_type(utoipa::openapi::schema::SchemaType::from_iter([
        Type::Array,
        Type::Null,
    ]))
}

/// A webhook endpoint as admins see it: everything but its secret.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Webhook)]
pub struct WebhookResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: WebhookTag,
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: String,
    /// Where deliveries are posted.
    url: String,
    /// The topics it gets.
    #[schema(schema_with = topics_schema)]
    topics: Vec<String>,
    /// false: turned off, or paused after failing.
    active: bool,
    /// Why it was paused.
    paused_reason: Option<String>,
    /// Unix seconds.
    created_at: i64,
    /// The last event delivered (or skipped); the next one follows it.
    last_event_id: String,
    /// Failed attempts at the current event, in a row.
    failures: u32,
    /// The last attempts, newest first.
    recent_deliveries: Vec<Attempt>,
}

fn resource(e: &Endpoint) -> WebhookResource {
    WebhookResource {
        kind: WebhookTag::Tag,
        id: e.id.clone(),
        url: e.url.clone(),
        topics: e.topics.clone(),
        active: e.active,
        paused_reason: e.paused_reason.clone(),
        created_at: e.created_at / 1000,
        last_event_id: e.after.clone(),
        failures: e.failures,
        recent_deliveries: e.recent.iter().cloned().collect(),
    }
}

/// A webhook just registered, with the secret that signs its deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewWebhook {
    #[serde(flatten)]
    webhook: WebhookResource,
    /// Keep it to check signatures: it is shown only in this answer.
    secret: String,
}

/// The endpoints, and the topics there are.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: WebhookListTag,
    webhooks: Vec<WebhookResource>,
    /// Every topic an endpoint may ask for.
    #[schema(schema_with = topics_schema)]
    topics: Vec<&'static str>,
}

fn endpoint(db: &Db, id: &str) -> Result<Endpoint> {
    db.get(Kind::Webhook, id)?
        .ok_or_else(|| not_found("webhook", id))
}

/// Webhook endpoints and the topics there are
#[utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "get_webhooks",
    tag = "Webhooks",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "Every endpoint, and every topic.", body = WebhookList),
        AdminAuth, Internal,
    ),
)]
pub async fn list(State(state): State<AppState>, me: Teammate) -> Result<Json<WebhookList>> {
    me.require_admin()?;
    let all = state.read(webhooks::endpoints).await?;
    Ok(Json(WebhookList {
        kind: WebhookListTag::Tag,
        webhooks: all.iter().map(resource).collect(),
        topics: TOPICS.to_vec(),
    }))
}

/// An endpoint with its recent deliveries
#[utoipa::path(
    get,
    path = "/webhooks/{id}",
    operation_id = "get_webhooks_id",
    tag = "Webhooks",
    security(("teammateToken" = [])),
    params(WebhookPath),
    responses(
        (status = 200, description = "The endpoint.", body = WebhookResource),
        AdminAuth, NotFound, Internal,
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
) -> Result<Json<WebhookResource>> {
    me.require_admin()?;
    let found = state.read(move |db| endpoint(db, &id)).await?;
    Ok(Json(resource(&found)))
}

/// A new webhook endpoint.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateWebhookRequest)]
pub struct CreateBody {
    /// An http:// or https:// address of at most 2,000 characters, without spaces (400
    /// `invalid_url`).
    #[schema(max_length = 2000, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://[^/\\s]\\S*$")]
    url: String,
    #[schema(schema_with = topics_schema)]
    topics: Vec<String>,
}

/// Register an endpoint; its signing secret is in this answer only
///
/// Events from now on are delivered to it.
#[utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "post_webhooks",
    tag = "Webhooks",
    security(("teammateToken" = [])),
    request_body = CreateBody,
    responses(
        (status = 200, description = "The endpoint, with its secret.", body = NewWebhook),
        JsonBody, AdminAuth, Internal,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateBody>,
) -> Result<Json<NewWebhook>> {
    me.require_admin()?;
    let url = body.url.trim().to_owned();
    webhooks::validate(&url, &body.topics)?;
    let created = state
        .write(move |db| {
            let now = now();
            let id = ulid::Ulid::from_parts(now as u64, random());
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).expect("the OS random source works");
            let endpoint = Endpoint {
                id: id.to_string(),
                url,
                topics: body.topics,
                secret: hex::encode(secret),
                created_by: me.0.id,
                created_at: now,
                active: true,
                paused_reason: None,
                // Only what happens from now on: the newest event so far is already past.
                after: newest_event(db)?,
                failures: 0,
                retry_at: 0,
                lease_until: 0,
                leased_by: None,
                recent: Default::default(),
            };
            webhooks::save(db, &endpoint)?;
            Ok(NewWebhook {
                webhook: resource(&endpoint),
                secret: endpoint.secret,
            })
        })
        .await?;
    Ok(Json(created))
}

/// An event id after every event recorded so far: events are keyed by their change's cursor.
fn newest_event(db: &Db) -> Result<String> {
    Ok(format!("{:020}-999999", db.tx().last_cursor()?))
}

/// Changes to a webhook endpoint; fields left out keep their value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateWebhookRequest)]
pub struct UpdateBody {
    /// An http:// or https:// address of at most 2,000 characters, without spaces (400
    /// `invalid_url`).
    #[schema(max_length = 2000, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://[^/\\s]\\S*$")]
    url: Option<String>,
    #[schema(schema_with = optional_topics_schema)]
    topics: Option<Vec<String>>,
    /// false turns it off; true turns it (or a paused one) on again, with everything that
    /// happened meanwhile.
    active: Option<bool>,
    /// Deliver again everything after this event id (one in `recent_deliveries`; 400
    /// `unknown_event` for one no longer kept); null: every kept event.
    #[serde(default, deserialize_with = "nullable")]
    replay_after: Option<Option<String>>,
}

/// Change the URL or topics, turn off or on again, or replay from an event
#[utoipa::path(
    put,
    path = "/webhooks/{id}",
    operation_id = "put_webhooks_id",
    tag = "Webhooks",
    security(("teammateToken" = [])),
    params(WebhookPath),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The endpoint, updated.", body = WebhookResource),
        (status = 422, description = "`replay_after` names an event no longer kept (`unknown_event`).", body = ErrorList),
        JsonBody, AdminAuth, NotFound, Internal,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
    Body(body): Body<UpdateBody>,
) -> Result<Json<WebhookResource>> {
    me.require_admin()?;
    let updated = state
        .write(move |db| {
            let mut e = endpoint(db, &id)?;
            if let Some(url) = body.url {
                e.url = url.trim().to_owned();
            }
            if let Some(topics) = body.topics {
                e.topics = topics;
            }
            webhooks::validate(&e.url, &e.topics)?;
            if let Some(active) = body.active {
                if active && !e.active {
                    e.paused_reason = None;
                    e.failures = 0;
                    e.retry_at = 0;
                }
                e.active = active;
            }
            if let Some(after) = body.replay_after {
                let after = after.unwrap_or_default();
                if !after.is_empty() && db.tx().get(Kind::WebhookEvent, &after)?.is_none() {
                    return Err(ServerError::unprocessable(
                        "unknown_event",
                        format!(
                            "No event {after} is kept; replay from an id in recent_deliveries."
                        ),
                    ));
                }
                e.after = after;
                e.failures = 0;
                e.retry_at = 0;
            }
            webhooks::save(db, &e)?;
            Ok(resource(&e))
        })
        .await?;
    Ok(Json(updated))
}

/// Remove an endpoint
#[utoipa::path(
    delete,
    path = "/webhooks/{id}",
    operation_id = "delete_webhooks_id",
    tag = "Webhooks",
    security(("teammateToken" = [])),
    params(WebhookPath),
    responses(
        (status = 204, description = "Removed."),
        AdminAuth, NotFound, Internal,
    ),
)]
pub async fn delete(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode> {
    me.require_admin()?;
    state
        .write(move |db| {
            endpoint(db, &id)?;
            db.tx().delete(Kind::Webhook, &id)
        })
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
