//! The demo workspace, seeded into real database files.

use inbox_core::{Category, StateCategory};
use inbox_demo::DemoOptions;
use inbox_store::{InboxQuery, Sort, Store, View};

const NOW: i64 = 1_790_000_000_000;

fn seeded(tickets: usize) -> (tempfile::TempDir, Store, inbox_demo::DemoSummary) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.sqlite3")).unwrap();
    let summary = store.seed_demo(DemoOptions::new(tickets, NOW)).unwrap();
    (dir, store, summary)
}

fn everything(store: &Store) -> Vec<String> {
    let page = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::Created,
            offset: 0,
            limit: 500,
        })
        .unwrap();
    page.rows
        .iter()
        .map(|r| {
            let detail = store.ticket_detail(r.id).unwrap();
            format!(
                "{} {:?} {} {}",
                r.id,
                r.number,
                r.title,
                serde_json::to_string(&detail.timeline).unwrap()
            )
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_workspace() {
    let (_a, first, s1) = seeded(120);
    let (_b, second, s2) = seeded(120);
    assert_eq!(s1, s2);
    assert_eq!(everything(&first), everything(&second));
    assert_eq!(first.view_counts().unwrap(), second.view_counts().unwrap());
}

#[test]
fn the_default_workspace_is_realistic() {
    let (_dir, store, summary) = seeded(DemoOptions::DEFAULT_TICKETS);
    assert_eq!(summary.tickets, 300);
    assert_eq!(store.ticket_count().unwrap(), 300);
    assert!(
        summary.parts > 300,
        "timelines have replies, notes and state changes"
    );
    assert!(
        summary.tracker_links > 10,
        "customer tickets link to trackers"
    );
    assert!(summary.conversations > 0);
    assert!(!store.is_empty().unwrap());

    let counts = store.view_counts().unwrap();
    for category in Category::ALL {
        assert!(
            counts.by_category[&category] > 0,
            "{category} tickets exist"
        );
    }
    assert!(counts.mine > 0 && counts.unassigned > 0);
    assert!(store.teammates().unwrap().len() >= 5);
    assert!(store.brands().unwrap().len() >= 2);
    assert_eq!(
        store
            .ticket_types()
            .unwrap()
            .iter()
            .filter(|t| t.category == Category::Tracker)
            .count(),
        1
    );

    let states = store.states().unwrap();
    let types = store.ticket_types().unwrap();
    let rows = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 500,
        })
        .unwrap()
        .rows;
    let mut kinds = std::collections::BTreeSet::new();
    for row in rows {
        let d = store.ticket_detail(row.id).unwrap();
        let t = &d.ticket;
        let ty = types.iter().find(|ty| ty.id == t.type_id).unwrap();
        assert!(
            ty.offers(t.state_id),
            "#{:?}: its state is one its type offers",
            t.number
        );
        assert!(
            t.category.check_shared(t.shared).is_ok(),
            "#{:?} obeys R1-R3",
            t.number
        );
        let state = states.iter().find(|s| s.id == t.state_id).unwrap();
        assert_eq!(t.open, state.category != StateCategory::Resolved);
        if let Some(tracker) = &d.tracker {
            assert_eq!(tracker.category, Category::Tracker);
            assert_eq!(t.category, Category::Customer);
        }
        assert!(d
            .timeline
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at));
        if let Some(last) = d.timeline.last() {
            assert_eq!(t.last_activity_at, last.created_at);
        }
        assert!(t.last_activity_at < NOW);
        if t.category == Category::Tracker || !t.shared {
            assert!(
                d.timeline.iter().all(|e| !e.kind.customer_visible()),
                "no replies on internal tickets"
            );
        }
        kinds.extend(d.timeline.iter().map(|e| e.kind.as_str()));
    }
    for kind in ["reply", "note", "state_changed", "closed"] {
        assert!(kinds.contains(kind), "the demo has {kind} parts");
    }
}

#[test]
fn seeding_a_large_workspace_works() {
    let (_dir, store, summary) = seeded(5_000);
    assert_eq!(store.ticket_count().unwrap(), 5_000);
    assert!(summary.parts >= 5_000);
    let numbers: Vec<_> = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::Created,
            offset: 0,
            limit: 3,
        })
        .unwrap()
        .rows
        .iter()
        .map(|r| r.number)
        .collect();
    assert_eq!(
        numbers,
        [Some(5_000), Some(4_999), Some(4_998)],
        "numbers follow creation order"
    );
}
