//! Connections that only read the open workspace's database, beside the one that writes (WAL
//! lets them): what the window reads is never held up by a write under way, such as the sync's
//! rebase of a large pull. A few are kept open between commands; they follow the workspace
//! when the window switches to another.

use std::path::PathBuf;
use std::sync::Mutex;

use inbox_store::{Store, StoreError};

use crate::locks::lock;

/// Readers kept open between commands; more are opened while more commands read at once.
const KEPT: usize = 2;

#[derive(Default)]
pub struct Readers {
    pool: Mutex<Pool>,
}

#[derive(Default)]
struct Pool {
    /// The open workspace's database file.
    file: Option<PathBuf>,
    idle: Vec<Store>,
}

impl Readers {
    /// From now on, read `file` (the workspace the window shows now).
    pub fn point_at(&self, file: Option<PathBuf>) {
        let mut pool = lock(&self.pool);
        pool.file = file;
        pool.idle.clear();
    }

    /// Runs `f` on a reader of the open workspace.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let (file, idle) = {
            let mut pool = lock(&self.pool);
            (pool.file.clone(), pool.idle.pop())
        };
        let file = file.ok_or(StoreError::NoWorkspace)?;
        let reader = match idle {
            Some(reader) => reader,
            None => Store::open_reader(&file)?,
        };
        let read = f(&reader);
        let mut pool = lock(&self.pool);
        // Not kept if the window moved to another workspace meanwhile.
        if pool.file.as_ref() == Some(&file) && pool.idle.len() < KEPT {
            pool.idle.push(reader);
        }
        read
    }
}
