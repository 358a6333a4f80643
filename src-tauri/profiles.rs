//! The directory of contacts and companies, and their profiles (R15).

use inbox_store::{CompanyProfile, ContactProfile, DirectoryEntry};
use tauri::State;

use crate::commands::AppState;
use crate::error::CommandResult;

/// Contacts and companies whose name or email contains `text` (at most 100 of each).
#[tauri::command]
#[specta::specta]
pub fn list_directory(
    state: State<'_, AppState>,
    text: String,
) -> CommandResult<Vec<DirectoryEntry>> {
    state.read(|store| store.directory(&text, 100))
}

#[tauri::command]
#[specta::specta]
pub fn get_contact_profile(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<ContactProfile> {
    let id = id.parse()?;
    state.read(|store| store.contact_profile(id))
}

#[tauri::command]
#[specta::specta]
pub fn get_company_profile(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<CompanyProfile> {
    let id = id.parse()?;
    state.read(|store| store.company_profile(id))
}
