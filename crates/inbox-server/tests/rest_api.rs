//! The REST API against the real server on loopback: Intercom-shaped tickets, types, states,
//! people and settings; the rules (R3, required attributes…) with typed errors; auth; the
//! change log syncing apps read; and the OpenAPI document covering every route.

#[path = "support/server.rs"]
mod server;

use serde_json::{json, Value};
use server::{Client, TestServer, DEMO_ADMIN, DEMO_TEAMMATE};

/// A seeded server, an admin's client and a (non-admin) teammate's client.
fn start() -> (TestServer, Client, Client) {
    let server = TestServer::start(Some(30));
    let admin = server.client(&server.token(DEMO_ADMIN));
    let teammate = server.client(&server.token(DEMO_TEAMMATE));
    (server, admin, teammate)
}

fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

/// The ticket type with this name, with its attributes and states.
async fn ticket_type(client: &Client, name: &str) -> Value {
    let types = client.get("/ticket_types").await.ok();
    types["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no ticket type {name}: {types}"))
        .clone()
}

/// The id of the first state of `category` that `ticket_type` offers.
fn state_of(ticket_type: &Value, category: &str) -> String {
    let states = ticket_type["ticket_states"]["data"].as_array().unwrap();
    let state = states.iter().find(|s| s["category"] == category).unwrap();
    s(&state["id"]).to_owned()
}

async fn teammate_id(client: &Client, email: &str) -> String {
    let list = client.get("/teammates").await.ok();
    let t = list["admins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["email"] == email)
        .unwrap();
    s(&t["id"]).to_owned()
}

async fn new_contact(client: &Client, email: &str) -> Value {
    client
        .post(
            "/contacts",
            json!({ "name": "Ada Lovelace", "email": email }),
        )
        .await
        .ok()
}

/// A refund request (a Customer ticket) for `contact`.
async fn refund(client: &Client, contact: &str, title: &str) -> Value {
    let refund = ticket_type(client, "Refund request").await;
    client
        .post(
            "/tickets",
            json!({
                "ticket_type_id": refund["id"],
                "contacts": [{ "id": contact }],
                "ticket_attributes": { "_default_title_": title, "order_id": "A-1" },
            }),
        )
        .await
        .ok()
}

/// A Bug tracker ticket.
async fn tracker(client: &Client, title: &str) -> Value {
    let tracker = ticket_type(client, "Bug tracker").await;
    client
        .post(
            "/tickets",
            json!({
                "ticket_type_id": tracker["id"],
                "ticket_attributes": { "_default_title_": title, "component": "API" },
            }),
        )
        .await
        .ok()
}

fn part_types(parts: &Value) -> Vec<String> {
    parts["ticket_parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| s(&p["part_type"]).to_owned())
        .collect()
}

#[tokio::test]
async fn tickets_are_created_with_server_numbers_and_read_back() {
    let (_server, admin, _) = start();
    let refund = ticket_type(&admin, "Refund request").await;
    let contact = new_contact(&admin, "ada@example.com").await;
    let contact_id = s(&contact["id"]).to_owned();

    let created = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": refund["id"],
                "contacts": [{ "id": contact_id }],
                "ticket_attributes": {
                    "_default_title_": "Charged twice",
                    "_default_description_": "Please refund one.",
                    "order_id": "A-1234",
                    // Intercom keys custom attributes by name; ours by key: both work.
                    "Amount (EUR)": 19.9,
                },
            }),
        )
        .await
        .ok();
    assert_eq!(created["type"], "ticket");
    assert_eq!(created["category"], "Customer");
    assert_eq!(
        created["is_shared"], true,
        "R1: customer tickets are shared"
    );
    assert_eq!(created["open"], true);
    assert_eq!(created["ticket_state"]["type"], "ticket_state");
    assert_eq!(created["ticket_state"]["category"], "submitted");
    assert_eq!(created["ticket_type"]["id"], refund["id"]);
    assert_eq!(
        created["ticket_attributes"]["_default_title_"],
        "Charged twice"
    );
    assert_eq!(
        created["ticket_attributes"]["_default_description_"],
        "Please refund one."
    );
    assert_eq!(created["ticket_attributes"]["order_id"], "A-1234");
    assert_eq!(created["ticket_attributes"]["amount"], 19.9);
    assert_eq!(
        created["contacts"]["contacts"][0]["id"],
        contact_id.as_str()
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let created_at = created["created_at"].as_i64().unwrap();
    assert!((now - created_at).abs() < 60, "unix seconds: {created_at}");

    // Numbers come from the server and grow, after the 30 seeded tickets.
    let first: i64 = s(&created["ticket_id"]).parse().unwrap();
    assert!(first > 30, "{first}");
    let second = refund_for(&admin, &contact_id).await;
    let third = refund_for(&admin, &contact_id).await;
    assert_eq!((second, third), (first + 1, first + 2));

    // By id, by number, by #number.
    let id = s(&created["id"]).to_owned();
    for reference in [id.clone(), first.to_string(), format!("%23{first}")] {
        let got = admin.get(&format!("/tickets/{reference}")).await.ok();
        assert_eq!(got["id"], id.as_str(), "{reference}");
    }
    admin.get("/tickets/999999").await.error(404, "not_found");
    admin
        .get("/tickets/not-an-id")
        .await
        .error(404, "not_found");

    // A contact given by an unknown email is created, as Intercom does.
    let by_email = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": refund["id"],
                "contacts": [{ "email": "Grace@Example.com", "name": "Grace Hopper" }],
                "ticket_attributes": { "_default_title_": "Refund", "order_id": "B-1" },
            }),
        )
        .await
        .ok();
    let found = admin.get("/contacts?email=grace@example.com").await.ok();
    assert_eq!(found["data"][0]["name"], "Grace Hopper");
    assert_eq!(
        by_email["contacts"]["contacts"][0]["id"],
        found["data"][0]["id"]
    );

    // A client may choose the id; choosing a taken one is a conflict, not an overwrite.
    let chosen = "01J0000000000000000000TEST";
    let body = json!({
        "id": chosen,
        "ticket_type_id": refund["id"],
        "contacts": [{ "id": contact_id }],
        "ticket_attributes": { "_default_title_": "Chosen id", "order_id": "C-1" },
    });
    assert_eq!(
        admin.post("/tickets", body.clone()).await.ok()["id"],
        chosen
    );
    admin.post("/tickets", body).await.error(409, "id_taken");

    // Validation by the type, as in the app.
    let missing = json!({
        "ticket_type_id": refund["id"],
        "ticket_attributes": { "_default_title_": "No order id" },
    });
    admin
        .post("/tickets", missing)
        .await
        .error(422, "attribute_required");
    let unknown = json!({
        "ticket_type_id": refund["id"],
        "ticket_attributes": { "_default_title_": "x", "order_id": "1", "colour": "red" },
    });
    admin
        .post("/tickets", unknown)
        .await
        .error(422, "attribute_unknown");
    let wrong = json!({
        "ticket_type_id": refund["id"],
        "ticket_attributes": { "_default_title_": "x", "order_id": "1", "amount": "lots" },
    });
    admin
        .post("/tickets", wrong)
        .await
        .error(422, "attribute_wrong_type");
    let no_type =
        json!({ "ticket_type_id": "01J00000000000000000000000", "ticket_attributes": {} });
    admin
        .post("/tickets", no_type)
        .await
        .error(404, "not_found");
    let no_contact = json!({
        "ticket_type_id": refund["id"],
        "contacts": [{ "id": "01J00000000000000000000000" }],
        "ticket_attributes": { "_default_title_": "x", "order_id": "1" },
    });
    admin
        .post("/tickets", no_contact)
        .await
        .error(404, "not_found");
    let typo = json!({ "ticket_type_id": refund["id"], "ticket_atributes": {} });
    admin
        .post("/tickets", typo)
        .await
        .error(400, "invalid_body");
    admin
        .post("/tickets", json!([1, 2]))
        .await
        .error(400, "invalid_body");
}

