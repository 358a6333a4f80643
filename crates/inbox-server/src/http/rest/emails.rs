//! Customer emails as admins need to see them: which ones failed for good, and why (an
//! address the relay refuses, a message that cannot be built), so someone can fix the contact.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{Result, ServerError};
use crate::http::extract::Query;
use crate::http::openapi::{type_tag, AdminAuth, BadQuery, Internal};
use crate::http::{AppState, Teammate};
use crate::notifications::QueuedEmail;

const STATUSES: [&str; 5] = ["pending", "sending", "sent", "dropped", "failed"];
const MAX_LISTED: usize = 500;

/// Where a customer email is (the queue's statuses, [`STATUSES`]).
// Only the document's: the queue keeps statuses as text (a test pins them to [`STATUSES`]).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// Waiting for its time.
    Pending,
    /// Being handed to the relay.
    Sending,
    Sent,
    /// Not needed any more (the customer saw the reply in the Messenger…).
    Dropped,
    /// Could never be sent: `reason` says why.
    Failed,
}

/// Which emails to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmailQuery {
    /// `failed` when absent; 400 `invalid_query` for another.
    #[param(value_type = Option<EmailStatus>)]
    status: Option<String>,
}

type_tag!(EmailTag = "email");
type_tag!(EmailListTag = "email.list");

/// A customer email in the queue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Email)]
pub struct EmailResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: EmailTag,
    /// The email's queue id (its Message-ID).
    id: String,
    /// The customer it is for.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    contact_id: String,
    /// The ticket it is about.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    ticket_id: String,
    #[schema(value_type = EmailStatus)]
    status: String,
    /// Sends tried.
    attempts: u32,
    /// Why it failed or was dropped.
    reason: Option<String>,
}

/// The newest emails with one status.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmailList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: EmailListTag,
    /// At most 500, newest first.
    emails: Vec<EmailResource>,
}

/// Customer emails by status: which ones failed, and why
#[utoipa::path(
    get,
    path = "/emails",
    operation_id = "get_emails",
    tag = "Settings",
    security(("teammateToken" = [])),
    params(EmailQuery),
    responses(
        (status = 200, description = "The newest emails with that status.", body = EmailList),
        BadQuery, AdminAuth, Internal,
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    me: Teammate,
    Query(q): Query<EmailQuery>,
) -> Result<Json<EmailList>> {
    me.require_admin()?;
    let status = q.status.unwrap_or_else(|| "failed".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(ServerError::bad_request(
            "invalid_query",
            format!("`status` is one of {}.", STATUSES.join(", ")),
        ));
    }
    let rows = state
        .read(move |db| db.tx().emails_with_status(&status, MAX_LISTED))
        .await?;
    let emails = rows
        .iter()
        .map(|row| {
            let email = serde_json::from_str::<QueuedEmail>(&row.doc).ok();
            EmailResource {
                kind: EmailTag::Tag,
                id: row.id.clone(),
                contact_id: row.contact_id.clone(),
                ticket_id: row.ticket_id.clone(),
                status: row.status.clone(),
                attempts: email.as_ref().map_or(0, |e| e.attempts),
                reason: email.and_then(|e| e.failed.or(e.dropped)),
            }
        })
        .collect();
    Ok(Json(EmailList {
        kind: EmailListTag::Tag,
        emails,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_statuses_are_the_queue_s() {
        use EmailStatus::*;
        let documented: Vec<_> = [Pending, Sending, Sent, Dropped, Failed]
            .iter()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        assert_eq!(documented, STATUSES.map(serde_json::Value::from));
    }
}
