//! Mutations applied to a real database file: one transaction each, however many tickets a
//! tracker carries along.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{Store, DATABASE_FILE};

const NOW: i64 = 1_790_000_000_000;
const LINKED: usize = 10_000;

struct Setup {
    dir: tempfile::TempDir,
    store: Store,
    tracker: Ticket,
    target: StateId,
    me: Author,
}

/// A demo workspace plus a tracker with `LINKED` customer tickets linked to it.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let tracker = store
        .seed_demo(DemoOptions::new(40, NOW).with_big_tracker(LINKED))
        .unwrap()
        .big_tracker
        .unwrap();
    let tracker = store.ticket(tracker).unwrap();
    let target = store
        .states()
        .unwrap()
        .iter()
        .find(|s| s.category == StateCategory::InProgress)
        .unwrap()
        .id;
    let me = Author::Teammate(store.me().unwrap().id);
    Setup {
        dir,
        store,
        tracker,
        target,
        me,
    }
}

fn linked_states(store: &Store, tracker: TicketId) -> Vec<StateId> {
    let detail = store.ticket_detail(tracker).unwrap();
    let states = store.states().unwrap();
    detail
        .linked_tickets
        .iter()
        .map(|l| {
            states
                .iter()
                .find(|s| s.internal_label == l.state_label)
                .unwrap()
                .id
        })
        .collect()
}

fn random() -> impl FnMut() -> u128 {
    let mut n = 1u128 << 100;
    move || {
        n += 1;
        n
    }
}

#[test]
fn a_tracker_state_change_moves_ten_thousand_linked_tickets_and_survives_a_reopen() {
    let Setup {
        dir,
        mut store,
        tracker,
        target,
        me,
    } = setup();
    let out = store
        .apply(
            &Mutation::SetState {
                ticket: tracker.id,
                state: target,
            },
            me,
            NOW + 1,
            &mut random(),
        )
        .unwrap();
    let propagated = out
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::StatePropagated { .. }))
        .count();
    assert_eq!(propagated, LINKED);
    let notified = out
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::Customer(CustomerEvent::StateChanged { .. })))
        .count();
    assert_eq!(
        notified, LINKED,
        "every linked customer ticket's customer is told; the tracker's is not"
    );
    drop(store);

    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let states = linked_states(&store, tracker.id);
    assert_eq!(states.len(), LINKED);
    assert!(states.iter().all(|s| *s == target));
    assert_eq!(store.ticket(tracker.id).unwrap().state_id, target);
    let some_linked = store.ticket_detail(tracker.id).unwrap().linked_tickets[0].id;
    let timeline = store.timeline(some_linked).unwrap();
    let kinds: Vec<&PartKind> = timeline.iter().rev().take(2).map(|p| &p.kind).collect();
    assert!(matches!(kinds[1], PartKind::StateChanged { to, .. } if *to == target));
    assert!(
        matches!(kinds[0], PartKind::CustomersNotified { contacts, email: Some(_), .. } if contacts.len() == 1),
        "the timeline records what the customer was planned to get"
    );
    let tracker_timeline = store.timeline(tracker.id).unwrap();
    assert!(
        !tracker_timeline
            .iter()
            .any(|p| matches!(p.kind, PartKind::CustomersNotified { .. })),
        "the tracker itself notifies nobody"
    );
}

