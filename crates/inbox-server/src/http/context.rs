//! Every request gets an id, a tracing span (request id, method, route, and the teammate once
//! known) and one log line with its status and latency. The id goes back in `x-request-id`
//! and in the message of every internal error, so an admin can find the detail in the log.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use inbox_core::ErrorBody;
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: String;
}

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being handled, if any.
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

pub async fn request_context(req: Request, next: Next) -> Response {
    let id = format!("{:016x}", crate::authority::random() as u64);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", |p| p.as_str())
        .to_owned();
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        route = %route,
        teammate = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(req))
        .instrument(span.clone())
        .await;
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status, latency_ms, "handled"));
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// A handler that panicked answers like any internal error: a typed 500, no panic text.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let body = ErrorBody {
        code: "internal_error".into(),
        message: "The server failed to handle this request; it has been logged. Tell the server's admin the x-request-id of this answer.".into(),
    };
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(crate::error::wire(body)),
    )
        .into_response()
}
