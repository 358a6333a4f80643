//! The shared backend: one PostgreSQL database behind any number of server processes.
//!
//! Every write transaction first takes one database-wide advisory lock, so writers run one at a
//! time across processes and ticket numbers and change cursors follow commit order. Reads run in
//! a repeatable-read snapshot on their own pooled connections, in parallel with the writer. Each
//! appended change is announced with NOTIFY on commit, which [`Storage::watch`] relays.
//!
//! The `postgres` client is synchronous and drives a small Tokio runtime of its own: call this
//! backend from blocking threads (`spawn_blocking`), never directly from async code.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSqlOwned, ToSql};
use postgres::{Client, Config, IsolationLevel, NoTls, Row, Statement, Transaction};

use super::{
    Dialect, EmailRow, Filter, Kind, PartRow, SearchDoc, SearchPage, SearchSql, SqlValue, Storage,
    TicketRow, Tx,
};
use crate::error::{postgres_message, Result, ServerError};

/// The advisory lock every write (and migration) holds until it ends. Any constant works as long
/// as every server agrees on it; this one spells "inbox".
const WRITE_LOCK: i64 = 0x69_6e_62_6f_78;

/// Idle connections kept for reuse; bursts open more and close the extras afterwards.
const POOL_SIZE: usize = 8;

/// Used when the URL sets no `connect_timeout`, so an unreachable database fails instead of
/// hanging a request forever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection idle for longer is pinged before use. The client only notices that the server
/// closed a connection (restarted, or ended idle sessions) when it next talks to it, and one
/// round trip is cheaper than failing a request; busy connections skip the check.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// How long the watcher waits for a notification before checking that its connection is alive
/// (a silently dropped connection never reports an error) and that the storage still exists.
const WATCH_TICK: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Names the watcher's connection in `pg_stat_activity`.
const WATCH_APPLICATION: &str = "inbox-server watch";

