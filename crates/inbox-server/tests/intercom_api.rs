//! The parts of Intercom's API that integrations moving over rely on, against the real server:
//! contacts by external id with Intercom's fields, imported tickets keeping their creation
//! time, ticket types created the way Intercom's clients create them, and search with every
//! Intercom operator and field, on SQLite and on PostgreSQL alike.

#[path = "support/postgres.rs"]
mod postgres_support;
#[path = "support/server.rs"]
mod server;

use postgres_support::TestPostgres;
use serde_json::{json, Value};
use server::{Client, TestServer, DEMO_ADMIN, DEMO_TEAMMATE};

fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn contacts_are_found_by_external_id_and_carry_intercoms_fields() {
    let server = TestServer::start(Some(5));
    let admin = server.client(&server.token(DEMO_ADMIN));
    let before = now_secs();
    let contact = admin
        .post(
            "/contacts",
            json!({"email": "lin@customer.example", "role": "lead", "external_id": " crm-7 "}),
        )
        .await
        .ok();
    assert_eq!(contact["external_id"], "crm-7", "trimmed");
    let created = contact["created_at"].as_i64().unwrap();
    assert!((before - 1..=now_secs()).contains(&created), "{contact}");
    assert_eq!(contact["updated_at"], contact["created_at"]);
    let me = admin.get("/me").await.ok();
    assert_eq!(contact["workspace_id"], me["app"]["id_code"]);
    assert!(!s(&contact["workspace_id"]).is_empty());

    let found = admin.get("/contacts/find_by_external_id/crm-7").await.ok();
    assert_eq!(found, contact);
    admin
        .get("/contacts/find_by_external_id/crm-8")
        .await
        .error(404, "not_found");
    admin
        .post(
            "/contacts",
            json!({"email": "other@customer.example", "external_id": "crm-7"}),
        )
        .await
        .error(409, "external_id_taken");

    // A ticket names its contact by external id, as Intercom's clients do.
    let types = admin.get("/ticket_types").await.ok();
    let customer_type = types["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["category"] == "Customer")
        .unwrap();
    let ticket = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": customer_type["id"],
                "contacts": [{"external_id": "crm-7"}],
                "ticket_attributes": {"_default_title_": "Where is my order?"},
            }),
        )
        .await
        .ok();
    assert_eq!(ticket["contacts"]["contacts"][0]["id"], contact["id"]);

    // Intercom's company fields that have no meaning here yet are accepted, not kept.
    let company = admin
        .post(
            "/companies",
            json!({
                "name": "Acme", "company_id": "crm-co-1", "plan": "pro", "size": 12,
                "website": "https://acme.example", "industry": "Retail",
                "custom_attributes": {"tier": "gold"}, "remote_created_at": 1_600_000_000,
                "monthly_spend": 99.5,
            }),
        )
        .await
        .ok();
    assert_eq!(company["name"], "Acme");
    admin
        .post("/companies", json!({"name": "Acme 2", "colour": "red"}))
        .await
        .error(400, "invalid_body");
}

