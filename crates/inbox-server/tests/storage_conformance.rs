//! The storage conformance suite: SQLite and PostgreSQL must behave the same through `Storage`
//! and `Tx`, since the server's rules are written once against the trait. Every check runs on
//! both backends; a few multi-process checks are PostgreSQL's alone.

#[path = "support/postgres.rs"]
mod postgres_support;

use std::sync::{mpsc, Barrier};
use std::time::{Duration, Instant};

use inbox_server::error::{Result, ServerError};
use inbox_server::setup::seed_demo;
use inbox_server::storage::postgres::PostgresStorage;
use inbox_server::storage::sqlite::{SqliteStorage, DATABASE_FILE};
use inbox_server::storage::{
    full_text, EmailRow, Field, Filter, Kind, Op, PartRow, SearchDoc, SqlValue, Storage,
    StorageExt, TicketRow,
};
use postgres_support::TestPostgres;

/// One database, opened as often as a test likes (as restarted servers would).
trait Backend {
    fn open(&self) -> Result<Box<dyn Storage>>;
    /// Records that a newer server has migrated the database.
    fn mark_newer_schema(&self);
    /// Takes the database back to schema version 1, before full-text search.
    fn back_to_schema_1(&self);
}

/// What schema version 2 added, on both backends.
const SCHEMA_2_INDEXES: &[&str] = &[
    "tickets_open_updated",
    "tickets_state_updated",
    "tickets_teammate",
    "tickets_team",
    "tickets_company",
    "tickets_type",
    "tickets_category",
    "tickets_brand",
];

struct Sqlite {
    dir: tempfile::TempDir,
}

impl Backend for Sqlite {
    fn open(&self) -> Result<Box<dyn Storage>> {
        Ok(Box::new(SqliteStorage::open_dir(self.dir.path())?))
    }

    fn mark_newer_schema(&self) {
        let conn = rusqlite::Connection::open(self.dir.path().join(DATABASE_FILE)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }

    fn back_to_schema_1(&self) {
        let conn = rusqlite::Connection::open(self.dir.path().join(DATABASE_FILE)).unwrap();
        for index in SCHEMA_2_INDEXES {
            conn.execute_batch(&format!("DROP INDEX {index}")).unwrap();
        }
        conn.execute_batch(
            "DROP TABLE search_fts; DROP TABLE search_owners; DROP TABLE search_docs;
             PRAGMA user_version = 1",
        )
        .unwrap();
    }
}

struct Postgres {
    url: String,
}

impl Backend for Postgres {
    fn open(&self) -> Result<Box<dyn Storage>> {
        Ok(Box::new(PostgresStorage::connect(&self.url)?))
    }

    fn mark_newer_schema(&self) {
        admin(&self.url)
            .execute("INSERT INTO schema_version (version) VALUES (99)", &[])
            .unwrap();
    }

    fn back_to_schema_1(&self) {
        let mut admin = admin(&self.url);
        for index in SCHEMA_2_INDEXES {
            admin.batch_execute(&format!("DROP INDEX {index}")).unwrap();
        }
        admin
            .batch_execute(
                "DROP TABLE search_owners; DROP TABLE search_docs;
                 DELETE FROM schema_version WHERE version > 1",
            )
            .unwrap();
    }
}

fn sqlite_backend() -> Sqlite {
    Sqlite {
        dir: tempfile::tempdir().unwrap(),
    }
}

fn postgres_backend() -> Postgres {
    Postgres {
        url: TestPostgres::shared().new_database(),
    }
}

/// `::postgres` is the crate: `postgres` alone names this file's module of PostgreSQL tests.
fn admin(url: &str) -> ::postgres::Client {
    ::postgres::Client::connect(url, ::postgres::NoTls).unwrap()
}

/// Declares each check once per backend: `sqlite::NAME` and `postgres::NAME`.
macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $check() { super::$check(&super::sqlite_backend()); })*
        }
        mod postgres {
            $(#[test] fn $check() { super::$check(&super::postgres_backend()); })*
        }
    };
}

conformance!(
    entities,
    entity_ids_sort_by_bytes,
    tickets,
    ticket_numbers_counts_and_paging,
    search_filters,
    search_paging,
    parts,
    change_log,
    emails,
    failed_write_leaves_nothing,
    failed_statement_leaves_nothing,
    reads_are_snapshots_of_committed_writes,
    data_persists_across_reopening,
    newer_schema_is_refused,
    batches,
    full_text_search,
    full_text_index_follows_changes,
    full_text_index_of_an_older_database,
);

// ---- Fixtures ----

