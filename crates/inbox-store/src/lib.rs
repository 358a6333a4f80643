//! The local SQLite store of Teammate Inbox: schema and migrations, persistence of every domain
//! type of `inbox-core`, and the read models the app shows (the inbox list, view counts, a
//! ticket's detail).
//!
//! One [`Store`] wraps one connection to one database file (WAL, foreign keys on). Rules are not
//! decided here: writes go through `inbox-core` first, and the store only persists the result.

mod admin;
mod apply;
mod bulk;
mod codec;
mod condition;
mod conversations;
mod demo;
mod error;
mod inbox;
mod macros;
mod notifications;
mod optimistic;
mod outbox;
mod profiles;
#[cfg(test)]
mod query_plans;
mod queue;
mod read_model;
mod records;
mod replica;
mod schema;
pub use schema::LATEST as SCHEMA_VERSION;
mod search;
mod undo;
mod unread;
mod unsent_files;
mod write;

use std::path::Path;

use rusqlite::Connection;

pub use bulk::{BulkApplied, BulkPreview, BulkRefusal};
pub use conversations::{
    ConversationCounts, ConversationDetail, ConversationHit, ConversationPage, ConversationQuery,
    ConversationRow, ConversationSearchField, ConversationSearchPage, ConversationSearchQuery,
    ConversationStatus, MessageExcerpt,
};
pub use error::StoreError;
pub use inbox::{Filters, InboxPage, InboxQuery, InboxRow, Sort, View, ViewCounts};
pub use notifications::{Preview, INBOUND_EMAIL_DOMAIN};
pub use outbox::SyncIssue;
pub use profiles::{CompanyProfile, ContactProfile, DirectoryEntry, TicketCounts};
pub use queue::{QueuePage, QueueQuery, QueueRow};
pub use read_model::{LinkedTicketSummary, TicketDetail, TimelineEntry};
pub use replica::{ConversationAlert, ConversationAlertKind};
pub use search::{SearchField, SearchHit, SearchPage, SearchQuery, MATCH_END, MATCH_START};
pub use undo::UndoToken;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// See [`Store::write`].
struct RollbackUnlessCommitted<'a>(&'a Connection);

impl Drop for RollbackUnlessCommitted<'_> {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            // What went wrong first (the error, the panic) matters more than a failed rollback.
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}

/// The file name of the app's database inside its data directory.
pub const DATABASE_FILE: &str = "inbox.sqlite3";

pub struct Store {
    conn: Connection,
    /// Desktop alerts found in pulled changes, until the app takes them.
    alerts: Vec<inbox_core::alerts::Alert>,
    /// Desktop alerts about conversations found in pulled changes, until the app takes them.
    conversation_alerts: Vec<replica::ConversationAlert>,
    /// View totals, until the database changes.
    totals: std::cell::RefCell<inbox::Totals>,
    /// A reader beside the one writer ([`Store::open_reader`]): it reads, and keeps no index.
    read_only: bool,
}

impl Store {
    /// Opens the database at `path`, creating it if needed, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 64 MiB of page cache (the default is 2 MiB): big writes such as a tracker moving
        // 10,000 tickets touch pages all over the ticket indexes.
        conn.pragma_update(None, "cache_size", -65_536)?;
        // Statement journals in memory: a write that fires triggers (the search index's) keeps
        // one per statement, and a temporary file for each costs more than the write.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mut store = Store {
            totals: Default::default(),
            conn,
            alerts: Vec::new(),
            conversation_alerts: Vec::new(),
            read_only: false,
        };
        schema::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// A connection that only reads the database `path` (opened, and migrated, by a writer
    /// first): WAL lets it read beside the writer, so a long write (the sync's rebase) never
    /// holds up what the window reads. Its search sees the index as the writer last brought it
    /// up to date ([`Store::refresh_search_index`]).
    pub fn open_reader(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // A smaller cache than the writer's: readers come several, and read pages the writer
        // has just warmed in the OS's cache.
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let store = Store {
            totals: Default::default(),
            conn,
            alerts: Vec::new(),
            conversation_alerts: Vec::new(),
            read_only: true,
        };
        let version = store.schema_version()?;
        if version != schema::LATEST {
            return Err(StoreError::Corrupt(format!(
                "a reader found schema version {version}, not {}: the writer opens the file first",
                schema::LATEST
            )));
        }
        Ok(store)
    }

    /// The database file this store reads and writes.
    pub fn file(&self) -> Option<std::path::PathBuf> {
        self.conn.path().filter(|p| !p.is_empty()).map(Into::into)
    }

    /// The schema version this database is at.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Runs `f` in one write transaction: everything it wrote is committed together, or nothing
    /// is if it fails or panics. Not re-entrant.
    pub fn write<T>(&mut self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        // Rolls back on every way out but a commit, unwinding included: the app keeps using
        // the store after a panic (its lock forgives poisoning), and a transaction left open
        // would hold the database's write lock and make every later write fail to begin.
        let rollback = RollbackUnlessCommitted(&self.conn);
        let value = f(self)?;
        self.conn.execute_batch("COMMIT")?;
        std::mem::forget(rollback);
        Ok(value)
    }

    /// Whether the workspace has nothing in it yet (no teammates): a fresh database.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM teammates", [], |r| r.get(0))?;
        Ok(n == 0)
    }
}
