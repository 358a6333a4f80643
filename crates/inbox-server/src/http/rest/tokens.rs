//! API tokens for integrations: a teammate lists, makes and revokes their own; an admin does so
//! for anyone (`?teammate_id=`), which is how a leaked key or a departed teammate's integration
//! is cut off. Secrets are shown once, when made.

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::TeammateId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::parse_id;
use crate::auth::{self, Subject, TokenInfo, TokenKind};
use crate::authority::now;
use crate::error::{ErrorList, Result, ServerError};
use crate::http::extract::{Body, Query};
use crate::http::openapi::{
    type_tag, BadQuery, Internal, JsonBody, NotFound, Rule, TeammateAuth, TokenPath,
};
use crate::http::{AppState, Teammate};

/// Whose tokens a request is about.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Whose {
    /// Another teammate's (admins only: 403 otherwise); the caller's when absent.
    #[param(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    teammate_id: Option<String>,
}

type_tag!(TokenListTag = "token.list");
type_tag!(TokenTag = "token");

/// A teammate's sessions and API tokens, newest first.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: TokenListTag,
    tokens: Vec<TokenInfo>,
}

/// A new API token.
#[derive(Serialize, ToSchema)]
pub struct NewToken {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: TokenTag,
    /// The secret, shown only in this answer: send it as `Authorization: Bearer TOKEN`.
    token: String,
}

/// 403 for another teammate's tokens without an admin's token.
const NOT_YOURS: &str = "A customer's token, or `teammate_id` names another teammate and the token is not an admin's (`forbidden`).";

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

/// Your sessions and API tokens (an admin: anyone's, with teammate_id)
#[utoipa::path(
    get,
    path = "/tokens",
    operation_id = "get_tokens",
    tag = "Teammates",
    security(("teammateToken" = [])),
    params(Whose),
    responses(
        (status = 200, description = "The tokens, newest first; never their secrets.", body = TokenList),
        BadQuery, TeammateAuth,
        (status = 403, description = NOT_YOURS, body = ErrorList),
        NotFound, Internal,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    me: Teammate,
    Query(q): Query<Whose>,
) -> Result<Json<TokenList>> {
    let teammate = whose(&me, q)?;
    let tokens = state.read(move |db| auth::tokens_of(db, teammate)).await?;
    Ok(Json(TokenList {
        kind: TokenListTag::Tag,
        tokens,
    }))
}

/// A new API token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateTokenRequest)]
pub struct CreateBody {
    /// What the token is for ("Zapier", "billing sync"); not blank (400 `missing_field`).
    #[schema(min_length = 1, max_length = 250, pattern = "\\S")]
    name: String,
}

/// A new API token for an integration; its secret is shown only in this answer
#[utoipa::path(
    post,
    path = "/tokens",
    operation_id = "post_tokens",
    tag = "Teammates",
    security(("teammateToken" = [])),
    request_body = CreateBody,
    responses(
        (status = 200, description = "The token.", body = NewToken),
        JsonBody, TeammateAuth, Rule, Internal,
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateBody>,
) -> Result<Json<NewToken>> {
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
    Ok(Json(NewToken {
        kind: TokenTag::Tag,
        token,
    }))
}

/// Revoke a token: it stops working at once
///
/// Live streams signed in with it end too.
#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    operation_id = "delete_tokens_id",
    tag = "Teammates",
    security(("teammateToken" = [])),
    params(TokenPath, Whose),
    responses(
        (status = 204, description = "Revoked."),
        BadQuery, TeammateAuth,
        (status = 403, description = NOT_YOURS, body = ErrorList),
        NotFound, Internal,
    ),
)]
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
