//! Finding and opening the local database, and seeding the demo workspace into it.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use inbox_demo::DemoOptions;
use inbox_store::{Store, DATABASE_FILE};
use tauri::{AppHandle, Manager, Runtime};

use crate::session::Connection;
use crate::LaunchOptions;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot find a data directory for the app ({0}); pass --data-dir DIR")]
    NoDataDir(tauri::Error),
    #[error("cannot create the data directory {dir}: {source}")]
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {file}: {source}")]
    Open {
        file: PathBuf,
        source: inbox_store::StoreError,
    },
    #[error("cannot seed the demo workspace: {0}")]
    Demo(inbox_store::StoreError),
}

/// Where the app keeps its databases and saved sign-in.
pub fn data_dir<R: Runtime>(
    app: &AppHandle<R>,
    options: &LaunchOptions,
) -> Result<PathBuf, StartupError> {
    match &options.data_dir {
        Some(dir) => Ok(dir.clone()),
        None => app.path().app_data_dir().map_err(StartupError::NoDataDir),
    }
}

/// How long a file attached here but named by no queued change is kept.
const UNSENT_FILES_KEPT_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Opens (creating it if needed) the database of `connection`'s workspace, or the local one
/// without a connection, seeding the demo workspace into an empty local one when asked.
pub fn open_store(
    data_dir: &Path,
    connection: Option<&Connection>,
    demo_tickets: Option<usize>,
) -> Result<Store, StartupError> {
    let dir = match connection {
        Some(connection) => connection.folder(data_dir),
        None => data_dir.to_owned(),
    };
    std::fs::create_dir_all(&dir).map_err(|source| StartupError::CreateDir {
        dir: dir.clone(),
        source,
    })?;
    let file = dir.join(DATABASE_FILE);
    let mut store = Store::open(&file).map_err(|source| StartupError::Open {
        file: file.clone(),
        source,
    })?;
    // Files attached to drafts that were thrown away; kept a good while, as a draft may wait.
    store
        .forget_unsent_files(now_millis() - UNSENT_FILES_KEPT_MS)
        .map_err(|source| StartupError::Open {
            file: file.clone(),
            source,
        })?;
    if let (Some(tickets), None) = (demo_tickets, connection) {
        if store.is_empty().map_err(StartupError::Demo)? {
            store
                .seed_demo(DemoOptions::new(tickets, now_millis()))
                .map_err(StartupError::Demo)?;
            // Index the demo for search now, rather than on the first search.
            store.refresh_search_index().map_err(StartupError::Demo)?;
        }
    }
    Ok(store)
}

pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
