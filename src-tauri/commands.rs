//! The IPC commands: decode, call the store (which applies `inbox-core`), map errors. Nothing is
//! decided here. The TypeScript side of this contract, `ui/src/lib/bindings.ts`, is generated
//! from these functions and their types (see `ipc.rs`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use inbox_core::notify::NotificationSettings;
use inbox_core::{
    Author, Brand, Category, Millis, Mutation, Outcome, Target, Team, Teammate, TicketId,
    TicketState, TicketType,
};
use inbox_store::{
    BulkApplied, BulkPreview, ConversationCounts, ConversationDetail, ConversationPage,
    ConversationQuery, InboxPage, InboxQuery, LinkedTicketSummary, Preview, QueuePage, QueueQuery,
    Store, StoreError, SyncIssue, TicketDetail, UndoToken, ViewCounts,
};
use inbox_sync::client::Client;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::CommandResult;
use crate::locks::lock;
use crate::session::Connection;
use crate::sync::{SyncHandle, SyncStatus};

pub struct AppState {
    /// The open workspace. Signing in or out swaps the database behind the lock, so the sync
    /// task and the commands always share the one in use.
    pub store: Arc<Mutex<Store>>,
    /// Present while the app syncs with a server.
    pub sync: Mutex<Option<Syncing>>,
    pub data_dir: PathBuf,
    /// Seed the demo into an empty local workspace (`--demo`).
    pub demo_tickets: Option<usize>,
    /// One sign-in or sign-out at a time.
    pub switching: tokio::sync::Mutex<()>,
    /// How far making the demo workspace got, while it is being made.
    pub preparing: Arc<Mutex<Option<crate::preparing::DemoProgress>>>,
    /// What the window reads goes through these, beside the store's writing connection.
    pub readers: crate::readers::Readers,
}

/// A running sync with a server.
pub struct Syncing {
    pub handle: SyncHandle,
    pub connection: Connection,
    pub client: Client,
}

