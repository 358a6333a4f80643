//! Webhooks through the real server and a real HTTP receiver on loopback: signed, in order,
//! held back (never lost) while the receiver fails, across a kill -9 too, paused with the admin
//! told when an endpoint keeps failing, and replayable with the same event ids.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use fixture::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use server::{eventually, TestServer};

/// What the receiver got: the event, and whether its signature checked out.
#[derive(Clone, Debug)]
struct Delivery {
    event: Value,
    signed: bool,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Delivery>>>,
    /// Answer 500 to this many requests first.
    fail: Arc<AtomicUsize>,
    secret: Arc<Mutex<String>>,
}

impl Receiver {
    async fn start_on(self, addr: SocketAddr) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(self);
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    }

    fn delivered(&self) -> Vec<Delivery> {
        self.got.lock().unwrap().clone()
    }
}

async fn receive(
    axum::extract::State(r): axum::extract::State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if r.fail
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let secret = r.secret.lock().unwrap().clone();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&body);
    let expected = format!("sha1={}", hex::encode(mac.finalize().into_bytes()));
    let signed = headers
        .get("x-hub-signature")
        .is_some_and(|v| v.as_bytes() == expected.as_bytes());
    let event: Value = serde_json::from_slice(&body).unwrap();
    r.got.lock().unwrap().push(Delivery { event, signed });
    StatusCode::OK
}

async fn register(f: &Fixture, receiver: &Receiver, addr: SocketAddr, topics: &[&str]) -> String {
    let made = f
        .admin
        .post(
            "/webhooks",
            json!({"url": format!("http://{addr}/hook"), "topics": topics}),
        )
        .await
        .ok();
    *receiver.secret.lock().unwrap() = made["secret"].as_str().unwrap().to_owned();
    made["id"].as_str().unwrap().to_owned()
}

fn note(f: &Fixture, body: &str) -> Value {
    json!({"type": "note", "ticket": f.ticket, "body": body})
}

/// The notes the receiver got, in arrival order, by their text, and each event id once.
fn notes(got: &[Delivery]) -> (Vec<String>, Vec<String>) {
    let mut ids: Vec<String> = Vec::new();
    let mut texts = Vec::new();
    for d in got {
        assert!(d.signed, "every delivery is signed: {:?}", d.event);
        let id = d.event["id"].as_str().unwrap().to_owned();
        if ids.contains(&id) {
            continue;
        }
        ids.push(id);
        texts.push(d.event["topic"].as_str().unwrap().to_owned());
    }
    (texts, ids)
}

#[tokio::test]
async fn events_arrive_signed_in_order_with_intercoms_shape() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let receiver = Receiver::default();
    let addr = receiver
        .clone()
        .start_on("127.0.0.1:0".parse().unwrap())
        .await;
    register(
        &f,
        &receiver,
        addr,
        &[
            "ticket.note.created",
            "ticket.state.updated",
            "ticket.admin.replied",
        ],
    )
    .await;
    push(&f.admin, note(&f, "first")).await;
    push(
        &f.admin,
        json!({"type": "reply", "ticket": f.ticket, "body": "We are on it."}),
    )
    .await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    push(
        &f.admin,
        json!({"type": "assign", "ticket": f.ticket, "teammate": null, "team": null}),
    )
    .await;
    let got = eventually(15, async || {
        let got = receiver.delivered();
        (got.len() >= 3).then_some(got)
    })
    .await;
    let (topics, ids) = notes(&got);
    assert_eq!(
        topics,
        [
            "ticket.note.created",
            "ticket.admin.replied",
            "ticket.state.updated"
        ]
    );
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "in the order things happened");
    let event = &got[2].event;
    assert_eq!(event["type"], "notification_event");
    assert_eq!(event["data"]["type"], "notification_event_data");
    assert_eq!(event["data"]["item"]["id"], json!(f.ticket));
    assert_eq!(
        event["data"]["item"]["ticket_state"]["id"],
        json!(f.other_state)
    );
}

