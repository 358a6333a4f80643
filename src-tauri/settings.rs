//! Workspace settings for admins: ticket types and attributes, states, brands, teams and
//! teammates. On a workspace of the app's own they are applied locally; synced with a server
//! they go to the server (which applies the same rules) and come back with the next pull, so
//! they need a connection.

use inbox_core::{AdminChange, Saved};
use tauri::{AppHandle, Runtime, State};
use tauri_specta::Event;

use crate::commands::AppState;
use crate::error::{CommandError, CommandResult};
use crate::events::WorkspaceChanged;
use crate::locks::lock;

#[tauri::command]
#[specta::specta]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    change: AdminChange,
) -> CommandResult<Saved> {
    let server = lock(&state.sync)
        .as_ref()
        .map(|s| (s.client.clone(), s.handle.clone()));
    let saved = match server {
        Some((client, sync)) => {
            let saved = client.admin(&change).await.map_err(|e| {
                if e.is_transient() {
                    CommandError::new(
                        "offline",
                        "Settings are saved on the server, which cannot be reached right now. Try again once you are online.",
                    )
                } else {
                    e.into()
                }
            })?;
            // The change comes back in the next pull, for this app like for every other.
            sync.wake();
            saved
        }
        None => {
            let saved = state.store().apply_admin(&change)?;
            let _ = WorkspaceChanged::everything().emit(&app);
            saved
        }
    };
    Ok(saved)
}
