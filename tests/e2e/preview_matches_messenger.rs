//! The app's notification preview against the customer's own Messenger (SPEC "The customer's
//! Messenger", issue 16): the app, signed in to a real server, previews a reply, a state change
//! and a tracker's resolution; what its "In the Messenger" column says each customer will see
//! (the launcher's and the spaces' badges, the Recent tickets card, the ticket's row in the
//! Tickets space, the new entries of its thread) is then compared with what the Messenger page
//! shows that customer in headless Chromium. Both sides are read the same way (times left out,
//! as "just now" and "1m ago" may differ), and compared with each other: either drifting fails.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use inbox_server::setup::teammate_token;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::harness::App;
use crate::server::{start_server, ADMIN};

// ---- What both sides show, read the same way ----

/// One ticket's row (Recent tickets card, Tickets space): the title (with "Unread: " when it has
/// a dot), the customer-facing state, and its whole text but the time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Row {
    title: String,
    state: String,
    text: String,
}

/// The badges, as the launcher and the spaces' tabs name them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Badges {
    /// The collapsed launcher's accessible name ("Open messages, 1 unread").
    launcher: String,
    /// The number drawn on the launcher ("" for none).
    launcher_badge: String,
    /// The spaces' tabs' accessible names ("Home", "Messages, 1 unread", "Tickets").
    spaces: Vec<String>,
}

/// One customer's Messenger column in the app's preview.
#[derive(Debug, Clone, Deserialize)]
struct Previewed {
    /// `Delivery.messenger.badges`, as the column's data attributes carry them.
    counts: [u64; 3],
    badges: Badges,
    recent: Vec<Row>,
    tickets_space: Option<Row>,
    /// The new entries of the ticket's thread, time left out.
    entries: Vec<String>,
}

/// Page-side helpers: text without `time` elements, rows as `Row`s.
const READERS: &str = r#"
const bare = (e) => {
  if (!e) return '';
  const c = e.cloneNode(true);
  c.querySelectorAll('time').forEach((t) => t.remove());
  return c.textContent.replace(/\s+/g, ' ').trim();
};
const row = (e) => ({ title: bare(e.querySelector('.title')), state: bare(e.querySelector('.state')), text: bare(e) });
const badges = (launcher, nav) => ({
  launcher: launcher ? launcher.getAttribute('aria-label') : '',
  launcher_badge: launcher ? bare(launcher.querySelector('.badge')) : '',
  spaces: nav ? [...nav.querySelectorAll('a')].map((a) => a.getAttribute('aria-label')) : [],
});
"#;

/// Reads the Messenger column of the delivery to `arguments[1]` under `arguments[0]`, once it
/// has one and it says `arguments[2]` somewhere (the change's text: not an older preview).
const READ_PREVIEW: &str = r#"
const d = document.querySelector(`${arguments[0]} [data-testid=preview-delivery][data-contact-id="${arguments[1]}"]`);
const col = d && d.querySelector('[data-testid=messenger-preview]');
if (!col || !col.textContent.includes(arguments[2])) return null;
const b = col.querySelector('[data-testid=messenger-preview-badge]');
const space = col.querySelector("[role=group][aria-label='Tickets space'] .row");
return {
  counts: [Number(b.dataset.messenger), Number(b.dataset.ticketsSpace), Number(b.dataset.messagesSpace)],
  badges: badges(b.querySelector('button'), b.querySelector('nav')),
  recent: [...col.querySelectorAll('[data-testid=messenger-preview-recent] li .row')].map(row),
  tickets_space: space ? row(space) : null,
  entries: [...col.querySelectorAll('[data-testid=messenger-preview-entry]')].map(bare),
};
"#;

// ---- The server, as teammates and customers reach it over HTTP ----