fn doc(id: &str, rev: u32) -> String {
    format!(r#"{{"id":"{id}","rev":{rev}}}"#)
}

/// The ids of documents made by [`doc`].
fn ids(docs: &[String]) -> Vec<String> {
    docs.iter()
        .map(|d| {
            let value: serde_json::Value = serde_json::from_str(d).unwrap();
            value["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn ticket(id: &str, number: i64) -> TicketRow {
    TicketRow {
        id: id.into(),
        number,
        type_id: "type-question".into(),
        category: "customer".into(),
        state_id: "state-open".into(),
        open: true,
        assignee_teammate: None,
        assignee_team: None,
        contacts: Some(Vec::new()),
        company_id: None,
        brand_id: "brand-1".into(),
        shared: false,
        tracker_id: None,
        created_at: number * 100,
        updated_at: number * 100,
        title: format!("Ticket {number}"),
        doc: doc(id, 1),
        text: Some(full_text::words(&format!("Ticket {number}"))),
    }
}

/// Four tickets; most recently updated first they are 01T, 01A, 01B, 01C. Search finds them
/// by their titles.
fn search_fixture() -> Vec<TicketRow> {
    let mut rows = vec![
        TicketRow {
            title: "Refund 50% please".into(),
            assignee_teammate: Some("tm1".into()),
            contacts: Some(strings(&["c1", "c2"])),
            company_id: Some("co1".into()),
            created_at: 100,
            updated_at: 300,
            ..ticket("01A", 1)
        },
        TicketRow {
            title: "Password reset".into(),
            open: false,
            assignee_team: Some("team1".into()),
            contacts: Some(strings(&["c2"])),
            shared: true,
            tracker_id: Some("01T".into()),
            created_at: 200,
            updated_at: 200,
            ..ticket("01B", 2)
        },
        TicketRow {
            title: "REFUND for order 500".into(),
            assignee_teammate: Some("tm2".into()),
            tracker_id: Some("01T".into()),
            created_at: 300,
            updated_at: 100,
            ..ticket("01C", 3)
        },
        TicketRow {
            title: "Refunds are slow".into(),
            category: "tracker".into(),
            created_at: 400,
            updated_at: 400,
            ..ticket("01T", 4)
        },
    ];
    for row in &mut rows {
        row.text = Some(full_text::words(&row.title));
    }
    rows
}

fn put_tickets(storage: &dyn Storage, rows: &[TicketRow]) {
    storage
        .writing(|tx| rows.iter().try_for_each(|row| tx.put_ticket(row)))
        .unwrap();
}

fn email(id: &str, contact: &str, ticket: &str, status: &str, due_at: i64) -> EmailRow {
    EmailRow {
        id: id.into(),
        contact_id: contact.into(),
        ticket_id: ticket.into(),
        status: status.into(),
        due_at,
        doc: doc(id, 1),
    }
}

fn cmp(field: Field, op: Op, value: SqlValue) -> Filter {
    Filter::Cmp { field, op, value }
}

fn text(t: &str) -> SqlValue {
    SqlValue::Text(t.into())
}

fn assert_increasing(values: &[i64], what: &str) {
    assert!(
        values.windows(2).all(|w| w[0] < w[1]),
        "{what} must increase strictly: {values:?}"
    );
}

// ---- Checks on both backends ----

fn entities(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    storage
        .writing(|tx| {
            assert_eq!(tx.get(Kind::Teammate, "tm1")?, None);
            tx.put(Kind::Teammate, "tm1", &doc("tm1", 1))?;
            tx.put(Kind::Teammate, "tm2", &doc("tm2", 1))?;
            tx.put(Kind::Teammate, "tm3", &doc("tm3", 1))?;
            // The same id in another kind is another document.
            tx.put(Kind::Team, "tm1", &doc("team", 1))?;
            tx.put(Kind::Teammate, "tm1", &doc("tm1", 2))?;
            for id in ["tm1/01A", "tm1/01B", "tm10/01A", "tm2/01A"] {
                tx.put(Kind::Read, id, &doc(id, 1))?;
            }
            Ok(())
        })
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.get(Kind::Teammate, "tm1")?, Some(doc("tm1", 2)));
            assert_eq!(tx.get(Kind::Team, "tm1")?, Some(doc("team", 1)));
            let all = tx.list(Kind::Teammate, "", 10)?;
            assert_eq!(
                all,
                vec![
                    ("tm1".to_owned(), doc("tm1", 2)),
                    ("tm2".to_owned(), doc("tm2", 1)),
                    ("tm3".to_owned(), doc("tm3", 1)),
                ]
            );
            let page = tx.list(Kind::Teammate, "tm1", 1)?;
            assert_eq!(page, vec![("tm2".to_owned(), doc("tm2", 1))]);
            let reads = tx.list_prefix(Kind::Read, "tm1/")?;
            let read_ids: Vec<&str> = reads.iter().map(|(id, _)| id.as_str()).collect();
            assert_eq!(read_ids, ["tm1/01A", "tm1/01B"]);
            assert!(tx.list_prefix(Kind::Read, "tm3/")?.is_empty());
            Ok(())
        })
        .unwrap();
    storage
        .writing(|tx| {
            tx.delete(Kind::Teammate, "tm2")?;
            tx.delete(Kind::Teammate, "nobody")
        })
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.get(Kind::Teammate, "tm2")?, None);
            assert_eq!(tx.get(Kind::Team, "tm1")?, Some(doc("team", 1)));
            assert_eq!(tx.list(Kind::Teammate, "", 10)?.len(), 2);
            Ok(())
        })
        .unwrap();
}

/// Paging by id must not depend on the database's language: PostgreSQL databases usually sort
/// text for people ("a" < "B"), SQLite by bytes ("B" < "a").
fn entity_ids_sort_by_bytes(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    let ids = ["ab", "a/b", "B", "a", "Z9", "a-b"];
    storage
        .writing(|tx| {
            ids.iter()
                .try_for_each(|id| tx.put(Kind::Setting, id, "{}"))
        })
        .unwrap();
    storage
        .reading(|tx| {
            let listed: Vec<String> = tx
                .list(Kind::Setting, "", 10)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            assert_eq!(listed, ["B", "Z9", "a", "a-b", "a/b", "ab"]);
            let after: Vec<String> = tx
                .list(Kind::Setting, "Z9", 2)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            assert_eq!(after, ["a", "a-b"]);
            let prefixed: Vec<String> = tx
                .list_prefix(Kind::Setting, "a")?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            assert_eq!(prefixed, ["a", "a-b", "a/b", "ab"]);
            Ok(())
        })
        .unwrap();
}

