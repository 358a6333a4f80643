//! Conversations end to end through the real server: a customer writes from the Messenger API
//! or by email (a new conversation, a threaded answer, an unknown sender), a teammate answers
//! through sync (a replayed push lands once), and the customer gets the answer in the Messenger
//! and, if unseen after the delay, by email.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use fixture::*;
use serde_json::{json, Value};
use server::{Client, TestServer};

async fn post_raw(server: &TestServer, raw: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/inbound/email", server.url))
        .header("content-type", "message/rfc822")
        .body(raw.replace('\n', "\r\n"))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// The teammate's messages in the change log for a conversation, as the app would pull them.
async fn conversation_parts(admin: &Client, conversation: &str) -> Vec<Value> {
    data(&records(admin).await, "conversation_part")
        .filter(|p| p["conversation"] == conversation)
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_messenger_conversation_is_answered_in_the_messenger_and_by_email_unless_seen() {
    let server = TestServer::start(Some(30));
    // No delay: an unseen reply is emailed as soon as delivery looks.
    let f = fixture(&server, 0).await;
    let customer = customer(&server, &f, &f.contact).await;

    let started = customer
        .post(
            "/messenger/conversations",
            json!({"body": "My export keeps failing\nIt stops at 80%."}),
        )
        .await
        .ok();
    let id = started["id"].as_str().unwrap().to_owned();
    assert_eq!(started["subject"], "My export keeps failing");
    assert_eq!(started["messages"][0]["from_customer"], true);
    customer
        .post("/messenger/conversations", json!({"body": "  "}))
        .await
        .error(422, "empty_body");

    // The teammate answers from the app, whose push is replayed after a lost answer.
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let reply = json!({"client_id": client_id(&f.admin), "mutations": [{"seq": seq, "mutation":
        {"type": "conversation_reply", "conversation": id, "body": "Fixed: try again now."}}]});
    for _ in 0..2 {
        let res = f.admin.post("/sync/push", reply.clone()).await.ok();
        assert_eq!(res["results"][0]["status"], "applied", "{res}");
    }
    let note = json!({"type": "conversation_note", "conversation": id, "body": "VIP, be quick"});
    push(&f.admin, note).await;
    let parts = conversation_parts(&f.admin, &id).await;
    let kinds: Vec<&str> = parts
        .iter()
        .map(|p| p["kind"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["reply", "reply", "note"],
        "the replayed push landed once"
    );

    // The customer sees the answer, never the note.
    let seen = customer
        .get(&format!("/messenger/conversations/{id}"))
        .await
        .ok();
    let bodies: Vec<&str> = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "My export keeps failing\nIt stops at 80%.",
            "Fixed: try again now."
        ]
    );
    assert!(!seen.to_string().contains("VIP"));
    let home = customer.get("/messenger/home").await.ok();
    assert_eq!(home["badges"]["messages_space"], 1, "{home}");

    // Unseen, the answer is emailed, threaded back by its reply address.
    let emails = emails_settle(&server, 1).await;
    assert!(
        says(&emails[0], "New reply: My export keeps failing"),
        "{}",
        emails[0]
    );
    assert!(says(&emails[0], "Fixed: try again now."));
    let answer = format!(
        "From: {}\nTo: {}\nSubject: Re: My export keeps failing\nMessage-ID: <answer-1@customer.test>\n\nStill failing for me.\n",
        f.contact_email,
        reply_to(&emails[0])
    );
    let (status, accepted) = post_raw(&server, &answer).await;
    assert_eq!(
        (status, accepted["conversation"].as_str()),
        (200, Some(id.as_str()))
    );
    let (status, _) = post_raw(&server, &answer).await;
    assert_eq!(status, 200, "a relay's retry is accepted");
    let parts = conversation_parts(&f.admin, &id).await;
    let last = parts.last().unwrap();
    assert_eq!(last["kind"]["body"], "Still failing for me.");
    assert_eq!(last["channel"], "email");
    assert_eq!(parts.len(), 4, "the retried email landed once");

    // Seen in the Messenger in time, the next answer needs no email.
    f.admin
        .put("/settings", json!({"reply_email_delay_seconds": 2}))
        .await
        .ok();
    push(
        &f.admin,
        json!({"type": "conversation_reply", "conversation": id, "body": "Try once more?"}),
    )
    .await;
    customer
        .post(&format!("/messenger/conversations/{id}/seen"), json!({}))
        .await
        .ok();
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(server.emails().len(), 1, "seen in time: not emailed");
    let home = customer.get("/messenger/home").await.ok();
    assert_eq!(home["badges"]["messages_space"], 0, "{home}");

    // Another customer cannot read or write in it.
    let other = data(&f.records, "contact")
        .find(|c| c["id"] != f.contact.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stranger = fixture::customer(&server, &f, &other).await;
    stranger
        .get(&format!("/messenger/conversations/{id}"))
        .await
        .error(404, "not_found");
    stranger
        .post(
            &format!("/messenger/conversations/{id}/reply"),
            json!({"body": "hi"}),
        )
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn email_to_the_support_address_starts_a_conversation_and_its_thread_continues_it() {
    let server = TestServer::start(Some(10));
    let f = fixture(&server, 180).await;
    let first = "From: Grace Hopper <grace@newcustomer.test>\nTo: support@inbound.teammate-inbox.local\nSubject: Cannot find my invoice\nMessage-ID: <g-1@newcustomer.test>\n\nWhere is the invoice for March?\n";
    let (status, accepted) = post_raw(&server, first).await;
    assert_eq!(status, 200, "{accepted}");
    let id = accepted["conversation"].as_str().unwrap().to_owned();

    let records = records(&f.admin).await;
    let conversation = find(&records, "conversation", &json!(id));
    assert_eq!(conversation["subject"], "Cannot find my invoice");
    assert_eq!(conversation["channel"], "email");
    let contact = find(&records, "contact", &conversation["contact"]);
    assert_eq!(
        (contact["name"].as_str(), contact["email"].as_str()),
        (Some("Grace Hopper"), Some("grace@newcustomer.test")),
        "an unknown sender becomes a contact"
    );

    // Their own follow-up, threaded by References, lands in the same conversation.
    let follow_up = "From: grace@newcustomer.test\nTo: support@inbound.teammate-inbox.local\nSubject: Re: Cannot find my invoice\nIn-Reply-To: <g-1@newcustomer.test>\nReferences: <g-1@newcustomer.test>\nMessage-ID: <g-2@newcustomer.test>\n\nAlso April, please.\n";
    let (status, accepted) = post_raw(&server, follow_up).await;
    assert_eq!(
        (status, accepted["conversation"].as_str()),
        (200, Some(id.as_str()))
    );

    // Someone else answering the same thread starts a conversation of their own.
    let intruder = follow_up
        .replace("grace@newcustomer.test\nTo", "mallory@evil.test\nTo")
        .replace("g-2@", "m-1@");
    let (status, accepted) = post_raw(&server, &intruder).await;
    assert_eq!(status, 200);
    assert_ne!(accepted["conversation"].as_str(), Some(id.as_str()));

    let parts = conversation_parts(&f.admin, &id).await;
    let bodies: Vec<&str> = parts
        .iter()
        .filter_map(|p| p["kind"]["body"].as_str())
        .collect();
    assert_eq!(
        bodies,
        ["Where is the invoice for March?", "Also April, please."]
    );

    let (status, body) = post_raw(
        &server,
        "From: a@b.test\nTo: support@elsewhere.test\nSubject: x\n\nhello\n",
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("inbound_not_addressed"))
    );
}

#[tokio::test]
async fn intercoms_conversations_api_runs_a_conversation_from_start_to_ticket() {
    let server = TestServer::start(Some(10));
    let f = fixture(&server, 180).await;
    let admin_id = f.admin.get("/me").await.ok()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let message = f
        .admin
        .post(
            "/conversations",
            json!({"from": {"type": "user", "id": f.contact}, "body": "Can I get a refund for order 123?"}),
        )
        .await
        .ok();
    assert_eq!(message["type"], "user_message");
    let id = message["conversation_id"].as_str().unwrap().to_owned();
    let path = format!("/conversations/{id}");

    let list = f.admin.get("/conversations?per_page=150").await.ok();
    assert!(list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == id.as_str()));

    f.admin
        .post(
            &format!("{path}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": admin_id, "body": "Which order exactly?"}),
        )
        .await
        .ok();
    f.admin
        .post(
            &format!("{path}/reply"),
            json!({"message_type": "note", "body": "Check Stripe first"}),
        )
        .await
        .ok();
    f.admin
        .post(
            &format!("{path}/reply"),
            json!({"message_type": "comment", "type": "user", "intercom_user_id": f.contact, "body": "Order 123, charged twice."}),
        )
        .await
        .ok();
    let other = data(&f.records, "contact")
        .find(|c| c["id"] != f.contact.as_str())
        .unwrap()["id"]
        .clone();
    f.admin
        .post(
            &format!("{path}/reply"),
            json!({"message_type": "comment", "type": "user", "intercom_user_id": other, "body": "Me too"}),
        )
        .await
        .error(403, "forbidden");
    f.admin
        .post(
            &format!("{path}/reply"),
            json!({"message_type": "shout", "body": "x"}),
        )
        .await
        .error(400, "invalid_message_type");

    let parts = format!("{path}/parts");
    let assigned = f
        .admin
        .post(
            &parts,
            json!({"message_type": "assignment", "type": "admin", "assignee_id": admin_id}),
        )
        .await
        .ok();
    assert_eq!(assigned["admin_assignee_id"], admin_id.as_str());
    let later = chrono_secs() + 3_600;
    let snoozed = f
        .admin
        .post(
            &parts,
            json!({"message_type": "snoozed", "snoozed_until": later}),
        )
        .await
        .ok();
    assert_eq!(
        (snoozed["state"].as_str(), snoozed["snoozed_until"].as_i64()),
        (Some("snoozed"), Some(later))
    );
    f.admin
        .post(
            &parts,
            json!({"message_type": "snoozed", "snoozed_until": 1}),
        )
        .await
        .error(422, "snooze_not_in_future");
    let opened = f
        .admin
        .post(&parts, json!({"message_type": "open"}))
        .await
        .ok();
    assert_eq!(opened["state"], "open");
    let closed = f
        .admin
        .post(
            &parts,
            json!({"message_type": "close", "body": "Refunded, closing this."}),
        )
        .await
        .ok();
    assert_eq!(closed["state"], "closed");
    let types: Vec<&str> = closed["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["part_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "comment",
            "comment",
            "note",
            "comment",
            "assignment",
            "snoozed",
            "open",
            "comment",
            "close"
        ]
    );

    // The conversation becomes a ticket without losing a word.
    let records = records(&f.admin).await;
    let needs_nothing = |t: &&Value| {
        t["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["built_in"] == true || a["required_to_create"] != true)
    };
    let customer_type = data(&records, "ticket_type")
        .filter(|t| t["category"] == "customer" && t["archived"] != true)
        .find(needs_nothing)
        .expect("a customer type without required attributes")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ticket = f
        .admin
        .post(
            &format!("{path}/convert"),
            json!({"ticket_type_id": customer_type}),
        )
        .await;
    let ticket = ticket.ok();
    assert_eq!(
        ticket["ticket_attributes"]["_default_description_"],
        "Can I get a refund for order 123?\n\nOrder 123, charged twice."
    );
    assert_eq!(
        ticket["ticket_attributes"]["_default_title_"],
        "Can I get a refund for order 123?"
    );
    let after = f.admin.get(&path).await.ok();
    assert_eq!(after["ticket_id"], ticket["id"]);
    f.admin
        .post(
            &format!("{path}/convert"),
            json!({"ticket_type_id": customer_type}),
        )
        .await
        .error(422, "conversation_already_linked");
    f.admin
        .get("/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV")
        .await
        .error(404, "not_found");

    // Search, as Intercom's query format: by state, contact and the first message's words.
    let search = |query: Value| {
        let admin = &f.admin;
        async move {
            admin
                .post("/conversations/search", json!({"query": query}))
                .await
                .ok()
        }
    };
    let ids = |found: &Value| -> Vec<String> {
        found["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let found = search(json!({"operator": "AND", "value": [
        {"field": "state", "operator": "=", "value": "closed"},
        {"field": "contact_ids", "operator": "=", "value": f.contact},
        {"field": "source.body", "operator": "~", "value": "REFUND for order"},
    ]}))
    .await;
    assert_eq!(ids(&found), std::slice::from_ref(&id), "{found}");
    assert_eq!(found["type"], "conversation.list");
    // Full text: words of its messages and subject, accents and case ignored, prefixes too.
    let words = |value: &str| json!({"field": "full_text", "operator": "~", "value": value});
    assert!(ids(&search(words("Chargé TWI")).await).contains(&id));
    assert!(!ids(&search(words("charged zanzibar")).await).contains(&id));
    let not =
        search(json!({"field": "full_text", "operator": "!~", "value": "charged twice"})).await;
    assert!(!ids(&not).contains(&id));
    let open_only = search(json!({"field": "state", "operator": "=", "value": "open"})).await;
    assert!(!ids(&open_only).contains(&id));
    let either = search(json!({"operator": "OR", "value": [
        {"field": "admin_assignee_id", "operator": "=", "value": admin_id},
        {"field": "title", "operator": "^", "value": "nothing like this"},
    ]}))
    .await;
    assert!(ids(&either).contains(&id));
    let unassigned =
        search(json!({"field": "team_assignee_id", "operator": "!=", "value": null})).await;
    assert!(!ids(&unassigned).contains(&id));
    let all = f
        .admin
        .post(
            "/conversations/search",
            json!({"pagination": {"per_page": 1}}),
        )
        .await
        .ok();
    assert_eq!(all["conversations"].as_array().unwrap().len(), 1);
    assert!(all["total_count"].as_u64().unwrap() > 1, "{all}");
    assert!(all["pages"]["next"]["starting_after"].is_string());
    f.admin
        .post(
            "/conversations/search",
            json!({"query": {"field": "mood", "operator": "=", "value": "x"}}),
        )
        .await
        .error(400, "unknown_search_field");
}

