//! The ticket rules through `apply`, over a workspace held in plain values.

use inbox_core::*;
use serde_json::json;

mod common;
use common::*;

#[test]
fn r1_r2_r3_sharing() {
    let table = [
        (CUSTOMER, false, Some("customer_ticket_always_shared")),
        (CUSTOMER, true, None),
        (BACK_OFFICE, true, None),
        (BACK_OFFICE, false, None),
        (TRACKER, true, Some("tracker_cannot_be_shared")),
        (TRACKER, false, None),
    ];
    for (n, shared, expected) in table {
        let mut ws = Memory::new(0);
        assert_eq!(
            code(ws.run(Mutation::SetShared {
                ticket: id(n),
                shared
            })),
            expected,
            "#{n} shared={shared}"
        );
    }
}

#[test]
fn r2_sharing_a_back_office_ticket_is_its_submission_and_can_be_undone() {
    let mut ws = Memory::new(0);
    let out = ws
        .run(Mutation::SetShared {
            ticket: id(BACK_OFFICE),
            shared: true,
        })
        .unwrap();
    assert!(out
        .effects
        .contains(&Effect::Customer(CustomerEvent::Submitted {
            ticket: id(BACK_OFFICE)
        })));
    assert!(ws.get(BACK_OFFICE).shared);
    let again = ws
        .run(Mutation::SetShared {
            ticket: id(BACK_OFFICE),
            shared: true,
        })
        .unwrap();
    assert_eq!(again, Outcome::default(), "sharing twice changes nothing");
    let out = ws
        .run(Mutation::SetShared {
            ticket: id(BACK_OFFICE),
            shared: false,
        })
        .unwrap();
    assert!(out.effects.is_empty());
    assert!(!ws.get(BACK_OFFICE).shared);
}

#[test]
fn replies_need_a_shared_ticket_and_notes_never_reach_the_customer() {
    let table = [
        (CUSTOMER, None),
        (BACK_OFFICE, Some("reply_on_internal_ticket")),
        (TRACKER, Some("reply_on_internal_ticket")),
    ];
    for (n, expected) in table {
        let mut ws = Memory::new(0);
        assert_eq!(
            code(ws.run(Mutation::Reply {
                attachments: Vec::new(),
                ticket: id(n),
                body: "Hello".into()
            })),
            expected,
            "#{n}"
        );
        let note = ws
            .run(Mutation::Note {
                attachments: Vec::new(),
                ticket: id(n),
                body: "internal".into(),
                keep_private: false,
            })
            .unwrap();
        assert!(
            !note
                .effects
                .iter()
                .any(|e| matches!(e, Effect::Customer(_))),
            "#{n}: notes notify nobody"
        );
    }
    let mut ws = Memory::new(0);
    assert_eq!(
        code(ws.run(Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "  ".into()
        })),
        Some("empty_body")
    );
    let out = ws
        .run(Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "Hi".into(),
        })
        .unwrap();
    assert!(matches!(
        out.effects[..],
        [Effect::Customer(CustomerEvent::TeammateReplied { .. })]
    ));
}

#[test]
fn r6b_a_customer_reply_moves_a_waiting_ticket_to_in_progress() {
    let mut ws = Memory::new(0);
    ws.run(Mutation::SetState {
        ticket: id(CUSTOMER),
        state: state(2),
    })
    .unwrap();
    let customer = Author::Contact(ContactId::from_parts(1, 9));
    let out = ws
        .run_as(
            customer,
            Mutation::Reply {
                attachments: Vec::new(),
                ticket: id(CUSTOMER),
                body: "Here you go".into(),
            },
        )
        .unwrap();
    assert_eq!(ws.get(CUSTOMER).state_id, state(1));
    assert!(!out
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Customer(CustomerEvent::TeammateReplied { .. }))));
}