#[test]
fn a_propagation_that_fails_midway_changes_nothing() {
    let Setup {
        dir,
        mut store,
        tracker,
        target,
        me,
    } = setup();
    let before = linked_states(&store, tracker.id);
    let parts_before: i64 = count_parts(&dir);
    // A real failure inside SQLite, half way through the linked tickets.
    let victim = store.ticket_detail(tracker.id).unwrap().linked_tickets[LINKED / 2].id;
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute_batch(&format!(
        "CREATE TRIGGER fail_midway BEFORE UPDATE OF state_id ON tickets WHEN NEW.id = '{victim}'
         BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;"
    ))
    .unwrap();

    let err = store
        .apply(
            &Mutation::SetState {
                ticket: tracker.id,
                state: target,
            },
            me,
            NOW + 1,
            &mut random(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "storage_error");
    assert_eq!(
        linked_states(&store, tracker.id),
        before,
        "no linked ticket moved"
    );
    assert_eq!(
        store.ticket(tracker.id).unwrap().state_id,
        tracker.state_id,
        "nor the tracker"
    );
    assert_eq!(
        count_parts(&dir),
        parts_before,
        "no timeline entry was kept"
    );

    conn.execute_batch("DROP TRIGGER fail_midway").unwrap();
    store
        .apply(
            &Mutation::SetState {
                ticket: tracker.id,
                state: target,
            },
            me,
            NOW + 2,
            &mut random(),
        )
        .unwrap();
    assert!(linked_states(&store, tracker.id)
        .iter()
        .all(|s| *s == target));
}

#[test]
fn refused_mutations_write_nothing() {
    let Setup {
        dir,
        mut store,
        tracker,
        me,
        ..
    } = setup();
    let parts_before = count_parts(&dir);
    let err = store
        .apply(
            &Mutation::SetShared {
                ticket: tracker.id,
                shared: true,
            },
            me,
            NOW,
            &mut random(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "tracker_cannot_be_shared");
    assert_eq!(
        err.to_string(),
        CoreError::TrackerCannotBeShared.to_string()
    );
    assert!(!store.ticket(tracker.id).unwrap().shared);
    assert_eq!(count_parts(&dir), parts_before);
}

fn count_parts(dir: &tempfile::TempDir) -> i64 {
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    conn.query_row("SELECT COUNT(*) FROM parts", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn converting_a_conversation_links_both_and_a_second_shared_ticket_is_refused() {
    let Setup {
        dir, mut store, me, ..
    } = setup();
    let conversation = store
        .conversations()
        .unwrap()
        .into_iter()
        .find(|c| c.linked_ticket.is_none())
        .unwrap();
    let bug_report = store
        .ticket_types()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Bug report")
        .unwrap();
    let request = |n: u128| {
        let mut fields = NewTicket::default();
        fields
            .attributes
            .insert("title".into(), serde_json::json!(format!("From chat {n}")));
        fields
            .attributes
            .insert("severity".into(), serde_json::json!("Low"));
        CreateTicket {
            contacts: vec![conversation.contact],
            ..CreateTicket::new(TicketId::from_parts(NOW as u64, n), bug_report.id, fields)
        }
    };
    let convert = |n| Mutation::ConvertConversation {
        conversation: conversation.id,
        ticket: request(n),
    };
    store.apply(&convert(1), me, NOW, &mut random()).unwrap();
    let err = store
        .apply(&convert(2), me, NOW, &mut random())
        .unwrap_err();
    assert_eq!(err.code(), "conversation_already_linked");
    drop(store);

    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let ticket_id = TicketId::from_parts(NOW as u64, 1);
    assert_eq!(
        store.conversation(conversation.id).unwrap().linked_ticket,
        Some(ticket_id)
    );
    let ticket = store.ticket(ticket_id).unwrap();
    assert_eq!(
        (ticket.conversation, ticket.shared),
        (Some(conversation.id), true)
    );
    assert!(
        store.ticket(TicketId::from_parts(NOW as u64, 2)).is_err(),
        "the refused ticket was not kept"
    );
}

#[test]
fn attribute_updates_and_reads_are_persisted() {
    let Setup {
        dir,
        mut store,
        tracker,
        me,
        ..
    } = setup();
    let attributes = [(
        "title".to_owned(),
        serde_json::json!("Exports time out above 1 GB"),
    )]
    .into_iter()
    .collect();
    store
        .apply(
            &Mutation::UpdateAttributes {
                ticket: tracker.id,
                attributes,
            },
            me,
            NOW + 5,
            &mut random(),
        )
        .unwrap();
    store
        .apply(
            &Mutation::MarkRead { ticket: tracker.id },
            me,
            NOW + 6,
            &mut random(),
        )
        .unwrap();
    drop(store);

    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let ticket = store.ticket(tracker.id).unwrap();
    assert_eq!(ticket.title, "Exports time out above 1 GB");
    assert_eq!(ticket.last_activity_at, NOW + 5);
    let Author::Teammate(teammate) = me else {
        unreachable!()
    };
    assert_eq!(store.read_at(tracker.id, teammate).unwrap(), Some(NOW + 6));
    assert!(matches!(
        store.timeline(tracker.id).unwrap().last().unwrap().kind,
        PartKind::AttributeChanged { .. }
    ));
    let rows = store
        .list_tickets(&inbox_store::InboxQuery {
            filters: Default::default(),
            view: inbox_store::View::All,
            sort: inbox_store::Sort::LastActivity,
            offset: 0,
            limit: 1,
        })
        .unwrap();
    assert_eq!(
        rows.rows[0].title, "Exports time out above 1 GB",
        "the list shows the new title"
    );
}

#[test]
fn conversations_list_their_shared_and_back_office_tickets() {
    let Setup { store, .. } = setup();
    let rows = store.conversation_rows(500).unwrap();
    assert_eq!(rows.len(), store.conversations().unwrap().len());
    assert!(rows
        .windows(2)
        .all(|w| w[0].conversation.last_activity_at >= w[1].conversation.last_activity_at));
    for row in &rows {
        assert_eq!(
            row.linked_ticket.as_ref().map(|t| t.id),
            row.conversation.linked_ticket
        );
        assert_eq!(
            row.contact_name,
            store.contact(row.conversation.contact).unwrap().name
        );
    }
    assert!(
        rows.iter().any(|r| r.linked_ticket.is_some()),
        "the demo links some conversations"
    );
}

#[test]
fn a_back_office_note_is_cross_posted_to_the_conversation_it_came_from() {
    let Setup {
        dir, mut store, me, ..
    } = setup();
    let conversation = store.conversations().unwrap()[0].clone();
    // The demo conversation's own exchange comes first.
    let before = store.conversation_timeline(conversation.id).unwrap().len();
    assert!(before > 0, "demo conversations have messages");
    let billing = store
        .ticket_types()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Billing investigation")
        .unwrap();
    let mut fields = NewTicket::default();
    fields
        .attributes
        .insert("title".into(), serde_json::json!("Check the invoice"));
    fields
        .attributes
        .insert("invoice".into(), serde_json::json!(2291));
    let id = TicketId::from_parts(NOW as u64, 77);
    let req = CreateTicket {
        conversation: Some(conversation.id),
        ..CreateTicket::new(id, billing.id, fields)
    };
    store
        .apply(&Mutation::CreateTicket(req), me, NOW + 1, &mut random())
        .unwrap();
    let note = Mutation::Note {
        attachments: Vec::new(),
        ticket: id,
        body: "Invoice was paid twice".into(),
        keep_private: false,
    };
    store.apply(&note, me, NOW + 2, &mut random()).unwrap();
    drop(store);

    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let timeline = store.conversation_timeline(conversation.id).unwrap();
    let added = &timeline[before..];
    let kinds: Vec<&str> = added.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["link_changed", "cross_post"]);
    assert!(added
        .iter()
        .all(|e| e.author_name == store.me().unwrap().name));
    assert_eq!(
        store
            .conversation(conversation.id)
            .unwrap()
            .last_activity_at,
        NOW + 2
    );
}

#[test]
fn the_preview_of_a_tracker_change_is_what_delivery_will_send_and_writes_nothing() {
    let Setup {
        dir,
        store,
        tracker,
        target,
        me,
        ..
    } = setup();
    let parts_before = count_parts(&dir);
    let preview = store
        .preview(
            &Mutation::SetState {
                ticket: tracker.id,
                state: target,
            },
            me,
            NOW + 1,
        )
        .unwrap();
    assert_eq!(
        preview.deliveries.len(),
        LINKED,
        "one per linked ticket's customer; none for the tracker"
    );
    assert_eq!(preview.tickets_affected, LINKED);
    let label = store
        .states()
        .unwrap()
        .into_iter()
        .find(|s| s.id == target)
        .unwrap()
        .customer_label;
    let first = &preview.deliveries[0];
    let email = first.email.as_ref().unwrap();
    assert!(
        email.subject.ends_with(&format!("is now {label}")),
        "{}",
        email.subject
    );
    assert_eq!(email.to, first.contact.email);
    assert!(
        email.reply_to.starts_with("reply+")
            && email.reply_to.ends_with(inbox_store::INBOUND_EMAIL_DOMAIN)
    );
    assert_eq!(count_parts(&dir), parts_before, "a preview writes nothing");
    assert_eq!(store.ticket(tracker.id).unwrap().state_id, tracker.state_id);

    // Each customer's Messenger after the change: the badges, the ticket under its new label
    // in their Tickets space, and the one new entry of its thread.
    let messenger = first
        .messenger
        .as_ref()
        .expect("the first deliveries show the Messenger");
    assert_eq!(messenger.badges.messenger, 1);
    assert_eq!(
        messenger.badges.tickets_space, 1,
        "a state change badges the Tickets space"
    );
    let ticket = first.ticket.as_ref().unwrap();
    let listed = messenger.tickets_space.as_ref().unwrap();
    let entry = listed.iter().find(|t| t.id == ticket.id).unwrap();
    assert_eq!(entry.state_label, label);
    assert!(messenger.recent_tickets.len() <= inbox_core::messenger::RECENT_TICKETS);
    assert_eq!(
        messenger
            .entries
            .iter()
            .map(|e| &e.kind)
            .collect::<Vec<_>>(),
        [&inbox_core::messenger::CustomerEntryKind::StateChanged {
            label: label.clone()
        }]
    );
    let shown = preview
        .deliveries
        .iter()
        .filter(|d| d.messenger.is_some())
        .count();
    assert_eq!(shown, LINKED.min(inbox_core::notify::MESSENGER_PREVIEWS));

    let internal = store
        .preview(
            &Mutation::Note {
                attachments: Vec::new(),
                ticket: tracker.id,
                body: "x".into(),
                keep_private: false,
            },
            me,
            NOW,
        )
        .unwrap();
    assert!(
        internal.deliveries.is_empty(),
        "internal: no customer is notified"
    );
}

#[test]
fn the_reply_email_delay_is_a_validated_setting() {
    let Setup { dir, store, .. } = setup();
    assert_eq!(
        store.notification_settings().unwrap().reply_email_delay,
        3 * 60_000
    );
    store.set_reply_email_delay(5 * 60_000).unwrap();
    assert_eq!(
        store.set_reply_email_delay(-1).unwrap_err().code(),
        "invalid_reply_email_delay"
    );
    assert_eq!(
        store
            .set_reply_email_delay(25 * 3_600_000)
            .unwrap_err()
            .code(),
        "invalid_reply_email_delay"
    );
    drop(store);
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    assert_eq!(
        store.notification_settings().unwrap().reply_email_delay,
        5 * 60_000
    );
}

#[test]
fn my_own_customer_facing_actions_leave_my_ticket_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(40, NOW)).unwrap();
    let me = store.me().unwrap().id;
    let mine = store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| store.ticket(id).unwrap())
        .find(|t| t.open && t.category == Category::Customer && !t.contacts.is_empty())
        .expect("the demo has open customer tickets");
    let later = NOW + 86_400_000;
    let act = |store: &mut Store, mutation: Mutation, at| {
        store
            .apply(&mutation, Author::Teammate(me), at, &mut random())
            .unwrap()
    };
    act(
        &mut store,
        Mutation::Assign {
            ticket: mine.id,
            teammate: Some(me),
            team: mine.assignee_team,
        },
        later - 1,
    );
    act(&mut store, Mutation::MarkRead { ticket: mine.id }, later);
    let read = store.unread_count().unwrap();
    let ticket_type = store.ticket_type(mine.type_id).unwrap();
    let states = store.states().unwrap();
    let other_state = ticket_type
        .states
        .iter()
        .copied()
        .find(|s| {
            *s != mine.state_id
                && states
                    .iter()
                    .any(|x| x.id == *s && x.category == inbox_core::StateCategory::InProgress)
        })
        .or_else(|| {
            ticket_type
                .states
                .iter()
                .copied()
                .find(|s| *s != mine.state_id)
        })
        .unwrap();
    let outcome = act(
        &mut store,
        Mutation::Reply {
            attachments: Vec::new(),
            ticket: mine.id,
            body: "We are on it.".into(),
        },
        later + 1,
    );
    act(
        &mut store,
        Mutation::SetState {
            ticket: mine.id,
            state: other_state,
        },
        later + 2,
    );
    let notified = store
        .timeline(mine.id)
        .unwrap()
        .iter()
        .filter(|p| p.kind.as_str() == "customers_notified" && p.created_at > later)
        .count();
    assert!(
        notified > 0,
        "the customer was notified (a system part records it): {outcome:?}"
    );
    assert!(
        !store.is_unread(mine.id).unwrap(),
        "my reply and state change, and the record of whom they notified, are not news to me"
    );
    assert_eq!(store.unread_count().unwrap(), read);
}

