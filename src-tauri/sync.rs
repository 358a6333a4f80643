//! The sync task: when the app is started against a server, it pushes the outbox and pulls the
//! server's changes (rebased over what is still pending) on every poke from the live stream,
//! after every local change, and every few seconds; the UI hears [`SyncStatusChanged`] and, when
//! the data changed, [`WorkspaceChanged`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use inbox_core::{Attachment, AttachmentId, ErrorBody, Millis};
use inbox_store::{Store, StoreError};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, sync, Progress, Pushed, SyncError};
use inbox_sync::{ChangeSet, Cursor, PendingMutation, PushResult, Record, Replica, Touched};
use serde::Serialize;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;
use tokio::sync::Notify;

use crate::alerts::DesktopAlerts;
use crate::events::{SyncStatusChanged, WorkspaceChanged};
use crate::locks::lock;
use crate::startup::now_millis;
use inbox_core::alerts::Alerter;

/// How often the app syncs when nothing pokes it.
const INTERVAL: Duration = Duration::from_secs(5);
/// The longest pause between attempts while the server cannot be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The pause after `failures` failed rounds in a row: doubling from the interval, capped. A
/// local change or a poke still syncs at once.
fn pause(failures: u32) -> Duration {
    INTERVAL
        .saturating_mul(2u32.saturating_pow(failures.min(8)))
        .min(MAX_BACKOFF)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// The teammate chose to work offline: nothing goes out or comes in until they go online.
    WorkingOffline,
    Bootstrapping,
    Syncing,
    Online,
    Offline,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SyncStatus {
    pub state: SyncState,
    pub server: String,
    /// Changes waiting for the server.
    pub pending: i64,
    /// Changes the server refused (kept, with their reason).
    pub issues: usize,
    pub last_sync_at: Option<Millis>,
    pub progress: Option<BootstrapProgress>,
    pub error: Option<ErrorBody>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct BootstrapProgress {
    pub tickets: u64,
    pub total_tickets: u64,
}

/// What the commands need of the running sync task.
#[derive(Clone)]
pub struct SyncHandle {
    wake: Arc<Notify>,
    status: Arc<Mutex<SyncStatus>>,
    offline: Arc<std::sync::atomic::AtomicBool>,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl SyncHandle {
    /// Stops syncing, and returns once the tasks are gone: nothing they fetched can land in a
    /// database opened after this (signing in elsewhere or out).
    pub async fn stop(&self) {
        let tasks: Vec<_> = lock(&self.tasks).drain(..).collect();
        for task in &tasks {
            task.abort();
        }
        for task in tasks {
            let _ = task.await;
        }
    }

    /// Works offline on purpose (or goes back online); changes keep queueing meanwhile.
    pub fn set_work_offline(&self, offline: bool) {
        self.offline
            .store(offline, std::sync::atomic::Ordering::SeqCst);
        self.wake();
    }

    pub fn working_offline(&self) -> bool {
        self.offline.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Something changed locally: sync now rather than at the next tick.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn status(&self) -> SyncStatus {
        lock(&self.status).clone()
    }
}

/// The shared store as a replica: the lock is taken for each step, never across a request.
struct Shared {
    store: Arc<Mutex<Store>>,
    /// What the pulls of this round touched, for the window.
    touched: Touched,
}

impl Replica for Shared {
    type Error = StoreError;

    fn cursor(&mut self) -> Result<Option<Cursor>, StoreError> {
        Replica::cursor(&mut *lock(&self.store))
    }

    fn apply_bootstrap(
        &mut self,
        records: &[Record],
        finished: Option<Cursor>,
    ) -> Result<(), StoreError> {
        self.touched = Touched::everything();
        lock(&self.store).apply_bootstrap(records, finished)
    }

    fn apply_changes(&mut self, changes: &[ChangeSet], cursor: Cursor) -> Result<(), StoreError> {
        lock(&self.store).apply_changes(changes, cursor)?;
        self.touched.add(changes);
        Ok(())
    }

    fn client_id(&mut self) -> Result<String, StoreError> {
        Replica::client_id(&mut *lock(&self.store))
    }

    fn pending(&mut self, limit: usize, now: Millis) -> Result<Vec<PendingMutation>, StoreError> {
        lock(&self.store).pending(limit, now)
    }

    fn acknowledge(&mut self, results: &[PushResult], at: Millis) -> Result<(), StoreError> {
        Replica::acknowledge(&mut *lock(&self.store), results, at)
    }

    fn local_file(
        &mut self,
        id: AttachmentId,
    ) -> Result<Option<(Attachment, Vec<u8>)>, StoreError> {
        lock(&self.store).unsent_file(id)
    }

    fn file_sent(&mut self, id: AttachmentId) -> Result<(), StoreError> {
        lock(&self.store).file_sent(id)
    }
}

/// Starts syncing `store` with `client`'s server.
pub fn start<R: Runtime>(
    app: AppHandle<R>,
    store: Arc<Mutex<Store>>,
    client: Client,
) -> SyncHandle {
    let handle = SyncHandle {
        wake: Arc::new(Notify::new()),
        status: Arc::new(Mutex::new(SyncStatus {
            state: SyncState::Syncing,
            server: client.base().to_owned(),
            pending: 0,
            issues: 0,
            last_sync_at: None,
            progress: None,
            error: None,
        })),
        offline: Arc::new(std::sync::atomic::AtomicBool::new(
            lock(&store).work_offline().unwrap_or(false),
        )),
        tasks: Arc::default(),
    };
    let tasks = vec![
        tauri::async_runtime::spawn(listen(client.clone(), handle.wake.clone())),
        tauri::async_runtime::spawn(run(app, store, client, handle.clone())),
    ];
    *lock(&handle.tasks) = tasks;
    handle
}

/// Forwards the server's pokes as wake-ups, reconnecting whenever the stream drops.
async fn listen(client: Client, wake: Arc<Notify>) {
    loop {
        if let Ok(mut pokes) = client.pokes().await {
            while let Ok(Some(_)) = pokes.next().await {
                wake.notify_one();
            }
        }
        tokio::time::sleep(INTERVAL).await;
    }
}

async fn run<R: Runtime>(
    app: AppHandle<R>,
    store: Arc<Mutex<Store>>,
    client: Client,
    handle: SyncHandle,
) {
    let mut replica = Shared {
        store: store.clone(),
        touched: Touched::default(),
    };
    let alerter = DesktopAlerts::new(app.clone());
    let mut failures = 0;
    loop {
        if handle.working_offline() {
            let status = {
                let mut status = lock(&handle.status);
                status.state = SyncState::WorkingOffline;
                status.error = None;
                count_queued(&mut status, &lock(&store));
                status.clone()
            };
            let _ = SyncStatusChanged(status).emit(&app);
            handle.wake.notified().await;
            continue;
        }
        let before = Replica::cursor(&mut replica).ok().flatten();
        let result = round(&app, &client, &mut replica, &handle, before.is_none()).await;
        let mut touched = std::mem::take(&mut replica.touched);
        {
            let mut status = lock(&handle.status);
            count_queued(&mut status, &lock(&store));
            status.progress = None;
            match &result {
                Ok((pushed, _)) => {
                    failures = 0;
                    status.state = SyncState::Online;
                    status.last_sync_at = Some(now_millis());
                    status.error = None;
                    // A refusal undoes a change on screen even when the server has nothing new.
                    if pushed.rejected > 0 {
                        touched = Touched::everything();
                    }
                }
                Err(e) => {
                    failures += 1;
                    status.state = SyncState::Offline;
                    status.error = Some(error_body(e));
                }
            }
        }
        if !touched.is_empty() {
            let _ = WorkspaceChanged(touched).emit(&app);
            crate::unread::show(&app, &lock(&store));
        }
        let (alerts, conversation_alerts, wanted) = {
            let mut store = lock(&store);
            (
                store.take_alerts(),
                store.take_conversation_alerts(),
                store.desktop_notifications().unwrap_or(true),
            )
        };
        if wanted {
            for alert in &alerts {
                alerter.alert(alert);
            }
            for alert in &conversation_alerts {
                alerter.conversation(alert);
            }
        }
        let _ = SyncStatusChanged(handle.status()).emit(&app);
        // An action held for its undo window goes out as soon as the window closes.
        let now = now_millis();
        let release = lock(&store)
            .next_release(now)
            .ok()
            .flatten()
            .map(|at| Duration::from_millis((at - now).max(0) as u64));
        let wait = release.map_or(pause(failures), |r| r.min(pause(failures)));
        let _ = tokio::time::timeout(wait, handle.wake.notified()).await;
    }
}

/// What waits for the server, and what it refused.
fn count_queued(status: &mut SyncStatus, store: &Store) {
    status.pending = store.outbox_len().unwrap_or(status.pending);
    status.issues = store
        .sync_issue_count()
        .map(|n| n as usize)
        .unwrap_or(status.issues);
}

/// One sync round; a first one bootstraps the workspace and learns who "me" is.
async fn round<R: Runtime>(
    app: &AppHandle<R>,
    client: &Client,
    replica: &mut Shared,
    handle: &SyncHandle,
    first: bool,
) -> Result<(Pushed, Cursor), SyncError<StoreError>> {
    if first {
        lock(&handle.status).state = SyncState::Bootstrapping;
        let mut report = |p: Progress| {
            let mut status = lock(&handle.status);
            status.progress = Some(BootstrapProgress {
                tickets: p.tickets,
                total_tickets: p.total_tickets,
            });
            let _ = SyncStatusChanged(status.clone()).emit(app);
        };
        bootstrap(client, replica, &mut report).await?;
        let me = client.me().await?;
        lock(&replica.store)
            .set_me(me.id)
            .map_err(SyncError::Replica)?;
    }
    lock(&handle.status).state = SyncState::Syncing;
    sync(client, replica, now_millis()).await
}

fn error_body(e: &SyncError<StoreError>) -> ErrorBody {
    match e {
        SyncError::Client(e) => e.body(),
        SyncError::Replica(e) => e.body(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_rounds_back_off_up_to_a_minute() {
        let secs: Vec<u64> = (0..6).map(|f| pause(f).as_secs()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 60, 60]);
        assert_eq!(pause(u32::MAX), MAX_BACKOFF);
    }
}
