//! The customer's Messenger in a real browser (headless Chromium), against a real server in this
//! process: a reply email's signed link, email sign-in, the launcher embedded on another site
//! with a verified (or forged) identity, Home and the Tickets space with their badges, replies
//! both ways and live, the new-ticket form, a reply seen in time never emailed, nothing internal
//! in anything the page shows or receives, and axe-core on every screen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use inbox_server::setup::teammate_token;
use inbox_server::storage::SharedStorage;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::browser::Browser;
use crate::server::{start_server, ADMIN};

// ---- The server and its REST API, as teammates reach it ----

/// A seeded server of this test, and its demo admin's REST API.
struct Workspace {
    url: String,
    dir: tempfile::TempDir,
    storage: SharedStorage,
    admin: Rest,
}

async fn workspace() -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    Workspace {
        admin: Rest::new(&url, Some(&token)),
        url,
        dir,
        storage,
    }
}

impl Workspace {
    fn outbox(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }

    /// The emails written so far, oldest first, quoted-printable undone.
    fn emails(&self) -> Vec<String> {
        emails_in(&self.outbox())
    }

    /// Waits up to 20 s for an email to `to` that says every one of `texts`.
    async fn email_saying(&self, to: &str, texts: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.emails().into_iter().find(|e| {
                e.lines().any(|l| l.starts_with("To:") && l.contains(to))
                    && texts.iter().all(|t| e.contains(t))
            });
            if let Some(found) = found {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "no email to {to} saying {texts:?} within 20 s; the outbox has {} email(s)",
                self.emails().len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn set_reply_email_delay(&self, seconds: i64) {
        self.admin
            .put("/settings", json!({ "reply_email_delay_seconds": seconds }))
            .await;
    }

    /// A new contact (a customer) of the workspace.
    async fn customer(&self, name: &str, email: &str, user_id: &str) -> Customer {
        let contact = self
            .admin
            .post(
                "/contacts",
                json!({ "name": name, "email": email, "external_id": user_id }),
            )
            .await;
        Customer {
            id: s(&contact["id"]),
            name: name.into(),
            email: email.into(),
            user_id: user_id.into(),
        }
    }

    /// A ticket type of the demo by name, with its attributes and states.
    async fn ticket_type(&self, name: &str) -> Value {
        let types = self.admin.get("/ticket_types").await;
        types["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no ticket type {name}: {types}"))
            .clone()
    }

    /// A refund request (a customer ticket, shared with them) raised by a teammate for `who`.
    async fn refund(&self, who: &Customer, title: &str) -> Ticket {
        let refund = self.ticket_type("Refund request").await;
        let created = self
            .admin
            .post(
                "/tickets",
                json!({
                    "ticket_type_id": refund["id"],
                    "contacts": [{ "id": who.id }],
                    "ticket_attributes": {
                        "_default_title_": title,
                        "_default_description_": format!("{title}: the details."),
                        "order_id": "A-1234",
                    },
                }),
            )
            .await;
        assert_eq!(created["is_shared"], true, "{created}");
        Ticket::of(&created)
    }

    /// A teammate's reply, which the customer sees.
    async fn reply(&self, ticket: &Ticket, body: &str) {
        self.admin
            .post(
                &format!("/tickets/{}/reply", ticket.id),
                json!({ "message_type": "comment", "type": "admin", "body": body }),
            )
            .await;
    }

    /// An internal note, which they never see.
    async fn note(&self, ticket: &Ticket, body: &str) {
        self.admin
            .post(
                &format!("/tickets/{}/reply", ticket.id),
                json!({ "message_type": "note", "type": "admin", "body": body }),
            )
            .await;
    }

    /// Moves a ticket to the first state of `category` its type offers; returns the state's
    /// customer-facing label.
    async fn move_to(&self, ticket: &Ticket, category: &str) -> String {
        let current = self.admin.get(&format!("/tickets/{}", ticket.id)).await;
        let ticket_type = self
            .admin
            .get(&format!(
                "/ticket_types/{}",
                s(&current["ticket_type"]["id"])
            ))
            .await;
        let state = ticket_type["ticket_states"]["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|st| st["category"] == category)
            .unwrap_or_else(|| panic!("no {category} state in {ticket_type}"))
            .clone();
        let moved = self
            .admin
            .put(
                &format!("/tickets/{}", ticket.id),
                json!({ "ticket_state_id": state["id"] }),
            )
            .await;
        assert_eq!(moved["ticket_state"]["category"], category, "{moved}");
        s(&state["external_label"])
    }

    /// A customer token for `who`, as an integration that signed them in would get one.
    async fn token_for(&self, who: &Customer) -> String {
        let res = self
            .admin
            .post(&format!("/contacts/{}/messenger_token", who.id), json!({}))
            .await;
        s(&res["token"])
    }

    /// The secret an embedding site signs its users' ids with (`inbox-server messenger-secret`).
    fn identity_secret(&self) -> String {
        let secret = inbox_server::setup::email_secret(self.storage.as_ref()).unwrap();
        inbox_core::customer_identity::identity_secret(&secret)
    }

    /// The ticket's timeline as teammates read it through the REST API.
    async fn parts(&self, ticket: &Ticket) -> Vec<Value> {
        let parts = self
            .admin
            .get(&format!("/tickets/{}/parts", ticket.id))
            .await;
        parts["ticket_parts"].as_array().unwrap().clone()
    }
}

struct Customer {
    id: String,
    name: String,
    email: String,
    user_id: String,
}

#[derive(Clone)]
struct Ticket {
    id: String,
}

impl Ticket {
    fn of(resource: &Value) -> Ticket {
        Ticket {
            id: s(&resource["id"]),
        }
    }
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
        .to_owned()
}

/// The server's JSON API over HTTP, with a teammate's (or a customer's) token.
#[derive(Clone)]
struct Rest {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Rest {
    fn new(base: &str, token: Option<&str>) -> Rest {
        Rest {
            base: base.to_owned(),
            token: token.map(str::to_owned),
            http: reqwest::Client::new(),
        }
    }

    /// The status and JSON body of a request.
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .timeout(Duration::from_secs(30));
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn ok(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method.clone(), path, body.clone()).await;
        assert!(
            (200..300).contains(&status),
            "{method} {path} {}: {status} {value}",
            body.unwrap_or_default()
        );
        value
    }

    async fn get(&self, path: &str) -> Value {
        self.ok(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.ok(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> Value {
        self.ok(reqwest::Method::PUT, path, Some(body)).await
    }
}

// ---- Emails ----

/// The .eml files of `dir`, by name (the queue's order), quoted-printable undone enough to
/// read links and codes (`=3D` is `=`, `=` at a line's end joins it to the next).
fn emails_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|e| {
            e.replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=")
        })
        .collect()
}

/// The "View in Messenger" address of an email's plain-text part.
fn messenger_link(email: &str) -> String {
    let at = email
        .find("View in Messenger: ")
        .unwrap_or_else(|| panic!("the email links to the Messenger:\n{email}"))
        + "View in Messenger: ".len();
    email[at..].split_whitespace().next().unwrap().to_owned()
}

/// The six-digit code of a sign-in email.
fn sign_in_code(email: &str) -> String {
    let at = email
        .find("Your sign-in code: ")
        .unwrap_or_else(|| panic!("a sign-in code in:\n{email}"))
        + "Your sign-in code: ".len();
    email[at..at + 6].to_owned()
}

// ---- The page ----

/// Where the token lives in the page's localStorage (ui/src/messenger/session.ts).
const TOKEN_KEY: &str = "teammate-inbox.messenger.token";

/// The signed-in Messenger shows a Sign out button.
const SIGNED_IN: &str = "button[aria-label='Sign out']";

/// The bottom navigation's link to a space.
fn space(href: &str) -> String {
    format!("nav[aria-label='Messenger spaces'] a[href='{href}']")
}

/// A ticket's row (in the Recent tickets card or the Tickets space).
fn ticket_link(ticket: &Ticket) -> String {
    format!("a[href='#/tickets/{}']", ticket.id)
}

/// Opens the full-page Messenger signed in with `token` (as the page keeps it), on `hash`.
async fn open_signed_in(browser: &Browser, url: &str, token: &str, hash: &str) {
    browser.goto(&format!("{url}/messenger")).await;
    browser
        .js(
            "localStorage.setItem(arguments[0], arguments[1]); location.hash = arguments[2]; location.reload();",
            vec![json!(TOKEN_KEY), json!(token), json!(hash)],
        )
        .await;
    browser.wait_for(SIGNED_IN).await;
}

/// The entries of the ticket on screen (its timeline, oldest first), as text.
async fn timeline(browser: &Browser) -> Vec<String> {
    browser.texts("ol[aria-label='Ticket history'] > li").await
}

/// Waits until an entry of the ticket on screen says `text`.
async fn until_in_timeline(browser: &Browser, what: &str, text: &str) {
    browser
        .until(
            what,
            "return [...document.querySelectorAll(\"ol[aria-label='Ticket history'] > li\")]
               .some(li => li.textContent.replace(/\\s+/g, ' ').includes(arguments[0]));",
            vec![json!(text)],
        )
        .await;
}

/// The accessible name of a space's tab ("Tickets, 1 unread").
async fn space_label(browser: &Browser, href: &str) -> String {
    browser.wait_for(&space(href)).await;
    let label = browser
        .js(
            "return document.querySelector(arguments[0]).getAttribute('aria-label');",
            vec![json!(space(href))],
        )
        .await;
    label.as_str().unwrap_or_default().to_owned()
}

/// Waits for a space's tab to be named `label`.
async fn until_space_label(browser: &Browser, href: &str, label: &str) {
    browser
        .until(
            &format!("the {href} tab to read {label:?}"),
            "const a = document.querySelector(arguments[0]);
             return a !== null && a.getAttribute('aria-label') === arguments[1];",
            vec![json!(space(href)), json!(label)],
        )
        .await;
}

/// Types a message in the composer and sends it with its Send button.
async fn send_message(browser: &Browser, text: &str) {
    browser.type_into("form textarea", text).await;
    browser.click("button[aria-label='Send']").await;
}

// ---- A site embedding the Messenger ----

/// A tiny web server of the test (another origin than the Messenger's): answers each path of
/// `pages` with its HTML.
async fn host_site(pages: HashMap<String, String>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let pages = Arc::new(pages);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let pages = pages.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&request);
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = match pages.get(path) {
                    Some(html) => ("200 OK", html.clone()),
                    None => (
                        "404 Not Found",
                        "<!doctype html><title>Not found</title>".into(),
                    ),
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    url
}

/// A shop's page with its signed-in user, and the one script tag of docs/messenger.md.
fn shop_page(server: &str, brand: &str, identity: Value) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Northwind Shop</title>
</head>
<body>
<main>
<h1>Northwind Shop</h1>
<p>Everything for your office, delivered tomorrow.</p>
</main>
<script>window.teammateInbox = {identity};</script>
<script src="{server}/messenger/embed.js" data-brand="{brand}" async></script>
</body>
</html>"#
    )
}

/// The launcher's frame on the shop's page.
const FRAME: &str = "iframe[title='Messenger']";

/// Waits (on the shop's page) for the Messenger's frame to be sized `open` or closed.
async fn until_frame(browser: &Browser, open: bool) {
    browser
        .until(
            if open {
                "the Messenger's frame to open"
            } else {
                "the Messenger's frame to close"
            },
            "const f = document.querySelector(arguments[0]);
             if (!f) return false;
             const w = f.getBoundingClientRect().width;
             return arguments[1] ? w > 300 : (w > 0 && w <= 100);",
            vec![json!(FRAME), json!(open)],
        )
        .await;
}

/// In the Messenger's frame: waits until the page has been told the panel's state (`open`) and
/// the server answered, so what happens next is counted for an open or a closed Messenger.
async fn until_state_saved(browser: &Browser, open: bool, after: usize) {
    browser
        .until(
            &format!("PUT /messenger/state {{open: {open}}} to be answered"),
            "return (window.__received || []).slice(arguments[1]).some(r =>
               r.method === 'PUT' && r.url.includes('/messenger/state') && r.status < 300
               && JSON.parse(r.body || '{}').open === arguments[0]);",
            vec![json!(open), json!(after)],
        )
        .await;
}

