//! Snoozed tickets in a real database file: out of the triage views (All, Mine, Unassigned, a
//! team's) and their counts, and of every Open list, until their time; listed under Snoozed;
//! kept in the record views; persisted; ended by the server's wake arriving through sync.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{Filters, InboxQuery, Sort, Store, View, ViewCounts, DATABASE_FILE};
use inbox_sync::Record;

const NOW: i64 = 1_790_000_000_000;
const HOUR: i64 = 3_600_000;

fn rand_bits() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    u128::from(NEXT.fetch_add(1, Ordering::SeqCst)) << 40
}

fn run(store: &mut Store, mutation: Mutation, at: Millis) -> Outcome {
    let me = Author::Teammate(store.me().unwrap().id);
    store
        .apply(&mutation, me, at, &mut || (1u128 << 101) + rand_bits())
        .unwrap()
}

/// The ids a view lists at `at` (all of them: the demo is small), and its total.
fn listed(store: &Store, view: View, filters: Filters, at: Millis) -> (Vec<TicketId>, i64) {
    let page = store
        .list_tickets_at(
            &InboxQuery {
                view,
                filters,
                sort: Sort::LastActivity,
                offset: 0,
                limit: 500,
            },
            at,
        )
        .unwrap();
    (page.rows.iter().map(|r| r.id).collect(), page.total)
}

fn open() -> Filters {
    Filters {
        open: Some(true),
        ..Filters::default()
    }
}

fn snoozed() -> Filters {
    Filters {
        snoozed: true,
        ..Filters::default()
    }
}

/// A demo workspace and one of its open tickets, given to me and to a team.
fn setup() -> (tempfile::TempDir, Store, Ticket, TeamId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(60, NOW)).unwrap();
    let me = store.me().unwrap().id;
    let team = store.teams().unwrap()[0].id;
    let ticket = store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| store.ticket(id).unwrap())
        .find(|t| t.open && t.category == Category::Customer)
        .unwrap();
    run(
        &mut store,
        Mutation::Assign {
            ticket: ticket.id,
            teammate: Some(me),
            team: Some(team),
        },
        NOW,
    );
    let ticket = store.ticket(ticket.id).unwrap();
    (dir, store, ticket, team)
}

/// The counts of the views a snooze takes a ticket out of.
fn queue_counts(c: &ViewCounts, team: TeamId) -> [i64; 3] {
    [c.all, c.mine, c.by_team[&team]]
}

#[test]
fn a_snoozed_ticket_leaves_the_open_views_and_their_counts_until_its_time() {
    let (dir, mut store, ticket, team) = setup();
    let before = store.view_counts_at(NOW + 1).unwrap();
    let (all_before, total_before) = listed(&store, View::All, Filters::default(), NOW + 1);
    assert!(all_before.contains(&ticket.id));

    let until = NOW + 2 * HOUR;
    run(
        &mut store,
        Mutation::Snooze {
            ticket: ticket.id,
            until,
        },
        NOW + 1,
    );
    let at = NOW + 2;
    for view in [View::All, View::Mine, View::Team { team_id: team }] {
        for filters in [Filters::default(), open()] {
            let (ids, _) = listed(&store, view.clone(), filters.clone(), at);
            assert!(!ids.contains(&ticket.id), "{view:?} {filters:?}");
        }
    }
    let (all, total) = listed(&store, View::All, Filters::default(), at);
    assert_eq!(
        (all.len() as i64, total),
        (total_before - 1, total_before - 1)
    );
    let after = store.view_counts_at(at).unwrap();
    assert_eq!(
        queue_counts(&after, team),
        queue_counts(&before, team).map(|n| n - 1),
        "All, Mine and the team count one less"
    );
    assert_eq!(after.unread, store.unread_count_at(at).unwrap());

    // Under Snoozed: only it, with its time.
    let page = store
        .list_tickets_at(
            &InboxQuery {
                view: View::Mine,
                filters: snoozed(),
                sort: Sort::LastActivity,
                offset: 0,
                limit: 50,
            },
            at,
        )
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        (page.rows[0].id, page.rows[0].snoozed_until),
        (ticket.id, Some(until))
    );

    // The record views keep it; their Open filter does not.
    let category = View::Category {
        category: Category::Customer,
    };
    assert!(listed(&store, category.clone(), Filters::default(), at)
        .0
        .contains(&ticket.id));
    assert!(!listed(&store, category, open(), at).0.contains(&ticket.id));

    // Kept in the file.
    drop(store);
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    assert_eq!(store.ticket(ticket.id).unwrap().snoozed_until, Some(until));

    // Its time come, it is back even before anyone wakes it (offline, or no server).
    assert!(listed(&store, View::All, open(), until)
        .0
        .contains(&ticket.id));
    assert_eq!(
        queue_counts(&store.view_counts_at(until).unwrap(), team),
        queue_counts(&before, team)
    );
    assert_eq!(listed(&store, View::All, snoozed(), until).1, 0);
}

#[test]
fn unsnoozing_or_closing_brings_it_back_or_out_for_good() {
    let (_dir, mut store, ticket, _) = setup();
    let snooze = Mutation::Snooze {
        ticket: ticket.id,
        until: NOW + HOUR,
    };
    run(&mut store, snooze.clone(), NOW + 1);
    run(
        &mut store,
        Mutation::Unsnooze { ticket: ticket.id },
        NOW + 2,
    );
    assert!(listed(&store, View::Mine, open(), NOW + 3)
        .0
        .contains(&ticket.id));

    run(&mut store, snooze, NOW + 4);
    run(
        &mut store,
        Mutation::Close {
            ticket: ticket.id,
            resolved: true,
        },
        NOW + 5,
    );
    assert_eq!(store.ticket(ticket.id).unwrap().snoozed_until, None);
    assert_eq!(listed(&store, View::Mine, snoozed(), NOW + 6).1, 0);
    let kinds: Vec<String> = store
        .ticket_detail(ticket.id)
        .unwrap()
        .timeline
        .iter()
        .map(|e| e.kind.as_str().to_owned())
        .collect();
    assert!(kinds.iter().any(|k| k == "unsnoozed"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "snoozed").count(), 2);
}

#[test]
fn an_optimistic_snooze_then_the_servers_wake_through_sync() {
    let (_dir, mut store, ticket, _) = setup();
    let me = Author::Teammate(store.me().unwrap().id);
    let until = NOW + HOUR;
    store
        .apply_and_queue(
            &Mutation::Snooze {
                ticket: ticket.id,
                until,
            },
            me,
            NOW + 1,
            &mut || (1u128 << 101) + rand_bits(),
        )
        .unwrap();
    assert_eq!(store.outbox_len().unwrap(), 1);
    assert!(!listed(&store, View::All, Filters::default(), NOW + 2)
        .0
        .contains(&ticket.id));

    // The server took it, and later woke the ticket: its records arrive.
    let woke = Ticket {
        snoozed_until: None,
        last_activity_at: until,
        updated_at: until,
        ..store.ticket(ticket.id).unwrap()
    };
    let ended = Part {
        attachments: Vec::new(),
        id: PartId::from_parts(until as u64, 7),
        ticket: ticket.id,
        author: Author::System,
        kind: PartKind::SnoozeEnded,
        created_at: until,
    };
    store
        .write(|s| s.upsert_records(&[Record::Ticket(Box::new(woke)), Record::TicketPart(ended)]))
        .unwrap();
    let now = store.ticket(ticket.id).unwrap();
    assert_eq!(now.snoozed_until, None);
    assert!(listed(&store, View::All, open(), NOW + 2)
        .0
        .contains(&ticket.id));
}
