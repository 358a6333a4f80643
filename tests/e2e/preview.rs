//! The notification preview for a reply: the customer, the channels and the email subject the
//! delivery code will use, before the teammate sends.

use inbox_core::{Author, Category, Mutation};
use inbox_store::{Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::{first_in_view, App};

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_preview_shows_the_customer_channels_and_email() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let ticket = first_in_view(
        &store,
        View::Category {
            category: Category::Customer,
        },
    );
    let body = "Thanks, we are on it";
    let me = Author::Teammate(store.me().unwrap().id);
    let expected = store
        .preview(
            &Mutation::Reply {
                attachments: Vec::new(),
                ticket: ticket.id,
                body: body.into(),
            },
            me,
            0,
        )
        .unwrap();
    let delivery = &expected.deliveries[0];

    app.click("[data-testid=view-category-customer]").await;
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        ticket.id
    ))
    .await;
    app.click("[data-testid=composer-reply]").await;
    app.type_into("[data-testid=composer-input]", body).await;
    // The composer shows a one-line summary as you type; its details list each customer.
    app.click("[data-testid=notification-preview] [data-testid=preview-expand]")
        .await;

    let css = format!(
        "[data-testid=notification-preview] [data-testid=preview-delivery][data-contact-id='{}']",
        delivery.contact.id
    );
    app.until(
        "the reply's preview",
        "return !!document.querySelector(arguments[0]);",
        vec![json!(css)],
    )
    .await;
    let channels = app
        .js(
            "return [...document.querySelector(arguments[0]).querySelectorAll('[data-testid=preview-channel]')]
               .map(c => c.dataset.channel);",
            vec![json!(css)],
        )
        .await;
    assert_eq!(
        channels,
        json!([
            "messenger_badge",
            "recent_tickets",
            "messages_space_badge",
            "email"
        ])
    );
    let subject = app
        .text(&format!("{css} [data-testid=preview-email-subject]"))
        .await;
    assert_eq!(subject, delivery.email.as_ref().unwrap().subject);
    let text = app.text(&css).await;
    assert!(text.contains(&delivery.contact.name), "{text}");
    assert!(
        text.contains("3 min"),
        "the reply-email delay is shown: {text}"
    );
    app.screenshot("reply-preview");
    app.close().await;
}

/// "See as customer" shows a shared ticket as its customer's Messenger does: its customer-facing
/// state, the replies, never an internal note; a tracker has no such view.
#[tokio::test(flavor = "multi_thread")]
async fn see_as_customer_shows_what_the_customer_sees_and_nothing_internal() {
    use inbox_core::messenger::customer_ticket;
    use inbox_core::PartKind;

    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let query = |category| inbox_store::InboxQuery {
        filters: Default::default(),
        view: View::Category { category },
        sort: inbox_store::Sort::LastActivity,
        offset: 0,
        limit: 200,
    };
    let rows = store.list_tickets(&query(Category::Customer)).unwrap().rows;
    // A customer ticket with both replies and an internal note.
    let (row, parts) = rows
        .iter()
        .find_map(|row| {
            let parts = store.timeline(row.id).unwrap();
            let has = |kind: &str| parts.iter().any(|p| p.kind.as_str() == kind);
            (has("reply") && has("note")).then(|| (row.clone(), parts))
        })
        .expect("a demo customer ticket with replies and a note");
    let ticket = store.ticket(row.id).unwrap();
    let ticket_type = store.ticket_type(ticket.type_id).unwrap();
    let name = |t| store.teammate(t).ok().map(|t| t.name);
    let expected = customer_ticket(
        &ticket,
        &ticket_type,
        &store.states().unwrap(),
        &parts,
        &name,
    )
    .expect("a customer ticket is the customer's");

    app.click("[data-testid=view-category-customer]").await;
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        row.id
    ))
    .await;
    app.click("[data-testid=see-as-customer]").await;
    let view = format!("[data-testid=customer-view][data-ticket-id='{}']", row.id);
    app.until(
        "the customer's view with its timeline",
        "const v = document.querySelector(arguments[0]); return !!v && !!v.querySelector('ol');",
        vec![json!(view)],
    )
    .await;
    let pressed = app
        .js(
            "return document.querySelector('[data-testid=see-as-customer]').getAttribute('aria-pressed');",
            vec![],
        )
        .await;
    assert_eq!(pressed, json!("true"));
    let text = app
        .js(
            "return document.querySelector(arguments[0]).innerText;",
            vec![json!(view)],
        )
        .await;
    let text = text.as_str().unwrap();
    assert!(text.contains(&expected.ticket.title), "{text}");
    assert!(
        text.contains(&expected.ticket.state_label),
        "the customer's label: {text}"
    );
    // Both sides of the thread, first lines (the view wraps long ones).
    for part in &parts {
        let first_line = |body: &str| body.lines().next().unwrap_or("").trim().to_owned();
        match &part.kind {
            PartKind::Reply { body } => {
                let line = first_line(body);
                assert!(text.contains(&line), "the reply {line:?} shows: {text}")
            }
            PartKind::Note { body } => {
                let line = first_line(body);
                assert!(!text.contains(&line), "a note {line:?} never shows: {text}")
            }
            _ => {}
        }
    }
    app.screenshot("see-as-customer");

    // Trackers are never anybody's: no such view.
    let tracker = first_in_view(
        &store,
        View::Category {
            category: Category::Tracker,
        },
    );
    app.click("[data-testid=view-category-tracker]").await;
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        tracker.id
    ))
    .await;
    app.until(
        "the tracker's pane",
        "return !!document.querySelector(`[data-testid=ticket-detail][data-ticket-id='${arguments[0]}']`);",
        vec![json!(tracker.id.to_string())],
    )
    .await;
    let button = app
        .js(
            "return !!document.querySelector('[data-testid=see-as-customer]');",
            vec![],
        )
        .await;
    assert_eq!(button, json!(false), "no customer view of a tracker");
    app.close().await;
}
