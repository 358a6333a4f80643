//! Only other people's activity makes a ticket unread: after my own reply on my ticket (which
//! notifies its customer and records so), the row stays read and the window's count stays.

use inbox_core::Category;
use inbox_store::{Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::{unread_in, App};

#[tokio::test(flavor = "multi_thread")]
async fn my_own_reply_leaves_my_ticket_read() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let query = inbox_store::InboxQuery {
        filters: Default::default(),
        view: View::Mine,
        sort: inbox_store::Sort::LastActivity,
        offset: 0,
        // Rows on screen without scrolling.
        limit: 8,
    };
    let row = store
        .list_tickets(&query)
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.open && r.category == Category::Customer)
        .expect("an open customer ticket of mine in the demo");

    // Mine opens with tickets and conversations together: its tickets alone.
    app.click("[data-testid=view-mine]").await;
    app.click("[data-testid=kind-tickets]").await;
    let css = format!("[data-testid=ticket-row][data-ticket-id='{}']", row.id);
    app.click(&css).await;
    app.until(
        "the opened ticket read",
        "const r = document.querySelector(arguments[0]); return !!r && !r.classList.contains('unread');",
        vec![json!(css)],
    )
    .await;
    let before = unread_in(&app.window_title());

    let body = "Thanks, a fix is on its way.";
    app.click("[data-testid=composer-reply]").await;
    app.type_into("[data-testid=composer-input]", body).await;
    app.click("[data-testid=composer-send]").await;
    let sent = async {
        loop {
            let replied =
                store.timeline(row.id).unwrap().iter().any(
                    |p| matches!(&p.kind, inbox_core::PartKind::Reply { body: b } if b == body),
                );
            let notified = store
                .timeline(row.id)
                .unwrap()
                .iter()
                .any(|p| p.kind.as_str() == "customers_notified" && p.created_at > 0);
            if replied && notified {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    };
    crate::harness::within("the reply and its notification record stored", sent).await;
    // Give the list its refresh after the change before looking.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let still_read = app
        .js(
            "const r = document.querySelector(arguments[0]); return !!r && !r.classList.contains('unread');",
            vec![json!(css)],
        )
        .await;
    assert_eq!(still_read, json!(true), "my own reply is not news to me");
    // Whom the reply notified shows under it, not as a row of its own.
    let folded = app
        .until(
            "the reply with whom it notified",
            "const replies = [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=reply]')];
             const mine = replies.find(r => r.textContent.includes(arguments[0]));
             const rows = document.querySelectorAll('[data-testid=timeline-entry][data-kind=customers_notified]').length;
             const under = mine && mine.querySelector('[data-testid=timeline-notified]');
             return under ? [under.textContent.trim(), rows] : null;",
            vec![json!(body)],
        )
        .await;
    assert!(
        folded[0]
            .as_str()
            .unwrap()
            .starts_with("Notified the customer"),
        "{folded}"
    );
    app.screenshot("reply-notified-folded");
    assert!(!store.is_unread(row.id).unwrap());
    assert_eq!(unread_in(&app.window_title()), before);
    app.close().await;
}