/// Waits until the page's live stream (`/messenger/stream`) has been open for `for_at_least`.
async fn until_live(browser: &Browser, for_at_least: Duration) {
    browser
        .until(
            "the live stream to be open",
            "const open = (window.__streamed || []).filter(c => c.chunk === '(open 200)').pop();
             return open !== undefined && Date.now() - open.at >= arguments[0];",
            vec![json!(for_at_least.as_millis() as u64)],
        )
        .await;
}

async fn received_count(browser: &Browser) -> usize {
    browser
        .js("return (window.__received || []).length;", vec![])
        .await
        .as_u64()
        .unwrap_or(0) as usize
}

// ---- The tests ----

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_email_links_to_its_ticket_signed_in() {
    let ws = workspace().await;
    ws.set_reply_email_delay(0).await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "ada-1")
        .await;
    let ticket = ws.refund(&ada, "Charged twice for one order").await;
    let label = ws.move_to(&ticket, "waiting_on_customer").await;
    ws.reply(
        &ticket,
        "We found the cause: a retried payment. Refund on its way.",
    )
    .await;

    let email = ws
        .email_saying(&ada.email, &["We found the cause: a retried payment."])
        .await;
    let link = messenger_link(&email);
    assert!(
        link.starts_with(&format!("{}/messenger?", ws.url)) && link.contains("link="),
        "{link}"
    );

    let browser = Browser::start().await;
    browser.goto(&link).await;
    // Signed in, on the ticket: its title, its customer-facing state, the submission first,
    // then the reply.
    browser.wait_for(SIGNED_IN).await;
    assert_eq!(browser.text("main h1").await, "Charged twice for one order");
    until_in_timeline(&browser, "the teammate's reply", "We found the cause").await;
    let entries = timeline(&browser).await;
    assert!(
        entries[0].contains("Ticket submitted")
            && entries[0].contains("Charged twice for one order"),
        "the submission event with the ticket pill comes first: {entries:#?}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e.contains("Status changed to") && e.contains(&label)),
        "{entries:#?}"
    );
    let heading = browser
        .until(
            "the ticket's state under its title",
            "const h = document.querySelector('main h1');
             return h && h.nextElementSibling && h.nextElementSibling.textContent.trim();",
            vec![],
        )
        .await;
    assert!(
        heading.as_str().unwrap().contains(&label),
        "the ticket's customer state {label:?} under its title: {heading}"
    );
    // The link is used once: it leaves the address bar, and the session stays in the page.
    let address = within_url(&browser).await;
    assert!(!address.contains("link="), "{address}");
    let token = browser
        .js(
            "return localStorage.getItem(arguments[0]);",
            vec![json!(TOKEN_KEY)],
        )
        .await;
    assert!(token.as_str().is_some_and(|t| !t.is_empty()), "{token}");
    browser.screenshot("signed-link-ticket").await;
    browser
        .assert_accessible("a ticket opened from its email")
        .await;

    // A forged link signs nobody in, and says so.
    let forged = {
        // One character of the token changed, in its middle, to another of its digits (tokens
        // are read whatever their case, so a change of case is no change).
        let at = link.find("link=").unwrap() + "link=".len();
        let middle = at + (link.len() - at) / 2;
        let mut chars: Vec<char> = link.chars().collect();
        chars[middle] = if chars[middle] == '0' { '1' } else { '0' };
        chars.into_iter().collect::<String>()
    };
    let stranger = Browser::start().await;
    stranger.goto(&forged).await;
    stranger
        .until(
            "the page to refuse the forged link",
            "return document.body.innerText.includes('expired or is not valid');",
            vec![],
        )
        .await;
    assert!(
        !stranger.page_source().await.contains("Charged twice"),
        "a forged link shows nothing of the ticket"
    );
    stranger.close().await;
    browser.close().await;
}

