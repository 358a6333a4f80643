//! The app synced with a real server on loopback: it downloads the server's workspace, and a
//! change made through the server's API appears in the running window without a restart; a
//! change made in the window reaches the server.

use std::sync::Arc;
use std::time::Duration;

use inbox_core::{Mutation, Ticket};
use inbox_server::mail::EmlDir;
use inbox_server::server::{serve_on, ServeOptions};
use inbox_server::setup::{seed_demo, teammate_token};
use inbox_server::storage::sqlite::SqliteStorage;
use inbox_server::storage::{SharedStorage, StorageExt};
use inbox_sync::client::Client;
use inbox_sync::{PendingMutation, PushRequest};
use serde_json::json;

use crate::harness::App;

const ADMIN: &str = "alex@northwind.example";

/// A seeded server in this process, on a free loopback port; returns its URL.
async fn start_server(dir: &std::path::Path) -> (String, SharedStorage) {
    let storage: SharedStorage = Arc::new(SqliteStorage::open_dir(&dir.join("server")).unwrap());
    seed_demo(storage.as_ref(), 40, 0, inbox_server::authority::now()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let opts = ServeOptions {
        storage: storage.clone(),
        mailer: Arc::new(EmlDir::new(dir.join("outbox")).unwrap()),
        inbound_domain: "inbound.test".into(),
        delivery_interval: Duration::from_secs(1),
    };
    tokio::spawn(serve_on(listener, opts));
    (url, storage)
}

/// The server's version of a ticket.
fn server_ticket(storage: &SharedStorage, number: i64) -> Ticket {
    storage
        .reading(|tx| {
            let doc = tx.ticket_by_number(number)?.unwrap();
            Ok(serde_json::from_str(&doc).unwrap())
        })
        .unwrap()
}

#[tokio::test]
async fn the_app_follows_the_servers_changes_and_sends_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(storage.as_ref(), ADMIN, inbox_server::authority::now()).unwrap();
    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until(
        "the sync indicator to say synced",
        "const s = document.querySelector('[data-testid=sync-indicator]');
         return s && s.dataset.state === 'online' ? true : null;",
        vec![],
    )
    .await;
    let rows = app
        .until(
            "the server's tickets in the list",
            "const n = document.querySelectorAll('[data-testid=ticket-row]').length;
             return n > 0 ? n : null;",
            vec![],
        )
        .await;
    assert!(rows.as_u64().unwrap() > 0);

    // Another teammate renames a ticket through the server's API: the window shows it.
    let ticket = server_ticket(&storage, 1);
    let other = Client::new(&url, &token);
    let rename = Mutation::UpdateAttributes {
        ticket: ticket.id,
        attributes: [("title".to_owned(), json!("Renamed on the server"))].into(),
    };
    let pushed = other
        .push(&PushRequest {
            client_id: "another-teammate".into(),
            mutations: vec![PendingMutation {
                seq: 1,
                mutation: rename,
            }],
        })
        .await
        .unwrap();
    assert!(
        matches!(pushed.results[0], inbox_sync::PushResult::Applied { .. }),
        "{pushed:?}"
    );
    app.until(
        "the renamed ticket in the list",
        "return [...document.querySelectorAll('[data-testid=row-title]')]
           .some(t => t.textContent.trim() === 'Renamed on the server') || null;",
        vec![],
    )
    .await;
    app.screenshot("sync");

    // A note written in the window reaches the server.
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        ticket.id
    ))
    .await;
    app.click("[data-testid=composer-note]").await;
    app.type_into("[data-testid=composer-input]", "Written in the app")
        .await;
    app.click("[data-testid=composer-send]").await;
    let mut waited = 0;
    loop {
        let on_server = storage
            .reading(|tx| tx.parts(&ticket.id.to_string()))
            .unwrap()
            .iter()
            .any(|p| p.contains("Written in the app"));
        if on_server {
            break;
        }
        assert!(waited < 200, "the note reached the server within 20 s");
        waited += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.until(
        "nothing left waiting",
        "const s = document.querySelector('[data-testid=sync-indicator]');
         return s && s.dataset.state === 'online' && !document.querySelector('[data-testid=sync-pending]') ? true : null;",
        vec![],
    )
    .await;
    let notes = app
        .js(
            "return [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=note]')]
               .filter(e => e.textContent.includes('Written in the app')).length;",
            vec![],
        )
        .await;
    assert_eq!(notes, json!(1), "once in the window, after the rebase too");

    // A teammate's note on the open ticket appears in its timeline.
    other
        .push(&PushRequest {
            client_id: "another-teammate".into(),
            mutations: vec![PendingMutation {
                seq: 2,
                mutation: Mutation::Note {
                    ticket: ticket.id,
                    body: "Seen from another desk".into(),
                    keep_private: false,
                },
            }],
        })
        .await
        .unwrap();
    app.until(
        "the other teammate's note in the open ticket",
        "return [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=note]')]
           .some(e => e.textContent.includes('Seen from another desk')) || null;",
        vec![],
    )
    .await;
}
