//! Back and forward between the places a teammate opened, like a browser: a ticket, its
//! customer's profile, a ticket of theirs from the profile, and Alt+Left / Alt+Right between them.

use serde_json::{json, Value};

use crate::harness::{App, ALT, LEFT, RIGHT};

/// What the right-hand pane shows: ("ticket", id) or ("profile", id).
async fn showing(app: &App) -> Value {
    app.js(
        "const p = document.querySelector('[data-testid=profile]');
         if (p) return ['profile', p.dataset.id];
         const t = document.querySelector('[data-testid=ticket-detail]');
         return t ? ['ticket', t.dataset.ticketId] : null;",
        vec![],
    )
    .await
}

async fn until_showing(app: &App, what: &str, want: &Value) {
    app.until(
        what,
        "const p = document.querySelector('[data-testid=profile]');
         const t = document.querySelector('[data-testid=ticket-detail]');
         const now = p ? ['profile', p.dataset.id] : t ? ['ticket', t.dataset.ticketId] : null;
         return JSON.stringify(now) === JSON.stringify(arguments[0]);",
        vec![want.clone()],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn alt_left_and_right_go_back_and_forward_between_opened_places() {
    let app = App::launch(&["--demo"]).await;
    app.click("[data-testid=view-category-customer]").await;
    app.click("[data-testid=ticket-row]").await;
    app.wait_for("[data-testid=ticket-detail]").await;
    let first = showing(&app).await;
    assert_eq!(first[0], "ticket", "{first}");

    // The ticket's customer, then one of their tickets from the profile.
    app.click("[data-testid=open-contact]").await;
    app.wait_for("[data-testid=profile]").await;
    let profile = showing(&app).await;
    assert_eq!(profile[0], "profile", "{profile}");
    app.click("[data-testid=profile] [data-testid=ticket-row]")
        .await;
    app.until(
        "a ticket of the profile open",
        "return !document.querySelector('[data-testid=profile]') && !!document.querySelector('[data-testid=ticket-detail]');",
        vec![],
    )
    .await;
    let from_profile = showing(&app).await;

    app.press(&[ALT, LEFT]).await;
    until_showing(&app, "back on the profile", &profile).await;
    app.press(&[ALT, LEFT]).await;
    until_showing(&app, "back on the first ticket", &first).await;
    app.press(&[ALT, RIGHT]).await;
    until_showing(&app, "forward to the profile", &profile).await;
    app.press(&[ALT, RIGHT]).await;
    until_showing(&app, "forward to the profile's ticket", &from_profile).await;
    assert_eq!(showing(&app).await, json!(from_profile));
    app.close().await;
}