#[tokio::test]
async fn imported_tickets_keep_when_they_were_raised_and_untitled_ones_take_their_types_name() {
    let server = TestServer::start(Some(5));
    let admin = server.client(&server.token(DEMO_ADMIN));
    // Created the way Intercom's clients create types: no category means Customer,
    // `is_internal` alone means back-office.
    let customer = admin
        .post(
            "/ticket_types",
            json!({"name": "Returns", "is_internal": false}),
        )
        .await
        .ok();
    assert_eq!(customer["category"], "Customer");
    let internal = admin
        .post(
            "/ticket_types",
            json!({"name": "Chargebacks", "is_internal": true}),
        )
        .await
        .ok();
    assert_eq!(internal["category"], "Back-office");
    let path = format!("/ticket_types/{}", s(&customer["id"]));
    admin
        .put(
            &path,
            json!({"category": "Customer", "description": "Goods back"}),
        )
        .await
        .ok();
    admin
        .put(&path, json!({"category": "Tracker"}))
        .await
        .error(422, "ticket_type_category_fixed");
    admin
        .put(&path, json!({"is_internal": true}))
        .await
        .error(422, "ticket_type_category_fixed");

    // Attributes change as in Intercom, but are never removed and keep their key and type.
    let attributes = format!("/ticket_types/{}/attributes", s(&customer["id"]));
    let reason = admin
        .post(
            &attributes,
            json!({"name": "Reason", "data_type": "list", "list_items": "Damaged,Wrong size", "description": "Why"}),
        )
        .await
        .ok();
    let reason_path = format!("{attributes}/{}", s(&reason["id"]));
    let changed = admin
        .put(
            &reason_path,
            json!({"name": "Return reason", "required_to_create": true, "list_items": "Damaged, Wrong size,Late"}),
        )
        .await
        .ok();
    assert_eq!(changed["name"], "Return reason");
    assert_eq!(changed["required_to_create"], true);
    assert_eq!(
        changed["input_options"]["list_options"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    admin
        .put(&reason_path, json!({"archived": true}))
        .await
        .error(422, "attribute_removed");
    admin
        .put(
            &format!("{attributes}/_default_title_"),
            json!({"list_items": "a"}),
        )
        .await
        .error(422, "not_a_list");
    admin
        .put(&format!("{attributes}/nope"), json!({"name": "X"}))
        .await
        .error(404, "not_found");
    admin
        .put(&reason_path, json!({"required_to_create": false}))
        .await
        .ok();

    let raised = 1_600_000_000;
    let imported = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": customer["id"],
                "contacts": [{"email": "old@customer.example"}],
                "created_at": raised,
                "skip_notifications": true,
            }),
        )
        .await
        .ok();
    assert_eq!(imported["created_at"], raised);
    assert!(imported["updated_at"].as_i64().unwrap() >= now_secs() - 60);
    assert_eq!(imported["ticket_attributes"]["_default_title_"], "Returns");
    admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": customer["id"],
                "contacts": [{"email": "old@customer.example"}],
                "created_at": now_secs() + 3_600,
            }),
        )
        .await
        .error(422, "invalid_created_at");
}

