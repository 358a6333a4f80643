//! The server's SPEC.md targets, on SQLite and on PostgreSQL:
//! - a tracker state change with 10,000 linked tickets, applied and committed (<= 500 ms);
//! - push throughput with 20 concurrent clients over loopback (>= 3,000 mutations/s on
//!   SQLite, >= 2,000 on PostgreSQL);
//! - REST reads at 100,000 tickets: the first page of open tickets with its total (<= 5 ms) and
//!   a full-text search over titles, descriptions, replies and notes (<= 20 ms).
//!
//! Run with `make bench`.

#[path = "../tests/support/fixture.rs"]
mod fixture;
#[path = "../tests/support/postgres.rs"]
mod postgres_support;
#[path = "../tests/support/server.rs"]
mod server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use inbox_core::{Author, Mutation, StateCategory, Workspace};
use inbox_server::authority::{apply_one, Apply};
use inbox_server::setup::seed_demo;
use inbox_server::storage::postgres::PostgresStorage;
use inbox_server::storage::sqlite::SqliteStorage;
use inbox_server::storage::{SharedStorage, StorageExt};
use inbox_server::workspace::Db;
use postgres_support::TestPostgres;
use serde_json::{json, Value};
use server::{Client, TestServer, DEMO_ADMIN};

const LINKED: usize = 10_000;
const NOW: i64 = 1_790_000_000_000;
const CLIENTS: usize = 20;
const BATCHES: usize = 10;
const BATCH: usize = 25;

/// A workspace with a 10,000-link tracker, made on first use (criterion skips filtered-out
/// benchmarks, and their setup with them).
struct TrackerWorkspace {
    storage: SharedStorage,
    tracker: inbox_core::TicketId,
    actor: Author,
    targets: [inbox_core::StateId; 2],
}

fn tracker_workspace(storage: SharedStorage) -> TrackerWorkspace {
    let seeded = seed_demo(storage.as_ref(), 300, LINKED, NOW).unwrap();
    let (actor, targets) = storage
        .reading(|tx| {
            let db = Db::new(tx);
            let states = db.states()?;
            let admin: Vec<inbox_core::Teammate> = db.all(inbox_server::storage::Kind::Teammate)?;
            let of = |c| states.iter().find(|s| s.category == c).unwrap().id;
            Ok((
                Author::Teammate(admin[0].id),
                [
                    of(StateCategory::InProgress),
                    of(StateCategory::WaitingOnCustomer),
                ],
            ))
        })
        .unwrap();
    TrackerWorkspace {
        storage,
        tracker: seeded.big_tracker.unwrap(),
        actor,
        targets,
    }
}

fn tracker_change(c: &mut Criterion, name: &str, open: &dyn Fn() -> SharedStorage) {
    let mut group = c.benchmark_group(format!("server: tracker state change, {LINKED} linked"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let mut workspace = None;
    let mut i = 0;
    group.bench_function(format!("{name}: apply + commit (target <= 500 ms)"), |b| {
        let w = workspace.get_or_insert_with(|| tracker_workspace(open()));
        b.iter(|| {
            i += 1;
            let mutation = Mutation::SetState {
                ticket: w.tracker,
                state: w.targets[i % 2],
            };
            w.storage
                .writing(|tx| {
                    let how = Apply {
                        actor: w.actor,
                        now: NOW + i as i64,
                        origin: None,
                        skip_notifications: false,
                    };
                    apply_one(&Db::new(tx), &mutation, how)
                })
                .unwrap()
        })
    });
    group.finish();
}

fn bench_tracker(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    tracker_change(c, "SQLite", &|| {
        Arc::new(SqliteStorage::open_dir(dir.path()).unwrap())
    });
    tracker_change(c, "PostgreSQL", &|| {
        let url = TestPostgres::shared().new_database();
        Arc::new(PostgresStorage::connect(&url).unwrap())
    });
}

/// How long 20 clients pushing batches at once take to get `CLIENTS * BATCHES * BATCH`
/// mutations applied; `round` keeps client ids fresh.
fn push_round(
    runtime: &tokio::runtime::Runtime,
    admin: &Client,
    ticket: &Value,
    round: u64,
) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (admin, ticket) = (admin.clone(), ticket.clone());
                tokio::spawn(async move {
                    for b in 0..BATCHES {
                        let mutations: Vec<_> = (0..BATCH)
                            .map(|m| {
                                let seq = b * BATCH + m + 1;
                                json!({"seq": seq, "mutation": {"type": "note", "ticket": ticket, "body": format!("load {c}/{seq}")}})
                            })
                            .collect();
                        let body = json!({"client_id": format!("load-{round}-{c}"), "mutations": mutations});
                        let res = admin.post("/sync/push", body).await.ok();
                        assert!(res["results"].as_array().unwrap().iter().all(|r| r["status"] == "applied"));
                    }
                })
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
        start.elapsed()
    })
}