#[tokio::test]
async fn a_failing_receiver_gets_every_event_later_in_order_even_across_a_kill_9() {
    let mut server = TestServer::start_with(Some(30), &["--webhook-retry-ms", "100"]);
    let f = fixture(&server, 180).await;
    let receiver = Receiver::default();
    receiver.fail.store(usize::MAX, Ordering::SeqCst);
    let addr = receiver
        .clone()
        .start_on("127.0.0.1:0".parse().unwrap())
        .await;
    let hook = register(&f, &receiver, addr, &["ticket.note.created"]).await;
    for n in 1..=3 {
        push(&f.admin, note(&f, &format!("note {n}"))).await;
    }
    eventually(15, async || {
        let shown = f.admin.get(&format!("/webhooks/{hook}")).await.ok();
        (shown["failures"].as_u64() >= Some(2)).then_some(())
    })
    .await;
    // Killed while its receiver is down: the events wait in the database.
    server.kill9();
    receiver.fail.store(0, Ordering::SeqCst);
    server.restart();
    let admin = server.client(f.admin.token.as_deref().unwrap());
    push(&admin, note(&f, "note 4")).await;
    let got = eventually(20, async || {
        let got = receiver.delivered();
        (notes(&got).1.len() >= 4).then_some(got)
    })
    .await;
    let (topics, ids) = notes(&got);
    assert_eq!(topics, ["ticket.note.created"; 4], "each event once");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "still in order");
    let shown = admin.get(&format!("/webhooks/{hook}")).await.ok();
    let recent = shown["recent_deliveries"].as_array().unwrap();
    assert!(
        recent.iter().any(|a| a["status"] == 500),
        "the failures are on record: {shown}"
    );
    assert_eq!(shown["failures"], 0);
}

#[tokio::test]
async fn an_endpoint_that_keeps_failing_is_paused_its_admin_told_and_it_can_replay() {
    let server = TestServer::start_with(Some(30), &["--webhook-retry-ms", "10"]);
    let f = fixture(&server, 180).await;
    let receiver = Receiver::default();
    receiver.fail.store(usize::MAX, Ordering::SeqCst);
    let addr = receiver
        .clone()
        .start_on("127.0.0.1:0".parse().unwrap())
        .await;
    let hook = register(&f, &receiver, addr, &["ticket.note.created"]).await;
    push(&f.admin, note(&f, "held")).await;
    let paused = eventually(30, async || {
        let shown = f.admin.get(&format!("/webhooks/{hook}")).await.ok();
        (shown["active"] == false).then_some(shown)
    })
    .await;
    assert!(paused["paused_reason"]
        .as_str()
        .unwrap()
        .contains("failed deliveries"));
    let told = emails_settle(&server, 1).await;
    assert!(
        told.iter().any(|e| e.contains("Webhook paused")),
        "the admin is told by email"
    );

    // What happens while it is paused waits for it.
    push(&f.admin, note(&f, "while paused")).await;
    receiver.fail.store(0, Ordering::SeqCst);
    f.admin
        .put(&format!("/webhooks/{hook}"), json!({"active": true}))
        .await
        .ok();
    let first = eventually(15, async || {
        let got = receiver.delivered();
        (got.len() >= 2).then(|| got[0].event["id"].clone())
    })
    .await;
    assert_eq!(
        notes(&receiver.delivered()).1.len(),
        2,
        "both notes, once each"
    );
    f.admin
        .put(&format!("/webhooks/{hook}"), json!({"replay_after": null}))
        .await
        .ok();
    let again = eventually(15, async || {
        let got = receiver.delivered();
        (got.len() >= 3).then(|| got[2].event["id"].clone())
    })
    .await;
    assert_eq!(first, again, "a replay carries the same event ids");
    f.admin
        .post(
            "/webhooks",
            json!({"url": "ftp://nope", "topics": ["ticket.created"]}),
        )
        .await
        .error(400, "invalid_url");
    f.admin
        .post(
            "/webhooks",
            json!({"url": format!("http://{addr}/hook"), "topics": ["ticket.exploded"]}),
        )
        .await
        .error(400, "unknown_topic");
}