impl AppState {
    pub fn new(store: Store, data_dir: PathBuf, demo_tickets: Option<usize>) -> AppState {
        let readers = crate::readers::Readers::default();
        readers.point_at(store.file());
        AppState {
            readers,
            store: Arc::new(Mutex::new(store)),
            sync: Mutex::new(None),
            data_dir,
            demo_tickets,
            switching: tokio::sync::Mutex::new(()),
            preparing: Arc::default(),
        }
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// Reads the open workspace beside the writer: never held up by a write under way.
    pub fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> CommandResult<T> {
        Ok(self.readers.read(f)?)
    }

    /// The window shows `store`'s workspace from now on.
    pub fn replace_store(&self, store: Store) {
        self.readers.point_at(store.file());
        *self.store() = store;
    }

    /// The running sync, if the app syncs with a server.
    pub fn sync(&self) -> Option<SyncHandle> {
        lock(&self.sync).as_ref().map(|s| s.handle.clone())
    }

    /// Starts syncing the open store with `connection`'s server.
    pub fn start_sync<R: Runtime>(&self, app: &AppHandle<R>, connection: Connection) {
        let client = Client::new(&connection.server, &connection.token);
        let handle = crate::sync::start(app.clone(), self.store.clone(), client.clone());
        *lock(&self.sync) = Some(Syncing {
            handle,
            connection,
            client,
        });
    }
}

/// The workspace as the signed-in teammate sees it.
#[derive(Serialize, specta::Type)]
pub struct Workspace {
    me: Teammate,
    teammates: Vec<Teammate>,
    teams: Vec<Team>,
    brands: Vec<Brand>,
    states: Vec<TicketState>,
    ticket_types: Vec<TicketType>,
}

#[tauri::command]
#[specta::specta]
pub fn get_workspace(state: State<'_, AppState>) -> CommandResult<Workspace> {
    state.read(|store| {
        Ok(Workspace {
            me: store.me()?,
            teammates: store.teammates()?,
            teams: store.teams()?,
            brands: store.brands()?,
            states: store.states()?,
            ticket_types: store.ticket_types()?,
        })
    })
}

#[tauri::command]
#[specta::specta]
pub fn get_view_counts(state: State<'_, AppState>) -> CommandResult<ViewCounts> {
    state.read(|store| store.view_counts())
}

#[tauri::command]
#[specta::specta]
pub fn list_tickets(state: State<'_, AppState>, query: InboxQuery) -> CommandResult<InboxPage> {
    state.read(|store| store.list_tickets(&query))
}

#[tauri::command]
#[specta::specta]
pub fn get_ticket(state: State<'_, AppState>, id: String) -> CommandResult<TicketDetail> {
    let id: TicketId = id.parse()?;
    state.read(|store| store.ticket_detail(id))
}

/// A shared ticket exactly as its customer sees it in the Messenger ("See as customer"); a
/// `not_shared` error for a ticket no customer sees.
#[tauri::command]
#[specta::specta]
pub fn get_customer_ticket(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<inbox_core::messenger::CustomerTicket> {
    let id: TicketId = id.parse()?;
    let store = state.store();
    let ticket = store.ticket(id)?;
    let ticket_type = store.ticket_type(ticket.type_id)?;
    let name = |t| store.teammate(t).ok().map(|t| t.name);
    inbox_core::messenger::customer_ticket(
        &ticket,
        &ticket_type,
        &store.states()?,
        &store.timeline(id)?,
        &name,
    )
    .ok_or_else(|| {
        crate::error::CommandError::new(
            "not_shared",
            "No customer sees this ticket: it is internal.",
        )
    })
}

#[derive(Serialize, specta::Type)]
pub struct Applied {
    /// The ticket the mutation named, as it is now (none for a conversation's mutation).
    detail: Option<TicketDetail>,
    /// The conversation the mutation named, as it is now (none for a ticket's mutation).
    conversation: Option<ConversationDetail>,
    /// What changed and what it caused (propagations, cross-posts, customer events).
    outcome: Outcome,
    /// Takes the action back while it is held (a few seconds); none for a read mark.
    undo: Option<UndoToken>,
}

/// Applies a mutation as the signed-in teammate, now.
#[tauri::command]
#[specta::specta]
pub fn apply_mutation<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    mutation: Mutation,
) -> CommandResult<Applied> {
    let mut store = state.store();
    let (outcome, undo) = apply_as_me(&state, &mut store, &mutation)?;
    crate::unread::show(&app, &store);
    let (detail, conversation) = match mutation.target() {
        Target::Ticket(ticket) => (Some(store.ticket_detail(ticket)?), None),
        Target::Conversation(id) => (None, Some(store.conversation_detail(id)?)),
        Target::Macro(_) => (None, None),
    };
    Ok(Applied {
        detail,
        conversation,
        outcome,
        undo,
    })
}

/// Applies one change to each of many tickets, as the signed-in teammate, now: each is its own
/// intent for the server, and a refused one is reported without holding back the others.
#[tauri::command]
#[specta::specta]
pub fn apply_bulk<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    mutations: Vec<Mutation>,
) -> CommandResult<BulkApplied> {
    let mut store = state.store();
    let actor = Author::Teammate(store.me()?.id);
    let mut random = || new_ulid().random();
    let now = crate::startup::now_millis();
    let done = store.apply_bulk(&mutations, actor, now, &mut random)?;
    settle(&state, &mut store, now)?;
    crate::unread::show(&app, &store);
    Ok(done)
}

/// The teammate is looking at `id`: it counts as read, if it was not already. Returns
/// whether it was unread (its row and the unread counts then change).
#[tauri::command]
#[specta::specta]
pub fn read_ticket<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<bool> {
    let ticket: TicketId = id.parse()?;
    let mut store = state.store();
    if !store.is_unread(ticket)? {
        return Ok(false);
    }
    apply_as_me(&state, &mut store, &Mutation::MarkRead { ticket })?;
    crate::unread::show(&app, &store);
    Ok(true)
}

