//! Versioned migrations. Each entry moves the schema one version up, in its own transaction;
//! `PRAGMA user_version` records how far a file has come. Never edit a released entry: add one.

use rusqlite::Connection;

use crate::{Result, StoreError};

const MIGRATIONS: &[&str] = &[
    // 1: the workspace, tickets and their timelines.
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE brands (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        logo_url   TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE UNIQUE INDEX brands_one_default ON brands(is_default) WHERE is_default = 1;

    CREATE TABLE teammates (
        id    TEXT PRIMARY KEY,
        name  TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role  TEXT NOT NULL CHECK (role IN ('admin', 'teammate'))
    ) STRICT;

    CREATE TABLE teams (
        id   TEXT PRIMARY KEY,
        name TEXT NOT NULL
    ) STRICT;

    CREATE TABLE team_members (
        team_id     TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        teammate_id TEXT NOT NULL REFERENCES teammates(id) ON DELETE CASCADE,
        PRIMARY KEY (team_id, teammate_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE companies (
        id   TEXT PRIMARY KEY,
        name TEXT NOT NULL
    ) STRICT;

    CREATE TABLE contacts (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        email      TEXT NOT NULL,
        company_id TEXT REFERENCES companies(id)
    ) STRICT;
    CREATE INDEX contacts_company ON contacts(company_id);

    CREATE TABLE ticket_states (
        id             TEXT PRIMARY KEY,
        position       INTEGER NOT NULL,
        internal_label TEXT NOT NULL UNIQUE COLLATE NOCASE,
        customer_label TEXT NOT NULL,
        category       TEXT NOT NULL
            CHECK (category IN ('submitted', 'in_progress', 'waiting_on_customer', 'resolved')),
        archived       INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE ticket_types (
        id          TEXT PRIMARY KEY,
        position    INTEGER NOT NULL,
        name        TEXT NOT NULL,
        icon        TEXT NOT NULL,
        description TEXT NOT NULL,
        category    TEXT NOT NULL CHECK (category IN ('customer', 'back_office', 'tracker')),
        attributes  TEXT NOT NULL, -- JSON array of AttributeDef, in display order
        archived    INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE ticket_type_states (
        type_id  TEXT NOT NULL REFERENCES ticket_types(id) ON DELETE CASCADE,
        state_id TEXT NOT NULL REFERENCES ticket_states(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (type_id, state_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE tickets (
        id                   TEXT PRIMARY KEY,
        number               INTEGER UNIQUE,
        type_id              TEXT NOT NULL REFERENCES ticket_types(id),
        category             TEXT NOT NULL CHECK (category IN ('customer', 'back_office', 'tracker')),
        title                TEXT NOT NULL,
        description          TEXT NOT NULL,
        attributes           TEXT NOT NULL, -- JSON object, key -> value
        state_id             TEXT NOT NULL REFERENCES ticket_states(id),
        open                 INTEGER NOT NULL,
        assignee_teammate_id TEXT REFERENCES teammates(id),
        assignee_team_id     TEXT REFERENCES teams(id),
        company_id           TEXT REFERENCES companies(id),
        brand_id             TEXT NOT NULL REFERENCES brands(id),
        shared               INTEGER NOT NULL,
        tracker_id           TEXT REFERENCES tickets(id),
        conversation_id      TEXT REFERENCES conversations(id),
        origin_ticket_id     TEXT REFERENCES tickets(id),
        created_at           INTEGER NOT NULL,
        updated_at           INTEGER NOT NULL,
        last_activity_at     INTEGER NOT NULL,
        -- R3 holds in the file too, whatever wrote it.
        CHECK (NOT (category = 'tracker' AND shared)),
        CHECK (NOT (category = 'customer' AND NOT shared))
    ) STRICT;
    -- One index per view and sort, so a page of any view is an index range scan.
    CREATE INDEX tickets_by_activity ON tickets(last_activity_at DESC, id DESC);
    CREATE INDEX tickets_by_created ON tickets(created_at DESC, id DESC);
    CREATE INDEX tickets_category_activity ON tickets(category, last_activity_at DESC, id DESC);
    CREATE INDEX tickets_category_created ON tickets(category, created_at DESC, id DESC);
    CREATE INDEX tickets_state_activity ON tickets(state_id, last_activity_at DESC, id DESC);
    CREATE INDEX tickets_state_created ON tickets(state_id, created_at DESC, id DESC);
    CREATE INDEX tickets_assignee_activity
        ON tickets(assignee_teammate_id, assignee_team_id, last_activity_at DESC, id DESC);
    CREATE INDEX tickets_assignee_created
        ON tickets(assignee_teammate_id, assignee_team_id, created_at DESC, id DESC);
    CREATE INDEX tickets_tracker ON tickets(tracker_id) WHERE tracker_id IS NOT NULL;
    CREATE INDEX tickets_company ON tickets(company_id) WHERE company_id IS NOT NULL;
    CREATE INDEX tickets_conversation ON tickets(conversation_id) WHERE conversation_id IS NOT NULL;
    CREATE INDEX tickets_origin ON tickets(origin_ticket_id) WHERE origin_ticket_id IS NOT NULL;

    CREATE TABLE ticket_contacts (
        ticket_id  TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts(id),
        position   INTEGER NOT NULL,
        PRIMARY KEY (ticket_id, contact_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX ticket_contacts_contact ON ticket_contacts(contact_id);

    CREATE TABLE conversations (
        id               TEXT PRIMARY KEY,
        contact_id       TEXT NOT NULL REFERENCES contacts(id),
        subject          TEXT NOT NULL,
        linked_ticket_id TEXT REFERENCES tickets(id),
        open             INTEGER NOT NULL,
        created_at       INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX conversations_by_activity ON conversations(last_activity_at DESC, id DESC);

    CREATE TABLE parts (
        id          TEXT PRIMARY KEY,
        ticket_id   TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        author_kind TEXT NOT NULL CHECK (author_kind IN ('teammate', 'contact', 'system')),
        author_id   TEXT,
        kind        TEXT NOT NULL,
        body        TEXT,          -- the free text, for display and search
        data        TEXT NOT NULL, -- JSON of the PartKind
        created_at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX parts_by_ticket ON parts(ticket_id, created_at);

    CREATE TABLE ticket_reads (
        ticket_id   TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        teammate_id TEXT NOT NULL REFERENCES teammates(id) ON DELETE CASCADE,
        read_at     INTEGER NOT NULL,
        PRIMARY KEY (ticket_id, teammate_id)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 2: conversations get a timeline of their own (R12 cross-posts).
    r#"
    CREATE TABLE conversation_parts (
        id              TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        author_kind     TEXT NOT NULL CHECK (author_kind IN ('teammate', 'contact', 'system')),
        author_id       TEXT,
        kind            TEXT NOT NULL,
        body            TEXT,
        data            TEXT NOT NULL,
        created_at      INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX conversation_parts_by_conversation ON conversation_parts(conversation_id, created_at);
    "#,
    // 3: the secret that signs reply-to addresses, made once per database (R10).
    r#"
    INSERT INTO settings (key, value) VALUES ('email_secret', lower(hex(randomblob(32))))
        ON CONFLICT (key) DO NOTHING;
    "#,
    // 4: sync: mutations waiting for the server, and the ones it refused (content kept).
    r#"
    CREATE TABLE outbox (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: the server dedupes by it
        mutation   TEXT NOT NULL,                     -- JSON of the Mutation
        actor      TEXT NOT NULL,                     -- JSON of the Author
        created_at INTEGER NOT NULL
    ) STRICT;

    -- What optimistic (not yet confirmed) changes replaced: the server's version of each row,
    -- NULL where the row did not exist. A rebase puts these back, applies what the server
    -- sent, then applies the outbox again.
    CREATE TABLE shadow_tickets (
        id     TEXT PRIMARY KEY,
        ticket TEXT
    ) STRICT;
    CREATE TABLE shadow_conversations (
        id           TEXT PRIMARY KEY,
        conversation TEXT
    ) STRICT;
    CREATE TABLE shadow_reads (
        ticket_id   TEXT NOT NULL,
        teammate_id TEXT NOT NULL,
        read_at     INTEGER,
        PRIMARY KEY (ticket_id, teammate_id)
    ) STRICT, WITHOUT ROWID;
    -- Timeline entries made optimistically (ticket or conversation parts).
    CREATE TABLE optimistic_parts (
        id TEXT PRIMARY KEY
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE sync_issues (
        seq      INTEGER PRIMARY KEY,
        mutation TEXT NOT NULL,
        code     TEXT NOT NULL,
        message  TEXT NOT NULL,
        at       INTEGER NOT NULL
    ) STRICT;
    "#,
    // 5: full-text search. One document per ticket, keyed by the ticket's rowid: its title,
    // description, attribute values (text and numbers), replies, and notes (cross-posted ones
    // too). Accents are folded ("resume" finds "résumé"), and prefixes of 2 and 3 characters
    // are indexed for the word being typed. The private-use characters U+E000 and U+E001 mark
    // matches in snippets, so they are taken out of the indexed copy.
    //
    // Triggers on `tickets` and `parts` note which tickets changed, whatever wrote them (local
    // mutations, pulled records, the rebase); a refresh (`INSERT INTO ticket_search_refresh`)
    // rewrites their documents, oldest ticket first. Search refreshes before it reads, and so
    // does every pull (when the sync cursor moves), so bulk writes are indexed in bulk: FTS5
    // flushes its pending writes whenever a document is rewritten or written out of rowid
    // order, and rewriting a ticket's document for each of its parts made loading 100,000
    // tickets ten times slower.
    //
    // A ticket's newest 1,000 replies and 1,000 notes are indexed, which bounds what rewriting
    // one document costs. The key is the implicit rowid of `tickets`, which only VACUUM could
    // renumber: anything that runs one must rebuild this index afterwards (mark every ticket
    // stale, then refresh).
    r#"
    CREATE VIRTUAL TABLE ticket_search USING fts5(
        title, description, attributes, replies, notes,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    );

    -- What the index holds for each ticket (k: the ticket's rowid).
    CREATE VIEW ticket_search_source (k, title, description, attributes, replies, notes) AS
    SELECT t.rowid,
        replace(replace(t.title, char(57344), ''), char(57345), ''),
        replace(replace(t.description, char(57344), ''), char(57345), ''),
        (SELECT replace(replace(group_concat(j.value, ' · '), char(57344), ''), char(57345), '')
         FROM json_each(CASE WHEN json_valid(t.attributes) THEN t.attributes ELSE '{}' END) j
         WHERE j.type IN ('text', 'integer', 'real')),
        (SELECT replace(replace(group_concat(body, char(10)), char(57344), ''), char(57345), '')
         FROM (SELECT p.body FROM parts p WHERE p.ticket_id = t.id AND p.kind = 'reply'
               ORDER BY p.created_at DESC LIMIT 1000)),
        (SELECT replace(replace(group_concat(body, char(10)), char(57344), ''), char(57345), '')
         FROM (SELECT p.body FROM parts p
               WHERE p.ticket_id = t.id AND p.kind IN ('note', 'cross_post')
               ORDER BY p.created_at DESC LIMIT 1000))
    FROM tickets t;

    -- Tickets whose document is out of date (or whose ticket is gone), by rowid.
    CREATE TABLE ticket_search_stale (
        k INTEGER PRIMARY KEY
    ) STRICT;
    INSERT INTO ticket_search_stale (k) SELECT rowid FROM tickets;

    CREATE VIEW ticket_search_refresh (requested) AS SELECT NULL;
    CREATE TRIGGER ticket_search_refresh_run INSTEAD OF INSERT ON ticket_search_refresh BEGIN
        DELETE FROM ticket_search WHERE rowid IN (SELECT k FROM ticket_search_stale);
        INSERT INTO ticket_search (rowid, title, description, attributes, replies, notes)
            SELECT * FROM ticket_search_source WHERE k IN (SELECT k FROM ticket_search_stale);
        DELETE FROM ticket_search_stale;
    END;
    INSERT INTO ticket_search_refresh VALUES (NULL);

    CREATE TRIGGER ticket_search_ticket_insert AFTER INSERT ON tickets BEGIN
        INSERT OR IGNORE INTO ticket_search_stale (k) VALUES (new.rowid);
    END;
    -- Only when the text changes: a tracker moving 10,000 tickets to a state, or a pulled
    -- ticket that is the same as the local one, leaves the index alone.
    CREATE TRIGGER ticket_search_ticket_update AFTER UPDATE OF title, description, attributes
    ON tickets
    WHEN old.title IS NOT new.title OR old.description IS NOT new.description
        OR old.attributes IS NOT new.attributes
    BEGIN
        INSERT OR IGNORE INTO ticket_search_stale (k) VALUES (new.rowid);
    END;
    CREATE TRIGGER ticket_search_ticket_delete AFTER DELETE ON tickets BEGIN
        INSERT OR IGNORE INTO ticket_search_stale (k) VALUES (old.rowid);
    END;
    -- A part whose ticket is not there yet (a bootstrap page may bring parts first) is indexed
    -- with the ticket. Every part written runs this WHEN (a tracker change writes 20,000): ORs
    -- of equalities cost less there than an IN list.
    CREATE TRIGGER ticket_search_part_insert AFTER INSERT ON parts
    WHEN new.kind = 'reply' OR new.kind = 'note' OR new.kind = 'cross_post'
    BEGIN
        INSERT OR IGNORE INTO ticket_search_stale (k)
            SELECT rowid FROM tickets WHERE id = new.ticket_id;
    END;
    CREATE TRIGGER ticket_search_part_delete AFTER DELETE ON parts
    WHEN old.kind = 'reply' OR old.kind = 'note' OR old.kind = 'cross_post'
    BEGIN
        INSERT OR IGNORE INTO ticket_search_stale (k)
            SELECT rowid FROM tickets WHERE id = old.ticket_id;
    END;
    -- Parts never change once written; should one, both tickets are brought up to date.
    CREATE TRIGGER ticket_search_part_update AFTER UPDATE OF ticket_id, kind, body ON parts
    WHEN old.kind IN ('reply', 'note', 'cross_post') OR new.kind IN ('reply', 'note', 'cross_post')
    BEGIN
        INSERT OR IGNORE INTO ticket_search_stale (k)
            SELECT rowid FROM tickets WHERE id IN (old.ticket_id, new.ticket_id);
    END;

    -- A pull (or the end of a bootstrap) indexes what it brought at once.
    CREATE TRIGGER ticket_search_after_pull AFTER UPDATE OF value ON settings
    WHEN new.key = 'sync_cursor'
    BEGIN
        INSERT INTO ticket_search_refresh VALUES (NULL);
    END;
    CREATE TRIGGER ticket_search_after_first_pull AFTER INSERT ON settings
    WHEN new.key = 'sync_cursor'
    BEGIN
        INSERT INTO ticket_search_refresh VALUES (NULL);
    END;
    "#,
    // 6: a deactivated teammate keeps their name on past work but is given no new work.
    r#"
    ALTER TABLE teammates ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
    "#,
    // 7: conversations are worked like tickets: assigned, snoozed, read per teammate, and
    // their messages say where they came in.
    r#"
    ALTER TABLE conversations ADD COLUMN assignee_teammate_id TEXT REFERENCES teammates(id);
    ALTER TABLE conversations ADD COLUMN assignee_team_id TEXT REFERENCES teams(id);
    ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER;
    ALTER TABLE conversations ADD COLUMN channel TEXT NOT NULL DEFAULT 'messenger'
        CHECK (channel IN ('messenger', 'email'));
    CREATE INDEX conversations_assignee_activity
        ON conversations(assignee_teammate_id, assignee_team_id, last_activity_at DESC, id DESC);
    ALTER TABLE conversation_parts ADD COLUMN channel TEXT
        CHECK (channel IN ('messenger', 'email'));

    CREATE TABLE conversation_reads (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        teammate_id     TEXT NOT NULL REFERENCES teammates(id) ON DELETE CASCADE,
        read_at         INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, teammate_id)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE shadow_conversation_reads (
        conversation_id TEXT NOT NULL,
        teammate_id     TEXT NOT NULL,
        read_at         INTEGER,
        PRIMARY KEY (conversation_id, teammate_id)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 8: full-text search over conversations, as migration 5 does for tickets: one document
    // per conversation, keyed by its rowid: its subject, its messages (the customer's and the
    // team's replies) and its internal notes (cross-posts too), the newest 1,000 of each.
    // Triggers note which conversations changed; a refresh (`INSERT INTO
    // conversation_search_refresh`) rewrites their documents, and search and every pull run
    // one. Lists of open or assigned conversations get indexes of their own too.
    r#"
    CREATE VIRTUAL TABLE conversation_search USING fts5(
        subject, messages, notes,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    );

    CREATE VIEW conversation_search_source (k, subject, messages, notes) AS
    SELECT v.rowid,
        replace(replace(v.subject, char(57344), ''), char(57345), ''),
        (SELECT replace(replace(group_concat(body, char(10)), char(57344), ''), char(57345), '')
         FROM (SELECT p.body FROM conversation_parts p
               WHERE p.conversation_id = v.id AND p.kind = 'reply'
               ORDER BY p.created_at DESC LIMIT 1000)),
        (SELECT replace(replace(group_concat(body, char(10)), char(57344), ''), char(57345), '')
         FROM (SELECT p.body FROM conversation_parts p
               WHERE p.conversation_id = v.id AND p.kind IN ('note', 'cross_post')
               ORDER BY p.created_at DESC LIMIT 1000))
    FROM conversations v;

    CREATE TABLE conversation_search_stale (
        k INTEGER PRIMARY KEY
    ) STRICT;
    INSERT INTO conversation_search_stale (k) SELECT rowid FROM conversations;

    CREATE VIEW conversation_search_refresh (requested) AS SELECT NULL;
    CREATE TRIGGER conversation_search_refresh_run INSTEAD OF INSERT ON conversation_search_refresh
    BEGIN
        DELETE FROM conversation_search WHERE rowid IN (SELECT k FROM conversation_search_stale);
        INSERT INTO conversation_search (rowid, subject, messages, notes)
            SELECT * FROM conversation_search_source
            WHERE k IN (SELECT k FROM conversation_search_stale);
        DELETE FROM conversation_search_stale;
    END;
    INSERT INTO conversation_search_refresh VALUES (NULL);

    CREATE TRIGGER conversation_search_insert AFTER INSERT ON conversations BEGIN
        INSERT OR IGNORE INTO conversation_search_stale (k) VALUES (new.rowid);
    END;
    CREATE TRIGGER conversation_search_update AFTER UPDATE OF subject ON conversations
    WHEN old.subject IS NOT new.subject
    BEGIN
        INSERT OR IGNORE INTO conversation_search_stale (k) VALUES (new.rowid);
    END;
    CREATE TRIGGER conversation_search_delete AFTER DELETE ON conversations BEGIN
        INSERT OR IGNORE INTO conversation_search_stale (k) VALUES (old.rowid);
    END;
    CREATE TRIGGER conversation_search_part_insert AFTER INSERT ON conversation_parts
    WHEN new.kind = 'reply' OR new.kind = 'note' OR new.kind = 'cross_post'
    BEGIN
        INSERT OR IGNORE INTO conversation_search_stale (k)
            SELECT rowid FROM conversations WHERE id = new.conversation_id;
    END;
    CREATE TRIGGER conversation_search_part_delete AFTER DELETE ON conversation_parts
    WHEN old.kind = 'reply' OR old.kind = 'note' OR old.kind = 'cross_post'
    BEGIN
        INSERT OR IGNORE INTO conversation_search_stale (k)
            SELECT rowid FROM conversations WHERE id = old.conversation_id;
    END;
    CREATE TRIGGER conversation_search_part_update
    AFTER UPDATE OF conversation_id, kind, body ON conversation_parts
    WHEN old.kind IN ('reply', 'note', 'cross_post') OR new.kind IN ('reply', 'note', 'cross_post')
    BEGIN
        INSERT OR IGNORE INTO conversation_search_stale (k)
            SELECT rowid FROM conversations WHERE id IN (old.conversation_id, new.conversation_id);
    END;

    CREATE TRIGGER conversation_search_after_pull AFTER UPDATE OF value ON settings
    WHEN new.key = 'sync_cursor'
    BEGIN
        INSERT INTO conversation_search_refresh VALUES (NULL);
    END;
    CREATE TRIGGER conversation_search_after_first_pull AFTER INSERT ON settings
    WHEN new.key = 'sync_cursor'
    BEGIN
        INSERT INTO conversation_search_refresh VALUES (NULL);
    END;

    CREATE INDEX conversations_team_activity
        ON conversations(assignee_team_id, last_activity_at DESC, id DESC);
    CREATE INDEX conversations_open_activity
        ON conversations(open, last_activity_at DESC, id DESC);
    "#,
    // 9: a brand's accent colour (the Messenger's and emails').
    r#"
    ALTER TABLE brands ADD COLUMN color TEXT NOT NULL DEFAULT '';
    "#,
    // 10: an action held for its undo window: not pushed (nor, in a local workspace, made
    // final) before this time.
    r#"
    ALTER TABLE outbox ADD COLUMN hold_until INTEGER;
    "#,
    // 11: macros (saved replies), whole as JSON, with their owner (none when shared) to list a
    // teammate's; deleted ones stay as tombstones. Optimistic saves keep the server's version.
    r#"
    CREATE TABLE macros (
        id       TEXT PRIMARY KEY,
        owner_id TEXT,
        deleted  INTEGER NOT NULL,
        doc      TEXT NOT NULL
    ) STRICT;
    CREATE TABLE shadow_macros (
        id  TEXT PRIMARY KEY,
        doc TEXT
    ) STRICT;
    "#,
    // 12: tickets snooze: an open ticket snoozed until a later time is out of the open views
    // until then. Few tickets are snoozed at once, so the index holds only those.
    r#"
    ALTER TABLE tickets ADD COLUMN snoozed_until INTEGER;
    CREATE INDEX tickets_snoozed ON tickets(snoozed_until) WHERE snoozed_until IS NOT NULL;
    "#,
    // 13: the files a reply or note carries, as a JSON list of attachment ids (NULL: none).
    r#"
    ALTER TABLE parts ADD COLUMN attachments TEXT;
    ALTER TABLE conversation_parts ADD COLUMN attachments TEXT;
    "#,
    // 14: files attached here that the server does not have yet: the record the app made
    // (JSON of the Attachment) and the bytes, uploaded before the change that names them.
    r#"
    CREATE TABLE unsent_files (
        id         TEXT PRIMARY KEY,
        doc        TEXT NOT NULL,
        bytes      BLOB NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    "#,
    // 15: what the window reads without reading a table whole: a contact's conversations (their
    // profile); the tickets of each brand (the sidebar's counts, off the index alone); open or
    // closed tickets (the counts of All); a team's tickets (its counts: not by activity, which
    // a tracker's move would rewrite for each of its tickets). The People
    // directory finds contacts and companies by any part of a name or address: trigram
    // indexes, kept by triggers, for three characters and more; shorter text walks the names
    // in order and stops at the page's end.
    r#"
    CREATE INDEX conversations_contact ON conversations(contact_id);
    CREATE INDEX tickets_brand ON tickets(brand_id);
    CREATE INDEX tickets_open ON tickets(open);
    CREATE INDEX tickets_team ON tickets(assignee_team_id);
    CREATE INDEX contacts_name ON contacts(name COLLATE NOCASE, id);
    CREATE INDEX companies_name ON companies(name COLLATE NOCASE, id);

    CREATE VIRTUAL TABLE contact_names USING fts5(
        name, email, content = 'contacts', content_rowid = 'rowid', tokenize = 'trigram'
    );
    CREATE TRIGGER contact_names_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contact_names (rowid, name, email) VALUES (new.rowid, new.name, new.email);
    END;
    CREATE TRIGGER contact_names_delete AFTER DELETE ON contacts BEGIN
        INSERT INTO contact_names (contact_names, rowid, name, email)
            VALUES ('delete', old.rowid, old.name, old.email);
    END;
    CREATE TRIGGER contact_names_update AFTER UPDATE OF name, email ON contacts BEGIN
        INSERT INTO contact_names (contact_names, rowid, name, email)
            VALUES ('delete', old.rowid, old.name, old.email);
        INSERT INTO contact_names (rowid, name, email) VALUES (new.rowid, new.name, new.email);
    END;
    INSERT INTO contact_names (contact_names) VALUES ('rebuild');

    CREATE VIRTUAL TABLE company_names USING fts5(
        name, content = 'companies', content_rowid = 'rowid', tokenize = 'trigram'
    );
    CREATE TRIGGER company_names_insert AFTER INSERT ON companies BEGIN
        INSERT INTO company_names (rowid, name) VALUES (new.rowid, new.name);
    END;
    CREATE TRIGGER company_names_delete AFTER DELETE ON companies BEGIN
        INSERT INTO company_names (company_names, rowid, name) VALUES ('delete', old.rowid, old.name);
    END;
    CREATE TRIGGER company_names_update AFTER UPDATE OF name ON companies BEGIN
        INSERT INTO company_names (company_names, rowid, name) VALUES ('delete', old.rowid, old.name);
        INSERT INTO company_names (rowid, name) VALUES (new.rowid, new.name);
    END;
    INSERT INTO company_names (company_names) VALUES ('rebuild');
    "#,
];

/// The schema version a fully migrated database is at.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > LATEST {
        return Err(StoreError::Corrupt(format!(
            "schema version {current} was written by a newer Teammate Inbox; this one knows up to {LATEST}"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
