//! Customer notifications through the real server: emails queued with the change, the
//! reply-email delay, batching and seen-suppression (R5), delivery that survives kill -9, the
//! Messenger API's authorisation and R3a, and replies by email.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;
#[path = "support/smtp.rs"]
mod smtp;

use std::time::Duration;

use fixture::*;
use serde_json::{json, Value};
use server::TestServer;

#[tokio::test]
async fn replies_wait_for_the_delay_and_go_out_as_one_email() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 2).await;
    reply(&f, "First, we restarted the sync job.").await;
    reply(&f, "Second, it looks healthy now.").await;
    assert!(server.emails().is_empty(), "replies wait for the delay");
    let emails = emails_settle(&server, 1).await;
    assert_eq!(
        emails.len(),
        1,
        "two replies within the delay make one email"
    );
    let email = &emails[0];
    assert!(says(email, &format!("To: {}", f.contact_email)) || says(email, &f.contact_email));
    assert!(says(email, "First, we restarted the sync job."));
    assert!(says(email, "Second, it looks healthy now."));
    assert!(says(email, "Reply-To: reply+"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.emails().len(), 1, "and only once");
}

#[tokio::test]
async fn a_reply_seen_in_the_messenger_in_time_is_not_emailed() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 1).await;
    let customer = customer(&server, &f, &f.contact).await;
    reply(&f, "Seen in the Messenger, no email please.").await;
    let seen = customer
        .post(&format!("/messenger/tickets/{}/seen", f.ticket), json!({}))
        .await
        .ok();
    assert!(seen["timeline"].to_string().contains("no email please"));
    // Past the delay (and several delivery rounds), then a state change, which is emailed at
    // once: it is the only email.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    let emails = emails_settle(&server, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let emails_after = server.emails();
    assert_eq!(emails_after.len(), 1, "{emails:?}");
    assert!(!says(&emails_after[0], "no email please"));
    assert!(says(&emails_after[0], " is now "), "a state-change email");
}

#[tokio::test]
async fn a_queued_email_is_sent_once_after_a_kill_9() {
    let mut server = TestServer::start(Some(30));
    let f = fixture(&server, 1).await;
    reply(&f, "Queued before the crash.").await;
    server.kill9();
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert!(
        server.emails().is_empty(),
        "nothing went out before the crash"
    );
    server.restart();
    let emails = emails_settle(&server, 1).await;
    assert!(says(&emails[0], "Queued before the crash."));
    server.restart();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        server.emails().len(),
        1,
        "sent exactly once across restarts"
    );
}

#[tokio::test]
async fn state_changes_email_at_once_and_closing_unresolved_tells_nobody() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    push(
        &f.admin,
        json!({"type": "close", "ticket": f.ticket, "resolved": false}),
    )
    .await;
    push(&f.admin, json!({"type": "reopen", "ticket": f.ticket})).await;
    let customer = customer(&server, &f, &f.contact).await;
    let home = customer.get("/messenger/home").await.ok();
    let badges_before = home["badges"].clone();
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    let emails = emails_settle(&server, 1).await;
    assert_eq!(emails.len(), 1);
    assert!(says(&emails[0], " is now "));
    let home = customer.get("/messenger/home").await.ok();
    assert!(
        home["badges"]["tickets_space"].as_u64() > badges_before["tickets_space"].as_u64(),
        "{home}"
    );
    // Once seen, the ticket's badges go.
    customer
        .post(&format!("/messenger/tickets/{}/seen", f.ticket), json!({}))
        .await
        .ok();
    let home = customer.get("/messenger/home").await.ok();
    assert_eq!(
        home["badges"]["tickets_space"],
        badges_before["tickets_space"]
    );
}

