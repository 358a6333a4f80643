//! Snoozed tickets through the real server: snoozed from the app (sync) or the REST API, woken
//! at their time exactly once however many server processes look and across a kill -9, the
//! wake carried by the change log like any change; ended at once when the customer writes;
//! never emailed about.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use fixture::*;
use serde_json::{json, Value};
use server::{Client, TestServer};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// How many times the ticket's snooze ended, and when it is snoozed until now (Unix seconds).
async fn wake_ups(admin: &Client, id: &str) -> (usize, Value) {
    let parts = admin.get(&format!("/tickets/{id}/parts")).await.ok();
    let ended = parts
        .to_string()
        .matches("\"part_type\":\"timer_unsnooze\"")
        .count();
    let ticket = admin.get(&format!("/tickets/{id}")).await.ok();
    (ended, ticket["snoozed_until"].clone())
}

/// The change log's entries about `ticket` after `cursor`: what every app pulls.
async fn pulled(admin: &Client, after: i64, ticket: &str) -> Vec<Value> {
    let page = admin.get(&format!("/sync/pull?after={after}")).await.ok();
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["records"].as_array().unwrap().iter().cloned())
        .filter(|r| r["data"]["id"] == ticket || r["data"]["ticket"] == ticket)
        .collect()
}

async fn snooze(admin: &Client, ticket: &str, until_ms: i64) -> i64 {
    push(
        admin,
        json!({"type": "snooze", "ticket": ticket, "until": until_ms}),
    )
    .await["cursor"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_snoozed_ticket_wakes_once_at_its_time_however_many_processes_and_crashes() {
    let mut server = TestServer::start(Some(30));
    let f = fixture(&server, 0).await;
    let others: Vec<String> = data(&f.records, "ticket")
        .filter(|t| t["open"] == true && t["id"] != f.ticket.as_str())
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .take(1)
        .collect();

    // Two server processes on one database: each looks for due snoozes; one wakes it.
    let second = server.another();
    let until = now_ms() + 2_000;
    let cursor = snooze(&f.admin, &f.ticket, until).await;
    assert_eq!(
        wake_ups(&f.admin, &f.ticket).await,
        (0, json!(until / 1_000)),
        "snoozed, in Unix seconds as Intercom's tickets say it"
    );
    let woke = server::eventually(15, async || {
        let (n, until) = wake_ups(&f.admin, &f.ticket).await;
        until.is_null().then_some(n)
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(woke, 1);
    assert_eq!(
        wake_ups(&f.admin, &f.ticket).await,
        (1, Value::Null),
        "once"
    );
    // The wake is a change like any other: the apps pull the ticket awake and the part.
    let log = pulled(&f.admin, cursor, &f.ticket).await;
    assert!(
        log.iter()
            .any(|r| r["type"] == "ticket" && r["data"]["snoozed_until"].is_null()),
        "{log:?}"
    );
    assert_eq!(
        log.iter()
            .filter(|r| r["data"]["kind"]["kind"] == "snooze_ended")
            .count(),
        1
    );
    drop(second);

    // Killed before the time, started again after it: the snooze still ends, once.
    let crashed = &others[0];
    snooze(&f.admin, crashed, now_ms() + 2_000).await;
    server.kill9();
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    server.restart();
    let admin = server.client(&server.token(server::DEMO_ADMIN));
    server::eventually(15, async || {
        let (n, until) = wake_ups(&admin, crashed).await;
        until.is_null().then_some(n)
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(wake_ups(&admin, crashed).await, (1, Value::Null));
    assert!(
        server.emails().is_empty(),
        "a snooze is never a customer's news"
    );
}

#[tokio::test]
async fn the_rest_api_snoozes_as_intercom_does_and_the_customer_writing_ends_it() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 0).await;
    let path = format!("/tickets/{}", f.ticket);
    let in_secs = |s: i64| now_ms() / 1_000 + s;

    // Intercom's update: snoozed_until in Unix seconds; null ends it.
    let later = in_secs(3_600);
    let snoozed = f
        .admin
        .put(&path, json!({"snoozed_until": later}))
        .await
        .ok();
    assert_eq!(
        (snoozed["snoozed_until"].as_i64(), snoozed["open"].as_bool()),
        (Some(later), Some(true))
    );
    let unsnoozed = f
        .admin
        .put(&path, json!({"snoozed_until": null}))
        .await
        .ok();
    assert!(unsnoozed.get("snoozed_until").is_none(), "{unsnoozed}");
    f.admin
        .put(&path, json!({"snoozed_until": in_secs(-60)}))
        .await
        .error(422, "snooze_not_in_future");
    f.admin
        .put(&path, json!({"snoozed_until": in_secs(400 * 86_400)}))
        .await
        .error(422, "snooze_too_long");
    f.admin
        .put(&path, json!({"open": false, "snoozed_until": later}))
        .await
        .error(422, "snooze_closed_ticket");
    assert_eq!(
        f.admin.get(&path).await.ok()["open"],
        true,
        "all or nothing: not closed either"
    );

    // Snoozed for 3 seconds; the customer writes before: awake at once, and the scheduler
    // finds nothing to wake when the time comes.
    f.admin
        .put(&path, json!({"snoozed_until": in_secs(3)}))
        .await
        .ok();
    let customer = customer(&server, &f, &f.contact).await;
    customer
        .post(
            &format!("/messenger/tickets/{}/reply", f.ticket),
            json!({"body": "Any news on this?"}),
        )
        .await
        .ok();
    assert!(f.admin.get(&path).await.ok().get("snoozed_until").is_none());
    tokio::time::sleep(std::time::Duration::from_millis(4_500)).await;
    assert_eq!(wake_ups(&f.admin, &f.ticket).await, (0, Value::Null));
    let parts = timeline_text(&f.admin, &f.ticket).await;
    assert_eq!(parts.matches("\"part_type\":\"snoozed\"").count(), 2);
    assert!(server.emails().is_empty(), "no customer heard of a snooze");
}
