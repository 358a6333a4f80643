//! Workspace settings: the reply-email delay (R5). Any teammate may read them; only an admin
//! changes them, and the change reaches syncing apps through the change log.

use axum::extract::State;
use axum::Json;
use inbox_core::notify::NotificationSettings;
use inbox_core::Millis;
use inbox_sync::Record;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::authority::now;
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::{AppState, Teammate};
use crate::storage::Kind;

fn render(settings: &NotificationSettings) -> Value {
    let ms = settings.reply_email_delay;
    // Whole minutes read as integers; a delay set in seconds may be a fraction of one.
    let minutes = if ms % 60_000 == 0 {
        json!(ms / 60_000)
    } else {
        json!(ms as f64 / 60_000.0)
    };
    json!({
        "type": "settings",
        "reply_email_delay_seconds": ms / 1000,
        "reply_email_delay_minutes": minutes,
    })
}

pub async fn show(State(state): State<AppState>, _: Teammate) -> Result<Json<Value>> {
    let settings = state.read(|db| db.settings()).await?;
    Ok(Json(render(&settings)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    reply_email_delay_minutes: Option<f64>,
    reply_email_delay_seconds: Option<i64>,
}

/// The delay in milliseconds, from exactly one of the two fields.
fn delay(body: &SettingsBody) -> Result<Millis> {
    match (
        body.reply_email_delay_minutes,
        body.reply_email_delay_seconds,
    ) {
        (Some(_), Some(_)) => Err(ServerError::bad_request(
            "conflicting_fields",
            "Send either `reply_email_delay_minutes` or `reply_email_delay_seconds`, not both.",
        )),
        (None, None) => Err(ServerError::bad_request(
            "missing_field",
            "Send `reply_email_delay_minutes` or `reply_email_delay_seconds`.",
        )),
        // Out-of-range values saturate here and are refused by the domain's own check.
        (Some(minutes), None) if minutes.is_finite() => Ok((minutes * 60_000.0).round() as Millis),
        (Some(_), None) => Err(ServerError::bad_request(
            "invalid_field",
            "`reply_email_delay_minutes` must be a number.",
        )),
        (None, Some(seconds)) => Ok(seconds.saturating_mul(1000)),
    }
}

pub async fn update(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<SettingsBody>,
) -> Result<Json<Value>> {
    me.require_admin()?;
    let settings = NotificationSettings::with_reply_email_delay(delay(&body)?)?;
    state
        .write(move |db| {
            db.put(Kind::Setting, "notifications", &settings)?;
            db.log(now(), None, vec![Record::Settings(settings)])?;
            Ok(())
        })
        .await?;
    Ok(Json(render(&settings)))
}
