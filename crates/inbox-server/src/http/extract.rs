//! Request extractors whose failures are typed `{code, message}` errors like every other.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use inbox_core::{Contact, Role};
use serde::de::DeserializeOwned;

use super::AppState;
use crate::auth::{self, Subject};
use crate::error::ServerError;
use crate::storage::Kind;

fn bearer(parts: &Parts) -> Result<String, ServerError> {
    let header = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ServerError::Unauthorized)?;
    header
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or(ServerError::Unauthorized)
}

async fn subject(parts: &Parts, state: &AppState) -> Result<Subject, ServerError> {
    let token = bearer(parts)?;
    state.read(move |db| auth::resolve(db, &token)).await
}

/// The bearer token a request came with (not yet checked: pair it with [`Teammate`]).
pub struct SignedIn(pub String);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ServerError> {
        bearer(parts).map(SignedIn)
    }
}

/// The teammate a request speaks for.
#[derive(Debug, Clone)]
pub struct Teammate(pub inbox_core::Teammate);

impl Teammate {
    pub fn require_admin(&self) -> Result<(), ServerError> {
        if self.0.role == Role::Admin {
            Ok(())
        } else {
            Err(ServerError::Forbidden(
                "Only an admin can change workspace settings, ticket types and states.",
            ))
        }
    }
}

impl FromRequestParts<AppState> for Teammate {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        match subject(parts, state).await? {
            Subject::Teammate(id) => {
                let teammate = state
                    .read(move |db| db.require(Kind::Teammate, "teammate", &id.to_string()))
                    .await
                    .map_err(|_| ServerError::Unauthorized)?;
                Ok(Teammate(teammate))
            }
            Subject::Contact(_) => Err(ServerError::Forbidden(
                "A customer token can only use the Messenger API (/messenger/…).",
            )),
        }
    }
}

/// The customer a Messenger request speaks for.
#[derive(Debug, Clone)]
pub struct Customer(pub Contact);

impl FromRequestParts<AppState> for Customer {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        match subject(parts, state).await? {
            Subject::Contact(id) => {
                let contact = state
                    .read(move |db| db.require(Kind::Contact, "contact", &id.to_string()))
                    .await
                    .map_err(|_| ServerError::Unauthorized)?;
                Ok(Customer(contact))
            }
            Subject::Teammate(_) => Err(ServerError::Forbidden(
                "The Messenger API takes a customer token; teammates use the REST API.",
            )),
        }
    }
}

/// A JSON body; a malformed one is a 400 `invalid_body` saying what is wrong.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ServerError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ServerError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ServerError::TooLarge;
    }
    let code = match rejection {
        JsonRejection::MissingJsonContentType(_) => "expected_json",
        _ => "invalid_body",
    };
    ServerError::bad_request(code, rejection.body_text())
}

/// Query parameters; bad ones are a 400 `invalid_query`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ServerError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e: QueryRejection| ServerError::bad_request("invalid_query", e.body_text()))
    }
}

/// Raw bytes (an inbound email); too large is a 413.
pub async fn bytes(req: Request) -> Result<axum::body::Bytes, ServerError> {
    axum::body::to_bytes(req.into_body(), super::BODY_LIMIT)
        .await
        .map_err(|_| ServerError::TooLarge)
}
