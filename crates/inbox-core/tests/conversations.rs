//! Conversation rules: who may write, what a message does to a closed or snoozed conversation,
//! and the typed refusals.

use inbox_core::*;

mod common;
use common::*;

fn customer() -> Author {
    Author::Contact(ContactId::from_parts(1, 9))
}

fn stranger() -> Author {
    Author::Contact(ContactId::from_parts(1, 10))
}

fn parts(out: &Outcome) -> Vec<&ConversationPart> {
    out.changes
        .iter()
        .filter_map(|c| match c {
            Change::AppendConversationPart(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn start(n: u128, body: &str) -> Mutation {
    Mutation::StartConversation(StartConversation {
        id: ConversationId::from_parts(1, n),
        contact: ContactId::from_parts(1, 9),
        subject: String::new(),
        body: body.into(),
        channel: MessageChannel::Email,
    })
}

#[test]
fn a_customer_starts_a_conversation_written_before_its_first_message() {
    let mut ws = Memory::new(0);
    let out = ws
        .run_as(
            customer(),
            start(5, "\nMy invoice is wrong\nIt says 3 seats."),
        )
        .unwrap();
    let Change::PutConversation(c) = &out.changes[0] else {
        panic!("the conversation comes first: {:?}", out.changes);
    };
    assert_eq!(c.subject, "My invoice is wrong");
    assert_eq!(c.channel, MessageChannel::Email);
    assert!(c.open);
    assert_eq!(out.changes.len(), 2, "written once: {:?}", out.changes);
    let [message] = parts(&out)[..] else {
        panic!("one message")
    };
    assert_eq!(message.author, customer());
    assert_eq!(message.channel, Some(MessageChannel::Email));
    assert!(matches!(&message.kind, PartKind::Reply { body } if body.starts_with("\nMy invoice")));
    assert!(
        out.effects.is_empty(),
        "the customer's own message tells them nothing"
    );

    let again = ws.run_as(customer(), start(5, "again"));
    assert_eq!(code(again), Some("id_taken"));
    let other = ws.run_as(stranger(), start(6, "hi"));
    assert_eq!(code(other), Some("not_your_conversation"));
    assert_eq!(
        code(ws.run_as(customer(), start(7, "  \n"))),
        Some("empty_body")
    );
}

#[test]
fn a_teammate_reply_is_news_for_the_customer_and_a_note_is_not() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(1);
    let reply = ws
        .run(Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation,
            body: "Fixed it.".into(),
            channel: MessageChannel::Messenger,
        })
        .unwrap();
    let part = parts(&reply)[0].id;
    assert_eq!(
        reply.effects,
        vec![Effect::Customer(
            CustomerEvent::TeammateRepliedInConversation { conversation, part }
        )]
    );
    let note = ws
        .run(Mutation::ConversationNote {
            attachments: Vec::new(),
            conversation,
            body: "VIP".into(),
        })
        .unwrap();
    assert!(note.effects.is_empty());
    assert!(!parts(&note)[0].kind.customer_visible());
}

#[test]
fn the_customer_writing_brings_back_a_closed_or_snoozed_conversation() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(1);
    ws.run(Mutation::CloseConversation { conversation })
        .unwrap();
    assert!(!ws.conversations[&conversation].open);
    let write = Mutation::ConversationReply {
        attachments: Vec::new(),
        conversation,
        body: "Still broken".into(),
        channel: MessageChannel::Messenger,
    };
    let out = ws.run_as(customer(), write.clone()).unwrap();
    let kinds: Vec<&str> = parts(&out).iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["reopened", "reply"]);
    assert!(ws.conversations[&conversation].open);

    ws.run(Mutation::SnoozeConversation {
        conversation,
        until: 5_000,
    })
    .unwrap();
    assert!(!ws.conversations[&conversation].is_active(4_999));
    ws.run_as(customer(), write.clone()).unwrap();
    assert!(ws.conversations[&conversation].is_active(1_000));

    assert_eq!(
        code(ws.run_as(stranger(), write)),
        Some("not_your_conversation")
    );
}

