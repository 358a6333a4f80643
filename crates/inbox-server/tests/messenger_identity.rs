//! How customers reach the Messenger page through the real server: the signed link of every
//! customer email and the PNG logo it shows, email sign-in codes, identity verification for
//! the embedded launcher, sessions that end, forms for new tickets, the live stream, and the
//! page itself.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use fixture::*;
use serde_json::{json, Value};
use server::{eventually, run, TestServer};

/// Quoted-printable undone enough to read links and codes.
fn plain(email: &str) -> String {
    email
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The "View in Messenger" address of an email's plain-text part.
fn messenger_link(email: &str) -> String {
    let text = plain(email);
    let start = text
        .find("View in Messenger: ")
        .expect("the email links to the Messenger")
        + "View in Messenger: ".len();
    text[start..].split_whitespace().next().unwrap().to_owned()
}

fn query_param(url: &str, name: &str) -> String {
    url.split(['?', '&'])
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{url} has no {name}"))
        .to_owned()
}

#[tokio::test]
async fn every_customer_email_links_to_the_ticket_in_the_messenger_and_shows_a_png_logo() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 0).await;
    reply(&f, "We found the cause.").await;
    let email = emails_settle(&server, 1).await.remove(0);

    let link = messenger_link(&email);
    assert!(
        link.starts_with(&format!("{}/messenger?brand=", server.url)),
        "{link}"
    );
    let token = query_param(&link, "link");

    // The logo is the server's PNG, never an inline image mail clients drop.
    let text = plain(&email);
    assert!(!text.contains("src=\"data:"), "no inline logo");
    let logo_start = text
        .find(&format!("{}/brands/", server.url))
        .expect("a hosted logo");
    let logo_url = text[logo_start..].split('"').next().unwrap();
    let logo = reqwest::get(logo_url).await.unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/png");
    let bytes = logo.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");

    // The link signs its customer in and opens the ticket.
    let anonymous = server.anonymous();
    let session = anonymous
        .post("/messenger/session/link", json!({"token": token}))
        .await
        .ok();
    assert_eq!(session["contact"]["id"], f.contact.as_str());
    assert_eq!(session["thread"]["ticket"], f.ticket.as_str());
    assert!(session["expires_at"].as_i64().unwrap() > 0);
    let customer = server.client(session["token"].as_str().unwrap());
    let ticket = customer
        .get(&format!("/messenger/tickets/{}", f.ticket))
        .await
        .ok();
    assert!(ticket["timeline"]
        .to_string()
        .contains("We found the cause."));
    assert_eq!(
        customer.get("/messenger/me").await.ok()["email"],
        f.contact_email.as_str()
    );

    // A link changed by one character is nobody's.
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    anonymous
        .post("/messenger/session/link", json!({"token": forged}))
        .await
        .error(401, "invalid_link");

    // Signing out ends the session.
    customer.post("/messenger/logout", json!({})).await.ok();
    customer
        .get("/messenger/home")
        .await
        .error(401, "unauthorized");
}

/// The six-digit code of the newest sign-in email to `address`.
fn code_in(emails: &[String], address: &str) -> Option<String> {
    emails
        .iter()
        .rev()
        .map(|e| plain(e))
        .find(|e| e.contains(address) && e.contains("Your sign-in code: "))
        .map(|e| {
            let at = e.find("Your sign-in code: ").unwrap() + "Your sign-in code: ".len();
            e[at..at + 6].to_owned()
        })
}

