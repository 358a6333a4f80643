//! What customers see: the Messenger model (R8, R9), the email (R10), and R3a: nothing
//! internal ever reaches them.

mod common;

use common::*;
use inbox_core::email::{
    email_replies, id_from_reply_token, logo_src, render, reply_token, EmailInput, EmailReply,
    Links, ReplyFiles, ATTACHED, LINKED, VIEW_IN_MESSENGER,
};
use inbox_core::messenger::{
    customer_timeline, customer_view, messenger_home, CustomerEntry, CustomerEntryKind,
    TicketAction, RECENT_TICKETS,
};
use inbox_core::notify::Thread;
use inbox_core::notify::{plan, MessengerState, NotificationSettings, Reason};
use inbox_core::*;

fn brand() -> Brand {
    Brand {
        id: BrandId::from_parts(1, 1),
        name: "Northwind".into(),
        logo_url: "data:logo".into(),
        color: String::new(),
        is_default: true,
    }
}

fn customer() -> Contact {
    Contact {
        id: contact(),
        name: "Ava Chen".into(),
        email: "ava@acme.example".into(),
        company: None,
        role: Default::default(),
        external_id: None,
    }
}

fn tickets(ws: &Memory) -> Vec<Ticket> {
    ws.tickets.values().cloned().collect()
}

#[test]
fn recent_tickets_hold_three_unresolved_tickets_newest_first() {
    let mut ws = Memory::new(0);
    for n in 0..5u128 {
        let req = ws.request(500 + n, 0);
        ws.run(Mutation::CreateTicket(req)).unwrap();
        ws.tickets
            .get_mut(&id(500 + n))
            .unwrap()
            .customer_activity_at = Some(10 + n as i64);
    }
    ws.run(Mutation::Close {
        ticket: id(504),
        resolved: true,
    })
    .unwrap();
    ws.tickets.get_mut(&id(504)).unwrap().customer_activity_at = Some(100);
    let home = messenger_home(contact(), &tickets(&ws), &ws.types, &ws.states, &[]);
    let recent: Vec<TicketId> = home.recent_tickets.iter().map(|t| t.id).collect();
    assert_eq!(recent.len(), RECENT_TICKETS);
    assert_eq!(
        recent,
        [id(503), id(502), id(501)],
        "newest first, never the resolved #504"
    );
    let space = home.tickets_space.unwrap();
    assert_eq!(
        space[0].id,
        id(504),
        "the Tickets space lists resolved tickets too, by activity"
    );
    assert_eq!(space[0].action, TicketAction::ViewClosedConversation);
    assert!(
        space
            .iter()
            .all(|t| t.id != id(BACK_OFFICE) && t.id != id(TRACKER)),
        "only shared tickets"
    );
}

#[test]
fn only_what_the_customer_sees_moves_a_ticket_up_their_list() {
    let mut ws = Memory::new(0);
    for n in 0..2u128 {
        ws.run(Mutation::CreateTicket(ws.request(600 + n, 0)))
            .unwrap();
        ws.tickets
            .get_mut(&id(600 + n))
            .unwrap()
            .customer_activity_at = Some(10 + n as i64);
    }
    let order = |ws: &Memory| -> Vec<TicketId> {
        messenger_home(contact(), &tickets(ws), &ws.types, &ws.states, &[])
            .recent_tickets
            .iter()
            .filter(|t| t.id == id(600) || t.id == id(601))
            .map(|t| t.id)
            .collect()
    };
    assert_eq!(order(&ws), [id(601), id(600)]);
    let note = Mutation::Note {
        attachments: Vec::new(),
        ticket: id(600),
        body: "internal only".into(),
        keep_private: false,
    };
    ws.run(note).unwrap();
    let assign = Mutation::Assign {
        ticket: id(600),
        teammate: None,
        team: Some(TeamId::from_parts(1, 1)),
    };
    ws.run(assign).unwrap();
    assert_eq!(
        order(&ws),
        [id(601), id(600)],
        "notes and assignments are internal"
    );
    assert!(
        ws.get(600).last_activity_at > 11,
        "teammates still see the activity"
    );
    ws.run(Mutation::Reply {
        attachments: Vec::new(),
        ticket: id(600),
        body: "We are on it.".into(),
    })
    .unwrap();
    assert_eq!(
        order(&ws),
        [id(600), id(601)],
        "a reply is news to the customer"
    );
}

#[test]
fn the_tickets_space_is_hidden_without_tickets() {
    let ws = Memory::new(0);
    let stranger = ContactId::from_parts(5, 5);
    let home = messenger_home(stranger, &tickets(&ws), &ws.types, &ws.states, &[]);
    assert_eq!(home.tickets_space, None);
    assert!(home.recent_tickets.is_empty());
}

