//! The store on real database files in a temporary directory.

use inbox_core::*;
use inbox_store::{InboxQuery, Sort, Store, View, DATABASE_FILE};
use serde_json::json;
use tempfile::TempDir;

struct Fixture {
    dir: TempDir,
    store: Store,
    me: TeammateId,
    other: TeammateId,
    team: TeamId,
    contact: ContactId,
    states: Vec<TicketState>,
    customer_type: TicketType,
    tracker_type: TicketType,
    back_office_type: TicketType,
}

fn id(n: u128) -> (u64, u128) {
    (1_700_000_000_000, n)
}

macro_rules! new_id {
    ($t:ident, $n:expr) => {{
        let (a, b) = id($n);
        $t::from_parts(a, b)
    }};
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let me = new_id!(TeammateId, 1);
    let other = new_id!(TeammateId, 2);
    let team = new_id!(TeamId, 3);
    let contact = new_id!(ContactId, 4);
    let company = new_id!(CompanyId, 5);
    let states: Vec<TicketState> = StateCategory::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| TicketState::default_for(new_id!(StateId, 10 + i as u128), *c))
        .collect();
    let offered: Vec<StateId> = states.iter().map(|s| s.id).collect();
    let customer_type = TicketType::new(
        new_id!(TicketTypeId, 20),
        "Bug report",
        "🐞",
        Category::Customer,
        vec![AttributeDef::new(
            "severity",
            "Severity",
            DataType::List {
                options: vec!["Low".into(), "High".into()],
            },
        )
        .required()],
        offered.clone(),
    );
    let tracker_type = TicketType::new(
        new_id!(TicketTypeId, 21),
        "Tracker",
        "🎯",
        Category::Tracker,
        vec![],
        offered.clone(),
    );
    let back_office_type = TicketType::new(
        new_id!(TicketTypeId, 22),
        "Billing",
        "🧾",
        Category::BackOffice,
        vec![],
        offered,
    );
    store
        .write(|s| {
            s.insert_brand(&Brand {
                id: new_id!(BrandId, 6),
                name: "Northwind".into(),
                logo_url: String::new(),
                color: String::new(),
                is_default: true,
            })?;
            for (id, name, email) in [
                (me, "Alex", "alex@x.example"),
                (other, "Sam", "sam@x.example"),
            ] {
                s.insert_teammate(&Teammate {
                    id,
                    name: name.into(),
                    email: email.into(),
                    role: Role::Admin,
                    active: true,
                })?;
            }
            s.set_me(me)?;
            s.insert_team(&Team {
                id: team,
                name: "Support".into(),
                members: vec![me, other],
            })?;
            s.insert_company(&Company {
                id: company,
                name: "Acme".into(),
            })?;
            s.insert_contact(&Contact {
                id: contact,
                name: "Ava Chen".into(),
                email: "ava@acme.example".into(),
                company: Some(company),
                role: ContactRole::User,
                external_id: None,
            })?;
            for st in &states {
                s.insert_state(st)?;
            }
            for t in [&customer_type, &tracker_type, &back_office_type] {
                s.insert_ticket_type(t)?;
            }
            Ok(())
        })
        .unwrap();
    Fixture {
        dir,
        store,
        me,
        other,
        team,
        contact,
        states,
        customer_type,
        tracker_type,
        back_office_type,
    }
}

fn request(contact: ContactId, n: u128, ticket_type: &TicketType, title: &str) -> CreateTicket {
    let mut fields = NewTicket::default();
    fields.attributes.insert("title".into(), json!(title));
    if ticket_type.attribute("severity").is_some() {
        fields.attributes.insert("severity".into(), json!("High"));
    }
    CreateTicket {
        contacts: if ticket_type.category == Category::Tracker {
            vec![]
        } else {
            vec![contact]
        },
        ..CreateTicket::new(new_id!(TicketId, 1000 + n), ticket_type.id, fields)
    }
}

