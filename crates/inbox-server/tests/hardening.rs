//! The server against hostile input and hostile clients, through the real binary on loopback:
//! each test names the defect of issue 13 it covers, and failed on the server before the fix.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use fixture::*;
use serde_json::{json, Value};
use server::{eventually, Client, TestServer, DEMO_ADMIN, DEMO_TEAMMATE};

fn new_id() -> String {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    ulid::Ulid::from_parts(1_700_000_000_000 + n, u128::from(n) << 40 | 0xfeed).to_string()
}

async fn push_as(client: &Client, client_id: &str, seq: u64, mutation: Value) -> fixture_reply::R {
    let reply = client
        .post(
            "/sync/push",
            json!({"client_id": client_id, "mutations": [{"seq": seq, "mutation": mutation}]}),
        )
        .await;
    fixture_reply::R(reply.status, reply.body)
}

mod fixture_reply {
    /// A push's status and body.
    pub struct R(pub u16, pub serde_json::Value);

    impl R {
        /// The one mutation's result: `applied`, or the rejection's code.
        pub fn result(&self) -> String {
            assert_eq!(self.0, 200, "{}", self.1);
            let result = &self.1["results"][0];
            match result["status"].as_str() {
                Some("applied") => "applied".into(),
                _ => result["error"]["code"].as_str().unwrap_or("?").to_owned(),
            }
        }
    }
}

async fn alive(server: &TestServer) {
    let health = reqwest::get(format!("{}/health", server.url)).await;
    assert!(
        health.is_ok_and(|r| r.status().is_success()),
        "the server still answers"
    );
}

fn rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib / 1024
}

/// 1: MIME nested 40,000 deep made the parser recurse until a worker's stack overflowed.
#[tokio::test]
async fn a_deeply_nested_inbound_email_is_refused_and_the_server_lives() {
    let server = TestServer::start(Some(5));
    let mut raw = String::new();
    for _ in 0..40_000 {
        raw.push_str("From: a@b.example\r\nContent-Type: message/rfc822\r\n\r\n");
    }
    raw.push_str("From: a@b.example\r\n\r\nhello\r\n");
    let res = reqwest::Client::new()
        .post(format!("{}/inbound/email", server.url))
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "inbound_too_complex");
    alive(&server).await;
}