#[test]
fn a_ticket_is_unread_when_someone_else_added_to_it_since_i_last_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(40, NOW)).unwrap();
    let me = store.me().unwrap().id;
    let other = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.id != me)
        .unwrap()
        .id;
    let mine = store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| store.ticket(id).unwrap())
        .find(|t| t.open && t.assignee_teammate == Some(me))
        .expect("the demo assigns open tickets to its admin");
    let later = NOW + 86_400_000;
    let before = store.unread_count().unwrap();
    let note = |text: &str| Mutation::Note {
        attachments: Vec::new(),
        ticket: mine.id,
        body: text.to_owned(),
        keep_private: false,
    };
    store
        .apply(
            &Mutation::MarkRead { ticket: mine.id },
            Author::Teammate(me),
            later,
            &mut random(),
        )
        .unwrap();
    assert!(!store.is_unread(mine.id).unwrap());
    let read = store.unread_count().unwrap();
    assert!(read == before || read == before - 1);

    store
        .apply(
            &note("Looking into it"),
            Author::Teammate(me),
            later + 1,
            &mut random(),
        )
        .unwrap();
    assert!(
        !store.is_unread(mine.id).unwrap(),
        "my own note is not news to me"
    );

    store
        .apply(
            &note("Any update, @me?"),
            Author::Teammate(other),
            later + 2,
            &mut random(),
        )
        .unwrap();
    assert!(store.is_unread(mine.id).unwrap());
    assert_eq!(store.unread_count().unwrap(), read + 1);

    store
        .apply(
            &Mutation::MarkRead { ticket: mine.id },
            Author::Teammate(me),
            later + 3,
            &mut random(),
        )
        .unwrap();
    assert_eq!(store.unread_count().unwrap(), read);
}

