//! The demo workspace of a first launch is made after the window is up: the window shows how
//! far it got (100,000 tickets take a while), then starts over on the finished workspace. It
//! is made on a connection of its own, in one transaction, so the app's connection never sees
//! half of it.

use std::path::PathBuf;

use inbox_demo::DemoOptions;
use inbox_store::{Store, DATABASE_FILE};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::commands::AppState;
use crate::events::{DemoProgressed, SessionChanged};
use crate::locks::lock;
use crate::startup::now_millis;

/// How far making the demo workspace got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct DemoProgress {
    pub tickets: u32,
    pub total: u32,
}

/// Makes the demo workspace of `tickets` tickets in the empty local database, in the
/// background; `state.preparing` says how far it got until it is done.
pub fn prepare<R: Runtime>(app: &AppHandle<R>, state: &AppState, tickets: usize) {
    let total = tickets.min(u32::MAX as usize) as u32;
    *lock(&state.preparing) = Some(DemoProgress { tickets: 0, total });
    let file: PathBuf = state.data_dir.join(DATABASE_FILE);
    let preparing = state.preparing.clone();
    let app = app.clone();
    std::thread::spawn(move || {
        let report = |done: usize, total: usize| {
            let progress = DemoProgress {
                tickets: done.min(u32::MAX as usize) as u32,
                total: total.min(u32::MAX as usize) as u32,
            };
            *lock(&preparing) = Some(progress);
            let _ = DemoProgressed(progress).emit(&app);
        };
        let made = Store::open(&file).and_then(|mut store| {
            store.seed_demo_reporting(DemoOptions::new(tickets, now_millis()), &report)?;
            // Indexed for search now, rather than on the first search.
            store.refresh_search_index()?;
            Ok(store)
        });
        match made {
            // A fresh connection: the app's own may have counted the empty workspace.
            Ok(store) => {
                crate::unread::show(&app, &store);
                tauri::Manager::state::<AppState>(&app).replace_store(store);
            }
            Err(e) => eprintln!("teammate-inbox: the demo workspace could not be made: {e}"),
        }
        *lock(&preparing) = None;
        let session = crate::account::session_of(&app);
        let _ = SessionChanged(session).emit(&app);
    });
}
