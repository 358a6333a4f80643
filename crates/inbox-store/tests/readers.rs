//! Readers beside the writer, on one database file: a reader sees every committed change, is
//! never held up by a write under way (it sees the state before it until it commits), finds
//! what the writer indexed for search, and cannot write.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{Filters, InboxQuery, SearchQuery, Sort, Store, View, DATABASE_FILE};

const NOW: i64 = 1_790_000_000_000;

fn all(limit: u32) -> InboxQuery {
    InboxQuery {
        view: View::All,
        filters: Filters::default(),
        sort: Sort::LastActivity,
        offset: 0,
        limit,
    }
}

/// How many open tickets `store` counts (a count it keeps until the database changes).
fn open_total(store: &Store) -> i64 {
    let mut query = all(1);
    query.filters.open = Some(true);
    store.list_tickets_at(&query, NOW).unwrap().total
}

#[test]
fn a_reader_reads_beside_a_write_under_way_and_sees_it_once_committed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(DATABASE_FILE);
    let mut writer = Store::open(&file).unwrap();
    writer.seed_demo(DemoOptions::new(60, NOW)).unwrap();
    let reader = Store::open_reader(&file).unwrap();
    assert_eq!(reader.file(), writer.file());
    let first = reader.list_tickets(&all(1)).unwrap().rows[0].clone();
    let me = Author::Teammate(reader.me().unwrap().id);
    let before = open_total(&reader);

    // A write under way on another connection (as the sync's rebase is): the reader is not
    // held up, and sees the state before it.
    let other = rusqlite::Connection::open(&file).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    other
        .execute(
            "UPDATE tickets SET open = 0 WHERE id = ?1",
            [first.id.to_string()],
        )
        .unwrap();
    assert!(reader.ticket(first.id).unwrap().open, "not committed yet");
    assert_eq!(open_total(&reader), before);
    other.execute_batch("COMMIT").unwrap();
    // Committed: the reader sees it, counts included.
    assert!(!reader.ticket(first.id).unwrap().open);
    assert_eq!(open_total(&reader), before - 1);

    // It cannot write.
    let mut reader = reader;
    let refused = reader.apply(
        &Mutation::Note {
            ticket: first.id,
            body: "Not from a reader".into(),
            keep_private: true,
            attachments: Vec::new(),
        },
        me,
        NOW + 2,
        &mut || 7,
    );
    assert!(refused.is_err());
}

#[test]
fn a_reader_searches_the_index_the_writer_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(DATABASE_FILE);
    let mut writer = Store::open(&file).unwrap();
    writer.seed_demo(DemoOptions::new(60, NOW)).unwrap();
    let reader = Store::open_reader(&file).unwrap();
    let query = SearchQuery {
        text: "verification".into(),
        view: View::All,
        filters: Filters::default(),
        limit: 50,
        offset: 0,
    };
    // Not indexed yet: the reader does not index, and finds nothing.
    assert_eq!(reader.search(&query).unwrap().total, 0);
    writer.refresh_search_index().unwrap();
    let found = reader.search(&query).unwrap();
    assert!(found.total > 0);
    assert_eq!(found.total, writer.search(&query).unwrap().total);
}
