//! Conversations as the app lists and shows them, in a real database file: the views (mine,
//! unassigned, a team's, all) by status (open, snoozed, closed), their counts, unread marks,
//! one conversation's detail, search over their messages, and the desktop alerts a pulled
//! customer message raises.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{
    ConversationAlertKind, ConversationQuery, ConversationRow, ConversationSearchField,
    ConversationSearchQuery, ConversationStatus, Store, View, DATABASE_FILE,
};
use inbox_sync::{ChangeSet, Cursor, Record, Replica};

const NOW: i64 = 1_790_000_000_000;
const HOUR: i64 = 3_600_000;

struct Setup {
    dir: tempfile::TempDir,
    store: Store,
    me: TeammateId,
    other: TeammateId,
    team: TeamId,
    contact: Contact,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(40, NOW)).unwrap();
    let me = store.me().unwrap().id;
    let other = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.id != me && t.active)
        .unwrap()
        .id;
    let team = store.teams().unwrap()[0].id;
    let contact = store.contacts().unwrap().remove(0);
    Setup {
        dir,
        store,
        me,
        other,
        team,
        contact,
    }
}

/// Random bits for new ids, never twice the same in a test run.
fn random() -> impl FnMut() -> u128 {
    || (1u128 << 101) + rand_bits()
}

fn new_id() -> ConversationId {
    ConversationId::from_parts(NOW as u64, rand_bits())
}

fn rand_bits() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    u128::from(NEXT.fetch_add(1, Ordering::SeqCst)) << 40
}

impl Setup {
    /// A conversation the contact starts at `at`.
    fn start(&mut self, body: &str, channel: MessageChannel, at: Millis) -> ConversationId {
        let id = new_id();
        self.store
            .apply(
                &Mutation::StartConversation(StartConversation {
                    id,
                    contact: self.contact.id,
                    subject: String::new(),
                    body: body.into(),
                    channel,
                }),
                Author::Contact(self.contact.id),
                at,
                &mut random(),
            )
            .unwrap();
        id
    }

    fn run(&mut self, mutation: Mutation, actor: Author, at: Millis) {
        self.store
            .apply(&mutation, actor, at, &mut random())
            .unwrap();
    }

    fn list(&self, view: View, status: ConversationStatus, now: Millis) -> Vec<ConversationRow> {
        let page = self
            .store
            .list_conversations(
                &ConversationQuery {
                    view,
                    status,
                    unread: false,
                    offset: 0,
                    limit: 500,
                },
                now,
            )
            .unwrap();
        assert_eq!(page.total as usize, page.rows.len());
        page.rows
    }
}

fn ids(rows: &[ConversationRow]) -> Vec<ConversationId> {
    rows.iter().map(|r| r.conversation.id).collect()
}

/// What a view holds at `now`, worked out from every conversation directly.
fn expected(
    store: &Store,
    me: TeammateId,
    view: &View,
    status: ConversationStatus,
    now: Millis,
) -> Vec<ConversationId> {
    let mut all = store.conversations().unwrap();
    all.sort_by(|a, b| {
        b.last_activity_at
            .cmp(&a.last_activity_at)
            .then(b.id.cmp(&a.id))
    });
    all.into_iter()
        .filter(|c| match view {
            View::All => true,
            View::Mine => c.assignee_teammate == Some(me),
            View::Unassigned => c.assignee_teammate.is_none() && c.assignee_team.is_none(),
            View::Team { team_id } => c.assignee_team == Some(*team_id),
            _ => false,
        })
        .filter(|c| match status {
            ConversationStatus::Open => c.is_active(now),
            ConversationStatus::Snoozed => c.open && !c.is_active(now),
            ConversationStatus::Closed => !c.open,
            ConversationStatus::All => true,
        })
        .map(|c| c.id)
        .collect()
}

