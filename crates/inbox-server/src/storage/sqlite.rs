//! The embedded backend: one SQLite file (WAL), one writer at a time, readers in parallel.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{params, Connection, OptionalExtension, ToSql};

use super::{
    Dialect, EmailRow, Filter, Kind, SearchDoc, SearchPage, SearchSql, SqlValue, Storage,
    TicketRow, Tx,
};
use crate::error::{Result, ServerError};

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "server.sqlite3";

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE entities (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL,
    type_id TEXT NOT NULL,
    category TEXT NOT NULL,
    state_id TEXT NOT NULL,
    open INTEGER NOT NULL,
    assignee_teammate TEXT,
    assignee_team TEXT,
    company_id TEXT,
    brand_id TEXT NOT NULL,
    shared INTEGER NOT NULL,
    tracker_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    title TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX tickets_number ON tickets (number);
CREATE INDEX tickets_tracker ON tickets (tracker_id) WHERE tracker_id IS NOT NULL;
CREATE INDEX tickets_updated ON tickets (updated_at DESC, id DESC);
CREATE TABLE ticket_contacts (
    contact_id TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    PRIMARY KEY (contact_id, ticket_id)
) WITHOUT ROWID;
CREATE INDEX ticket_contacts_ticket ON ticket_contacts (ticket_id);
CREATE TABLE parts (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner_id TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX parts_owner ON parts (owner_id, pos);
CREATE TABLE changes (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE emails (
    id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    status TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX emails_due ON emails (status, due_at);
CREATE INDEX emails_pending ON emails (contact_id, ticket_id, status);
"#,
    // 2: every list and count of the REST API is read from an index, never from the ticket rows
    // and their documents: the open list and state views come in update order from their index;
    // the other filters count from theirs and sort only their own tickets. Only the first two
    // carry `updated_at`, since every index holding it is rewritten by every update (a tracker
    // moving 10,000 tickets).
    //
    // Full-text search: `search_docs` holds the words (already folded by `full_text`, so both
    // backends index the same words) of each ticket's own fields and of each reply or note, of
    // a ticket or a conversation. FTS5 indexes one document per owner, all of its words
    // together, so that a search of several words is one lookup that FTS5 intersects;
    // `search_owners` gives each owner its FTS5 rowid. Owners' documents are rebuilt when a
    // write commits, once each.
    r#"
CREATE INDEX tickets_open_updated ON tickets (open, updated_at DESC, id DESC);
CREATE INDEX tickets_state_updated ON tickets (state_id, updated_at DESC, id DESC);
CREATE INDEX tickets_teammate ON tickets (assignee_teammate);
CREATE INDEX tickets_team ON tickets (assignee_team);
CREATE INDEX tickets_company ON tickets (company_id);
CREATE INDEX tickets_type ON tickets (type_id);
CREATE INDEX tickets_category ON tickets (category);
CREATE INDEX tickets_brand ON tickets (brand_id);
CREATE TABLE search_docs (
    key TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX search_docs_owner ON search_docs (owner_id);
CREATE TABLE search_owners (
    k INTEGER PRIMARY KEY,
    owner_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
"#,
];

/// The schema version that added full-text search: a database migrated past it from an older
/// one has its existing tickets and parts indexed once.
const FULL_TEXT_VERSION: usize = 2;

pub struct SqliteStorage {
    path: std::path::PathBuf,
    writer: Mutex<Connection>,
    readers: Readers,
}

/// How much the server may hold for SQLite: every connection's page cache is bounded, and so
/// is the number of read connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Read connections at most; a burst of reads beyond them waits for one.
    pub readers: usize,
    /// Each connection's page cache, in KiB (the writer's and each reader's).
    pub cache_kib: u32,
}

impl Default for SqliteOptions {
    /// Four readers keep two cores busy with room for slow requests, and 8 MiB holds the hot
    /// indexes of a 100,000-ticket workspace: at most 40 MiB of cache in all.
    fn default() -> SqliteOptions {
        SqliteOptions {
            readers: 4,
            cache_kib: 8 * 1024,
        }
    }
}

/// Read connections, at most `options.readers`: each holds its own page cache, so a burst of
/// concurrent reads waits for one instead of opening as many connections as there are threads.
struct Readers {
    idle: Mutex<(Vec<Connection>, usize)>,
    freed: std::sync::Condvar,
    options: SqliteOptions,
}

impl Readers {
    fn take(&self, path: &Path) -> Result<Connection> {
        let mut pool = self.idle.lock().expect("reader pool");
        loop {
            if let Some(conn) = pool.0.pop() {
                return Ok(conn);
            }
            if pool.1 < self.options.readers.max(1) {
                pool.1 += 1;
                drop(pool);
                return connect(path, self.options).inspect_err(|_| {
                    self.idle.lock().expect("reader pool").1 -= 1;
                });
            }
            pool = self.freed.wait(pool).expect("reader pool");
        }
    }

    fn give_back(&self, conn: Connection) {
        self.idle.lock().expect("reader pool").0.push(conn);
        self.freed.notify_one();
    }
}

impl SqliteStorage {
    /// Opens (creating if needed) the server database in `dir`.
    pub fn open_dir(dir: &Path) -> Result<SqliteStorage> {
        std::fs::create_dir_all(dir).map_err(|e| {
            ServerError::Storage(format!(
                "cannot create the data folder {}: {e}",
                dir.display()
            ))
        })?;
        SqliteStorage::open(&dir.join(DATABASE_FILE))
    }

    /// Opens (creating if needed) the server database in `dir`, with `options`.
    pub fn open_dir_with(dir: &Path, options: SqliteOptions) -> Result<SqliteStorage> {
        std::fs::create_dir_all(dir).map_err(|e| {
            ServerError::Storage(format!(
                "cannot create the data folder {}: {e}",
                dir.display()
            ))
        })?;
        SqliteStorage::open_with(&dir.join(DATABASE_FILE), options)
    }

    pub fn open(path: &Path) -> Result<SqliteStorage> {
        SqliteStorage::open_with(path, SqliteOptions::default())
    }

    pub fn open_with(path: &Path, options: SqliteOptions) -> Result<SqliteStorage> {
        let mut conn = connect(path, options)?;
        let from = migrate(&mut conn)?;
        let storage = SqliteStorage {
            path: path.to_owned(),
            writer: Mutex::new(conn),
            readers: Readers {
                idle: Mutex::new((Vec::new(), 0)),
                freed: std::sync::Condvar::new(),
                options,
            },
        };
        if from > 0 && from < FULL_TEXT_VERSION {
            super::full_text::index_everything(&storage)?;
        }
        Ok(storage)
    }
}

fn connect(path: &Path, options: SqliteOptions) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: an acknowledged push or a queued email must survive a power cut, not only a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", -i64::from(options.cache_kib.max(64)))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

/// Brings the schema up to date; returns the version it was at.
fn migrate(conn: &mut Connection) -> Result<usize> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let version = version as usize;
    if version > MIGRATIONS.len() {
        return Err(ServerError::Storage(format!(
            "the database is at schema version {version}, newer than this server ({}): upgrade the server",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(version)
}

impl Storage for SqliteStorage {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let conn = self.readers.take(&self.path)?;
        let result = conn
            .execute_batch("BEGIN")
            .map_err(ServerError::from)
            .and_then(|()| f(&mut SqliteTx::new(&conn)));
        // A read has nothing to keep; ending it releases the snapshot.
        let _ = conn.execute_batch("COMMIT");
        self.readers.give_back(conn);
        result
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if !conn.is_autocommit() {
            // A write that panicked left its transaction open: nothing of it may stay.
            conn.execute_batch("ROLLBACK")?;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let mut tx = SqliteTx::new(&conn);
        match f(&mut tx).and_then(|()| tx.reindex_stale()) {
            Ok(()) => {
                conn.execute_batch("COMMIT")?;
                Ok(())
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn watch(&self, _on_change: Box<dyn Fn(i64) + Send + Sync>) -> Result<()> {
        // One process owns the file: the server pokes its clients after its own commits.
        Ok(())
    }
}

struct SqliteTx<'a> {
    conn: &'a Connection,
    /// Owners whose search documents changed: their FTS5 documents are rebuilt on commit.
    stale: BTreeSet<String>,
}

impl SqliteTx<'_> {
    fn new(conn: &Connection) -> SqliteTx<'_> {
        SqliteTx {
            conn,
            stale: BTreeSet::new(),
        }
    }

    /// Rebuilds the FTS5 document of every owner whose words changed.
    fn reindex_stale(&mut self) -> Result<()> {
        for owner in std::mem::take(&mut self.stale) {
            self.conn
                .prepare_cached(
                    "INSERT INTO search_owners (owner_id) VALUES (?1) ON CONFLICT DO NOTHING",
                )?
                .execute([&owner])?;
            let k: i64 = self
                .conn
                .prepare_cached("SELECT k FROM search_owners WHERE owner_id = ?1")?
                .query_row([&owner], |r| r.get(0))?;
            self.conn
                .prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
                .execute([k])?;
            let body: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT group_concat(body, ' ') FROM search_docs WHERE owner_id = ?1",
                )?
                .query_row([&owner], |r| r.get(0))?;
            if let Some(body) = body {
                self.conn
                    .prepare_cached("INSERT INTO search_fts (rowid, body) VALUES (?1, ?2)")?
                    .execute(params![k, body])?;
            }
        }
        Ok(())
    }
}

impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(match self {
            SqlValue::Text(t) => Value::Text(t.clone()),
            SqlValue::Int(i) => Value::Integer(*i),
            SqlValue::Float(f) => Value::Real(*f),
            SqlValue::Bool(b) => Value::Integer(*b as i64),
            SqlValue::Null => Value::Null,
        }))
    }
}

fn email_row(r: &rusqlite::Row) -> rusqlite::Result<EmailRow> {
    Ok(EmailRow {
        id: r.get(0)?,
        contact_id: r.get(1)?,
        ticket_id: r.get(2)?,
        status: r.get(3)?,
        due_at: r.get(4)?,
        doc: r.get(5)?,
    })
}

const EMAIL_COLUMNS: &str = "id, contact_id, ticket_id, status, due_at, doc";

impl SqliteTx<'_> {
    fn strings(&self, sql: &str, params: &[&dyn ToSql]) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn pairs<K: rusqlite::types::FromSql>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
    ) -> Result<Vec<(K, String)>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn one_string(&self, sql: &str, params: &[&dyn ToSql]) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row(params, |r| r.get(0))
            .optional()?)
    }

    fn emails(&self, sql: &str, params: &[&dyn ToSql]) -> Result<Vec<EmailRow>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, email_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Tx for SqliteTx<'_> {
    fn get(&mut self, kind: Kind, id: &str) -> Result<Option<String>> {
        self.one_string(
            "SELECT doc FROM entities WHERE kind = ?1 AND id = ?2",
            &[&kind.as_str(), &id],
        )
    }

    fn list(&mut self, kind: Kind, after: &str, limit: usize) -> Result<Vec<(String, String)>> {
        self.pairs(
            "SELECT id, doc FROM entities WHERE kind = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            &[&kind.as_str(), &after, &(limit as i64)],
        )
    }

    fn list_prefix(&mut self, kind: Kind, prefix: &str) -> Result<Vec<(String, String)>> {
        // '~' sorts after every character ids use, so [prefix, prefix~) is the prefix's range.
        self.pairs(
            "SELECT id, doc FROM entities WHERE kind = ?1 AND id >= ?2 AND id < ?3 ORDER BY id",
            &[&kind.as_str(), &prefix, &format!("{prefix}~")],
        )
    }

    fn put(&mut self, kind: Kind, id: &str, doc: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO entities (kind, id, doc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc",
            )?
            .execute(params![kind.as_str(), id, doc])?;
        Ok(())
    }

    fn delete(&mut self, kind: Kind, id: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM entities WHERE kind = ?1 AND id = ?2")?
            .execute(params![kind.as_str(), id])?;
        Ok(())
    }

    fn ticket(&mut self, id: &str) -> Result<Option<String>> {
        self.one_string("SELECT doc FROM tickets WHERE id = ?1", &[&id])
    }

    fn ticket_by_number(&mut self, number: i64) -> Result<Option<String>> {
        self.one_string("SELECT doc FROM tickets WHERE number = ?1", &[&number])
    }

    fn put_ticket(&mut self, t: &TicketRow) -> Result<()> {
        let columns: [(&str, Value); 14] = [
            ("number", t.number.into()),
            ("type_id", t.type_id.clone().into()),
            ("category", t.category.clone().into()),
            ("state_id", t.state_id.clone().into()),
            ("open", i64::from(t.open).into()),
            ("assignee_teammate", t.assignee_teammate.clone().into()),
            ("assignee_team", t.assignee_team.clone().into()),
            ("company_id", t.company_id.clone().into()),
            ("brand_id", t.brand_id.clone().into()),
            ("shared", i64::from(t.shared).into()),
            ("tracker_id", t.tracker_id.clone().into()),
            ("created_at", t.created_at.into()),
            ("updated_at", t.updated_at.into()),
            ("title", t.title.clone().into()),
        ];
        let stored: Option<Vec<Value>> = self
            .conn
            .prepare_cached(
                "SELECT number, type_id, category, state_id, open, assignee_teammate,
                    assignee_team, company_id, brand_id, shared, tracker_id, created_at,
                    updated_at, title
                 FROM tickets WHERE id = ?1",
            )?
            .query_row([&t.id], |r| (0..14).map(|i| r.get::<_, Value>(i)).collect())
            .optional()?;
        match stored {
            None => {
                let mut values: Vec<Value> = vec![t.id.clone().into()];
                values.extend(columns.iter().map(|(_, v)| v.clone()));
                values.push(t.doc.clone().into());
                self.conn
                    .prepare_cached(
                        "INSERT INTO tickets (id, number, type_id, category, state_id, open,
                            assignee_teammate, assignee_team, company_id, brand_id, shared,
                            tracker_id, created_at, updated_at, title, doc)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                            ?15, ?16)",
                    )?
                    .execute(rusqlite::params_from_iter(values))?;
            }
            Some(stored) => {
                // Only the columns that changed are set: SQLite rewrites an index entry for
                // every index over a column an UPDATE sets, changed or not, and a tracker
                // moving 10,000 tickets changes only their state and update time.
                let mut set = Vec::new();
                let mut values = Vec::new();
                for ((name, new), old) in columns.iter().zip(stored) {
                    if *new != old {
                        values.push(new.clone());
                        set.push(format!("{name} = ?{}", values.len()));
                    }
                }
                values.push(t.doc.clone().into());
                set.push(format!("doc = ?{}", values.len()));
                values.push(t.id.clone().into());
                let sql = format!(
                    "UPDATE tickets SET {} WHERE id = ?{}",
                    set.join(", "),
                    values.len()
                );
                self.conn
                    .prepare_cached(&sql)?
                    .execute(rusqlite::params_from_iter(values))?;
            }
        }
        if t.text.is_some() {
            self.put_search_docs(&SearchDoc::of_tickets(std::slice::from_ref(t)))?;
        }
        let Some(contacts) = &t.contacts else {
            return Ok(());
        };
        let current = self.strings(
            "SELECT contact_id FROM ticket_contacts WHERE ticket_id = ?1 ORDER BY contact_id",
            &[&t.id],
        )?;
        let mut wanted = contacts.clone();
        wanted.sort();
        wanted.dedup();
        if current != wanted {
            self.conn
                .prepare_cached("DELETE FROM ticket_contacts WHERE ticket_id = ?1")?
                .execute([&t.id])?;
            let mut insert = self.conn.prepare_cached(
                "INSERT INTO ticket_contacts (contact_id, ticket_id) VALUES (?1, ?2)",
            )?;
            for contact in &wanted {
                insert.execute([contact, &t.id])?;
            }
        }
        Ok(())
    }

    fn max_ticket_number(&mut self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(number), 0) FROM tickets", [], |r| {
                r.get(0)
            })?)
    }

    fn ticket_count(&mut self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))?)
    }

    fn tickets_after(&mut self, after: &str, limit: usize) -> Result<Vec<(String, String)>> {
        self.pairs(
            "SELECT id, doc FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?2",
            &[&after, &(limit as i64)],
        )
    }

    fn tickets_linked_to(&mut self, tracker: &str) -> Result<Vec<String>> {
        self.strings(
            "SELECT doc FROM tickets WHERE tracker_id = ?1 ORDER BY id",
            &[&tracker],
        )
    }

    fn tickets_of_contact(&mut self, contact: &str) -> Result<Vec<String>> {
        self.strings(
            "SELECT t.doc FROM ticket_contacts c JOIN tickets t ON t.id = c.ticket_id
             WHERE c.contact_id = ?1 ORDER BY t.id",
            &[&contact],
        )
    }

    fn search_tickets(&mut self, filter: &Filter, offset: i64, limit: i64) -> Result<SearchPage> {
        let SearchSql {
            count,
            page,
            mut params,
        } = filter.search_sql(Dialect::Sqlite);
        let total: i64 =
            self.conn
                .query_row(&count, rusqlite::params_from_iter(params.iter()), |r| {
                    r.get(0)
                })?;
        params.push(SqlValue::Int(limit));
        params.push(SqlValue::Int(offset));
        let mut stmt = self.conn.prepare(&page)?;
        let docs = stmt
            .query_map(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(SearchPage { docs, total })
    }

    fn put_search_docs(&mut self, docs: &[SearchDoc]) -> Result<()> {
        for d in docs {
            let changed = if d.text.is_empty() {
                self.conn
                    .prepare_cached("DELETE FROM search_docs WHERE key = ?1")?
                    .execute([&d.key])?
            } else {
                self.conn
                    .prepare_cached(
                        "INSERT INTO search_docs (key, owner_id, body) VALUES (?1, ?2, ?3)
                         ON CONFLICT (key) DO UPDATE SET body = excluded.body
                         WHERE body <> excluded.body",
                    )?
                    .execute([&d.key, &d.owner, &d.text])?
            };
            if changed > 0 {
                self.stale.insert(d.owner.clone());
            }
        }
        Ok(())
    }

    fn owners_matching(&mut self, word: &str) -> Result<Vec<String>> {
        self.strings(
            "SELECT owner_id FROM search_owners WHERE k IN
                (SELECT rowid FROM search_fts WHERE search_fts MATCH ?1)",
            &[&format!("\"{word}\"*")],
        )
    }

    fn append_part(&mut self, owner: &str, id: &str, doc: &str) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO parts (id, owner_id, doc) VALUES (?1, ?2, ?3)")?
            .execute(params![id, owner, doc])?;
        Ok(())
    }

    fn parts(&mut self, owner: &str) -> Result<Vec<String>> {
        self.strings(
            "SELECT doc FROM parts WHERE owner_id = ?1 ORDER BY pos",
            &[&owner],
        )
    }

    fn parts_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, String)>> {
        self.pairs(
            "SELECT pos, doc FROM parts WHERE pos > ?1 ORDER BY pos LIMIT ?2",
            &[&after, &(limit as i64)],
        )
    }

    fn append_change(&mut self, at: i64, doc: &str) -> Result<i64> {
        self.conn
            .prepare_cached("INSERT INTO changes (at, doc) VALUES (?1, ?2)")?
            .execute(params![at, doc])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn changes_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, String)>> {
        self.pairs(
            "SELECT cursor, doc FROM changes WHERE cursor > ?1 ORDER BY cursor LIMIT ?2",
            &[&after, &(limit as i64)],
        )
    }

    fn last_cursor(&mut self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(cursor), 0) FROM changes", [], |r| {
                r.get(0)
            })?)
    }

    fn email(&mut self, id: &str) -> Result<Option<EmailRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {EMAIL_COLUMNS} FROM emails WHERE id = ?1"))?
            .query_row([id], email_row)
            .optional()?)
    }

    fn pending_email(&mut self, contact: &str, ticket: &str) -> Result<Option<EmailRow>> {
        Ok(self
            .emails(
                &format!(
                    "SELECT {EMAIL_COLUMNS} FROM emails
                     WHERE contact_id = ?1 AND ticket_id = ?2 AND status = 'pending'"
                ),
                &[&contact, &ticket],
            )?
            .pop())
    }

    fn put_email(&mut self, e: &EmailRow) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO emails (id, contact_id, ticket_id, status, due_at, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                    due_at = excluded.due_at, doc = excluded.doc",
            )?
            .execute(params![
                e.id,
                e.contact_id,
                e.ticket_id,
                e.status,
                e.due_at,
                e.doc
            ])?;
        Ok(())
    }

    fn due_emails(&mut self, now: i64, limit: usize) -> Result<Vec<EmailRow>> {
        self.emails(
            &format!(
                "SELECT {EMAIL_COLUMNS} FROM emails WHERE status IN ('pending', 'sending') AND due_at <= ?1
                 ORDER BY due_at, id LIMIT ?2"
            ),
            &[&now, &(limit as i64)],
        )
    }

    fn emails_with_status(&mut self, status: &str, limit: usize) -> Result<Vec<EmailRow>> {
        self.emails(
            &format!(
                "SELECT {EMAIL_COLUMNS} FROM emails WHERE status = ?1
                 ORDER BY due_at DESC, id DESC LIMIT ?2"
            ),
            &[&status, &(limit as i64)],
        )
    }

    fn next_email_due(&mut self) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT MIN(due_at) FROM emails WHERE status IN ('pending', 'sending')",
            [],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// How many of `n` reads, each taking a while, ran at once at most.
    fn most_reads_at_once(storage: &Arc<SqliteStorage>, n: usize) -> usize {
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..n)
            .map(|_| {
                let (storage, inside, most) = (storage.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    storage
                        .read(&mut |_| {
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            inside.fetch_sub(1, Ordering::SeqCst);
                            Ok(())
                        })
                        .unwrap();
                })
            })
            .collect();
        for reader in readers {
            reader.join().unwrap();
        }
        most.load(Ordering::SeqCst)
    }

    #[test]
    fn concurrent_reads_share_a_bounded_pool_of_connections() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Arc::new(SqliteStorage::open_dir(dir.path()).unwrap());
        let most = most_reads_at_once(&storage, 40);
        let bound = SqliteOptions::default().readers;
        assert!((2..=bound).contains(&most), "{most} reads at once");
        assert!(storage.readers.idle.lock().unwrap().1 <= bound);
    }

    #[test]
    fn readers_and_page_caches_follow_the_options() {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteOptions {
            readers: 2,
            cache_kib: 2048,
        };
        let storage = Arc::new(SqliteStorage::open_dir_with(dir.path(), options).unwrap());
        let most = most_reads_at_once(&storage, 12);
        assert_eq!(most, 2);
        let cache = |conn: &Connection| -> i64 {
            conn.pragma_query_value(None, "cache_size", |r| r.get(0))
                .unwrap()
        };
        let reader = storage.readers.take(&storage.path).unwrap();
        assert_eq!(cache(&reader), -2048, "KiB");
        storage.readers.give_back(reader);
        assert_eq!(cache(&storage.writer.lock().unwrap()), -2048);
    }
}
