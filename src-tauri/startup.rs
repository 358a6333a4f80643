//! Finding and opening the local database, and seeding the demo workspace into it.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use inbox_demo::DemoOptions;
use inbox_store::{Store, DATABASE_FILE};
use tauri::{AppHandle, Manager, Runtime};

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

/// Opens (creating it if needed) the database in the data directory, and seeds the demo
/// workspace into it when asked and the database is empty.
pub fn open_store<R: Runtime>(
    app: &AppHandle<R>,
    options: &LaunchOptions,
) -> Result<Store, StartupError> {
    let mut dir = match &options.data_dir {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir().map_err(StartupError::NoDataDir)?,
    };
    if let Some(server) = &options.server {
        // Each server's workspace in a database of its own, beside any local one.
        dir = dir.join("servers").join(folder_name(&server.url));
    }
    std::fs::create_dir_all(&dir).map_err(|source| StartupError::CreateDir {
        dir: dir.clone(),
        source,
    })?;
    let file = dir.join(DATABASE_FILE);
    let mut store = Store::open(&file).map_err(|source| StartupError::Open {
        file: file.clone(),
        source,
    })?;
    if let (Some(tickets), None) = (options.demo_tickets, &options.server) {
        if store.is_empty().map_err(StartupError::Demo)? {
            inbox_demo::seed(&mut store, DemoOptions::new(tickets, now_millis()))
                .map_err(StartupError::Demo)?;
        }
    }
    Ok(store)
}

/// A server URL as a folder name: `http://127.0.0.1:8080/` → `127.0.0.1_8080`.
fn folder_name(url: &str) -> String {
    let host = url.split("://").last().unwrap_or(url).trim_end_matches('/');
    host.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