#[test]
fn views_by_status_hold_exactly_their_conversations_and_counts_agree() {
    let mut s = setup();
    let (me, team) = (s.me, s.team);
    let at = NOW + HOUR;
    let mine = s.start("My order never arrived", MessageChannel::Messenger, at);
    let snoozed = s.start("Can I change my plan?", MessageChannel::Email, at + 1);
    let teams = s.start("Invoice question", MessageChannel::Email, at + 2);
    let closed = s.start("Thanks for the help", MessageChannel::Messenger, at + 3);
    let unassigned = s.start("Hello?", MessageChannel::Messenger, at + 4);
    let t = Author::Teammate(me);
    for id in [mine, snoozed, closed] {
        s.run(
            Mutation::AssignConversation {
                conversation: id,
                teammate: Some(me),
                team: None,
            },
            t,
            at + 10,
        );
    }
    s.run(
        Mutation::AssignConversation {
            conversation: teams,
            teammate: None,
            team: Some(team),
        },
        t,
        at + 11,
    );
    s.run(
        Mutation::SnoozeConversation {
            conversation: snoozed,
            until: at + 2 * HOUR,
        },
        t,
        at + 12,
    );
    s.run(
        Mutation::CloseConversation {
            conversation: closed,
        },
        t,
        at + 13,
    );

    let now = at + HOUR;
    let views = [
        View::All,
        View::Mine,
        View::Unassigned,
        View::Team { team_id: team },
    ];
    let statuses = [
        ConversationStatus::Open,
        ConversationStatus::Snoozed,
        ConversationStatus::Closed,
        ConversationStatus::All,
    ];
    for view in &views {
        for status in statuses {
            assert_eq!(
                ids(&s.list(view.clone(), status, now)),
                expected(&s.store, me, view, status, now),
                "{view:?} {status:?}"
            );
        }
    }
    let open_mine = ids(&s.list(View::Mine, ConversationStatus::Open, now));
    assert!(open_mine.contains(&mine));
    assert!(!open_mine.contains(&snoozed), "snoozed is not open");
    assert!(!open_mine.contains(&closed));
    assert_eq!(
        ids(&s.list(View::Mine, ConversationStatus::Snoozed, now)),
        [snoozed]
    );
    assert!(ids(&s.list(View::Unassigned, ConversationStatus::Open, now)).contains(&unassigned));
    assert!(
        s.list(
            View::Category {
                category: Category::Customer
            },
            ConversationStatus::All,
            now
        )
        .is_empty(),
        "a ticket category holds no conversation"
    );

    let counts = s.store.conversation_counts(now).unwrap();
    let open = ConversationStatus::Open;
    assert_eq!(
        counts.all as usize,
        expected(&s.store, me, &View::All, open, now).len()
    );
    assert_eq!(
        counts.mine as usize,
        expected(&s.store, me, &View::Mine, open, now).len()
    );
    assert_eq!(
        counts.unassigned as usize,
        expected(&s.store, me, &View::Unassigned, open, now).len()
    );
    for t in s.store.teams().unwrap() {
        let view = View::Team { team_id: t.id };
        assert_eq!(
            counts.by_team[&t.id] as usize,
            expected(&s.store, me, &view, open, now).len(),
            "{}",
            t.name
        );
    }
    assert_eq!(counts.mine_snoozed, 1);

    // Its time come, the snoozed conversation is back in the open views, without a write.
    let later = at + 3 * HOUR;
    assert!(ids(&s.list(View::Mine, ConversationStatus::Open, later)).contains(&snoozed));
    assert_eq!(
        s.store.conversation_counts(later).unwrap().mine,
        counts.mine + 1
    );

    // Rows name the assignee and team and show the last message.
    let row = s
        .list(View::Team { team_id: team }, ConversationStatus::Open, now)
        .into_iter()
        .find(|r| r.conversation.id == teams)
        .unwrap();
    assert_eq!(
        row.team_name.as_deref(),
        Some(s.store.teams().unwrap()[0].name.as_str())
    );
    assert_eq!(row.contact_name, s.contact.name);
    let last = row.last_message.unwrap();
    assert_eq!(
        (last.text.as_str(), last.from_customer, last.internal),
        ("Invoice question", true, false)
    );
}

