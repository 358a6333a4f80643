//! Customer emails as admins need to see them: which ones failed for good, and why (an
//! address the relay refuses, a message that cannot be built), so someone can fix the contact.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{Result, ServerError};
use crate::http::extract::Query;
use crate::http::{AppState, Teammate};
use crate::notifications::QueuedEmail;

const STATUSES: [&str; 5] = ["pending", "sending", "sent", "dropped", "failed"];
const MAX_LISTED: usize = 500;

#[derive(Deserialize)]
pub struct EmailQuery {
    status: Option<String>,
}

/// `GET /emails?status=failed`: the newest emails with that status (failed by default).
pub async fn list(
    State(state): State<AppState>,
    me: Teammate,
    Query(q): Query<EmailQuery>,
) -> Result<Json<Value>> {
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
    let emails: Vec<Value> = rows
        .iter()
        .map(|row| {
            let email = serde_json::from_str::<QueuedEmail>(&row.doc).ok();
            json!({
                "type": "email",
                "id": row.id,
                "contact_id": row.contact_id,
                "ticket_id": row.ticket_id,
                "status": row.status,
                "attempts": email.as_ref().map_or(0, |e| e.attempts),
                "reason": email.and_then(|e| e.failed.or(e.dropped)),
            })
        })
        .collect();
    Ok(Json(json!({ "type": "email.list", "emails": emails })))
}
