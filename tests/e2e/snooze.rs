//! Snoozing a ticket through the real window (issue 17 item 6): `z` and a preset take the open
//! ticket out of the open list and its count, the header says until when, the Snoozed filter
//! lists it, Unsnooze brings it back. Synced with a real server, a snoozed ticket comes back by
//! itself: at its time, when the server's scheduler wakes it and the wake arrives through sync,
//! or at once when its customer writes.

use std::time::Duration;

use inbox_core::{Category, Mutation};
use inbox_server::setup::teammate_token;
use inbox_store::{InboxQuery, InboxRow, Sort, Store, View, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::{PendingMutation, PushRequest};
use serde_json::{json, Value};

use crate::harness::{App, ENTER, LEFT, RIGHT};
use crate::server::{admin_id, start_server, ADMIN};

/// The All view's first rows as the app lists them.
fn top_rows(store: &Store) -> Vec<InboxRow> {
    store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 12,
        })
        .unwrap()
        .rows
}

/// Polls the store until `check` holds, for up to 20 s.
async fn until_store(what: &str, check: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what} in the store"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn open_ticket(app: &App, id: &str) {
    app.click(&format!("[data-testid=ticket-row][data-ticket-id='{id}']"))
        .await;
    app.until(
        &format!("ticket {id} to open"),
        "const d = document.querySelector('[data-testid=ticket-detail]');
         return !!d && d.dataset.ticketId === arguments[0] && !!document.querySelector('[data-testid=composer]');",
        vec![json!(id)],
    )
    .await;
    // The keyboard goes back to the page, as clicking the timeline does.
    app.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;
}

/// Waits until the ticket's row is in the list (`listed`) or not. The list holds still while
/// it is worked in: a row that left the view stays, dimmed, until the list is refreshed.
async fn until_listed(app: &App, id: &str, listed: bool) {
    app.until(
        &format!("ticket {id} {} the list", if listed { "in" } else { "out of" }),
        "const r = document.querySelector(`[data-testid=ticket-row][data-ticket-id='${arguments[0]}']`);
         return (!!r && r.dataset.gone !== 'true') === arguments[1];",
        vec![json!(id), json!(listed)],
    )
    .await;
}

/// The All view's count in the sidebar.
async fn all_count(app: &App) -> u64 {
    let text = app
        .text("[data-testid=view-all] [data-testid=view-count]")
        .await;
    text.replace([',', '\u{a0}', ' '], "")
        .parse()
        .unwrap_or_else(|_| panic!("a count: {text}"))
}

async fn until_all_count(app: &App, n: u64) {
    app.until(
        &format!("the All count to be {n}"),
        "const c = document.querySelector('[data-testid=view-all] [data-testid=view-count]');
         return !!c && c.textContent.replace(/[^0-9]/g, '') === String(arguments[0]);",
        vec![json!(n)],
    )
    .await;
}