/// 1 and 8: with an inbound secret, mail without it is refused before it is read; a relay
/// retrying the same message adds the reply once.
#[tokio::test]
async fn inbound_mail_needs_the_relay_secret_and_lands_once() {
    let server = TestServer::start_with(Some(30), &["--inbound-secret", "relay-s3cret"]);
    let f = fixture(&server, 180).await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    let emails = emails_settle(&server, 1).await;
    let address = reply_to(&emails[0]);
    let raw = format!(
        "From: <{}>\r\nTo: {address}\r\nMessage-ID: <same@customer.test>\r\n\
         Content-Type: text/plain\r\n\r\nOnly once, please.\r\n",
        f.contact_email
    );
    let post = |secret: Option<&'static str>| {
        let mut req = reqwest::Client::new()
            .post(format!("{}/inbound/email", server.url))
            .body(raw.clone());
        if let Some(secret) = secret {
            req = req.header("x-inbox-relay-secret", secret);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(post(None).await, 403);
    assert_eq!(post(Some("wrong")).await, 403);
    assert_eq!(post(Some("relay-s3cret")).await, 200);
    assert_eq!(post(Some("relay-s3cret")).await, 200, "a retry is fine");
    // The same reply to an address made 91 days ago: signed, but expired.
    let db = rusqlite::Connection::open(server.data_dir.join("server.sqlite3")).unwrap();
    let secret: String = db
        .query_row(
            "SELECT doc FROM entities WHERE kind = 'setting' AND id = 'email_secret'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let secret = hex::decode(secret.trim_matches('"')).unwrap();
    let long_ago = inbox_server::authority::now() - 91 * 86_400_000;
    let ticket: inbox_core::TicketId = f.ticket.parse().unwrap();
    let old = format!(
        "reply+{}@{}",
        inbox_core::email::reply_token(
            inbox_core::notify::Thread::Ticket(ticket),
            long_ago,
            &secret
        ),
        address.split('@').nth(1).unwrap()
    );
    let res = reqwest::Client::new()
        .post(format!("{}/inbound/email", server.url))
        .header("x-inbox-relay-secret", "relay-s3cret")
        .body(raw.replace(&address, &old).replace("<same@", "<other@"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    let text = timeline_text(&f.admin, &f.ticket).await;
    assert_eq!(text.matches("Only once, please.").count(), 1, "{text}");
}

/// 2: every reference of every mutation is checked on the push path too.
#[tokio::test]
async fn a_push_naming_what_does_not_exist_is_rejected() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let records = records(&f.admin).await;
    let ticket_type = data(&records, "ticket_type")
        .find(|t| t["category"] == "customer" && t["archived"] == false)
        .unwrap()["id"]
        .clone();
    let create = |extra: Value| {
        let mut m = json!({
            "type": "create_ticket", "id": new_id(), "type_id": ticket_type,
            "fields": {"attributes": {"title": "Poison"}}, "state_id": null,
            "contacts": [f.contact], "company": null, "brand": null,
            "assignee_teammate": null, "assignee_team": null, "shared": null,
            "conversation": null, "origin_ticket": null,
        });
        m.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        m
    };
    let ghost = new_id();
    for extra in [
        json!({"contacts": [ghost]}),
        json!({"company": ghost}),
        json!({"assignee_teammate": ghost}),
        json!({"assignee_team": ghost}),
    ] {
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let r = push_as(&f.admin, "tests", seq, create(extra.clone())).await;
        assert_eq!(r.result(), "not_found", "{extra}");
    }
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let assign = json!({"type": "assign", "ticket": f.ticket, "teammate": ghost, "team": null});
    assert_eq!(
        push_as(&f.admin, "tests", seq, assign).await.result(),
        "not_found"
    );
}

/// 2: an email that cannot be sent ends `failed` with its reason, and the others go out.
#[tokio::test]
async fn one_undeliverable_email_never_holds_up_the_others() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    // A contact stored before addresses were checked: the mailer cannot parse it.
    let db = rusqlite::Connection::open(server.data_dir.join("server.sqlite3")).unwrap();
    let doc: String = db
        .query_row(
            "SELECT doc FROM entities WHERE kind = 'contact' AND id = ?1",
            [&f.contact],
            |r| r.get(0),
        )
        .unwrap();
    let mut contact: Value = serde_json::from_str(&doc).unwrap();
    contact["email"] = json!("not an address");
    db.execute(
        "UPDATE entities SET doc = ?2 WHERE kind = 'contact' AND id = ?1",
        rusqlite::params![f.contact, contact.to_string()],
    )
    .unwrap();
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    // Another customer's ticket, changed after the poisoned one.
    let other = data(&f.records, "ticket")
        .find(|t| {
            t["category"] == "customer"
                && t["open"] == true
                && t["contacts"][0].is_string()
                && t["contacts"][0] != json!(f.contact)
        })
        .unwrap();
    let other_state = find(&f.records, "ticket_type", &other["type_id"])["states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            let state = find(&f.records, "ticket_state", s);
            state["category"] == "in_progress" && **s != other["state_id"]
        })
        .or_else(|| {
            find(&f.records, "ticket_type", &other["type_id"])["states"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| {
                    find(&f.records, "ticket_state", s)["category"] == "waiting_on_customer"
                        && **s != other["state_id"]
                })
        })
        .unwrap()
        .clone();
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": other["id"], "state": other_state}),
    )
    .await;
    let emails = emails_settle(&server, 1).await;
    assert!(emails.iter().all(|e| !e.contains("not an address")));
    let failed: (String, String) = eventually(15, async || {
        db.query_row(
            "SELECT status, doc FROM emails WHERE contact_id = ?1",
            [&f.contact],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
        .filter(|(status, _): &(String, String)| status == "failed")
    })
    .await;
    assert!(
        failed.1.contains("not an address"),
        "the reason is kept: {}",
        failed.1
    );
    let admin_view = f.admin.get("/emails?status=failed").await.ok();
    assert_eq!(
        admin_view["emails"][0]["contact_id"],
        json!(f.contact),
        "{admin_view}"
    );
}

/// 3: a pushed create with an existing ticket's id no longer overwrites that ticket.
#[tokio::test]
async fn a_push_cannot_overwrite_an_existing_ticket() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let before = f.admin.get(&format!("/tickets/{}", f.ticket)).await.ok();
    let ticket = find(&f.records, "ticket", &json!(f.ticket)).clone();
    let other_contact = data(&f.records, "contact")
        .find(|c| c["id"] != json!(f.contact))
        .unwrap()["id"]
        .clone();
    let create = json!({
        "type": "create_ticket", "id": f.ticket, "type_id": ticket["type_id"],
        "fields": {"attributes": {"title": "Hijacked"}}, "state_id": null,
        "contacts": [other_contact], "company": null, "brand": null,
        "assignee_teammate": null, "assignee_team": null, "shared": null,
        "conversation": null, "origin_ticket": null,
    });
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        push_as(&f.admin, "tests", seq, create).await.result(),
        "id_taken"
    );
    let after = f.admin.get(&format!("/tickets/{}", f.ticket)).await.ok();
    assert_eq!(before, after);
}

