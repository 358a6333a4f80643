//! A real server for the end-to-end tests, in the test process on a free loopback port.

use std::sync::Arc;
use std::time::Duration;

use inbox_core::Ticket;
use inbox_server::mail::EmlDir;
use inbox_server::server::{serve_on, ServeOptions};
use inbox_server::setup::seed_demo;
use inbox_server::storage::sqlite::SqliteStorage;
use inbox_server::storage::{SharedStorage, StorageExt};

pub const ADMIN: &str = "alex@northwind.example";

/// A seeded server in this process, on a free loopback port; returns its URL.
pub async fn start_server(dir: &std::path::Path) -> (String, SharedStorage) {
    let storage: SharedStorage = Arc::new(SqliteStorage::open_dir(&dir.join("server")).unwrap());
    seed_demo(storage.as_ref(), 40, 0, inbox_server::authority::now()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    serve(listener, dir, &storage);
    (url, storage)
}

pub fn serve(
    listener: tokio::net::TcpListener,
    dir: &std::path::Path,
    storage: &SharedStorage,
) -> tokio::task::JoinHandle<Result<(), inbox_server::error::ServerError>> {
    let opts = ServeOptions {
        storage: storage.clone(),
        public_url: None,
        mailer: Arc::new(EmlDir::new(dir.join("outbox")).unwrap()),
        inbound_domain: "inbound.test".into(),
        inbound_secret: None,
        reply_token_days: inbox_core::email::REPLY_TOKEN_DAYS,
        delivery_interval: Duration::from_secs(1),
        webhook_retry: Duration::from_secs(5),
        limits: Default::default(),
        attachments_dir: dir.join("attachments"),
    };
    tokio::spawn(serve_on(listener, opts))
}

/// The demo admin's teammate id (the app's "me").
pub fn admin_id(storage: &SharedStorage) -> inbox_core::TeammateId {
    storage
        .reading(|tx| {
            let rows = tx.list(inbox_server::storage::Kind::Teammate, "", 100)?;
            Ok(rows
                .iter()
                .map(|(_, doc)| serde_json::from_str::<inbox_core::Teammate>(doc).unwrap())
                .find(|t| t.email == ADMIN)
                .unwrap()
                .id)
        })
        .unwrap()
}

/// The server's version of a ticket.
pub fn server_ticket(storage: &SharedStorage, number: i64) -> Ticket {
    storage
        .reading(|tx| {
            let doc = tx.ticket_by_number(number)?.unwrap();
            Ok(serde_json::from_str(&doc).unwrap())
        })
        .unwrap()
}

/// In `app`, signed in to the server behind `storage`: opens an open customer ticket shared
/// with its contact, among the rows in view, and waits for its composer. Returns the server's
/// version of it.
pub async fn open_shared_customer_ticket(
    app: &crate::harness::App,
    storage: &SharedStorage,
) -> Ticket {
    app.wait_for("[data-testid=ticket-row]").await;
    let numbers = app
        .js(
            "return [...document.querySelectorAll('[data-testid=ticket-row]')]
               .map(r => Number(r.querySelector('.number').textContent.trim().replace('#', '')));",
            vec![],
        )
        .await;
    let ticket = numbers
        .as_array()
        .unwrap()
        .iter()
        .map(|n| server_ticket(storage, n.as_i64().unwrap()))
        .find(|t| {
            t.open
                && t.shared
                && t.category == inbox_core::Category::Customer
                && !t.contacts.is_empty()
        })
        .expect("an open shared customer ticket in view");
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        ticket.id
    ))
    .await;
    app.until(
        "the ticket open with its composer",
        "const d = document.querySelector('[data-testid=ticket-detail]');
         return !!d && d.dataset.ticketId === arguments[0] && !!document.querySelector('[data-testid=composer-reply]:not([disabled])');",
        vec![serde_json::json!(ticket.id.to_string())],
    )
    .await;
    ticket
}
