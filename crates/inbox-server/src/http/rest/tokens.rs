//! API tokens for integrations: a teammate lists, makes and revokes their own; an admin does so
//! for anyone (`?teammate_id=`), which is how a leaked key or a departed teammate's integration
//! is cut off. Secrets are shown once, when made.

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::TeammateId;
use serde::Deserialize;
use serde_json::{json, Value};

use super::parse_id;
use crate::auth::{self, Subject, TokenKind};
use crate::authority::now;
use crate::error::{Result, ServerError};
use crate::http::extract::{Body, Query};
use crate::http::{AppState, Teammate};

#[derive(Deserialize)]
pub struct Whose {
    teammate_id: Option<String>,
}

/// The teammate a request is about: the caller, or (for an admin) the one named.
fn whose(me: &Teammate, q: Whose) -> Result<TeammateId> {
    match q.teammate_id {
        None => Ok(me.0.id),
        Some(id) => {
            let id: TeammateId = parse_id("teammate", &id)?;
            if id != me.0.id {
                me.require_admin()?;
            }
            Ok(id)
        }
    }
}

/// `GET /tokens`: sessions and API tokens, newest first.
pub async fn list(
    State(state): State<AppState>,
    me: Teammate,
    Query(q): Query<Whose>,
) -> Result<Json<Value>> {
    let teammate = whose(&me, q)?;
    let tokens = state.read(move |db| auth::tokens_of(db, teammate)).await?;
    Ok(Json(json!({ "type": "token.list", "tokens": tokens })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    /// What the token is for ("Zapier", "billing sync").
    name: String,
}

/// `POST /tokens`: a new API token of the caller's; its secret is in this answer only.
pub async fn create(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateBody>,
) -> Result<Json<Value>> {
    let name = body.name.trim().to_owned();
    if name.is_empty() {
        return Err(ServerError::bad_request(
            "missing_field",
            "`name` says what the token is for.",
        ));
    }
    inbox_core::limits::line("token's name", &name, inbox_core::limits::MAX_NAME)?;
    let id = me.0.id;
    let token = state
        .write(move |db| auth::issue(db, Subject::Teammate(id), TokenKind::Api, Some(name), now()))
        .await?;
    Ok(Json(json!({ "type": "token", "token": token })))
}

/// `DELETE /tokens/{id}`: the token stops working at once, live streams included.
pub async fn revoke(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
    Query(q): Query<Whose>,
) -> Result<axum::http::StatusCode> {
    let teammate = whose(&me, q)?;
    let revoked = state
        .write(move |db| auth::revoke_by_id(db, teammate, &id))
        .await?;
    if !revoked {
        return Err(crate::workspace::not_found("token", "that id"));
    }
    state.auth_changed();
    Ok(axum::http::StatusCode::NO_CONTENT)
}