#[test]
fn states_close_and_reopen() {
    let mut ws = Memory::new(0);
    assert_eq!(
        code(ws.run(Mutation::SetState {
            ticket: id(CUSTOMER),
            state: state(4)
        })),
        Some("state_not_offered")
    );
    assert_eq!(
        code(ws.run(Mutation::SetState {
            ticket: id(CUSTOMER),
            state: StateId::from_parts(9, 9)
        })),
        Some("not_found")
    );

    ws.run(Mutation::SetState {
        ticket: id(CUSTOMER),
        state: state(3),
    })
    .unwrap();
    assert!(!ws.get(CUSTOMER).open, "resolving closes");
    ws.run(Mutation::Reopen {
        ticket: id(CUSTOMER),
    })
    .unwrap();
    assert_eq!(
        (ws.get(CUSTOMER).state_id, ws.get(CUSTOMER).open),
        (state(1), true),
        "reopened in progress"
    );

    let out = ws
        .run(Mutation::Close {
            ticket: id(CUSTOMER),
            resolved: false,
        })
        .unwrap();
    assert_eq!(
        ws.get(CUSTOMER).state_id,
        state(1),
        "closing without resolving keeps the state"
    );
    assert!(!ws.get(CUSTOMER).open);
    assert!(
        out.effects.is_empty(),
        "R6: closed without resolving notifies nobody"
    );
    ws.run(Mutation::Reopen {
        ticket: id(CUSTOMER),
    })
    .unwrap();
    assert!(ws.get(CUSTOMER).open);

    ws.run(Mutation::Close {
        ticket: id(CUSTOMER),
        resolved: true,
    })
    .unwrap();
    assert_eq!(
        (ws.get(CUSTOMER).state_id, ws.get(CUSTOMER).open),
        (state(3), false)
    );
    assert_eq!(
        ws.run(Mutation::SetState {
            ticket: id(CUSTOMER),
            state: state(3)
        })
        .unwrap(),
        Outcome::default()
    );
}

#[test]
fn r13_a_tracker_carries_its_linked_tickets() {
    let mut ws = Memory::new(5);
    // One linked ticket is already where the tracker goes: it is left alone.
    ws.tickets.get_mut(&id(1_000)).unwrap().state_id = state(1);
    let out = ws
        .run(Mutation::SetState {
            ticket: id(TRACKER),
            state: state(4),
        })
        .unwrap();
    let propagated: Vec<_> = out
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::StatePropagated { .. }))
        .collect();
    assert_eq!(propagated.len(), 4);
    for i in 0..5 {
        // "Triage" is not offered by the customer type: its first in-progress state is used.
        assert_eq!(ws.get(1_000 + i).state_id, state(1), "linked #{i}");
    }
    assert_eq!(ws.get(TRACKER).state_id, state(4));
    assert_eq!(ws.get(CUSTOMER).state_id, state(0), "unlinked tickets stay");
    let customer_events = out
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::Customer(CustomerEvent::StateChanged { .. })))
        .count();
    assert_eq!(
        customer_events, 4,
        "each linked customer ticket tells its customer; the tracker does not"
    );

    ws.run(Mutation::UnlinkTracker { ticket: id(1_001) })
        .unwrap();
    ws.run(Mutation::SetState {
        ticket: id(TRACKER),
        state: state(3),
    })
    .unwrap();
    assert_eq!(
        ws.get(1_001).state_id,
        state(1),
        "unlinking stops propagation"
    );
    assert_eq!(ws.get(1_002).state_id, state(3));
    assert!(!ws.get(1_002).open);
}

#[test]
fn r13_link_rules() {
    let table = [
        (CUSTOMER, TRACKER, None),
        (CUSTOMER, CUSTOMER, Some("not_a_tracker")),
        (
            BACK_OFFICE,
            TRACKER,
            Some("only_customer_tickets_link_to_trackers"),
        ),
        (
            TRACKER,
            TRACKER,
            Some("only_customer_tickets_link_to_trackers"),
        ),
    ];
    for (ticket, tracker, expected) in table {
        let mut ws = Memory::new(0);
        assert_eq!(
            code(ws.run(Mutation::LinkTracker {
                ticket: id(ticket),
                tracker: id(tracker)
            })),
            expected,
            "{ticket}->{tracker}"
        );
    }
    let mut ws = Memory::new(0);
    ws.add(301, 2, None);
    ws.run(Mutation::LinkTracker {
        ticket: id(CUSTOMER),
        tracker: id(TRACKER),
    })
    .unwrap();
    assert_eq!(
        ws.run(Mutation::LinkTracker {
            ticket: id(CUSTOMER),
            tracker: id(TRACKER)
        })
        .unwrap(),
        Outcome::default()
    );
    assert_eq!(
        code(ws.run(Mutation::LinkTracker {
            ticket: id(CUSTOMER),
            tracker: id(301)
        })),
        Some("already_linked_to_tracker")
    );
    assert_eq!(
        code(ws.run(Mutation::UnlinkTracker {
            ticket: id(BACK_OFFICE)
        })),
        Some("not_linked_to_tracker")
    );
    let out = ws
        .run(Mutation::UnlinkTracker {
            ticket: id(CUSTOMER),
        })
        .unwrap();
    let on: Vec<TicketId> = out.parts().map(|p| p.ticket).collect();
    assert_eq!(
        on,
        [id(CUSTOMER), id(TRACKER)],
        "both timelines record the unlink"
    );
}

