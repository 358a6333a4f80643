//! Webhooks, for admins: the server sends them, so these commands only relay to its REST API
//! (`/webhooks`). Nothing is kept or queued here: a workspace of the app's own has no server to
//! send them, and offline there is no one to ask.

use inbox_sync::client::{Client, ClientError, NewWebhook, Webhook, WebhookChange, WebhookList};
use tauri::State;

use crate::commands::AppState;
use crate::error::{CommandError, CommandResult};
use crate::locks::lock;

/// The signed-in server's client, unless there is none or the teammate chose to work offline.
fn server(state: &AppState) -> CommandResult<Client> {
    let syncing = lock(&state.sync);
    let Some(syncing) = syncing.as_ref() else {
        return Err(CommandError::new(
            "needs_server",
            "Webhooks are sent by the server: sign in to one to manage them.",
        ));
    };
    // "Work offline" promises that nothing leaves this computer until the teammate says so.
    if syncing.handle.working_offline() {
        return Err(CommandError::new(
            "offline",
            "You are working offline. Go online (at the bottom of the sidebar) to manage webhooks.",
        ));
    }
    Ok(syncing.client.clone())
}

fn refused(e: ClientError) -> CommandError {
    match e {
        ClientError::Offline(_) => CommandError::new(
            "offline",
            "Webhooks are managed on the server, which cannot be reached right now. Try again once you are online.",
        ),
        e => e.into(),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_webhooks(state: State<'_, AppState>) -> CommandResult<WebhookList> {
    let client = server(&state)?;
    client.webhooks().await.map_err(refused)
}

#[tauri::command]
#[specta::specta]
pub async fn get_webhook(state: State<'_, AppState>, id: String) -> CommandResult<Webhook> {
    let client = server(&state)?;
    client.webhook(&id).await.map_err(refused)
}

#[tauri::command]
#[specta::specta]
pub async fn create_webhook(
    state: State<'_, AppState>,
    url: String,
    topics: Vec<String>,
) -> CommandResult<NewWebhook> {
    let client = server(&state)?;
    client.create_webhook(&url, &topics).await.map_err(refused)
}

/// A new URL or topics, or off and on again; what is None stays as it is.
#[tauri::command]
#[specta::specta]
pub async fn update_webhook(
    state: State<'_, AppState>,
    id: String,
    url: Option<String>,
    topics: Option<Vec<String>>,
    active: Option<bool>,
) -> CommandResult<Webhook> {
    let client = server(&state)?;
    let change = WebhookChange {
        url,
        topics,
        active,
        replay_after: None,
    };
    client.update_webhook(&id, &change).await.map_err(refused)
}

/// Delivers again every event after `after`, or every event the server keeps when None.
/// A command of its own: an IPC argument cannot tell "replay everything" from "no replay".
#[tauri::command]
#[specta::specta]
pub async fn replay_webhook(
    state: State<'_, AppState>,
    id: String,
    after: Option<String>,
) -> CommandResult<Webhook> {
    let client = server(&state)?;
    let change = WebhookChange {
        replay_after: Some(after),
        ..Default::default()
    };
    client.update_webhook(&id, &change).await.map_err(refused)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_webhook(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    let client = server(&state)?;
    client.delete_webhook(&id).await.map_err(refused)
}