#[test]
fn a_reply_and_a_note_keep_their_files_across_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let mut store = Store::open(&path).unwrap();
    store.seed_demo(DemoOptions::new(20, NOW)).unwrap();
    let me = Author::Teammate(store.me().unwrap().id);
    let ticket = store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| store.ticket(id).unwrap())
        .find(|t| t.category == Category::Customer)
        .unwrap();
    let shot = AttachmentId::from_parts(1, 1);
    let log = AttachmentId::from_parts(1, 2);
    let mut ids = random();
    for mutation in [
        Mutation::Reply {
            ticket: ticket.id,
            body: "Here is the fix".into(),
            attachments: vec![shot],
        },
        Mutation::Note {
            ticket: ticket.id,
            body: "Logs".into(),
            keep_private: true,
            attachments: vec![log, shot],
        },
    ] {
        store.apply(&mutation, me, NOW + 1, &mut ids).unwrap();
    }
    drop(store);
    let store = Store::open(&path).unwrap();
    let files: Vec<Vec<AttachmentId>> = store
        .timeline(ticket.id)
        .unwrap()
        .into_iter()
        .filter(|p| matches!(p.kind, PartKind::Reply { .. } | PartKind::Note { .. }))
        .filter(|p| p.created_at == NOW + 1)
        .map(|p| p.attachments)
        .collect();
    assert_eq!(files, [vec![shot], vec![log, shot]]);
}
