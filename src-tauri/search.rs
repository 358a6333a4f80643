//! Full-text search of the inbox: the IPC side of `Store::search` and
//! `Store::search_conversations`.

use inbox_store::{ConversationSearchPage, ConversationSearchQuery, SearchPage, SearchQuery};
use tauri::State;

use crate::commands::AppState;
use crate::error::CommandResult;

/// One page of the tickets of a view matching what the teammate typed, best first.
#[tauri::command]
#[specta::specta]
pub fn search_tickets(state: State<'_, AppState>, query: SearchQuery) -> CommandResult<SearchPage> {
    // The index is the writer's to keep: brought up to date first unless the writer is busy
    // (a pull under way), when the search sees it as it was a moment ago.
    if let Ok(store) = state.store.try_lock() {
        store.refresh_search_index()?;
    }
    state.read(|store| store.search(&query))
}

/// One page of the conversations of a list whose subject, messages or notes match what the
/// teammate typed, best first.
#[tauri::command]
#[specta::specta]
pub fn search_conversations(
    state: State<'_, AppState>,
    query: ConversationSearchQuery,
) -> CommandResult<ConversationSearchPage> {
    if let Ok(store) = state.store.try_lock() {
        store.refresh_conversation_search_index()?;
    }
    state.read(|store| store.search_conversations(&query, crate::startup::now_millis()))
}
