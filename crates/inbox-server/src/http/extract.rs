//! Request extractors whose failures are typed `{code, message}` errors like every other.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use inbox_core::{Contact, Role};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

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
    let resolved = state.check_token(token.clone()).await?;
    if resolved.stale {
        state
            .write(move |db| auth::touch(db, &token, crate::authority::now()))
            .await?;
    }
    Ok(resolved.subject)
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
                "Only an admin can do this: change workspace settings, ticket types, states and teammates, make customer tokens, or see the email queue.",
            ))
        }
    }
}

impl FromRequestParts<AppState> for Teammate {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        match subject(parts, state).await? {
            Subject::Teammate(id) => {
                tracing::Span::current().record("teammate", tracing::field::display(id));
                let teammate: inbox_core::Teammate = state
                    .read(move |db| db.require(Kind::Teammate, "teammate", &id.to_string()))
                    .await
                    .map_err(|_| ServerError::Unauthorized)?;
                if !teammate.active {
                    return Err(ServerError::Unauthorized);
                }
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

/// The address a request came from: the peer, or behind a local proxy the address the proxy
/// put last in `X-Forwarded-For`.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = || {
            let header = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()?;
            let last = header.to_str().ok()?.rsplit(',').next()?.trim();
            last.parse::<std::net::IpAddr>().ok()
        };
        let address = match peer {
            Some(ip) if state.limits.behind_proxy && ip.is_loopback() => forwarded().or(Some(ip)),
            other => other,
        };
        Ok(ClientAddress(
            address.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// A JSON body; a malformed one is a 400 `invalid_body` saying what is wrong, one that takes
/// longer than the body deadline to arrive a 408.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ServerError> {
        let json = axum::Json::<Value>::from_request(req, state);
        let mut value = match tokio::time::timeout(state.limits.body_timeout, json).await {
            Err(_) => return Err(ServerError::BodyTimeout),
            Ok(Ok(axum::Json(value))) => value,
            Ok(Err(rejection)) => return Err(json_rejection(rejection)),
        };
        if !value.is_object() {
            return Err(invalid_body("The body is a JSON object."));
        }
        whole_numbers_as_integers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(Body)
            .map_err(|e| invalid_body(format!("{}: {}", e.path(), e.inner())))
    }
}

fn invalid_body(message: impl Into<String>) -> ServerError {
    ServerError::bad_request("invalid_body", message)
}

/// JSON has one kind of number: `3.0` is the integer 3 to a JSON Schema, and to a client
/// that computed it. Serde refuses floats for integer fields, so whole ones become integers.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            let Some(f) = n.as_f64() else { return };
            // Beyond 2^53 a float is no longer an exact whole number of anything.
            if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// For a body's nested object fields (`#[serde(deserialize_with = "object")]`): serde's
/// derived structs also take an array of their fields in order, which the API does not.
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let value = Value::deserialize(d)?;
    if value.is_array() {
        return Err(D::Error::custom("expected an object, not an array"));
    }
    T::deserialize(value).map_err(D::Error::custom)
}

/// Like [`object`], for a list of objects.
pub fn objects<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    let items = Vec::<Value>::deserialize(d)?;
    if items.iter().any(Value::is_array) {
        return Err(D::Error::custom(
            "expected a list of objects, not of arrays",
        ));
    }
    items
        .into_iter()
        .map(|item| T::deserialize(item).map_err(D::Error::custom))
        .collect()
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

/// Raw bytes (an inbound email); too large is a 413, too slow a 408.
pub async fn bytes(req: Request, state: &AppState) -> Result<axum::body::Bytes, ServerError> {
    let body = axum::body::to_bytes(req.into_body(), super::BODY_LIMIT);
    tokio::time::timeout(state.limits.body_timeout, body)
        .await
        .map_err(|_| ServerError::BodyTimeout)?
        .map_err(|_| ServerError::TooLarge)
}

/// Reads a body of at most `limit` bytes into one buffer sized from its declared length, so
/// a large upload is held once (not in pieces and then again joined). `Err` when it is
/// longer than `limit` or breaks off.
pub async fn bounded(
    body: axum::body::Body,
    limit: usize,
    declared: u64,
) -> Result<axum::body::Bytes, ()> {
    use futures_util::StreamExt;
    let capacity = usize::try_from(declared).unwrap_or(limit).min(limit);
    let mut buffer = Vec::with_capacity(capacity);
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(drop)?;
        if buffer.len() + chunk.len() > limit {
            return Err(());
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.into())
}