#[test]
fn badges_count_unseen_tickets_per_space() {
    let mut ws = Memory::new(0);
    let out = ws
        .run(Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(CUSTOMER),
            body: "Hi".into(),
        })
        .unwrap();
    let mut unseen = plan(
        &out,
        &ws.states,
        &|_| MessengerState { collapsed: true },
        NotificationSettings::default(),
        0,
    );
    let out = ws
        .run(Mutation::SetShared {
            ticket: id(BACK_OFFICE),
            shared: true,
        })
        .unwrap();
    unseen.extend(plan(
        &out,
        &ws.states,
        &|_| MessengerState { collapsed: true },
        NotificationSettings::default(),
        0,
    ));
    let home = messenger_home(contact(), &tickets(&ws), &ws.types, &ws.states, &unseen);
    assert_eq!(
        (
            home.badges.messenger,
            home.badges.tickets_space,
            home.badges.messages_space
        ),
        (2, 1, 1)
    );
    // Each ticket with news gets its dot.
    let mut dotted = vec![id(CUSTOMER), id(BACK_OFFICE)];
    dotted.sort();
    assert_eq!(home.unseen_tickets, dotted);
    assert!(home.unseen_conversations.is_empty());
}

#[test]
fn the_email_names_the_brand_the_request_and_its_customer_facing_state() {
    let mut ws = Memory::new(0);
    ws.run(Mutation::SetState {
        ticket: id(CUSTOMER),
        state: state(2),
    })
    .unwrap();
    let view = customer_view(&ws.tickets[&id(CUSTOMER)], &ws.types, &ws.states).unwrap();
    let reasons = [Reason::StateChanged {
        from: state(1),
        to: state(2),
    }];
    let email = render(&EmailInput {
        reasons: &reasons,
        ticket: Some(&view),
        subject: &view.title,
        brand: &brand(),
        contact: &customer(),
        replies: &[],
        links: Links {
            reply_to: "reply+token@inbound.example".into(),
            logo: logo_src(&brand(), "https://support.example/"),
            messenger: Some("https://support.example/messenger?link=abc&x=1".into()),
        },
    });
    assert_eq!(
        email.subject,
        "[Northwind] Ticket 100 (#100) is now Waiting on you"
    );
    assert_eq!(email.to, "ava@acme.example");
    assert!(email.text.starts_with("Hi Ava,"));
    // Mail clients show no inline (data:) images: the logo is the server's PNG of it.
    let logo = format!("https://support.example/brands/{}/logo.png", brand().id);
    assert!(email.html.contains(&format!("src=\"{logo}\"")));
    assert!(!email.html.contains("data:logo") && email.html.contains("Waiting on you"));
    assert!(email
        .html
        .contains("href=\"https://support.example/messenger?link=abc&amp;x=1\""));
    assert!(email.html.contains(VIEW_IN_MESSENGER));
    assert!(email
        .text
        .contains("View in Messenger: https://support.example/messenger?link=abc&x=1"));
    let hosted = Brand {
        logo_url: "https://cdn.example/logo.png".into(),
        ..brand()
    };
    assert_eq!(
        logo_src(&hosted, "https://support.example"),
        "https://cdn.example/logo.png"
    );
    assert!(
        !email.text.contains("Waiting on customer"),
        "never the internal label"
    );

    let replies = [EmailReply::text("First <b>answer</b>")];
    let reply = render(&EmailInput {
        reasons: &[Reason::TeammateReplied { parts: vec![] }],
        ticket: Some(&view),
        subject: &view.title,
        brand: &brand(),
        contact: &customer(),
        replies: &replies,
        links: no_links(),
    });
    assert_eq!(
        reply.subject,
        "[Northwind] New reply to your request: Ticket 100 (#100)"
    );
    assert!(
        reply.html.contains("First &lt;b&gt;answer&lt;/b&gt;"),
        "replies are escaped in HTML"
    );
}