fn push_throughput(c: &mut Criterion, name: &str, target: &str, start: &dyn Fn() -> TestServer) {
    let mut group = c.benchmark_group(format!("server: push, {CLIENTS} concurrent clients"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements((CLIENTS * BATCHES * BATCH) as u64));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut setup = None;
    let mut round = 0;
    group.bench_function(format!("{name} (target >= {target} mutations/s)"), |b| {
        let (_server, admin, ticket) = setup.get_or_insert_with(|| {
            let server = start();
            let admin = server.client(&server.token(DEMO_ADMIN));
            let records = runtime.block_on(fixture::records(&admin));
            let ticket = fixture::data(&records, "ticket")
                .find(|t| t["category"] == "customer")
                .unwrap()["id"]
                .clone();
            (server, admin, ticket)
        });
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    round += 1;
                    push_round(&runtime, admin, ticket, round)
                })
                .sum()
        })
    });
    group.finish();
}

fn bench_push(c: &mut Criterion) {
    push_throughput(c, "SQLite", "3,000", &|| TestServer::start(Some(300)));
    push_throughput(c, "PostgreSQL", "2,000", &|| {
        TestServer::on(Some(&TestPostgres::shared().new_database()), Some(300))
    });
}

const READ_TICKETS: usize = 100_000;

/// One REST search at a time over loopback, as a teammate's window asks: the first page (20
/// tickets) and the total.
fn rest_reads(c: &mut Criterion, name: &str, start: &dyn Fn() -> TestServer) {
    let mut group = c.benchmark_group(format!("server: REST reads, {READ_TICKETS} tickets"));
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut setup = None;
    let searches = [
        (
            "first page of open tickets with total (target <= 5 ms)",
            json!({"query": {"field": "open", "operator": "=", "value": true}}),
        ),
        (
            "full-text search (target <= 20 ms)",
            json!({"query": {"field": "full_text", "operator": "~", "value": "refund invoice"}}),
        ),
    ];
    for (what, body) in searches {
        group.bench_function(format!("{name}: {what}"), |b| {
            let (_server, admin) = setup.get_or_insert_with(|| {
                let server = start();
                let admin = server.client(&server.token(DEMO_ADMIN));
                (server, admin)
            });
            b.iter(|| {
                let list = runtime
                    .block_on(admin.post("/tickets/search", body.clone()))
                    .ok();
                assert!(list["total_count"].as_i64().unwrap() > 0, "{list}");
                list
            })
        });
    }
    group.finish();
}

fn bench_rest_reads(c: &mut Criterion) {
    rest_reads(c, "SQLite", &|| TestServer::start(Some(READ_TICKETS)));
    rest_reads(c, "PostgreSQL", &|| {
        let url = TestPostgres::shared().new_database();
        let server = TestServer::on(Some(&url), Some(READ_TICKETS));
        // As autovacuum leaves a database at rest: statistics gathered and the visibility map
        // set, so counts read their index alone. Right after loading 100,000 tickets in one go
        // it has not run yet.
        postgres::Client::connect(&url, postgres::NoTls)
            .unwrap()
            .batch_execute("VACUUM ANALYZE")
            .unwrap();
        server
    });
}

criterion_group!(benches, bench_tracker, bench_push, bench_rest_reads);
criterion_main!(benches);
