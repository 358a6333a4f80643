//! Macros in the app's database: saved offline through the outbox, taken back when the server
//! refuses them, listed only for whom they are visible, and filled in for a ticket.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::{ChangeSet, Cursor, PushResult, Record, Replica};

const NOW: i64 = 1_790_000_000_000;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(20, NOW)).unwrap();
    (dir, store)
}

fn personal(store: &Store, n: u128, name: &str) -> Macro {
    Macro {
        id: MacroId::from_parts(NOW as u64, n),
        name: name.into(),
        body: "Hi {{contact.first_name | there}}, this is {{teammate.first_name}} about {{ticket.number}}.".into(),
        visibility: Visibility::Personal {
            owner: store.me().unwrap().id,
        },
        actions: vec![],
        deleted: false,
    }
}

fn queue(store: &mut Store, m: Mutation) -> Result<Outcome, inbox_store::StoreError> {
    let me = Author::Teammate(store.me().unwrap().id);
    let mut n = 1u128 << 80;
    store.apply_and_queue(&m, me, NOW, &mut || {
        n += 1;
        n
    })
}

#[test]
fn a_macro_saved_offline_is_queued_and_taken_back_when_refused() {
    let (_dir, mut store) = demo();
    let before = store.macros().unwrap().len();
    let m = personal(&store, 1, "Zz offline reply");
    queue(&mut store, Mutation::SaveMacro(m.clone())).unwrap();
    assert_eq!(store.outbox_len().unwrap(), 1);
    assert!(store.macros().unwrap().contains(&m));

    // A pull replays what is still queued: the macro stays.
    store.apply_changes(&[], Cursor(1)).unwrap();
    assert!(store.macros().unwrap().contains(&m));

    // The server refuses it: after the next pull it is gone.
    let pending = store.pending(10, 0).unwrap();
    store
        .acknowledge(
            &[PushResult::Rejected {
                seq: pending[0].seq,
                error: CoreError::SharedMacroAdminsOnly.body(),
            }],
            NOW,
        )
        .unwrap();
    store.apply_changes(&[], Cursor(2)).unwrap();
    assert_eq!(store.macros().unwrap().len(), before);
    assert!(!store.has_optimistic_changes().unwrap());
}

#[test]
fn only_visible_undeleted_macros_are_listed() {
    let (_dir, mut store) = demo();
    let mine = personal(&store, 1, "Mine");
    let theirs = Macro {
        id: MacroId::from_parts(NOW as u64, 2),
        name: "Theirs".into(),
        visibility: Visibility::Personal {
            owner: TeammateId::from_parts(1, 424242),
        },
        ..mine.clone()
    };
    let change = ChangeSet {
        cursor: Cursor(1),
        at: NOW,
        origin: None,
        records: vec![Record::Macro(mine.clone()), Record::Macro(theirs)],
    };
    store.apply_changes(&[change], Cursor(1)).unwrap();
    let names: Vec<String> = store
        .macros()
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(names.contains(&"Mine".to_owned()));
    assert!(!names.contains(&"Theirs".to_owned()));

    queue(&mut store, Mutation::DeleteMacro { id: mine.id }).unwrap();
    assert!(!store.macros().unwrap().iter().any(|m| m.id == mine.id));
}

#[test]
fn a_macro_is_filled_in_for_a_ticket() {
    let (_dir, mut store) = demo();
    let m = personal(&store, 1, "Hello");
    queue(&mut store, Mutation::SaveMacro(m.clone())).unwrap();
    let ticket = store
        .find_tickets("", Some(Category::Customer), 1)
        .unwrap()
        .into_iter()
        .map(|s| store.ticket(s.id).unwrap())
        .next()
        .unwrap();
    let contact = store.contact(ticket.contacts[0]).unwrap();
    let me = store.me().unwrap();
    let rendered = store.render_macro(m.id, Target::Ticket(ticket.id)).unwrap();
    assert_eq!(
        rendered.body,
        format!(
            "Hi {}, this is {} about #{}.",
            contact.name.split_whitespace().next().unwrap(),
            me.name.split_whitespace().next().unwrap(),
            ticket.number.unwrap()
        )
    );
    assert_eq!(
        store
            .render_macro(MacroId::from_parts(1, 9), Target::Ticket(ticket.id))
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn a_macro_is_filled_in_for_a_conversation_with_fallbacks_for_what_it_lacks() {
    let (_dir, mut store) = demo();
    let mut m = personal(&store, 1, "Hello");
    m.body = "Hi {{contact.first_name | there}}, re {{ticket.number | your message}}.".into();
    queue(&mut store, Mutation::SaveMacro(m.clone())).unwrap();
    let page = store
        .list_conversations(
            &inbox_store::ConversationQuery {
                view: inbox_store::View::All,
                status: inbox_store::ConversationStatus::All,
                unread: false,
                offset: 0,
                limit: 500,
            },
            NOW,
        )
        .unwrap();
    let row = page
        .rows
        .iter()
        .find(|r| r.conversation.linked_ticket.is_none())
        .expect("a conversation without a ticket");
    let first = row.contact_name.split_whitespace().next().unwrap();
    let rendered = store
        .render_macro(m.id, Target::Conversation(row.conversation.id))
        .unwrap();
    assert_eq!(rendered.body, format!("Hi {first}, re your message."));
}
