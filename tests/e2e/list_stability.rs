//! The list holds still under the cursor (issue 17, item 10): a row that changes keeps its
//! place (the activity sort would move it to the top), a row that no longer matches the filter
//! stays until the teammate refreshes, and new arrivals are announced, shown on refresh.

use std::collections::BTreeMap;

use inbox_core::{CreateTicket, Mutation, NewTicket, TicketId};
use inbox_server::setup::teammate_token;
use inbox_store::{Filters, InboxQuery, Sort, Store, View, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::{PendingMutation, PushRequest};
use serde_json::{json, Value};

use crate::harness::{App, ENTER};
use crate::server::{server_ticket, start_server, ADMIN};

/// The ticket the list has selected and the detail shows, once they agree.
async fn opened(app: &App) -> String {
    app.until(
        "a ticket open and selected in the list",
        "const d = document.querySelector('[data-testid=ticket-detail]');
         const r = document.querySelector('[data-testid=ticket-row][aria-selected=true]');
         return d && r && d.dataset.ticketId === r.dataset.ticketId && !!document.querySelector('[data-testid=composer]')
           ? d.dataset.ticketId : null;",
        vec![],
    )
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

/// The ids of the rows shown, by index, as far as they are drawn.
async fn shown_ids(app: &App) -> Vec<String> {
    let ids = app
        .js(
            "return [...document.querySelectorAll('[data-testid=ticket-row]')]
               .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
               .map(r => r.dataset.ticketId);",
            vec![],
        )
        .await;
    serde_json::from_value(ids).unwrap()
}

async fn blur(app: &App) {
    app.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;
}

async fn unread_badge(app: &App) -> u64 {
    app.js(
        "const b = document.querySelector('[data-testid=view-mine] [data-testid=view-unread]');
         return b ? Number(b.textContent) : 0;",
        vec![],
    )
    .await
    .as_u64()
    .unwrap()
}

fn by_activity(store: &Store, filters: Filters) -> Vec<String> {
    by_view(store, View::All, filters)
}

/// A view's ticket ids as the app sorts them by default (last activity first).
fn by_view(store: &Store, view: View, filters: Filters) -> Vec<String> {
    store
        .list_tickets(&InboxQuery {
            filters,
            view,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 100,
        })
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.id.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn assigning_the_third_row_keeps_it_in_place_and_j_opens_the_fourth() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    app.wait_for("[data-testid=sort-last_activity][aria-pressed=true]")
        .await;
    app.wait_for("[data-testid=ticket-row][data-index='3']")
        .await;
    let before = shown_ids(&app).await;
    assert_eq!(
        before[..4],
        by_activity(&store, Filters::default())[..4],
        "the list starts in the store's activity order"
    );

    // j three times: the third row is open.
    app.press(&['j', 'j', 'j']).await;
    let third = opened(&app).await;
    assert_eq!(third, before[2]);
    blur(&app).await;

    // a, then a teammate other than the one it has: the assignment is new activity.
    let id: TicketId = third.parse().unwrap();
    let had = store.ticket(id).unwrap().assignee_teammate;
    let mei = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Mei Lin")
        .unwrap();
    let (pick, name) = if had == Some(mei.id) {
        ("Jonas", "Jonas Weber")
    } else {
        ("Mei", "Mei Lin")
    };
    app.press(&['a']).await;
    app.until(
        "the assignee menu's filter focused",
        "const f = document.querySelector('[data-menu-popup] [data-menu-filter]');
         return !!f && document.activeElement === f;",
        vec![],
    )
    .await;
    let keys: Vec<char> = pick.chars().chain([ENTER]).collect();
    app.press(&keys).await;
    app.until(
        "the third row to show its new assignee, in place",
        "const r = document.querySelector('[data-testid=ticket-row][data-index=\"2\"]');
         return r && r.dataset.ticketId === arguments[0]
           && r.querySelector('[data-testid=row-assignee]').textContent.trim() === arguments[1];",
        vec![json!(third), json!(name)],
    )
    .await;
    assert_eq!(
        by_activity(&store, Filters::default())[0],
        third,
        "the assigned ticket leads the view now: a list that followed would have moved it"
    );
    assert_eq!(
        shown_ids(&app).await[..4],
        before[..4],
        "the rows hold still"
    );
    assert_eq!(
        app.js(
            "return !document.querySelector('[data-testid=list-pending]');",
            vec![]
        )
        .await,
        json!(true),
        "nothing new to announce"
    );
    app.screenshot("list-stability-assigned");

    // j opens the row that was fourth, not one already seen.
    blur(&app).await;
    app.press(&['j']).await;
    assert_eq!(opened(&app).await, before[3]);

    // `.` shows the view as it is now: the assigned ticket on top.
    app.press(&['.']).await;
    app.until(
        "the assigned ticket on top after refreshing",
        "const r = document.querySelector('[data-testid=ticket-row][data-index=\"0\"]');
         return r && r.dataset.ticketId === arguments[0];",
        vec![json!(third)],
    )
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_unread_filter_an_opened_ticket_stays_and_k_returns_to_it() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    // My open unread tickets: the ones the sidebar's badge counts.
    app.click("[data-testid=view-mine]").await;
    app.click("[data-testid=kind-tickets]").await;
    app.click("[data-testid=filter-open]").await;
    app.click("[data-testid=filter-unread]").await;
    let unread = Filters {
        open: Some(true),
        unread: true,
        ..Filters::default()
    };
    let expected = by_view(&store, View::Mine, unread.clone());
    assert!(expected.len() >= 3, "the demo has unread tickets of mine");
    app.until(
        "my unread tickets listed",
        "const r = document.querySelector('[data-testid=ticket-row][data-index=\"0\"]');
         return r && r.dataset.ticketId === arguments[0] && r.querySelector('[data-testid=row-unread]')
           && document.querySelector('[data-testid=list-total]').textContent.trim() === String(arguments[1]);",
        vec![json!(expected[0]), json!(expected.len())],
    )
    .await;
    let badge_before = unread_badge(&app).await;
    assert_eq!(badge_before, expected.len() as u64);

    // Opened, the first one is read: the store drops it from the filter, the list keeps it.
    app.press(&['j']).await;
    let first = opened(&app).await;
    assert_eq!(first, expected[0]);
    app.until(
        "the opened ticket marked as having left the view, still in place",
        "const r = document.querySelector('[data-testid=ticket-row][data-index=\"0\"]');
         return r && r.dataset.ticketId === arguments[0] && r.dataset.gone === 'true';",
        vec![json!(first)],
    )
    .await;
    assert!(!by_view(&store, View::Mine, unread.clone()).contains(&first));
    assert_eq!(
        app.text("[data-testid=list-total]").await,
        expected.len().to_string(),
        "the list keeps its rows"
    );
    // The sidebar's count is not the list: it tells the truth at once.
    app.until(
        "the badge down by one",
        "const b = document.querySelector('[data-testid=view-mine] [data-testid=view-unread]');
         return (b ? Number(b.textContent) : 0) === arguments[0];",
        vec![json!(badge_before - 1)],
    )
    .await;
    app.wait_for("[data-testid=list-pending]").await;
    app.screenshot("list-stability-unread");

    // j to the next, k back to the one read.
    blur(&app).await;
    app.press(&['j']).await;
    assert_eq!(opened(&app).await, expected[1]);
    blur(&app).await;
    app.press(&['k']).await;
    assert_eq!(opened(&app).await, first);

    // Refreshing applies it: the read ones leave.
    app.click("[data-testid=list-pending]").await;
    app.until(
        "the read tickets out after refreshing",
        "const ids = [...document.querySelectorAll('[data-testid=ticket-row]')].map(r => r.dataset.ticketId);
         return ids.length > 0 && !ids.includes(arguments[0]) && !ids.includes(arguments[1]);",
        vec![json!(first), json!(expected[1])],
    )
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_ticket_is_announced_and_shown_on_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    app.wait_for("[data-testid=ticket-row][data-index='0']")
        .await;
    let before = shown_ids(&app).await;

    // Another teammate raises a ticket on the server, like the first one.
    let like = server_ticket(&storage, 1);
    let id = TicketId::from_parts(inbox_server::authority::now() as u64, 0xA11);
    let mut attributes: BTreeMap<String, Value> = like
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap()))
        .collect();
    attributes.insert("title".into(), json!("Arrived while you worked"));
    attributes.insert("description".into(), json!("A new ticket from the server"));
    let create = CreateTicket {
        contacts: like.contacts.clone(),
        company: like.company,
        ..CreateTicket::new(id, like.type_id, NewTicket { attributes })
    };
    let pushed = Client::new(&url, &token)
        .push(&PushRequest {
            client_id: "another-teammate".into(),
            mutations: vec![PendingMutation {
                seq: 1,
                mutation: Mutation::CreateTicket(create),
            }],
        })
        .await
        .unwrap();
    assert!(
        matches!(pushed.results[0], inbox_sync::PushResult::Applied { .. }),
        "{pushed:?}"
    );

    // Announced, not inserted.
    let label = app
        .until(
            "the arrival announced",
            "const b = document.querySelector('[data-testid=list-pending]');
             return b && b.textContent.trim();",
            vec![],
        )
        .await;
    assert_eq!(label, json!("1 new — show"));
    assert_eq!(shown_ids(&app).await, before, "nothing moved");
    app.screenshot("list-stability-new");

    // Shift+R shows it, on top (the newest activity).
    blur(&app).await;
    app.press(&['R']).await;
    app.until(
        "the new ticket on top",
        "const r = document.querySelector('[data-testid=ticket-row][data-index=\"0\"]');
         return r && r.dataset.ticketId === arguments[0] && !document.querySelector('[data-testid=list-pending]');",
        vec![json!(id.to_string())],
    )
    .await;
    app.close().await;
}

