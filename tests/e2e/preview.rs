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