#[test]
fn a_new_file_is_created_migrated_and_reopened_with_its_data() {
    let f = fixture();
    let path = f.dir.path().join(DATABASE_FILE);
    assert!(path.exists());
    let ticket = f
        .store
        .create_ticket(
            request(f.contact, 1, &f.customer_type, "Export fails"),
            5_000,
        )
        .unwrap();
    drop(f.store);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), inbox_store::SCHEMA_VERSION);
    assert!(!store.is_empty().unwrap());
    assert_eq!(store.ticket(ticket.id).unwrap(), ticket);
    assert_eq!(store.states().unwrap(), f.states);
    assert_eq!(
        store.ticket_types().unwrap(),
        vec![
            f.customer_type.clone(),
            f.tracker_type.clone(),
            f.back_office_type.clone()
        ]
    );
    assert_eq!(store.me().unwrap().id, f.me);
    assert_eq!(store.teams().unwrap()[0].members.len(), 2);
    let mode: String = rusqlite_journal_mode(&path);
    assert_eq!(mode, "wal");
}

fn rusqlite_journal_mode(path: &std::path::Path) -> String {
    // Read through a second connection: WAL is a property of the file.
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap()
}

#[test]
fn an_empty_file_is_a_fresh_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite3");
    std::fs::write(&path, b"").unwrap();
    let store = Store::open(&path).unwrap();
    assert!(store.is_empty().unwrap());
    assert_eq!(store.ticket_count().unwrap(), 0);
    assert_eq!(store.me().unwrap_err().code(), "workspace_not_set_up");
}

#[test]
fn a_file_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite3");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.code(), "storage_corrupt");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn creating_tickets_applies_the_core_rules() {
    let f = fixture();
    let t = f
        .store
        .create_ticket(request(f.contact, 1, &f.customer_type, "One"), 1)
        .unwrap();
    assert!(t.shared);
    assert_eq!(t.number, Some(1));
    assert_eq!(t.state_id, f.states[0].id);
    assert_eq!(
        f.store
            .create_ticket(request(f.contact, 2, &f.tracker_type, "Two"), 2)
            .unwrap()
            .number,
        Some(2)
    );

    let mut shared_tracker = request(f.contact, 3, &f.tracker_type, "Three");
    shared_tracker.shared = Some(true);
    assert_eq!(
        f.store.create_ticket(shared_tracker, 3).unwrap_err().code(),
        "tracker_cannot_be_shared"
    );

    let mut missing = request(f.contact, 4, &f.customer_type, "Four");
    missing.fields.attributes.remove("severity");
    assert_eq!(
        f.store.create_ticket(missing, 4).unwrap_err().code(),
        "attribute_required"
    );

    let mut unknown_type = request(f.contact, 5, &f.customer_type, "Five");
    unknown_type.type_id = new_id!(TicketTypeId, 999);
    assert_eq!(
        f.store.create_ticket(unknown_type, 5).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(f.store.ticket_count().unwrap(), 2);
}

#[test]
fn the_file_itself_refuses_a_shared_tracker() {
    let f = fixture();
    let mut t = f
        .store
        .create_ticket(request(f.contact, 1, &f.tracker_type, "Tracker"), 1)
        .unwrap();
    t.id = new_id!(TicketId, 77);
    t.number = Some(77);
    t.shared = true;
    let err = f.store.insert_ticket(&t).unwrap_err();
    assert_eq!(err.code(), "storage_error");
}

#[test]
fn workspace_rules_are_checked_on_insert() {
    let f = fixture();
    let mut dup = TicketState::default_for(new_id!(StateId, 50), StateCategory::Resolved);
    dup.internal_label = "resolved".into();
    assert_eq!(
        f.store.insert_state(&dup).unwrap_err().code(),
        "state_label_taken"
    );

    let mut incomplete = f.back_office_type.clone();
    incomplete.id = new_id!(TicketTypeId, 51);
    incomplete.states.pop();
    assert_eq!(
        f.store.insert_ticket_type(&incomplete).unwrap_err().code(),
        "ticket_type_missing_state_category"
    );
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let mut f = fixture();
    let ok = request(f.contact, 1, &f.customer_type, "Kept?");
    let mut bad = request(f.contact, 2, &f.customer_type, "Bad");
    bad.fields
        .attributes
        .insert("severity".into(), json!("Urgent"));
    let err = f
        .store
        .write(|s| {
            s.create_ticket(ok, 1)?;
            s.create_ticket(bad, 2)
        })
        .unwrap_err();
    assert_eq!(err.code(), "attribute_not_an_option");
    assert_eq!(f.store.ticket_count().unwrap(), 0);
}