#[test]
fn a_conversation_is_unread_when_someone_else_wrote_since_i_last_read_it() {
    let mut s = setup();
    let (me, other) = (s.me, s.other);
    let at = NOW + HOUR;
    let id = s.start("Where is my refund?", MessageChannel::Messenger, at);
    s.run(
        Mutation::AssignConversation {
            conversation: id,
            teammate: Some(me),
            team: None,
        },
        Author::Teammate(me),
        at + 1,
    );
    let unread_count = |s: &Setup| s.store.unread_conversation_count(at + HOUR).unwrap();
    assert!(s.store.is_conversation_unread(id).unwrap());
    let before = unread_count(&s);
    s.run(
        Mutation::MarkConversationRead { conversation: id },
        Author::Teammate(me),
        at + 2,
    );
    assert!(!s.store.is_conversation_unread(id).unwrap());
    assert_eq!(unread_count(&s), before - 1);

    s.run(
        Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation: id,
            body: "Looking into it".into(),
            channel: MessageChannel::Messenger,
        },
        Author::Teammate(me),
        at + 3,
    );
    assert!(
        !s.store.is_conversation_unread(id).unwrap(),
        "my own reply is no news to me"
    );
    s.run(
        Mutation::ConversationNote {
            attachments: Vec::new(),
            conversation: id,
            body: "Refund was issued yesterday".into(),
        },
        Author::Teammate(other),
        at + 4,
    );
    assert!(s.store.is_conversation_unread(id).unwrap());
    s.run(
        Mutation::MarkConversationRead { conversation: id },
        Author::Teammate(me),
        at + 5,
    );
    s.run(
        Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation: id,
            body: "Still nothing here".into(),
            channel: MessageChannel::Messenger,
        },
        Author::Contact(s.contact.id),
        at + 6,
    );
    assert!(s.store.is_conversation_unread(id).unwrap());
    let unread_only = s
        .store
        .list_conversations(
            &ConversationQuery {
                view: View::Mine,
                status: ConversationStatus::Open,
                unread: true,
                offset: 0,
                limit: 100,
            },
            at + HOUR,
        )
        .unwrap();
    assert!(unread_only.rows.iter().all(|r| r.unread));
    assert!(ids(&unread_only.rows).contains(&id));
    assert_eq!(unread_only.total, unread_count(&s));

    // The mark is the file's: a reopened store agrees.
    let dir = s.dir;
    drop(s.store);
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    assert!(store.is_conversation_unread(id).unwrap());
}

#[test]
fn the_detail_names_authors_channels_assignees_and_tickets() {
    let mut s = setup();
    let (me, team) = (s.me, s.team);
    let at = NOW + HOUR;
    let id = s.start("My export fails", MessageChannel::Email, at);
    let t = Author::Teammate(me);
    s.run(
        Mutation::AssignConversation {
            conversation: id,
            teammate: Some(me),
            team: Some(team),
        },
        t,
        at + 1,
    );
    s.run(
        Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation: id,
            body: "Which file?".into(),
            channel: MessageChannel::Email,
        },
        t,
        at + 2,
    );
    s.run(
        Mutation::ConversationNote {
            attachments: Vec::new(),
            conversation: id,
            body: "Probably the 1 GB limit".into(),
        },
        t,
        at + 3,
    );
    s.run(
        Mutation::SnoozeConversation {
            conversation: id,
            until: at + 5 * HOUR,
        },
        t,
        at + 4,
    );
    let detail = s.store.conversation_detail(id).unwrap();
    assert_eq!(detail.contact.id, s.contact.id);
    assert_eq!(detail.assignee.as_ref().map(|a| a.id), Some(me));
    assert_eq!(detail.team.as_ref().map(|t| t.id), Some(team));
    assert_eq!(detail.conversation.snoozed_until, Some(at + 5 * HOUR));
    let me_name = s.store.me().unwrap().name;
    let entries: Vec<(&str, &str, Option<MessageChannel>)> = detail
        .timeline
        .iter()
        .map(|e| (e.kind.as_str(), e.author_name.as_str(), e.channel))
        .collect();
    assert_eq!(
        entries,
        [
            (
                "reply",
                s.contact.name.as_str(),
                Some(MessageChannel::Email)
            ),
            ("assignment_changed", me_name.as_str(), None),
            ("reply", me_name.as_str(), Some(MessageChannel::Email)),
            ("note", me_name.as_str(), None),
            ("snoozed", me_name.as_str(), None),
        ]
    );

    // Converted, and with a back-office ticket raised from it.
    let type_named = |name: &str| {
        s.store
            .ticket_types()
            .unwrap()
            .into_iter()
            .find(|t| t.name == name)
            .unwrap()
            .id
    };
    let request = |type_id: TicketTypeId, n: u128, extra: (&str, serde_json::Value)| {
        let mut fields = NewTicket::default();
        fields
            .attributes
            .insert("title".into(), serde_json::json!(format!("From chat {n}")));
        fields.attributes.insert(extra.0.into(), extra.1);
        CreateTicket {
            contacts: vec![s.contact.id],
            ..CreateTicket::new(TicketId::from_parts(NOW as u64, n << 40), type_id, fields)
        }
    };
    let shared = request(type_named("Bug report"), 1, ("severity", "Low".into()));
    let shared_id = shared.id;
    let back_office = CreateTicket {
        conversation: Some(id),
        ..request(
            type_named("Billing investigation"),
            2,
            ("invoice", 2291.into()),
        )
    };
    let back_office_id = back_office.id;
    s.run(
        Mutation::ConvertConversation {
            conversation: id,
            ticket: shared,
        },
        t,
        at + 5,
    );
    s.run(Mutation::CreateTicket(back_office), t, at + 6);
    let detail = s.store.conversation_detail(id).unwrap();
    assert_eq!(detail.linked_ticket.map(|l| l.id), Some(shared_id));
    assert_eq!(
        detail
            .back_office_tickets
            .iter()
            .map(|b| b.id)
            .collect::<Vec<_>>(),
        [back_office_id]
    );
}

