//! R12 in the real window: a back-office ticket raised from a customer ticket, and its note
//! cross-posted back to the customer ticket's timeline.

use inbox_core::{Category, PartKind};
use inbox_store::{InboxQuery, Sort, Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::{first_in_view, App};

#[tokio::test(flavor = "multi_thread")]
async fn a_back_office_ticket_from_a_customer_ticket_cross_posts_its_notes() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let customer = first_in_view(
        &store,
        View::Category {
            category: Category::Customer,
        },
    );

    app.click("[data-testid=view-category-customer]").await;
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        customer.id
    ))
    .await;
    app.until(
        "the customer ticket to open",
        "const t = document.querySelector('[data-testid=detail-title]'); return t && t.textContent.trim() === arguments[0];",
        vec![json!(customer.title)],
    )
    .await;

    app.click("[data-testid=create-back-office]").await;
    app.click("[data-testid=create-ticket-form]").await;
    // The demo's first back-office type is "Billing investigation": title and invoice number.
    app.type_into(
        "label[data-field=title] input",
        "Check the refund with finance",
    )
    .await;
    app.type_into("label[data-field=invoice] input", "2291")
        .await;
    app.click("[data-testid=create-ticket-submit]").await;
    app.until(
        "the new back-office ticket to open",
        "const t = document.querySelector('[data-testid=detail-title]'); return t && t.textContent.trim() === arguments[0];",
        vec![json!("Check the refund with finance")],
    )
    .await;
    assert_eq!(
        app.text("[data-testid=detail-category]").await,
        "Back-office"
    );

    // A note on it lands, internally, on the customer ticket too.
    app.click("[data-testid=composer-note]").await;
    app.type_into(
        "[data-testid=composer-input]",
        "Finance approved the refund",
    )
    .await;
    app.click("[data-testid=composer-send]").await;
    app.until(
        "the note to be on the timeline",
        "return [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=note]')]
           .some(e => e.textContent.includes(arguments[0]));",
        vec![json!("Finance approved the refund")],
    )
    .await;

    let back_office = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::Category {
                category: Category::BackOffice,
            },
            sort: Sort::Created,
            offset: 0,
            limit: 1,
        })
        .unwrap()
        .rows
        .remove(0);
    let ticket = store.ticket(back_office.id).unwrap();
    assert_eq!(ticket.title, "Check the refund with finance");
    assert_eq!(
        ticket.origin_ticket,
        Some(customer.id),
        "it remembers where it came from"
    );
    assert!(!ticket.shared, "back-office tickets start internal");
    let on_customer = store.timeline(customer.id).unwrap();
    assert!(on_customer.iter().any(|p| matches!(&p.kind,
        PartKind::CrossPost { from_ticket, body } if *from_ticket == ticket.id && body == "Finance approved the refund")));
    assert!(on_customer
        .iter()
        .any(|p| matches!(&p.kind, PartKind::LinkChanged { link, .. } if link == "back_office")));
    app.screenshot("back-office-note");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_back_office_ticket_from_a_conversation_posts_back_to_it() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    // The first conversation the Conversations view lists: the open ones, latest first.
    let conversation = store
        .list_conversations(
            &inbox_store::ConversationQuery {
                view: View::All,
                status: inbox_store::ConversationStatus::Open,
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
    let row = format!(
        "[data-testid=conversation-row][data-conversation-id='{}']",
        conversation.id
    );

    app.click("[data-testid=view-conversations]").await;
    app.click(&row).await;
    app.click("[data-testid=conversation-detail] [data-testid=create-back-office]")
        .await;
    app.type_into("label[data-field=title] input", "Look into the export logs")
        .await;
    app.type_into("label[data-field=invoice] input", "77").await;
    app.click("[data-testid=create-ticket-submit]").await;
    // The conversation lists its new back-office ticket and says so on its timeline.
    app.until(
        "the conversation to show its back-office ticket",
        "return [...document.querySelectorAll('[data-testid=conversation-back-office]')]
           .some(e => e.textContent.includes(arguments[0]));",
        vec![json!("Look into the export logs")],
    )
    .await;
    app.until(
        "the link on the conversation's timeline",
        "return !!document.querySelector('[data-testid=conversation-detail] [data-testid=timeline-entry][data-kind=link_changed]');",
        vec![],
    )
    .await;

    // A note on the back-office ticket shows up on the conversation.
    app.click("[data-testid=conversation-back-office]").await;
    app.until(
        "the back-office ticket to open",
        "const t = document.querySelector('[data-testid=detail-title]'); return t && t.textContent.trim() === arguments[0];",
        vec![json!("Look into the export logs")],
    )
    .await;
    app.click("[data-testid=composer-note]").await;
    app.type_into("[data-testid=composer-input]", "Exports fail above 1 GB")
        .await;
    app.click("[data-testid=composer-send]").await;
    app.until(
        "the note to be saved",
        "return [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=note]')]
           .some(e => e.textContent.includes(arguments[0]));",
        vec![json!("Exports fail above 1 GB")],
    )
    .await;
    app.click("[data-testid=view-conversations]").await;
    app.click(&row).await;
    app.until(
        "the cross-post on the conversation",
        "return [...document.querySelectorAll('[data-testid=conversation-detail] [data-testid=timeline-entry][data-kind=cross_post]')]
           .some(e => e.textContent.includes(arguments[0]));",
        vec![json!("Exports fail above 1 GB")],
    )
    .await;
    app.screenshot("conversation-cross-post");
    app.close().await;
}