/// `z`, then a preset of the snooze menu.
async fn snooze_with_z(app: &App, preset: &str) {
    app.press(&['z']).await;
    app.wait_for("[data-testid=snooze-hour]").await;
    app.click(&format!("[data-testid=snooze-{preset}]")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn z_snoozes_the_open_ticket_out_of_the_open_list_and_its_count_until_unsnoozed() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    app.wait_for("[data-testid=ticket-row][data-index='0']")
        .await;
    let row = top_rows(&store)
        .into_iter()
        .find(|r| r.open)
        .expect("an open ticket near the top");
    let id = row.id.to_string();
    let before = all_count(&app).await;

    open_ticket(&app, &id).await;
    snooze_with_z(&app, "tomorrow").await;
    until_store("z and Tomorrow to snooze the ticket", || {
        store.ticket(row.id).unwrap().snoozed_until.is_some()
    })
    .await;

    // The header says until when, and offers Unsnooze.
    let said = app
        .until(
            "the header to say it is snoozed",
            "const s = document.querySelector('[data-testid=detail-snoozed]');
             return s && s.textContent.trim();",
            vec![],
        )
        .await;
    assert!(
        said.as_str().unwrap().starts_with("Snoozed until tomorrow"),
        "{said}"
    );
    app.wait_for("[data-testid=unsnooze-ticket]").await;
    app.screenshot("snooze-ticket-header");

    // Out of the open list, and the All count drops by one.
    until_listed(&app, &id, false).await;
    until_all_count(&app, before - 1).await;

    // Under Snoozed: there, saying until when.
    app.click("[data-testid=filter-snoozed]").await;
    until_listed(&app, &id, true).await;
    app.wait_for(&format!(
        "[data-testid=ticket-row][data-ticket-id='{id}'] [data-testid=row-snoozed]"
    ))
    .await;
    let rows = app
        .js(
            "return document.querySelectorAll('[data-testid=ticket-row]').length;",
            vec![],
        )
        .await;
    assert_eq!(rows, json!(1), "only the snoozed ticket");
    app.screenshot("snooze-filter");

    // Unsnooze: back in the open list and the count.
    app.click("[data-testid=unsnooze-ticket]").await;
    until_store("Unsnooze to end the snooze", || {
        store.ticket(row.id).unwrap().snoozed_until.is_none()
    })
    .await;
    until_listed(&app, &id, false).await;
    app.click("[data-testid=filter-any]").await;
    until_listed(&app, &id, true).await;
    until_all_count(&app, before).await;
    let timeline = app.text("[data-testid=ticket-detail]").await;
    assert!(
        timeline.contains("snoozed the ticket until") && timeline.contains("ended the snooze"),
        "{timeline}"
    );

    // A time of one's own, typed into the menu's picker. WebKit shows it as fields (month,
    // day, year, hour, minute), tomorrow at 9:00 to start with; a click in its middle gives the
    // year's field the keyboard, Right the hour's.
    app.press(&['z']).await;
    app.click("[data-testid=snooze-pick]").await;
    // Further than a year is refused before it is tried.
    app.press(&['2', '0', '3', '1']).await;
    assert_eq!(
        app.text("[data-testid=snooze-pick-problem]").await,
        "Pick a time within a year."
    );
    let year = app
        .js(
            "return String(new Date(Date.now() + 86400000).getFullYear());",
            vec![],
        )
        .await;
    // Back into the year's field afresh (Right, Left), which then takes the year anew.
    let mut keys = vec![RIGHT, LEFT];
    keys.extend(year.as_str().unwrap().chars());
    app.press(&keys).await;
    app.press(&[RIGHT, '1', '7']).await;
    app.screenshot("snooze-picker");
    app.press(&[ENTER]).await;
    until_store("the picked time to snooze the ticket", || {
        store.ticket(row.id).unwrap().snoozed_until.is_some()
    })
    .await;
    let until = store.ticket(row.id).unwrap().snoozed_until.unwrap();
    let local = app
        .js(
            "const d = new Date(arguments[0]);
             const tomorrow = new Date(Date.now() + 86400000);
             return [d.getMonth() === tomorrow.getMonth() && d.getDate() === tomorrow.getDate(),
                     d.getHours(), d.getMinutes()];",
            vec![json!(until)],
        )
        .await;
    assert_eq!(local, json!([true, 17, 0]), "snoozed until {until}");
}

/// A JSON call to the server's REST API with `token`.
async fn rest(url: &str, token: &str, path: &str, body: Value) -> Value {
    let res = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let value: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snoozed_ticket_comes_back_by_itself_through_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let now = inbox_server::authority::now();
    let token = teammate_token(storage.as_ref(), ADMIN, None, now).unwrap();
    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    app.wait_for("[data-testid=ticket-row][data-index='0']")
        .await;
    // The app keeps a server's workspace in a folder of its own (by server, then teammate).
    let folder = app.data_dir().join("servers").join(format!(
        "{}+http",
        url.trim_start_matches("http://").replace(':', "_")
    ));
    let teammate = folder.join(admin_id(&storage).to_string());
    let folder = if teammate.join(DATABASE_FILE).exists() {
        teammate
    } else {
        folder
    };
    let store = Store::open(&folder.join(DATABASE_FILE)).unwrap();
    let top = top_rows(&store);
    let open: Vec<&InboxRow> = top
        .iter()
        .filter(|r| r.open && r.category == Category::Customer && r.contact_name.is_some())
        .collect();
    assert!(
        open.len() >= 2,
        "open customer tickets near the top: {:?}",
        top.iter()
            .map(|r| (r.open, r.category, r.contact_name.clone()))
            .collect::<Vec<_>>()
    );
    let (woken, answered) = (open[0].id, open[1].id);

    // Sam snoozes a ticket for a few seconds from his desk: it leaves this window's list, and
    // the server's scheduler wakes it at its time; the wake arrives here through sync.
    let sam = Client::new(
        &url,
        &teammate_token(storage.as_ref(), "sam@northwind.example", None, now).unwrap(),
    );
    let until = inbox_server::authority::now() + 6_000;
    let pushed = sam
        .push(&PushRequest {
            client_id: "sam".into(),
            mutations: vec![PendingMutation {
                seq: 1,
                mutation: Mutation::Snooze {
                    ticket: woken,
                    until,
                },
            }],
        })
        .await
        .unwrap();
    assert!(
        matches!(pushed.results[0], inbox_sync::PushResult::Applied { .. }),
        "{pushed:?}"
    );
    until_listed(&app, &woken.to_string(), false).await;
    until_listed(&app, &woken.to_string(), true).await;
    open_ticket(&app, &woken.to_string()).await;
    app.until(
        "the server's 'snooze ended' in the timeline",
        "return [...document.querySelectorAll('[data-testid=timeline-entry]')]
           .some(e => e.textContent.includes('The snooze ended: the ticket is back'));",
        vec![],
    )
    .await;
    assert_eq!(store.ticket(woken).unwrap().snoozed_until, None);
    assert!(
        store.ticket(woken).unwrap().last_activity_at >= until,
        "back as news"
    );

    // Snoozed here with z for an hour; its customer writes from the Messenger: back at once.
    open_ticket(&app, &answered.to_string()).await;
    snooze_with_z(&app, "hour").await;
    let id = answered.to_string();
    app.wait_for("[data-testid=detail-snoozed]").await;
    until_listed(&app, &id, false).await;
    let on_server = || {
        crate::server::server_ticket(&storage, store.ticket(answered).unwrap().number.unwrap())
            .snoozed_until
    };
    until_store("the snooze to reach the server", || on_server().is_some()).await;
    let contact = store.ticket(answered).unwrap().contacts[0];
    let customer = rest(
        &url,
        &token,
        &format!("/contacts/{contact}/messenger_token"),
        json!({}),
    )
    .await;
    rest(
        &url,
        customer["token"].as_str().unwrap(),
        &format!("/messenger/tickets/{id}/reply"),
        json!({"body": "Any news? I'm still stuck."}),
    )
    .await;
    until_listed(&app, &id, true).await;
    app.until(
        "the header to say it is open again",
        "return !document.querySelector('[data-testid=detail-snoozed]')
           && document.querySelector('[data-testid=detail-standing]').textContent.trim() === 'Open';",
        vec![],
    )
    .await;
    assert_eq!(store.ticket(answered).unwrap().snoozed_until, None);
    app.screenshot("snooze-customer-wrote");
}