/// Tickets by title or number, for pickers such as "link to a tracker".
#[tauri::command]
#[specta::specta]
pub fn find_tickets(
    state: State<'_, AppState>,
    text: String,
    category: Option<Category>,
) -> CommandResult<Vec<LinkedTicketSummary>> {
    state.read(|store| store.find_tickets(&text, category, 20))
}

/// A conversation with its messages, notes and events, its assignee and its tickets.
#[tauri::command]
#[specta::specta]
pub fn get_conversation(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<ConversationDetail> {
    let id = id.parse()?;
    state.read(|store| store.conversation_detail(id))
}

/// The teammate opened a conversation: it counts as read, and so does its linked shared
/// ticket (R11). Returns whether it was unread (its row and the unread counts then change).
#[tauri::command]
#[specta::specta]
pub fn read_conversation<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    conversation: String,
) -> CommandResult<bool> {
    let mut store = state.store();
    let conversation = conversation.parse()?;
    let was_unread = store.is_conversation_unread(conversation)?;
    let linked_unread = match store.conversation(conversation)?.linked_ticket {
        Some(ticket) => store.is_unread(ticket)?,
        None => false,
    };
    if !was_unread && !linked_unread {
        return Ok(false);
    }
    apply_as_me(
        &state,
        &mut store,
        &Mutation::MarkConversationRead { conversation },
    )?;
    crate::unread::show(&app, &store);
    Ok(was_unread)
}

/// One page of a view's conversations (open, snoozed, closed or all), most recent activity
/// first, with their unread marks and tickets.
#[tauri::command]
#[specta::specta]
pub fn list_conversations(
    state: State<'_, AppState>,
    query: ConversationQuery,
) -> CommandResult<ConversationPage> {
    state.read(|store| store.list_conversations(&query, crate::startup::now_millis()))
}

/// One page of a view's tickets and conversations together (open, closed or all), most recent
/// activity first, each row as its own list shows it, with how many of each the view holds.
#[tauri::command]
#[specta::specta]
pub fn list_queue(state: State<'_, AppState>, query: QueueQuery) -> CommandResult<QueuePage> {
    state.read(|store| store.list_queue(&query, crate::startup::now_millis()))
}

/// Open conversations per view of the sidebar, and my unread ones.
#[tauri::command]
#[specta::specta]
pub fn get_conversation_counts(state: State<'_, AppState>) -> CommandResult<ConversationCounts> {
    state.read(|store| store.conversation_counts(crate::startup::now_millis()))
}

/// A fresh id (a ULID) for what the UI is about to create: a ticket, a state, a brand, a team,
/// a teammate. Ids are minted where things are created, so one made offline keeps its id when
/// it syncs.
#[tauri::command]
#[specta::specta]
pub fn new_id() -> String {
    new_ulid().to_string()
}

/// Applies `mutation` as the signed-in teammate, now. Synced with a server, it is queued for
/// the server too (in the same transaction) and the sync task is woken.
fn apply_as_me(
    state: &AppState,
    store: &mut Store,
    mutation: &Mutation,
) -> Result<(Outcome, Option<UndoToken>), StoreError> {
    let actor = Author::Teammate(store.me()?.id);
    let mut random = || new_ulid().random();
    let now = crate::startup::now_millis();
    let applied = store.apply_held(mutation, actor, now, &mut random)?;
    settle(state, store, now)?;
    Ok(applied)
}

/// After a change was queued: the sync task pushes what may go out; a workspace with no
/// server makes it final itself (what is held waits for [`commit_local`]).
fn settle(state: &AppState, store: &mut Store, now: Millis) -> Result<(), StoreError> {
    match state.sync() {
        Some(sync) => sync.wake(),
        None => {
            store.commit_released(now, &mut || new_ulid().random())?;
        }
    }
    Ok(())
}

/// A workspace with no server: makes held actions final once their undo window has passed.
/// Runs for the app's life; with a server, the sync task pushes them instead.
pub async fn commit_local<R: Runtime>(app: AppHandle<R>) {
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let Some(state) = tauri::Manager::try_state::<AppState>(&app) else {
            continue;
        };
        if state.sync().is_some() {
            continue;
        }
        let now = crate::startup::now_millis();
        let committed = state
            .store()
            .commit_released(now, &mut || new_ulid().random());
        if let Err(e) = committed {
            eprintln!("teammate-inbox: cannot make held changes final: {e}");
        }
    }
}