/// 4: a client id belongs to the teammate who first pushed with it, and a different change
/// under a used sequence number is refused, not silently taken for a replay.
#[tokio::test]
async fn exactly_once_cannot_be_hijacked() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let sam = server.client(&server.token(DEMO_TEAMMATE));
    let note = |body: &str| json!({"type": "note", "ticket": f.ticket, "body": body});
    assert_eq!(
        push_as(&f.admin, "alex-laptop", 1, note("mine"))
            .await
            .result(),
        "applied"
    );
    let stolen = push_as(&sam, "alex-laptop", 2, note("sam's")).await;
    assert_eq!(stolen.0, 409, "{}", stolen.1);
    assert_eq!(stolen.1["code"], "client_id_taken");
    assert_eq!(
        push_as(&f.admin, "alex-laptop", 1, note("mine"))
            .await
            .result(),
        "applied",
        "a true replay gets its result back"
    );
    assert_eq!(
        push_as(&f.admin, "alex-laptop", 1, note("something else"))
            .await
            .result(),
        "push_replay_mismatch"
    );
    let text = timeline_text(&f.admin, &f.ticket).await;
    assert_eq!(text.matches("\"mine\"").count(), 1, "{text}");
    assert!(!text.contains("something else") && !text.contains("sam's"));
}

/// 5: a flood of sign-ins neither exhausts memory nor guesses passwords.
#[tokio::test]
async fn sign_in_floods_are_bounded_and_throttled() {
    let server = TestServer::start(Some(5));
    let out = server.set_password(DEMO_ADMIN, "correct horse battery");
    assert!(out.status.success());
    let login = |email: &'static str, password: &'static str| {
        let url = format!("{}/sync/login", server.url);
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .json(&json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap();
            let retry = res.headers().get("retry-after").is_some();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            (body["code"].as_str().unwrap_or("ok").to_owned(), retry)
        }
    };
    let before = rss_mib(server.pid());
    let flood: Vec<_> = (0..128)
        .map(|i| {
            let email: &'static str = Box::leak(format!("nobody{i}@x.example").into_boxed_str());
            tokio::spawn(login(email, "guess-guess"))
        })
        .collect();
    let mut codes = Vec::new();
    for task in flood {
        codes.push(task.await.unwrap());
    }
    let after = rss_mib(server.pid());
    assert!(
        after < before + 150,
        "128 concurrent sign-ins took the server from {before} to {after} MiB"
    );
    assert!(codes.iter().all(|(code, _)| matches!(
        code.as_str(),
        "invalid_credentials" | "too_many_attempts" | "busy"
    )));
    assert!(
        codes
            .iter()
            .filter(|(c, _)| c != "invalid_credentials")
            .all(|(_, retry)| *retry),
        "429 and 503 say when to retry"
    );
    assert!(
        codes.iter().any(|(c, _)| c == "too_many_attempts"),
        "30 attempts a minute per address: {codes:?}"
    );
    alive(&server).await;
}

