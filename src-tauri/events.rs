//! The events the app sends the window. Each is a type of its own, emitted with
//! [`tauri_specta::Event::emit`] and heard in the UI through the generated `events.*` of
//! `ui/src/lib/bindings.ts`, so neither side spells an event's name.

use inbox_core::{ConversationId, TicketId};
use serde::Serialize;
use specta::Type;
use tauri_specta::Event;

use crate::account::Session;
use crate::sync::SyncStatus;

/// Where syncing with the server stands now (sent on every change of state, counts or
/// download progress).
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct SyncStatusChanged(pub SyncStatus);

/// The open workspace's data changed underneath the window (a pull brought changes, an admin's
/// settings were saved locally): what it touched should be read again.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct WorkspaceChanged(pub inbox_sync::Touched);

impl WorkspaceChanged {
    /// Read everything on screen again.
    pub fn everything() -> WorkspaceChanged {
        WorkspaceChanged(inbox_sync::Touched::everything())
    }
}

/// The window shows another workspace now (signed in, signed out, the demo opened).
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct SessionChanged(pub Session);

/// Making the demo workspace got this far.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct DemoProgressed(pub crate::preparing::DemoProgress);

/// A desktop notification was clicked: the window should open its ticket.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct OpenTicket(pub TicketId);

/// A desktop notification about a conversation was clicked: the window should open it.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct OpenConversation(pub ConversationId);
