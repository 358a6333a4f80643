//! R4–R9: what each customer gets, one row per statement of the help-center articles.

mod common;

use common::*;
use inbox_core::notify::{
    plan, plan_with_history, planned_parts, Channel, EmailDue, MessengerState, Notification,
    NotificationSettings, Reason, Thread,
};
use inbox_core::*;

const NOW: Millis = 1_000; // `Memory::run` applies mutations at this time.
const MINUTE: Millis = 60_000;

fn planned(ws: &mut Memory, actor: Author, m: Mutation, collapsed: bool) -> Vec<Notification> {
    let out = ws.run_as(actor, m).unwrap();
    let states = ws.states.clone();
    plan(
        &out,
        &states,
        &|_| MessengerState { collapsed },
        NotificationSettings::default(),
        NOW,
    )
}

fn teammate() -> Author {
    Author::Teammate(TeammateId::from_parts(1, ME))
}

use Channel::*;

#[test]
fn a_submission_is_the_same_whoever_creates_the_ticket() {
    for actor in [teammate(), Author::Contact(contact()), Author::System] {
        let mut ws = Memory::new(0);
        let req = ws.request(500, 0);
        let got = planned(&mut ws, actor, Mutation::CreateTicket(req), true);
        assert_eq!(got.len(), 1, "{actor:?}");
        let n = &got[0];
        assert_eq!((n.contact, n.about), (contact(), Thread::Ticket(id(500))));
        assert_eq!(n.reasons, [Reason::Submitted]);
        assert_eq!(
            n.channels,
            [
                MessengerBadge,
                RecentTickets,
                TicketsSpaceBadge,
                ThreadEvent,
                Email
            ],
            "{actor:?}"
        );
        assert_eq!(
            n.email,
            Some(EmailDue::Now { at: NOW }),
            "submission emails are not delayed"
        );
    }
}

#[test]
fn the_badge_only_shows_on_a_collapsed_messenger() {
    let mut ws = Memory::new(0);
    let req = ws.request(500, 0);
    let got = planned(&mut ws, teammate(), Mutation::CreateTicket(req), false);
    assert!(!got[0].channels.contains(&MessengerBadge));
}

#[test]
fn a_teammate_reply_is_emailed_after_the_delay_unless_seen() {
    let mut ws = Memory::new(0);
    let got = planned(
        &mut ws,
        teammate(),
        Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "Hi".into(),
        },
        true,
    );
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].channels,
        [MessengerBadge, RecentTickets, MessagesSpaceBadge, Email]
    );
    let Some(EmailDue::UnlessSeen { at, parts }) = &got[0].email else {
        panic!("{:?}", got[0].email)
    };
    assert_eq!(
        *at,
        NOW + 3 * MINUTE,
        "the default reply-email delay is 3 minutes"
    );
    assert_eq!(parts.len(), 1);

    let out = ws
        .run(Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "Again".into(),
        })
        .unwrap();
    let five = NotificationSettings {
        reply_email_delay: 5 * MINUTE,
    };
    let got = plan(
        &out,
        &ws.states.clone(),
        &|_| MessengerState::default(),
        five,
        NOW,
    );
    assert!(
        matches!(got[0].email, Some(EmailDue::UnlessSeen { at, .. }) if at == NOW + 5 * MINUTE)
    );
}