/// 5: ten wrong passwords pause an account's sign-in, even with the right one.
#[tokio::test]
async fn wrong_passwords_lock_the_account_for_a_while() {
    let server = TestServer::start_with(Some(5), &["--login-attempts-per-address", "1000"]);
    server.set_password(DEMO_ADMIN, "correct horse battery");
    let client = server.anonymous();
    for _ in 0..10 {
        client
            .post(
                "/sync/login",
                json!({"email": DEMO_ADMIN, "password": "nope-nope"}),
            )
            .await
            .error(401, "invalid_credentials");
    }
    client
        .post(
            "/sync/login",
            json!({"email": DEMO_ADMIN, "password": "correct horse battery"}),
        )
        .await
        .error(429, "account_locked");
    client
        .post(
            "/sync/login",
            json!({"email": DEMO_TEAMMATE, "password": "whatever-else"}),
        )
        .await
        .error(401, "invalid_credentials");
}

/// 6: idle and slow connections are closed, and the cap keeps room for everyone else.
#[tokio::test]
async fn idle_and_slow_connections_time_out() {
    let server = TestServer::start_with(
        Some(5),
        &[
            "--header-timeout",
            "1",
            "--body-timeout",
            "1",
            "--max-connections",
            "4",
        ],
    );
    let addr = server.url.trim_start_matches("http://").to_owned();
    let closed_within = |mut socket: TcpStream, secs: u64| {
        socket
            .set_read_timeout(Some(Duration::from_secs(secs)))
            .unwrap();
        let mut buf = [0u8; 1024];
        let mut answer = Vec::new();
        loop {
            match socket.read(&mut buf) {
                Ok(0) => return Some(String::from_utf8_lossy(&answer).into_owned()),
                Ok(n) => answer.extend_from_slice(&buf[..n]),
                Err(_) => return None,
            }
        }
    };
    let idle: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    // The cap is reached: a fifth client waits, and is served once the idle ones are closed.
    let started = Instant::now();
    alive(&server).await;
    assert!(started.elapsed() >= Duration::from_millis(500));
    for socket in idle {
        assert!(
            closed_within(socket, 5).is_some(),
            "idle connections are closed"
        );
    }
    let mut slow_head = TcpStream::connect(&addr).unwrap();
    slow_head
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    assert!(
        closed_within(slow_head, 5).is_some(),
        "a head that never ends is cut"
    );
    let mut slow_body = TcpStream::connect(&addr).unwrap();
    slow_body
        .write_all(
            b"POST /sync/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"email\":",
        )
        .unwrap();
    let answer = closed_within(slow_body, 5).expect("a body that never ends is cut");
    assert!(answer.contains("408"), "{answer}");
    alive(&server).await;
}

/// 8: bounds on search queries, texts and names; internal errors say nothing of the inside.
#[tokio::test]
async fn malformed_values_get_typed_errors_not_500s() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let many: Vec<String> = (0..1_001).map(|i| format!("t{i}")).collect();
    f.admin
        .post(
            "/tickets/search",
            json!({"query": {"field": "title", "operator": "IN", "value": many}}),
        )
        .await
        .error(400, "query_too_complex");
    for bound in [i64::MIN, i64::MAX] {
        f.admin
            .post(
                "/tickets/search",
                json!({"query": {"field": "created_at", "operator": ">=", "value": bound}}),
            )
            .await
            .error(400, "invalid_search_value");
    }
    let seq = || SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let note = |body: String| json!({"type": "note", "ticket": f.ticket, "body": body});
    let r = push_as(&f.admin, "tests", seq(), note("nul \u{0} inside".into())).await;
    assert_eq!(r.result(), "text_has_control_characters");
    let r = push_as(&f.admin, "tests", seq(), note("x".repeat(100_000))).await;
    assert_eq!(r.result(), "text_too_long");
    let brands: Vec<Value> = data(&f.records, "brand").cloned().collect();
    let mut brand = brands[0].clone();
    brand["name"] = json!("Acme\r\nBcc: everyone@evil.example");
    f.admin
        .post("/sync/admin", json!({"type": "save_brand", "value": brand}))
        .await
        .error(422, "text_has_control_characters");
    f.admin
        .post("/contacts", json!({"email": "ava@", "name": "Ava"}))
        .await
        .error(400, "invalid_email");

    // A stored ticket that no longer reads: a 500 whose message holds a request id and none
    // of the database's or parser's text.
    let db = rusqlite::Connection::open(server.data_dir.join("server.sqlite3")).unwrap();
    db.execute(
        "UPDATE tickets SET doc = '{\"broken\": true}' WHERE id = ?1",
        [&f.ticket],
    )
    .unwrap();
    let res = f.admin.get(&format!("/tickets/{}", f.ticket)).await;
    assert_eq!(res.status, 500);
    let message = res.body["message"].as_str().unwrap();
    assert!(message.contains("request "), "{message}");
    assert!(
        !message.contains("missing field") && !message.contains("stored"),
        "{message}"
    );
    alive(&server).await;
}