/// The queue's selected row and the pane showing it, once they agree: `kind:id`.
async fn opened_in_queue(app: &App) -> String {
    app.until(
        "an item open and selected in the queue",
        "const r = document.querySelector('[data-testid=queue-row][aria-selected=true]');
         if (!r) return null;
         const d = r.dataset.kind === 'ticket'
           ? document.querySelector('[data-testid=ticket-detail]')
           : document.querySelector('[data-testid=conversation-detail]');
         const id = d && (r.dataset.kind === 'ticket' ? d.dataset.ticketId : d.dataset.conversationId);
         return id === r.dataset.id ? `${r.dataset.kind}:${id}` : null;",
        vec![],
    )
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_queue_keeps_a_read_item_under_the_unread_filter_too() {
    let app = App::launch(&["--demo"]).await;
    // Mine opens with tickets and conversations together; unread only.
    app.click("[data-testid=view-mine]").await;
    app.wait_for("[data-testid=kind-both][aria-pressed=true]")
        .await;
    app.click("[data-testid=queue-filter-unread]").await;
    app.wait_for("[data-testid=queue-filter-unread][aria-pressed=true]")
        .await;
    app.wait_for("[data-testid=queue-row][data-index='1']")
        .await;
    let total = app.text("[data-testid=list-total]").await;

    app.press(&['j']).await;
    let first = opened_in_queue(&app).await;
    app.until(
        "the read item kept in place, marked",
        "const r = document.querySelector('[data-testid=queue-row][data-index=\"0\"]');
         return r && `${r.dataset.kind}:${r.dataset.id}` === arguments[0] && r.dataset.gone === 'true';",
        vec![json!(first)],
    )
    .await;
    assert_eq!(app.text("[data-testid=list-total]").await, total);
    blur(&app).await;
    app.press(&['j']).await;
    let second = opened_in_queue(&app).await;
    assert_ne!(second, first);
    blur(&app).await;
    app.press(&['k']).await;
    assert_eq!(opened_in_queue(&app).await, first);
    app.screenshot("list-stability-queue");

    // Leaving the view and coming back shows it as it is: the read ones are gone.
    app.click("[data-testid=view-all]").await;
    app.click("[data-testid=view-mine]").await;
    app.until(
        "the read items out of the unread queue",
        "const rows = [...document.querySelectorAll('[data-testid=queue-row]')].map(r => `${r.dataset.kind}:${r.dataset.id}`);
         return document.querySelector('[data-testid=queue-filter-unread][aria-pressed=true]')
           && !rows.includes(arguments[0]) && !rows.includes(arguments[1]);",
        vec![json!(first), json!(second)],
    )
    .await;
    app.close().await;
}
