//! Bulk actions on the app's store: a ticket may take several steps (a macro's reply and its
//! actions), in order; a refused step skips the rest of that ticket's steps and no other
//! ticket's.

use inbox_core::{Author, Category, Mutation};
use inbox_demo::DemoOptions;
use inbox_store::{InboxQuery, Sort, Store, View};

const NOW: i64 = 1_790_000_000_000;

#[test]
fn a_tickets_steps_apply_in_order_and_a_refused_one_skips_the_rest_of_that_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("local.sqlite3")).unwrap();
    store.seed_demo(DemoOptions::new(80, NOW)).unwrap();
    let me = Author::Teammate(store.me().unwrap().id);
    let rows = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::Created,
            offset: 0,
            limit: 200,
        })
        .unwrap()
        .rows;
    let customer = rows
        .iter()
        .find(|r| r.open && r.category == Category::Customer)
        .unwrap()
        .id;
    let internal = rows
        .iter()
        .find(|r| r.open && r.category == Category::BackOffice && !r.shared)
        .unwrap()
        .id;
    let steps = |ticket| {
        [
            Mutation::Reply {
                attachments: Vec::new(),
                ticket,
                body: "Refunded: it shows on your statement within 5 days.".into(),
            },
            Mutation::Close {
                ticket,
                resolved: true,
            },
        ]
    };
    let mutations: Vec<Mutation> = steps(internal).into_iter().chain(steps(customer)).collect();
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };

    let preview = store.preview_bulk(&mutations, me, NOW + 1).unwrap();
    assert_eq!(preview.refused.len(), 1, "{:?}", preview.refused);
    assert_eq!(preview.refused[0].ticket, internal);

    let done = store
        .apply_bulk(&mutations, me, NOW + 1, &mut random)
        .unwrap();
    assert_eq!(done.applied, vec![customer]);
    assert_eq!(done.refused.len(), 1);
    assert_eq!(done.refused[0].ticket, internal);
    assert!(
        !store.ticket(customer).unwrap().open,
        "replied, then resolved"
    );
    assert!(
        store.ticket(internal).unwrap().open,
        "its close was skipped"
    );
    assert_eq!(
        done.undo.unwrap().seqs.len(),
        2,
        "the customer ticket's two steps"
    );
}