#[test]
fn nobody_is_notified_of_what_stays_internal_or_of_their_own_message() {
    type Case = (&'static str, Author, fn(&Memory) -> Mutation);
    let cases: [Case; 7] = [
        ("internal note", teammate(), |_| Mutation::Note {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "x".into(),
            keep_private: false,
        }),
        ("closed without resolving", teammate(), |_| {
            Mutation::Close {
                ticket: id(CUSTOMER),
                resolved: false,
            }
        }),
        ("unshared back-office state change", teammate(), |_| {
            Mutation::SetState {
                ticket: id(BACK_OFFICE),
                state: state(1),
            }
        }),
        ("back-office note", teammate(), |_| Mutation::Note {
            attachments: Vec::new(),
            ticket: id(BACK_OFFICE),
            body: "x".into(),
            keep_private: false,
        }),
        ("tracker with nothing linked", teammate(), |_| {
            Mutation::SetState {
                ticket: id(TRACKER),
                state: state(1),
            }
        }),
        (
            "the customer's own reply",
            Author::Contact(contact()),
            |_| Mutation::Reply {
                attachments: Vec::new(),
                ticket: id(CUSTOMER),
                body: "x".into(),
            },
        ),
        ("assignment", teammate(), |_| Mutation::Assign {
            ticket: id(CUSTOMER),
            teammate: None,
            team: Some(TeamId::from_parts(1, 1)),
        }),
    ];
    for (name, actor, mutation) in cases {
        let mut ws = Memory::new(0);
        let m = mutation(&ws);
        assert_eq!(planned(&mut ws, actor, m, true), [], "{name}");
    }
}

#[test]
fn a_state_change_is_emailed_at_once_and_resolved_tickets_leave_recent_tickets() {
    let mut ws = Memory::new(0);
    let got = planned(
        &mut ws,
        teammate(),
        Mutation::SetState {
            ticket: id(CUSTOMER),
            state: state(1),
        },
        true,
    );
    assert_eq!(
        got[0].reasons,
        [Reason::StateChanged {
            from: state(0),
            to: state(1)
        }]
    );
    assert_eq!(
        got[0].channels,
        [MessengerBadge, RecentTickets, TicketsSpaceBadge, Email]
    );
    assert_eq!(got[0].email, Some(EmailDue::Now { at: NOW }));

    let got = planned(
        &mut ws,
        teammate(),
        Mutation::Close {
            ticket: id(CUSTOMER),
            resolved: true,
        },
        true,
    );
    assert_eq!(
        got[0].channels,
        [MessengerBadge, TicketsSpaceBadge, Email],
        "R9: never a resolved ticket on the card"
    );
}

#[test]
fn r6a_a_change_customers_cannot_see_is_no_news() {
    let mut ws = Memory::new(0);
    ws.types[0].states.push(state(4)); // The customer type offers "Triage" too.
    ws.run(Mutation::SetState {
        ticket: id(CUSTOMER),
        state: state(1),
    })
    .unwrap();
    let got = planned(
        &mut ws,
        teammate(),
        Mutation::SetState {
            ticket: id(CUSTOMER),
            state: state(4),
        },
        true,
    );
    assert_eq!(
        got,
        [],
        "In progress and Triage both read \"In progress\" to the customer"
    );
}

#[test]
fn r6a_re_entering_the_state_the_customer_was_last_told_is_no_news() {
    let mut ws = Memory::new(0);
    let out = ws
        .run(Mutation::SetState {
            ticket: id(CUSTOMER),
            state: state(1),
        })
        .unwrap();
    let states = ws.states.clone();
    let label = |n: usize| {
        states
            .iter()
            .find(|s| s.id == state(n))
            .unwrap()
            .customer_label
            .clone()
    };
    let with_told = |told: Option<String>| {
        plan_with_history(
            &out,
            &states,
            &|_| MessengerState { collapsed: true },
            &|_, _| told.clone(),
            NotificationSettings::default(),
            NOW,
        )
    };
    assert_eq!(
        with_told(Some(label(1))),
        [],
        "told this label last: no news"
    );
    assert_eq!(
        with_told(Some(label(2))).len(),
        1,
        "told another label last"
    );
    assert_eq!(with_told(None).len(), 1, "never told");
}

#[test]
fn sharing_a_back_office_ticket_is_its_submission() {
    let mut ws = Memory::new(0);
    let got = planned(
        &mut ws,
        teammate(),
        Mutation::SetShared {
            ticket: id(BACK_OFFICE),
            shared: true,
        },
        true,
    );
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].reasons, [Reason::Submitted]);
    assert_eq!(got[0].email, Some(EmailDue::Now { at: NOW }));
}

#[test]
fn a_tracker_change_notifies_each_linked_ticket_and_not_the_tracker() {
    let mut ws = Memory::new(4);
    let got = planned(
        &mut ws,
        teammate(),
        Mutation::SetState {
            ticket: id(TRACKER),
            state: state(2),
        },
        true,
    );
    let tickets: Vec<TicketId> = got.iter().filter_map(|n| n.about.ticket()).collect();
    assert_eq!(tickets, (0..4).map(|i| id(1_000 + i)).collect::<Vec<_>>());
    assert!(got.iter().all(|n| n.reasons
        == [Reason::StateChanged {
            from: state(0),
            to: state(2)
        }]));
    assert!(got
        .iter()
        .all(|n| n.email == Some(EmailDue::Now { at: NOW })));
}

#[test]
fn a_reply_and_a_state_change_together_badge_both_spaces_and_send_one_email() {
    let mut ws = Memory::new(0);
    let mut out = ws
        .run(Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "Fixed!".into(),
        })
        .unwrap();
    let state_change = ws
        .run(Mutation::SetState {
            ticket: id(CUSTOMER),
            state: state(1),
        })
        .unwrap();
    out.changes.extend(state_change.changes);
    out.effects.extend(state_change.effects);
    let got = plan(
        &out,
        &ws.states.clone(),
        &|_| MessengerState { collapsed: true },
        NotificationSettings::default(),
        NOW,
    );
    assert_eq!(got.len(), 1);
    let both = [
        MessengerBadge,
        RecentTickets,
        TicketsSpaceBadge,
        MessagesSpaceBadge,
        Email,
    ];
    assert_eq!(
        got[0].channels, both,
        "R8: a message and a state change badge both spaces"
    );
    assert_eq!(
        got[0].email,
        Some(EmailDue::Now { at: NOW }),
        "the state change takes the reply along at once"
    );
}