/// Searches that Intercom's clients send, with the tickets each must find.
async fn search_with_intercoms_operators(server: &TestServer) {
    let admin = server.client(&server.token(DEMO_ADMIN));
    let teammate = server.client(&server.token(DEMO_TEAMMATE));
    let order = admin
        .post(
            "/ticket_types",
            json!({"name": "Order problem", "category": "Customer"}),
        )
        .await
        .ok();
    let type_path = format!("/ticket_types/{}/attributes", s(&order["id"]));
    for (name, data_type) in [
        ("Order id", "string"),
        ("Amount", "decimal"),
        ("Seats", "integer"),
        ("Urgent", "boolean"),
        ("Due", "datetime"),
    ] {
        let body = json!({"name": name, "data_type": data_type, "description": name});
        admin.post(&type_path, body).await.ok();
    }
    let create = async |title: &str, description: &str, attributes: Value| {
        let mut all = json!({"_default_title_": title, "_default_description_": description});
        all.as_object_mut()
            .unwrap()
            .extend(attributes.as_object().unwrap().clone());
        let t = admin
            .post(
                "/tickets",
                json!({
                    "ticket_type_id": order["id"],
                    "contacts": [{"email": "buyer@customer.example"}],
                    "ticket_attributes": all,
                    "skip_notifications": true,
                }),
            )
            .await
            .ok();
        s(&t["id"]).to_owned()
    };
    let refund = create(
        "Refund for order 1",
        "Charged TWICE for one order.",
        json!({"order_id": "SO-100", "amount": 19.9, "seats": 3, "urgent": true, "due": "2026-12-01"}),
    )
    .await;
    let invoice = create(
        "Invoice copy",
        "Please send the invoice again",
        json!({"order_id": "SO-200", "amount": 250, "seats": 12, "urgent": false, "due": "2027-01-15"}),
    )
    .await;
    let bare = create("Refund questions", "No order yet", json!({})).await;
    // The invoice waits a day: snoozed.
    let tomorrow = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 86_400;
    admin
        .put(
            &format!("/tickets/{invoice}"),
            json!({"snoozed_until": tomorrow}),
        )
        .await
        .ok();
    // Only the teammate writes on the invoice ticket.
    teammate
        .post(
            &format!("/tickets/{invoice}/reply"),
            json!({"message_type": "note", "body": "Sent it."}),
        )
        .await
        .ok();
    let sam = admin.get("/teammates").await.ok()["admins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["email"] == DEMO_TEAMMATE)
        .unwrap()["id"]
        .clone();

    let ours = [&refund, &invoice, &bare];
    let search = async |client: &Client, query: Value| -> Vec<String> {
        let body = json!({"query": query, "pagination": {"per_page": 150}});
        let found = client.post("/tickets/search", body).await.ok();
        let mut ids: Vec<String> = found["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| s(&t["id"]).to_owned())
            .filter(|id| ours.contains(&id))
            .collect();
        ids.sort();
        ids
    };
    let expect = |ids: &[&String]| {
        let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        ids.sort();
        ids
    };
    let cases: Vec<(Value, Vec<String>)> = vec![
        (
            json!({"field": "title", "operator": "^", "value": "refund"}),
            expect(&[&refund, &bare]),
        ),
        (
            json!({"field": "title", "operator": "$", "value": "ORDER 1"}),
            expect(&[&refund]),
        ),
        (
            json!({"field": "title", "operator": "!~", "value": "refund"}),
            expect(&[&invoice]),
        ),
        (
            json!({"field": "description", "operator": "~", "value": "twice"}),
            expect(&[&refund]),
        ),
        (
            json!({"field": "ticket_attribute._default_description_", "operator": "^", "value": "please"}),
            expect(&[&invoice]),
        ),
        (
            json!({"field": "ticket_attribute.order_id", "operator": "=", "value": "SO-200"}),
            expect(&[&invoice]),
        ),
        (
            json!({"field": "ticket_attribute.order_id", "operator": "=", "value": null}),
            expect(&[&bare]),
        ),
        (
            json!({"field": "ticket_attribute.order_id", "operator": "!~", "value": "100"}),
            expect(&[&invoice, &bare]),
        ),
        (
            json!({"field": "ticket_attribute.amount", "operator": ">", "value": 20}),
            expect(&[&invoice]),
        ),
        (
            json!({"field": "ticket_attribute.amount", "operator": "<=", "value": "19.9"}),
            expect(&[&refund]),
        ),
        (
            json!({"field": "ticket_attribute.seats", "operator": "IN", "value": [3, 4]}),
            expect(&[&refund]),
        ),
        (
            json!({"field": "ticket_attribute.urgent", "operator": "=", "value": true}),
            expect(&[&refund]),
        ),
        (
            json!({"field": "ticket_attribute.urgent", "operator": "!=", "value": true}),
            expect(&[&invoice]),
        ),
        // 2027-01-01T00:00:00Z: a date attribute compares by calendar day.
        (
            json!({"field": "ticket_attribute.due", "operator": ">=", "value": 1_798_761_600}),
            expect(&[&invoice]),
        ),
        (
            json!({"field": "ticket_attribute.due", "operator": "<", "value": "2027-01-01"}),
            expect(&[&refund]),
        ),
        (
            json!({"field": "teammate_ids", "operator": "=", "value": sam}),
            expect(&[&invoice]),
        ),
        (
            json!({"field": "teammate_ids", "operator": "!=", "value": sam}),
            expect(&[&refund, &bare]),
        ),
        (
            json!({"field": "snoozed_until", "operator": "=", "value": null}),
            expect(&[&refund, &bare]),
        ),
        (
            json!({"field": "snoozed_until", "operator": ">", "value": 0}),
            expect(&[&invoice]),
        ),
        (
            json!({"field": "snoozed_until", "operator": "=", "value": tomorrow}),
            expect(&[&invoice]),
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(search(&admin, query.clone()).await, expected, "{query}");
    }
    admin
        .post(
            "/tickets/search",
            json!({"query": {"field": "ticket_attribute.nope", "operator": "=", "value": 1}}),
        )
        .await
        .error(400, "unknown_search_field");
}

#[tokio::test]
async fn intercoms_search_operators_and_fields_on_sqlite() {
    search_with_intercoms_operators(&TestServer::start(Some(5))).await;
}

#[tokio::test]
async fn intercoms_search_operators_and_fields_on_postgres() {
    let url = std::thread::spawn(|| TestPostgres::shared().new_database())
        .join()
        .expect("a test database");
    search_with_intercoms_operators(&TestServer::on(Some(&url), Some(5))).await;
}