#[test]
fn a_reply_s_email_attaches_its_files_while_they_fit_and_links_the_rest() {
    let ws = Memory::new(0);
    let view = customer_view(&ws.tickets[&id(CUSTOMER)], &ws.types, &ws.states).unwrap();
    let file = |n: u64, name: &str, size: u64| Attachment {
        id: inbox_core::AttachmentId::from_parts(n, n as u128),
        sha256: "0".repeat(64),
        name: name.into(),
        content_type: "application/pdf".into(),
        size,
        uploader: inbox_core::Author::Contact(customer().id),
        created_at: 0,
    };
    let mib = 1024 * 1024;
    let replies = email_replies(vec![
        (
            "See the <b>files</b>".into(),
            vec![
                Some(file(1, "shot.png", 2048)),
                Some(file(2, "video.zip", 15 * mib)),
            ],
        ),
        (
            "And the invoice".into(),
            vec![Some(file(3, "invoice.pdf", 4 * mib))],
        ),
        ("Preview".into(), vec![None, None]),
    ]);
    let ReplyFiles::Listed(first) = &replies[0].files else {
        panic!("records known: listed");
    };
    assert_eq!(
        first.iter().map(|f| f.attached).collect::<Vec<_>>(),
        [true, false]
    );
    assert_eq!(replies[2].files, ReplyFiles::Unlisted(2));
    let email = render(&EmailInput {
        reasons: &[Reason::TeammateReplied { parts: vec![] }],
        ticket: Some(&view),
        subject: &view.title,
        brand: &brand(),
        contact: &customer(),
        replies: &replies,
        links: no_links(),
    });
    assert!(
        email.text.contains(&format!(
            "See the <b>files</b>\n\n{ATTACHED}\n- shot.png (2 KB)\n{LINKED}\n- video.zip (15.0 MB)"
        )),
        "{}",
        email.text
    );
    assert!(email.text.contains(&format!(
        "And the invoice\n\n{ATTACHED}\n- invoice.pdf (4.0 MB)"
    )));
    assert!(
        email
            .text
            .contains("2 files will be attached to this email (past 10 MB in all, linked to the Messenger instead)."),
        "the app's preview, which knows files by id only, says so: {}",
        email.text
    );
    assert!(email.html.contains("<li>video.zip <span"), "{}", email.html);
    assert!(email
        .html
        .contains(&format!("<p style=\"margin-bottom:4px\">{LINKED}</p>")));
}

#[test]
fn the_apps_preview_says_a_reply_s_files_will_be_attached() {
    let mut ws = Memory::new(0);
    let files = vec![
        inbox_core::AttachmentId::from_parts(1, 1),
        inbox_core::AttachmentId::from_parts(1, 2),
    ];
    let out = ws
        .run(Mutation::Reply {
            attachments: files,
            ticket: id(CUSTOMER),
            body: "Here is the fix.".into(),
        })
        .unwrap();
    let collapsed = |_| MessengerState { collapsed: true };
    let previews = inbox_core::notify::deliveries(
        &ws,
        &out,
        &collapsed,
        NotificationSettings::default(),
        1_000,
        &|_, _, _| no_links(),
    )
    .unwrap();
    let email = previews[0].email.as_ref().expect("the reply is emailed");
    assert!(
        email
            .text
            .contains("Here is the fix.\n\n2 files will be attached to this email"),
        "{}",
        email.text
    );
}

#[test]
fn a_reply_s_email_carries_its_formatting_in_html_and_its_plain_form_as_text() {
    let ws = Memory::new(0);
    let view = customer_view(&ws.tickets[&id(CUSTOMER)], &ws.types, &ws.states).unwrap();
    let replies = [EmailReply::text(
        "Hi, **please** try:\n- clear the _cache_\n- open [Settings](https://x.example/s)\n\n\
         <img src=x onerror=alert(1)> [no](javascript:alert(1))",
    )];
    let email = render(&EmailInput {
        reasons: &[Reason::TeammateReplied { parts: vec![] }],
        ticket: Some(&view),
        subject: &view.title,
        brand: &brand(),
        contact: &customer(),
        replies: &replies,
        links: no_links(),
    });
    assert!(email.html.contains(
        "<div><p>Hi, <strong>please</strong> try:</p><ul><li>clear the <em>cache</em></li>\
         <li>open <a href=\"https://x.example/s\" target=\"_blank\" rel=\"noopener noreferrer\">\
         Settings</a></li></ul><p>&lt;img src=x onerror=alert(1)&gt; [no](javascript:alert(1))</p></div>"
    ));
    assert!(!email.html.contains("<img src=x") && !email.html.contains("href=\"javascript"));
    assert!(email.text.contains(
        "Hi, please try:\n\n- clear the cache\n- open Settings (https://x.example/s)\n\n\
         <img src=x onerror=alert(1)> [no](javascript:alert(1))\n\n-- \n"
    ));
    assert!(!email.text.contains("**"));
}

