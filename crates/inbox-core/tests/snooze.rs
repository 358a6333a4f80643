//! Snoozing a ticket: out of the open views until a time or until the customer writes; the
//! team's own arrangement, never the customer's news.

mod common;

use common::*;
use inbox_core::messenger::customer_timeline;
use inbox_core::notify::{plan, MessengerState, NotificationSettings};
use inbox_core::*;

const HOUR: Millis = 60 * 60 * 1000;
const DAY: Millis = 24 * HOUR;

fn snooze(n: u128, until: Millis) -> Mutation {
    Mutation::Snooze {
        ticket: id(n),
        until,
    }
}

fn kinds(out: &Outcome) -> Vec<&'static str> {
    out.parts().map(|p| p.kind.as_str()).collect()
}

fn fields(out: &Outcome, n: u128) -> Vec<TicketField> {
    out.changes
        .iter()
        .find_map(|c| match c {
            Change::UpdateTicket { ticket, fields } if ticket.id == id(n) => Some(fields.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

fn customer() -> Author {
    Author::Contact(contact())
}

#[test]
fn a_snooze_is_in_the_future_within_a_year_on_an_open_ticket() {
    // `Memory::run` acts at 1,000 ms.
    let table: Vec<(&str, Millis, Option<&str>)> = vec![
        ("now", 1_000, Some("snooze_not_in_future")),
        ("the past", 0, Some("snooze_not_in_future")),
        ("a millisecond ahead", 1_001, None),
        ("a year ahead", 1_000 + 365 * DAY, None),
        ("past a year", 1_001 + 365 * DAY, Some("snooze_too_long")),
    ];
    for (name, until, expected) in table {
        let mut ws = Memory::new(0);
        assert_eq!(code(ws.run(snooze(CUSTOMER, until))), expected, "{name}");
    }

    let mut ws = Memory::new(0);
    ws.run(Mutation::Close {
        ticket: id(CUSTOMER),
        resolved: true,
    })
    .unwrap();
    assert_eq!(
        code(ws.run(snooze(CUSTOMER, HOUR))),
        Some("snooze_closed_ticket")
    );
    assert_eq!(
        code(ws.run_as(customer(), snooze(CUSTOMER, HOUR))),
        Some("teammates_only")
    );
}

#[test]
fn every_category_snoozes_and_only_the_team_hears_of_it() {
    for n in [CUSTOMER, BACK_OFFICE, TRACKER] {
        let mut ws = Memory::new(2);
        let out = ws.run(snooze(n, HOUR)).unwrap();
        assert_eq!(kinds(&out), ["snoozed"], "#{n}");
        assert_eq!(fields(&out, n), [TicketField::Snooze]);
        assert!(out.effects.is_empty(), "#{n}: no customer event");
        let states = ws.states.clone();
        let planned = plan(
            &out,
            &states,
            &|_| MessengerState { collapsed: true },
            NotificationSettings::default(),
            1_000,
        );
        assert!(planned.is_empty(), "#{n}: nobody is notified");
        let t = ws.get(n);
        assert_eq!(t.snoozed_until, Some(HOUR));
        assert!(t.is_snoozed(HOUR - 1) && !t.is_snoozed(HOUR));
        assert_eq!(t.customer_activity_at, None, "the customer saw nothing");
        let parts: Vec<Part> = out.parts().cloned().collect();
        let seen = customer_timeline(t, &parts, &states, &|_| None);
        assert!(
            seen.iter()
                .all(|e| !matches!(e.kind, messenger::CustomerEntryKind::Message { .. })),
            "#{n}: the Messenger shows no snooze"
        );
        assert_eq!(seen.len(), usize::from(t.shared), "only the submission");
    }
}

#[test]
fn snoozing_again_moves_the_time_and_the_same_time_changes_nothing() {
    let mut ws = Memory::new(0);
    ws.run(snooze(CUSTOMER, HOUR)).unwrap();
    assert_eq!(ws.run(snooze(CUSTOMER, HOUR)).unwrap(), Outcome::default());
    let out = ws.run(snooze(CUSTOMER, 2 * HOUR)).unwrap();
    assert_eq!(kinds(&out), ["snoozed"]);
    assert_eq!(ws.get(CUSTOMER).snoozed_until, Some(2 * HOUR));
}

#[test]
fn unsnoozing_ends_it_now_and_twice_is_harmless() {
    let mut ws = Memory::new(0);
    let unsnooze = Mutation::Unsnooze {
        ticket: id(CUSTOMER),
    };
    assert_eq!(ws.run(unsnooze.clone()).unwrap(), Outcome::default());
    ws.run(snooze(CUSTOMER, HOUR)).unwrap();
    assert_eq!(
        code(ws.run_as(customer(), unsnooze.clone())),
        Some("teammates_only")
    );
    let out = ws.run(unsnooze.clone()).unwrap();
    assert_eq!(kinds(&out), ["unsnoozed"]);
    assert!(out.effects.is_empty());
    assert_eq!(ws.get(CUSTOMER).snoozed_until, None);
    assert_eq!(ws.run(unsnooze).unwrap(), Outcome::default());
}

#[test]
fn a_snooze_runs_out_once_at_its_time() {
    let mut ws = Memory::new(0);
    ws.run(snooze(CUSTOMER, 5_000)).unwrap();
    let wake = Mutation::WakeTicket {
        ticket: id(CUSTOMER),
    };
    assert_eq!(
        ws.run_at(Author::System, wake.clone(), 4_999).unwrap(),
        Outcome::default(),
        "not before its time"
    );
    assert_eq!(
        code(ws.run_at(customer(), wake.clone(), 5_000)),
        Some("teammates_only")
    );
    let woke = ws.run_at(Author::System, wake.clone(), 5_000).unwrap();
    assert_eq!(kinds(&woke), ["snooze_ended"]);
    assert!(woke.effects.is_empty(), "no customer hears of it");
    assert_eq!(woke.parts().next().unwrap().author, Author::System);
    let t = ws.get(CUSTOMER);
    assert_eq!(
        (t.snoozed_until, t.last_activity_at),
        (None, 5_000),
        "as news"
    );
    assert_eq!(
        ws.run_at(Author::System, wake, 6_000).unwrap(),
        Outcome::default(),
        "and only once"
    );
}

#[test]
fn the_customer_writing_ends_the_snooze_at_once() {
    // In progress, and waiting on the customer (their reply also moves it on, R6b).
    for waiting in [false, true] {
        let mut ws = Memory::new(0);
        if waiting {
            ws.run(Mutation::SetState {
                ticket: id(CUSTOMER),
                state: state(2),
            })
            .unwrap();
        }
        ws.run(snooze(CUSTOMER, HOUR)).unwrap();
        let reply = Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "Any news?".into(),
        };
        let out = ws.run_as(customer(), reply).unwrap();
        assert_eq!(ws.get(CUSTOMER).snoozed_until, None, "waiting={waiting}");
        assert!(fields(&out, CUSTOMER).contains(&TicketField::Snooze));
    }

    // A teammate's reply or note keeps it snoozed: the team is still waiting.
    let mut ws = Memory::new(0);
    ws.run(snooze(CUSTOMER, HOUR)).unwrap();
    ws.run(Mutation::Reply {
        attachments: Vec::new(),
        ticket: id(CUSTOMER),
        body: "We're on it".into(),
    })
    .unwrap();
    ws.run(Mutation::Note {
        attachments: Vec::new(),
        ticket: id(CUSTOMER),
        body: "Check on Friday".into(),
        keep_private: false,
    })
    .unwrap();
    assert_eq!(ws.get(CUSTOMER).snoozed_until, Some(HOUR));
}

#[test]
fn closing_ends_the_snooze_however_it_closes() {
    let close = |resolved| Mutation::Close {
        ticket: id(CUSTOMER),
        resolved,
    };
    for m in [close(false), close(true)] {
        let mut ws = Memory::new(0);
        ws.run(snooze(CUSTOMER, HOUR)).unwrap();
        let out = ws.run(m.clone()).unwrap();
        assert_eq!(ws.get(CUSTOMER).snoozed_until, None, "{m:?}");
        assert!(fields(&out, CUSTOMER).contains(&TicketField::Snooze));
    }

    // A tracker resolving closes its snoozed linked tickets: their snoozes end with them.
    let mut ws = Memory::new(2);
    let linked = 1_000;
    ws.run(snooze(linked, HOUR)).unwrap();
    ws.run(snooze(TRACKER, HOUR)).unwrap();
    ws.run(Mutation::SetState {
        ticket: id(TRACKER),
        state: state(3),
    })
    .unwrap();
    assert_eq!(ws.get(linked).snoozed_until, None);
    assert_eq!(ws.get(TRACKER).snoozed_until, None);
    assert_eq!(ws.get(1_001).snoozed_until, None);

    // Moving a snoozed tracker within open states carries its tickets and keeps the snooze.
    let mut ws = Memory::new(1);
    ws.run(snooze(TRACKER, HOUR)).unwrap();
    ws.run(Mutation::SetState {
        ticket: id(TRACKER),
        state: state(4),
    })
    .unwrap();
    assert_eq!(ws.get(TRACKER).snoozed_until, Some(HOUR));
    assert_eq!(ws.get(linked).state_id, state(1), "propagated while asleep");
}

#[test]
fn old_tickets_read_as_not_snoozed_and_mutations_travel_as_tagged_json() {
    let mut ws = Memory::new(0);
    let mut json = serde_json::to_value(ws.get(CUSTOMER)).unwrap();
    json.as_object_mut().unwrap().remove("snoozed_until");
    let old: Ticket = serde_json::from_value(json).unwrap();
    assert_eq!(old.snoozed_until, None);
    ws.run(snooze(CUSTOMER, HOUR)).unwrap();
    assert_eq!(
        serde_json::to_value(snooze(CUSTOMER, 5)).unwrap()["type"],
        "snooze"
    );
    assert_eq!(
        serde_json::to_value(Mutation::WakeTicket {
            ticket: id(CUSTOMER)
        })
        .unwrap()["type"],
        "wake_ticket"
    );
}

#[test]
fn a_conversations_snooze_is_bounded_the_same_way() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(1);
    let snooze = |until| Mutation::SnoozeConversation {
        conversation,
        until,
    };
    assert_eq!(code(ws.run(snooze(1_000))), Some("snooze_not_in_future"));
    assert_eq!(
        code(ws.run(snooze(1_001 + 365 * DAY))),
        Some("snooze_too_long")
    );
    assert_eq!(code(ws.run(snooze(1_000 + 365 * DAY))), None);
}