/// 9: only admins make customer tokens, and customers can end their own sessions.
#[tokio::test]
async fn customer_tokens_are_for_admins_and_customers_can_sign_out() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let sam = server.client(&server.token(DEMO_TEAMMATE));
    sam.post(
        &format!("/contacts/{}/messenger_token", f.contact),
        json!({}),
    )
    .await
    .error(403, "forbidden");
    let customer = customer(&server, &f, &f.contact).await;
    customer.get("/messenger/home").await.ok();
    assert_eq!(
        customer.post("/messenger/logout", json!({})).await.status,
        204
    );
    customer
        .get("/messenger/home")
        .await
        .error(401, "unauthorized");
}

async fn sign_in(server: &TestServer, email: &str, password: &str) -> Client {
    let res = server
        .anonymous()
        .post("/sync/login", json!({"email": email, "password": password}))
        .await
        .ok();
    server.client(res["token"].as_str().unwrap())
}

/// Reads a live stream until the server ends it; false if it is still open after `secs`.
async fn stream_ends(client: &Client, secs: u64) -> bool {
    let mut res = client
        .http
        .get(format!("{}/sync/stream", client.base))
        .bearer_auth(client.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, res.chunk()).await {
            Err(_) => return false,
            Ok(Ok(Some(_))) => continue,
            Ok(_) => return true,
        }
    }
}