fn tickets(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    put_tickets(&*storage, &search_fixture());
    storage
        .reading(|tx| {
            assert_eq!(tx.ticket("01A")?, Some(doc("01A", 1)));
            assert_eq!(tx.ticket("01Z")?, None);
            assert_eq!(ids(&tx.tickets_of_contact("c2")?), ["01A", "01B"]);
            assert_eq!(ids(&tx.tickets_of_contact("c1")?), ["01A"]);
            assert!(tx.tickets_of_contact("c9")?.is_empty());
            assert_eq!(ids(&tx.tickets_linked_to("01T")?), ["01B", "01C"]);
            Ok(())
        })
        .unwrap();

    let mut fixture = search_fixture();
    // Contacts replaced (with a duplicate), a tracker link removed, contacts emptied.
    fixture[0].contacts = Some(strings(&["c3", "c1", "c3"]));
    fixture[0].title = "Refund sent".into();
    fixture[0].doc = doc("01A", 2);
    fixture[2].tracker_id = None;
    fixture[1].contacts = Some(Vec::new());
    put_tickets(&*storage, &fixture);
    storage
        .reading(|tx| {
            assert_eq!(tx.ticket("01A")?, Some(doc("01A", 2)));
            assert!(tx.tickets_of_contact("c2")?.is_empty());
            assert_eq!(ids(&tx.tickets_of_contact("c1")?), ["01A"]);
            assert_eq!(ids(&tx.tickets_of_contact("c3")?), ["01A"]);
            assert_eq!(ids(&tx.tickets_linked_to("01T")?), ["01B"]);
            assert_eq!(tx.ticket_count()?, 4);
            let by_contact = tx.search_tickets(&cmp(Field::Contact, Op::Eq, text("c3")), 0, 10)?;
            assert_eq!(ids(&by_contact.docs), ["01A"]);
            let by_title =
                tx.search_tickets(&cmp(Field::Title, Op::Contains, text("sent")), 0, 10)?;
            assert_eq!(ids(&by_title.docs), ["01A"]);
            Ok(())
        })
        .unwrap();
}

/// The batch writes and reads behave as their one-at-a-time versions.
fn batches(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    let mut fixture = search_fixture();
    storage.writing(|tx| tx.put_tickets(&fixture)).unwrap();
    fixture[0].contacts = Some(strings(&["c3"]));
    fixture[0].doc = doc("01A", 2);
    fixture[1].contacts = None; // Leaves 01B's contacts as they are.
    fixture[3].title = "Renamed".into();
    let parts: Vec<PartRow> = ["p3", "p1", "p2"]
        .iter()
        .map(|id| PartRow {
            owner: "01A".into(),
            id: id.to_string(),
            doc: doc(id, 1),
            text: String::new(),
        })
        .collect();
    storage
        .writing(|tx| {
            tx.put_tickets(&fixture)?;
            tx.append_parts(&parts)?;
            tx.put_many(
                Kind::Unseen,
                &[("a/1".into(), doc("a1", 1)), ("a/2".into(), doc("a2", 1))],
            )?;
            tx.put_many(Kind::Unseen, &[("a/1".into(), doc("a1", 2))])?;
            tx.put_emails(&[
                email("e1", "c1", "01A", "pending", 10),
                email("e2", "c1", "01B", "sent", 10),
                email("e3", "c2", "01B", "pending", 20),
            ])
        })
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.ticket("01A")?, Some(doc("01A", 2)));
            assert_eq!(ids(&tx.tickets_of_contact("c3")?), ["01A"]);
            assert!(ids(&tx.tickets_of_contact("c1")?).is_empty());
            assert_eq!(ids(&tx.tickets_of_contact("c2")?), ["01B"]);
            let renamed = tx.search_tickets(&cmp(Field::Title, Op::Eq, text("Renamed")), 0, 9)?;
            assert_eq!(renamed.total, 1);
            assert_eq!(
                ids(&tx.parts("01A")?),
                ["p3", "p1", "p2"],
                "in the given order"
            );
            let got = tx.get_many(Kind::Unseen, &strings(&["a/1", "a/3", "a/2"]))?;
            let mut got: Vec<(String, String)> = got;
            got.sort();
            assert_eq!(
                got,
                [
                    ("a/1".to_string(), doc("a1", 2)),
                    ("a/2".to_string(), doc("a2", 1))
                ]
            );
            let pairs = [
                ("c1".to_string(), "01A".to_string()),
                ("c1".to_string(), "01B".to_string()),
                ("c9".to_string(), "01B".to_string()),
            ];
            let pending: Vec<String> = tx
                .pending_emails(&pairs)?
                .into_iter()
                .map(|e| e.id)
                .collect();
            assert_eq!(pending, ["e1"], "only pending ones, only for those pairs");
            assert!(tx.get_many(Kind::Unseen, &[])?.is_empty());
            Ok(())
        })
        .unwrap();
}

fn ticket_numbers_counts_and_paging(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.max_ticket_number()?, 0);
            assert_eq!(tx.ticket_count()?, 0);
            assert_eq!(tx.ticket_by_number(1)?, None);
            assert!(tx.tickets_after("", 10)?.is_empty());
            Ok(())
        })
        .unwrap();
    put_tickets(
        &*storage,
        &[ticket("01C", 7), ticket("01A", 2), ticket("01B", 5)],
    );
    storage
        .reading(|tx| {
            assert_eq!(tx.max_ticket_number()?, 7);
            assert_eq!(tx.ticket_count()?, 3);
            assert_eq!(tx.ticket_by_number(5)?, Some(doc("01B", 1)));
            assert_eq!(tx.ticket_by_number(3)?, None);
            let first = tx.tickets_after("", 2)?;
            assert_eq!(
                first,
                vec![
                    ("01A".to_owned(), doc("01A", 1)),
                    ("01B".to_owned(), doc("01B", 1))
                ]
            );
            assert_eq!(
                tx.tickets_after("01B", 2)?,
                vec![("01C".to_owned(), doc("01C", 1))]
            );
            assert!(tx.tickets_after("01C", 2)?.is_empty());
            Ok(())
        })
        .unwrap();
}

