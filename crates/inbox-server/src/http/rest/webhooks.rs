//! Webhook endpoints, for admins: register one (its secret is in that answer only), change its
//! URL or topics, turn it off and on (on again after a pause: what happened meanwhile follows,
//! in order), look at its recent deliveries, replay from an event, remove it.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::nullable;
use crate::authority::{now, random};
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::{AppState, Teammate};
use crate::storage::Kind;
use crate::webhooks::{self, Endpoint, TOPICS};
use crate::workspace::{not_found, Db};

fn endpoint(db: &Db, id: &str) -> Result<Endpoint> {
    db.get(Kind::Webhook, id)?
        .ok_or_else(|| not_found("webhook", id))
}

/// `GET /webhooks`
pub async fn list(State(state): State<AppState>, me: Teammate) -> Result<Json<Value>> {
    me.require_admin()?;
    let all = state.read(webhooks::endpoints).await?;
    let items: Vec<Value> = all.iter().map(Endpoint::resource).collect();
    Ok(Json(
        json!({ "type": "webhook.list", "webhooks": items, "topics": TOPICS }),
    ))
}

/// `GET /webhooks/{id}`: with its recent deliveries.
pub async fn show(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    me.require_admin()?;
    let found = state.read(move |db| endpoint(db, &id)).await?;
    Ok(Json(found.resource()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    url: String,
    topics: Vec<String>,
}

/// `POST /webhooks`: events from now on are delivered to it.
pub async fn create(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateBody>,
) -> Result<Json<Value>> {
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
            let mut answer = endpoint.resource();
            answer["secret"] = json!(endpoint.secret);
            Ok(answer)
        })
        .await?;
    Ok(Json(created))
}

/// An event id after every event recorded so far: events are keyed by their change's cursor.
fn newest_event(db: &Db) -> Result<String> {
    Ok(format!("{:020}-999999", db.tx().last_cursor()?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    url: Option<String>,
    topics: Option<Vec<String>>,
    active: Option<bool>,
    /// Deliver again everything after this event id (null: everything kept).
    #[serde(default, deserialize_with = "nullable")]
    replay_after: Option<Option<String>>,
}

/// `PUT /webhooks/{id}`: a new URL or topics, off or on again, or a replay.
pub async fn update(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
    Body(body): Body<UpdateBody>,
) -> Result<Json<Value>> {
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
                    return Err(ServerError::bad_request(
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
            Ok(e.resource())
        })
        .await?;
    Ok(Json(updated))
}

/// `DELETE /webhooks/{id}`
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
