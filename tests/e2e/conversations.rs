//! Conversations in the real window: the list (moved through with j and k), a conversation's
//! messages, a reply with its live notification preview, sent and shown on the timeline; and,
//! synced with a server, a customer's new message showing live and raising a desktop
//! notification for the conversation's assignee.

use inbox_core::{
    Author, Contact, ConversationId, MessageChannel, Mutation, PartKind, StartConversation,
};
use inbox_server::authority::{apply_one, Apply};
use inbox_server::setup::teammate_token;
use inbox_server::storage::{Kind, SharedStorage, StorageExt};
use inbox_server::workspace::Db;
use inbox_store::{ConversationQuery, ConversationStatus, Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::{App, CTRL, ENTER, SHIFT};
use crate::server::{admin_id, start_server, ADMIN};

#[tokio::test(flavor = "multi_thread")]
async fn a_conversation_is_read_answered_with_a_preview_and_moved_through_with_j_and_k() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let open = |limit| {
        store
            .list_conversations(
                &ConversationQuery {
                    view: View::All,
                    status: ConversationStatus::Open,
                    unread: false,
                    offset: 0,
                    limit,
                },
                inbox_server::authority::now(),
            )
            .unwrap()
            .rows
    };
    let rows = open(2);
    assert!(rows.len() == 2, "the demo has open conversations");
    let (first, second) = (&rows[0].conversation, &rows[1].conversation);

    // The Conversations view lists the open ones; j selects the first, then the next; k goes
    // back.
    app.click("[data-testid=view-conversations]").await;
    app.wait_for(&format!(
        "[data-testid=conversation-row][data-conversation-id='{}']",
        first.id
    ))
    .await;
    for (key, expected) in [('j', first), ('j', second), ('k', first)] {
        app.press(&[key]).await;
        app.until(
            &format!("{key} to open {}", expected.subject),
            "const d = document.querySelector('[data-testid=conversation-detail]');
             return d && d.dataset.conversationId === arguments[0];",
            vec![json!(expected.id.to_string())],
        )
        .await;
        let selected = app
            .js(
                "const r = document.querySelector('[data-testid=conversation-row][aria-selected=true]');
                 return r && r.dataset.conversationId;",
                vec![],
            )
            .await;
        assert_eq!(selected, json!(expected.id.to_string()), "the row follows");
    }

    // Its messages, as the store has them: the customer's and the team's, notes apart.
    let detail = store.conversation_detail(first.id).unwrap();
    let messages = |kind: &str| {
        detail
            .timeline
            .iter()
            .filter(|e| e.kind.as_str() == kind)
            .count()
    };
    let shown = app
        .until(
            "the conversation's messages",
            "const n = document.querySelectorAll(
               '[data-testid=conversation-detail] [data-testid=timeline-entry][data-kind=reply]').length;
             return n > 0 ? n : null;",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(messages("reply")));
    let notes = app
        .js(
            "return document.querySelectorAll(
               '[data-testid=conversation-detail] [data-testid=timeline-entry][data-kind=note]').length;",
            vec![],
        )
        .await;
    assert_eq!(notes, json!(messages("note")));
    assert_eq!(
        app.text("[data-testid=conversation-subject]").await,
        first.subject
    );

    // A reply, previewed as it is typed: the customer, by the Messenger's Messages space.
    let body = "Thanks, this is fixed now: could you try again?";
    app.click("[data-testid=composer-reply]").await;
    app.type_into("[data-testid=composer-input]", body).await;
    let summary = app
        .text("[data-testid=notification-preview] [data-testid=preview-summary]")
        .await;
    assert_eq!(summary, "1 customer will be notified");
    app.click("[data-testid=notification-preview] [data-testid=preview-expand]")
        .await;
    let css = format!(
        "[data-testid=notification-preview] [data-testid=preview-delivery][data-contact-id='{}']",
        first.contact
    );
    app.wait_for(&css).await;
    let channels = app
        .js(
            "return [...document.querySelector(arguments[0]).querySelectorAll('[data-testid=preview-channel]')]
               .map(c => c.dataset.channel);",
            vec![json!(css)],
        )
        .await;
    assert!(
        channels
            .as_array()
            .unwrap()
            .contains(&json!("messages_space_badge")),
        "{channels}"
    );
    app.screenshot("conversation-reply-preview");

    // Sent: on the timeline, in the store, and the conversation leads the list.
    app.click("[data-testid=composer-send]").await;
    app.until(
        "the reply on the timeline",
        "return [...document.querySelectorAll(
            '[data-testid=conversation-detail] [data-testid=timeline-entry][data-kind=reply]')]
           .some(e => e.textContent.includes(arguments[0]));",
        vec![json!(body)],
    )
    .await;
    app.until(
        "the composer emptied",
        "return document.querySelector('[data-testid=composer-input]').value === '';",
        vec![],
    )
    .await;
    let timeline = store.conversation_timeline(first.id).unwrap();
    assert!(timeline.iter().any(|e| matches!(&e.kind,
        PartKind::Reply { body: b } if b == body)
        && e.author == Author::Teammate(store.me().unwrap().id)));
    assert_eq!(open(1)[0].conversation.id, first.id);
    // The list holds still while I work in it; `.` shows it as it is now.
    app.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;
    app.press(&['.']).await;
    app.until(
        "the conversation first in the list",
        "const r = document.querySelector('[data-testid=conversation-row][data-index=\"0\"]');
         return r && r.dataset.conversationId === arguments[0];",
        vec![json!(first.id.to_string())],
    )
    .await;
    app.screenshot("conversation-replied");

    // Snoozed until tomorrow: it leaves the open list (once the list is refreshed).
    app.press(&['z']).await;
    app.click("[data-testid=snooze-tomorrow]").await;
    app.until(
        "the conversation snoozed",
        "const d = document.querySelector('[data-testid=conversation-detail]');
         return d && d.dataset.state === 'snoozed';",
        vec![],
    )
    .await;
    // It stays, marked, until the list is refreshed.
    app.until(
        "the snoozed conversation marked as out of the open list",
        "const r = document.querySelector(`[data-testid=conversation-row][data-conversation-id='${arguments[0]}']`);
         return r && r.dataset.gone === 'true';",
        vec![json!(first.id.to_string())],
    )
    .await;
    app.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;
    app.press(&['.']).await;
    app.until(
        "the snoozed conversation out of the open list",
        "return !document.querySelector(`[data-testid=conversation-row][data-conversation-id='${arguments[0]}']`);",
        vec![json!(first.id.to_string())],
    )
    .await;
    assert!(store
        .conversation(first.id)
        .unwrap()
        .snoozed_until
        .is_some());
    app.close().await;
}