#[tokio::test]
async fn customers_see_only_their_own_shared_tickets_and_nothing_internal() {
    let server = TestServer::start(Some(60));
    let f = fixture(&server, 180).await;
    let canary = "INTERNAL-CANARY-7f3a";
    push(
        &f.admin,
        json!({"type": "note", "ticket": f.ticket, "body": canary}),
    )
    .await;
    reply(&f, "A public reply.").await;
    let customer = customer(&server, &f, &f.contact).await;
    let home = customer.get("/messenger/home").await.ok();
    let listed: Vec<&str> = home["tickets_space"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&f.ticket.as_str()));
    for id in &listed {
        let t = data(&f.records, "ticket").find(|t| t["id"] == *id).unwrap();
        assert_eq!(t["shared"], true);
        assert!(t["contacts"]
            .as_array()
            .unwrap()
            .contains(&json!(f.contact)));
    }
    let ticket = customer
        .get(&format!("/messenger/tickets/{}", f.ticket))
        .await
        .ok();
    assert!(ticket.to_string().contains("A public reply."));
    assert!(!ticket.to_string().contains(canary), "{ticket}");
    assert!(!home.to_string().contains(canary));

    // Someone else's ticket, a tracker, an unshared back-office ticket: all "not found".
    let hidden: Vec<&Value> = data(&f.records, "ticket")
        .filter(|t| {
            !t["contacts"]
                .as_array()
                .unwrap()
                .contains(&json!(f.contact))
                || t["shared"] == false
        })
        .take(20)
        .collect();
    assert!(hidden.iter().any(|t| t["category"] == "tracker"));
    for t in hidden {
        customer
            .get(&format!("/messenger/tickets/{}", t["id"].as_str().unwrap()))
            .await
            .error(404, "not_found");
        customer
            .post(
                &format!("/messenger/tickets/{}/reply", t["id"].as_str().unwrap()),
                json!({"body": "let me in"}),
            )
            .await
            .error(404, "not_found");
    }
    // A customer token opens nothing of the teammates' APIs, and the reverse.
    customer.get("/sync/pull").await.error(403, "forbidden");
    customer
        .get(&format!("/tickets/{}", f.ticket))
        .await
        .error(403, "forbidden");
    f.admin.get("/messenger/home").await.error(403, "forbidden");

    // The customer replies in the Messenger: it lands on the ticket as theirs.
    let replied = customer
        .post(
            &format!("/messenger/tickets/{}/reply", f.ticket),
            json!({"body": "Thanks, it works again."}),
        )
        .await
        .ok();
    let last = replied["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "message");
    assert_eq!(last["from_customer"], true);
    customer
        .post(
            &format!("/messenger/tickets/{}/reply", f.ticket),
            json!({"body": "  "}),
        )
        .await
        .error(422, "empty_body");
}

fn raw_reply(from: &str, to: &str, body: &str) -> String {
    format!(
        "From: Customer <{from}>\r\nTo: {to}\r\nSubject: Re: your request\r\n\
         Message-ID: <r1@customer.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\r\n\
         On Mon, 23 Nov 2026 at 09:00, Northwind <notifications@example> wrote:\r\n\
         > We received your request\r\n"
    )
}

async fn post_raw(server: &TestServer, raw: String) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/inbound/email", server.url))
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn an_emailed_reply_lands_on_the_ticket_and_forgeries_are_refused() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    let emails = emails_settle(&server, 1).await;
    let address = reply_to(&emails[0]);

    let (status, body) = post_raw(
        &server,
        raw_reply(&f.contact_email, &address, "Replying by email works."),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let customer = customer(&server, &f, &f.contact).await;
    let ticket = customer
        .get(&format!("/messenger/tickets/{}", f.ticket))
        .await
        .ok();
    let last = ticket["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last["body"], "Replying by email works.",
        "quotes removed: {last}"
    );
    assert_eq!(last["from_customer"], true);

    let forged = address.replacen("reply+", "reply+x", 1);
    let (status, body) = post_raw(&server, raw_reply(&f.contact_email, &forged, "hi")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, body) = post_raw(&server, raw_reply("mallory@evil.test", &address, "hi")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let (status, body) = post_raw(&server, "not an email at all".into()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("inbound_unparseable"))
    );
}

