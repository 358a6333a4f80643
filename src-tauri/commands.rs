//! The IPC commands: decode, call the store (which applies `inbox-core`), map errors. Nothing is
//! decided here. The TypeScript side of this contract is `ui/src/lib/api.ts`.

use std::sync::{Arc, Mutex};

use inbox_core::notify::NotificationSettings;
use inbox_core::{
    Author, Brand, Category, Mutation, Outcome, Team, Teammate, TicketId, TicketState, TicketType,
};
use inbox_store::{
    ConversationRow, InboxPage, InboxQuery, LinkedTicketSummary, Preview, Store, StoreError,
    SyncIssue, TicketDetail, TimelineEntry, ViewCounts,
};
use serde::Serialize;
use tauri::State;

use crate::error::CommandResult;
use crate::sync::{SyncHandle, SyncStatus};

pub struct AppState {
    pub store: Arc<Mutex<Store>>,
    /// Present when the app syncs with a server.
    pub sync: Option<SyncHandle>,
}

impl AppState {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave SQLite half-written: transactions roll back.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Serialize)]
pub struct Workspace {
    me: Teammate,
    teammates: Vec<Teammate>,
    teams: Vec<Team>,
    brands: Vec<Brand>,
    states: Vec<TicketState>,
    ticket_types: Vec<TicketType>,
}

#[tauri::command]
pub fn get_workspace(state: State<'_, AppState>) -> CommandResult<Workspace> {
    let store = state.store();
    Ok(Workspace {
        me: store.me()?,
        teammates: store.teammates()?,
        teams: store.teams()?,
        brands: store.brands()?,
        states: store.states()?,
        ticket_types: store.ticket_types()?,
    })
}

#[tauri::command]
pub fn get_view_counts(state: State<'_, AppState>) -> CommandResult<ViewCounts> {
    Ok(state.store().view_counts()?)
}

#[tauri::command]
pub fn list_tickets(state: State<'_, AppState>, query: InboxQuery) -> CommandResult<InboxPage> {
    Ok(state.store().list_tickets(&query)?)
}

#[tauri::command]
pub fn get_ticket(state: State<'_, AppState>, id: String) -> CommandResult<TicketDetail> {
    let id: TicketId = id.parse()?;
    Ok(state.store().ticket_detail(id)?)
}

#[derive(Serialize)]
pub struct Applied {
    /// The ticket the mutation named, as it is now.
    detail: TicketDetail,
    /// What changed and what it caused (propagations, cross-posts, customer events).
    outcome: Outcome,
}

/// Applies a mutation as the signed-in teammate, now.
#[tauri::command]
pub fn apply_mutation(state: State<'_, AppState>, mutation: Mutation) -> CommandResult<Applied> {
    let mut store = state.store();
    let outcome = apply_as_me(&state, &mut store, &mutation)?;
    Ok(Applied {
        detail: store.ticket_detail(mutation.ticket())?,
        outcome,
    })
}

/// Tickets by title or number, for pickers such as "link to a tracker".
#[tauri::command]
pub fn find_tickets(
    state: State<'_, AppState>,
    text: String,
    category: Option<Category>,
) -> CommandResult<Vec<LinkedTicketSummary>> {
    Ok(state.store().find_tickets(&text, category, 20)?)
}

/// A conversation's own timeline: back-office tickets raised from it and their cross-posts.
#[tauri::command]
pub fn get_conversation_timeline(
    state: State<'_, AppState>,
    conversation: String,
) -> CommandResult<Vec<TimelineEntry>> {
    Ok(state.store().conversation_timeline(conversation.parse()?)?)
}

/// The teammate opened a conversation: its linked shared ticket counts as read (R11).
#[tauri::command]
pub fn read_conversation(state: State<'_, AppState>, conversation: String) -> CommandResult<()> {
    let mut store = state.store();
    let conversation = store.conversation(conversation.parse()?)?;
    if let Some(mutation) = inbox_core::read_conversation(&conversation) {
        apply_as_me(&state, &mut store, &mutation)?;
    }
    Ok(())
}

/// Conversations, most recent activity first, with their linked and back-office tickets.
#[tauri::command]
pub fn list_conversations(state: State<'_, AppState>) -> CommandResult<Vec<ConversationRow>> {
    Ok(state.store().conversation_rows(200)?)
}