fn search_filters(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    put_tickets(&*storage, &search_fixture());
    let open = |b| cmp(Field::Open, Op::Eq, SqlValue::Bool(b));
    let cases: Vec<(&str, Filter, &[&str])> = vec![
        ("everything", Filter::True, &["01T", "01A", "01B", "01C"]),
        (
            "empty and",
            Filter::And(vec![]),
            &["01T", "01A", "01B", "01C"],
        ),
        ("empty or", Filter::Or(vec![]), &[]),
        (
            "title contains, any case",
            cmp(Field::Title, Op::Contains, text("refund")),
            &["01T", "01A", "01C"],
        ),
        (
            "'%' is literal",
            cmp(Field::Title, Op::Contains, text("50%")),
            &["01A"],
        ),
        (
            "'_' is literal",
            cmp(Field::Title, Op::Contains, text("d_r")),
            &[],
        ),
        (
            "no teammate",
            cmp(Field::AssigneeTeammate, Op::Eq, SqlValue::Null),
            &["01T", "01B"],
        ),
        (
            "some teammate",
            cmp(Field::AssigneeTeammate, Op::Ne, SqlValue::Null),
            &["01A", "01C"],
        ),
        (
            "no contact",
            cmp(Field::Contact, Op::Eq, SqlValue::Null),
            &["01T", "01C"],
        ),
        (
            "some contact",
            cmp(Field::Contact, Op::Ne, SqlValue::Null),
            &["01A", "01B"],
        ),
        (
            "with contact c2",
            cmp(Field::Contact, Op::Eq, text("c2")),
            &["01A", "01B"],
        ),
        (
            "without contact c1",
            cmp(Field::Contact, Op::Ne, text("c1")),
            &["01T", "01B", "01C"],
        ),
        (
            "not a tracker",
            cmp(Field::Category, Op::Ne, text("tracker")),
            &["01A", "01B", "01C"],
        ),
        (
            "created before",
            cmp(Field::CreatedAt, Op::Lt, SqlValue::Int(250)),
            &["01A", "01B"],
        ),
        (
            "updated after",
            cmp(Field::UpdatedAt, Op::Gt, SqlValue::Int(150)),
            &["01T", "01A", "01B"],
        ),
        (
            "number",
            cmp(Field::Number, Op::Eq, SqlValue::Int(2)),
            &["01B"],
        ),
        ("closed", open(false), &["01B"]),
        (
            "shared",
            cmp(Field::Shared, Op::Eq, SqlValue::Bool(true)),
            &["01B"],
        ),
        (
            "team",
            cmp(Field::AssigneeTeam, Op::Eq, text("team1")),
            &["01B"],
        ),
        (
            "company",
            cmp(Field::Company, Op::Eq, text("co1")),
            &["01A"],
        ),
        (
            "linked",
            cmp(Field::Tracker, Op::Eq, text("01T")),
            &["01B", "01C"],
        ),
        (
            "open and (c1 or linked)",
            Filter::And(vec![
                open(true),
                Filter::Or(vec![
                    cmp(Field::Contact, Op::Eq, text("c1")),
                    cmp(Field::Tracker, Op::Eq, text("01T")),
                ]),
            ]),
            &["01A", "01C"],
        ),
        (
            "password or high number",
            Filter::Or(vec![
                cmp(Field::Title, Op::Contains, text("PASSWORD")),
                cmp(Field::Number, Op::Gt, SqlValue::Int(3)),
            ]),
            &["01T", "01B"],
        ),
    ];
    storage
        .reading(|tx| {
            for (name, filter, expected) in &cases {
                let page = tx.search_tickets(filter, 0, 100)?;
                assert_eq!(ids(&page.docs), *expected, "{name}");
                assert_eq!(page.total, expected.len() as i64, "{name}: total");
            }
            Ok(())
        })
        .unwrap();
}

fn search_paging(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    let mut rows = search_fixture();
    // A tie on the update time falls back to the id, newest (greatest) first.
    rows.push(TicketRow {
        updated_at: 300,
        ..ticket("01B2", 5)
    });
    put_tickets(&*storage, &rows);
    let refund = cmp(Field::Title, Op::Contains, text("refund"));
    storage
        .reading(|tx| {
            let page = tx.search_tickets(&Filter::True, 0, 3)?;
            assert_eq!(ids(&page.docs), ["01T", "01B2", "01A"]);
            assert_eq!(page.total, 5);
            let page = tx.search_tickets(&Filter::True, 3, 3)?;
            assert_eq!(ids(&page.docs), ["01B", "01C"]);
            assert_eq!(page.total, 5);
            let page = tx.search_tickets(&refund, 2, 10)?;
            assert_eq!(ids(&page.docs), ["01C"]);
            assert_eq!(page.total, 3);
            let page = tx.search_tickets(&refund, 10, 10)?;
            assert!(page.docs.is_empty());
            assert_eq!(page.total, 3);
            Ok(())
        })
        .unwrap();
}

fn parts(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    storage
        .writing(|tx| {
            tx.append_part("X", "p1", &doc("p1", 1))?;
            tx.append_part("Y", "p2", &doc("p2", 1))?;
            tx.append_part("X", "p3", &doc("p3", 1))
        })
        .unwrap();
    storage
        .writing(|tx| tx.append_part("X", "p4", &doc("p4", 1)))
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(ids(&tx.parts("X")?), ["p1", "p3", "p4"]);
            assert_eq!(ids(&tx.parts("Y")?), ["p2"]);
            assert!(tx.parts("Z")?.is_empty());
            let all = tx.parts_after(0, 10)?;
            let (positions, docs): (Vec<i64>, Vec<String>) = all.into_iter().unzip();
            assert_eq!(ids(&docs), ["p1", "p2", "p3", "p4"]);
            assert_increasing(&positions, "part positions");
            assert!(positions[0] > 0);
            let page = tx.parts_after(positions[1], 1)?;
            assert_eq!(page, vec![(positions[2], doc("p3", 1))]);
            assert!(tx.parts_after(positions[3], 10)?.is_empty());
            Ok(())
        })
        .unwrap();
}

