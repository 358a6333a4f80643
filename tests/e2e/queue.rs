//! A teammate's queue in the real window: Mine opens with Both, one list of my tickets and
//! conversations by last activity; j moves from a conversation to a ticket and each opens in
//! its own pane; the count next to Both adds tickets and conversations.

use inbox_core::{Author, Millis, Mutation};
use inbox_store::{
    ConversationQuery, ConversationStatus, Filters, QueueQuery, QueueRow, Store, View,
    DATABASE_FILE,
};
use serde_json::json;

use crate::harness::{App, ENTER};

fn apply(store: &mut Store, mutation: Mutation, at: Millis) {
    let me = Author::Teammate(store.me().unwrap().id);
    store
        .apply(&mutation, me, at, &mut || {
            ulid::Ulid::from_datetime(std::time::SystemTime::now()).random()
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn mine_with_both_lists_my_ticket_and_conversation_and_j_opens_each_in_its_pane() {
    let app = App::launch(&["--demo"]).await;
    let mut store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let me = store.me().unwrap().id;
    let now = inbox_server::authority::now();

    // An open unassigned ticket and an open unassigned conversation become mine, each with a
    // note of mine: the conversation's the latest, so it comes first, then the ticket.
    let ticket = store
        .list_tickets(&inbox_store::InboxQuery {
            view: View::Unassigned,
            filters: Filters {
                open: Some(true),
                ..Filters::default()
            },
            sort: inbox_store::Sort::LastActivity,
            offset: 0,
            limit: 1,
        })
        .unwrap()
        .rows
        .remove(0)
        .id;
    let conversation = store
        .list_conversations(
            &ConversationQuery {
                view: View::All,
                status: ConversationStatus::Open,
                unread: false,
                offset: 0,
                limit: 50,
            },
            now,
        )
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.conversation.assignee_teammate != Some(me))
        .expect("the demo has open conversations someone else or nobody has")
        .conversation
        .id;
    apply(
        &mut store,
        Mutation::Assign {
            ticket,
            teammate: Some(me),
            team: None,
        },
        now,
    );
    apply(
        &mut store,
        Mutation::Note {
            attachments: Vec::new(),
            ticket,
            body: "Taking this one".into(),
            keep_private: false,
        },
        now + 1,
    );
    apply(
        &mut store,
        Mutation::AssignConversation {
            conversation,
            teammate: Some(me),
            team: None,
        },
        now + 2,
    );
    apply(
        &mut store,
        Mutation::ConversationNote {
            attachments: Vec::new(),
            conversation,
            body: "Taking this one too".into(),
        },
        now + 3,
    );
    let page = store
        .list_queue(
            &QueueQuery {
                view: View::Mine,
                open: Some(true),
                unread: false,
                offset: 0,
                limit: 2,
            },
            now + 4,
        )
        .unwrap();
    let top: Vec<(&str, String)> = page
        .rows
        .iter()
        .map(|r| match r {
            QueueRow::Ticket(t) => ("ticket", t.id.to_string()),
            QueueRow::Conversation(c) => ("conversation", c.conversation.id.to_string()),
        })
        .collect();
    assert_eq!(
        top,
        [
            ("conversation", conversation.to_string()),
            ("ticket", ticket.to_string())
        ],
        "the store's queue starts with them"
    );

    // Mine opens with Both: the two on top, each in its kind's look.
    app.click("[data-testid=view-mine]").await;
    app.wait_for("[data-testid=kind-both][aria-pressed=true]")
        .await;
    for (index, (kind, id)) in top.iter().enumerate() {
        app.wait_for(&format!(
            "[data-testid=queue-row][data-index='{index}'][data-kind={kind}][data-id='{id}']"
        ))
        .await;
    }
    assert_eq!(
        app.text("[data-testid=list-total]").await,
        page.total.to_string()
    );
    app.screenshot("queue");

    // j: the conversation, in the conversation pane; j again: the ticket, in the ticket pane;
    // k: back to the conversation.
    let steps = [('j', &top[0]), ('j', &top[1]), ('k', &top[0])];
    for (key, (kind, id)) in steps {
        app.press(&[key]).await;
        let pane = if *kind == "ticket" {
            "[data-testid=ticket-detail][data-ticket-id='{}']"
        } else {
            "[data-testid=conversation-detail][data-conversation-id='{}']"
        };
        app.wait_for(&pane.replace("{}", id)).await;
        let selected = app
            .until(
                &format!("{key} to select the {kind}"),
                "const r = document.querySelector('[data-testid=queue-row][aria-selected=true]');
                 return r && r.dataset.kind + ' ' + r.dataset.id;",
                vec![],
            )
            .await;
        assert_eq!(selected, json!(format!("{kind} {id}")));
    }

    // Opening reads and counts again (the counts on screen date from before the assignments):
    // Both counts my tickets plus my open conversations.
    let counts = store.view_counts().unwrap();
    let conversations = store.conversation_counts(now + 4).unwrap();
    app.until(
        "Both to count my tickets and conversations",
        "const n = document.querySelector('[data-testid=kind-both] .n');
         return n && n.textContent === arguments[0];",
        vec![json!((counts.mine + conversations.mine).to_string())],
    )
    .await;

    // Enter on the ticket's row opens it too.
    app.js(
        "document.querySelector('[data-testid=queue-row][data-index=\"1\"]').focus();",
        vec![],
    )
    .await;
    app.press(&[ENTER]).await;
    app.wait_for(&format!(
        "[data-testid=ticket-detail][data-ticket-id='{}']",
        top[1].1
    ))
    .await;
    app.close().await;
}