#[test]
fn a_write_that_panics_leaves_nothing_behind_and_the_store_keeps_working() {
    let mut f = fixture();
    let first = request(f.contact, 1, &f.customer_type, "Half written");
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        f.store.write::<()>(|s| {
            s.create_ticket(first, 1)?;
            s.set_setting("half", "written")?;
            panic!("a bug in the middle of a write")
        })
    }));
    assert!(panicked.is_err());
    assert_eq!(f.store.ticket_count().unwrap(), 0, "nothing written");
    assert_eq!(f.store.setting("half").unwrap(), None);

    // Another connection to the file (the app's readers, another process) can write at
    // once: no transaction was left holding the write lock.
    let mut other = Store::open(&f.dir.path().join(DATABASE_FILE)).unwrap();
    other
        .write(|s| s.set_setting("other", "connection"))
        .unwrap();
    // And this one writes as before.
    let again = request(f.contact, 2, &f.customer_type, "Written");
    f.store.write(|s| s.create_ticket(again, 2)).unwrap();
    assert_eq!(f.store.ticket_count().unwrap(), 1);
    assert_eq!(other.ticket_count().unwrap(), 1, "committed");
    assert_eq!(
        f.store.setting("other").unwrap().as_deref(),
        Some("connection")
    );
}

#[test]
fn timeline_is_ordered_and_moves_last_activity() {
    let f = fixture();
    let t = f
        .store
        .create_ticket(request(f.contact, 1, &f.customer_type, "Timeline"), 1_000)
        .unwrap();
    let parts = [
        (
            3_000,
            Author::Teammate(f.me),
            PartKind::Note {
                body: "internal".into(),
            },
        ),
        (
            2_000,
            Author::Contact(f.contact),
            PartKind::Reply {
                body: "hello".into(),
            },
        ),
        (
            4_000,
            Author::System,
            PartKind::StateChanged {
                from: f.states[0].id,
                to: f.states[1].id,
            },
        ),
    ];
    for (i, (at, author, kind)) in parts.iter().enumerate() {
        f.store
            .append_part(&Part {
                attachments: Vec::new(),
                id: new_id!(PartId, 500 + i as u128),
                ticket: t.id,
                author: *author,
                kind: kind.clone(),
                created_at: *at,
            })
            .unwrap();
    }
    let timeline = f.store.timeline(t.id).unwrap();
    let kinds: Vec<_> = timeline.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["customers_notified", "reply", "note", "state_changed"],
        "creation records the submission notice"
    );
    assert_eq!(f.store.ticket(t.id).unwrap().last_activity_at, 4_000);

    let detail = f.store.ticket_detail(t.id).unwrap();
    let names: Vec<_> = detail
        .timeline
        .iter()
        .map(|e| e.author_name.as_str())
        .collect();
    assert_eq!(names, ["System", "Ava Chen", "Alex", "System"]);
    assert_eq!(detail.contacts[0].name, "Ava Chen");
    assert_eq!(detail.brand.name, "Northwind");
    assert_eq!(
        detail.share_locked_reason.as_deref(),
        Some(CoreError::CustomerTicketAlwaysShared.to_string().as_str())
    );

    let orphan = Part {
        attachments: Vec::new(),
        id: new_id!(PartId, 600),
        ticket: new_id!(TicketId, 12345),
        author: Author::System,
        kind: PartKind::Reopened,
        created_at: 1,
    };
    assert!(f.store.append_part(&orphan).is_err());
}

