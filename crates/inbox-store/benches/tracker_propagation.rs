//! A tracker state change with 10,000 linked tickets (SPEC.md target: local apply <= 150 ms).
//! "core apply" is inbox-core deciding over the store (reads included); "store apply + commit"
//! adds writing every change and committing the transaction. Run with `make bench`.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use inbox_core::{apply, Author, Context, Mutation, StateCategory};
use inbox_demo::DemoOptions;
use inbox_store::{Store, DATABASE_FILE};

const LINKED: usize = 10_000;
const NOW: i64 = 1_790_000_000_000;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let tracker = store
        .seed_demo(DemoOptions::new(300, NOW).with_big_tracker(LINKED))
        .unwrap()
        .big_tracker
        .unwrap();
    let me = Author::Teammate(store.me().unwrap().id);
    let states = store.states().unwrap();
    let in_category = |category| states.iter().find(|s| s.category == category).unwrap().id;
    // Alternate between two states so every iteration moves all 10,000 tickets.
    let targets = [
        in_category(StateCategory::InProgress),
        in_category(StateCategory::WaitingOnCustomer),
    ];
    let mut n = 0u128;
    let mut random = move || {
        n += 1;
        n
    };

    let mut group = c.benchmark_group(format!("tracker state change, {LINKED} linked tickets"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("core apply (reads + decide)", |b| {
        let mutation = Mutation::SetState {
            ticket: tracker,
            state: targets[0],
        };
        b.iter(|| {
            let mut ctx = Context {
                actor: me,
                now: NOW,
                random: &mut random,
            };
            let out = apply(&store, &mutation, &mut ctx).unwrap();
            assert!(out.changes.len() > LINKED);
            out
        })
    });
    let mut i = 0;
    let mut now = NOW;
    group.bench_function("store apply + commit", |b| {
        b.iter(|| {
            i += 1;
            now += 1;
            let mutation = Mutation::SetState {
                ticket: tracker,
                state: targets[i % 2],
            };
            store.apply(&mutation, me, now, &mut random).unwrap()
        })
    });
    group.finish();
    println!("SPEC.md target: local apply of a tracker state change with 10,000 linked tickets <= 150 ms.");
}

criterion_group!(benches, bench);
criterion_main!(benches);