#[test]
fn reply_tokens_identify_the_ticket_and_cannot_be_forged() {
    use inbox_core::email::{ReplyTokenError, REPLY_TOKEN_DAYS};
    let secret = b"workspace secret";
    let day = 86_400_000;
    let now = 20_000 * day + 5;
    let token = reply_token(Thread::Ticket(id(CUSTOMER)), now, secret);
    let read = |token: &str, secret: &[u8], at| {
        id_from_reply_token(token, secret, at, REPLY_TOKEN_DAYS).map(TicketId)
    };
    assert_eq!(read(&token, secret, now), Ok(id(CUSTOMER)));
    assert_eq!(
        read(&token.to_uppercase(), secret, now),
        Ok(id(CUSTOMER)),
        "mail systems may change case"
    );
    assert_eq!(
        read(&token, b"another secret", now),
        Err(ReplyTokenError::Forged)
    );
    let other = reply_token(Thread::Ticket(id(TRACKER)), now, secret);
    let (_, rest) = token.split_once('.').unwrap();
    let forged = format!("{}.{rest}", id(TRACKER).to_string().to_lowercase());
    assert_ne!(forged, other);
    assert_eq!(read(&forged, secret, now), Err(ReplyTokenError::Forged));
    assert_eq!(read("garbage", secret, now), Err(ReplyTokenError::Forged));
    let (signed, sig) = token.rsplit_once('.').unwrap();
    let (ticket, _) = signed.split_once('.').unwrap();
    let younger = format!("{ticket}.zzz.{sig}");
    assert_eq!(
        read(&younger, secret, now),
        Err(ReplyTokenError::Forged),
        "the day is signed"
    );
    assert_eq!(
        read(&token, secret, now + REPLY_TOKEN_DAYS * day),
        Ok(id(CUSTOMER))
    );
    assert_eq!(
        read(&token, secret, now + (REPLY_TOKEN_DAYS + 1) * day),
        Err(ReplyTokenError::Expired)
    );
    let in_2096 = reply_token(Thread::Ticket(id(CUSTOMER)), 46_000 * day, secret);
    assert!(
        format!("reply+{in_2096}").len() <= 64,
        "an address's local part has at most 64 characters"
    );
}

/// A tiny deterministic generator for the property test.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn r3a_no_internal_text_ever_reaches_a_customer() {
    for seed in 0..200u64 {
        let mut rng = Lcg(seed);
        let mut ws = Memory::new(3);
        // Internal texts carry a canary; customer-visible ones do not.
        for n in [TRACKER, BACK_OFFICE] {
            let t = ws.tickets.get_mut(&id(n)).unwrap();
            t.title = format!("CANARY-title-{n}");
            t.description = format!("CANARY-description-{n}");
        }
        ws.types[0]
            .attributes
            .push(AttributeDef::new("risk", "Risk", DataType::Text).internal());
        ws.types[0]
            .attributes
            .push(AttributeDef::new("plan", "Plan", DataType::Text));
        ws.tickets
            .get_mut(&id(CUSTOMER))
            .unwrap()
            .attributes
            .insert("risk".into(), AttributeValue::Text("CANARY-risk".into()));
        ws.tickets
            .get_mut(&id(CUSTOMER))
            .unwrap()
            .attributes
            .insert("plan".into(), AttributeValue::Text("Pro".into()));

        // A second back-office ticket, with nothing secret in it, that may get shared (R2).
        ws.add(201, 1, None);
        let mut outputs: Vec<String> = Vec::new();
        for step in 0..12 {
            let pool = [CUSTOMER, BACK_OFFICE, TRACKER, 1_000, 1_001, 201];
            let ticket = id(pool[rng.next(pool.len() as u64) as usize]);
            let m = match rng.next(7) {
                0 => Mutation::Note {
                    attachments: Vec::new(),
                    ticket,
                    body: format!("CANARY-note-{seed}-{step}"),
                    keep_private: rng.next(2) == 0,
                },
                1 => Mutation::Reply {
                    attachments: Vec::new(),
                    ticket,
                    body: format!("Visible reply {step}"),
                },
                2 => Mutation::SetState {
                    ticket,
                    state: state(rng.next(4) as usize),
                },
                // The canary-titled back-office ticket stays internal; #201 may be shared (R2).
                3 => Mutation::SetShared {
                    ticket,
                    shared: ticket != id(BACK_OFFICE) && rng.next(3) > 0,
                },
                4 => Mutation::Close {
                    ticket,
                    resolved: rng.next(2) == 0,
                },
                5 => Mutation::Reopen { ticket },
                _ => Mutation::SetState {
                    ticket: id(TRACKER),
                    state: state(rng.next(4) as usize),
                },
            };
            let Ok(out) = ws.run(m) else { continue };
            let notifications = plan(
                &out,
                &ws.states,
                &|_| MessengerState { collapsed: true },
                NotificationSettings::default(),
                0,
            );
            for n in &notifications {
                let ticket_id = n.about.ticket().expect("a ticket's notification");
                let ticket = &ws.tickets[&ticket_id];
                let view = customer_view(ticket, &ws.types, &ws.states)
                    .expect("only shared tickets are notified");
                let replies: Vec<EmailReply> = out
                    .parts()
                    .filter(|p| p.ticket == ticket_id)
                    .filter_map(|p| match &p.kind {
                        PartKind::Reply { body } => Some(EmailReply::text(body.clone())),
                        _ => None,
                    })
                    .collect();
                let email = render(&EmailInput {
                    reasons: &n.reasons,
                    ticket: Some(&view),
                    subject: &view.title,
                    brand: &brand(),
                    contact: &customer(),
                    replies: &replies,
                    links: no_links(),
                });
                outputs.push(format!("{}\n{}\n{}", email.subject, email.text, email.html));
            }
            let home = messenger_home(
                contact(),
                &tickets(&ws),
                &ws.types,
                &ws.states,
                &notifications,
            );
            outputs.push(serde_json::to_string(&home).unwrap());
        }
        assert!(!outputs.is_empty());
        for output in &outputs {
            assert!(
                !output.contains("CANARY"),
                "seed {seed}: internal text reached a customer:\n{output}"
            );
        }
        // The test can fail: the shared customer ticket's visible attribute does show up.
        assert!(
            outputs.iter().any(|o| o.contains("Pro")),
            "seed {seed}: visible attributes are shown"
        );
    }
}