#[test]
fn r12_back_office_notes_and_states_are_cross_posted_unless_kept_private() {
    let mut ws = Memory::new(0);
    let receipt = inbox_core::AttachmentId(ulid::Ulid::from_parts(1, 77));
    let out = ws
        .run(Mutation::Note {
            attachments: vec![receipt],
            ticket: id(BACK_OFFICE),
            body: "Refund approved".into(),
            keep_private: false,
        })
        .unwrap();
    let cross: Vec<_> = out.parts().filter(|p| p.ticket == id(CUSTOMER)).collect();
    assert_eq!(cross.len(), 1);
    assert_eq!(cross[0].attachments, vec![receipt], "its files come along");
    assert!(!inbox_core::attachment::customer_may_fetch(
        receipt,
        cross.iter().map(|p| (&p.kind, &p.attachments[..]))
    ));
    assert_eq!(
        cross[0].kind,
        PartKind::CrossPost {
            from_ticket: id(BACK_OFFICE),
            body: "Refund approved".into()
        }
    );
    assert!(!cross[0].kind.customer_visible());

    let private = ws
        .run(Mutation::Note {
            attachments: Vec::new(),
            ticket: id(BACK_OFFICE),
            body: "Only us".into(),
            keep_private: true,
        })
        .unwrap();
    assert!(private.parts().all(|p| p.ticket == id(BACK_OFFICE)));

    let out = ws
        .run(Mutation::SetState {
            ticket: id(BACK_OFFICE),
            state: state(1),
        })
        .unwrap();
    assert!(out.effects.contains(&Effect::CrossPosted {
        from: id(BACK_OFFICE),
        to: id(CUSTOMER)
    }));
    assert!(
        !out.effects.iter().any(|e| matches!(e, Effect::Customer(_))),
        "an unshared back-office ticket tells no customer"
    );

    let note_on_customer = ws
        .run(Mutation::Note {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "x".into(),
            keep_private: false,
        })
        .unwrap();
    assert!(
        note_on_customer.parts().all(|p| p.ticket == id(CUSTOMER)),
        "only back-office tickets cross-post"
    );
}

#[test]
fn r14_brand_and_assignment() {
    let mut ws = Memory::new(0);
    let other = BrandId::from_parts(1, 2);
    for n in [CUSTOMER, BACK_OFFICE, TRACKER] {
        let out = ws
            .run(Mutation::SetBrand {
                ticket: id(n),
                brand: other,
            })
            .unwrap();
        assert_eq!(ws.get(n).brand, other);
        let kinds: Vec<_> = out.parts().map(|p| p.kind.clone()).collect();
        let expected = PartKind::BrandChanged {
            brand: other,
            name: "Brand".into(),
        };
        assert_eq!(kinds, [expected], "recorded on the timeline");
    }
    assert_eq!(
        code(ws.run(Mutation::SetBrand {
            ticket: id(CUSTOMER),
            brand: BrandId::from_parts(7, 7)
        })),
        Some("not_found")
    );

    let teammate = Some(TeammateId::from_parts(1, ME));
    let team = Some(TeamId::from_parts(1, 5));
    let out = ws
        .run(Mutation::Assign {
            ticket: id(CUSTOMER),
            teammate,
            team,
        })
        .unwrap();
    assert_eq!(
        (
            ws.get(CUSTOMER).assignee_teammate,
            ws.get(CUSTOMER).assignee_team
        ),
        (teammate, team)
    );
    assert_eq!(out.parts().count(), 1);
    assert_eq!(
        ws.run(Mutation::Assign {
            ticket: id(CUSTOMER),
            teammate,
            team
        })
        .unwrap(),
        Outcome::default()
    );
}

#[test]
fn mutations_travel_as_tagged_json() {
    let m = Mutation::Note {
        attachments: Vec::new(),
        ticket: id(1),
        body: "x".into(),
        keep_private: false,
    };
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["type"], "note");
    assert_eq!(serde_json::from_value::<Mutation>(json).unwrap(), m);
}