fn change_log(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.last_cursor()?, 0);
            assert!(tx.changes_after(0, 10)?.is_empty());
            Ok(())
        })
        .unwrap();
    let mut cursors = Vec::new();
    for n in 0..3 {
        let id = format!("ch{n}");
        cursors.push(
            storage
                .writing(|tx| tx.append_change(n, &doc(&id, 1)))
                .unwrap(),
        );
    }
    let two = storage
        .writing(|tx| {
            Ok((
                tx.append_change(3, &doc("ch3", 1))?,
                tx.append_change(4, &doc("ch4", 1))?,
            ))
        })
        .unwrap();
    cursors.extend([two.0, two.1]);
    assert_increasing(&cursors, "cursors");
    assert!(cursors[0] > 0);
    storage
        .reading(|tx| {
            let first = tx.changes_after(0, 3)?;
            let (got, docs): (Vec<i64>, Vec<String>) = first.into_iter().unzip();
            assert_eq!(got, cursors[..3]);
            assert_eq!(ids(&docs), ["ch0", "ch1", "ch2"]);
            let rest = tx.changes_after(cursors[2], 10)?;
            assert_eq!(
                rest,
                vec![(cursors[3], doc("ch3", 1)), (cursors[4], doc("ch4", 1))]
            );
            assert!(tx.changes_after(cursors[4], 10)?.is_empty());
            assert_eq!(tx.last_cursor()?, cursors[4]);
            Ok(())
        })
        .unwrap();
}

fn emails(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    let e0 = email("e0", "c3", "t3", "pending", 100);
    let e1 = email("e1", "c1", "t1", "pending", 100);
    let e2 = email("e2", "c1", "t2", "pending", 50);
    let e3 = email("e3", "c2", "t1", "pending", 200);
    let e4 = email("e4", "c2", "t2", "sent", 10);
    storage
        .writing(|tx| {
            assert_eq!(tx.next_email_due()?, None);
            assert!(tx.due_emails(1000, 10)?.is_empty());
            [&e0, &e1, &e2, &e3, &e4]
                .iter()
                .try_for_each(|e| tx.put_email(e))
        })
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.email("e1")?, Some(e1.clone()));
            assert_eq!(tx.email("nope")?, None);
            assert_eq!(tx.pending_email("c1", "t1")?, Some(e1.clone()));
            assert_eq!(tx.pending_email("c2", "t2")?, None);
            assert_eq!(
                tx.due_emails(100, 10)?,
                vec![e2.clone(), e0.clone(), e1.clone()]
            );
            assert_eq!(tx.due_emails(100, 1)?, vec![e2.clone()]);
            assert!(tx.due_emails(49, 10)?.is_empty());
            assert_eq!(tx.next_email_due()?, Some(50));
            Ok(())
        })
        .unwrap();

    // e2 is claimed for sending until 150: no longer pending, due again when the lease ends.
    let e2_sending = EmailRow {
        status: "sending".into(),
        due_at: 150,
        doc: doc("e2", 2),
        ..e2.clone()
    };
    storage
        .writing(|tx| {
            tx.put_email(&e2_sending)?;
            tx.put_email(&EmailRow {
                status: "sent".into(),
                ..e0.clone()
            })
        })
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.email("e2")?, Some(e2_sending.clone()));
            assert_eq!(tx.pending_email("c1", "t2")?, None);
            assert_eq!(tx.due_emails(100, 10)?, vec![e1.clone()]);
            assert_eq!(
                tx.due_emails(150, 10)?,
                vec![e1.clone(), e2_sending.clone()]
            );
            assert_eq!(tx.next_email_due()?, Some(100));
            Ok(())
        })
        .unwrap();

    storage
        .writing(|tx| {
            for (e, status) in [(&e1, "sent"), (&e2_sending, "sent"), (&e3, "dropped")] {
                tx.put_email(&EmailRow {
                    status: status.into(),
                    ..e.clone()
                })?;
            }
            Ok(())
        })
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.next_email_due()?, None);
            assert!(tx.due_emails(1000, 10)?.is_empty());
            assert_eq!(tx.email("e3")?.unwrap().status, "dropped");
            Ok(())
        })
        .unwrap();
}

/// A part of `owner` whose text is `body`.
fn part(owner: &str, id: &str, body: &str) -> PartRow {
    PartRow {
        owner: owner.into(),
        id: id.into(),
        doc: doc(id, 1),
        text: full_text::words(body),
    }
}

/// Ticket ids a full-text search for `words` (with `op`) finds, newest update first, and
/// the total it reports.
fn found(storage: &dyn Storage, op: Op, words: &str) -> (Vec<String>, i64) {
    let page = storage
        .reading(|tx| tx.search_tickets(&cmp(Field::Words, op, text(words)), 0, 50))
        .unwrap();
    (ids(&page.docs), page.total)
}

fn full_text_search(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    let mut tickets = search_fixture();
    tickets[1].text = Some(full_text::words("Password reset. Le café est fermé"));
    tickets[2].text = Some(full_text::words("REFUND for order 500 · Priority: Urgent"));
    put_tickets(&*storage, &tickets);
    storage
        .writing(|tx| {
            tx.append_parts(&[
                part("01A", "p1", "Customer says the PayPal transfer bounced"),
                part("01C", "p2", "Note: escalate to billing, see Straße address"),
                part("01T", "p3", ""),
                // A conversation's parts share the index but are never a ticket.
                part("01CONV", "p4", "paypal"),
            ])
        })
        .unwrap();
    let s = &*storage;
    // Titles still match (word prefixes, any case): what a title search found is found.
    assert_eq!(
        found(s, Op::Contains, "refund"),
        (strings(&["01T", "01A", "01C"]), 3)
    );
    assert_eq!(
        found(s, Op::Contains, "REF"),
        found(s, Op::Contains, "refund")
    );
    // Replies, notes, descriptions and attribute values; accents folded both ways.
    assert_eq!(found(s, Op::Contains, "paypal"), (strings(&["01A"]), 1));
    assert_eq!(found(s, Op::Contains, "billing"), (strings(&["01C"]), 1));
    assert_eq!(found(s, Op::Contains, "cafe ferme"), (strings(&["01B"]), 1));
    assert_eq!(found(s, Op::Contains, "Fermé"), (strings(&["01B"]), 1));
    assert_eq!(found(s, Op::Contains, "urgent"), (strings(&["01C"]), 1));
    assert_eq!(found(s, Op::Contains, "strasse"), (Vec::new(), 0));
    assert_eq!(found(s, Op::Contains, "straße"), (strings(&["01C"]), 1));
    // Every word must be found, though each may be in a different document of the ticket.
    assert_eq!(
        found(s, Op::Contains, "refund paypal"),
        (strings(&["01A"]), 1)
    );
    assert_eq!(found(s, Op::Contains, "refund password"), (Vec::new(), 0));
    // Punctuation is not a word; quotes and operators of either backend's syntax are inert.
    assert_eq!(
        found(s, Op::Contains, "\"refund\" OR -x* 'a':* & !"),
        (Vec::new(), 0)
    );
    assert_eq!(found(s, Op::Contains, "  ,;  ").1, 4);
    // Its negation, and combined with other filters.
    assert_eq!(found(s, Op::NotContains, "refund"), (strings(&["01B"]), 1));
    let open_refunds = Filter::And(vec![
        cmp(Field::Words, Op::Contains, text("refund")),
        cmp(Field::Open, Op::Eq, SqlValue::Bool(true)),
        cmp(Field::AssigneeTeammate, Op::Eq, text("tm2")),
    ]);
    let page = storage
        .reading(|tx| tx.search_tickets(&open_refunds, 0, 10))
        .unwrap();
    assert_eq!((ids(&page.docs), page.total), (strings(&["01C"]), 1));
    let owners = |word: &str| {
        let mut owners = storage.reading(|tx| tx.owners_matching(word)).unwrap();
        owners.sort();
        owners
    };
    assert_eq!(owners("payp"), strings(&["01A", "01CONV"]));
    assert_eq!(owners("nothing"), Vec::<String>::new());
}

