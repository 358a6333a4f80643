//! Full-text search of the inbox: the IPC side of `Store::search`.

use inbox_store::{SearchPage, SearchQuery};
use tauri::State;

use crate::commands::AppState;
use crate::error::CommandResult;

/// One page of the tickets of a view matching what the teammate typed, best first.
#[tauri::command]
#[specta::specta]
pub fn search_tickets(state: State<'_, AppState>, query: SearchQuery) -> CommandResult<SearchPage> {
    Ok(state.store().search(&query)?)
}
