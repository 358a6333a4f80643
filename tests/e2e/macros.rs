//! Macros (saved replies) through the real window (issue 17, item 2): one created in Settings by
//! typing; inserted from the composer by keyboard (Ctrl+M, part of its name, Enter) with the
//! contact's first name filled in; sent with its action (Waiting on customer) through one
//! preview; and another teammate's personal macro never offered.

use std::time::Duration;

use inbox_core::{Category, PartKind, StateCategory};
use inbox_store::{InboxQuery, InboxRow, Sort, Store, View, DATABASE_FILE};
use serde_json::{json, Value};

use crate::harness::{App, CTRL, ENTER, ESCAPE};

const TAB: char = '\u{E004}';

/// Types `text` into whatever has the focus, key by key.
async fn type_keys(app: &App, text: &str) {
    let keys: Vec<char> = text.chars().collect();
    app.press(&keys).await;
}

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

async fn focused(app: &App, testid: &str) {
    app.until(
        &format!("{testid} to have the focus"),
        "return document.activeElement?.dataset.testid === arguments[0];",
        vec![json!(testid)],
    )
    .await;
}

fn all_rows(store: &Store) -> Vec<InboxRow> {
    store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 1000,
        })
        .unwrap()
        .rows
}

async fn macro_options(app: &App) -> Vec<String> {
    let names = app
        .js(
            "return [...document.querySelectorAll('[data-testid=macro-option]')].map(o => o.dataset.name);",
            vec![],
        )
        .await;
    serde_json::from_value(names).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_macro_made_in_settings_is_inserted_by_keyboard_and_sent_with_its_state() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let states = store.states().unwrap();
    let waiting = states
        .iter()
        .find(|s| s.category == StateCategory::WaitingOnCustomer)
        .unwrap();

    // Settings → Macros → New macro, all typed.
    app.wait_for("[data-testid=ticket-row][data-index='0']")
        .await;
    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=settings-macros]").await;
    app.click("[data-testid=new-macro]").await;
    focused(&app, "macro-name").await;
    type_keys(&app, "Need the order number").await;
    app.type_into(
        "[data-testid=macro-body]",
        "Hi {{contact.first_name | there}}, could you send us your order number?",
    )
    .await;
    // Tab to the state's list and pick Waiting on customer by typing its name.
    app.press(&[TAB]).await;
    focused(&app, "macro-state").await;
    type_keys(&app, &waiting.internal_label).await;
    app.until(
        "the state list to say Waiting on customer",
        "return document.querySelector('[data-testid=macro-state]').value === arguments[0];",
        vec![json!(waiting.id.to_string())],
    )
    .await;
    app.screenshot("macros-settings-form");
    app.click("[data-testid=macro-save]").await;
    app.wait_for("[data-testid=macro-row][data-name='Need the order number']")
        .await;
    let saved = store
        .macros()
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Need the order number")
        .expect("the macro is in the app's database");
    assert_eq!(
        saved.actions,
        vec![inbox_core::MacroAction::SetState { state: waiting.id }]
    );
    assert_eq!(
        saved.visibility,
        inbox_core::Visibility::Personal {
            owner: store.me().unwrap().id
        }
    );
    app.screenshot("macros-settings-list");
    app.press(&[ESCAPE]).await;
    app.until(
        "Settings to close",
        "return !document.querySelector('[data-testid=settings]');",
        vec![],
    )
    .await;

    // An open shared customer ticket that is not waiting yet.
    let row = all_rows(&store)
        .into_iter()
        .take(15)
        .find(|r| {
            r.open
                && r.shared
                && r.category == Category::Customer
                && r.state_category != StateCategory::WaitingOnCustomer
        })
        .expect("an open shared customer ticket near the top");
    let ticket = store.ticket(row.id).unwrap();
    let contact = store.contact(ticket.contacts[0]).unwrap();
    let first_name = contact.name.split_whitespace().next().unwrap().to_owned();
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        row.id
    ))
    .await;
    app.until(
        "the ticket to open",
        "const d = document.querySelector('[data-testid=ticket-detail]');
         return !!d && d.dataset.ticketId === arguments[0] && !!document.querySelector('[data-testid=composer]');",
        vec![json!(row.id.to_string())],
    )
    .await;
    app.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;

    // r, then Ctrl+M: the picker; part of the name; Enter.
    app.press(&['r']).await;
    focused(&app, "composer-input").await;
    app.press(&[CTRL, 'm']).await;
    focused(&app, "macro-search").await;
    let offered = macro_options(&app).await;
    assert!(offered.contains(&"My sign-off".to_owned()), "{offered:?}");
    assert!(
        !offered.contains(&"Sam's quick thanks".to_owned()),
        "another teammate's personal macro is never offered: {offered:?}"
    );
    type_keys(&app, "order num").await;
    app.until(
        "the picker to narrow to the new macro",
        "const o = document.querySelector('[data-testid=macro-option][aria-selected=true]');
         return !!o && o.dataset.name === 'Need the order number';",
        vec![],
    )
    .await;
    app.screenshot("macros-picker");
    app.press(&[ENTER]).await;
    let expected = format!("Hi {first_name}, could you send us your order number?");
    let text = app
        .until(
            "the composer to hold the macro's text",
            "const i = document.querySelector('[data-testid=composer-input]');
             return document.activeElement === i && i.value !== '' && i.value;",
            vec![],
        )
        .await;
    assert_eq!(text, json!(expected));
    assert!(
        app.text("[data-testid=composer-macro]")
            .await
            .contains("set waiting on customer"),
        "the composer says what the macro will do"
    );

    // Ctrl+Enter: one preview for the reply and the state change; Enter confirms.
    app.press(&[CTRL, ENTER]).await;
    app.wait_for("[data-testid=preview-panel]").await;
    assert_eq!(
        app.text("[data-testid=preview-title]").await,
        format!("Send and move to {}?", waiting.internal_label)
    );
    app.until(
        "Confirm to be ready and focused",
        "const b = document.querySelector('[data-testid=preview-confirm]');
         return !!b && !b.disabled && document.activeElement === b;",
        vec![],
    )
    .await;
    app.screenshot("macros-preview");
    assert_eq!(store.ticket(row.id).unwrap().state_id, ticket.state_id);
    app.press(&[ENTER]).await;
    until_store("the macro's reply, then Waiting on customer", || {
        let replied = store
            .timeline(row.id)
            .unwrap()
            .iter()
            .any(|p| matches!(&p.kind, PartKind::Reply { body } if *body == expected));
        replied && store.ticket(row.id).unwrap().state_id == waiting.id
    })
    .await;
    let after: Value = app
        .until(
            "the composer to empty",
            "const i = document.querySelector('[data-testid=composer-input]');
             return i && i.value === '' && !document.querySelector('[data-testid=composer-macro]');",
            vec![],
        )
        .await;
    assert_eq!(after, json!(true));
    app.screenshot("macros-sent");
    app.close().await;
}

