//! Undo in a workspace with no server: an action is shown at once, held for its window, taken
//! back without a trace, or made final once the window has passed.

use inbox_core::{Author, Category, Mutation};
use inbox_demo::DemoOptions;
use inbox_store::{InboxQuery, Sort, Store, View};

const NOW: i64 = 1_790_000_000_000;

#[test]
fn a_held_action_is_undone_without_a_trace_or_made_final_after_its_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("local.sqlite3")).unwrap();
    store.seed_demo(DemoOptions::new(60, NOW)).unwrap();
    let me = Author::Teammate(store.me().unwrap().id);
    let row = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::Created,
            offset: 0,
            limit: 100,
        })
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.open && r.category == Category::Customer)
        .expect("an open customer ticket");
    let before = store.ticket(row.id).unwrap();
    let timeline = store.timeline(row.id).unwrap().len();
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };
    let close = Mutation::Close {
        ticket: row.id,
        resolved: true,
    };
    let now = NOW + 60_000;

    let (_, token) = store.apply_held(&close, me, now, &mut random).unwrap();
    let token = token.unwrap();
    assert!(!store.ticket(row.id).unwrap().open, "shown at once");
    assert_eq!(
        store.commit_released(now + 1_000, &mut random).unwrap(),
        0,
        "held"
    );
    assert_eq!(
        store.undo(&token, now + 1_000).unwrap(),
        vec![close.clone()]
    );
    assert_eq!(store.ticket(row.id).unwrap(), before, "as if never made");
    assert_eq!(store.timeline(row.id).unwrap().len(), timeline);
    assert_eq!(store.outbox_len().unwrap(), 0);

    let (_, token) = store.apply_held(&close, me, now, &mut random).unwrap();
    let token = token.unwrap();
    assert_eq!(store.commit_released(token.until, &mut random).unwrap(), 1);
    assert_eq!(store.outbox_len().unwrap(), 0);
    assert!(!store.has_optimistic_changes().unwrap(), "final now");
    assert!(!store.ticket(row.id).unwrap().open);
    assert!(store.timeline(row.id).unwrap().len() > timeline);
    let late = store.undo(&token, token.until).unwrap_err();
    assert_eq!(late.code(), "undo_too_late");
}