#[test]
fn a_snooze_runs_out_once_at_its_time() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(1);
    ws.run(Mutation::SnoozeConversation {
        conversation,
        until: 5_000,
    })
    .unwrap();
    let wake = Mutation::WakeConversation { conversation };
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
    let kinds: Vec<&str> = parts(&woke).iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, ["snooze_ended"]);
    let c = &ws.conversations[&conversation];
    assert_eq!((c.snoozed_until, c.last_activity_at), (None, 5_000));
    assert_eq!(
        ws.run_at(Author::System, wake, 6_000).unwrap(),
        Outcome::default(),
        "and only once"
    );
}

#[test]
fn state_and_assignment_are_the_teams_and_idempotent() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(1);
    let teammate = TeammateId::from_parts(1, ME);
    let assign = Mutation::AssignConversation {
        conversation,
        teammate: Some(teammate),
        team: None,
    };
    assert_eq!(
        code(ws.run_as(customer(), assign.clone())),
        Some("teammates_only")
    );
    assert_eq!(parts(&ws.run(assign.clone()).unwrap()).len(), 1);
    assert_eq!(
        ws.conversations[&conversation].assignee_teammate,
        Some(teammate)
    );
    assert_eq!(ws.run(assign).unwrap(), Outcome::default());

    let past = Mutation::SnoozeConversation {
        conversation,
        until: 1_000,
    };
    assert_eq!(code(ws.run(past)), Some("snooze_not_in_future"));
    let close = Mutation::CloseConversation { conversation };
    assert_eq!(parts(&ws.run(close.clone()).unwrap()).len(), 1);
    assert_eq!(ws.run(close).unwrap(), Outcome::default());
    let reopen = Mutation::ReopenConversation { conversation };
    assert_eq!(parts(&ws.run(reopen.clone()).unwrap()).len(), 1);
    assert_eq!(ws.run(reopen).unwrap(), Outcome::default());

    let missing = Mutation::CloseConversation {
        conversation: ConversationId::from_parts(9, 9),
    };
    assert_eq!(code(ws.run(missing)), Some("not_found"));
}

#[test]
fn converting_keeps_every_word_and_both_sides_show_the_link() {
    let mut ws = Memory::new(0);
    let conversation = ConversationId::from_parts(1, 5);
    ws.run_as(customer(), start(5, "Export fails at 80%"))
        .unwrap();
    ws.run(Mutation::ConversationReply {
        attachments: Vec::new(),
        conversation,
        body: "Which browser?".into(),
        channel: MessageChannel::Messenger,
    })
    .unwrap();
    ws.run_as(
        customer(),
        Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation,
            body: "Firefox 133.".into(),
            channel: MessageChannel::Messenger,
        },
    )
    .unwrap();
    let ticket = ws.request(900, 0);
    let out = ws
        .run(Mutation::ConvertConversation {
            conversation,
            ticket: ticket.clone(),
        })
        .unwrap();
    let created = out.updated_tickets().next().unwrap();
    assert_eq!(
        created.description, "Export fails at 80%\n\nFirefox 133.",
        "the customer's messages, not the team's"
    );
    assert_eq!(created.conversation, Some(conversation));
    let link = parts(&out)
        .into_iter()
        .find(|p| p.conversation == conversation)
        .expect("the conversation shows its ticket");
    assert!(
        matches!(&link.kind, PartKind::LinkChanged { link, target, .. } if link == "customer_ticket" && *target == created.id.to_string())
    );

    // A description the teammate wrote is kept as they wrote it.
    let mut ws = Memory::new(0);
    ws.run_as(customer(), start(5, "Export fails")).unwrap();
    let mut ticket = ws.request(901, 0);
    ticket
        .fields
        .attributes
        .insert("description".into(), serde_json::json!("Edited summary"));
    let out = ws
        .run(Mutation::ConvertConversation {
            conversation,
            ticket,
        })
        .unwrap();
    assert_eq!(
        out.updated_tickets().next().unwrap().description,
        "Edited summary"
    );
}