#[tokio::test]
async fn the_server_delivers_through_a_real_smtp_relay() {
    let (port, delivered) = smtp::receiver(None);
    let relay = format!("smtp://127.0.0.1:{port}");
    let server = TestServer::start_with(Some(30), &["--smtp", &relay]);
    let f = fixture(&server, 180).await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    let got = tokio::task::spawn_blocking(move || {
        let first = delivered.recv_timeout(Duration::from_secs(15));
        (first, delivered.recv_timeout(Duration::from_millis(500)))
    })
    .await
    .unwrap();
    let message = got.0.expect("the relay received the state-change email");
    assert!(got.1.is_err(), "exactly one message");
    assert_eq!(message.to, vec![f.contact_email.clone()]);
    assert!(message.from.starts_with("notifications@"));
    let text = String::from_utf8_lossy(&message.data);
    assert!(says(&text, " is now "), "{text}");
    assert!(server.emails().is_empty(), "no .eml files when relaying");
}

#[tokio::test]
async fn r5_a_reply_seen_before_the_next_one_is_not_emailed_with_it() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 2).await;
    let customer = customer(&server, &f, &f.contact).await;
    reply(&f, "First answer, seen in the Messenger.").await;
    customer
        .post(&format!("/messenger/tickets/{}/seen", f.ticket), json!({}))
        .await
        .ok();
    tokio::time::sleep(Duration::from_millis(20)).await;
    reply(&f, "Second answer, not seen yet.").await;
    let emails = emails_settle(&server, 1).await;
    assert!(says(&emails[0], "Second answer, not seen yet."));
    assert!(
        !says(&emails[0], "First answer"),
        "only what is unseen after the delay is emailed"
    );
}

#[tokio::test]
async fn a_ticket_made_internal_again_leaves_no_badge() {
    let server = TestServer::start(Some(60));
    let f = fixture(&server, 180).await;
    let back_office = data(&f.records, "ticket")
        .find(|t| {
            t["category"] == "back_office" && t["shared"] == false && t["contacts"][0].is_string()
        })
        .expect("an internal back-office ticket with a customer")
        .clone();
    let contact = back_office["contacts"][0].as_str().unwrap().to_owned();
    let customer = customer(&server, &f, &contact).await;
    let before = customer.get("/messenger/home").await.ok()["badges"].clone();
    let share =
        |shared: bool| json!({"type": "set_shared", "ticket": back_office["id"], "shared": shared});
    push(&f.admin, share(true)).await;
    let home = customer.get("/messenger/home").await.ok();
    assert_ne!(home["badges"], before, "sharing it is news: {home}");
    push(&f.admin, share(false)).await;
    let home = customer.get("/messenger/home").await.ok();
    assert_eq!(
        home["badges"], before,
        "no badge for a ticket they cannot open"
    );
}

#[tokio::test]
async fn r6b_the_customers_own_answer_moving_their_ticket_emails_nobody() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let ticket = find(&f.records, "ticket", &json!(f.ticket));
    let ticket_type = find(&f.records, "ticket_type", &ticket["type_id"]);
    let waiting = ticket_type["states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| find(&f.records, "ticket_state", s)["category"] == "waiting_on_customer")
        .expect("a waiting state")
        .clone();
    let before = if ticket["state_id"] != waiting {
        push(
            &f.admin,
            json!({"type": "set_state", "ticket": f.ticket, "state": waiting}),
        )
        .await;
        emails_settle(&server, 1).await.len()
    } else {
        0
    };
    let customer = customer(&server, &f, &f.contact).await;
    let answered = customer
        .post(
            &format!("/messenger/tickets/{}/reply", f.ticket),
            json!({"body": "Here is the screenshot."}),
        )
        .await
        .ok();
    assert_ne!(
        answered["state_category"], "waiting_on_customer",
        "{answered}"
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        server.emails().len(),
        before,
        "a change the customer caused tells them nothing"
    );
}
