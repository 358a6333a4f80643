//! Webhooks in Settings: an admin signed in to a server adds one pointing at a receiver on
//! loopback, sees its secret once, watches a note written in the window arrive there and show
//! under Recent deliveries, turns it off and on, replays it and removes it. On a workspace of
//! this computer's own, the tab says webhooks need a server.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use inbox_server::setup::teammate_token;
use inbox_sync::client::Client;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{App, ESCAPE};
use crate::server::{start_server, ADMIN};

/// One request the receiver got: its head (lower-cased, so headers are found by name) and body.
#[derive(Clone, Debug)]
struct Received {
    head: String,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.head
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(str::trim)
    }

    fn event(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A webhook receiver on loopback that answers 200 to everything and keeps what it got: plain
/// HTTP/1.1 over a socket is all the server's client needs.
async fn start_receiver() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let keep = got.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let body_at = loop {
                    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break end + 4;
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..body_at]).to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while buf.len() < body_at + length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = buf[body_at..body_at + length].to_vec();
                keep.lock().unwrap().push(Received { head, body });
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (url, got)
}

/// What the receiver got of `topic`, in arrival order.
fn received(got: &Mutex<Vec<Received>>, topic: &str) -> Vec<Received> {
    got.lock()
        .unwrap()
        .iter()
        .filter(|r| r.event()["topic"] == topic)
        .cloned()
        .collect()
}

async fn fill_url(app: &App, url: &str) {
    app.js(
        "const i = document.querySelector('[data-testid=webhook-url-input]');
         i.value = arguments[0];
         i.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(url)],
    )
    .await;
}

/// A screenshot once WebKit has painted what the DOM already holds (X lags behind it).
async fn picture(app: &App, name: &str) {
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot(name);
}

async fn open_webhooks(app: &App) {
    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=settings-workspace]").await;
    app.click("[data-testid=admin-tab-webhooks]").await;
    app.wait_for("[data-testid=webhook-settings]").await;
}