async fn within_url(browser: &Browser) -> String {
    crate::harness::within("the address", browser.client.current_url())
        .await
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_signs_in_with_the_code_emailed_to_them() {
    let ws = workspace().await;
    let grace = ws
        .customer("Grace Hopper", "grace@example.com", "grace-1")
        .await;
    let ticket = ws.refund(&grace, "Invoice shows the wrong address").await;

    let browser = Browser::start().await;
    browser.goto(&format!("{}/messenger", ws.url)).await;
    browser.wait_for("input[type=email]").await;
    browser.assert_accessible("sign-in (email)").await;
    browser.type_into("input[type=email]", &grace.email).await;
    browser.click_named("Send me a code").await;
    browser
        .wait_for("input[autocomplete='one-time-code']")
        .await;
    browser.assert_accessible("sign-in (code)").await;
    let email = ws
        .email_saying(&grace.email, &["Your sign-in code: "])
        .await;
    let code = sign_in_code(&email);

    // A wrong code is refused, with what to do next.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    browser
        .type_into("input[autocomplete='one-time-code']", wrong)
        .await;
    browser.click_named("Sign in").await;
    let refusal = browser.text("[role=alert]").await;
    assert!(refusal.contains("code is not right"), "{refusal}");

    browser
        .type_into("input[autocomplete='one-time-code']", &code)
        .await;
    browser.click_named("Sign in").await;
    browser.wait_for(SIGNED_IN).await;
    // Home: greeted by name, their ticket on the Recent tickets card.
    browser
        .until(
            "Home greeting Grace",
            "const h = document.querySelector('main h1'); return h && h.textContent.includes('Grace');",
            vec![],
        )
        .await;
    browser.wait_for(&ticket_link(&ticket)).await;
    let recent = browser
        .until(
            "the Recent tickets card",
            "const h = [...document.querySelectorAll('h2')].find(h => h.textContent.trim() === 'Recent tickets');
             return h && h.closest('section').textContent;",
            vec![],
        )
        .await;
    assert!(
        recent
            .as_str()
            .unwrap()
            .contains("Invoice shows the wrong address"),
        "{recent}"
    );
    browser.screenshot("home").await;
    browser.assert_accessible("Home").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_embeds_the_messenger_for_its_verified_user_only() {
    let ws = workspace().await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "user-4711")
        .await;
    let ticket = ws.refund(&ada, "Parcel never arrived").await;
    let secret = ws.identity_secret();
    let config = Rest::new(&ws.url, None).get("/messenger/config").await;
    let brand = s(&config["brand"]["id"]);
    let hash = inbox_core::customer_identity::identity_hash(&ada.user_id, &secret);
    let forged = inbox_core::customer_identity::identity_hash(&ada.user_id, "a guessed secret");
    let identity = |hash: &str| json!({ "user_id": ada.user_id, "email": ada.email, "name": ada.name, "user_hash": hash });
    let site = host_site(HashMap::from([
        ("/".to_owned(), shop_page(&ws.url, &brand, identity(&hash))),
        (
            "/forged".to_owned(),
            shop_page(&ws.url, &brand, identity(&forged)),
        ),
    ]))
    .await;

    let browser = Browser::start().await;
    browser.goto(&format!("{site}/")).await;
    browser.wait_for(FRAME).await;
    until_frame(&browser, false).await;
    browser
        .assert_accessible("the shop's page with the launcher")
        .await;

    // The launcher, with a badge for the ticket the team opened for her.
    browser.enter_frame(FRAME).await;
    browser
        .wait_for("button[aria-label='Open messages, 1 unread']")
        .await;
    browser.assert_accessible("the launcher").await;
    browser.click("button[aria-label^='Open messages']").await;
    browser.wait_for("[role=dialog]").await;
    browser.wait_for(SIGNED_IN).await;
    browser
        .until(
            "Home greeting Ada",
            "const h = document.querySelector('main h1'); return h && h.textContent.includes('Ada');",
            vec![],
        )
        .await;
    browser.wait_for(&ticket_link(&ticket)).await;
    browser.leave_frames().await;
    until_frame(&browser, true).await;
    browser.screenshot("embedded-open").await;
    browser.enter_frame(FRAME).await;
    browser
        .assert_accessible("the embedded Messenger, open")
        .await;

    // Opening the ticket sees it; closed again, the launcher has no badge.
    browser.click(&ticket_link(&ticket)).await;
    browser.wait_for("ol[aria-label='Ticket history']").await;
    let before_close = received_count(&browser).await;
    browser.click("button[aria-label='Close messages']").await;
    browser.wait_for("button[aria-label='Open messages']").await;
    until_state_saved(&browser, false, before_close).await;

    // A teammate replies while the Messenger is closed: the launcher's badge says so, live.
    ws.reply(
        &ticket,
        "Your parcel is at the depot; it goes out again today.",
    )
    .await;
    browser
        .wait_for("button[aria-label='Open messages, 1 unread']")
        .await;
    let badge = browser
        .text("button[aria-label='Open messages, 1 unread'] [aria-hidden=true]:last-child")
        .await;
    assert_eq!(badge, "1");
    browser.screenshot("launcher-badge").await;
    // She opens it and reads the reply: the badge is gone once the panel closes again.
    browser.click("button[aria-label^='Open messages']").await;
    until_in_timeline(&browser, "the reply", "at the depot").await;
    browser.click("button[aria-label='Close messages']").await;
    browser.wait_for("button[aria-label='Open messages']").await;
    browser.leave_frames().await;
    browser.close().await;

    // Someone with a forged hash gets a clear refusal and nothing of Ada's.
    let stranger = Browser::start().await;
    stranger.goto(&format!("{site}/forged")).await;
    stranger.enter_frame(FRAME).await;
    stranger.click("button[aria-label^='Open messages']").await;
    stranger.wait_for("[role=dialog]").await;
    stranger
        .until(
            "the refusal",
            "return document.body.innerText.includes(\"couldn't confirm who you are\");",
            vec![],
        )
        .await;
    stranger.screenshot("embedded-forged").await;
    let dom = stranger.page_source().await;
    assert!(!dom.contains("Parcel never arrived"), "no ticket of Ada's");
    assert!(
        stranger
            .js(
                "return document.querySelector(arguments[0]) === null;",
                vec![json!(SIGNED_IN)]
            )
            .await
            == Value::Bool(true)
    );
    let received = stranger.responses().await;
    let identify = received
        .iter()
        .find(|r| s(&r["url"]).contains("/messenger/session/identify"))
        .expect("the page asked the server to identify the user");
    assert_eq!(identify["status"], 401, "{identify}");
    for r in &received {
        let body = s(&r["body"]);
        assert!(
            !body.contains("Parcel never arrived") && !body.contains(&ada.email),
            "the server sent a stranger Ada's data: {r}"
        );
    }
    stranger
        .assert_accessible("the embedded Messenger, refused")
        .await;
    stranger.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn home_and_the_tickets_space_list_the_customer_s_tickets_with_badges() {
    let ws = workspace().await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "ada-1")
        .await;
    let mut tickets = Vec::new();
    for title in [
        "First: login fails",
        "Second: refund missing",
        "Third: wrong invoice",
        "Fourth: export broken",
        "Fifth: cannot add a seat",
    ] {
        tickets.push(ws.refund(&ada, title).await);
    }
    // The newest is resolved: never on the Recent tickets card, still in the Tickets space.
    let resolved = tickets[4].clone();
    ws.move_to(&resolved, "resolved").await;
    let token = ws.token_for(&ada).await;
    let customer = Rest::new(&ws.url, Some(&token));

    let browser = Browser::start().await;
    open_signed_in(&browser, &ws.url, &token, "#/").await;
    browser.wait_for(&ticket_link(&tickets[3])).await;
    let card = browser
        .until(
            "the Recent tickets card",
            "const h = [...document.querySelectorAll('h2')].find(h => h.textContent.trim() === 'Recent tickets');
             const s = h && h.closest('section');
             return s && [...s.querySelectorAll('a[href^=\"#/tickets/\"]')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await;
    let card: Vec<String> = serde_json::from_value(card).unwrap();
    let expected: Vec<String> = tickets[1..4]
        .iter()
        .rev()
        .map(|t| format!("#/tickets/{}", t.id))
        .collect();
    assert_eq!(
        card, expected,
        "the three latest unresolved tickets, newest first"
    );
    assert!(!card.contains(&format!("#/tickets/{}", resolved.id)));
    let home = customer.get("/messenger/home").await;
    assert_eq!(home["recent_tickets"].as_array().unwrap().len(), 3);

    // The Tickets space: every ticket, latest activity first, each with its state.
    let tab = space_label(&browser, "#/tickets").await;
    assert!(tab.starts_with("Tickets"), "{tab}");
    browser.click(&space("#/tickets")).await;
    browser
        .until(
            "the Tickets space",
            "const h = document.querySelector('main h1'); return h && h.textContent.trim() === 'Tickets';",
            vec![],
        )
        .await;
    browser.wait_for(&ticket_link(&tickets[0])).await;
    let listed: Vec<String> = serde_json::from_value(
        browser
            .js(
                "return [...document.querySelectorAll('main li a[href^=\"#/tickets/\"]')]
                   .map(a => a.getAttribute('href')).filter(h => h !== '#/tickets/new');",
                vec![],
            )
            .await,
    )
    .unwrap();
    let by_activity: Vec<String> = home["tickets_space"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("#/tickets/{}", s(&t["id"])))
        .collect();
    assert_eq!(listed.len(), 5, "{listed:?}");
    assert_eq!(listed, by_activity, "latest activity first");
    let resolved_row = browser.text(&ticket_link(&resolved)).await;
    assert!(resolved_row.contains("Resolved"), "{resolved_row}");
    browser.screenshot("tickets-space").await;
    browser.assert_accessible("the Tickets space").await;

    // Each new ticket badged the Tickets space; opening one takes its badge away.
    let before = space_label(&browser, "#/tickets").await;
    assert!(before.contains("unread"), "{before}");
    let unseen: usize = before
        .trim_start_matches("Tickets, ")
        .trim_end_matches(" unread")
        .parse()
        .unwrap_or_else(|_| panic!("{before}"));
    assert_eq!(unseen, 5, "one per ticket: {before}");
    for t in &tickets {
        browser.click(&space("#/tickets")).await;
        browser.click(&ticket_link(t)).await;
        browser.wait_for("ol[aria-label='Ticket history']").await;
    }
    until_space_label(&browser, "#/tickets", "Tickets").await;

    // A teammate's reply, without a change of state, badges the Messages space only (R8);
    // reading the ticket clears it.
    browser.click(&space("#/")).await;
    ws.reply(&tickets[1], "Your refund was sent this morning.")
        .await;
    until_space_label(&browser, "#/messages", "Messages, 1 unread").await;
    assert_eq!(space_label(&browser, "#/tickets").await, "Tickets");
    browser.click(&ticket_link(&tickets[1])).await;
    until_in_timeline(&browser, "the reply", "sent this morning").await;
    until_space_label(&browser, "#/messages", "Messages").await;

    // A state change badges the Tickets space again, live; opening the ticket clears it.
    browser.click(&space("#/")).await;
    let label = ws.move_to(&tickets[0], "in_progress").await;
    until_space_label(&browser, "#/tickets", "Tickets, 1 unread").await;
    browser.screenshot("tickets-badge").await;
    browser.click(&space("#/tickets")).await;
    let row = browser.text(&ticket_link(&tickets[0])).await;
    assert!(row.contains(&label), "{row}");
    browser.click(&ticket_link(&tickets[0])).await;
    browser.wait_for("ol[aria-label='Ticket history']").await;
    until_space_label(&browser, "#/tickets", "Tickets").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_go_both_ways_and_arrive_live() {
    let ws = workspace().await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "ada-1")
        .await;
    let ticket = ws.refund(&ada, "Two charges on my card").await;
    let token = ws.token_for(&ada).await;

    let browser = Browser::start().await;
    open_signed_in(
        &browser,
        &ws.url,
        &token,
        &format!("#/tickets/{}", ticket.id),
    )
    .await;
    browser.wait_for("ol[aria-label='Ticket history']").await;

    // Her reply, sent from the Messenger, reaches the teammates.
    send_message(&browser, "The second charge is from yesterday evening.").await;
    until_in_timeline(
        &browser,
        "her reply on the timeline",
        "The second charge is from yesterday evening.",
    )
    .await;
    let entries = timeline(&browser).await;
    assert!(
        entries.last().unwrap().starts_with("You:"),
        "her message, as hers: {entries:#?}"
    );
    let parts = ws.parts(&ticket).await;
    let hers = parts
        .iter()
        .find(|p| p["body"] == "The second charge is from yesterday evening.")
        .unwrap_or_else(|| panic!("the teammates see her reply: {parts:#?}"));
    assert_eq!(hers["part_type"], "comment", "{hers}");
    assert_eq!(hers["author"]["type"], "user", "{hers}");
    assert_eq!(hers["author"]["id"], ada.id.as_str(), "{hers}");

    // A teammate's answer shows while she looks, without a reload.
    browser.js("window.__sameDocument = true;", vec![]).await;
    ws.reply(&ticket, "Thanks: the second one is refunded.")
        .await;
    until_in_timeline(
        &browser,
        "the teammate's reply, live",
        "the second one is refunded",
    )
    .await;
    assert_eq!(
        browser
            .js("return window.__sameDocument === true;", vec![])
            .await,
        Value::Bool(true),
        "no reload"
    );
    let entries = timeline(&browser).await;
    let last = entries.last().unwrap();
    assert!(
        last.contains("the second one is refunded") && last.starts_with("Alex Rivera"),
        "the team's message, last, under its writer's name: {entries:#?}"
    );
    browser.screenshot("ticket-live").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_made_while_the_page_connects_still_show_live() {
    let ws = workspace().await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "ada-1")
        .await;
    let ticket = ws.refund(&ada, "Label printer offline").await;
    let token = ws.token_for(&ada).await;

    // A slow network: the page shows the ticket before its live stream gets through.
    let browser = Browser::start().await;
    browser.goto(&format!("{}/messenger", ws.url)).await;
    browser
        .js(
            "sessionStorage.setItem('e2e.holdStream', '1');
             localStorage.setItem(arguments[0], arguments[1]);
             location.hash = arguments[2]; location.reload();",
            vec![
                json!(TOKEN_KEY),
                json!(token),
                json!(format!("#/tickets/{}", ticket.id)),
            ],
        )
        .await;
    browser.wait_for("ol[aria-label='Ticket history']").await;
    browser.js("window.__sameDocument = true;", vec![]).await;
    // A reply in that moment, then the stream connects and at once another reply: both must
    // show without a reload, like any later one.
    ws.reply(&ticket, "FIRST: restart it while holding the feed button.")
        .await;
    browser.js("window.__releaseStream();", vec![]).await;
    until_live(&browser, Duration::ZERO).await;
    ws.reply(&ticket, "SECOND: or send it to us, we pay the postage.")
        .await;
    until_in_timeline(
        &browser,
        "the reply made before the stream connected",
        "FIRST:",
    )
    .await;
    until_in_timeline(
        &browser,
        "the reply made as the stream connected",
        "SECOND:",
    )
    .await;
    assert_eq!(
        browser
            .js("return window.__sameDocument === true;", vec![])
            .await,
        Value::Bool(true),
        "no reload"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_submits_a_ticket_through_its_form() {
    let ws = workspace().await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "ada-1")
        .await;
    let token = ws.token_for(&ada).await;

    let browser = Browser::start().await;
    open_signed_in(&browser, &ws.url, &token, "#/").await;
    browser.click("a[href='#/tickets/new']").await;
    browser
        .until(
            "the ticket forms",
            "return [...document.querySelectorAll('main button')].some(b => b.textContent.includes('Refund request'));",
            vec![],
        )
        .await;
    browser
        .assert_accessible("the new ticket's choice of forms")
        .await;
    browser.click_text("button", "Refund request").await;
    let title = field_labelled(&browser, "Title").await;
    let order = field_labelled(&browser, "Order ID").await;

    // Without the required order id: the form says what is missing, and nothing is created.
    browser.type_into(&title, "Refund for order A-77").await;
    browser.click_named("Submit ticket").await;
    let error = browser
        .until(
            "the Order ID field's error",
            "const f = document.querySelector(arguments[0]);
             const id = f && f.getAttribute('aria-describedby');
             const e = id && document.getElementById(id);
             return f.getAttribute('aria-invalid') === 'true' && e && e.textContent.trim();",
            vec![json!(order)],
        )
        .await;
    assert!(error.as_str().unwrap().contains("Order ID"), "{error}");
    browser.screenshot("new-ticket-error").await;
    browser
        .assert_accessible("the new ticket form with an error")
        .await;
    let theirs = ws.admin.get(&format!("/contacts/{}/tickets", ada.id)).await;
    assert!(
        !theirs.to_string().contains("Refund for order A-77"),
        "nothing created yet: {theirs}"
    );

    browser.type_into(&order, "A-77").await;
    browser.click_named("Submit ticket").await;
    browser
        .until(
            "the new ticket on screen",
            "const h = document.querySelector('main h1'); return h && h.textContent.trim() === 'Refund for order A-77';",
            vec![],
        )
        .await;
    let entries = timeline(&browser).await;
    assert!(entries[0].contains("Ticket submitted"), "{entries:#?}");
    let id = within_url(&browser)
        .await
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let created = ws.admin.get(&format!("/tickets/{id}")).await;
    assert_eq!(
        created["ticket_attributes"]["order_id"], "A-77",
        "{created}"
    );
    assert_eq!(created["is_shared"], true, "{created}");
    assert_eq!(
        created["contacts"]["contacts"][0]["id"],
        ada.id.as_str(),
        "{created}"
    );

    // It is in her Tickets space.
    browser.click(&space("#/tickets")).await;
    let row = browser.text(&format!("a[href='#/tickets/{id}']")).await;
    assert!(row.contains("Refund for order A-77"), "{row}");
    browser.close().await;
}

/// The CSS selector of the form field whose label reads `label` (a required field's asterisk
/// aside).
async fn field_labelled(browser: &Browser, label: &str) -> String {
    let id = browser
        .until(
            &format!("a field labelled {label:?}"),
            "const l = [...document.querySelectorAll('label')]
               .find(l => l.textContent.replace('*', '').trim() === arguments[0]);
             return l && l.htmlFor;",
            vec![json!(label)],
        )
        .await;
    format!("#{}", s(&id))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_seen_in_the_messenger_in_time_is_never_emailed() {
    let ws = workspace().await;
    const DELAY: u64 = 4;
    ws.set_reply_email_delay(DELAY as i64).await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "ada-1")
        .await;
    let ticket = ws.refund(&ada, "Refund still pending").await;
    let token = ws.token_for(&ada).await;

    let browser = Browser::start().await;
    open_signed_in(
        &browser,
        &ws.url,
        &token,
        &format!("#/tickets/{}", ticket.id),
    )
    .await;
    browser.wait_for("ol[aria-label='Ticket history']").await;

    // Changes made while the live stream connects may never show (see
    // replies_made_while_the_page_connects_still_show_live): this test is about the email, so it waits.
    until_live(&browser, Duration::from_secs(1)).await;

    // She has the ticket open when the reply comes: she sees it at once.
    let seen_before = received_count(&browser).await;
    ws.reply(&ticket, "SEEN-REPLY: the refund left our bank today.")
        .await;
    let sent_at = Instant::now();
    until_in_timeline(&browser, "the reply on screen", "SEEN-REPLY").await;
    browser
        .until(
            "the page to tell the server she saw it",
            "return window.__received.slice(arguments[0]).some(r =>
               r.method === 'POST' && r.url.endsWith('/seen') && r.status === 200 && r.body.includes('SEEN-REPLY'));",
            vec![json!(seen_before)],
        )
        .await;
    assert!(
        sent_at.elapsed() < Duration::from_secs(DELAY),
        "seen within the delay (took {:?}); the test cannot tell otherwise",
        sent_at.elapsed()
    );

    // Away from it, the next reply is emailed after the delay, alone.
    browser.click(&space("#/")).await;
    browser.wait_for("main h1").await;
    ws.reply(&ticket, "UNSEEN-REPLY: it should reach you in two days.")
        .await;
    let email = ws.email_saying(&ada.email, &["UNSEEN-REPLY"]).await;
    assert!(
        !email.contains("SEEN-REPLY: the refund"),
        "a reply she saw is never in an email, even with a later one:\n{email}"
    );
    // And no email ever carries the one she saw: the outbox stays without it past its delay
    // and a margin for the mailer's round (every second).
    let past_due = Duration::from_secs(DELAY + 3);
    if let Some(left) = past_due.checked_sub(sent_at.elapsed()) {
        tokio::time::sleep(left).await;
    }
    for email in ws.emails() {
        assert!(
            !email.contains("SEEN-REPLY: the refund"),
            "the reply she saw was emailed:\n{email}"
        );
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_internal_reaches_the_customer_s_pages() {
    let ws = workspace().await;
    let ada = ws
        .customer("Ada Lovelace", "ada@example.com", "ada-1")
        .await;
    let ticket = ws.refund(&ada, "Export stops at 80%").await;
    ws.reply(&ticket, "We are looking into your export.").await;

    // An internal note on her ticket.
    ws.note(
        &ticket,
        "CANARY-NOTE-1234: the customer is on the legacy plan.",
    )
    .await;
    // A tracker, linked to it, whose title and description are the team's.
    let bug = ws.ticket_type("Bug tracker").await;
    let tracker = ws
        .admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": bug["id"],
                "ticket_attributes": {
                    "_default_title_": "CANARY-TRACKER-TITLE-2345 exporter OOM",
                    "_default_description_": "CANARY-TRACKER-DESC-3456 heap dump attached",
                    "component": "API",
                },
            }),
        )
        .await;
    ws.admin
        .post(
            &format!("/tickets/{}/tracker", ticket.id),
            json!({ "tracker_id": tracker["id"] }),
        )
        .await;
    // A back-office ticket about her, never shared.
    let billing = ws.ticket_type("Billing investigation").await;
    let back_office = ws
        .admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": billing["id"],
                "contacts": [{ "id": ada.id }],
                "ticket_attributes": {
                    "_default_title_": "CANARY-BACKOFFICE-4567 chargeback risk",
                    "invoice": 4567,
                    "fraud_notes": "CANARY-FRAUD-5678",
                },
            }),
        )
        .await;
    assert_eq!(back_office["is_shared"], false, "{back_office}");
    // An attribute of her ticket that customers do not see.
    let refund = ws.ticket_type("Refund request").await;
    let attribute = ws
        .admin
        .post(
            &format!("/ticket_types/{}/attributes", s(&refund["id"])),
            json!({ "name": "CANARY-ATTRNAME-8901 reference", "data_type": "string", "visible_to_customer": false }),
        )
        .await;
    ws.admin
        .put(
            &format!("/tickets/{}", ticket.id),
            json!({ "ticket_attributes": { s(&attribute["key"]): "CANARY-ATTR-6789" } }),
        )
        .await;
    // A conversation of hers, with an internal note beside the team's reply.
    let started = ws
        .admin
        .post(
            "/conversations",
            json!({ "from": { "type": "contact", "id": ada.id }, "body": "Do you ship to Norway?" }),
        )
        .await;
    let conversation = s(&started["conversation_id"]);
    for (kind, body) in [
        ("note", "CANARY-CONV-NOTE-7890: check the Oslo depot."),
        ("comment", "Yes, we ship to Norway."),
    ] {
        ws.admin
            .post(
                &format!("/conversations/{conversation}/reply"),
                json!({ "message_type": kind, "type": "admin", "body": body }),
            )
            .await;
    }
    let token = ws.token_for(&ada).await;

    let browser = Browser::start().await;
    let mut seen_dom = Vec::new();
    open_signed_in(&browser, &ws.url, &token, "#/").await;
    browser.wait_for(&ticket_link(&ticket)).await;
    seen_dom.push(("Home", browser.page_source().await));

    browser.click(&space("#/tickets")).await;
    browser
        .wait_for(&format!("main li {}", ticket_link(&ticket)))
        .await;
    seen_dom.push(("the Tickets space", browser.page_source().await));

    browser
        .click(&format!("main li {}", ticket_link(&ticket)))
        .await;
    until_in_timeline(&browser, "the team's reply", "looking into your export").await;
    seen_dom.push(("the ticket", browser.page_source().await));

    browser.click(&space("#/messages")).await;
    browser
        .wait_for(&format!("a[href='#/messages/{conversation}']"))
        .await;
    seen_dom.push(("Messages", browser.page_source().await));
    browser.screenshot("messages").await;
    browser.assert_accessible("Messages").await;

    browser
        .click(&format!("a[href='#/messages/{conversation}']"))
        .await;
    browser
        .until(
            "the conversation",
            "return document.body.innerText.includes('Yes, we ship to Norway.');",
            vec![],
        )
        .await;
    seen_dom.push(("the conversation", browser.page_source().await));
    browser.screenshot("conversation").await;
    browser.assert_accessible("a conversation").await;

    // The form of her ticket's type asks only for what customers may see.
    browser.click(&space("#/tickets")).await;
    browser.click("a[href='#/tickets/new']").await;
    browser.click_text("button", "Refund request").await;
    field_labelled(&browser, "Order ID").await;
    seen_dom.push(("the new ticket form", browser.page_source().await));

    let canaries = [
        "CANARY-NOTE-1234",
        "CANARY-TRACKER-TITLE-2345",
        "CANARY-TRACKER-DESC-3456",
        "CANARY-BACKOFFICE-4567",
        "CANARY-FRAUD-5678",
        "CANARY-ATTR-6789",
        "CANARY-CONV-NOTE-7890",
        "CANARY-ATTRNAME-8901",
    ];
    for (page, dom) in &seen_dom {
        for canary in canaries {
            assert!(!dom.contains(canary), "{canary} on {page}");
        }
    }
    let received = browser.responses().await;
    let urls: Vec<String> = received.iter().map(|r| s(&r["url"])).collect();
    for needed in [
        "/messenger/home".to_owned(),
        format!("/messenger/tickets/{}", ticket.id),
        "/messenger/conversations".to_owned(),
        format!("/messenger/conversations/{conversation}"),
        "/messenger/ticket_types".to_owned(),
    ] {
        assert!(
            urls.iter().any(|u| u.contains(&needed)),
            "the page fetched {needed}: {urls:#?}"
        );
    }
    for r in &received {
        for canary in canaries {
            assert!(
                !s(&r["body"]).contains(canary),
                "{canary} in what the page received from {}: {}",
                r["url"],
                r["body"]
            );
        }
    }
    browser.close().await;
}
