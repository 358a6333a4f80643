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
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("The request body is larger than the server accepts.")]
    TooLarge,
    #[error("There is no such endpoint; see /openapi.json.")]
    NotFoundRoute,
    #[error("This endpoint does not take that method; see /openapi.json.")]
    MethodNotAllowed,
    #[error("The storage failed: {0}")]
    Storage(String),
    /// An email could not be handed on (the relay refused it or is unreachable).
    #[error("{0}")]
    Delivery(String),
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

impl ServerError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ServerError {
        ServerError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ServerError::Core(e) => e.code(),
            ServerError::Unauthorized => "unauthorized",
            ServerError::InvalidCredentials => "invalid_credentials",
            ServerError::Forbidden(_) => "forbidden",
            ServerError::BadRequest { code, .. } | ServerError::Conflict { code, .. } => code,
            ServerError::TooLarge => "body_too_large",
            ServerError::NotFoundRoute => "no_such_endpoint",
            ServerError::MethodNotAllowed => "method_not_allowed",
            ServerError::Storage(_) => "storage_failed",
            ServerError::Delivery(_) => "delivery_failed",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::Core(CoreError::NotFound { .. }) => StatusCode::NOT_FOUND,
            ServerError::Core(CoreError::NotAdmin) => StatusCode::FORBIDDEN,
            ServerError::Core(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServerError::Unauthorized | ServerError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServerError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ServerError::Conflict { .. } => StatusCode::CONFLICT,
            ServerError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::NotFoundRoute => StatusCode::NOT_FOUND,
            ServerError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ServerError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::Delivery(_) => StatusCode::BAD_GATEWAY,
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
        ServerError::Storage(format!("a stored {what} could not be read: {e}"))
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
    fn into_response(self) -> Response {
        if let ServerError::Storage(message) = &self {
            eprintln!("inbox-server: storage error: {message}");
        }
        (self.status(), Json(self.body())).into_response()
    }
}