#[test]
fn search_finds_conversations_by_their_messages_and_notes() {
    let mut s = setup();
    let me = s.me;
    let at = NOW + HOUR;
    let id = s.start(
        "Hello, the zephyrine widget broke after the update",
        MessageChannel::Messenger,
        at,
    );
    s.run(
        Mutation::ConversationNote {
            attachments: Vec::new(),
            conversation: id,
            body: "Escalate to the quokkas team".into(),
        },
        Author::Teammate(me),
        at + 1,
    );
    let search = |store: &Store, text: &str, status: ConversationStatus| {
        store
            .search_conversations(
                &ConversationSearchQuery {
                    text: text.into(),
                    view: View::All,
                    status,
                    unread: false,
                    limit: 20,
                    offset: 0,
                },
                at + HOUR,
            )
            .unwrap()
    };
    let page = search(&s.store, "zephyr", ConversationStatus::Open);
    assert_eq!(page.total, 1);
    let hit = &page.hits[0];
    assert_eq!(hit.row.conversation.id, id);
    assert!(
        hit.snippet.contains(&format!(
            "{}zephyrine{}",
            inbox_store::MATCH_START,
            inbox_store::MATCH_END
        )),
        "{}",
        hit.snippet
    );
    let page = search(&s.store, "quokkas", ConversationStatus::Open);
    assert_eq!(
        (page.total, page.hits[0].field),
        (1, ConversationSearchField::Note)
    );
    assert_eq!(search(&s.store, "   ", ConversationStatus::All).total, 0);

    // Closed, it is only found among closed ones.
    s.run(
        Mutation::CloseConversation { conversation: id },
        Author::Teammate(me),
        at + 2,
    );
    assert_eq!(
        search(&s.store, "zephyrine", ConversationStatus::Open).total,
        0
    );
    assert_eq!(
        search(&s.store, "zephyrine", ConversationStatus::Closed).total,
        1
    );

    // A message pulled from the server is found too, in a reopened file.
    let mut conversation = s.store.conversation(id).unwrap();
    conversation.open = true;
    conversation.last_activity_at = at + 3;
    let part = ConversationPart {
        attachments: Vec::new(),
        id: PartId::from_parts(NOW as u64, 99 << 60),
        conversation: id,
        author: Author::Contact(s.contact.id),
        kind: PartKind::Reply {
            body: "Also the xylophonic sync fails".into(),
        },
        created_at: at + 3,
        channel: Some(MessageChannel::Email),
    };
    s.store
        .write(|store| {
            store.upsert_records(&[
                Record::Conversation(conversation.clone()),
                Record::ConversationPart(part.clone()),
            ])
        })
        .unwrap();
    let dir = s.dir;
    drop(s.store);
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let page = search(&store, "xylophonic", ConversationStatus::Open);
    assert_eq!(
        (page.total, page.hits[0].field),
        (1, ConversationSearchField::Message)
    );
}

#[test]
fn a_pulled_customer_message_alerts_the_assignee_once() {
    let mut s = setup();
    let me = s.me;
    let at = NOW + HOUR;
    let id = s.start("Is anyone there?", MessageChannel::Messenger, at);
    s.run(
        Mutation::AssignConversation {
            conversation: id,
            teammate: Some(me),
            team: None,
        },
        Author::Teammate(me),
        at + 1,
    );
    let mut conversation = s.store.conversation(id).unwrap();
    conversation.last_activity_at = at + 2;
    let part = ConversationPart {
        attachments: Vec::new(),
        id: PartId::from_parts(NOW as u64, 77 << 60),
        conversation: id,
        author: Author::Contact(s.contact.id),
        kind: PartKind::Reply {
            body: "Hello again".into(),
        },
        created_at: at + 2,
        channel: Some(MessageChannel::Messenger),
    };
    let change = ChangeSet {
        cursor: Cursor(1),
        at: at + 2,
        origin: None,
        records: vec![
            Record::Conversation(conversation),
            Record::ConversationPart(part),
        ],
    };
    s.store
        .apply_changes(std::slice::from_ref(&change), Cursor(1))
        .unwrap();
    let alerts = s.store.take_conversation_alerts();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].conversation, id);
    assert_eq!(alerts[0].kind, ConversationAlertKind::CustomerWrote);
    assert!(alerts[0].title.contains(&s.contact.name));
    assert_eq!(alerts[0].body, "Hello again");
    assert!(s.store.is_conversation_unread(id).unwrap());

    // The same change pulled again is no news.
    s.store.apply_changes(&[change], Cursor(2)).unwrap();
    assert!(s.store.take_conversation_alerts().is_empty());
}

