//! Signing in to a server from the window and out again; the saved sign-in and the
//! work-offline switch across a restart; the unread count in the window title; a click on a
//! desktop notification opening its ticket.

use inbox_core::Mutation;
use inbox_server::setup::{teammate_password, teammate_token};
use inbox_sync::client::Client;
use inbox_sync::{PendingMutation, PushRequest, PushResult};
use serde_json::json;

use crate::harness::{unread_in, App};
use crate::server::{admin_id, server_ticket, start_server, ADMIN};
use inbox_server::storage::StorageExt;

const PASSWORD: &str = "correct horse battery";

async fn sign_in(app: &App, server: &str, password: &str) {
    app.js(
        "for (const [id, value] of arguments[0]) {
           const input = document.querySelector(`[data-testid=${id}]`);
           input.value = value;
           input.dispatchEvent(new Event('input', { bubbles: true }));
         }",
        vec![json!([
            ["sign-in-server", server],
            ["sign-in-email", ADMIN],
            ["sign-in-password", password],
        ])],
    )
    .await;
    app.click("[data-testid=sign-in-submit]").await;
}

#[tokio::test]
async fn a_teammate_signs_in_from_the_window_and_out_again() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    teammate_password(
        storage.as_ref(),
        ADMIN,
        PASSWORD,
        inbox_server::authority::now(),
    )
    .unwrap();

    // A first start, with no workspace on this computer: the sign-in screen.
    let app = App::launch_until(&[], "[data-testid=sign-in]").await;
    sign_in(&app, &url, "not the password").await;
    let code = app
        .until(
            "the refusal",
            "const e = document.querySelector('[data-testid=action-error]');
             return e && e.dataset.code;",
            vec![],
        )
        .await;
    assert_eq!(code, json!("invalid_credentials"));
    app.screenshot("sign-in");
    sign_in(&app, &url, PASSWORD).await;
    app.wait_for("[data-testid=ticket-row]").await;
    let account = app.text("[data-testid=account]").await;
    assert!(account.contains(ADMIN), "{account}");

    // The token is kept in a file only the user can read, and nowhere in the database.
    let saved = std::fs::read_to_string(app.data_dir().join("session.json")).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let token = saved["token"].as_str().unwrap().to_owned();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(app.data_dir().join("session.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let me = admin_id(&storage);
    let workspace = app
        .data_dir()
        .join("servers")
        .join(format!(
            "{}+http",
            url.trim_start_matches("http://").replace(':', "_")
        ))
        .join(me.to_string());
    for file in std::fs::read_dir(&workspace).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "the token is not in the database"
        );
    }

    // The window's title counts unread tickets; a ticket Sam assigns to me adds one, and a
    // desktop notification says so; clicking it opens the ticket, which then counts as read.
    app.until_sync_state("online").await;
    let unread = unread_in(&app.window_title());
    let target = (1..=40)
        .map(|n| server_ticket(&storage, n))
        .find(|t| t.open && t.assignee_teammate.is_some_and(|a| a != me))
        .expect("an open ticket of someone else");
    let sam_token = teammate_token(
        storage.as_ref(),
        "sam@northwind.example",
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let pushed = Client::new(&url, &sam_token)
        .push(&PushRequest {
            client_id: "sam".into(),
            mutations: vec![PendingMutation {
                seq: 1,
                mutation: Mutation::Assign {
                    ticket: target.id,
                    teammate: Some(me),
                    team: None,
                },
            }],
        })
        .await
        .unwrap();
    assert!(matches!(pushed.results[0], PushResult::Applied { .. }));
    app.until_title("one more unread", |t| unread_in(t) == unread + 1)
        .await;
    app.click_notification().await;
    app.until(
        "the notified ticket open",
        "const t = document.querySelector('[data-testid=detail-title]');
         return t && t.textContent.trim() === arguments[0];",
        vec![json!(target.title)],
    )
    .await;
    app.until_title("the opened ticket read", |t| unread_in(t) == unread)
        .await;
    assert!(app.notifications_log().contains("Assigned to you"));

    // Settings go to the server, which applies them, and come back with the next pull.
    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=settings-workspace]").await;
    app.click("[data-testid=admin-tab-brands]").await;
    let brand: inbox_core::Brand = storage
        .reading(|tx| {
            let rows = tx.list(inbox_server::storage::Kind::Brand, "", 10)?;
            Ok(serde_json::from_str(&rows[0].1).unwrap())
        })
        .unwrap();
    let row = format!("[data-testid=brand-row][data-id='{}']", brand.id);
    app.js(
        "const i = document.querySelector(arguments[0] + ' input[aria-label=\"Brand name\"]');
         i.value = 'Renamed from the app';
         i.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(row)],
    )
    .await;
    app.click(&format!("{row} [data-testid=save-brand]")).await;
    app.wait_for("[data-testid=admin-saved]").await;
    let on_server: inbox_core::Brand = storage
        .reading(|tx| {
            let doc = tx
                .get(inbox_server::storage::Kind::Brand, &brand.id.to_string())?
                .unwrap();
            Ok(serde_json::from_str(&doc).unwrap())
        })
        .unwrap();
    assert_eq!(on_server.name, "Renamed from the app");
    app.press(&[crate::harness::ESCAPE]).await;

    // Working offline is remembered, and so is the sign-in: a restart opens the inbox at once.
    app.click("[data-testid=work-offline]").await;
    app.until_sync_state("working_offline").await;
    let app = app.relaunch(&[], "[data-testid=ticket-row]").await;
    app.until_sync_state("working_offline").await;
    app.click("[data-testid=work-offline]").await;
    app.until_sync_state("online").await;
    app.screenshot("signed-in");

    // Signing out: the server forgets the token, and the window asks for a sign-in again.
    app.click("[data-testid=sign-out]").await;
    app.click("[data-testid=confirm-sign-out]").await;
    app.wait_for("[data-testid=sign-in]").await;
    assert!(!app.data_dir().join("session.json").exists());
    let refused = Client::new(&url, &token).me().await.unwrap_err();
    assert_eq!(refused.code(), "unauthorized");
    assert_eq!(app.window_title(), "Teammate Inbox");
    let server = app
        .js(
            "return document.querySelector('[data-testid=sign-in-server]').value;",
            vec![],
        )
        .await;
    assert_eq!(server, json!(url), "the last server is offered again");

    // Signing in again finds this teammate's copy of the workspace where they left it.
    sign_in(&app, &url, PASSWORD).await;
    app.wait_for("[data-testid=ticket-row]").await;
    app.close().await;
}
