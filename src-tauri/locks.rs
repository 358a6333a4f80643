//! Taking the app's mutexes (the open store, the running sync, its status), shared by the
//! commands and the sync task so that neither depends on the other for it.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, even when a panic poisoned it: a panic while holding the store cannot leave
/// SQLite half-written (transactions roll back), and the rest is plain data.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
