//! A teammate's queue (tickets and conversations of a view in one list), in a real database
//! file: each view, open, closed or everything, paged at odd sizes, holds exactly the view's
//! tickets and conversations, most recent activity first; its totals add up; the unread filter
//! keeps the unread rows.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{QueuePage, QueueQuery, QueueRow, Store, View, DATABASE_FILE};

const NOW: i64 = 1_790_000_000_000;
const HOUR: i64 = 3_600_000;

fn rand_bits() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    u128::from(NEXT.fetch_add(1, Ordering::SeqCst)) << 40
}

fn run(store: &mut Store, mutation: Mutation, actor: Author, at: Millis) {
    store
        .apply(&mutation, actor, at, &mut || (1u128 << 101) + rand_bits())
        .unwrap();
}

/// A demo workspace plus conversations of every kind: mine (open, snoozed, closed), a team's,
/// unassigned; and tickets moved to mine, some closed. Returns the store, me and the team.
fn setup() -> (tempfile::TempDir, Store, TeammateId, TeamId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(120, NOW)).unwrap();
    let me = store.me().unwrap().id;
    let team = store.teams().unwrap()[0].id;
    let contact = store.contacts().unwrap().remove(0).id;
    let t = Author::Teammate(me);
    // Interleaved in time with the demo's newest tickets.
    let mut at = NOW - 30 * HOUR;
    let mut started = Vec::new();
    for i in 0..12 {
        let id = ConversationId::from_parts(NOW as u64, rand_bits());
        run(
            &mut store,
            Mutation::StartConversation(StartConversation {
                id,
                contact,
                subject: String::new(),
                body: format!("Question number {i}"),
                channel: MessageChannel::Messenger,
            }),
            Author::Contact(contact),
            at,
        );
        started.push(id);
        at += 2 * HOUR + 7;
    }
    for (i, id) in started.iter().enumerate() {
        let (teammate, team) = match i % 4 {
            0 | 1 => (Some(me), None),
            2 => (None, Some(team)),
            _ => (None, None),
        };
        if teammate.is_some() || team.is_some() {
            run(
                &mut store,
                Mutation::AssignConversation {
                    conversation: *id,
                    teammate,
                    team,
                },
                t,
                NOW - 30 * HOUR + i as i64,
            );
        }
    }
    run(
        &mut store,
        Mutation::SnoozeConversation {
            conversation: started[0],
            until: NOW + 10 * HOUR,
        },
        t,
        NOW - HOUR,
    );
    run(
        &mut store,
        Mutation::CloseConversation {
            conversation: started[4],
        },
        t,
        NOW - HOUR,
    );
    // A few of the demo's tickets become mine.
    for id in store.ticket_ids().unwrap().into_iter().step_by(9) {
        run(
            &mut store,
            Mutation::Assign {
                ticket: id,
                teammate: Some(me),
                team: None,
            },
            t,
            NOW - 2 * HOUR,
        );
    }
    (dir, store, me, team)
}

/// The whole queue in pages of `size`, and its last page.
fn whole(
    store: &Store,
    view: &View,
    open: Option<bool>,
    unread: bool,
    size: u32,
) -> (Vec<QueueRow>, QueuePage) {
    let mut rows = Vec::new();
    loop {
        let page = store
            .list_queue(
                &QueueQuery {
                    view: view.clone(),
                    open,
                    unread,
                    offset: rows.len() as u32,
                    limit: size,
                },
                NOW,
            )
            .unwrap();
        assert_eq!(page.total, page.tickets + page.conversations);
        let done = page.rows.len() < size as usize;
        rows.extend(page.rows.iter().cloned());
        if done {
            assert_eq!(rows.len() as i64, page.total);
            return (rows, page);
        }
    }
}

/// (last activity, conversation?, id) of what the view holds, most recent first (ties: the
/// newest id first), worked out from every ticket and conversation directly.
fn expected(
    store: &Store,
    me: TeammateId,
    view: &View,
    open: Option<bool>,
) -> Vec<(Millis, bool, String)> {
    let holds = |teammate: Option<TeammateId>, team: Option<TeamId>| match view {
        View::All => true,
        View::Mine => teammate == Some(me),
        View::Unassigned => teammate.is_none() && team.is_none(),
        View::Team { team_id } => team == Some(*team_id),
        _ => unreachable!(),
    };
    let mut all: Vec<(Millis, bool, String)> = Vec::new();
    for id in store.ticket_ids().unwrap() {
        let t = store.ticket(id).unwrap();
        if holds(t.assignee_teammate, t.assignee_team) && open.is_none_or(|o| o == t.open) {
            all.push((t.last_activity_at, false, t.id.to_string()));
        }
    }
    for c in store.conversations().unwrap() {
        let status = match open {
            None => true,
            Some(true) => c.is_active(NOW),
            Some(false) => !c.open,
        };
        if holds(c.assignee_teammate, c.assignee_team) && status {
            all.push((c.last_activity_at, true, c.id.to_string()));
        }
    }
    all.sort_by(|a, b| (b.0, &b.2).cmp(&(a.0, &a.2)));
    all
}