/// A contact of the server's workspace.
fn a_contact(storage: &SharedStorage) -> Contact {
    storage
        .reading(|tx| {
            let rows = tx.list(Kind::Contact, "", 1)?;
            Ok(serde_json::from_str(&rows[0].1).unwrap())
        })
        .unwrap()
}

/// Applies `mutation` on the server as `actor`, as its API would.
fn on_server(storage: &SharedStorage, mutation: Mutation, actor: Author) {
    storage
        .writing(|tx| {
            apply_one(
                &Db::new(tx),
                &mutation,
                Apply {
                    actor,
                    now: inbox_server::authority::now(),
                    origin: None,
                    skip_notifications: false,
                },
            )
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customers_message_shows_live_and_notifies_the_assignee() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let me = admin_id(&storage);
    let contact = a_contact(&storage);
    let customer = Author::Contact(contact.id);
    let id = ConversationId::from_parts(inbox_server::authority::now() as u64, 0xC0FFEE);
    on_server(
        &storage,
        Mutation::StartConversation(StartConversation {
            id,
            contact: contact.id,
            subject: "Exports stop at 80%".into(),
            body: "My export stops at 80% every time.".into(),
            channel: MessageChannel::Messenger,
        }),
        customer,
    );
    on_server(
        &storage,
        Mutation::AssignConversation {
            conversation: id,
            teammate: Some(me),
            team: None,
        },
        Author::Teammate(me),
    );
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;

    // Mine, conversations: it is there; opened, it shows the customer's message.
    app.click("[data-testid=view-mine]").await;
    app.click("[data-testid=kind-conversations]").await;
    let row = format!("[data-testid=conversation-row][data-conversation-id='{id}']");
    app.click(&row).await;
    app.until(
        "the customer's first message",
        "return [...document.querySelectorAll('[data-testid=conversation-detail] [data-testid=timeline-entry]')]
           .some(e => e.textContent.includes('stops at 80%'));",
        vec![],
    )
    .await;

    // The customer writes again: the open conversation shows it without a reload, and a
    // desktop notification tells me.
    on_server(
        &storage,
        Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation: id,
            body: "It also fails with smaller files.".into(),
            channel: MessageChannel::Messenger,
        },
        customer,
    );
    app.until(
        "the customer's new message, live",
        "return [...document.querySelectorAll('[data-testid=conversation-detail] [data-testid=timeline-entry][data-kind=reply]')]
           .some(e => e.textContent.includes('smaller files'));",
        vec![],
    )
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !app
        .notifications_log()
        .contains(&format!("New message from {}", contact.name))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "a desktop notification for the message: {}",
            app.notifications_log()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.screenshot("conversation-live");

    // Looking at tickets, a third message's notification opens the conversation.
    app.click("[data-testid=kind-tickets]").await;
    app.wait_for("[data-testid=ticket-list]").await;
    on_server(
        &storage,
        Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation: id,
            body: "Any news on the export?".into(),
            channel: MessageChannel::Email,
        },
        customer,
    );
    app.click_notification().await;
    app.until(
        "the notified conversation open",
        "const d = document.querySelector('[data-testid=conversation-detail]');
         return d && d.dataset.conversationId === arguments[0]
           && d.textContent.includes('Any news on the export?');",
        vec![json!(id.to_string())],
    )
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn converting_a_conversation_previews_the_customers_notification_and_keeps_their_words() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    // An open conversation without a ticket yet.
    let conversation = store
        .list_conversations(
            &ConversationQuery {
                view: View::All,
                status: ConversationStatus::Open,
                unread: false,
                offset: 0,
                limit: 50,
            },
            inbox_server::authority::now(),
        )
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.conversation)
        .find(|c| c.linked_ticket.is_none())
        .expect("an open conversation without a ticket");
    let transcript = store
        .conversation_detail(conversation.id)
        .unwrap()
        .transcript;
    assert!(!transcript.is_empty());

    app.click("[data-testid=view-conversations]").await;
    app.click(&format!(
        "[data-testid=conversation-row][data-conversation-id='{}']",
        conversation.id
    ))
    .await;
    app.click("[data-testid=convert-conversation]").await;
    // The form starts from the customer's own words, and says what they will get before
    // anything is sent.
    app.until(
        "the description prefilled with the customer's messages",
        "const d = document.querySelector('[data-testid=create-ticket-form] label[data-field=description] textarea');
         return d && d.value === arguments[0];",
        vec![json!(transcript)],
    )
    .await;
    // Required fields of the type (a bug report's severity) come before the preview.
    app.js(
        "for (const s of document.querySelectorAll('[data-testid=create-ticket-form] label[data-field] select')) {
           const label = s.closest('label');
           if (label.querySelector('.req, [aria-label=required]') || label.textContent.includes('*')) {
             s.value = s.options[s.options.length - 1].value;
             s.dispatchEvent(new Event('change', { bubbles: true }));
           }
         }",
        vec![],
    )
    .await;
    app.until(
        "the preview of the customer's notification",
        "const p = document.querySelector('[data-testid=create-ticket-preview]');
         return p && p.textContent.includes('1 customer will be notified');",
        vec![],
    )
    .await;
    app.screenshot("conversation-convert-preview");
    app.click("[data-testid=create-ticket-submit]").await;
    // A ticket that reaches its customer is created on Confirm, after its preview.
    app.until(
        "Confirm ready",
        "const b = document.querySelector('[data-testid=preview-confirm]'); return !!b && !b.disabled;",
        vec![],
    )
    .await;
    app.click("[data-testid=preview-confirm]").await;
    app.until(
        "the conversation to show its new ticket",
        "const t = document.querySelector('[data-testid=conversation-ticket]'); return !!t && t.textContent.includes(arguments[0]);",
        vec![json!(conversation.subject)],
    )
    .await;
    let converted = store.conversation(conversation.id).unwrap();
    let ticket = store
        .ticket(
            converted
                .linked_ticket
                .expect("the conversation has its ticket"),
        )
        .unwrap();
    assert_eq!(ticket.description, transcript, "without losing a word");
    assert_eq!(ticket.conversation, Some(conversation.id));
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn send_and_close_answers_and_closes_a_conversation_after_one_preview() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let first = store
        .list_conversations(
            &ConversationQuery {
                view: View::All,
                status: ConversationStatus::Open,
                unread: false,
                offset: 0,
                limit: 1,
            },
            inbox_server::authority::now(),
        )
        .unwrap()
        .rows
        .remove(0)
        .conversation;
    app.click("[data-testid=view-conversations]").await;
    app.click(&format!(
        "[data-testid=conversation-row][data-conversation-id='{}']",
        first.id
    ))
    .await;
    app.wait_for("[data-testid=conversation-detail] [data-testid=composer-reply]")
        .await;
    app.click("[data-testid=composer-reply]").await;
    let body = "All sorted on our side: closing this one.";
    app.type_into("[data-testid=composer-input]", body).await;
    app.press(&[CTRL, SHIFT, ENTER]).await;
    app.wait_for("[data-testid=preview-panel]").await;
    assert_eq!(
        app.text("[data-testid=preview-title]").await,
        "Send and close?"
    );
    app.until(
        "Confirm to take the focus",
        "return document.activeElement?.dataset.testid === 'preview-confirm';",
        vec![],
    )
    .await;
    app.press(&[ENTER]).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while store.conversation(first.id).unwrap().open {
        assert!(
            std::time::Instant::now() < deadline,
            "the conversation closes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let timeline = store.conversation_timeline(first.id).unwrap();
    assert!(timeline
        .iter()
        .any(|e| matches!(&e.kind, PartKind::Reply { body: b } if b == body)));
    assert_eq!(
        app.text("[data-testid=undo-label]").await,
        "Reply sent and conversation closed"
    );
    app.close().await;
}