#[test]
fn r5_a_reply_seen_within_the_delay_is_not_emailed_and_one_unseen_is_at_the_delay() {
    use inbox_core::notify::EmailDecision;
    let p1 = PartId::from_parts(1, 1);
    let p2 = PartId::from_parts(1, 2);
    let first = EmailDue::UnlessSeen {
        at: 3 * MINUTE,
        parts: vec![p1],
    };
    assert_eq!(
        first.decide(&[], MINUTE),
        EmailDecision::Wait { until: 3 * MINUTE }
    );
    assert_eq!(
        first.decide(&[p1], 3 * MINUTE),
        EmailDecision::Drop,
        "seen within the delay: no email"
    );
    assert_eq!(
        first.decide(&[], 3 * MINUTE),
        EmailDecision::Send,
        "not seen: email at the delay"
    );

    // A second reply two minutes later: one email, three minutes after the second.
    let merged = first.clone().merge(EmailDue::UnlessSeen {
        at: 5 * MINUTE,
        parts: vec![p2],
    });
    assert_eq!(
        merged,
        EmailDue::UnlessSeen {
            at: 5 * MINUTE,
            parts: vec![p1, p2]
        }
    );
    assert_eq!(
        merged.decide(&[], 4 * MINUTE),
        EmailDecision::Wait { until: 5 * MINUTE }
    );
    assert_eq!(
        merged.decide(&[p1], 5 * MINUTE),
        EmailDecision::Send,
        "one reply still unseen"
    );
    assert_eq!(merged.decide(&[p1, p2], 5 * MINUTE), EmailDecision::Drop);

    // A state change does not wait, and takes the pending replies along.
    let with_state = merged.merge(EmailDue::Now { at: 4 * MINUTE });
    assert_eq!(with_state, EmailDue::Now { at: 4 * MINUTE });
    assert_eq!(
        with_state.decide(&[p1, p2], 4 * MINUTE),
        EmailDecision::Send
    );
}

#[test]
fn a_teammate_message_in_a_conversation_badges_messages_and_emails_unless_seen() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(3);
    ws.run(Mutation::LinkConversation {
        conversation,
        ticket: id(CUSTOMER),
    })
    .unwrap();
    let out = ws
        .run(Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation,
            body: "Here you go".into(),
            channel: MessageChannel::Messenger,
        })
        .unwrap();
    let settings = NotificationSettings::default();
    let got = plan(
        &out,
        &ws.states,
        &|_| MessengerState { collapsed: false },
        settings,
        1_000,
    );
    let [n] = &got[..] else {
        panic!("one notification: {got:?}")
    };
    assert_eq!(n.about, Thread::Conversation(conversation));
    assert_eq!(n.contact, ws.conversations[&conversation].contact);
    // R8: a message, even in a conversation with a ticket, is never ticket news.
    assert_eq!(n.channels, [Channel::MessagesSpaceBadge, Channel::Email]);
    let Some(EmailDue::UnlessSeen { at, parts }) = &n.email else {
        panic!("a reply waits for the delay: {:?}", n.email)
    };
    assert_eq!(*at, 1_000 + settings.reply_email_delay);
    assert_eq!(parts.len(), 1);
    assert!(
        planned_parts(&got, 1_000, &mut || 1).is_empty(),
        "no ticket timeline entry"
    );

    let note = ws
        .run(Mutation::ConversationNote {
            attachments: Vec::new(),
            conversation,
            body: "internal".into(),
        })
        .unwrap();
    assert!(plan(
        &note,
        &ws.states,
        &|_| MessengerState::default(),
        settings,
        0
    )
    .is_empty());
}

#[test]
fn r6b_a_state_change_the_customer_caused_notifies_nobody() {
    let mut ws = Memory::new(0);
    let waiting = ws
        .states
        .iter()
        .find(|s| s.category == StateCategory::WaitingOnCustomer)
        .unwrap()
        .id;
    ws.run(Mutation::SetState {
        ticket: id(CUSTOMER),
        state: waiting,
    })
    .unwrap();
    let out = ws
        .run_as(
            Author::Contact(contact()),
            Mutation::Reply {
                attachments: Vec::new(),
                ticket: id(CUSTOMER),
                body: "Here is the file".into(),
            },
        )
        .unwrap();
    assert_ne!(
        ws.get(CUSTOMER).state_id,
        waiting,
        "the ball is back with the team"
    );
    let got = plan(
        &out,
        &ws.states,
        &|_| MessengerState::default(),
        NotificationSettings::default(),
        NOW,
    );
    assert!(got.is_empty(), "{got:?}");
}