fn keys(rows: &[QueueRow]) -> Vec<(Millis, bool, String)> {
    rows.iter()
        .map(|r| {
            (
                r.last_activity_at(),
                matches!(r, QueueRow::Conversation(_)),
                r.id(),
            )
        })
        .collect()
}

#[test]
fn each_view_holds_its_tickets_and_conversations_most_recent_first_page_by_page() {
    let (dir, store, me, team) = setup();
    let views = [
        View::All,
        View::Mine,
        View::Unassigned,
        View::Team { team_id: team },
    ];
    for view in &views {
        for open in [None, Some(true), Some(false)] {
            let want = expected(&store, me, view, open);
            for size in [7, 50, 500] {
                let (rows, page) = whole(&store, view, open, false, size);
                assert_eq!(keys(&rows), want, "{view:?} open {open:?} pages of {size}");
                let conversations = rows
                    .iter()
                    .filter(|r| matches!(r, QueueRow::Conversation(_)))
                    .count();
                assert_eq!(page.conversations as usize, conversations);
            }
        }
    }
    // Mine holds both kinds, so the merge is really tested.
    let (mine, _) = whole(&store, &View::Mine, Some(true), false, 500);
    assert!(mine.iter().any(|r| matches!(r, QueueRow::Ticket(_))));
    assert!(mine.iter().any(|r| matches!(r, QueueRow::Conversation(_))));
    // The snoozed one is out of the open queue, in everything.
    let (everything, _) = whole(&store, &View::Mine, None, false, 500);
    assert!(everything.iter().any(|r| matches!(
        r,
        QueueRow::Conversation(c) if c.conversation.snoozed_until.is_some()
    )));
    assert!(!mine.iter().any(|r| matches!(
        r,
        QueueRow::Conversation(c) if c.conversation.snoozed_until.is_some_and(|u| u > NOW)
    )));

    // The same from the file, reopened.
    drop(store);
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let (again, _) = whole(&store, &View::Mine, Some(true), false, 13);
    assert_eq!(keys(&again), keys(&mine));
}

#[test]
fn an_offset_past_the_end_is_an_empty_page_with_the_totals() {
    let (_dir, store, _, _) = setup();
    let page = store
        .list_queue(
            &QueueQuery {
                view: View::All,
                open: None,
                unread: false,
                offset: 100_000,
                limit: 100,
            },
            NOW,
        )
        .unwrap();
    assert!(page.rows.is_empty());
    assert_eq!(page.tickets, store.view_counts().unwrap().all);
    assert_eq!(
        page.conversations,
        store.conversations().unwrap().len() as i64
    );
}

#[test]
fn the_unread_filter_keeps_exactly_the_unread_rows() {
    let (_dir, mut store, me, _) = setup();
    let other = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.id != me && t.active)
        .unwrap()
        .id;
    // Read everything of mine, then someone else writes on one ticket and one conversation.
    let (mine, _) = whole(&store, &View::Mine, Some(true), false, 500);
    for row in &mine {
        let mutation = match row {
            QueueRow::Ticket(t) => Mutation::MarkRead { ticket: t.id },
            QueueRow::Conversation(c) => Mutation::MarkConversationRead {
                conversation: c.conversation.id,
            },
        };
        run(&mut store, mutation, Author::Teammate(me), NOW - HOUR / 2);
    }
    let (read, _) = whole(&store, &View::Mine, Some(true), true, 500);
    assert!(read.is_empty(), "{read:?}");
    let ticket = mine
        .iter()
        .find_map(|r| match r {
            QueueRow::Ticket(t) => Some(t.id),
            _ => None,
        })
        .unwrap();
    let conversation = mine
        .iter()
        .find_map(|r| match r {
            QueueRow::Conversation(c) => Some(c.conversation.id),
            _ => None,
        })
        .unwrap();
    run(
        &mut store,
        Mutation::Note {
            attachments: Vec::new(),
            ticket,
            body: "Checked the logs".into(),
            keep_private: false,
        },
        Author::Teammate(other),
        NOW - HOUR / 4,
    );
    run(
        &mut store,
        Mutation::ConversationNote {
            attachments: Vec::new(),
            conversation,
            body: "Customer called too".into(),
        },
        Author::Teammate(other),
        NOW - HOUR / 4 + 1,
    );
    let (unread, page) = whole(&store, &View::Mine, Some(true), true, 500);
    assert_eq!(
        (page.tickets, page.conversations),
        (1, 1),
        "{:?}",
        keys(&unread)
    );
    // The conversation came last, so it is first.
    assert_eq!(
        keys(&unread).into_iter().map(|k| k.2).collect::<Vec<_>>(),
        [conversation.to_string(), ticket.to_string()]
    );
    let (all_rows, _) = whole(&store, &View::Mine, Some(true), false, 500);
    let marked: Vec<_> = all_rows
        .iter()
        .filter(|r| match r {
            QueueRow::Ticket(t) => t.unread,
            QueueRow::Conversation(c) => c.unread,
        })
        .cloned()
        .collect();
    assert_eq!(keys(&marked), keys(&unread));
}