#[tokio::test]
async fn a_returning_customer_signs_in_with_a_code_sent_to_their_address() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 0).await;
    let anonymous = server.anonymous();

    // Unknown addresses get the same answer and no email: nobody learns who is a customer.
    let unknown = anonymous
        .post(
            "/messenger/session/code",
            json!({"email": "nobody@nowhere.example"}),
        )
        .await;
    assert_eq!(
        (unknown.status, &unknown.body),
        (202, &json!({"sent": true}))
    );

    let known = anonymous
        .post(
            "/messenger/session/code",
            json!({"email": f.contact_email.to_uppercase()}),
        )
        .await;
    assert_eq!(known.status, 202);
    let code = eventually(15, async || code_in(&server.emails(), &f.contact_email)).await;
    assert_eq!(server.emails().len(), 1, "only the customer got an email");
    assert!(code.chars().all(|c| c.is_ascii_digit()));

    let wrong = if code == "000000" { "000001" } else { "000000" };
    anonymous
        .post(
            "/messenger/session/verify",
            json!({"email": f.contact_email, "code": wrong}),
        )
        .await
        .error(401, "invalid_code");
    let session = anonymous
        .post(
            "/messenger/session/verify",
            json!({"email": f.contact_email, "code": code}),
        )
        .await
        .ok();
    assert_eq!(session["contact"]["id"], f.contact.as_str());
    let customer = server.client(session["token"].as_str().unwrap());
    customer.get("/messenger/home").await.ok();

    // A code works once.
    anonymous
        .post(
            "/messenger/session/verify",
            json!({"email": f.contact_email, "code": code}),
        )
        .await
        .error(401, "invalid_code");

    // Guessing ends the code: after five wrong tries even the right one is refused.
    anonymous
        .post("/messenger/session/code", json!({"email": f.contact_email}))
        .await;
    let code = eventually(15, async || {
        let emails = server.emails();
        (emails.len() == 2)
            .then(|| code_in(&emails, &f.contact_email))
            .flatten()
    })
    .await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..5 {
        anonymous
            .post(
                "/messenger/session/verify",
                json!({"email": f.contact_email, "code": wrong}),
            )
            .await
            .error(401, "invalid_code");
    }
    anonymous
        .post(
            "/messenger/session/verify",
            json!({"email": f.contact_email, "code": code}),
        )
        .await
        .error(401, "invalid_code");
}

fn hmac_hex(key: &str, message: &str) -> String {
    inbox_core::customer_identity::identity_hash(message, key)
}

#[tokio::test]
async fn the_embedding_site_vouches_for_its_user_with_an_hmac_of_their_id() {
    let server = TestServer::start(Some(30));
    let _ = fixture(&server, 0).await;
    let secret = run(&[
        "messenger-secret",
        "--data-dir",
        server::path(&server.data_dir),
    ])
    .trim()
    .to_owned();
    assert_eq!(secret.len(), 64, "a hex secret: {secret}");
    let anonymous = server.anonymous();

    let claim = json!({
        "user_id": "user-4711",
        "email": "grace@hopper.example",
        "name": "Grace Hopper",
        "user_hash": hmac_hex(&secret, "user-4711"),
    });
    let session = anonymous
        .post("/messenger/session/identify", claim.clone())
        .await
        .ok();
    assert_eq!(session["contact"]["name"], "Grace Hopper");
    let contact = session["contact"]["id"].clone();

    // The same user again is the same contact, by id even without the email.
    let again = anonymous
        .post(
            "/messenger/session/identify",
            json!({"user_id": "user-4711", "user_hash": hmac_hex(&secret, "user-4711")}),
        )
        .await
        .ok();
    assert_eq!(again["contact"]["id"], contact);

    // Claiming someone else with one's own hash, or a hash made with a guessed secret, fails.
    for forged in [
        json!({"user_id": "user-4712", "email": "grace@hopper.example", "user_hash": hmac_hex(&secret, "user-4711")}),
        json!({"user_id": "user-4711", "user_hash": hmac_hex("guessed", "user-4711")}),
        json!({"email": "grace@hopper.example", "user_hash": ""}),
    ] {
        anonymous
            .post("/messenger/session/identify", forged)
            .await
            .error(401, "identity_verification_failed");
    }
    // With only an email, the hash is of the email.
    let by_email = anonymous
        .post(
            "/messenger/session/identify",
            json!({"email": "grace@hopper.example", "user_hash": hmac_hex(&secret, "grace@hopper.example")}),
        )
        .await
        .ok();
    assert_eq!(by_email["contact"]["id"], contact);
}

#[tokio::test]
async fn customer_sessions_end_when_left_unused() {
    // 0.00002 days: under two seconds.
    let server = TestServer::start_with(Some(30), &["--session-idle-days", "0.00002"]);
    let f = fixture(&server, 0).await;
    let customer = customer(&server, &f, &f.contact).await;
    customer.get("/messenger/home").await.ok();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    customer
        .get("/messenger/home")
        .await
        .error(401, "unauthorized");
}