#[test]
fn r11_a_conversation_has_at_most_one_shared_ticket() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(50);
    let convert = |ws: &Memory, n| Mutation::ConvertConversation {
        conversation,
        ticket: ws.request(n, 0),
    };
    let out = ws.run(convert(&ws, 500)).unwrap();
    assert!(out
        .effects
        .contains(&Effect::Customer(CustomerEvent::Submitted {
            ticket: id(500)
        })));
    assert_eq!(ws.get(500).conversation, Some(conversation));
    assert_eq!(ws.conversations[&conversation].linked_ticket, Some(id(500)));
    assert_eq!(
        code(ws.run(convert(&ws, 501))),
        Some("conversation_already_linked")
    );
    assert_eq!(
        code(ws.run(Mutation::LinkConversation {
            conversation,
            ticket: id(CUSTOMER)
        })),
        Some("conversation_already_linked")
    );
    assert_eq!(
        ws.run(Mutation::LinkConversation {
            conversation,
            ticket: id(500)
        })
        .unwrap(),
        Outcome::default()
    );

    let other = ws.new_conversation(51);
    assert_eq!(
        code(ws.run(Mutation::LinkConversation {
            conversation: other,
            ticket: id(TRACKER)
        })),
        Some("conversation_needs_shared_ticket")
    );
    assert_eq!(
        code(ws.run(Mutation::ConvertConversation {
            conversation: other,
            ticket: ws.request(502, 2)
        })),
        Some("conversation_needs_shared_ticket"),
        "a conversation is not converted into a tracker"
    );
    ws.run(Mutation::LinkConversation {
        conversation: other,
        ticket: id(CUSTOMER),
    })
    .unwrap();
    assert_eq!(ws.get(CUSTOMER).conversation, Some(other));
}

#[test]
fn r12_back_office_tickets_come_from_a_conversation_or_a_customer_ticket() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(60);
    // Any number of back-office tickets from one conversation, none of them its shared ticket.
    for n in [600, 601] {
        let req = CreateTicket {
            conversation: Some(conversation),
            ..ws.request(n, 1)
        };
        let out = ws.run(Mutation::CreateTicket(req)).unwrap();
        assert!(out.effects.is_empty(), "an internal ticket notifies nobody");
    }
    assert_eq!(ws.conversations[&conversation].linked_ticket, None);

    // From a customer ticket: the customer ticket's timeline shows the new link.
    let req = CreateTicket {
        origin_ticket: Some(id(CUSTOMER)),
        ..ws.request(602, 1)
    };
    let out = ws.run(Mutation::CreateTicket(req)).unwrap();
    let on_origin: Vec<_> = out.parts().filter(|p| p.ticket == id(CUSTOMER)).collect();
    assert_eq!(on_origin.len(), 1);
    assert_eq!(
        ws.get(602).number,
        Some(303),
        "numbered after the highest (#300, #301, #302)"
    );
    ws.run(Mutation::Note {
        attachments: Vec::new(),
        ticket: id(602),
        body: "Refunded".into(),
        keep_private: false,
    })
    .unwrap();

    let table = [
        (
            "customer ticket with an origin",
            CreateTicket {
                origin_ticket: Some(id(CUSTOMER)),
                ..ws.request(603, 0)
            },
            "origin_only_for_back_office",
        ),
        (
            "origin that is not a customer ticket",
            CreateTicket {
                origin_ticket: Some(id(TRACKER)),
                ..ws.request(604, 1)
            },
            "origin_only_for_back_office",
        ),
        (
            "tracker from a conversation",
            CreateTicket {
                conversation: Some(conversation),
                ..ws.request(605, 2)
            },
            "conversation_needs_shared_ticket",
        ),
        (
            "unknown brand",
            CreateTicket {
                brand: Some(BrandId::from_parts(8, 8)),
                ..ws.request(606, 0)
            },
            "not_found",
        ),
        (
            "shared tracker",
            CreateTicket {
                shared: Some(true),
                ..ws.request(607, 2)
            },
            "tracker_cannot_be_shared",
        ),
    ];
    for (name, req, expected) in table {
        assert_eq!(
            code(ws.run(Mutation::CreateTicket(req))),
            Some(expected),
            "{name}"
        );
    }
}

