//! The server on PostgreSQL, as a team that outgrew one machine runs it: several server
//! processes on one database. A change on one pokes the live-stream clients of the others
//! (LISTEN/NOTIFY), pushes stay exactly-once, and each queued email goes out once however many
//! processes deliver, also across a kill -9.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/postgres.rs"]
mod postgres_support;
#[path = "support/server.rs"]
mod server;
#[path = "support/smtp.rs"]
mod smtp;

use std::time::Duration;

use fixture::*;
use postgres_support::TestPostgres;
use serde_json::{json, Value};
use server::{Client, TestServer};

/// A fresh database on the shared test cluster (its client blocks: not on the async threads).
fn database() -> String {
    std::thread::spawn(|| TestPostgres::shared().new_database())
        .join()
        .expect("a test database")
}

/// Reads server-sent events until a poke with at least `cursor` arrives (10 s at most).
async fn poked_with(stream: &mut reqwest::Response, cursor: i64) {
    let mut buffer = String::new();
    loop {
        while let Some(i) = buffer.find("\n\n") {
            let event: String = buffer.drain(..i + 2).collect();
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                let poke: Value = serde_json::from_str(data).unwrap();
                if poke["cursor"].as_i64().unwrap() >= cursor {
                    return;
                }
            }
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("a poke within 10 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

async fn stream(server: &TestServer, token: &str) -> reqwest::Response {
    let res = reqwest::Client::new()
        .get(format!("{}/sync/stream", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res
}

fn note_batch(client_id: &str, ticket: &str, seqs: std::ops::RangeInclusive<u64>) -> Value {
    json!({
        "client_id": client_id,
        "mutations": seqs
            .map(|seq| json!({"seq": seq, "mutation": {"type": "note", "ticket": ticket, "body": format!("note {seq}")}}))
            .collect::<Vec<_>>(),
    })
}

#[tokio::test]
async fn a_change_on_one_server_pokes_the_clients_of_another() {
    let url = database();
    let a = TestServer::on(Some(&url), Some(20));
    let b = a.another();
    let f = fixture(&a, 180).await;
    let token = f.admin.token.clone().unwrap();
    let mut on_b = stream(&b, &token).await;
    let cursor = push(
        &f.admin,
        json!({"type": "note", "ticket": f.ticket, "body": "seen from b"}),
    )
    .await["cursor"]
        .as_i64()
        .unwrap();
    poked_with(&mut on_b, cursor).await;
    // And b's pull shows a's change.
    let pulled = b
        .client(&token)
        .get(&format!("/sync/pull?after={}", cursor - 1))
        .await
        .ok();
    assert!(pulled.to_string().contains("seen from b"));
}

#[tokio::test]
async fn pushes_to_two_servers_are_applied_once_with_increasing_cursors() {
    let url = database();
    let a = TestServer::on(Some(&url), Some(20));
    let b = a.another();
    let f = fixture(&a, 180).await;
    let token = f.admin.token.clone().unwrap();
    let on_b: Client = b.client(&token);
    let batch = note_batch("twin", &f.ticket, 1..=30);
    // The same batch to both servers at once, twice each: a client failing over mid-push.
    let sends: Vec<_> = [&f.admin, &on_b, &f.admin, &on_b]
        .into_iter()
        .map(|c| {
            let (c, batch) = (c.clone(), batch.clone());
            tokio::spawn(async move { c.post("/sync/push", batch).await.ok() })
        })
        .collect();
    let mut results = Vec::new();
    for send in sends {
        results.push(send.await.unwrap()["results"].clone());
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
    let mut changes = Vec::new();
    let mut after = 0;
    loop {
        let page = on_b.get(&format!("/sync/pull?after={after}")).await.ok();
        changes.extend(page["changes"].as_array().unwrap().clone());
        after = page["cursor"].as_i64().unwrap();
        if page["more"] == false {
            break;
        }
    }
    let twins: Vec<&Value> = changes
        .iter()
        .filter(|c| c["origin"]["client_id"] == "twin")
        .collect();
    assert_eq!(twins.len(), 30, "each of the 30 applied exactly once");
    let cursors: Vec<i64> = changes
        .iter()
        .map(|c| c["cursor"].as_i64().unwrap())
        .collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn each_email_goes_out_once_with_two_delivering_servers_and_a_kill_9() {
    let (port, delivered) = smtp::receiver(None);
    let relay = format!("smtp://127.0.0.1:{port}");
    let url = database();
    let mut a = TestServer::on_with(Some(&url), Some(20), &["--smtp", &relay]);
    let _b = a.another();
    let f = fixture(&a, 1).await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    reply(&f, "Queued on PostgreSQL before a crash.").await;
    a.kill9();
    a.restart();
    let got = tokio::task::spawn_blocking(move || {
        let mut got = Vec::new();
        while let Ok(m) = delivered.recv_timeout(Duration::from_secs(4)) {
            got.push(m);
        }
        got
    })
    .await
    .unwrap();
    let texts: Vec<String> = got
        .iter()
        .map(|m| String::from_utf8_lossy(&m.data).into_owned())
        .collect();
    let state_emails = texts.iter().filter(|t| says(t, " is now ")).count();
    let reply_emails = texts
        .iter()
        .filter(|t| says(t, "Queued on PostgreSQL before a crash."))
        .count();
    // The state change has its own email, unless it was still waiting when the reply came and
    // went out with it (R5 batches what one customer is told): either way, nothing twice.
    assert_eq!(reply_emails, 1, "{texts:#?}");
    assert!(state_emails <= 1, "{texts:#?}");
    assert!(texts.len() <= 2, "{texts:#?}");
    let message_ids: std::collections::HashSet<&str> = texts
        .iter()
        .filter_map(|t| t.lines().find(|l| l.starts_with("Message-ID:")))
        .collect();
    assert_eq!(message_ids.len(), texts.len(), "{texts:#?}");
}

/// Issue 13: PostgreSQL refuses NUL in text, which used to fail a whole push batch with 500 on
/// every retry. Validation refuses it first, so only that change is rejected.
#[tokio::test]
async fn a_nul_in_one_pushed_change_rejects_that_change_only() {
    let url = database();
    let server = TestServer::on(Some(&url), Some(20));
    let f = fixture(&server, 180).await;
    let note = |seq: u64, body: &str| json!({"seq": seq, "mutation": {"type": "note", "ticket": f.ticket, "body": body}});
    let res = f
        .admin
        .post(
            "/sync/push",
            json!({"client_id": "pg-nul", "mutations": [
                note(1, "before"), note(2, "nul \u{0} here"), note(3, "after"),
            ]}),
        )
        .await
        .ok();
    let statuses: Vec<&str> = res["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["applied", "rejected", "applied"], "{res}");
    assert_eq!(
        res["results"][1]["error"]["code"],
        "text_has_control_characters"
    );
    let text = timeline_text(&f.admin, &f.ticket).await;
    assert!(text.contains("before") && text.contains("after"), "{text}");
}
