//! The sync API against the real server on loopback: exactly-once push, pull, bootstrap and the
//! live stream.

#[path = "support/server.rs"]
mod server;

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{json, Value};
use server::{Client, TestServer, DEMO_ADMIN};

/// All bootstrap records, following the pages to the end.
async fn bootstrap(client: &Client) -> (Vec<Value>, i64, Vec<Value>) {
    let mut records = Vec::new();
    let mut pages = Vec::new();
    let mut path = "/sync/bootstrap".to_owned();
    loop {
        let page = client.get(&path).await.ok();
        records.extend(page["records"].as_array().unwrap().iter().cloned());
        let cursor = page["cursor"].as_i64().unwrap();
        let next = page["next"].clone();
        pages.push(page);
        match next.as_str() {
            Some(token) => path = format!("/sync/bootstrap?page={token}"),
            None => return (records, cursor, pages),
        }
    }
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records
        .iter()
        .filter(|r| r["type"] == kind)
        .map(|r| &r["data"])
        .collect()
}

/// A shared, open customer ticket of the demo workspace.
fn customer_ticket(records: &[Value]) -> String {
    of_type(records, "ticket")
        .into_iter()
        .find(|t| t["category"] == "customer" && t["open"] == true)
        .expect("the demo has open customer tickets")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn push_body(client_id: &str, mutations: &[(u64, Value)]) -> Value {
    json!({
        "client_id": client_id,
        "mutations": mutations
            .iter()
            .map(|(seq, m)| json!({"seq": seq, "mutation": m}))
            .collect::<Vec<_>>(),
    })
}

async fn all_changes(client: &Client) -> Vec<Value> {
    let mut changes = Vec::new();
    let mut after = 0;
    loop {
        let page = client
            .get(&format!("/sync/pull?after={after}&limit=7"))
            .await
            .ok();
        changes.extend(page["changes"].as_array().unwrap().iter().cloned());
        after = page["cursor"].as_i64().unwrap();
        if page["more"] == false {
            return changes;
        }
    }
}

#[tokio::test]
async fn a_push_is_applied_exactly_once_however_often_it_is_retried() {
    let server = TestServer::start(Some(40));
    let client = server.client(&server.token(DEMO_ADMIN));
    let (records, _, _) = bootstrap(&client).await;
    let ticket = customer_ticket(&records);
    let batch = push_body(
        "client-a",
        &[
            (
                1,
                json!({"type": "note", "ticket": ticket, "body": "Checked the logs"}),
            ),
            (
                2,
                json!({"type": "set_shared", "ticket": ticket, "shared": false}),
            ),
            (
                3,
                json!({"type": "reply", "ticket": ticket, "body": "On it!"}),
            ),
        ],
    );
    let first = client.post("/sync/push", batch.clone()).await.ok();
    assert_eq!(first["results"][0]["status"], "applied");
    assert_eq!(first["results"][1]["status"], "rejected");
    assert_eq!(
        first["results"][1]["error"]["code"],
        "customer_ticket_always_shared"
    );
    assert_eq!(first["results"][2]["status"], "applied");

    // The same batch again, and five copies at once (a client retrying after timeouts).
    let again = client.post("/sync/push", batch.clone()).await.ok();
    assert_eq!(again["results"], first["results"]);
    let copies: Vec<_> = (0..5)
        .map(|_| {
            let (client, batch) = (client.clone(), batch.clone());
            tokio::spawn(async move { client.post("/sync/push", batch).await.ok() })
        })
        .collect();
    for copy in copies {
        assert_eq!(copy.await.unwrap()["results"], first["results"]);
    }
    // A later push that repeats seq 3 and adds seq 4 applies only seq 4.
    let overlapping = push_body(
        "client-a",
        &[
            (
                3,
                json!({"type": "reply", "ticket": ticket, "body": "On it!"}),
            ),
            (
                4,
                json!({"type": "note", "ticket": ticket, "body": "Escalating"}),
            ),
        ],
    );
    let overlap = client.post("/sync/push", overlapping).await.ok();
    assert_eq!(overlap["results"][0], first["results"][2]);
    assert_eq!(overlap["results"][1]["status"], "applied");

    let changes = all_changes(&client).await;
    let from_a: Vec<u64> = changes
        .iter()
        .filter(|c| c["origin"]["client_id"] == "client-a")
        .map(|c| c["origin"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(from_a, vec![1, 3, 4], "each applied once, rejected never");
    let replies = changes
        .iter()
        .flat_map(|c| c["records"].as_array().unwrap())
        .filter(|r| r["type"] == "ticket_part" && r["data"]["kind"]["kind"] == "reply")
        .count();
    assert_eq!(replies, 1);
    // Another client may use the same sequence numbers.
    let other = push_body(
        "client-b",
        &[(
            1,
            json!({"type": "note", "ticket": ticket, "body": "Me too"}),
        )],
    );
    assert_eq!(
        client.post("/sync/push", other).await.ok()["results"][0]["status"],
        "applied"
    );
}

#[tokio::test]
async fn pull_pages_through_the_log_with_growing_cursors() {
    let server = TestServer::start(Some(20));
    let client = server.client(&server.token(DEMO_ADMIN));
    let (records, start, _) = bootstrap(&client).await;
    assert_eq!(start, 0, "a freshly seeded workspace has an empty log");
    let ticket = customer_ticket(&records);
    let notes: Vec<(u64, Value)> = (1..=20)
        .map(|i| {
            (
                i,
                json!({"type": "note", "ticket": ticket, "body": format!("note {i}")}),
            )
        })
        .collect();
    client
        .post("/sync/push", push_body("puller", &notes))
        .await
        .ok();
    let changes = all_changes(&client).await;
    assert_eq!(changes.len(), 20);
    let cursors: Vec<i64> = changes
        .iter()
        .map(|c| c["cursor"].as_i64().unwrap())
        .collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "{cursors:?}");
    let page = client.get("/sync/pull?after=0&limit=5").await.ok();
    assert_eq!(page["more"], true);
    assert_eq!(page["cursor"], json!(cursors[4]));
    let end = client
        .get(&format!("/sync/pull?after={}", cursors[19]))
        .await
        .ok();
    assert_eq!(
        end,
        json!({"changes": [], "cursor": cursors[19], "more": false})
    );
    client
        .get("/sync/pull?after=abc")
        .await
        .error(400, "invalid_query");
}

#[tokio::test]
async fn bootstrap_sends_the_whole_workspace_once_in_pages() {
    let server = TestServer::start(Some(3_000));
    let client = server.client(&server.token(DEMO_ADMIN));
    let (records, _, pages) = bootstrap(&client).await;
    assert!(pages.len() > 1, "3,000 tickets and their parts span pages");
    assert!(pages.iter().all(|p| p["total_tickets"] == 3_000));
    let tickets = of_type(&records, "ticket");
    let ids: HashSet<&str> = tickets.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!((tickets.len(), ids.len()), (3_000, 3_000));
    let parts = of_type(&records, "ticket_part");
    let part_ids: HashSet<&str> = parts.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(part_ids.len(), parts.len(), "no part twice");
    assert!(parts.len() > 3_000);
    for kind in [
        "brand",
        "teammate",
        "team",
        "contact",
        "ticket_state",
        "ticket_type",
        "settings",
    ] {
        assert!(!of_type(&records, kind).is_empty(), "{kind} records");
    }
    client
        .get("/sync/bootstrap?page=nonsense")
        .await
        .error(400, "invalid_page");
}

#[tokio::test]
async fn the_live_stream_pokes_with_the_newest_cursor() {
    let server = TestServer::start(Some(10));
    let token = server.token(DEMO_ADMIN);
    let client = server.client(&token);
    let (records, _, _) = bootstrap(&client).await;
    let ticket = customer_ticket(&records);
    let mut stream = client
        .http
        .get(format!("{}/sync/stream", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut seen = String::new();
    let mut next_poke = async || loop {
        if let Some(i) = seen.find("\n\n") {
            let event: String = seen.drain(..i + 2).collect();
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                let poke: Value = serde_json::from_str(data).unwrap();
                return poke["cursor"].as_i64().unwrap();
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("a poke within 10 s")
            .unwrap()
            .expect("the stream stays open");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    };
    assert_eq!(next_poke().await, 0, "the current cursor on connect");
    let push = push_body(
        "streamer",
        &[(1, json!({"type": "note", "ticket": ticket, "body": "ping"}))],
    );
    let cursor = client.post("/sync/push", push).await.ok()["cursor"]
        .as_i64()
        .unwrap();
    assert_eq!(next_poke().await, cursor);
}

#[tokio::test]
async fn sync_refuses_strangers_and_other_protocols() {
    let server = TestServer::start(Some(5));
    server
        .anonymous()
        .get("/sync/pull")
        .await
        .error(401, "unauthorized");
    let anonymous = server.anonymous();
    anonymous
        .get("/no/such/thing")
        .await
        .error(404, "no_such_endpoint");
    anonymous
        .get("/sync/push")
        .await
        .error(405, "method_not_allowed");
    let mut bad = server.anonymous();
    bad.token = Some("tit_not-a-token".into());
    bad.get("/sync/pull").await.error(401, "unauthorized");
    let token = server.token(DEMO_ADMIN);
    let res = reqwest::Client::new()
        .get(format!("{}/sync/pull", server.url))
        .bearer_auth(&token)
        .header("inbox-protocol", "999")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "protocol_mismatch");
    let client = server.client(&token);
    client
        .post(
            "/sync/push",
            json!({"client_id": "has spaces", "mutations": []}),
        )
        .await
        .error(400, "invalid_client_id");
    client
        .post(
            "/sync/push",
            json!({"client_id": "x", "mutations": [{"seq": 1}]}),
        )
        .await
        .error(400, "invalid_body");
}

#[tokio::test]
async fn a_teammate_signs_in_with_a_password_and_out_again() {
    let server = TestServer::start(Some(5));
    let anonymous = server.anonymous();
    let login = |email: &str, password: &str| json!({"email": email, "password": password});
    // No password set yet: refused like a wrong one.
    anonymous
        .post("/sync/login", login(DEMO_ADMIN, "long enough"))
        .await
        .error(401, "invalid_credentials");
    let short = server.set_password(DEMO_ADMIN, "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("weak_password"));
    let set = server.set_password(DEMO_ADMIN, "correct horse battery");
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let stranger = server.set_password("nobody@example.com", "correct horse battery");
    assert!(String::from_utf8_lossy(&stranger.stderr).contains("unknown_teammate"));

    anonymous
        .post("/sync/login", login(DEMO_ADMIN, "correct horse battery!"))
        .await
        .error(401, "invalid_credentials");
    anonymous
        .post(
            "/sync/login",
            login("nobody@example.com", "correct horse battery"),
        )
        .await
        .error(401, "invalid_credentials");
    anonymous
        .post("/sync/login", json!({"email": DEMO_ADMIN}))
        .await
        .error(400, "invalid_body");

    // The email in any case.
    let signed_in = anonymous
        .post(
            "/sync/login",
            login(&DEMO_ADMIN.to_uppercase(), "correct horse battery"),
        )
        .await
        .ok();
    assert_eq!(signed_in["teammate"]["email"], DEMO_ADMIN);
    let token = signed_in["token"].as_str().unwrap().to_owned();
    let client = server.client(&token);
    let me = client.get("/sync/me").await.ok();
    assert_eq!(me["id"], signed_in["teammate"]["id"]);

    // Signing out forgets this token only.
    let other = server.token(DEMO_ADMIN);
    let res = client.post("/sync/logout", json!(null)).await;
    assert_eq!(res.status, 204);
    client.get("/sync/me").await.error(401, "unauthorized");
    server.client(&other).get("/sync/me").await.ok();
}

#[tokio::test]
async fn an_admins_settings_change_is_checked_saved_and_pulled_by_every_app() {
    let server = TestServer::start(Some(5));
    let admin = server.client(&server.token(DEMO_ADMIN));
    let (records, cursor, _) = bootstrap(&admin).await;
    let state = of_type(&records, "ticket_state")[0].clone();

    let mut renamed = state.clone();
    renamed["customer_label"] = json!("Received by us");
    let saved = admin
        .post(
            "/sync/admin",
            json!({"type": "save_state", "value": renamed}),
        )
        .await
        .ok();
    assert_eq!(saved["states"][0]["customer_label"], "Received by us");
    let pulled = admin.get(&format!("/sync/pull?after={cursor}")).await.ok();
    let logged =
        pulled["changes"].as_array().unwrap().iter().any(|c| {
            c["records"].as_array().unwrap().iter().any(|r| {
                r["type"] == "ticket_state" && r["data"]["customer_label"] == "Received by us"
            })
        });
    assert!(logged, "the change is in the log: {pulled}");

    // The same rules as in the app: a state keeps its category; only admins change settings.
    let mut moved = state.clone();
    moved["category"] = json!(if state["category"] == "resolved" {
        "submitted"
    } else {
        "resolved"
    });
    admin
        .post("/sync/admin", json!({"type": "save_state", "value": moved}))
        .await
        .error(422, "state_category_fixed");
    server
        .client(&server.token(server::DEMO_TEAMMATE))
        .post(
            "/sync/admin",
            json!({"type": "save_state", "value": renamed}),
        )
        .await
        .error(403, "not_admin");
    admin
        .post("/sync/admin", json!({"type": "save_everything"}))
        .await
        .error(400, "invalid_body");
}

fn macros_in(records: &[Value]) -> Vec<String> {
    of_type(records, "macro")
        .into_iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn pulled_macros(client: &Client, after: i64) -> Vec<String> {
    let pulled = client.get(&format!("/sync/pull?after={after}")).await.ok();
    let records: Vec<Value> = pulled["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["records"].as_array().unwrap().clone())
        .collect();
    macros_in(&records)
}

#[tokio::test]
async fn a_personal_macro_reaches_only_its_owner() {
    let server = TestServer::start(Some(5));
    let admin = server.client(&server.token(DEMO_ADMIN));
    let sam = server.client(&server.token(server::DEMO_TEAMMATE));
    let (_, cursor, _) = bootstrap(&admin).await;
    let sam_id = sam.get("/sync/me").await.ok()["id"].clone();

    let personal = json!({"type": "save_macro", "id": "01JZ0000000000000000000001",
        "name": "Sam's sign-off", "body": "Cheers, {{teammate.first_name}}",
        "visibility": {"kind": "personal", "owner": sam_id}, "actions": [], "deleted": false});
    let pushed = sam
        .post("/sync/push", push_body("sam-app", &[(1, personal)]))
        .await
        .ok();
    assert_eq!(pushed["results"][0]["status"], "applied", "{pushed}");
    let shared = json!({"type": "save_macro", "id": "01JZ0000000000000000000002",
        "name": "Refund approved", "body": "Hi {{contact.first_name | there}}",
        "visibility": {"kind": "shared"}, "actions": [], "deleted": false});
    // A teammate cannot share a macro with the workspace; an admin can.
    let refused = sam
        .post("/sync/push", push_body("sam-app", &[(2, shared.clone())]))
        .await
        .ok();
    assert_eq!(
        refused["results"][0]["error"]["code"],
        "shared_macro_admins_only"
    );
    let pushed = admin
        .post("/sync/push", push_body("admin-app", &[(1, shared)]))
        .await
        .ok();
    assert_eq!(pushed["results"][0]["status"], "applied", "{pushed}");

    // Pulls: Sam gets both, the admin only the shared one.
    assert_eq!(
        pulled_macros(&sam, cursor).await,
        ["Sam's sign-off", "Refund approved"]
    );
    assert_eq!(pulled_macros(&admin, cursor).await, ["Refund approved"]);
    // Bootstraps too.
    let (records, _, _) = bootstrap(&admin).await;
    let names = macros_in(&records);
    assert!(names.contains(&"Refund approved".to_owned()), "{names:?}");
    assert!(!names.contains(&"Sam's sign-off".to_owned()), "{names:?}");
    // The demo's own: the admin's personal macro and the shared ones, not Sam's.
    assert!(names.contains(&"My sign-off".to_owned()), "{names:?}");
    assert!(
        !names.contains(&"Sam's quick thanks".to_owned()),
        "{names:?}"
    );
    let (records, _, _) = bootstrap(&sam).await;
    let names = macros_in(&records);
    assert!(names.contains(&"Sam's sign-off".to_owned()), "{names:?}");
    assert!(
        names.contains(&"Sam's quick thanks".to_owned()),
        "{names:?}"
    );
    assert!(!names.contains(&"My sign-off".to_owned()), "{names:?}");

    // The admin can neither overwrite nor delete Sam's macro.
    let steal = json!({"type": "delete_macro", "id": "01JZ0000000000000000000001"});
    let refused = admin
        .post("/sync/push", push_body("admin-app", &[(2, steal)]))
        .await
        .ok();
    assert_eq!(refused["results"][0]["error"]["code"], "not_found");
}
