//! Workspace settings: the reply-email delay (R5). Any teammate may read them; only an admin
//! changes them, and the change reaches syncing apps through the change log.

use axum::extract::State;
use axum::Json;
use inbox_core::notify::NotificationSettings;
use inbox_core::Millis;
use inbox_sync::Record;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::authority::now;
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::openapi::{type_tag, AdminAuth, Internal, JsonBody, Rule, TeammateAuth};
use crate::http::{AppState, Teammate};
use crate::storage::Kind;

type_tag!(SettingsTag = "settings");

/// The workspace's settings.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Settings)]
pub struct SettingsResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: SettingsTag,
    /// How long a teammate's reply waits to be seen in the Messenger before it is emailed
    /// (R5), 0 to 86,400.
    #[schema(minimum = 0, maximum = 86400)]
    reply_email_delay_seconds: i64,
    /// The same in minutes, 0 to 1,440: a whole number unless set in seconds.
    #[schema(value_type = f64, minimum = 0, maximum = 1440)]
    reply_email_delay_minutes: Value,
}

fn render(settings: &NotificationSettings) -> SettingsResource {
    let ms = settings.reply_email_delay;
    // Whole minutes read as integers; a delay set in seconds may be a fraction of one.
    let minutes = if ms % 60_000 == 0 {
        json!(ms / 60_000)
    } else {
        json!(ms as f64 / 60_000.0)
    };
    SettingsResource {
        kind: SettingsTag::Tag,
        reply_email_delay_seconds: ms / 1000,
        reply_email_delay_minutes: minutes,
    }
}

/// Workspace settings
#[utoipa::path(
    get,
    path = "/settings",
    operation_id = "get_settings",
    tag = "Settings",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "The settings.", body = SettingsResource),
        TeammateAuth, Internal,
    ),
)]
pub async fn show(State(state): State<AppState>, _: Teammate) -> Result<Json<SettingsResource>> {
    let settings = state.read(|db| db.settings()).await?;
    Ok(Json(render(&settings)))
}

/// The reply-email delay, in minutes or in seconds: exactly one of the two (400
/// `conflicting_fields` for both, `missing_field` for neither).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateSettingsRequest)]
pub struct SettingsBody {
    /// 0 to 1,440 (24 hours; 422 `invalid_reply_email_delay` beyond).
    #[schema(minimum = 0, maximum = 1440)]
    reply_email_delay_minutes: Option<f64>,
    /// 0 to 86,400 (24 hours; 422 `invalid_reply_email_delay` beyond).
    #[schema(minimum = 0, maximum = 86400)]
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

/// Change the reply-email delay
#[utoipa::path(
    put,
    path = "/settings",
    operation_id = "put_settings",
    tag = "Settings",
    security(("teammateToken" = [])),
    request_body = SettingsBody,
    responses(
        (status = 200, description = "The settings, changed.", body = SettingsResource),
        JsonBody, AdminAuth, Rule, Internal,
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<SettingsBody>,
) -> Result<Json<SettingsResource>> {
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
