//! Signing in to a server and out again. Each switches the open workspace: the server's copy
//! for the teammate who signed in, or back to the one only on this computer. A copy stays on
//! disk when its teammate signs out, outbox included, so changes that have not reached the
//! server yet go out the next time they sign in.

use std::time::Duration;

use inbox_sync::client::Client;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event;

use crate::commands::{AppState, Syncing};
use crate::error::{CommandError, CommandResult};
use crate::events::SessionChanged;
use crate::locks::lock;
use crate::preparing::DemoProgress;
use crate::session::{self, Connection};
use crate::startup::{now_millis, open_store};
use inbox_demo::DemoOptions;

/// Where the open workspace comes from.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Session {
    /// The server synced with; None for a workspace only on this computer.
    pub server: Option<String>,
    /// Who signed in, when they did so in the app (not with `--server --token`).
    pub email: Option<String>,
    /// Whether there is a workspace to show yet: a server's arrives with the first sync.
    pub has_workspace: bool,
    /// How far making the demo workspace got, while it is being made (a first launch).
    pub preparing: Option<DemoProgress>,
    /// The server signed in to last on this computer, to offer on the sign-in form.
    pub last_server: Option<String>,
}

fn session(state: &AppState) -> Session {
    let connection = lock(&state.sync).as_ref().map(|s| s.connection.clone());
    Session {
        server: connection.as_ref().map(|c| c.server.clone()),
        email: connection.and_then(|c| c.email),
        has_workspace: state.store().me().is_ok(),
        preparing: *lock(&state.preparing),
        last_server: session::last_server(&state.data_dir),
    }
}

/// The session of the app's state, for a task that holds only the app.
pub fn session_of<R: Runtime>(app: &AppHandle<R>) -> Session {
    session(&tauri::Manager::state::<AppState>(app))
}

#[tauri::command]
#[specta::specta]
pub fn get_session(state: State<'_, AppState>) -> Session {
    session(&state)
}

/// Signs in to `server` with a teammate's email and password, remembers the sign-in (outside
/// the database, readable only by the user) and opens that teammate's copy of the workspace.
#[tauri::command]
#[specta::specta]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    server: String,
    email: String,
    password: String,
) -> CommandResult<Session> {
    if email.trim().is_empty() || password.is_empty() {
        return Err(CommandError::new(
            "missing_credentials",
            "Enter your email and password.",
        ));
    }
    let _one_at_a_time = state.switching.lock().await;
    let (client, teammate) = Client::sign_in(&server, &email, &password).await?;
    let connection = Connection {
        server: client.base().to_owned(),
        token: client.token().to_owned(),
        teammate: Some(teammate.id),
        email: Some(teammate.email),
    };
    let store = open_store(&state.data_dir, Some(&connection), None)?;
    session::save(&state.data_dir, &connection).map_err(|e| {
        CommandError::new(
            "cannot_save_sign_in",
            format!("Signed in, but the sign-in cannot be saved for next time: {e}"),
        )
    })?;
    disconnect(&state).await;
    state.replace_store(store);
    state.start_sync(&app, connection);
    changed(&app, &state);
    Ok(session(&state))
}

/// Signs out: stops syncing, tells the server to forget the token, and opens the workspace
/// only on this computer (or the sign-in screen when there is none).
#[tauri::command]
#[specta::specta]
pub async fn sign_out<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<Session> {
    let _one_at_a_time = state.switching.lock().await;
    let store = open_store(&state.data_dir, None, state.demo_tickets)?;
    if let Some(syncing) = disconnect(&state).await {
        // A token given with --token is the user's own to keep; one made by signing in here
        // is forgotten. Offline, the server keeps it until an admin revokes it.
        if syncing.connection.teammate.is_some() {
            let _ = tokio::time::timeout(Duration::from_secs(5), syncing.client.sign_out()).await;
        }
    }
    session::forget(&state.data_dir).map_err(|e| {
        CommandError::new(
            "cannot_forget_sign_in",
            format!("The saved sign-in cannot be removed: {e}"),
        )
    })?;
    state.replace_store(store);
    changed(&app, &state);
    Ok(session(&state))
}

/// Fills the empty workspace on this computer with the demo, to try the app without a server.
#[tauri::command]
#[specta::specta]
pub async fn open_demo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<Session> {
    let _one_at_a_time = state.switching.lock().await;
    if lock(&state.sync).is_some() {
        return Err(CommandError::new(
            "signed_in",
            "The demo lives on this computer only: sign out first.",
        ));
    }
    {
        let mut store = state.store();
        if store.is_empty()? {
            let options = DemoOptions::new(DemoOptions::DEFAULT_TICKETS, now_millis());
            store.seed_demo(options)?;
        }
    }
    changed(&app, &state);
    Ok(session(&state))
}

/// Stops the running sync, if any, and returns what it was.
async fn disconnect(state: &AppState) -> Option<Syncing> {
    let syncing = lock(&state.sync).take()?;
    syncing.handle.stop().await;
    Some(syncing)
}

/// The window shows another workspace now.
fn changed<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    crate::unread::show(app, &state.store());
    let _ = SessionChanged(session(state)).emit(app);
}