/// A fresh ticket id, for a ticket the UI is about to create (ids are minted where tickets are
/// created, so a ticket made offline keeps its id when it syncs).
#[tauri::command]
pub fn new_ticket_id() -> String {
    TicketId(new_ulid()).to_string()
}

/// Applies `mutation` as the signed-in teammate, now.
/// Applies `mutation` as the signed-in teammate, now. Synced with a server, it is queued for
/// the server too (in the same transaction) and the sync task is woken.
fn apply_as_me(
    state: &AppState,
    store: &mut Store,
    mutation: &Mutation,
) -> Result<Outcome, StoreError> {
    let actor = Author::Teammate(store.me()?.id);
    let mut random = || new_ulid().random();
    let now = crate::startup::now_millis();
    match &state.sync {
        Some(sync) => {
            let outcome = store.apply_and_queue(mutation, actor, now, &mut random)?;
            sync.wake();
            Ok(outcome)
        }
        None => store.apply(mutation, actor, now, &mut random),
    }
}

/// The changes the server refused, with their reasons and content.
#[tauri::command]
pub fn list_sync_issues(state: State<'_, AppState>) -> CommandResult<Vec<SyncIssue>> {
    Ok(state.store().sync_issues()?)
}

#[tauri::command]
pub fn dismiss_sync_issue(state: State<'_, AppState>, seq: u64) -> CommandResult<()> {
    Ok(state.store().dismiss_sync_issue(seq)?)
}

/// Tries a refused change again, as a new change (the rules decide again, locally first).
#[tauri::command]
pub fn resend_sync_issue(state: State<'_, AppState>, seq: u64) -> CommandResult<()> {
    let mut store = state.store();
    let issue = store
        .sync_issues()?
        .into_iter()
        .find(|i| i.seq == seq)
        .ok_or_else(|| {
            StoreError::Core(inbox_core::CoreError::NotFound {
                kind: "sync issue",
                id: seq.to_string(),
            })
        })?;
    apply_as_me(&state, &mut store, &issue.mutation)?;
    Ok(store.dismiss_sync_issue(seq)?)
}

/// Whether alerts (assigned to me, a customer's reply, a mention…) show as desktop notifications.
#[tauri::command]
pub fn get_desktop_notifications(state: State<'_, AppState>) -> CommandResult<bool> {
    Ok(state.store().desktop_notifications()?)
}

#[tauri::command]
pub fn set_desktop_notifications(state: State<'_, AppState>, on: bool) -> CommandResult<bool> {
    let store = state.store();
    store.set_desktop_notifications(on)?;
    Ok(store.desktop_notifications()?)
}

/// Works offline on purpose, or goes back online.
#[tauri::command]
pub fn set_work_offline(state: State<'_, AppState>, offline: bool) -> Option<SyncStatus> {
    let sync = state.sync.as_ref()?;
    sync.set_work_offline(offline);
    Some(sync.status())
}

/// Where syncing stands, or None for a local workspace that syncs with no server.
#[tauri::command]
pub fn get_sync_status(state: State<'_, AppState>) -> Option<SyncStatus> {
    state.sync.as_ref().map(SyncHandle::status)
}

fn new_ulid() -> ulid::Ulid {
    ulid::Ulid::from_datetime(std::time::SystemTime::now())
}

/// What `mutation` would send each customer, before the teammate commits to it.
#[tauri::command]
pub fn preview_mutation(state: State<'_, AppState>, mutation: Mutation) -> CommandResult<Preview> {
    let store = state.store();
    let actor = Author::Teammate(store.me()?.id);
    Ok(store.preview(&mutation, actor, crate::startup::now_millis())?)
}

#[tauri::command]
pub fn get_notification_settings(
    state: State<'_, AppState>,
) -> CommandResult<NotificationSettings> {
    Ok(state.store().notification_settings()?)
}

/// Sets the reply-email delay, in milliseconds (0 to 24 hours).
#[tauri::command]
pub fn set_reply_email_delay(
    state: State<'_, AppState>,
    delay: i64,
) -> CommandResult<NotificationSettings> {
    Ok(state.store().set_reply_email_delay(delay)?)
}