fn full_text_index_follows_changes(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    put_tickets(&*storage, &search_fixture());
    let s = &*storage;
    assert_eq!(found(s, Op::Contains, "password").0, strings(&["01B"]));
    // A new title replaces the old words; no text leaves them as they are.
    let mut renamed = search_fixture();
    renamed[1].text = Some(full_text::words("Login trouble"));
    renamed[2].text = None;
    renamed[2].title = "Changed without its words".into();
    storage
        .writing(|tx| tx.put_tickets(&renamed[1..3]))
        .unwrap();
    assert_eq!(found(s, Op::Contains, "password"), (Vec::new(), 0));
    assert_eq!(found(s, Op::Contains, "login").0, strings(&["01B"]));
    assert_eq!(found(s, Op::Contains, "order 500").0, strings(&["01C"]));
    // Documents are replaced and removed by key.
    storage
        .writing(|tx| {
            tx.put_search_docs(&[SearchDoc {
                key: "01B".into(),
                owner: "01B".into(),
                text: String::new(),
            }])
        })
        .unwrap();
    assert_eq!(found(s, Op::Contains, "login"), (Vec::new(), 0));
    // Reopened (as after a restart), the index is all there.
    drop(storage);
    let storage = backend.open().unwrap();
    assert_eq!(
        found(&*storage, Op::Contains, "refund").0,
        strings(&["01T", "01A", "01C"])
    );
}

/// A database from before full-text search gets its tickets and parts indexed when a server
/// that has it opens it.
fn full_text_index_of_an_older_database(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    seed_demo(&*storage, 40, 0, 1_790_000_000_000).unwrap();
    let words = ["refund", "invoice", "login", "the", "a"];
    let before: Vec<_> = words
        .iter()
        .map(|w| found(&*storage, Op::Contains, w))
        .collect();
    assert!(before.iter().any(|(_, total)| *total > 0), "{before:?}");
    let conversations = storage.reading(|tx| tx.owners_matching("the")).unwrap();
    drop(storage);
    backend.back_to_schema_1();
    let storage = backend.open().unwrap();
    let after: Vec<_> = words
        .iter()
        .map(|w| found(&*storage, Op::Contains, w))
        .collect();
    assert_eq!(after, before);
    let mut again = storage.reading(|tx| tx.owners_matching("the")).unwrap();
    again.sort();
    let mut conversations = conversations;
    conversations.sort();
    assert_eq!(again, conversations);
}

/// Writes one of everything.
fn write_everything(tx: &mut dyn inbox_server::storage::Tx, tag: &str) -> Result<i64> {
    tx.put(Kind::Setting, tag, &doc(tag, 1))?;
    tx.put_ticket(&TicketRow {
        contacts: Some(strings(&["c1"])),
        ..ticket(&format!("{tag}-ticket"), 1)
    })?;
    tx.append_part("owner", &format!("{tag}-part"), &doc(tag, 1))?;
    tx.put_email(&email(&format!("{tag}-email"), "c1", "t1", "pending", 5))?;
    tx.append_change(1, &doc(tag, 1))
}

fn assert_empty(storage: &dyn Storage) {
    storage
        .reading(|tx| {
            assert!(tx.list(Kind::Setting, "", 10)?.is_empty());
            assert_eq!(tx.ticket_count()?, 0);
            assert!(tx.tickets_of_contact("c1")?.is_empty());
            assert!(tx.parts_after(0, 10)?.is_empty());
            assert!(tx.changes_after(0, 10)?.is_empty());
            assert_eq!(tx.last_cursor()?, 0);
            assert_eq!(tx.next_email_due()?, None);
            Ok(())
        })
        .unwrap();
}

fn failed_write_leaves_nothing(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    let refused = storage.write(&mut |tx| {
        write_everything(tx, "doomed")?;
        Err(ServerError::bad_request("refused", "the rules said no"))
    });
    assert!(
        matches!(
            &refused,
            Err(ServerError::BadRequest {
                code: "refused",
                ..
            })
        ),
        "the closure's own error comes back: {refused:?}"
    );
    assert_empty(&*storage);
    let cursor = storage.writing(|tx| write_everything(tx, "kept")).unwrap();
    assert!(cursor > 0);
    storage
        .reading(|tx| {
            assert_eq!(tx.changes_after(0, 10)?.len(), 1);
            assert_eq!(tx.ticket_count()?, 1);
            Ok(())
        })
        .unwrap();
}