#[tokio::test]
async fn an_admin_adds_a_webhook_sees_its_deliveries_and_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let server = Client::new(&url, &token);
    let (hook_url, got) = start_receiver().await;
    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;

    // Adding one: a URL and topics from the server's list; the secret shows once.
    open_webhooks(&app).await;
    app.wait_for("[data-testid=webhooks-empty]").await;
    app.click("[data-testid=add-webhook]").await;
    for topic in ["ticket.created", "ticket.state.updated"] {
        // Offered ticked; this receiver only wants notes.
        app.click(&format!(
            "[data-testid=webhook-add-form] input[data-topic='{topic}']:checked"
        ))
        .await;
    }
    app.click("[data-testid=webhook-add-form] input[data-topic='ticket.note.created']")
        .await;
    // The server has the last word on URLs, and the window says why it refused one.
    fill_url(&app, "http://hooks example/x").await;
    app.click("[data-testid=webhook-add-submit]").await;
    let refused = app
        .until(
            "the server's refusal",
            "const e = document.querySelector('[data-testid=webhook-add-form] [data-testid=action-error]');
             return e && [e.dataset.code, e.textContent.trim()];",
            vec![],
        )
        .await;
    assert_eq!(refused[0], json!("invalid_url"), "{refused}");
    assert!(
        refused[1].as_str().unwrap().contains("http:// or https://"),
        "{refused}"
    );
    picture(&app, "settings-webhook-add").await;
    fill_url(&app, &hook_url).await;
    app.click("[data-testid=webhook-add-submit]").await;
    let secret = app
        .until(
            "the secret",
            "const s = document.querySelector('[data-testid=webhook-secret]');
             return s && s.value;",
            vec![],
        )
        .await;
    let secret = secret.as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64, "a 256-bit secret in hex: {secret}");
    let explained = app.text("[data-testid=webhook-secret-box]").await;
    assert!(explained.contains("X-Hub-Signature"), "{explained}");
    app.click("[data-testid=copy-webhook-secret]").await;
    let listed = server.webhooks().await.unwrap();
    assert_eq!(listed.webhooks.len(), 1);
    let hook = listed.webhooks[0].clone();
    assert_eq!(hook.url, hook_url);
    assert_eq!(hook.topics, ["ticket.note.created"]);
    let row = format!("[data-testid=webhook-row][data-id='{}']", hook.id);
    assert_eq!(
        app.text(&format!("{row} [data-testid=webhook-status]"))
            .await,
        "Active"
    );
    picture(&app, "settings-webhook-secret").await;
    app.press(&[ESCAPE]).await;

    // A note written in the window raises ticket.note.created: the receiver gets it, signed.
    app.click("[data-testid=ticket-row]").await;
    app.click("[data-testid=composer-note]").await;
    app.type_into("[data-testid=composer-input]", "Webhook, are you there?")
        .await;
    app.click("[data-testid=composer-send]").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let first = loop {
        if let Some(r) = received(&got, "ticket.note.created").first() {
            break r.clone();
        }
        assert!(
            Instant::now() < deadline,
            "the note reached the receiver within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        first
            .header("x-hub-signature")
            .is_some_and(|s| s.starts_with("sha1=") && s.len() == 45),
        "{}",
        first.head
    );
    let event_id = first.header("x-inbox-event-id").unwrap().to_owned();
    assert_eq!(first.event()["id"], json!(format!("notif_{event_id}")));

    // ...and it shows under Recent deliveries, with the receiver's 200.
    open_webhooks(&app).await;
    app.click(&format!("{row} [data-testid=webhook-toggle]"))
        .await;
    let delivery = app
        .until(
            "the delivery under Recent deliveries",
            "const d = document.querySelector(arguments[0] + \
               ' [data-testid=webhook-delivery][data-topic=\"ticket.note.created\"]');
             return d && d.dataset.ok === 'true' && d.textContent;",
            vec![json!(row)],
        )
        .await;
    let delivery = delivery.as_str().unwrap();
    assert!(
        delivery.contains(&event_id) && delivery.contains("200"),
        "{delivery}"
    );

    // Off, then on again: the server keeps what the window says.
    app.click(&format!("{row} [data-testid=webhook-set-active]"))
        .await;
    app.wait_for(&format!("{row}[data-status=off]")).await;
    assert!(!server.webhook(&hook.id).await.unwrap().active);
    app.click(&format!("{row} [data-testid=webhook-set-active]"))
        .await;
    app.wait_for(&format!("{row}[data-status=active]")).await;
    assert!(server.webhook(&hook.id).await.unwrap().active);

    // Another topic, edited in place.
    app.click(&format!("{row} [data-testid=webhook-edit]"))
        .await;
    app.click(&format!(
        "{row} [data-testid=webhook-editor] input[data-topic='ticket.closed']"
    ))
    .await;
    app.click(&format!("{row} [data-testid=webhook-save]"))
        .await;
    app.wait_for(&format!("{row} [data-testid=webhook-note]"))
        .await;
    assert_eq!(
        server.webhook(&hook.id).await.unwrap().topics,
        ["ticket.note.created", "ticket.closed"]
    );

    // Replaying asks first, then delivers the kept note again under the same event id.
    app.click(&format!("{row} [data-testid=webhook-replay]"))
        .await;
    app.click(&format!("{row} [data-testid=confirm-webhook-replay]"))
        .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let again = received(&got, "ticket.note.created");
        if again.len() >= 2 {
            assert!(again
                .iter()
                .all(|r| r.header("x-inbox-event-id") == Some(event_id.as_str())));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the replay reached the receiver within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.until(
        "the replayed delivery in the window too",
        "return document.querySelectorAll(arguments[0] + ' [data-testid=webhook-delivery]').length >= 2;",
        vec![json!(row)],
    )
    .await;
    picture(&app, "settings-webhooks").await;

    // Removing asks first; then it is gone from the window and the server.
    app.click(&format!("{row} [data-testid=webhook-remove]"))
        .await;
    app.wait_for(&format!("{row} [data-testid=webhook-confirm]"))
        .await;
    app.click(&format!("{row} [data-testid=confirm-webhook-remove]"))
        .await;
    app.wait_for("[data-testid=webhooks-empty]").await;
    assert!(server.webhooks().await.unwrap().webhooks.is_empty());
    app.close().await;
}

#[tokio::test]
async fn on_a_workspace_of_its_own_the_webhooks_tab_says_they_need_a_server() {
    let app = App::launch(&["--demo"]).await;
    open_webhooks(&app).await;
    let said = app.text("[data-testid=webhooks-need-server]").await;
    assert!(said.contains("sign in to a server"), "{said}");
    picture(&app, "settings-webhooks-local").await;
    assert!(
        app.js(
            "return document.querySelector('[data-testid=add-webhook]');",
            vec![]
        )
        .await
        .is_null(),
        "nothing to add without a server"
    );
    app.close().await;
}
