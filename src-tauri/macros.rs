//! Macros (saved replies) for the composer and Settings: the ones the signed-in teammate sees,
//! and one filled in for a ticket or a conversation. Saving and deleting are mutations
//! (`apply_mutation`), so they work offline like any change.

use inbox_core::{Macro, Target};
use serde::Serialize;
use tauri::State;

use crate::commands::AppState;
use crate::error::CommandResult;

#[derive(Serialize, specta::Type)]
pub struct Macros {
    /// Shared macros and the teammate's own, by name.
    macros: Vec<Macro>,
    /// What a placeholder may name (`{{contact.first_name | fallback}}`).
    placeholders: Vec<String>,
}

#[tauri::command]
#[specta::specta]
pub fn list_macros(state: State<'_, AppState>) -> CommandResult<Macros> {
    Ok(Macros {
        macros: state.store().macros()?,
        placeholders: inbox_core::macros::PLACEHOLDERS
            .iter()
            .map(|p| p.to_string())
            .collect(),
    })
}

/// A macro with its placeholders filled in for a reply to the ticket or the conversation
/// (one of the two), its notes too.
#[tauri::command]
#[specta::specta]
pub fn render_macro(
    state: State<'_, AppState>,
    id: String,
    ticket: Option<String>,
    conversation: Option<String>,
) -> CommandResult<Macro> {
    let target = match (ticket, conversation) {
        (Some(t), _) => Target::Ticket(t.parse()?),
        (None, Some(c)) => Target::Conversation(c.parse()?),
        (None, None) => {
            return Err(crate::error::CommandError::new(
                "invalid_target",
                "A macro is filled in for a ticket or a conversation.",
            ))
        }
    };
    Ok(state.store().render_macro(id.parse()?, target)?)
}