/// Takes back an action while it is held: it leaves the screen and never goes out. Answers the
/// mutations taken back (a reply's text goes back to its draft).
#[tauri::command]
#[specta::specta]
pub fn undo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: UndoToken,
) -> CommandResult<Vec<Mutation>> {
    let mut store = state.store();
    let undone = store.undo(&token, crate::startup::now_millis())?;
    crate::unread::show(&app, &store);
    let _ = tauri_specta::Event::emit(&crate::events::WorkspaceChanged::everything(), &app);
    Ok(undone)
}

/// The changes the server refused, with their reasons and content.
#[tauri::command]
#[specta::specta]
pub fn list_sync_issues(state: State<'_, AppState>) -> CommandResult<Vec<SyncIssue>> {
    Ok(state.store().sync_issues()?)
}

#[tauri::command]
#[specta::specta]
pub fn dismiss_sync_issue(state: State<'_, AppState>, seq: u64) -> CommandResult<()> {
    Ok(state.store().dismiss_sync_issue(seq)?)
}

/// Tries a refused change again, as a new change (the rules decide again, locally first).
#[tauri::command]
#[specta::specta]
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
#[specta::specta]
pub fn get_desktop_notifications(state: State<'_, AppState>) -> CommandResult<bool> {
    Ok(state.store().desktop_notifications()?)
}

#[tauri::command]
#[specta::specta]
pub fn set_desktop_notifications(state: State<'_, AppState>, on: bool) -> CommandResult<bool> {
    let store = state.store();
    store.set_desktop_notifications(on)?;
    Ok(store.desktop_notifications()?)
}

/// Works offline on purpose, or goes back online; remembered until the teammate goes online.
#[tauri::command]
#[specta::specta]
pub fn set_work_offline(
    state: State<'_, AppState>,
    offline: bool,
) -> CommandResult<Option<SyncStatus>> {
    let Some(sync) = state.sync() else {
        return Ok(None);
    };
    state.store().set_work_offline(offline)?;
    sync.set_work_offline(offline);
    Ok(Some(sync.status()))
}

/// Where syncing stands, or None for a local workspace that syncs with no server.
#[tauri::command]
#[specta::specta]
pub fn get_sync_status(state: State<'_, AppState>) -> Option<SyncStatus> {
    state.sync().as_ref().map(SyncHandle::status)
}

pub fn new_ulid() -> ulid::Ulid {
    ulid::Ulid::from_datetime(std::time::SystemTime::now())
}

/// What `mutation` would send each customer, before the teammate commits to it.
#[tauri::command]
#[specta::specta]
pub fn preview_mutation(state: State<'_, AppState>, mutation: Mutation) -> CommandResult<Preview> {
    let store = state.store();
    let actor = Author::Teammate(store.me()?.id);
    Ok(store.preview(&mutation, actor, crate::startup::now_millis())?)
}

/// What a bulk action would send customers, all tickets together, and which would refuse it.
#[tauri::command]
#[specta::specta]
pub fn preview_bulk(
    state: State<'_, AppState>,
    mutations: Vec<Mutation>,
) -> CommandResult<BulkPreview> {
    let store = state.store();
    let actor = Author::Teammate(store.me()?.id);
    Ok(store.preview_bulk(&mutations, actor, crate::startup::now_millis())?)
}

#[tauri::command]
#[specta::specta]
pub fn get_notification_settings(
    state: State<'_, AppState>,
) -> CommandResult<NotificationSettings> {
    Ok(state.store().notification_settings()?)
}

/// Sets the reply-email delay, in milliseconds (0 to 24 hours).
#[tauri::command]
#[specta::specta]
pub fn set_reply_email_delay(
    state: State<'_, AppState>,
    delay: i64,
) -> CommandResult<NotificationSettings> {
    Ok(state.store().set_reply_email_delay(delay)?)
}
