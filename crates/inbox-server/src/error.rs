//! The server's one error type: every failure becomes `{code, message}` with an HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use inbox_core::{CoreError, ErrorBody};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("The request needs a valid token: send `Authorization: Bearer TOKEN`.")]
    Unauthorized,
    #[error("The email or password is not right.")]
    InvalidCredentials,
    /// A customer's proof of who they are did not hold (a link, a code, an identity hash).
    #[error("{message}")]
    NotVerified { code: &'static str, message: String },
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A well-formed request whose content cannot be used (an inbound email with no reply
    /// address…): 422, where 400 means the request itself is malformed.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("The request body is larger than the server accepts.")]
    TooLarge,
    #[error("The request body did not arrive in time.")]
    BodyTimeout,
    #[error("There is no such endpoint; see /openapi.json.")]
    NotFoundRoute,
    #[error("This endpoint does not take that method; see /openapi.json.")]
    MethodNotAllowed,
    #[error("The storage failed: {0}")]
    Storage(String),
    /// A stored document no longer reads: the database was changed behind our back.
    #[error("The storage holds a record it cannot read: {0}")]
    Corrupt(String),
    /// An email could not be handed on for now (the relay is unreachable or busy).
    #[error("{0}")]
    Delivery(String),
    /// An email that can never be delivered (the relay refused it for good).
    #[error("{0}")]
    Undeliverable(String),
    /// Too many requests of a kind: try again after `retry_after` seconds.
    #[error("{message}")]
    TooMany {
        code: &'static str,
        message: String,
        retry_after: u64,
    },
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

impl ServerError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ServerError {
        ServerError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> ServerError {
        ServerError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ServerError::Core(e) => e.code(),
            ServerError::Unauthorized => "unauthorized",
            ServerError::InvalidCredentials => "invalid_credentials",
            ServerError::NotVerified { code, .. } => code,
            ServerError::Forbidden(_) => "forbidden",
            ServerError::BadRequest { code, .. }
            | ServerError::Conflict { code, .. }
            | ServerError::Unprocessable { code, .. } => code,
            ServerError::TooLarge => "body_too_large",
            ServerError::BodyTimeout => "body_timeout",
            ServerError::NotFoundRoute => "no_such_endpoint",
            ServerError::MethodNotAllowed => "method_not_allowed",
            ServerError::Storage(_) => "storage_failed",
            ServerError::Corrupt(_) => "storage_failed",
            ServerError::Delivery(_) => "delivery_failed",
            ServerError::Undeliverable(_) => "undeliverable",
            ServerError::TooMany { code, .. } => code,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::Core(CoreError::NotFound { .. }) => StatusCode::NOT_FOUND,
            ServerError::Core(CoreError::NotAdmin) => StatusCode::FORBIDDEN,
            ServerError::Core(CoreError::IdTaken { .. }) => StatusCode::CONFLICT,
            ServerError::Core(CoreError::AttachmentTooLarge { .. }) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ServerError::Core(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServerError::Unauthorized
            | ServerError::InvalidCredentials
            | ServerError::NotVerified { .. } => StatusCode::UNAUTHORIZED,
            ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServerError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ServerError::Conflict { .. } => StatusCode::CONFLICT,
            ServerError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ServerError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ServerError::NotFoundRoute => StatusCode::NOT_FOUND,
            ServerError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ServerError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Corrupt(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Delivery(_) | ServerError::Undeliverable(_) => StatusCode::BAD_GATEWAY,
            ServerError::TooMany { code, .. } if *code == "busy" => StatusCode::SERVICE_UNAVAILABLE,
            ServerError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }

    /// A stored document that no longer parses: the database was changed behind our back.
    pub fn corrupt(what: &str, e: serde_json::Error) -> ServerError {
        ServerError::Corrupt(format!("a stored {what} could not be read: {e}"))
    }

    /// Whether the failure is the server's own (storage, a bug), whose detail is for its log
    /// and never for the client.
    pub fn is_internal(&self) -> bool {
        self.status().is_server_error() && !matches!(self, ServerError::TooMany { .. })
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        ServerError::Storage(e.to_string())
    }
}

impl From<postgres::Error> for ServerError {
    fn from(e: postgres::Error) -> Self {
        ServerError::Storage(postgres_message(&e))
    }
}

/// The error with its causes: `postgres::Error` alone only says "db error"; the cause holds the
/// database server's message.
pub fn postgres_message(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl IntoResponse for ServerError {
    /// Internal failures are logged with their detail (and the request's id, by the tracing
    /// span around the request) and answered with a generic message: database text or a
    /// panic's message would tell an attacker about the inside of the server.
    fn into_response(self) -> Response {
        let status = self.status();
        let body = if self.is_internal() && !matches!(self, ServerError::Delivery(_)) {
            tracing::error!(code = self.code(), error = %self, "request failed");
            ErrorBody {
                code: self.code().to_owned(),
                message: format!(
                    "The server failed to handle this request; it has been logged (request {}). Try again, or tell the server's admin that request id.",
                    crate::http::request_id().unwrap_or_default()
                ),
            }
        } else {
            self.body()
        };
        let mut response = (status, Json(wire(body))).into_response();
        if let ServerError::TooMany { retry_after, .. } = self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after),
            );
        }
        response
    }
}

/// An error as HTTP clients read it: this project's `{code, message}`, and the same again in
/// Intercom's shape (`type: "error.list"`, `request_id`, `errors: [{code, message}]`), so
/// scripts written against either API understand it.
pub fn wire(body: ErrorBody) -> ErrorList {
    ErrorList {
        kind: Default::default(),
        request_id: crate::http::request_id(),
        code: body.code.clone(),
        message: body.message.clone(),
        errors: vec![body],
    }
}

crate::http::openapi::type_tag!(ErrorListTag = "error.list");

/// Every error answer: `code` and `message`, and Intercom's `error.list` with the same error.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ErrorListTag,
    /// The request's id (also in `x-request-id`): give it to the server's admin, whose log has
    /// the detail.
    request_id: Option<String>,
    /// Stable and machine-readable (as `errors[0].code`).
    code: String,
    /// What happened and what to do, for a person.
    message: String,
    /// The same error, once, as Intercom lists them.
    #[schema(min_items = 1, max_items = 1)]
    errors: Vec<ErrorBody>,
}
