//! The server's SPEC.md targets, on SQLite and on PostgreSQL:
//! - a tracker state change with 10,000 linked tickets, applied and committed (<= 500 ms);
//! - push throughput with 20 concurrent clients over loopback (>= 3,000 mutations/s on
//!   SQLite, >= 2,000 on PostgreSQL).
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

use criterion::{criterion_group, criterion_main, Criterion};
use inbox_core::{Author, Mutation, StateCategory, Workspace};
use inbox_server::authority::{apply_one, Apply};
use inbox_server::setup::seed_demo;
use inbox_server::storage::postgres::PostgresStorage;
use inbox_server::storage::sqlite::SqliteStorage;
use inbox_server::storage::{SharedStorage, StorageExt};
use inbox_server::workspace::Db;
use postgres_support::TestPostgres;
use serde_json::json;
use server::{TestServer, DEMO_ADMIN};

const LINKED: usize = 10_000;
const NOW: i64 = 1_790_000_000_000;
const CLIENTS: usize = 20;
const BATCHES: usize = 10;
const BATCH: usize = 25;

fn tracker_change(c: &mut Criterion, name: &str, storage: SharedStorage) {
    let seeded = seed_demo(storage.as_ref(), 300, LINKED, NOW).unwrap();
    let tracker = seeded.big_tracker.unwrap();
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
    let mut group = c.benchmark_group(format!("server: tracker state change, {LINKED} linked"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let mut i = 0;
    group.bench_function(format!("{name}: apply + commit (target <= 500 ms)"), |b| {
        b.iter(|| {
            i += 1;
            let mutation = Mutation::SetState {
                ticket: tracker,
                state: targets[i % 2],
            };
            storage
                .writing(|tx| {
                    let how = Apply {
                        actor,
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
    let sqlite: SharedStorage = Arc::new(SqliteStorage::open_dir(dir.path()).unwrap());
    tracker_change(c, "SQLite", sqlite);
    let pg = TestPostgres::shared();
    let postgres: SharedStorage = Arc::new(PostgresStorage::connect(&pg.new_database()).unwrap());
    tracker_change(c, "PostgreSQL", postgres);
}

/// Mutations per second that 20 clients pushing batches at once get applied.
fn push_throughput(server: &TestServer) -> f64 {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let admin = server.client(&server.token(DEMO_ADMIN));
        let records = fixture::records(&admin).await;
        let ticket = fixture::data(&records, "ticket")
            .find(|t| t["category"] == "customer")
            .unwrap()["id"]
            .clone();
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
                        let res = admin
                            .post("/sync/push", json!({"client_id": format!("load-{c}"), "mutations": mutations}))
                            .await
                            .ok();
                        assert!(res["results"].as_array().unwrap().iter().all(|r| r["status"] == "applied"));
                    }
                })
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
        (CLIENTS * BATCHES * BATCH) as f64 / start.elapsed().as_secs_f64()
    })
}

fn bench_push(_: &mut Criterion) {
    let sqlite = TestServer::start(Some(300));
    let rate = push_throughput(&sqlite);
    println!("server: push throughput, {CLIENTS} clients, SQLite: {rate:.0} mutations/s (target >= 3,000)");
    let url = TestPostgres::shared().new_database();
    let postgres = TestServer::on(Some(&url), Some(300));
    let rate = push_throughput(&postgres);
    println!("server: push throughput, {CLIENTS} clients, PostgreSQL: {rate:.0} mutations/s (target >= 2,000)");
}

criterion_group!(benches, bench_tracker, bench_push);
criterion_main!(benches);