/// The macros the server holds, by name.
fn server_macros(storage: &inbox_server::storage::SharedStorage) -> Vec<inbox_core::Macro> {
    use inbox_server::storage::StorageExt;
    storage
        .reading(|tx| {
            let rows = tx.list(inbox_server::storage::Kind::Macro, "", 1000)?;
            Ok(rows
                .iter()
                .map(|(_, doc)| serde_json::from_str(doc).unwrap())
                .collect())
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn synced_macros_reach_the_server_and_another_teammates_personal_ones_never_show() {
    use inbox_server::setup::teammate_token;
    use inbox_sync::{client::Client, PendingMutation, PushRequest};

    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = crate::server::start_server(dir.path()).await;
    let now = inbox_server::authority::now();
    let token = teammate_token(storage.as_ref(), crate::server::ADMIN, None, now).unwrap();
    let sam_token = teammate_token(storage.as_ref(), "sam@northwind.example", None, now).unwrap();
    let sam = Client::new(&url, &sam_token);
    let sam_id = sam.me().await.unwrap().id;
    // Sam keeps a macro of their own on the server.
    let pushed = sam
        .push(&PushRequest {
            client_id: "sams-app".into(),
            mutations: vec![PendingMutation {
                seq: 1,
                mutation: inbox_core::Mutation::SaveMacro(inbox_core::Macro {
                    id: inbox_core::MacroId::from_parts(now as u64, 7),
                    name: "Sam's private greeting".into(),
                    body: "Hey {{contact.first_name}}!".into(),
                    visibility: inbox_core::Visibility::Personal { owner: sam_id },
                    actions: vec![],
                    deleted: false,
                }),
            }],
        })
        .await
        .unwrap();
    assert!(
        matches!(pushed.results[0], inbox_sync::PushResult::Applied { .. }),
        "{pushed:?}"
    );

    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    app.wait_for("[data-testid=ticket-row][data-index='0']")
        .await;

    // A macro made in Settings goes out through the outbox to the server.
    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=settings-macros]").await;
    app.click("[data-testid=new-macro]").await;
    focused(&app, "macro-name").await;
    type_keys(&app, "Synced sign-off").await;
    app.type_into(
        "[data-testid=macro-body]",
        "Talk soon, {{teammate.first_name}}",
    )
    .await;
    app.click("[data-testid=macro-save]").await;
    app.wait_for("[data-testid=macro-row][data-name='Synced sign-off']")
        .await;
    until_store("the macro on the server", || {
        server_macros(&storage)
            .iter()
            .any(|m| m.name == "Synced sign-off" && !m.deleted)
    })
    .await;
    app.press(&[ESCAPE]).await;
    app.until(
        "Settings to close",
        "return !document.querySelector('[data-testid=settings]');",
        vec![],
    )
    .await;

    // The picker offers the shared macros and mine, never Sam's.
    app.click("[data-testid=ticket-row][data-index='0']").await;
    app.wait_for("[data-testid=composer-input]").await;
    app.click("[data-testid=composer-input]").await;
    app.press(&[CTRL, 'm']).await;
    focused(&app, "macro-search").await;
    app.wait_for("[data-testid=macro-option]").await;
    let offered = macro_options(&app).await;
    for expected in ["Refund approved", "My sign-off", "Synced sign-off"] {
        assert!(
            offered.contains(&expected.to_owned()),
            "{expected}: {offered:?}"
        );
    }
    for never in ["Sam's quick thanks", "Sam's private greeting"] {
        assert!(!offered.contains(&never.to_owned()), "{never}: {offered:?}");
    }
    // Nor are they in the app's database at all: the server never sent them.
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let others: Vec<inbox_core::Macro> = server_macros(&storage)
        .into_iter()
        .filter(|m| m.visibility == inbox_core::Visibility::Personal { owner: sam_id })
        .collect();
    assert_eq!(others.len(), 2, "the demo's and the pushed one");
    for m in &others {
        assert_eq!(store.saved_macro(m.id).unwrap(), None, "{}", m.name);
    }
    app.screenshot("macros-synced-picker");
    app.close().await;
}