#[test]
fn a_ticket_made_internal_again_takes_its_badges_with_it() {
    let mut ws = Memory::new(0);
    let out = ws
        .run(Mutation::SetShared {
            ticket: id(BACK_OFFICE),
            shared: true,
        })
        .unwrap();
    let unseen = plan(
        &out,
        &ws.states,
        &|_| MessengerState { collapsed: true },
        NotificationSettings::default(),
        0,
    );
    let badges = |ws: &Memory| {
        let home = messenger_home(contact(), &tickets(ws), &ws.types, &ws.states, &unseen);
        (home.badges.messenger, home.badges.tickets_space)
    };
    assert_eq!(badges(&ws), (1, 1));
    ws.run(Mutation::SetShared {
        ticket: id(BACK_OFFICE),
        shared: false,
    })
    .unwrap();
    assert_eq!(
        badges(&ws),
        (0, 0),
        "no badge for a ticket they cannot open"
    );
}

#[test]
fn r4_a_tickets_customer_thread_starts_with_its_submission() {
    let mut ws = Memory::new(0);
    ws.run(Mutation::Note {
        attachments: Vec::new(),
        ticket: id(BACK_OFFICE),
        body: "internal before sharing".into(),
        keep_private: true,
    })
    .unwrap();
    ws.run(Mutation::SetShared {
        ticket: id(BACK_OFFICE),
        shared: true,
    })
    .unwrap();
    let reply = ws
        .run(Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(BACK_OFFICE),
            body: "We are on it".into(),
        })
        .unwrap();
    let parts: Vec<Part> = reply.parts().cloned().collect();
    let ticket = &ws.tickets[&id(BACK_OFFICE)];
    // The share itself, as the store would hold it, then the reply.
    let share = Part {
        attachments: Vec::new(),
        id: PartId::from_parts(1, 77),
        ticket: ticket.id,
        author: Author::System,
        kind: PartKind::ShareChanged { shared: true },
        created_at: 500,
    };
    let mut timeline = vec![share.clone()];
    timeline.extend(parts);
    let name = |t: TeammateId| Some(format!("Teammate {t}"));
    let entries = customer_timeline(ticket, &timeline, &ws.states, &name);
    assert!(
        matches!(&entries[0].kind, CustomerEntryKind::Submitted { title, .. } if *title == ticket.title),
        "{entries:?}"
    );
    assert_eq!((entries[0].id, entries[0].at), (share.id, 500));
    assert!(
        matches!(&entries[1].kind, CustomerEntryKind::Message { body, author_name: Some(n), .. } if body == "We are on it" && n.starts_with("Teammate ")),
        "the team's messages name their writer: {entries:?}"
    );

    let customer_ticket = &ws.tickets[&id(CUSTOMER)];
    let entries = customer_timeline(customer_ticket, &[], &ws.states, &name);
    assert!(
        matches!(entries[..], [CustomerEntry { kind: CustomerEntryKind::Submitted { .. }, at, .. }] if at == customer_ticket.created_at)
    );
}

fn no_links() -> Links {
    Links {
        reply_to: String::new(),
        logo: String::new(),
        messenger: None,
    }
}