/// A statement the database rejects fails the write, undoes it, and leaves the storage usable.
fn failed_statement_leaves_nothing(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    for _ in 0..3 {
        let duplicate = storage.writing(|tx| {
            write_everything(tx, "doomed")?;
            tx.append_part("owner", "doomed-part", "{}")
        });
        assert!(
            matches!(&duplicate, Err(ServerError::Storage(_))),
            "a duplicate part id is a storage error: {duplicate:?}"
        );
        assert_empty(&*storage);
    }
    storage.writing(|tx| write_everything(tx, "kept")).unwrap();
}

/// Reads run beside the writer and see a snapshot: nothing uncommitted, nothing committed
/// after they began.
fn reads_are_snapshots_of_committed_writes(backend: &dyn Backend) {
    let storage = backend.open().unwrap();
    storage
        .writing(|tx| {
            tx.put(Kind::Setting, "during", "1")?;
            let seen = storage.reading(|r| r.get(Kind::Setting, "during"))?;
            assert_eq!(seen, None, "a read sees no uncommitted write");
            Ok(())
        })
        .unwrap();
    storage
        .reading(|tx| {
            assert_eq!(tx.get(Kind::Setting, "during")?, Some("1".into()));
            storage.writing(|w| w.put(Kind::Setting, "after", "2"))?;
            assert_eq!(
                tx.get(Kind::Setting, "after")?,
                None,
                "a read keeps its snapshot"
            );
            Ok(())
        })
        .unwrap();
    let after = storage
        .reading(|tx| tx.get(Kind::Setting, "after"))
        .unwrap();
    assert_eq!(after, Some("2".into()));
}

fn data_persists_across_reopening(backend: &dyn Backend) {
    let first = backend.open().unwrap();
    let cursor = first.writing(|tx| write_everything(tx, "kept")).unwrap();
    drop(first);
    let again = backend.open().unwrap();
    again
        .reading(|tx| {
            assert_eq!(tx.get(Kind::Setting, "kept")?, Some(doc("kept", 1)));
            assert_eq!(tx.ticket("kept-ticket")?, Some(doc("kept-ticket", 1)));
            assert_eq!(ids(&tx.tickets_of_contact("c1")?), ["kept-ticket"]);
            assert_eq!(tx.parts("owner")?, [doc("kept", 1)]);
            assert!(tx.email("kept-email")?.is_some());
            assert_eq!(tx.last_cursor()?, cursor);
            Ok(())
        })
        .unwrap();
    let next = again.writing(|tx| tx.append_change(2, "{}")).unwrap();
    assert!(next > cursor, "cursors keep growing after a restart");
}

fn newer_schema_is_refused(backend: &dyn Backend) {
    drop(backend.open().unwrap());
    backend.mark_newer_schema();
    let Err(refused) = backend.open() else {
        panic!("a database from a newer server must be refused");
    };
    assert!(
        refused.to_string().contains("newer than this server"),
        "{refused}"
    );
}

// ---- PostgreSQL only: several server processes on one database ----

/// Two servers write at once, each taking the next ticket number as it goes: numbers never
/// collide, and cursors follow commit order, which is also number order.
#[test]
fn postgres_servers_interleave_writes_in_commit_order() {
    let url = TestPostgres::shared().new_database();
    let servers = [
        PostgresStorage::connect(&url).unwrap(),
        PostgresStorage::connect(&url).unwrap(),
    ];
    let start = Barrier::new(servers.len());
    let written: Vec<Vec<(i64, i64)>> = std::thread::scope(|scope| {
        let writers: Vec<_> = servers
            .iter()
            .enumerate()
            .map(|(s, server)| {
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    (0..25)
                        .map(|i| write_next_ticket(server, &format!("s{s}-{i:02}")))
                        .collect()
                })
            })
            .collect();
        writers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for mine in &written {
        let cursors: Vec<i64> = mine.iter().map(|&(_, c)| c).collect();
        assert_increasing(&cursors, "one server's cursors");
    }
    let mut all: Vec<(i64, i64)> = written.concat();
    all.sort_by_key(|&(_, cursor)| cursor);
    let numbers: Vec<i64> = all.iter().map(|&(n, _)| n).collect();
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
    let logged = servers[1].reading(|tx| tx.changes_after(0, 100)).unwrap();
    let logged: Vec<i64> = logged.into_iter().map(|(c, _)| c).collect();
    let cursors: Vec<i64> = all.iter().map(|&(_, c)| c).collect();
    assert_eq!(logged, cursors);
}

/// Creates the next-numbered ticket and logs it: (number, cursor).
fn write_next_ticket(storage: &PostgresStorage, id: &str) -> (i64, i64) {
    storage
        .writing(|tx| {
            let number = tx.max_ticket_number()? + 1;
            tx.put_ticket(&ticket(id, number))?;
            Ok((number, tx.append_change(number, &doc(id, 1))?))
        })
        .unwrap()
}

/// Cursors reported to a `watch` callback.
fn watched(storage: &PostgresStorage) -> mpsc::Receiver<i64> {
    let (send, receive) = mpsc::channel();
    storage
        .watch(Box::new(move |cursor| {
            let _ = send.send(cursor);
        }))
        .unwrap();
    receive
}

fn wait_for_cursor(reports: &mpsc::Receiver<i64>, cursor: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match reports.recv_timeout(left) {
            Ok(reported) if reported >= cursor => return,
            Ok(_) => {}
            Err(_) => panic!("watch did not report cursor {cursor} within 10 s"),
        }
    }
}

fn append_change(storage: &PostgresStorage) -> i64 {
    storage.writing(|tx| tx.append_change(1, "{}")).unwrap()
}