/// 7: a departed teammate is locked out at once: sessions, API tokens and live streams end,
/// and nobody can give them tickets.
#[tokio::test]
async fn a_deactivated_teammate_is_locked_out_everywhere() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    server.set_password(DEMO_TEAMMATE, "sams password");
    let session = sign_in(&server, DEMO_TEAMMATE, "sams password").await;
    let api = server.client(&server.token(DEMO_TEAMMATE));
    let me = session.get("/sync/me").await.ok();
    let sam = me["id"].as_str().unwrap().to_owned();
    let watching = {
        let session = session.clone();
        tokio::spawn(async move { stream_ends(&session, 10).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;

    let saved = f
        .admin
        .put(&format!("/teammates/{sam}"), json!({"active": false}))
        .await
        .ok();
    assert_eq!(saved["active"], false);
    assert!(watching.await.unwrap(), "the live stream ends at once");
    session.get("/sync/me").await.error(401, "unauthorized");
    api.get("/sync/me").await.error(401, "unauthorized");
    server
        .anonymous()
        .post(
            "/sync/login",
            json!({"email": DEMO_TEAMMATE, "password": "sams password"}),
        )
        .await
        .error(401, "invalid_credentials");
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let assign = json!({"type": "assign", "ticket": f.ticket, "teammate": sam, "team": null});
    assert_eq!(
        push_as(&f.admin, "tests", seq, assign).await.result(),
        "teammate_inactive"
    );
    let admins = f.admin.get("/teammates").await.ok();
    assert!(admins["admins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == json!(sam) && t["active"] == false));

    // The command line does the same, and undoes it.
    run_cli(&server, &["activate", "--email", DEMO_TEAMMATE]);
    let again = sign_in(&server, DEMO_TEAMMATE, "sams password").await;
    again.get("/sync/me").await.ok();
    run_cli(&server, &["deactivate", "--email", DEMO_TEAMMATE]);
    again.get("/sync/me").await.error(401, "unauthorized");
}

fn run_cli(server: &TestServer, args: &[&str]) -> String {
    let mut all: Vec<&str> = args.to_vec();
    let data_dir = server.data_dir.to_str().unwrap().to_owned();
    all.extend(["--data-dir", &data_dir]);
    server::run(&all)
}

/// 7: sessions end when unused for the idle time and when the password changes; API tokens
/// are listed (never their secrets) and revoked by their owner or an admin.
#[tokio::test]
async fn sessions_expire_and_tokens_are_listed_and_revoked() {
    // About two seconds of idle time.
    let server = TestServer::start_with(Some(5), &["--session-idle-days", "0.000025"]);
    server.set_password(DEMO_TEAMMATE, "sams password");
    let admin = server.client(&server.token(DEMO_ADMIN));
    let session = sign_in(&server, DEMO_TEAMMATE, "sams password").await;
    session.get("/sync/me").await.ok();
    let made = session
        .post("/tokens", json!({"name": "billing sync"}))
        .await
        .ok();
    let api = server.client(made["token"].as_str().unwrap());
    tokio::time::sleep(Duration::from_millis(2_600)).await;
    session.get("/sync/me").await.error(401, "unauthorized");
    api.get("/sync/me").await.ok();

    let listed = api.get("/tokens").await.ok();
    let tokens = listed["tokens"].as_array().unwrap();
    let billing = tokens.iter().find(|t| t["name"] == "billing sync").unwrap();
    assert_eq!(billing["kind"], "api");
    assert!(!listed.to_string().contains(api.token.as_deref().unwrap()));
    let sam = api.get("/sync/me").await.ok()["id"].clone();
    api.get(&format!(
        "/tokens?teammate_id={}",
        admin.get("/sync/me").await.ok()["id"].as_str().unwrap()
    ))
    .await
    .error(403, "forbidden");
    let id = billing["id"].as_str().unwrap();
    let status = admin
        .delete(&format!(
            "/tokens/{id}?teammate_id={}",
            sam.as_str().unwrap()
        ))
        .await
        .status;
    assert_eq!(status, 204);
    api.get("/sync/me").await.error(401, "unauthorized");

    // A new password ends the sessions made with the old one, not the API tokens.
    let session = sign_in(&server, DEMO_TEAMMATE, "sams password").await;
    let api = server.client(&server.token(DEMO_TEAMMATE));
    server.set_password(DEMO_TEAMMATE, "a brand new one");
    session.get("/sync/me").await.error(401, "unauthorized");
    api.get("/sync/me").await.ok();

    // So does a new email address.
    let session = sign_in(&server, DEMO_TEAMMATE, "a brand new one").await;
    admin
        .put(
            &format!("/teammates/{}", sam.as_str().unwrap()),
            json!({"email": "sam.okafor@northwind.example"}),
        )
        .await
        .ok();
    session.get("/sync/me").await.error(401, "unauthorized");
    api.get("/sync/me").await.ok();
}

/// 9: after a crash, the emails the dead process was sending go out as soon as it is back,
/// not after their lease runs out.
#[tokio::test]
async fn a_restarted_server_takes_back_the_emails_it_was_sending() {
    let mut server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    emails_settle(&server, 1).await;
    let port = server.port();
    server.kill9();
    // As if killed mid-send: claimed under this host and port, its lease ten minutes long,
    // and no file written yet.
    let db = rusqlite::Connection::open(server.data_dir.join("server.sqlite3")).unwrap();
    let (id, doc): (String, String) = db
        .query_row(
            "SELECT id, doc FROM emails WHERE status = 'sent'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let mut email: Value = serde_json::from_str(&doc).unwrap();
    email["claimed_by"] = json!(format!("{}:{port}", host.trim()));
    email["sent_at"] = Value::Null;
    let lease_ends = inbox_server::authority::now() + 600_000;
    db.execute(
        "UPDATE emails SET status = 'sending', due_at = ?2, doc = ?3 WHERE id = ?1",
        rusqlite::params![id, lease_ends, email.to_string()],
    )
    .unwrap();
    std::fs::remove_file(server.email_dir.join(format!("{id}.eml"))).unwrap();

    server.start_again_on(port);
    emails_settle(&server, 1).await;
    let status: String = db
        .query_row("SELECT status FROM emails WHERE id = ?1", [&id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "sent");
}
