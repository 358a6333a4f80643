//! The inbox list query at 100,000 tickets (SPEC.md target: p50 <= 2 ms, within 1.5x of the
//! same query hand-written against SQLite). Run with `make bench`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use inbox_core::Category;
use inbox_demo::DemoOptions;
use inbox_store::{Filters, InboxQuery, QueueQuery, Sort, Store, View, DATABASE_FILE};

const TICKETS: usize = 100_000;
const NOW: i64 = 1_790_000_000_000;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let mut store = Store::open(&path).unwrap();
    let started = Instant::now();
    let summary = store.seed_demo(DemoOptions::new(TICKETS, NOW)).unwrap();
    println!(
        "demo workspace: {} tickets, {} timeline parts generated in {:.1?}",
        summary.tickets,
        summary.parts,
        started.elapsed()
    );

    let state_id = store.states().unwrap()[1].id;
    let views = [
        ("all", View::All),
        ("mine", View::Mine),
        ("unassigned", View::Unassigned),
        (
            "tracker",
            View::Category {
                category: Category::Tracker,
            },
        ),
        ("state", View::State { state_id }),
        (
            "team",
            View::Team {
                team_id: store.teams().unwrap()[0].id,
            },
        ),
        (
            "brand",
            View::Brand {
                brand_id: store.brands().unwrap()[0].id,
            },
        ),
    ];
    let mut group = c.benchmark_group("inbox list, 100k tickets, first 50");
    group
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    for (name, view) in views {
        let query = InboxQuery {
            filters: Default::default(),
            view,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 50,
        };
        group.bench_function(format!("store: {name}, by last activity"), |b| {
            b.iter(|| store.list_tickets(&query).unwrap())
        });
    }
    let created = InboxQuery {
        filters: Default::default(),
        view: View::All,
        sort: Sort::Created,
        offset: 0,
        limit: 50,
    };
    group.bench_function("store: all, by created", |b| {
        b.iter(|| store.list_tickets(&created).unwrap())
    });
    let filtered = InboxQuery {
        filters: Filters {
            categories: vec![Category::Customer],
            open: Some(true),
            unread: true,
            ..Filters::default()
        },
        view: View::Mine,
        sort: Sort::LastActivity,
        offset: 0,
        limit: 50,
    };
    group.bench_function("store: mine, open customer unread", |b| {
        b.iter(|| store.list_tickets(&filtered).unwrap())
    });
    let by_state = InboxQuery {
        filters: Default::default(),
        view: View::All,
        sort: Sort::State,
        offset: 0,
        limit: 50,
    };
    group.bench_function("store: all, by state", |b| {
        b.iter(|| store.list_tickets(&by_state).unwrap())
    });
    let deep = InboxQuery {
        filters: Default::default(),
        view: View::All,
        sort: Sort::LastActivity,
        offset: 50_000,
        limit: 50,
    };
    group.bench_function("store: all, page at 50,000", |b| {
        b.iter(|| store.list_tickets(&deep).unwrap())
    });

    // A teammate's queue: tickets and conversations merged, first page and a deep one.
    for (name, view, open, offset) in [
        ("mine, open", View::Mine, Some(true), 0),
        ("all", View::All, None, 0),
        ("all, page at 50,000", View::All, None, 50_000),
    ] {
        let query = QueueQuery {
            view,
            open,
            unread: false,
            offset,
            limit: 50,
        };
        group.bench_function(format!("store: queue, {name}"), |b| {
            b.iter(|| store.list_queue(&query, NOW).unwrap())
        });
    }

    // The baseline: the same rows and total, hand-written against SQLite.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let me = store.me().unwrap().id.to_string();
    group.bench_function("hand-written SQL: all, by last activity", |b| {
        b.iter(|| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT t.id, t.number, t.title, t.category, t.open, t.shared, t.last_activity_at,
                        tt.name, tt.icon, s.id, s.internal_label, s.category, tm.name, team.name,
                        (SELECT c.name FROM ticket_contacts tc JOIN contacts c ON c.id = tc.contact_id
                         WHERE tc.ticket_id = t.id ORDER BY tc.position LIMIT 1),
                        EXISTS (SELECT 1 FROM parts p WHERE p.ticket_id = t.id
                            AND p.created_at > COALESCE((SELECT r.read_at FROM ticket_reads r
                                WHERE r.ticket_id = t.id AND r.teammate_id = ?1), 0)
                            AND NOT (p.author_kind = 'teammate' AND p.author_id IS ?1))
                     FROM tickets t
                     JOIN ticket_types tt ON tt.id = t.type_id
                     JOIN ticket_states s ON s.id = t.state_id
                     LEFT JOIN teammates tm ON tm.id = t.assignee_teammate_id
                     LEFT JOIN teams team ON team.id = t.assignee_team_id
                     ORDER BY t.last_activity_at DESC, t.id DESC LIMIT 50",
                )
                .unwrap();
            let rows: Vec<(String, String)> = stmt
                .query_map([&me], |r| Ok((r.get(0)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let total: i64 = conn
                .prepare_cached("SELECT COUNT(*) FROM tickets")
                .unwrap()
                .query_row([], |r| r.get(0))
                .unwrap();
            (rows, total)
        })
    });
    group.finish();
    println!("SPEC.md target: p50 <= 2 ms at 100k tickets, within 1.5x of the hand-written SQL.");
}

criterion_group!(benches, bench);
criterion_main!(benches);