#[tokio::test]
async fn customers_submit_tickets_through_their_type_s_form() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 0).await;
    let customer = customer(&server, &f, &f.contact).await;
    let forms = customer.get("/messenger/ticket_types").await.ok();
    let forms = forms.as_array().unwrap();
    assert!(!forms.is_empty());
    // Only customer types, and only the fields customers may see.
    let types = data(&f.records, "ticket_type").collect::<Vec<_>>();
    for form in forms {
        let t = types.iter().find(|t| t["id"] == form["id"]).unwrap();
        assert_eq!(t["category"], "customer");
        for field in form["fields"].as_array().unwrap() {
            let def = t["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["key"] == field["key"])
                .unwrap();
            assert_eq!(def["visible_to_customer"], true, "{field}");
        }
    }
    let form = &forms[0];
    let type_id = form["id"].clone();

    customer
        .post(
            "/messenger/tickets",
            json!({"type_id": type_id, "attributes": {"description": "no title"}}),
        )
        .await
        .error(422, "attribute_required");
    let internal = types
        .iter()
        .flat_map(|t| t["attributes"].as_array().unwrap())
        .find(|a| a["visible_to_customer"] == false)
        .map(|a| a["key"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| "made_up".into());
    customer
        .post(
            "/messenger/tickets",
            json!({"type_id": type_id, "attributes": {"title": "Printer on fire", internal: "x"}}),
        )
        .await
        .error(422, "attribute_unknown");

    let ticket = customer
        .post(
            "/messenger/tickets",
            json!({"type_id": type_id, "attributes": {"title": "Printer on fire", "description": "Smoke everywhere"}}),
        )
        .await
        .ok();
    assert_eq!(ticket["title"], "Printer on fire");
    assert_eq!(ticket["timeline"][0]["kind"], "submitted", "{ticket}");
    let home = customer.get("/messenger/home").await.ok();
    assert_eq!(home["recent_tickets"][0]["id"], ticket["id"]);
    // The team sees it, shared with its customer.
    let teammate_view = f
        .admin
        .get(&format!("/tickets/{}", ticket["id"].as_str().unwrap()))
        .await
        .ok();
    assert_eq!(teammate_view["is_shared"], true, "{teammate_view}");
}

/// Reads server-sent events from `path` and sends each event's name down the channel.
async fn events(
    base: &str,
    token: &str,
    path: &str,
) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let mut res = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = res.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if let Some(name) = event.lines().find_map(|l| l.strip_prefix("event: ")) {
                    let _ = tx.send(name.to_owned());
                }
            }
        }
    });
    rx
}

#[tokio::test]
async fn the_live_stream_tells_a_customer_of_their_own_changes_only() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 60).await;
    let customer = customer(&server, &f, &f.contact).await;
    let mut changes = events(
        &server.url,
        customer.token.as_deref().unwrap(),
        "/messenger/stream",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Another customer's ticket changes: nothing for this one.
    let other: Value = data(&f.records, "ticket")
        .find(|t| {
            t["category"] == "customer"
                && t["open"] == true
                && !t["contacts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == f.contact.as_str())
        })
        .unwrap()
        .clone();
    push(
        &f.admin,
        json!({"type": "reply", "ticket": other["id"], "body": "Not for you."}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(changes.try_recv().is_err(), "no event for another customer");

    reply(&f, "For you.").await;
    let event = tokio::time::timeout(Duration::from_secs(10), changes.recv())
        .await
        .expect("an event in time")
        .unwrap();
    assert_eq!(event, "changed");
}

#[tokio::test]
async fn the_server_serves_the_messenger_page_and_its_embed_script() {
    let server = TestServer::start(Some(30));
    let page = reqwest::get(format!("{}/messenger", server.url))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    for asset in html
        .split('"')
        .filter(|s| s.starts_with("/messenger/assets/"))
    {
        let res = reqwest::get(format!("{}{asset}", server.url))
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{asset}");
        assert!(res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
    }
    let embed = reqwest::get(format!("{}/messenger/embed.js", server.url))
        .await
        .unwrap();
    assert_eq!(embed.status(), 200);
    assert!(embed.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));

    let config = server.anonymous().get("/messenger/config").await.ok();
    assert_eq!(config["brand"]["name"], "Northwind");
    assert!(config["brand"]["color"].as_str().unwrap().starts_with('#'));
    let logo = reqwest::get(config["brand"]["logo_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    server
        .anonymous()
        .get("/messenger/assets/missing.js")
        .await
        .error(404, "no_such_endpoint");
}