#[test]
fn attributes_are_updated_by_the_type_rules_and_recorded() {
    let mut ws = Memory::new(0);
    let update = |pairs: &[(&str, serde_json::Value)]| Mutation::UpdateAttributes {
        ticket: id(CUSTOMER),
        attributes: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    };
    let out = ws
        .run(update(&[
            ("title", json!("Renamed")),
            ("description", json!("Details")),
        ]))
        .unwrap();
    assert_eq!(
        (
            ws.get(CUSTOMER).title.as_str(),
            ws.get(CUSTOMER).description.as_str()
        ),
        ("Renamed", "Details")
    );
    let changed: Vec<_> = out
        .parts()
        .map(|p| match &p.kind {
            PartKind::AttributeChanged { key, from, to } => (key.clone(), from.clone(), to.clone()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        changed,
        [
            (
                "description".to_owned(),
                None,
                Some(AttributeValue::Text("Details".into()))
            ),
            (
                "title".to_owned(),
                Some(AttributeValue::Text("Ticket 100".into())),
                Some(AttributeValue::Text("Renamed".into()))
            ),
        ]
    );
    assert_eq!(
        ws.run(update(&[("title", json!("Renamed"))])).unwrap(),
        Outcome::default(),
        "unchanged values record nothing"
    );
    let table = [
        (update(&[("title", json!(" "))]), "attribute_required"),
        (update(&[("colour", json!("red"))]), "attribute_unknown"),
        (update(&[("title", json!(5))]), "attribute_wrong_type"),
    ];
    for (m, expected) in table {
        assert_eq!(code(ws.run(m)), Some(expected));
    }
    ws.run(update(&[("description", json!(null))])).unwrap();
    assert_eq!(
        ws.get(CUSTOMER).description,
        "",
        "an optional attribute can be cleared"
    );
}

#[test]
fn marking_read_records_the_teammate_only() {
    let mut ws = Memory::new(0);
    let out = ws
        .run(Mutation::MarkRead {
            ticket: id(CUSTOMER),
        })
        .unwrap();
    assert_eq!(
        out.changes,
        [Change::MarkRead {
            ticket: id(CUSTOMER),
            teammate: TeammateId::from_parts(1, ME),
            at: 1_000
        }]
    );
    let customer = Author::Contact(ContactId::from_parts(1, 9));
    assert_eq!(
        ws.run_as(
            customer,
            Mutation::MarkRead {
                ticket: id(CUSTOMER)
            }
        )
        .unwrap(),
        Outcome::default()
    );
}

#[test]
fn r11_reading_a_conversation_reads_its_linked_ticket() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(70);
    let read = Mutation::MarkConversationRead { conversation };
    let out = ws.run(read.clone()).unwrap();
    assert!(matches!(
        out.changes[..],
        [Change::MarkConversationRead { .. }]
    ));
    ws.run(Mutation::LinkConversation {
        conversation,
        ticket: id(CUSTOMER),
    })
    .unwrap();
    let out = ws.run(read).unwrap();
    assert!(matches!(
        out.changes[..],
        [Change::MarkConversationRead { .. }, Change::MarkRead { ticket, .. }] if ticket == id(CUSTOMER)
    ));
}

#[test]
fn r12_a_back_office_ticket_from_a_conversation_keeps_it_in_the_loop() {
    let mut ws = Memory::new(0);
    let conversation = ws.new_conversation(80);
    let req = CreateTicket {
        conversation: Some(conversation),
        ..ws.request(800, 1)
    };
    let out = ws.run(Mutation::CreateTicket(req)).unwrap();
    let on_conversation = |out: &Outcome| -> Vec<PartKind> {
        out.changes
            .iter()
            .filter_map(|c| match c {
                Change::AppendConversationPart(p) if p.conversation == conversation => {
                    Some(p.kind.clone())
                }
                _ => None,
            })
            .collect()
    };
    assert!(
        matches!(&on_conversation(&out)[..], [PartKind::LinkChanged { link, .. }] if link == "back_office")
    );

    let out = ws
        .run(Mutation::Note {
            attachments: Vec::new(),
            ticket: id(800),
            body: "Checked the logs".into(),
            keep_private: false,
        })
        .unwrap();
    assert_eq!(
        on_conversation(&out),
        [PartKind::CrossPost {
            from_ticket: id(800),
            body: "Checked the logs".into()
        }]
    );
    assert!(out.effects.contains(&Effect::CrossPostedToConversation {
        from: id(800),
        conversation
    }));
    let out = ws
        .run(Mutation::SetState {
            ticket: id(800),
            state: state(1),
        })
        .unwrap();
    assert_eq!(
        on_conversation(&out).len(),
        1,
        "state changes are cross-posted too"
    );
    let private = ws
        .run(Mutation::Note {
            attachments: Vec::new(),
            ticket: id(800),
            body: "Only us".into(),
            keep_private: true,
        })
        .unwrap();
    assert!(on_conversation(&private).is_empty());
}