struct Rest {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Rest {
    fn new(base: &str, token: &str) -> Rest {
        Rest {
            base: base.to_owned(),
            token: token.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(30));
        if let Some(body) = &body {
            req = req.json(body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(
            status.is_success(),
            "{method} {path} {body:?}: {status} {text}"
        );
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
        .to_owned()
}

struct Customer {
    id: String,
    token: String,
    tickets: Vec<String>,
}

async fn customer(admin: &Rest, name: &str, email: &str) -> Customer {
    let contact = admin
        .post("/contacts", json!({ "name": name, "email": email }))
        .await;
    let id = s(&contact["id"]);
    let token = s(&admin
        .post(&format!("/contacts/{id}/messenger_token"), json!({}))
        .await["token"]);
    Customer {
        id,
        token,
        tickets: Vec::new(),
    }
}

async fn ticket_type(admin: &Rest, name: &str) -> Value {
    let types = admin.get("/ticket_types").await;
    let found = types["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no ticket type {name}: {types}"))
        .clone();
    // With its states.
    admin
        .get(&format!("/ticket_types/{}", s(&found["id"])))
        .await
}

/// The id and customer label of the first state of `category` a ticket type offers.
fn state_of(ticket_type: &Value, category: &str) -> (String, String) {
    let state = ticket_type["ticket_states"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["category"] == category && st["archived"] != true)
        .unwrap_or_else(|| panic!("no {category} state in {ticket_type}"));
    (s(&state["id"]), s(&state["external_label"]))
}

/// A refund request (a customer ticket, shared) a teammate raised for `who`; returns its id.
async fn refund(admin: &Rest, refund_type: &Value, who: &mut Customer, title: &str) -> String {
    let created = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": refund_type["id"],
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
    let id = s(&created["id"]);
    who.tickets.push(id.clone());
    id
}

/// The customer has seen everything so far (as opening each ticket in the Messenger does): the
/// page's badges afterwards are the next change's alone, which is what the preview counts.
async fn seen_everything(base: &str, who: &Customer) {
    let as_customer = Rest::new(base, &who.token);
    for ticket in &who.tickets {
        as_customer
            .post(&format!("/messenger/tickets/{ticket}/seen"), json!({}))
            .await;
    }
}

/// Polls `check` on the server's REST API until it passes (the app's change got there).
async fn until_on_server(admin: &Rest, what: &str, path: &str, check: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = admin.get(path).await;
        if check(&value) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} on the server: {value}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ---- The app's preview ----

/// Waits for the preview under `scope` to show `contact`'s Messenger column saying `text`, and
/// reads it.
async fn read_preview(app: &App, scope: &str, contact: &str, text: &str) -> Previewed {
    let script = format!("{READERS}{READ_PREVIEW}");
    let value = app
        .until(
            &format!("the preview's Messenger column for {contact} saying {text:?}"),
            &script,
            vec![json!(scope), json!(contact), json!(text)],
        )
        .await;
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("the preview's Messenger column {value}: {e}"))
}

async fn open_ticket(app: &App, view: &str, id: &str) {
    app.click(&format!("[data-testid=view-category-{view}]"))
        .await;
    app.click(&format!("[data-testid=ticket-row][data-ticket-id='{id}']"))
        .await;
    app.until(
        "the ticket to open",
        "const c = document.querySelector('[data-testid=composer]');
         return !!document.querySelector('[data-testid=detail-title]') && !!c;",
        vec![],
    )
    .await;
}

/// Picks a state in the open ticket's state menu: its confirmation panel shows the preview.
async fn choose_state(app: &App, state: &str) {
    app.click("[data-testid=state-menu]").await;
    app.click(&format!("[data-testid=state-option-{state}]"))
        .await;
    app.wait_for("[data-testid=preview-panel]").await;
}

/// Confirms the change in the confirmation panel, once Confirm can be pressed.
async fn confirm(app: &App) {
    app.until(
        "Confirm to be enabled",
        "const b = document.querySelector('[data-testid=preview-confirm]'); return b && !b.disabled;",
        vec![],
    )
    .await;
    app.click("[data-testid=preview-confirm]").await;
    app.until(
        "the confirmation panel to close",
        "return !document.querySelector('[data-testid=preview-panel]');",
        vec![],
    )
    .await;
}

// ---- The customer's Messenger page ----

/// Where the page keeps its token (ui/src/messenger/session.ts).
const TOKEN_KEY: &str = "teammate-inbox.messenger.token";

/// Polls `script` (after READERS) until it returns what the preview showed, for up to 15 s;
/// returns what the page showed last, for the caller to compare (and print) either way.
async fn settle<T: DeserializeOwned + PartialEq + Debug>(
    browser: &Browser,
    script: &str,
    args: Vec<Value>,
    previewed: &T,
) -> T {
    let script = format!("{READERS}{script}");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let value = browser.js(&script, args.clone()).await;
        let shown: Option<T> = serde_json::from_value(value).ok();
        if let Some(shown) = shown {
            if &shown == previewed || Instant::now() >= deadline {
                return shown;
            }
        } else if Instant::now() >= deadline {
            panic!(
                "the page never showed it; page: {}",
                browser.body_text().await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the Messenger page signed in as `who`, at `path` (`/messenger?embed=1` for the
/// launcher alone, `/messenger#/…` for the full page), and waits for its home data.
async fn open_as(browser: &Browser, base: &str, who: &Customer, path: &str) {
    // Any page of the server's origin will do to set the token (not /messenger itself: going
    // from there to /messenger#/ would only change the hash, without loading the page again).
    browser.goto(&format!("{base}/messenger/config")).await;
    browser
        .js(
            "localStorage.clear(); localStorage.setItem(arguments[0], arguments[1]);",
            vec![json!(TOKEN_KEY), json!(who.token)],
        )
        .await;
    browser.goto(&format!("{base}{path}")).await;
    browser
        .until(
            "the page to load the customer's home",
            "return (window.__received || []).some(r => r.url.includes('/messenger/home') && r.status === 200);",
            vec![],
        )
        .await;
}

/// Everything the page shows `who` of `ticket`, compared piece by piece with `previewed`.
async fn page_agrees(
    browser: &Browser,
    base: &str,
    who: &Customer,
    ticket: &str,
    previewed: &Previewed,
    what: &str,
) {
    // The collapsed launcher (the embedded Messenger, closed).
    open_as(browser, base, who, "/messenger?embed=1").await;
    let launcher: Badges = settle(
        browser,
        "return badges(document.querySelector(\"button[aria-label^='Open messages']\"), null);",
        vec![],
        &Badges {
            spaces: Vec::new(),
            ..previewed.badges.clone()
        },
    )
    .await;
    assert_eq!(
        (&launcher.launcher, &launcher.launcher_badge),
        (&previewed.badges.launcher, &previewed.badges.launcher_badge),
        "{what}: the launcher the page shows (left) is the one the preview showed (right)"
    );

    // Home: the spaces' tabs and the Recent tickets card.
    open_as(browser, base, who, "/messenger#/").await;
    let spaces: Vec<String> = settle(
        browser,
        "const nav = document.querySelector(\"nav[aria-label='Messenger spaces']\");
         return nav && badges(null, nav).spaces;",
        vec![],
        &previewed.badges.spaces,
    )
    .await;
    assert_eq!(
        spaces, previewed.badges.spaces,
        "{what}: the spaces' badges on the page (left) and in the preview (right)"
    );
    let recent: Vec<Row> = settle(
        browser,
        "const h = [...document.querySelectorAll('main h2')].find(h => h.textContent.trim() === 'Recent tickets');
         return h ? [...h.closest('section').querySelectorAll('li .row')].map(row) : [];",
        vec![],
        &previewed.recent,
    )
    .await;
    assert_eq!(
        recent, previewed.recent,
        "{what}: the Recent tickets card on the page (left) and in the preview (right), in order"
    );

    // The Tickets space: the ticket's row.
    browser
        .click("nav[aria-label='Messenger spaces'] a[href='#/tickets']")
        .await;
    let link = format!("main li a[href='#/tickets/{ticket}']");
    browser.wait_for(&link).await;
    let row: Option<Row> = settle(
        browser,
        "const a = document.querySelector(arguments[0]); return a ? row(a) : null;",
        vec![json!(link)],
        &previewed.tickets_space,
    )
    .await;
    assert_eq!(
        row, previewed.tickets_space,
        "{what}: the ticket's row in the Tickets space on the page (left) and in the preview (right)"
    );

    // The ticket: its timeline ends with the entries the preview showed.
    browser.click(&link).await;
    browser
        .wait_for("ol[aria-label='Ticket history'] > li")
        .await;
    let last: Vec<String> = settle(
        browser,
        "const all = [...document.querySelectorAll(\"ol[aria-label='Ticket history'] > li\")].map(bare);
         return all.slice(Math.max(0, all.length - arguments[0]));",
        vec![json!(previewed.entries.len())],
        &previewed.entries,
    )
    .await;
    assert_eq!(
        last, previewed.entries,
        "{what}: the end of the ticket's timeline on the page (left) and the preview's new entries (right)"
    );
    browser.goto("about:blank").await;
}

// ---- The test ----

#[tokio::test(flavor = "multi_thread")]
async fn the_preview_shows_each_customer_what_their_messenger_then_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let admin = Rest::new(&url, &token);

    // Two customers with a few tickets each; Ada's newest and one of Grace's are linked to a
    // tracker (the team's, never shown to them).
    let refund_type = ticket_type(&admin, "Refund request").await;
    let mut ada = customer(&admin, "Ada Lovelace", "ada@example.com").await;
    let mut grace = customer(&admin, "Grace Hopper", "grace@example.com").await;
    let printer = refund(&admin, &refund_type, &mut ada, "Printer jams on page two").await;
    let missing = refund(&admin, &refund_type, &mut ada, "Refund for A-1234 missing").await;
    refund(
        &admin,
        &refund_type,
        &mut ada,
        "Invoice shows the old address",
    )
    .await;
    let seat = refund(&admin, &refund_type, &mut ada, "Cannot add a seat").await;
    let export = refund(&admin, &refund_type, &mut grace, "Export stops at 80%").await;
    refund(&admin, &refund_type, &mut grace, "Two charges on my card").await;
    let bug_type = ticket_type(&admin, "Bug tracker").await;
    let tracker = admin
        .post(
            "/tickets",
            json!({
                "ticket_type_id": bug_type["id"],
                "ticket_attributes": {
                    "_default_title_": "Seats and exports fail for large accounts",
                    "_default_description_": "Both from the same quota check.",
                    "component": "API",
                },
            }),
        )
        .await;
    let tracker = s(&tracker["id"]);
    for linked in [&seat, &export] {
        admin
            .post(
                &format!("/tickets/{linked}/tracker"),
                json!({ "tracker_id": tracker }),
            )
            .await;
    }

    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    let browser = Browser::start().await;

    // 1. A reply on Ada's oldest ticket (not on her Recent tickets card until then).
    seen_everything(&url, &ada).await;
    open_ticket(&app, "customer", &printer).await;
    app.click("[data-testid=composer-reply]").await;
    let body = "Fixed in firmware 2.4: update the printer and it feeds again.";
    app.type_into("[data-testid=composer-input]", body).await;
    app.click(
        "[data-testid=composer] [data-testid=notification-preview] [data-testid=preview-expand]",
    )
    .await;
    let previewed = read_preview(
        &app,
        "[data-testid=composer] [data-testid=notification-preview]",
        &ada.id,
        body,
    )
    .await;
    app.screenshot("preview-matches-messenger-reply");
    eprintln!("reply, previewed: {previewed:#?}");
    assert_eq!(
        previewed.counts[0], 1,
        "the reply badges Ada's collapsed launcher: {previewed:#?}"
    );
    assert!(
        previewed.entries.last().is_some_and(|e| e.contains(body)),
        "the reply is the thread's new entry: {previewed:#?}"
    );
    assert_eq!(
        previewed
            .recent
            .first()
            .map(|r| r.title.trim_start_matches("Unread:").trim()),
        Some("Printer jams on page two"),
        "the replied ticket tops the Recent tickets card: {previewed:#?}"
    );
    app.click("[data-testid=composer-send]").await;
    until_on_server(
        &admin,
        "the reply",
        &format!("/tickets/{printer}/parts"),
        |parts| parts.to_string().contains("Fixed in firmware 2.4"),
    )
    .await;
    page_agrees(&browser, &url, &ada, &printer, &previewed, "the reply").await;

    // 2. A state change from the app's state menu on another of Ada's tickets.
    seen_everything(&url, &ada).await;
    let (in_progress, label) = state_of(&refund_type, "in_progress");
    open_ticket(&app, "customer", &missing).await;
    choose_state(&app, &in_progress).await;
    let previewed = read_preview(&app, "[data-testid=preview-panel]", &ada.id, &label).await;
    app.screenshot("preview-matches-messenger-state");
    eprintln!("state change, previewed: {previewed:#?}");
    assert!(
        previewed
            .entries
            .last()
            .is_some_and(|e| e.contains(&format!("Status changed to {label}"))),
        "the thread's new entry says the new customer label {label:?}: {previewed:#?}"
    );
    assert_eq!(
        previewed.tickets_space.as_ref().map(|r| r.state.as_str()),
        Some(label.as_str()),
        "the Tickets space row shows the new label: {previewed:#?}"
    );
    confirm(&app).await;
    until_on_server(
        &admin,
        "the state change",
        &format!("/tickets/{missing}"),
        |t| t["ticket_state"]["id"] == in_progress.as_str(),
    )
    .await;
    page_agrees(
        &browser,
        &url,
        &ada,
        &missing,
        &previewed,
        "the state change",
    )
    .await;

    // 3. The tracker resolved in the app: both linked tickets' customers are told.
    seen_everything(&url, &ada).await;
    seen_everything(&url, &grace).await;
    let (resolved, _) = state_of(&bug_type, "resolved");
    open_ticket(&app, "tracker", &tracker).await;
    choose_state(&app, &resolved).await;
    app.until(
        "the preview to list both customers",
        "return document.querySelectorAll('[data-testid=preview-panel] [data-testid=preview-delivery]').length === 2;",
        vec![],
    )
    .await;
    let listed = app
        .js(
            "return [...document.querySelectorAll('[data-testid=preview-panel] [data-testid=preview-delivery]')]
               .map(d => d.dataset.contactId).sort();",
            vec![],
        )
        .await;
    let mut expected = vec![ada.id.clone(), grace.id.clone()];
    expected.sort();
    assert_eq!(listed, json!(expected), "the preview lists Ada and Grace");
    let mut previews = Vec::new();
    for (who, ticket, title) in [
        (&ada, &seat, "Cannot add a seat"),
        (&grace, &export, "Export stops at 80%"),
    ] {
        let previewed = read_preview(&app, "[data-testid=preview-panel]", &who.id, title).await;
        eprintln!("resolution, previewed for {title}: {previewed:#?}");
        let row = previewed
            .tickets_space
            .clone()
            .unwrap_or_else(|| panic!("the Tickets space row of {title:?}: {previewed:#?}"));
        assert!(
            previewed
                .entries
                .last()
                .is_some_and(|e| e.contains(&format!("Status changed to {}", row.state))),
            "the thread's new entry says {:?}: {previewed:#?}",
            row.state
        );
        assert!(
            previewed.recent.iter().all(|r| !r.title.ends_with(title)),
            "a resolved ticket is off the Recent tickets card: {previewed:#?}"
        );
        previews.push((who, ticket, title, previewed));
    }
    app.screenshot("preview-matches-messenger-tracker");
    confirm(&app).await;
    for (_, ticket, title, previewed) in &previews {
        until_on_server(
            &admin,
            &format!("{title:?} resolved"),
            &format!("/tickets/{ticket}"),
            |t| t["ticket_state"]["category"] == "resolved",
        )
        .await;
        let on_server = admin.get(&format!("/tickets/{ticket}")).await;
        assert_eq!(
            previewed.tickets_space.as_ref().map(|r| r.state.as_str()),
            on_server["ticket_state"]["external_label"].as_str(),
            "the preview's label for {title:?} is the resolved state's customer label"
        );
    }
    for (who, ticket, title, previewed) in &previews {
        page_agrees(
            &browser,
            &url,
            who,
            ticket,
            previewed,
            &format!("the tracker's resolution, for {title:?}"),
        )
        .await;
    }
    browser.close().await;
    app.close().await;
}