#[test]
fn views_sorts_pages_and_counts() {
    let mut f = fixture();
    // 30 tickets: created i*10, last activity reversed, assignee by i % 3, category by i % 5.
    let tickets: Vec<Ticket> = f
        .store
        .write(|s| {
            let mut out = Vec::new();
            for i in 0..30u128 {
                let ticket_type = match i % 5 {
                    0 => &f.tracker_type,
                    1 => &f.back_office_type,
                    _ => &f.customer_type,
                };
                let mut req = request(f.contact, i, ticket_type, &format!("Ticket {i}"));
                match i % 3 {
                    0 => req.assignee_teammate = Some(f.me),
                    1 => req.assignee_team = Some(f.team),
                    _ => {}
                }
                if i % 4 == 0 {
                    req.state_id = Some(f.states[1].id);
                }
                let t = s.create_ticket(req, i as i64 * 10)?;
                s.append_part(&Part {
                    attachments: Vec::new(),
                    id: new_id!(PartId, 2000 + i),
                    ticket: t.id,
                    author: Author::System,
                    kind: PartKind::Reopened,
                    created_at: 10_000 - i as i64,
                })?;
                out.push(s.ticket(t.id)?);
            }
            Ok(out)
        })
        .unwrap();

    let page = |view: View, sort: Sort, offset: u32, limit: u32| {
        f.store
            .list_tickets(&InboxQuery {
                filters: Default::default(),
                view,
                sort,
                offset,
                limit,
            })
            .unwrap()
    };
    let titles =
        |p: &inbox_store::InboxPage| p.rows.iter().map(|r| r.title.clone()).collect::<Vec<_>>();

    let all = page(View::All, Sort::LastActivity, 0, 100);
    assert_eq!(all.total, 30);
    assert_eq!(
        titles(&all).first().map(String::as_str),
        Some("Ticket 0"),
        "last activity newest first"
    );
    let by_created = page(View::All, Sort::Created, 0, 100);
    assert_eq!(
        titles(&by_created).first().map(String::as_str),
        Some("Ticket 29"),
        "created newest first"
    );

    // Paging covers the view exactly once, in order.
    let mut paged = Vec::new();
    for offset in (0..30).step_by(7) {
        paged.extend(titles(&page(View::All, Sort::LastActivity, offset, 7)));
    }
    assert_eq!(paged, titles(&all));

    let expect = |pred: &dyn Fn(&Ticket) -> bool| tickets.iter().filter(|t| pred(t)).count() as i64;
    let mine = page(View::Mine, Sort::LastActivity, 0, 100);
    assert_eq!(mine.total, expect(&|t| t.assignee_teammate == Some(f.me)));
    assert!(mine
        .rows
        .iter()
        .all(|r| r.assignee_name.as_deref() == Some("Alex")));
    let unassigned = page(View::Unassigned, Sort::LastActivity, 0, 100);
    assert_eq!(
        unassigned.total,
        expect(&|t| t.assignee_teammate.is_none() && t.assignee_team.is_none())
    );
    let trackers = page(
        View::Category {
            category: Category::Tracker,
        },
        Sort::Created,
        0,
        100,
    );
    assert_eq!(trackers.total, 6);
    assert!(trackers
        .rows
        .iter()
        .all(|r| r.category == Category::Tracker && r.contact_name.is_none()));
    let in_progress = page(
        View::State {
            state_id: f.states[1].id,
        },
        Sort::LastActivity,
        0,
        100,
    );
    assert_eq!(in_progress.total, 8);
    assert!(in_progress
        .rows
        .iter()
        .all(|r| r.state_label == "In progress"));
    let customers = page(
        View::Category {
            category: Category::Customer,
        },
        Sort::LastActivity,
        0,
        2,
    );
    assert_eq!((customers.total, customers.rows.len()), (18, 2));
    assert_eq!(customers.rows[0].contact_name.as_deref(), Some("Ava Chen"));

    let counts = f.store.view_counts().unwrap();
    assert_eq!(counts.all, 30);
    assert_eq!(counts.mine, mine.total);
    assert_eq!(counts.unassigned, unassigned.total);
    assert_eq!(counts.by_category[&Category::Tracker], 6);
    assert_eq!(counts.by_category.values().sum::<i64>(), 30);
    assert_eq!(counts.by_state[&f.states[1].id], 8);
    assert_eq!(
        counts.by_state[&f.states[3].id], 0,
        "empty states are listed"
    );
    assert_eq!(counts.by_state.values().sum::<i64>(), 30);
    let _ = f.other;
}

#[test]
fn a_tracker_detail_lists_its_linked_tickets() {
    let f = fixture();
    let tracker = f
        .store
        .create_ticket(request(f.contact, 1, &f.tracker_type, "Outage"), 1)
        .unwrap();
    let mut linked = f
        .store
        .create_ticket(request(f.contact, 2, &f.customer_type, "Down for me"), 2)
        .unwrap();
    linked.id = new_id!(TicketId, 3);
    linked.number = Some(3);
    linked.tracker = Some(tracker.id);
    f.store.insert_ticket(&linked).unwrap();

    let detail = f.store.ticket_detail(tracker.id).unwrap();
    assert_eq!(detail.linked_tickets.len(), 1);
    assert_eq!(detail.linked_tickets[0].title, "Down for me");
    assert_eq!(
        detail.share_locked_reason.as_deref(),
        Some(CoreError::TrackerCannotBeShared.to_string().as_str())
    );
    let child = f.store.ticket_detail(linked.id).unwrap();
    assert_eq!(child.tracker.unwrap().title, "Outage");
}

