//! Undo (issue 17, item 7): every action shows "… · Undo" while it is held; a reply taken back
//! never reaches the server (nor its customer) and its text returns to the composer; Ctrl+Z
//! takes back a one-key action; an action left alone goes out once its window has passed.

use std::time::{Duration, Instant};

use inbox_core::{PartKind, Ticket};
use inbox_server::setup::teammate_token;
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use serde_json::json;

use crate::harness::{App, CTRL, ENTER};
use crate::server::{open_shared_customer_ticket, server_ticket, start_server, ADMIN};

/// Whether the server's timeline of `ticket` has a reply saying `text`, as another teammate's
/// app would pull it.
async fn server_has_reply(url: &str, token: &str, ticket: &Ticket, text: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    inbox_sync::engine::pull(&Client::new(url, token), &mut store)
        .await
        .unwrap();
    store
        .timeline(ticket.id)
        .unwrap()
        .iter()
        .any(|p| matches!(&p.kind, PartKind::Reply { body } if body == text))
}

async fn type_keys(app: &App, text: &str) {
    let keys: Vec<char> = text.chars().collect();
    app.press(&keys).await;
}

async fn toast(app: &App) -> String {
    app.text("[data-testid=undo-label]").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_taken_back_never_goes_out_and_returns_to_the_composer() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    let ticket = open_shared_customer_ticket(&app, &storage).await;

    // A reply sent to the wrong customer: shown at once, offered back.
    let oops = "Here is your refund for the other order";
    app.click("[data-testid=composer-reply]").await;
    type_keys(&app, oops).await;
    app.press(&[CTRL, ENTER]).await;
    assert_eq!(toast(&app).await, "Reply sent");
    app.until(
        "the reply in the timeline",
        "return document.querySelector('[data-testid=ticket-detail] ol.timeline')?.textContent.includes(arguments[0]);",
        vec![json!(oops)],
    )
    .await;
    app.screenshot("undo-toast");
    app.click("[data-testid=undo-button]").await;
    app.until(
        "the reply to leave the timeline and come back to the composer",
        "return !document.querySelector('[data-testid=ticket-detail] ol.timeline')?.textContent.includes(arguments[0])
            && document.querySelector('[data-testid=composer-input]')?.value === arguments[0];",
        vec![json!(oops)],
    )
    .await;
    // Well past its window: the server never had it.
    tokio::time::sleep(Duration::from_millis(
        inbox_core::undo::UNDO_WINDOW_MS as u64 + 1_500,
    ))
    .await;
    assert!(!server_has_reply(&url, &token, &ticket, oops).await);

    // The same box, cleared and rewritten: left alone, it goes out after its window.
    app.js(
        "const t = document.querySelector('[data-testid=composer-input]'); t.focus(); t.select();",
        vec![],
    )
    .await;
    let kept = "Here is your refund";
    type_keys(&app, kept).await;
    app.press(&[CTRL, ENTER]).await;
    assert_eq!(toast(&app).await, "Reply sent");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server_has_reply(&url, &token, &ticket, kept).await {
        assert!(
            Instant::now() < deadline,
            "the kept reply reaches the server"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    app.until(
        "the Undo line to go once the reply went out",
        "return !document.querySelector('[data-testid=undo-toast]');",
        vec![],
    )
    .await;

    // Ctrl+Z, away from any text field, takes back a one-key resolve.
    app.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;
    app.wait_for("[data-testid=resolve-ticket][data-consequence=known]")
        .await;
    app.press(&['e']).await;
    assert_eq!(toast(&app).await, "Resolved");
    app.wait_for("[data-testid=reopen-ticket]").await;
    app.press(&[CTRL, 'z']).await;
    app.until(
        "Ctrl+Z to reopen the ticket",
        "return !!document.querySelector('[data-testid=resolve-ticket]')
            && !document.querySelector('[data-testid=reopen-ticket]');",
        vec![],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(
        inbox_core::undo::UNDO_WINDOW_MS as u64 + 1_500,
    ))
    .await;
    assert!(
        server_ticket(&storage, ticket.number.unwrap()).open,
        "never resolved on the server"
    );
    app.close().await;
}
