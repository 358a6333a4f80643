//! Saving and deleting macros as mutations: who may, what they may name, and tombstones.

mod common;

use common::*;
use inbox_core::*;

fn teammate(n: u128) -> Author {
    Author::Teammate(TeammateId::from_parts(1, n))
}

fn a_macro(n: u128, visibility: Visibility) -> Macro {
    Macro {
        id: MacroId::from_parts(1, n),
        name: format!("Macro {n}"),
        body: "Hi {{contact.first_name | there}}".into(),
        visibility,
        actions: vec![],
        deleted: false,
    }
}

fn mine() -> Visibility {
    Visibility::Personal {
        owner: TeammateId::from_parts(1, ME),
    }
}

#[test]
fn a_teammate_saves_personal_macros_and_only_admins_shared_ones() {
    let mut ws = Memory::new(0);
    let personal = a_macro(1, mine());
    let out = ws.run(Mutation::SaveMacro(personal.clone())).unwrap();
    assert_eq!(out.changes, vec![Change::PutMacro(personal.clone())]);

    let shared = a_macro(2, Visibility::Shared);
    assert_eq!(
        code(ws.run(Mutation::SaveMacro(shared.clone()))),
        Some("shared_macro_admins_only")
    );
    assert!(ws
        .run_as(teammate(ADMIN), Mutation::SaveMacro(shared.clone()))
        .is_ok());

    // Someone else's personal macro is neither seen, changed nor deleted.
    let mut taken = personal.clone();
    taken.visibility = Visibility::Personal {
        owner: TeammateId::from_parts(1, ADMIN),
    };
    assert_eq!(
        code(ws.run_as(teammate(ADMIN), Mutation::SaveMacro(taken))),
        Some("id_taken")
    );
    assert_eq!(
        code(ws.run_as(teammate(ADMIN), Mutation::DeleteMacro { id: personal.id })),
        Some("not_found")
    );
    // A customer saves nothing.
    assert_eq!(
        code(ws.run_as(
            Author::Contact(contact()),
            Mutation::SaveMacro(a_macro(3, mine()))
        )),
        Some("teammates_only")
    );
}

#[test]
fn deleting_leaves_a_tombstone_that_cannot_be_deleted_twice() {
    let mut ws = Memory::new(0);
    let m = a_macro(1, mine());
    ws.run(Mutation::SaveMacro(m.clone())).unwrap();
    ws.run(Mutation::DeleteMacro { id: m.id }).unwrap();
    assert!(ws.macros[&m.id].deleted);
    assert_eq!(
        code(ws.run(Mutation::DeleteMacro { id: m.id })),
        Some("not_found")
    );
    // A tombstone keeps what was saved, not what the deletion carried.
    let mut again = m.clone();
    again.name = "Renamed".into();
    ws.run(Mutation::SaveMacro(again.clone())).unwrap();
    let mut sneaky = again.clone();
    sneaky.body = "x".repeat(limits::MAX_BODY + 10);
    sneaky.deleted = true;
    ws.run(Mutation::SaveMacro(sneaky)).unwrap();
    assert_eq!(
        ws.macros[&m.id],
        Macro {
            deleted: true,
            ..again
        }
    );
    // Saving it again brings it back.
    ws.run(Mutation::SaveMacro(m.clone())).unwrap();
    assert!(!ws.macros[&m.id].deleted);
}

#[test]
fn actions_must_name_what_exists() {
    let mut ws = Memory::new(0);
    let mut m = a_macro(1, mine());
    m.actions = vec![MacroAction::SetState { state: state(99) }];
    assert_eq!(
        code(ws.run(Mutation::SaveMacro(m.clone()))),
        Some("not_found")
    );
    m.actions = vec![MacroAction::LinkTracker {
        tracker: id(CUSTOMER),
    }];
    assert_eq!(
        code(ws.run(Mutation::SaveMacro(m.clone()))),
        Some("not_a_tracker")
    );
    m.actions = vec![
        MacroAction::SetState { state: state(2) },
        MacroAction::LinkTracker {
            tracker: id(TRACKER),
        },
        MacroAction::Note {
            body: "Sent {{contact.name}} the refund form".into(),
        },
    ];
    assert!(ws.run(Mutation::SaveMacro(m.clone())).is_ok());
    m.body = "{{contact.nickname}}".into();
    assert_eq!(
        code(ws.run(Mutation::SaveMacro(m))),
        Some("macro_placeholder_unknown")
    );
}