fn chrono_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// How many times the conversation's snooze ended, and whether it is snoozed now.
async fn wake_ups(admin: &Client, id: &str) -> (usize, Value) {
    let c = admin.get(&format!("/conversations/{id}")).await.ok();
    let ended = c["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["part_type"] == "timer_unsnooze")
        .count();
    (ended, c["state"].clone())
}

#[tokio::test]
async fn a_snooze_ends_once_at_its_time_however_many_processes_and_crashes() {
    let mut server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let start = async |body: &str| {
        let message = f
            .admin
            .post(
                "/conversations",
                json!({"from": {"type": "user", "id": f.contact}, "body": body}),
            )
            .await
            .ok();
        message["conversation_id"].as_str().unwrap().to_owned()
    };
    let snooze = async |id: &str, until: i64| {
        let snoozed = f
            .admin
            .post(
                &format!("/conversations/{id}/parts"),
                json!({"message_type": "snoozed", "snoozed_until": until}),
            )
            .await
            .ok();
        assert_eq!(snoozed["state"], "snoozed");
    };

    // Two server processes on one database: each looks for due snoozes; one wakes it.
    let second = server.another();
    let both = start("Ping me tomorrow").await;
    snooze(&both, chrono_secs() + 2).await;
    assert_eq!(wake_ups(&f.admin, &both).await, (0, json!("snoozed")));
    // The REST state says "open" as soon as the time passed; the wake-up is its part.
    server::eventually(15, async || {
        let (n, _) = wake_ups(&f.admin, &both).await;
        (n > 0).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(wake_ups(&f.admin, &both).await, (1, json!("open")), "once");
    drop(second);

    // Killed before the time, started again after it: the snooze still ends, once.
    let crashed = start("Remind me later").await;
    snooze(&crashed, chrono_secs() + 2).await;
    server.kill9();
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    server.restart();
    let f = Fixture {
        admin: server.client(&server.token(server::DEMO_ADMIN)),
        ..f
    };
    server::eventually(15, async || {
        let (n, _) = wake_ups(&f.admin, &crashed).await;
        (n > 0).then_some(())
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(wake_ups(&f.admin, &crashed).await, (1, json!("open")));
}