#[test]
fn postgres_watch_sees_another_servers_commits() {
    let url = TestPostgres::shared().new_database();
    let (watching, writing) = (
        PostgresStorage::connect(&url).unwrap(),
        PostgresStorage::connect(&url).unwrap(),
    );
    let reports = watched(&watching);
    for _ in 0..3 {
        let cursor = append_change(&writing);
        wait_for_cursor(&reports, cursor);
    }
    // A rolled-back change is announced to nobody.
    let _ = writing.write(&mut |tx| {
        tx.append_change(1, "{}")?;
        Err(ServerError::bad_request("refused", "no"))
    });
    let cursor = append_change(&writing);
    wait_for_cursor(&reports, cursor);
    assert!(reports.try_recv().is_err(), "nothing after the last commit");
}

/// The watcher's connection dies: it reconnects, reports what it may have missed, and goes on
/// relaying notifications.
#[test]
fn postgres_watch_reconnects() {
    let url = TestPostgres::shared().new_database();
    let (watching, writing) = (
        PostgresStorage::connect(&url).unwrap(),
        PostgresStorage::connect(&url).unwrap(),
    );
    let reports = watched(&watching);
    let ended = admin(&url)
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'inbox-server watch'",
            &[],
        )
        .unwrap();
    assert_eq!(ended.len(), 1, "one watcher connection to end");
    let missed = append_change(&writing);
    wait_for_cursor(&reports, missed);
    let next = append_change(&writing);
    wait_for_cursor(&reports, next);
}

/// The database ends the pooled connections (a restart, an idle timeout): the next requests
/// open new ones instead of failing.
#[test]
fn postgres_pool_replaces_closed_connections() {
    let url = TestPostgres::shared().new_database();
    let storage = PostgresStorage::connect(&url).unwrap();
    // Two connections in the pool: a read inside a write needs a second one.
    storage
        .writing(|_| storage.reading(|tx| tx.last_cursor()))
        .unwrap();
    let mut admin = admin(&url);
    let ended = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    assert_eq!(ended.len(), 2);
    // Past the idle time after which a pooled connection is checked before use.
    std::thread::sleep(Duration::from_millis(1100));
    for _ in 0..3 {
        append_change(&storage);
        storage.reading(|tx| tx.last_cursor()).unwrap();
    }
}

/// PostgreSQL's plans for the ticket lists, counts and searches the REST API issues: with
/// sequential scans made a last resort, none of them may still have to read a whole table (an
/// index can serve each of them).
#[test]
fn postgres_ticket_lists_counts_and_searches_have_indexes() {
    let url = TestPostgres::shared().new_database();
    let storage = PostgresStorage::connect(&url).unwrap();
    seed_demo(&storage, 300, 50, 1_790_000_000_000).unwrap();
    let mut client = admin(&url);
    client
        .batch_execute("ANALYZE; SET enable_seqscan = off")
        .unwrap();
    let some = |sql: &str| -> String { client_one(&url, sql) };
    let teammate =
        some("SELECT assignee_teammate FROM tickets WHERE assignee_teammate IS NOT NULL LIMIT 1");
    let team = some("SELECT assignee_team FROM tickets WHERE assignee_team IS NOT NULL LIMIT 1");
    let contact = some("SELECT contact_id FROM ticket_contacts LIMIT 1");
    let company = some("SELECT company_id FROM tickets WHERE company_id IS NOT NULL LIMIT 1");
    let state = some("SELECT state_id FROM tickets LIMIT 1");
    let ticket_type = some("SELECT type_id FROM tickets LIMIT 1");
    let is = |field: Field, value: SqlValue| cmp(field, Op::Eq, value);
    let open = is(Field::Open, SqlValue::Bool(true));
    let filters = vec![
        Filter::True,
        open.clone(),
        is(Field::Open, SqlValue::Bool(false)),
        is(Field::StateId, text(&state)),
        Filter::Or(vec![
            is(Field::StateId, text(&state)),
            is(Field::StateId, text("x")),
        ]),
        Filter::And(vec![
            open.clone(),
            is(Field::AssigneeTeammate, SqlValue::Null),
        ]),
        is(Field::AssigneeTeammate, text(&teammate)),
        is(Field::AssigneeTeammate, SqlValue::Null),
        is(Field::AssigneeTeam, text(&team)),
        is(Field::Contact, text(&contact)),
        is(Field::Company, text(&company)),
        is(Field::TypeId, text(&ticket_type)),
        is(Field::Category, text("tracker")),
        cmp(Field::Words, Op::Contains, text("refund")),
        Filter::And(vec![
            open.clone(),
            cmp(Field::Words, Op::Contains, text("login fail")),
        ]),
    ];
    let mut problems = Vec::new();
    for filter in &filters {
        let sql = filter.search_sql(inbox_server::storage::Dialect::Postgres);
        let mut params: Vec<Box<dyn ::postgres::types::ToSql + Sync>> = sql
            .params
            .iter()
            .map(|v| -> Box<dyn ::postgres::types::ToSql + Sync> {
                match v {
                    SqlValue::Text(t) => Box::new(t.clone()),
                    SqlValue::Int(i) => Box::new(*i),
                    SqlValue::Float(f) => Box::new(*f),
                    SqlValue::Bool(b) => Box::new(*b),
                    SqlValue::Null => Box::new(None::<String>),
                }
            })
            .collect();
        let n = params.len();
        for (what, statement) in [("count", &sql.count), ("page", &sql.page)] {
            if what == "page" {
                params.push(Box::new(20i64));
                params.push(Box::new(0i64));
            }
            let borrowed: Vec<&(dyn ::postgres::types::ToSql + Sync)> =
                params.iter().map(|p| &**p as _).collect();
            let plan: Vec<String> = client
                .query(&format!("EXPLAIN {statement}"), &borrowed)
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect();
            if plan.iter().any(|line| line.contains("Seq Scan")) {
                problems.push(format!("{filter:?} ({what}):\n{}", plan.join("\n")));
            }
            params.truncate(n);
        }
    }
    assert!(
        problems.is_empty(),
        "sequential scans:\n{}",
        problems.join("\n\n")
    );
}

fn client_one(url: &str, sql: &str) -> String {
    admin(url).query_one(sql, &[]).unwrap().get(0)
}
