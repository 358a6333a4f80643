//! @mentions in notes (issue 17, item 5): typing `@` and a few letters in a note lists the
//! matching teammates and teams (a combobox: arrows, Enter, Esc, the mouse); the pick goes in
//! as the core's mention rule reads it; the sent note shows it highlighted, and the mentioned
//! teammate's own copy of the workspace raises their "mentioned" alert. Replies offer no list.

use std::time::{Duration, Instant};

use inbox_core::alerts::AlertKind;
use inbox_server::setup::teammate_token;
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use serde_json::json;

use crate::harness::{App, CTRL, ENTER, ESCAPE};
use crate::server::{open_shared_customer_ticket, start_server, ADMIN};

const ARROW_DOWN: char = '\u{E015}';
const ARROW_UP: char = '\u{E013}';
const BACKSPACE: char = '\u{E003}';

/// The note box's state: its text, whether its list is open, the options and the active one.
async fn combobox(app: &App) -> serde_json::Value {
    app.js(
        "const t = document.querySelector('[data-testid=composer-input]');
         const list = document.querySelector('[data-testid=mention-list]');
         const options = [...document.querySelectorAll('[data-testid=mention-option]')];
         return {
           value: t.value,
           focused: document.activeElement === t,
           role: t.getAttribute('role'),
           expanded: t.getAttribute('aria-expanded'),
           controls: t.getAttribute('aria-controls'),
           listId: list && list.id,
           active: t.getAttribute('aria-activedescendant'),
           options: options.map(o => ({
             id: o.id, kind: o.dataset.kind, name: o.querySelector('.mention-name').textContent.trim(),
             selected: o.getAttribute('aria-selected'), team: !!o.querySelector('.mention-tag'),
           })),
         };",
        vec![],
    )
    .await
}

async fn type_keys(app: &App, text: &str) {
    let keys: Vec<char> = text.chars().collect();
    app.press(&keys).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_note_mentions_a_teammate_picked_from_the_at_list_and_alerts_them() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let now = inbox_server::authority::now();
    let token = teammate_token(storage.as_ref(), ADMIN, None, now).unwrap();

    // Sam's own copy of the workspace, synced from the server like Sam's app: Sam's alerts.
    let sam_token = teammate_token(storage.as_ref(), "sam@northwind.example", None, now).unwrap();
    let sam_client = Client::new(&url, &sam_token);
    let sam_dir = tempfile::tempdir().unwrap();
    let mut sam_store = Store::open(&sam_dir.path().join(DATABASE_FILE)).unwrap();
    inbox_sync::engine::pull(&sam_client, &mut sam_store)
        .await
        .unwrap();
    let sam = sam_client.me().await.unwrap();
    assert_eq!(sam.name, "Sam Okafor");
    sam_store.set_me(sam.id).unwrap();
    sam_store.take_alerts();

    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    // An open customer ticket in view (shared: it takes replies too), as the server has it.
    let ticket = open_shared_customer_ticket(&app, &storage).await;

    // A reply to the customer mentions nobody: no list, no combobox.
    app.click("[data-testid=composer-reply]").await;
    type_keys(&app, "Hi @sa").await;
    let reply = combobox(&app).await;
    assert_eq!(reply["value"], json!("Hi @sa"));
    assert_eq!(reply["role"], json!(null), "{reply}");
    assert_eq!(reply["options"], json!([]), "{reply}");
    app.press(&[BACKSPACE; 6]).await;

    // A note: `@sa` lists Sam first; the arrows move, Enter puts the full name in.
    app.click("[data-testid=composer-note]").await;
    app.wait_for("[data-testid=composer][data-mode=note]").await;
    type_keys(&app, "Could you check this, @sa").await;
    let open = combobox(&app).await;
    assert_eq!(open["role"], json!("combobox"), "{open}");
    assert_eq!(open["expanded"], json!("true"), "{open}");
    assert_eq!(open["controls"], open["listId"], "{open}");
    let options = open["options"].as_array().unwrap();
    assert!(options.len() >= 2, "{open}");
    assert_eq!(options[0]["name"], json!("Sam Okafor"));
    assert_eq!(open["active"], options[0]["id"]);
    app.press(&[ARROW_DOWN]).await;
    let moved = combobox(&app).await;
    assert_eq!(moved["active"], options[1]["id"], "{moved}");
    assert_eq!(moved["options"][1]["selected"], json!("true"));
    app.press(&[ARROW_UP]).await;
    assert_eq!(combobox(&app).await["active"], options[0]["id"]);
    app.screenshot("mentions-list");
    let mut failed = Vec::new();
    crate::accessibility::check(&app, "the note's @ list open", &mut failed).await;
    assert!(failed.is_empty(), "{failed:?}");
    app.press(&[ENTER]).await;
    let picked = combobox(&app).await;
    assert_eq!(
        picked["value"],
        json!("Could you check this, @Sam Okafor "),
        "{picked}"
    );
    assert_eq!(picked["expanded"], json!("false"));

    // Teams are offered, labelled; Esc closes the list and nothing else.
    type_keys(&app, "and @eng").await;
    let teams = combobox(&app).await;
    assert_eq!(
        teams["options"][0],
        json!({"id": teams["options"][0]["id"], "kind": "team", "name": "Engineering",
               "selected": "true", "team": true}),
        "{teams}"
    );
    app.screenshot("mentions-team");
    app.press(&[ESCAPE]).await;
    let closed = combobox(&app).await;
    assert_eq!(closed["expanded"], json!("false"), "{closed}");
    assert_eq!(closed["options"], json!([]));
    assert_eq!(
        closed["focused"],
        json!(true),
        "Esc left the note box alone"
    );
    assert_eq!(
        closed["value"],
        json!("Could you check this, @Sam Okafor and @eng")
    );
    app.wait_for("[data-testid=ticket-detail]").await;

    // The mouse: another `@`, a click on Billing.
    type_keys(&app, " @bil").await;
    app.click("[data-testid=mention-option][data-kind=team]")
        .await;
    let clicked = combobox(&app).await;
    assert_eq!(
        clicked["value"],
        json!("Could you check this, @Sam Okafor and @eng @Billing "),
        "{clicked}"
    );
    assert_eq!(clicked["focused"], json!(true));

    // Sent: the note shows the mentions the core recognises, highlighted.
    app.press(&[CTRL, ENTER]).await;
    let marks = app
        .until(
            "the note with its mentions highlighted",
            "const note = [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=note]')]
               .find(e => e.textContent.includes('Could you check this'));
             return note ? [...note.querySelectorAll('[data-testid=mention]')].map(m => m.textContent) : null;",
            vec![],
        )
        .await;
    assert_eq!(marks, json!(["@Sam Okafor", "@Billing"]));
    app.screenshot("mentions-note");

    // Sam's copy pulls the note from the server: Sam is alerted.
    let deadline = Instant::now() + Duration::from_secs(30);
    let alert = loop {
        inbox_sync::engine::pull(&sam_client, &mut sam_store)
            .await
            .unwrap();
        if let Some(a) = sam_store
            .take_alerts()
            .into_iter()
            .find(|a| a.kind == AlertKind::Mentioned)
        {
            break a;
        }
        assert!(
            Instant::now() < deadline,
            "Sam's mention alert after the note reached the server"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(alert.ticket, ticket.id);
    assert!(alert.body.contains("@Sam Okafor"), "{alert:?}");
    app.close().await;
}