#[test]
fn a_pulled_note_mentioning_me_alerts_me_whoever_has_the_conversation() {
    let mut s = setup();
    let (me, other) = (s.me, s.other);
    let my_name = s.store.me().unwrap().name;
    let first = my_name.split_whitespace().next().unwrap().to_owned();
    let at = NOW + HOUR;
    let id = s.start("The export is empty", MessageChannel::Email, at);
    // Someone else's conversation: a mention reaches me anyway; other notes do not.
    s.run(
        Mutation::AssignConversation {
            conversation: id,
            teammate: Some(other),
            team: None,
        },
        Author::Teammate(other),
        at + 1,
    );
    let note = |n: u128, author: TeammateId, body: String, at: Millis| ConversationPart {
        attachments: Vec::new(),
        id: PartId::from_parts(NOW as u64, n << 60),
        conversation: id,
        author: Author::Teammate(author),
        kind: PartKind::Note { body },
        created_at: at,
        channel: None,
    };
    let mut conversation = s.store.conversation(id).unwrap();
    conversation.last_activity_at = at + 4;
    let change = ChangeSet {
        cursor: Cursor(1),
        at: at + 4,
        origin: None,
        records: vec![
            Record::Conversation(conversation),
            Record::ConversationPart(note(
                81,
                other,
                format!("@{first} could you check the export?"),
                at + 2,
            )),
            Record::ConversationPart(note(82, other, "No mention here".into(), at + 3)),
            Record::ConversationPart(note(83, me, format!("Note to self, @{my_name}"), at + 4)),
        ],
    };
    s.store
        .apply_changes(std::slice::from_ref(&change), Cursor(1))
        .unwrap();
    let alerts = s.store.take_conversation_alerts();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].conversation, id);
    assert_eq!(alerts[0].kind, ConversationAlertKind::Mentioned);
    assert!(alerts[0].title.contains(&s.contact.name), "{alerts:?}");
    assert_eq!(
        alerts[0].body,
        format!("@{first} could you check the export?")
    );

    // Pulled again: no news.
    s.store.apply_changes(&[change], Cursor(2)).unwrap();
    assert!(s.store.take_conversation_alerts().is_empty());
}

#[test]
fn a_pulled_note_mentioning_a_team_i_am_in_alerts_me_and_other_teams_do_not() {
    let mut s = setup();
    let (me, other) = (s.me, s.other);
    let teams = s.store.teams().unwrap();
    let mine = teams.iter().find(|t| t.members.contains(&me)).unwrap();
    let not_mine = teams.iter().find(|t| !t.members.contains(&me)).unwrap();
    let at = NOW + HOUR;
    let id = s.start("Refund the duplicate charge", MessageChannel::Email, at);
    let note = |n: u128, body: String, at: Millis| ConversationPart {
        attachments: Vec::new(),
        id: PartId::from_parts(NOW as u64, n << 60),
        conversation: id,
        author: Author::Teammate(other),
        kind: PartKind::Note { body },
        created_at: at,
        channel: None,
    };
    let mut conversation = s.store.conversation(id).unwrap();
    conversation.last_activity_at = at + 2;
    let change = ChangeSet {
        cursor: Cursor(1),
        at: at + 2,
        origin: None,
        records: vec![
            Record::Conversation(conversation),
            Record::ConversationPart(note(
                91,
                format!("@{} can you take this?", not_mine.name),
                at + 1,
            )),
            Record::ConversationPart(note(
                92,
                format!("Thanks @{}!", mine.name.to_lowercase()),
                at + 2,
            )),
        ],
    };
    s.store
        .apply_changes(std::slice::from_ref(&change), Cursor(1))
        .unwrap();
    let alerts = s.store.take_conversation_alerts();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].kind, ConversationAlertKind::Mentioned);
    assert_eq!(
        alerts[0].body,
        format!("Thanks @{}!", mine.name.to_lowercase())
    );
}