/// Every text column but the documents sorts and compares by bytes (`COLLATE "C"`), as in
/// SQLite: paging by id and `list_prefix`'s `[prefix, prefix~)` range rely on it, and a
/// database created with a natural-language collation would order ids differently.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE entities (
    kind TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE tickets (
    id TEXT COLLATE "C" PRIMARY KEY,
    number BIGINT NOT NULL,
    type_id TEXT COLLATE "C" NOT NULL,
    category TEXT COLLATE "C" NOT NULL,
    state_id TEXT COLLATE "C" NOT NULL,
    open BOOLEAN NOT NULL,
    assignee_teammate TEXT COLLATE "C",
    assignee_team TEXT COLLATE "C",
    company_id TEXT COLLATE "C",
    brand_id TEXT COLLATE "C" NOT NULL,
    shared BOOLEAN NOT NULL,
    tracker_id TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    doc TEXT NOT NULL
);
CREATE UNIQUE INDEX tickets_number ON tickets (number);
CREATE INDEX tickets_tracker ON tickets (tracker_id) WHERE tracker_id IS NOT NULL;
CREATE INDEX tickets_updated ON tickets (updated_at DESC, id DESC);
CREATE TABLE ticket_contacts (
    contact_id TEXT COLLATE "C" NOT NULL,
    ticket_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (contact_id, ticket_id)
);
CREATE INDEX ticket_contacts_ticket ON ticket_contacts (ticket_id);
CREATE TABLE parts (
    pos BIGSERIAL PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    owner_id TEXT COLLATE "C" NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX parts_owner ON parts (owner_id, pos);
CREATE TABLE changes (
    cursor BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE emails (
    id TEXT COLLATE "C" PRIMARY KEY,
    contact_id TEXT COLLATE "C" NOT NULL,
    ticket_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    due_at BIGINT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX emails_due ON emails (status, due_at);
CREATE INDEX emails_pending ON emails (contact_id, ticket_id, status);
"#,
    // 2: indexes for every list and count of the REST API, and full-text search, as in SQLite's
    // migration 2 (see there). The words are stored folded and split by `full_text`, so the
    // tsvector is made of them as they are (no parser, no dictionary) and matches what SQLite's
    // FTS5 finds.
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
    key TEXT COLLATE "C" PRIMARY KEY,
    owner_id TEXT COLLATE "C" NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX search_docs_owner ON search_docs (owner_id);
CREATE TABLE search_owners (
    owner_id TEXT COLLATE "C" PRIMARY KEY,
    words tsvector NOT NULL
);
CREATE INDEX search_owners_words ON search_owners USING GIN (words);
"#,
];

/// The schema version that added full-text search (see SQLite's).
const FULL_TEXT_VERSION: i64 = 2;

pub struct PostgresStorage {
    config: Config,
    idle: Mutex<Vec<Conn>>,
    /// Writers of this process queue here rather than each holding a connection while they
    /// wait for the database lock.
    writer: Mutex<()>,
    /// Set when the storage is dropped, to end its `watch` threads.
    closed: Arc<AtomicBool>,
}

/// A pooled connection and the statements prepared on it (they live as long as its session).
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
    idle_since: Instant,
}

impl PostgresStorage {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// brings its schema up to date.
    pub fn connect(url: &str) -> Result<PostgresStorage> {
        let mut config: Config = url.parse().map_err(|e| {
            ServerError::Storage(format!("invalid PostgreSQL URL: {}", postgres_message(&e)))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let mut conn = open(&config)?;
        let from = migrate(&mut conn.client)?;
        let storage = PostgresStorage {
            config,
            idle: Mutex::new(vec![conn]),
            writer: Mutex::new(()),
            closed: Arc::new(AtomicBool::new(false)),
        };
        if from > 0 && from < FULL_TEXT_VERSION {
            super::full_text::index_everything(&storage)?;
        }
        Ok(storage)
    }

    /// An idle connection, or a new one; connections the server closed are dropped on the way.
    fn take(&self) -> Result<Conn> {
        loop {
            let Some(mut conn) = lock(&self.idle).pop() else {
                return open(&self.config);
            };
            let stale = conn.idle_since.elapsed() > IDLE_CHECK
                && conn.client.is_valid(PING_TIMEOUT).is_err();
            if !stale && !conn.client.is_closed() {
                return Ok(conn);
            }
        }
    }

    fn give_back(&self, mut conn: Conn) {
        if conn.client.is_closed() {
            return;
        }
        conn.idle_since = Instant::now();
        let mut idle = lock(&self.idle);
        if idle.len() < POOL_SIZE {
            idle.push(conn);
        }
    }
}

impl Drop for PostgresStorage {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::Relaxed);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded values stay consistent even if a holder panicked.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn open(config: &Config) -> Result<Conn> {
    let client = config.connect(NoTls).map_err(|e| {
        ServerError::Storage(format!(
            "cannot connect to PostgreSQL: {}",
            postgres_message(&e)
        ))
    })?;
    Ok(Conn {
        client,
        statements: HashMap::new(),
        idle_since: Instant::now(),
    })
}

/// Brings the schema up to date; returns the version it was at.
fn migrate(client: &mut Client) -> Result<i64> {
    let mut tx = client.transaction()?;
    // Servers starting together wait here in turn; the later ones find the schema up to date.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version BIGINT PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )?;
    let row = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?;
    let version: i64 = column(&row, 0)?;
    if version > MIGRATIONS.len() as i64 {
        return Err(ServerError::Storage(format!(
            "the database is at schema version {version}, newer than this server ({}): upgrade the server",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(i as i64 + 1)],
        )?;
    }
    tx.commit().map_err(ServerError::from)?;
    Ok(version)
}

impl Storage for PostgresStorage {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let mut conn = self.take()?;
        let result = run_read(&mut conn, f);
        self.give_back(conn);
        result
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        let _turn = lock(&self.writer);
        let mut conn = self.take()?;
        let result = run_write(&mut conn, f);
        self.give_back(conn);
        result
    }

    fn watch(&self, on_change: Box<dyn Fn(i64) + Send + Sync>) -> Result<()> {
        let mut config = self.config.clone();
        config.application_name(WATCH_APPLICATION);
        // Listening before returning: every commit after `watch` returns is reported.
        let client = listen(&config)?;
        let closed = self.closed.clone();
        std::thread::Builder::new()
            .name("inbox-pg-watch".into())
            .spawn(move || watch_loop(&config, client, &*on_change, &closed))
            .map_err(|e| ServerError::Storage(format!("cannot start the change watcher: {e}")))?;
        Ok(())
    }
}

fn run_read(conn: &mut Conn, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
    let Conn {
        client, statements, ..
    } = conn;
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let result = f(&mut PgTx {
        tx: &mut tx,
        statements,
        stale: BTreeSet::new(),
    });
    // A read has nothing to keep: ending it releases the snapshot.
    let ended = tx.commit();
    result?;
    ended.map_err(ServerError::from)
}

fn run_write(conn: &mut Conn, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
    let Conn {
        client, statements, ..
    } = conn;
    // READ COMMITTED whatever the database's default: each statement then sees everything the
    // previous writer committed before it released the lock, where a snapshot taken at the
    // start (REPEATABLE READ) would predate the wait for the lock.
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::ReadCommitted)
        .start()?;
    let mut pg = PgTx {
        tx: &mut tx,
        statements,
        stale: BTreeSet::new(),
    };
    pg.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
    match f(&mut pg).and_then(|()| pg.reindex_stale()) {
        Ok(()) => tx.commit().map_err(ServerError::from),
        Err(e) => {
            // A broken connection fails the rollback too; the pool then drops it.
            let _ = tx.rollback();
            Err(e)
        }
    }
}

fn listen(config: &Config) -> Result<Client> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute("LISTEN inbox_changes")?;
    Ok(client)
}

/// Relays notifications until the storage is dropped, reconnecting whenever the connection is
/// lost.
fn watch_loop(config: &Config, mut client: Client, on_change: &dyn Fn(i64), closed: &AtomicBool) {
    loop {
        relay(&mut client, on_change, closed);
        if closed.load(Ordering::Relaxed) {
            return;
        }
        tracing::warn!("lost the PostgreSQL change notifications; reconnecting");
        match reconnect(config, on_change, closed) {
            Some(fresh) => client = fresh,
            None => return,
        }
    }
}

/// Calls `on_change` for the notifications arriving on `client` until it breaks or the storage
/// is dropped.
fn relay(client: &mut Client, on_change: &dyn Fn(i64), closed: &AtomicBool) {
    while !closed.load(Ordering::Relaxed) {
        match newest_notified(client) {
            Ok(Some(cursor)) => on_change(cursor),
            Ok(None) => {
                if client.is_closed() || client.is_valid(PING_TIMEOUT).is_err() {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// The newest cursor among the notifications received within one tick, if any: a burst of
/// commits wakes the server once.
fn newest_notified(client: &mut Client) -> Result<Option<i64>, postgres::Error> {
    let mut notifications = client.notifications();
    let Some(first) = notifications.timeout_iter(WATCH_TICK).next()? else {
        return Ok(None);
    };
    let mut newest = first.payload().parse::<i64>().ok();
    let mut buffered = notifications.iter();
    while let Some(more) = buffered.next()? {
        newest = newest.max(more.payload().parse().ok());
    }
    Ok(newest)
}

/// Listens again, backing off while the database is unreachable, then reports the newest
/// cursor: changes committed in between were announced to nobody.
fn reconnect(config: &Config, on_change: &dyn Fn(i64), closed: &AtomicBool) -> Option<Client> {
    let mut delay = FIRST_BACKOFF;
    loop {
        std::thread::sleep(delay);
        if closed.load(Ordering::Relaxed) {
            return None;
        }
        let listening = listen(config).and_then(|mut client| {
            let cursor = last_cursor(&mut client)?;
            Ok((client, cursor))
        });
        if let Ok((client, cursor)) = listening {
            tracing::info!("listening to PostgreSQL change notifications again");
            on_change(cursor);
            return Some(client);
        }
        delay = (delay * 2).min(MAX_BACKOFF);
    }
}

fn last_cursor(client: &mut Client) -> Result<i64> {
    let row = client.query_one("SELECT COALESCE(MAX(cursor), 0) FROM changes", &[])?;
    column(&row, 0)
}

fn column<T: FromSqlOwned>(row: &Row, index: usize) -> Result<T> {
    row.try_get(index).map_err(ServerError::from)
}

/// A filter value as a parameter of the PostgreSQL type its column has.
fn param(value: SqlValue) -> Box<dyn ToSql + Sync> {
    match value {
        SqlValue::Text(t) => Box::new(t),
        SqlValue::Int(i) => Box::new(i),
        SqlValue::Float(f) => Box::new(f),
        SqlValue::Bool(b) => Box::new(b),
        // Filters render comparisons with NULL as IS NULL; text suits the columns one could reach.
        SqlValue::Null => Box::new(None::<String>),
    }
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

struct PgTx<'a, 'c> {
    tx: &'a mut Transaction<'c>,
    statements: &'a mut HashMap<&'static str, Statement>,
    /// Owners whose search documents changed: their tsvector is rebuilt on commit.
    stale: BTreeSet<String>,
}

impl PgTx<'_, '_> {
    /// Rebuilds the tsvector of every owner whose words changed, in two statements.
    fn reindex_stale(&mut self) -> Result<()> {
        if self.stale.is_empty() {
            return Ok(());
        }
        let owners: Vec<String> = std::mem::take(&mut self.stale).into_iter().collect();
        self.execute(
            "DELETE FROM search_owners WHERE owner_id = ANY($1)",
            &[&owners],
        )?;
        self.execute(
            "INSERT INTO search_owners (owner_id, words)
             SELECT owner_id, array_to_tsvector(string_to_array(string_agg(body, ' '), ' '))
             FROM search_docs WHERE owner_id = ANY($1) GROUP BY owner_id",
            &[&owners],
        )?;
        Ok(())
    }

    /// `sql` prepared on this connection, the first time only.
    fn statement(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn query(&mut self, sql: &'static str, params: Params) -> Result<Vec<Row>> {
        let statement = self.statement(sql)?;
        self.tx.query(&statement, params).map_err(ServerError::from)
    }

    fn execute(&mut self, sql: &'static str, params: Params) -> Result<u64> {
        let statement = self.statement(sql)?;
        self.tx
            .execute(&statement, params)
            .map_err(ServerError::from)
    }

    fn values<T: FromSqlOwned>(&mut self, sql: &'static str, params: Params) -> Result<Vec<T>> {
        self.query(sql, params)?
            .iter()
            .map(|row| column(row, 0))
            .collect()
    }

    fn value<T: FromSqlOwned>(&mut self, sql: &'static str, params: Params) -> Result<T> {
        self.values(sql, params)?
            .pop()
            .ok_or_else(|| ServerError::Storage(format!("no row from `{sql}`")))
    }

    fn pairs<K: FromSqlOwned>(
        &mut self,
        sql: &'static str,
        params: Params,
    ) -> Result<Vec<(K, String)>> {
        self.query(sql, params)?
            .iter()
            .map(|row| Ok((column(row, 0)?, column(row, 1)?)))
            .collect()
    }

    fn emails(&mut self, sql: &'static str, params: Params) -> Result<Vec<EmailRow>> {
        self.query(sql, params)?.iter().map(email_row).collect()
    }

    /// Rewrites the contact lists of `rows` that changed, in three statements whatever their
    /// number.
    fn put_contact_lists(&mut self, rows: &[TicketRow]) -> Result<()> {
        let rows: Vec<(&String, &Vec<String>)> = rows
            .iter()
            .filter_map(|t| Some((&t.id, t.contacts.as_ref()?)))
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let ids: Vec<&String> = rows.iter().map(|(id, _)| *id).collect();
        let mut current: HashMap<String, Vec<String>> = HashMap::new();
        for row in self.query(
            "SELECT ticket_id, contact_id FROM ticket_contacts WHERE ticket_id = ANY($1)
             ORDER BY ticket_id, contact_id",
            &[&ids],
        )? {
            current
                .entry(column(&row, 0)?)
                .or_default()
                .push(column(&row, 1)?);
        }
        let (mut stale, mut add_tickets, mut add_contacts) = (Vec::new(), Vec::new(), Vec::new());
        for (id, contacts) in rows {
            let mut wanted = contacts.clone();
            wanted.sort();
            wanted.dedup();
            if current.get(id).map_or(wanted.is_empty(), |c| *c == wanted) {
                continue;
            }
            stale.push(id.clone());
            for contact in wanted {
                add_tickets.push(id.clone());
                add_contacts.push(contact);
            }
        }
        if stale.is_empty() {
            return Ok(());
        }
        self.execute(
            "DELETE FROM ticket_contacts WHERE ticket_id = ANY($1)",
            &[&stale],
        )?;
        self.execute(
            "INSERT INTO ticket_contacts (contact_id, ticket_id)
             SELECT * FROM UNNEST($1::text[], $2::text[])",
            &[&add_contacts, &add_tickets],
        )?;
        Ok(())
    }
}

fn email_row(row: &Row) -> Result<EmailRow> {
    Ok(EmailRow {
        id: column(row, 0)?,
        contact_id: column(row, 1)?,
        ticket_id: column(row, 2)?,
        status: column(row, 3)?,
        due_at: column(row, 4)?,
        doc: column(row, 5)?,
    })
}

impl Tx for PgTx<'_, '_> {
    fn get(&mut self, kind: Kind, id: &str) -> Result<Option<String>> {
        Ok(self
            .values(
                "SELECT doc FROM entities WHERE kind = $1 AND id = $2",
                &[&kind.as_str(), &id],
            )?
            .pop())
    }

    fn list(&mut self, kind: Kind, after: &str, limit: usize) -> Result<Vec<(String, String)>> {
        self.pairs(
            "SELECT id, doc FROM entities WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3",
            &[&kind.as_str(), &after, &(limit as i64)],
        )
    }

    fn list_prefix(&mut self, kind: Kind, prefix: &str) -> Result<Vec<(String, String)>> {
        // '~' sorts after every character ids use, so [prefix, prefix~) is the prefix's range.
        self.pairs(
            "SELECT id, doc FROM entities WHERE kind = $1 AND id >= $2 AND id < $3 ORDER BY id",
            &[&kind.as_str(), &prefix, &format!("{prefix}~")],
        )
    }

    fn put(&mut self, kind: Kind, id: &str, doc: &str) -> Result<()> {
        self.execute(
            "INSERT INTO entities (kind, id, doc) VALUES ($1, $2, $3)
             ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc",
            &[&kind.as_str(), &id, &doc],
        )?;
        Ok(())
    }

    fn delete(&mut self, kind: Kind, id: &str) -> Result<()> {
        self.execute(
            "DELETE FROM entities WHERE kind = $1 AND id = $2",
            &[&kind.as_str(), &id],
        )?;
        Ok(())
    }

    fn ticket(&mut self, id: &str) -> Result<Option<String>> {
        Ok(self
            .values("SELECT doc FROM tickets WHERE id = $1", &[&id])?
            .pop())
    }

    fn ticket_by_number(&mut self, number: i64) -> Result<Option<String>> {
        Ok(self
            .values("SELECT doc FROM tickets WHERE number = $1", &[&number])?
            .pop())
    }

    fn put_ticket(&mut self, t: &TicketRow) -> Result<()> {
        self.put_tickets(std::slice::from_ref(t))
    }

    fn max_ticket_number(&mut self) -> Result<i64> {
        self.value("SELECT COALESCE(MAX(number), 0) FROM tickets", &[])
    }

    fn ticket_count(&mut self) -> Result<i64> {
        self.value("SELECT COUNT(*) FROM tickets", &[])
    }

    fn tickets_after(&mut self, after: &str, limit: usize) -> Result<Vec<(String, String)>> {
        self.pairs(
            "SELECT id, doc FROM tickets WHERE id > $1 ORDER BY id LIMIT $2",
            &[&after, &(limit as i64)],
        )
    }

    fn tickets_linked_to(&mut self, tracker: &str) -> Result<Vec<String>> {
        self.values(
            "SELECT doc FROM tickets WHERE tracker_id = $1 ORDER BY id",
            &[&tracker],
        )
    }

    fn tickets_of_contact(&mut self, contact: &str) -> Result<Vec<String>> {
        self.values(
            "SELECT t.doc FROM ticket_contacts c JOIN tickets t ON t.id = c.ticket_id
             WHERE c.contact_id = $1 ORDER BY t.id",
            &[&contact],
        )
    }

    fn search_tickets(&mut self, filter: &Filter, offset: i64, limit: i64) -> Result<SearchPage> {
        // The statements name whitelisted columns only; every value is a parameter.
        let SearchSql {
            count,
            page,
            params,
        } = filter.search_sql(Dialect::Postgres);
        let mut params: Vec<Box<dyn ToSql + Sync>> = params.into_iter().map(param).collect();
        let row = self.tx.query_one(&count, &borrowed(&params))?;
        let total = column(&row, 0)?;
        params.push(Box::new(limit));
        params.push(Box::new(offset));
        let docs = self
            .tx
            .query(&page, &borrowed(&params))?
            .iter()
            .map(|row| column(row, 0))
            .collect::<Result<_>>()?;
        Ok(SearchPage { docs, total })
    }

    fn put_search_docs(&mut self, docs: &[SearchDoc]) -> Result<()> {
        let (gone, kept): (Vec<&SearchDoc>, Vec<&SearchDoc>) =
            docs.iter().partition(|d| d.text.is_empty());
        if !gone.is_empty() {
            let keys: Vec<&String> = gone.iter().map(|d| &d.key).collect();
            let owners: Vec<String> = self.values(
                "DELETE FROM search_docs WHERE key = ANY($1) RETURNING owner_id",
                &[&keys],
            )?;
            self.stale.extend(owners);
        }
        if !kept.is_empty() {
            let col = |f: fn(&SearchDoc) -> &String| kept.iter().map(|d| f(d)).collect::<Vec<_>>();
            let owners: Vec<String> = self.values(
                "INSERT INTO search_docs (key, owner_id, body)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
                 ON CONFLICT (key) DO UPDATE SET body = excluded.body
                 WHERE search_docs.body <> excluded.body
                 RETURNING owner_id",
                &[&col(|d| &d.key), &col(|d| &d.owner), &col(|d| &d.text)],
            )?;
            self.stale.extend(owners);
        }
        Ok(())
    }

    fn owners_matching(&mut self, word: &str) -> Result<Vec<String>> {
        self.values(
            "SELECT owner_id FROM search_owners WHERE words @@ $1::text::tsquery",
            &[&format!("'{word}':*")],
        )
    }

    fn append_part(&mut self, owner: &str, id: &str, doc: &str) -> Result<()> {
        self.execute(
            "INSERT INTO parts (id, owner_id, doc) VALUES ($1, $2, $3)",
            &[&id, &owner, &doc],
        )?;
        Ok(())
    }

    fn parts(&mut self, owner: &str) -> Result<Vec<String>> {
        self.values(
            "SELECT doc FROM parts WHERE owner_id = $1 ORDER BY pos",
            &[&owner],
        )
    }

    fn parts_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, String)>> {
        self.pairs(
            "SELECT pos, doc FROM parts WHERE pos > $1 ORDER BY pos LIMIT $2",
            &[&after, &(limit as i64)],
        )
    }

    fn append_change(&mut self, at: i64, doc: &str) -> Result<i64> {
        // The notification goes out on commit, and not at all on rollback.
        let rows = self.query(
            "WITH added AS (INSERT INTO changes (at, doc) VALUES ($1, $2) RETURNING cursor)
             SELECT cursor, pg_notify('inbox_changes', cursor::text) FROM added",
            &[&at, &doc],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| ServerError::Storage("appending a change returned no cursor".into()))?;
        column(row, 0)
    }

    fn changes_after(&mut self, after: i64, limit: usize) -> Result<Vec<(i64, String)>> {
        self.pairs(
            "SELECT cursor, doc FROM changes WHERE cursor > $1 ORDER BY cursor LIMIT $2",
            &[&after, &(limit as i64)],
        )
    }

    fn last_cursor(&mut self) -> Result<i64> {
        self.value("SELECT COALESCE(MAX(cursor), 0) FROM changes", &[])
    }

    fn email(&mut self, id: &str) -> Result<Option<EmailRow>> {
        Ok(self
            .emails(
                "SELECT id, contact_id, ticket_id, status, due_at, doc FROM emails WHERE id = $1",
                &[&id],
            )?
            .pop())
    }

    fn pending_email(&mut self, contact: &str, ticket: &str) -> Result<Option<EmailRow>> {
        Ok(self
            .emails(
                "SELECT id, contact_id, ticket_id, status, due_at, doc FROM emails
                 WHERE contact_id = $1 AND ticket_id = $2 AND status = 'pending'",
                &[&contact, &ticket],
            )?
            .pop())
    }

    fn put_email(&mut self, e: &EmailRow) -> Result<()> {
        self.execute(
            "INSERT INTO emails (id, contact_id, ticket_id, status, due_at, doc)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                due_at = excluded.due_at, doc = excluded.doc",
            &[
                &e.id,
                &e.contact_id,
                &e.ticket_id,
                &e.status,
                &e.due_at,
                &e.doc,
            ],
        )?;
        Ok(())
    }

    fn due_emails(&mut self, now: i64, limit: usize) -> Result<Vec<EmailRow>> {
        self.emails(
            "SELECT id, contact_id, ticket_id, status, due_at, doc FROM emails
             WHERE status IN ('pending', 'sending') AND due_at <= $1
             ORDER BY due_at, id LIMIT $2",
            &[&now, &(limit as i64)],
        )
    }

    fn emails_with_status(&mut self, status: &str, limit: usize) -> Result<Vec<EmailRow>> {
        self.emails(
            "SELECT id, contact_id, ticket_id, status, due_at, doc FROM emails
             WHERE status = $1 ORDER BY due_at DESC, id DESC LIMIT $2",
            &[&status, &(limit as i64)],
        )
    }

    fn next_email_due(&mut self) -> Result<Option<i64>> {
        self.value(
            "SELECT MIN(due_at) FROM emails WHERE status IN ('pending', 'sending')",
            &[],
        )
    }

    // One statement per batch: each statement is a round trip to the database server.

    fn put_tickets(&mut self, rows: &[TicketRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let col = |f: fn(&TicketRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
        let opt = |f: fn(&TicketRow) -> Option<String>| {
            rows.iter().map(f).collect::<Vec<Option<String>>>()
        };
        let int = |f: fn(&TicketRow) -> i64| rows.iter().map(f).collect::<Vec<i64>>();
        let flag = |f: fn(&TicketRow) -> bool| rows.iter().map(f).collect::<Vec<bool>>();
        self.execute(
            "INSERT INTO tickets (id, number, type_id, category, state_id, open,
                assignee_teammate, assignee_team, company_id, brand_id, shared, tracker_id,
                created_at, updated_at, title, doc)
             SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                $6::bool[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bool[],
                $12::text[], $13::bigint[], $14::bigint[], $15::text[], $16::text[])
             ON CONFLICT (id) DO UPDATE SET number = excluded.number,
                type_id = excluded.type_id, category = excluded.category,
                state_id = excluded.state_id, open = excluded.open,
                assignee_teammate = excluded.assignee_teammate,
                assignee_team = excluded.assignee_team, company_id = excluded.company_id,
                brand_id = excluded.brand_id, shared = excluded.shared,
                tracker_id = excluded.tracker_id, created_at = excluded.created_at,
                updated_at = excluded.updated_at, title = excluded.title, doc = excluded.doc",
            &[
                &col(|t| t.id.clone()),
                &int(|t| t.number),
                &col(|t| t.type_id.clone()),
                &col(|t| t.category.clone()),
                &col(|t| t.state_id.clone()),
                &flag(|t| t.open),
                &opt(|t| t.assignee_teammate.clone()),
                &opt(|t| t.assignee_team.clone()),
                &opt(|t| t.company_id.clone()),
                &col(|t| t.brand_id.clone()),
                &flag(|t| t.shared),
                &opt(|t| t.tracker_id.clone()),
                &int(|t| t.created_at),
                &int(|t| t.updated_at),
                &col(|t| t.title.clone()),
                &col(|t| t.doc.clone()),
            ],
        )?;
        self.put_contact_lists(rows)?;
        let docs = SearchDoc::of_tickets(rows);
        self.put_search_docs(&docs)
    }

    fn append_parts(&mut self, parts: &[PartRow]) -> Result<()> {
        if parts.is_empty() {
            return Ok(());
        }
        let col = |f: fn(&PartRow) -> &String| parts.iter().map(f).collect::<Vec<&String>>();
        self.execute(
            "INSERT INTO parts (id, owner_id, doc)
             SELECT id, owner_id, doc
             FROM UNNEST($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS p(id, owner_id, doc, n)
             ORDER BY n",
            &[&col(|p| &p.id), &col(|p| &p.owner), &col(|p| &p.doc)],
        )?;
        self.put_search_docs(&SearchDoc::of_parts(parts))
    }

    fn get_many(&mut self, kind: Kind, ids: &[String]) -> Result<Vec<(String, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.pairs(
            "SELECT id, doc FROM entities WHERE kind = $1 AND id = ANY($2)",
            &[&kind.as_str(), &ids],
        )
    }

    fn put_many(&mut self, kind: Kind, docs: &[(String, String)]) -> Result<()> {
        if docs.is_empty() {
            return Ok(());
        }
        let ids: Vec<&String> = docs.iter().map(|(id, _)| id).collect();
        let bodies: Vec<&String> = docs.iter().map(|(_, doc)| doc).collect();
        self.execute(
            "INSERT INTO entities (kind, id, doc)
             SELECT $1, id, doc FROM UNNEST($2::text[], $3::text[]) AS d(id, doc)
             ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc",
            &[&kind.as_str(), &ids, &bodies],
        )?;
        Ok(())
    }

    fn pending_emails(&mut self, pairs: &[(String, String)]) -> Result<Vec<EmailRow>> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let contacts: Vec<&String> = pairs.iter().map(|(c, _)| c).collect();
        let tickets: Vec<&String> = pairs.iter().map(|(_, t)| t).collect();
        self.emails(
            "SELECT id, contact_id, ticket_id, status, due_at, doc FROM emails
             WHERE status = 'pending'
               AND (contact_id, ticket_id) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))",
            &[&contacts, &tickets],
        )
    }

    fn put_emails(&mut self, rows: &[EmailRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let col = |f: fn(&EmailRow) -> &String| rows.iter().map(f).collect::<Vec<&String>>();
        let due: Vec<i64> = rows.iter().map(|r| r.due_at).collect();
        self.execute(
            "INSERT INTO emails (id, contact_id, ticket_id, status, due_at, doc)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
                $6::text[])
             ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                due_at = excluded.due_at, doc = excluded.doc",
            &[
                &col(|r| &r.id),
                &col(|r| &r.contact_id),
                &col(|r| &r.ticket_id),
                &col(|r| &r.status),
                &due,
                &col(|r| &r.doc),
            ],
        )?;
        Ok(())
    }
}

fn borrowed(params: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect()
}