async fn refund_for(client: &Client, contact: &str) -> i64 {
    let t = refund(client, contact, "Another refund").await;
    s(&t["ticket_id"]).parse().unwrap()
}

#[tokio::test]
async fn notifications_follow_the_rules_and_can_be_skipped() {
    let (_server, admin, _) = start();
    let contact = new_contact(&admin, "ada@example.com").await;
    let contact_id = s(&contact["id"]);
    let refund_type = ticket_type(&admin, "Refund request").await;

    let notified = refund(&admin, contact_id, "Notify me").await;
    let parts = admin
        .get(&format!("/tickets/{}/parts", s(&notified["id"])))
        .await
        .ok();
    assert!(
        part_types(&parts).contains(&"customers_notified".into()),
        "R4: {parts}"
    );

    let quiet = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": refund_type["id"],
                "contacts": [{ "id": contact_id }],
                "ticket_attributes": { "_default_title_": "Quiet", "order_id": "Q-1" },
                "skip_notifications": true,
            }),
        )
        .await
        .ok();
    let parts = admin
        .get(&format!("/tickets/{}/parts", s(&quiet["id"])))
        .await
        .ok();
    assert!(
        !part_types(&parts).contains(&"customers_notified".into()),
        "R6a: {parts}"
    );
}

#[tokio::test]
async fn updates_apply_every_field_in_one_transaction() {
    let (_server, admin, _) = start();
    let contact = new_contact(&admin, "ada@example.com").await;
    let ticket = refund(&admin, s(&contact["id"]), "Refund please").await;
    let id = s(&ticket["id"]).to_owned();
    let path = format!("/tickets/{id}");
    let refund_type = ticket_type(&admin, "Refund request").await;
    let in_progress = state_of(&refund_type, "in_progress");
    let sam = teammate_id(&admin, DEMO_TEAMMATE).await;
    let alex = teammate_id(&admin, DEMO_ADMIN).await;

    let updated = admin
        .put(
            &path,
            json!({
                "ticket_state_id": in_progress,
                "admin_assignee_id": sam,
                "ticket_attributes": { "_default_title_": "Refund of order A-1", "express": true },
            }),
        )
        .await
        .ok();
    assert_eq!(updated["ticket_state"]["id"], in_progress.as_str());
    assert_eq!(updated["admin_assignee_id"], sam.as_str());
    assert_eq!(
        updated["ticket_attributes"]["_default_title_"],
        "Refund of order A-1"
    );
    assert_eq!(updated["ticket_attributes"]["express"], true);
    let parts = part_types(&admin.get(&format!("{path}/parts")).await.ok());
    for kind in [
        "ticket_state_updated",
        "assignment",
        "ticket_attribute_updated",
    ] {
        assert!(parts.contains(&kind.to_owned()), "{kind} in {parts:?}");
    }

    // All or nothing: the assignment is not kept when unsharing a customer ticket is refused.
    let refused = admin
        .put(
            &path,
            json!({ "admin_assignee_id": alex, "is_shared": false }),
        )
        .await;
    refused.error(422, "customer_ticket_always_shared");
    assert_eq!(
        admin.get(&path).await.ok()["admin_assignee_id"],
        sam.as_str()
    );

    // null unassigns; leaving a field out keeps it.
    let unassigned = admin
        .put(&path, json!({ "admin_assignee_id": null }))
        .await
        .ok();
    assert_eq!(unassigned["admin_assignee_id"], Value::Null);
    assert_eq!(unassigned["ticket_state"]["id"], in_progress.as_str());

    // Intercom's `state` names a category; resolved closes, open reopens.
    let resolved = admin.put(&path, json!({ "state": "resolved" })).await.ok();
    assert_eq!(
        (
            resolved["open"].clone(),
            resolved["ticket_state"]["category"].clone()
        ),
        (json!(false), json!("resolved"))
    );
    let reopened = admin.put(&path, json!({ "open": true })).await.ok();
    assert_eq!(
        (
            reopened["open"].clone(),
            reopened["ticket_state"]["category"].clone()
        ),
        (json!(true), json!("in_progress"))
    );
    let closed = admin.put(&path, json!({ "open": false })).await.ok();
    assert_eq!(
        (
            closed["open"].clone(),
            closed["ticket_state"]["category"].clone()
        ),
        (json!(false), json!("in_progress"))
    );

    admin
        .put(
            &path,
            json!({ "state": "resolved", "ticket_state_id": in_progress }),
        )
        .await
        .error(400, "conflicting_fields");
    admin
        .put(&path, json!({ "state": "done" }))
        .await
        .error(400, "invalid_state");
    admin
        .put(
            &path,
            json!({ "admin_assignee_id": "01J00000000000000000000000" }),
        )
        .await
        .error(404, "not_found");
    admin
        .put(&path, json!({ "brand_id": "01J00000000000000000000000" }))
        .await
        .error(404, "not_found");
    admin
        .put(&path, json!({ "snoozes_until": 1 }))
        .await
        .error(400, "invalid_body");
    admin
        .put("/tickets/999999", json!({ "open": false }))
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn trackers_stay_internal_and_carry_their_tickets() {
    let (_server, admin, _) = start();
    let contact = new_contact(&admin, "ada@example.com").await;
    let ticket = refund(&admin, s(&contact["id"]), "Checkout fails").await;
    let path = format!("/tickets/{}", s(&ticket["id"]));
    let bug = tracker(&admin, "Checkout 500s").await;
    let other = tracker(&admin, "Another bug").await;
    assert_eq!(bug["category"], "Tracker");
    assert_eq!(bug["is_shared"], false);

    // R3: sharing a tracker is refused, whatever the path.
    let bug_path = format!("/tickets/{}", s(&bug["id"]));
    admin
        .put(&bug_path, json!({ "is_shared": true }))
        .await
        .error(422, "tracker_cannot_be_shared");
    let tracker_type = ticket_type(&admin, "Bug tracker").await;
    let shared = json!({
        "ticket_type_id": tracker_type["id"],
        "is_shared": true,
        "ticket_attributes": { "_default_title_": "Shared?", "component": "API" },
    });
    admin
        .post("/tickets", shared)
        .await
        .error(422, "tracker_cannot_be_shared");

    // Link by the tracker's number; a second tracker is refused; trackers link to nothing.
    let linked = admin
        .post(
            &format!("{path}/tracker"),
            json!({ "tracker_id": s(&bug["ticket_id"]).parse::<i64>().unwrap() }),
        )
        .await
        .ok();
    assert_eq!(linked["tracker_id"], bug["id"]);
    assert_eq!(linked["linked_objects"]["data"][0]["link"], "tracker");
    admin
        .post(
            &format!("{path}/tracker"),
            json!({ "tracker_id": other["id"] }),
        )
        .await
        .error(422, "already_linked_to_tracker");
    admin
        .post(
            &format!("{bug_path}/tracker"),
            json!({ "tracker_id": other["id"] }),
        )
        .await
        .error(422, "only_customer_tickets_link_to_trackers");
    admin
        .post(
            &format!("/tickets/{}/tracker", s(&other["id"])),
            json!({ "tracker_id": ticket["id"] }),
        )
        .await
        .error(422, "not_a_tracker");
    admin
        .post(
            &format!("{path}/tracker"),
            json!({ "tracker_id": "01J00000000000000000000000" }),
        )
        .await
        .error(404, "not_found");

    // R13: the tracker's state change moves its linked ticket.
    let in_progress = state_of(&tracker_type, "in_progress");
    admin
        .put(&bug_path, json!({ "ticket_state_id": in_progress }))
        .await
        .ok();
    let moved = admin.get(&path).await.ok();
    assert_eq!(moved["ticket_state"]["category"], "in_progress");

    let unlinked = admin.delete(&format!("{path}/tracker")).await.ok();
    assert_eq!(unlinked["tracker_id"], Value::Null);
    admin
        .delete(&format!("{path}/tracker"))
        .await
        .error(422, "not_linked_to_tracker");
}

#[tokio::test]
async fn replies_notes_and_the_customer_side() {
    let (_server, admin, teammate) = start();
    let contact = new_contact(&admin, "ada@example.com").await;
    let contact_id = s(&contact["id"]).to_owned();
    let ticket = refund(&admin, &contact_id, "Where is my refund?").await;
    let path = format!("/tickets/{}", s(&ticket["id"]));
    let sam = teammate_id(&admin, DEMO_TEAMMATE).await;

    let reply = teammate
        .post(
            &format!("{path}/reply"),
            json!({ "message_type": "comment", "body": "It is on its way.", "type": "admin" }),
        )
        .await
        .ok();
    assert_eq!(reply["type"], "ticket_part");
    assert_eq!(reply["part_type"], "comment");
    assert_eq!(reply["body"], "It is on its way.");
    assert_eq!(
        reply["author"],
        json!({ "type": "admin", "id": sam }),
        "the token's teammate"
    );
    let note = teammate
        .post(
            &format!("{path}/reply"),
            json!({ "message_type": "note", "body": "Refund issued in Stripe." }),
        )
        .await
        .ok();
    assert_eq!(note["part_type"], "note");

    let parts = admin.get(&format!("{path}/parts")).await.ok();
    assert_eq!(parts["type"], "ticket_part.list");
    let kinds = part_types(&parts);
    assert!(
        kinds.contains(&"comment".into()) && kinds.contains(&"note".into()),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"customers_notified".into()),
        "R5 planned: {kinds:?}"
    );

    let reply_path = format!("{path}/reply");
    admin
        .post(
            &reply_path,
            json!({ "message_type": "quick_reply", "body": "x" }),
        )
        .await
        .error(400, "invalid_message_type");
    admin
        .post(
            &reply_path,
            json!({ "message_type": "comment", "body": "  " }),
        )
        .await
        .error(422, "empty_body");
    admin
        .post(
            &reply_path,
            json!({ "message_type": "comment", "body": "x", "type": "user" }),
        )
        .await
        .error(400, "invalid_author");
    admin
        .post(
            &reply_path,
            json!({ "message_type": "comment", "body": "x", "keep_private": true }),
        )
        .await
        .error(400, "invalid_field");
    admin
        .post(
            "/tickets/999999/reply",
            json!({ "message_type": "note", "body": "x" }),
        )
        .await
        .error(404, "not_found");

    // Internal tickets take notes, not replies.
    let billing = ticket_type(&admin, "Billing investigation").await;
    let internal = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": billing["id"],
                "contacts": [{ "id": contact_id }],
                "ticket_attributes": { "_default_title_": "Check the invoice", "invoice": 42 },
            }),
        )
        .await
        .ok();
    assert_eq!(
        (internal["category"].clone(), internal["is_shared"].clone()),
        (json!("Back-office"), json!(false))
    );
    admin
        .post(
            &format!("/tickets/{}/reply", s(&internal["id"])),
            json!({ "message_type": "comment", "body": "Hi" }),
        )
        .await
        .error(422, "reply_on_internal_ticket");

    // An integration signs its customer into the Messenger API with a token made here; the
    // customer sees the reply, never the note (R3a), and the token opens no REST endpoint.
    let made = admin
        .post(
            &format!("/contacts/{contact_id}/messenger_token"),
            json!({}),
        )
        .await
        .ok();
    assert_eq!(made["contact_id"], contact_id.as_str());
    let customer = Client {
        token: Some(s(&made["token"]).to_owned()),
        ..admin.clone()
    };
    let seen = customer
        .get(&format!("/messenger/tickets/{}", s(&ticket["id"])))
        .await
        .ok();
    let text = seen["timeline"].to_string();
    assert!(
        text.contains("It is on its way.") && !text.contains("Stripe"),
        "{text}"
    );
    customer.get(&path).await.error(403, "forbidden");
    customer
        .post("/tickets/search", json!({}))
        .await
        .error(403, "forbidden");
    admin
        .post(
            "/contacts/01J00000000000000000000000/messenger_token",
            json!({}),
        )
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn full_text_search_finds_what_teammates_and_customers_wrote() {
    let (server, admin, teammate) = start();
    let contact = new_contact(&admin, "ada@example.com").await;
    let contact_id = s(&contact["id"]).to_owned();
    let ticket = refund(&admin, &contact_id, "Zebra-striped invoice").await;
    let path = format!("/tickets/{}", s(&ticket["id"]));
    admin
        .put(
            &path,
            json!({ "ticket_attributes": { "_default_description_": "Charged twice in Göteborg" } }),
        )
        .await
        .ok();
    teammate
        .post(
            &format!("{path}/reply"),
            json!({ "message_type": "comment", "body": "Your quokka-shaped refund is on its way.", "type": "admin" }),
        )
        .await
        .ok();
    teammate
        .post(
            &format!("{path}/reply"),
            json!({ "message_type": "note", "body": "Escalated to Wombatpay support." }),
        )
        .await
        .ok();
    let found = |words: &str| {
        let admin = admin.clone();
        let body = json!({ "query": { "operator": "AND", "value": [
            { "field": "full_text", "operator": "~", "value": words },
            { "field": "open", "operator": "=", "value": true },
        ]}});
        async move {
            let list = admin.post("/tickets/search", body).await.ok();
            list["tickets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| s(&t["id"]).to_owned())
                .collect::<Vec<_>>()
        }
    };
    let mine = vec![s(&ticket["id"]).to_owned()];
    // Title, description (accents folded), the order id attribute, a reply and a note; each
    // word may come from a different one, and a word's beginning is enough.
    assert_eq!(found("zebra").await, mine);
    assert_eq!(found("goteborg CHARGED").await, mine);
    assert_eq!(found("quokka wombat zebr").await, mine);
    assert_eq!(found("a 1 zebra").await, mine, "the order id A-1");
    assert!(found("quokka platypus").await.is_empty());
    // The title search of before still finds it, as it did.
    let title = admin
        .post(
            "/tickets/search",
            json!({ "query": { "field": "title", "operator": "~", "value": "ra-stri" } }),
        )
        .await
        .ok();
    assert_eq!(title["total_count"], 1, "{title}");
    // Only teammates search: a customer never reaches notes this way.
    let customer = server.anonymous();
    customer
        .post(
            "/tickets/search",
            json!({ "query": { "field": "full_text", "operator": "~", "value": "wombatpay" } }),
        )
        .await
        .error(401, "unauthorized");
    admin
        .post(
            "/tickets/search",
            json!({ "query": { "field": "full_text", "operator": "=", "value": "zebra" } }),
        )
        .await
        .error(400, "unknown_search_operator");
}

#[tokio::test]
async fn search_takes_intercom_queries_and_pages() {
    let (_server, admin, _) = start();
    let contact = new_contact(&admin, "ada@example.com").await;
    let contact_id = s(&contact["id"]).to_owned();
    let mine = refund(&admin, &contact_id, "Zebra-striped invoice").await;

    let search = |body: Value| {
        let admin = admin.clone();
        async move { admin.post("/tickets/search", body).await }
    };
    let only = |list: &Value| -> Vec<String> {
        list["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| s(&t["id"]).to_owned())
            .collect()
    };
    let by_title = search(
        json!({ "query": { "field": "_default_title_", "operator": "~", "value": "zebra" } }),
    )
    .await
    .ok();
    assert_eq!(by_title["type"], "ticket.list");
    assert_eq!(only(&by_title), [s(&mine["id"])]);
    assert_eq!(by_title["total_count"], 1);
    let by_number = search(
        json!({ "query": { "field": "ticket_id", "operator": "=", "value": mine["ticket_id"] } }),
    )
    .await
    .ok();
    assert_eq!(only(&by_number), [s(&mine["id"])]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let recent_of_contact = json!({ "query": { "operator": "AND", "value": [
        { "field": "contact_ids", "operator": "=", "value": contact_id },
        { "field": "created_at", "operator": ">=", "value": now - 120 },
        { "field": "category", "operator": "IN", "value": ["request", "Back-office"] },
        { "field": "state", "operator": "=", "value": "submitted" },
        { "operator": "OR", "value": [
            { "field": "admin_assignee_id", "operator": "=", "value": null },
            { "field": "open", "operator": "=", "value": false },
        ]},
    ]}});
    assert_eq!(
        only(&search(recent_of_contact).await.ok()),
        [s(&mine["id"])]
    );

    // Pages: every ticket once, in pages of 7, following `pages.next.starting_after`.
    let open = json!({ "field": "open", "operator": "=", "value": true });
    let mut seen = Vec::new();
    let mut pagination = json!({ "per_page": 7 });
    let total = loop {
        let page = search(json!({ "query": open, "pagination": pagination }))
            .await
            .ok();
        assert!(page["tickets"].as_array().unwrap().len() <= 7);
        seen.extend(only(&page));
        match page["pages"]["next"]["starting_after"].as_str() {
            Some(next) => pagination = json!({ "per_page": 7, "starting_after": next }),
            None => break page["total_count"].as_u64().unwrap() as usize,
        }
    };
    assert!(total > 7, "the seeded workspace has open tickets: {total}");
    let unique: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (total, total));
    let everything = search(json!({})).await.ok();
    assert!(everything["total_count"].as_u64().unwrap() >= total as u64);
    assert_eq!(
        everything["tickets"].as_array().unwrap().len(),
        20,
        "20 per page by default"
    );

    let cond = |field: &str, op: &str, value: Value| json!({ "query": { "field": field, "operator": op, "value": value } });
    let by_attribute = search(cond("ticket_attribute.order_id", "=", json!("A-1")))
        .await
        .ok();
    assert!(
        by_attribute["total_count"].as_i64().unwrap() >= 1,
        "{by_attribute}"
    );
    search(cond("ticket_attribute.colour", "=", json!("red")))
        .await
        .error(400, "unknown_search_field");
    search(cond("title", "<", json!("Zebra")))
        .await
        .error(400, "unknown_search_operator");
    search(cond("open", ">", json!(true)))
        .await
        .error(400, "unknown_search_operator");
    search(cond("open", "=", json!("perhaps")))
        .await
        .error(400, "invalid_search_value");
    search(json!({ "query": { "operator": "AND", "value": "x" } }))
        .await
        .error(400, "invalid_query");
    search(json!({ "pagination": { "starting_after": "bogus" } }))
        .await
        .error(400, "invalid_cursor");
    search(json!({ "pagination": { "per_page": 500 } }))
        .await
        .error(400, "invalid_pagination");
    search(json!({ "sort": { "field": "created_at" } }))
        .await
        .error(400, "invalid_body");
}

#[tokio::test]
async fn workspace_configuration_needs_an_admin() {
    let (_server, admin, teammate) = start();
    let a_type = ticket_type(&admin, "Refund request").await;
    let type_path = format!("/ticket_types/{}", s(&a_type["id"]));

    // Teammates read the configuration but cannot change it.
    assert!(!teammate.get("/ticket_types").await.ok()["data"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(teammate.get(&type_path).await.ok()["id"], a_type["id"]);
    assert!(
        teammate.get("/ticket_states").await.ok()["data"]
            .as_array()
            .unwrap()
            .len()
            >= 4
    );
    assert_eq!(
        teammate.get("/settings").await.ok()["reply_email_delay_minutes"],
        3
    );
    let refused = [
        teammate
            .post(
                "/ticket_types",
                json!({ "name": "X", "category": "Customer" }),
            )
            .await,
        teammate.put(&type_path, json!({ "archived": true })).await,
        teammate
            .post(
                &format!("{type_path}/attributes"),
                json!({ "name": "X", "data_type": "string" }),
            )
            .await,
        teammate
            .post(
                "/ticket_states",
                json!({ "internal_label": "X", "category": "submitted" }),
            )
            .await,
        teammate
            .put("/settings", json!({ "reply_email_delay_minutes": 5 }))
            .await,
        teammate
            .post(
                "/teammates",
                json!({ "name": "X", "email": "x@northwind.example" }),
            )
            .await,
    ];
    for reply in refused {
        reply.error(403, "forbidden");
    }

    // States: internal labels are unique; customer labels may repeat.
    let state = admin
        .post("/ticket_states", json!({ "internal_label": "Awaiting engineering", "external_label": "In progress", "category": "in_progress" }))
        .await
        .ok();
    assert_eq!(
        (state["type"].clone(), state["external_label"].clone()),
        (json!("ticket_state"), json!("In progress"))
    );
    admin
        .post(
            "/ticket_states",
            json!({ "internal_label": "awaiting ENGINEERING", "category": "in_progress" }),
        )
        .await
        .error(422, "state_label_taken");
    admin
        .post(
            "/ticket_states",
            json!({ "internal_label": "Y", "category": "done" }),
        )
        .await
        .error(400, "invalid_category");

    // A type with Intercom's category spelling, every state by default, then its attributes.
    let created = admin
        .post("/ticket_types", json!({ "name": "Feature request", "description": "Ideas", "icon": "💡", "category": "Back-office" }))
        .await
        .ok();
    assert_eq!(
        (created["category"].clone(), created["icon"].clone()),
        (json!("Back-office"), json!("💡"))
    );
    let keys: Vec<&str> = created["ticket_type_attributes"]["ticket_type_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(&a["key"]))
        .collect();
    assert_eq!(keys, ["title", "description"]);
    assert!(created["ticket_states"]["data"]
        .to_string()
        .contains("Awaiting engineering"));
    let new_type = format!("/ticket_types/{}", s(&created["id"]));
    let priority = admin
        .post(
            &format!("{new_type}/attributes"),
            json!({ "name": "Priority level", "description": "How urgent", "data_type": "list", "list_items": "Low, High", "required_to_create": true }),
        )
        .await
        .ok();
    assert_eq!(priority["key"], "priority_level");
    assert_eq!(
        priority["input_options"]["list_options"],
        json!([{ "label": "Low" }, { "label": "High" }])
    );
    let notes = admin
        .post(&format!("{new_type}/attributes"), json!({ "name": "Notes", "data_type": "string", "multiline": true, "visible_to_customer": false }))
        .await
        .ok();
    assert_eq!(
        (
            notes["input_options"]["multiline"].clone(),
            notes["visible_to_contacts"].clone()
        ),
        (json!(true), json!(false))
    );
    let attr = |body: Value| {
        let admin = admin.clone();
        let path = format!("{new_type}/attributes");
        async move { admin.post(&path, body).await }
    };
    attr(json!({ "name": "Priority level", "data_type": "string" }))
        .await
        .error(422, "attribute_duplicate");
    attr(json!({ "name": "Choice", "data_type": "list" }))
        .await
        .error(422, "attribute_list_without_options");
    attr(json!({ "name": "Photo", "data_type": "files" }))
        .await
        .error(400, "invalid_data_type");
    attr(json!({ "name": "  ", "data_type": "string" }))
        .await
        .error(400, "missing_field");
    admin
        .post(
            "/ticket_types/01J00000000000000000000000/attributes",
            json!({ "name": "X", "data_type": "string" }),
        )
        .await
        .error(404, "not_found");

    // Tickets of the new type obey its attributes; archived, it takes no more.
    let new_ticket = |attributes: Value| json!({ "ticket_type_id": created["id"], "ticket_attributes": attributes });
    admin
        .post(
            "/tickets",
            new_ticket(json!({ "_default_title_": "Dark mode" })),
        )
        .await
        .error(422, "attribute_required");
    let ok = admin
        .post(
            "/tickets",
            new_ticket(json!({ "_default_title_": "Dark mode", "priority_level": "High" })),
        )
        .await
        .ok();
    assert_eq!(ok["is_shared"], false, "back-office tickets start internal");
    let archived = admin
        .put(
            &new_type,
            json!({ "archived": true, "name": "Feature request (old)" }),
        )
        .await
        .ok();
    assert_eq!(
        (archived["archived"].clone(), archived["name"].clone()),
        (json!(true), json!("Feature request (old)"))
    );
    admin
        .post(
            "/tickets",
            new_ticket(json!({ "_default_title_": "Again", "priority_level": "Low" })),
        )
        .await
        .error(422, "ticket_type_archived");
    admin
        .put(&new_type, json!({ "name": " " }))
        .await
        .error(422, "ticket_type_name_empty");

    // A type must offer a state of every category; categories must be real.
    let submitted = state_of(&a_type, "submitted");
    admin
        .post(
            "/ticket_types",
            json!({ "name": "Partial", "category": "Customer", "ticket_state_ids": [submitted] }),
        )
        .await
        .error(422, "ticket_type_missing_state_category");
    admin
        .post(
            "/ticket_types",
            json!({ "name": "X", "category": "Question" }),
        )
        .await
        .error(400, "invalid_category");
    admin
        .post(
            "/ticket_types",
            json!({ "name": "", "category": "Tracker" }),
        )
        .await
        .error(422, "ticket_type_name_empty");
    admin
        .get("/ticket_types/01J00000000000000000000000")
        .await
        .error(404, "not_found");

    // Settings: minutes or seconds, validated by the domain.
    let five = admin
        .put("/settings", json!({ "reply_email_delay_minutes": 5 }))
        .await
        .ok();
    assert_eq!(
        (
            five["reply_email_delay_minutes"].clone(),
            five["reply_email_delay_seconds"].clone()
        ),
        (json!(5), json!(300))
    );
    let ninety = admin
        .put("/settings", json!({ "reply_email_delay_seconds": 90 }))
        .await
        .ok();
    assert_eq!(ninety["reply_email_delay_minutes"], 1.5);
    assert_eq!(
        teammate.get("/settings").await.ok()["reply_email_delay_seconds"],
        90
    );
    admin
        .put("/settings", json!({ "reply_email_delay_minutes": 2000 }))
        .await
        .error(422, "invalid_reply_email_delay");
    admin
        .put("/settings", json!({ "reply_email_delay_seconds": -1 }))
        .await
        .error(422, "invalid_reply_email_delay");
    admin
        .put(
            "/settings",
            json!({ "reply_email_delay_minutes": 1, "reply_email_delay_seconds": 60 }),
        )
        .await
        .error(400, "conflicting_fields");
    admin
        .put("/settings", json!({}))
        .await
        .error(400, "missing_field");

    // Teammates: Intercom's admins.
    let added = admin
        .post(
            "/teammates",
            json!({ "name": "Nina Berg", "email": "Nina@Northwind.example", "role": "admin" }),
        )
        .await
        .ok();
    assert_eq!(
        (
            added["type"].clone(),
            added["email"].clone(),
            added["role"].clone()
        ),
        (
            json!("admin"),
            json!("nina@northwind.example"),
            json!("admin")
        )
    );
    for path in ["/teammates", "/admins"] {
        let list = teammate.get(path).await.ok();
        assert_eq!(list["type"], "admin.list");
        assert!(list["admins"].to_string().contains("Nina Berg"), "{path}");
    }
    admin
        .post(
            "/teammates",
            json!({ "name": "Nina", "email": "nina@northwind.example" }),
        )
        .await
        .error(409, "email_taken");
    admin
        .post(
            "/teammates",
            json!({ "name": "Ola", "email": "ola@northwind.example", "role": "owner" }),
        )
        .await
        .error(400, "invalid_role");
    admin
        .post(
            "/teammates",
            json!({ "name": "Ola", "email": "not an email" }),
        )
        .await
        .error(400, "invalid_email");
}

#[tokio::test]
async fn contacts_companies_and_their_tickets() {
    let (_server, admin, teammate) = start();
    let company = teammate
        .post("/companies", json!({ "name": "Analytical Engines Ltd" }))
        .await
        .ok();
    assert_eq!(company["type"], "company");
    let company_id = s(&company["id"]).to_owned();
    let contact = teammate
        .post(
            "/contacts",
            json!({ "name": "Ada", "email": "ada@engines.example", "company_id": company_id }),
        )
        .await
        .ok();
    assert_eq!(
        (contact["type"].clone(), contact["company_id"].clone()),
        (json!("contact"), json!(company_id))
    );
    let contact_id = s(&contact["id"]).to_owned();
    assert_eq!(
        admin.get(&format!("/contacts/{contact_id}")).await.ok()["email"],
        "ada@engines.example"
    );
    assert_eq!(
        admin.get(&format!("/companies/{company_id}")).await.ok()["name"],
        "Analytical Engines Ltd"
    );

    teammate
        .post("/contacts", json!({ "email": "ADA@engines.example" }))
        .await
        .error(409, "email_taken");
    teammate
        .post("/contacts", json!({ "email": "ada" }))
        .await
        .error(400, "invalid_email");
    teammate
        .post(
            "/contacts",
            json!({ "email": "b@engines.example", "company_id": "01J00000000000000000000000" }),
        )
        .await
        .error(404, "not_found");
    teammate
        .post("/companies", json!({ "name": " " }))
        .await
        .error(400, "missing_field");
    admin
        .get("/contacts/01J00000000000000000000000")
        .await
        .error(404, "not_found");
    admin.get("/companies/nope").await.error(404, "not_found");
    admin
        .get("/contacts/01J00000000000000000000000/tickets")
        .await
        .error(404, "not_found");
    admin
        .get("/companies/01J00000000000000000000000/tickets")
        .await
        .error(404, "not_found");

    // Lists page by id.
    let first = admin.get("/contacts?per_page=10").await.ok();
    assert_eq!(first["data"].as_array().unwrap().len(), 10);
    let next = s(&first["pages"]["next"]["starting_after"]).to_owned();
    let second = admin
        .get(&format!("/contacts?per_page=10&starting_after={next}"))
        .await
        .ok();
    assert_ne!(first["data"][0]["id"], second["data"][0]["id"]);
    assert!(!admin.get("/companies").await.ok()["data"]
        .as_array()
        .unwrap()
        .is_empty());
    admin
        .get("/contacts?per_page=0")
        .await
        .error(400, "invalid_pagination");
    admin
        .get("/contacts?colour=red")
        .await
        .error(400, "invalid_query");

    // R15: profiles list their tickets; a ticket takes its contact's company by default.
    let ticket = refund(&teammate, &contact_id, "Engine refund").await;
    assert_eq!(ticket["company_id"], company_id.as_str());
    for path in [
        format!("/contacts/{contact_id}/tickets"),
        format!("/companies/{company_id}/tickets"),
    ] {
        let list = admin.get(&path).await.ok();
        assert_eq!(list["type"], "ticket.list", "{path}");
        assert_eq!(list["total_count"], 1, "{path}");
        assert_eq!(list["tickets"][0]["id"], ticket["id"], "{path}");
    }
}

#[tokio::test]
async fn every_request_is_authenticated_and_bounded() {
    let (server, admin, _) = start();
    let anonymous = server.anonymous();
    anonymous.get("/tickets/1").await.error(401, "unauthorized");
    anonymous
        .post("/tickets/search", json!({}))
        .await
        .error(401, "unauthorized");
    anonymous.get("/settings").await.error(401, "unauthorized");
    let forged = Client {
        token: Some("tit_forged".into()),
        ..admin.clone()
    };
    forged.get("/ticket_types").await.error(401, "unauthorized");

    // 5 MiB of title: refused before it is parsed.
    let huge = "x".repeat(5 * 1024 * 1024);
    let body = json!({ "ticket_type_id": "01J00000000000000000000000", "ticket_attributes": { "_default_title_": huge } });
    admin
        .post("/tickets", body)
        .await
        .error(413, "body_too_large");
}

#[tokio::test]
async fn rest_changes_reach_syncing_apps() {
    let (_server, admin, _) = start();
    let contact = new_contact(&admin, "ada@example.com").await;
    let company = admin
        .post("/companies", json!({ "name": "Engines" }))
        .await
        .ok();
    let ticket = refund(&admin, s(&contact["id"]), "Synced refund").await;
    admin
        .put("/settings", json!({ "reply_email_delay_minutes": 4 }))
        .await
        .ok();
    let state = admin
        .post(
            "/ticket_states",
            json!({ "internal_label": "Escalated", "category": "in_progress" }),
        )
        .await
        .ok();

    let feature = admin
        .post(
            "/ticket_types",
            json!({ "name": "Feature request", "category": "Tracker" }),
        )
        .await
        .ok();
    let nina = admin
        .post(
            "/teammates",
            json!({ "name": "Nina", "email": "nina@northwind.example" }),
        )
        .await
        .ok();

    let pulled = admin.get("/sync/pull?after=0").await.ok();
    let records: Vec<&Value> = pulled["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["records"].as_array().unwrap())
        .collect();
    let has = |kind: &str, id: &Value| {
        records
            .iter()
            .any(|r| r["type"] == kind && &r["data"]["id"] == id)
    };
    assert!(has("contact", &contact["id"]), "{pulled}");
    assert!(has("company", &company["id"]));
    assert!(has("ticket", &ticket["id"]));
    assert!(has("ticket_state", &state["id"]));
    assert!(has("ticket_type", &feature["id"]));
    assert!(has("teammate", &nina["id"]));
    assert!(records
        .iter()
        .any(|r| r["type"] == "settings" && r["data"]["reply_email_delay"] == 240_000));
    assert!(records
        .iter()
        .any(|r| r["type"] == "ticket_part" && r["data"]["ticket"] == ticket["id"]));
}

/// What Intercom's SDK sends works here: `/me`, `admin_id` on replies and updates,
/// `assignee_id` (a teammate, a team, or "0"), and errors in Intercom's `error.list` shape too.
#[tokio::test]
async fn intercom_clients_identify_assign_and_reply_as_an_admin() {
    let (_server, admin, teammate) = start();
    let me = admin.get("/me").await.ok();
    assert_eq!(me["type"], "admin");
    assert_eq!(me["email"], DEMO_ADMIN);
    assert_eq!(me["app"]["type"], "app");
    assert!(me["team_ids"].is_array() && me["has_inbox_seat"] == true);
    let sam = teammate_id(&admin, DEMO_TEAMMATE).await;
    let contact = new_contact(&admin, "intercom@client.example").await;
    let ticket = refund(&admin, s(&contact["id"]), "Imported from Intercom").await;
    let id = s(&ticket["id"]).to_owned();

    let updated = admin
        .put(
            &format!("/tickets/{id}"),
            json!({"assignee_id": sam, "admin_id": s(&me["id"]), "snoozed_until": null}),
        )
        .await
        .ok();
    assert_eq!(updated["admin_assignee_id"], json!(sam));
    let unassigned = admin
        .put(
            &format!("/tickets/{id}"),
            json!({"assignment": {"admin_id": s(&me["id"]), "assignee_id": "0"}}),
        )
        .await
        .ok();
    assert!(unassigned["admin_assignee_id"].is_null(), "{unassigned}");

    let reply = admin
        .post(
            &format!("/tickets/{id}/reply"),
            json!({"message_type": "comment", "type": "admin", "admin_id": sam, "body": "On it."}),
        )
        .await
        .ok();
    assert_eq!(reply["author"]["id"], json!(sam), "{reply}");
    let refused = teammate
        .post(
            &format!("/tickets/{id}/reply"),
            json!({"message_type": "note", "type": "admin", "admin_id": s(&me["id"]), "body": "x"}),
        )
        .await;
    refused.error(403, "forbidden");
    assert_eq!(refused.body["type"], "error.list");
    assert_eq!(refused.body["errors"][0]["code"], "forbidden");
    assert!(refused.body["request_id"].is_string());
    admin
        .put(&format!("/tickets/{id}"), json!({"not_intercom": 1}))
        .await
        .error(400, "invalid_body");

    let lead = admin
        .post(
            "/contacts",
            json!({"email": "lead@client.example", "role": "lead", "external_id": "crm-42",
                   "phone": "+1 555", "custom_attributes": {"plan": "pro"}}),
        )
        .await
        .ok();
    assert_eq!(
        (&lead["role"], &lead["external_id"]),
        (&json!("lead"), &json!("crm-42"))
    );
    let read = admin
        .get(&format!("/contacts/{}", s(&lead["id"])))
        .await
        .ok();
    assert_eq!(read["role"], "lead");
    admin
        .post(
            "/contacts",
            json!({"email": "x@client.example", "role": "visitor"}),
        )
        .await
        .error(400, "invalid_role");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let (server, admin, _) = start();
    let doc = server.anonymous().get("/openapi.json").await.ok();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["teammateToken"]["scheme"],
        "bearer"
    );
    assert_eq!(
        doc["components"]["schemas"]["Error"]["required"],
        json!(["code", "message"])
    );
    assert!(doc["components"]["schemas"]["Ticket"]["properties"]["ticket_attributes"].is_object());
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/tickets",
        "/tickets/search",
        "/sync/push",
        "/messenger/tickets/{id}/reply",
        "/inbound/email",
        "/health",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }

    // Every documented operation is served (not the 404 of an unknown route, nor a 405).
    // The live stream never ends, so it is only checked to be documented.
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            if op["responses"]["200"]["content"]
                .get("text/event-stream")
                .is_some()
            {
                continue;
            }
            let concrete = path.replace("{id}", "01J00000000000000000000000");
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let reply = admin.send(method.clone(), &concrete, None).await;
            assert_ne!(reply.status, 405, "{method} {path}");
            assert_ne!(reply.body["code"], "no_such_endpoint", "{method} {path}");
        }
    }
}

/// Found by schemathesis: JSON numbers are numbers (`5.0` is 5 wherever a whole number goes),
/// and objects are objects (serde would also take an array of a struct's fields in order).
#[tokio::test]
async fn bodies_take_json_as_json_schema_reads_it() {
    let (_server, admin, _) = start();
    let settings = admin
        .put("/settings", json!({ "reply_email_delay_seconds": 300.0 }))
        .await
        .ok();
    assert_eq!(settings["reply_email_delay_seconds"], 300);
    admin
        .put("/settings", json!({ "reply_email_delay_seconds": 300.5 }))
        .await
        .error(400, "invalid_body");
    admin
        .post("/tickets/search", json!({ "pagination": [null, null] }))
        .await
        .error(400, "invalid_body");
    admin
        .post("/tickets/search", json!([{ "per_page": 5 }]))
        .await
        .error(400, "invalid_body");
    let a_type = ticket_type(&admin, "Refund request").await;
    admin
        .post(
            "/tickets",
            json!({ "ticket_type_id": a_type["id"], "contacts": [["ada@example.com"]] }),
        )
        .await
        .error(400, "invalid_body");
}