#[test]
fn a_file_at_an_older_schema_version_is_brought_up_to_date() {
    let f = fixture();
    let path = f.dir.path().join(DATABASE_FILE);
    let ticket = f
        .store
        .create_ticket(request(f.contact, 1, &f.customer_type, "Kept"), 1)
        .unwrap();
    drop(f.store);
    // Take the file back to version 1, as an older app left it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         -- Migration 15: indexes of the window's reads.
         DROP INDEX conversations_contact; DROP INDEX tickets_brand; DROP INDEX tickets_open;
         DROP INDEX tickets_team; DROP INDEX contacts_name; DROP INDEX companies_name;
         DROP TABLE contact_names; DROP TABLE company_names;
         DROP TRIGGER contact_names_insert; DROP TRIGGER contact_names_delete;
         DROP TRIGGER contact_names_update; DROP TRIGGER company_names_insert;
         DROP TRIGGER company_names_delete; DROP TRIGGER company_names_update;
         DROP TABLE unsent_files;
         DROP TABLE macros; DROP TABLE shadow_macros;
         DROP TRIGGER conversation_search_insert; DROP TRIGGER conversation_search_update;
         DROP TRIGGER conversation_search_delete; DROP TRIGGER conversation_search_part_insert;
         DROP TRIGGER conversation_search_part_delete; DROP TRIGGER conversation_search_part_update;
         DROP TRIGGER conversation_search_after_pull;
         DROP TRIGGER conversation_search_after_first_pull;
         DROP VIEW conversation_search_refresh; DROP TABLE conversation_search_stale;
         DROP VIEW conversation_search_source; DROP TABLE conversation_search;
         DROP TABLE conversation_reads; DROP TABLE shadow_conversation_reads;
         CREATE TABLE conversations_v1 (
             id               TEXT PRIMARY KEY,
             contact_id       TEXT NOT NULL REFERENCES contacts(id),
             subject          TEXT NOT NULL,
             linked_ticket_id TEXT REFERENCES tickets(id),
             open             INTEGER NOT NULL,
             created_at       INTEGER NOT NULL,
             last_activity_at INTEGER NOT NULL
         ) STRICT;
         INSERT INTO conversations_v1 SELECT id, contact_id, subject, linked_ticket_id, open,
             created_at, last_activity_at FROM conversations;
         DROP TABLE conversations;
         ALTER TABLE conversations_v1 RENAME TO conversations;
         CREATE INDEX conversations_by_activity ON conversations(last_activity_at DESC, id DESC);
         DROP TABLE conversation_parts; DROP TABLE outbox; DROP TABLE sync_issues;
         DROP TABLE shadow_tickets; DROP TABLE shadow_conversations; DROP TABLE shadow_reads;
         DROP TABLE optimistic_parts;
         DROP TRIGGER ticket_search_ticket_insert; DROP TRIGGER ticket_search_ticket_update;
         DROP TRIGGER ticket_search_ticket_delete; DROP TRIGGER ticket_search_part_insert;
         DROP TRIGGER ticket_search_part_delete; DROP TRIGGER ticket_search_part_update;
         DROP TRIGGER ticket_search_after_pull; DROP TRIGGER ticket_search_after_first_pull;
         DROP VIEW ticket_search_refresh; DROP TABLE ticket_search_stale;
         DROP VIEW ticket_search_source; DROP TABLE ticket_search;
         ALTER TABLE parts DROP COLUMN attachments;
         ALTER TABLE teammates DROP COLUMN active;
         ALTER TABLE brands DROP COLUMN color;
         DROP INDEX tickets_snoozed; ALTER TABLE tickets DROP COLUMN snoozed_until;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), inbox_store::SCHEMA_VERSION);
    assert_eq!(
        store.ticket(ticket.id).unwrap(),
        ticket,
        "data survives the upgrade"
    );
    assert!(store
        .conversation_timeline(ConversationId::from_parts(1, 1))
        .unwrap()
        .is_empty());
}
