//! The demo inbox in the real window: the list holds exactly what the store holds, and a ticket
//! opens with its title, category, state and timeline.

use std::collections::BTreeMap;

use fantoccini::Locator;
use inbox_store::{InboxQuery, Sort, Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::App;

/// Scrolls the virtualised list from top to bottom and returns every row's title by index.
async fn all_list_titles(app: &App, total: usize) -> Vec<String> {
    let mut seen: BTreeMap<usize, String> = BTreeMap::new();
    let mut top = 0i64;
    while seen.len() < total {
        let geometry = app
            .js(
                "const l = document.querySelector('[data-testid=ticket-list]');
                 l.scrollTop = arguments[0];
                 return [l.scrollTop, l.clientHeight, l.scrollHeight];",
                vec![json!(top)],
            )
            .await;
        let (scrolled, height, scroll_height) = (
            geometry[0].as_i64().unwrap(),
            geometry[1].as_i64().unwrap(),
            geometry[2].as_i64().unwrap(),
        );
        // Wait for the rows under the viewport to be loaded and rendered (not skeletons).
        let rows = app
            .until(
                "rows in view to load",
                "const l = document.querySelector('[data-testid=ticket-list]');
                 const box = l.getBoundingClientRect();
                 const rows = [...document.querySelectorAll('[data-testid=ticket-row]')].filter(r => {
                   const b = r.getBoundingClientRect();
                   return b.bottom > box.top + 1 && b.top < box.bottom - 1;
                 });
                 const skeletons = [...l.querySelectorAll('[data-index]')].filter(r =>
                   r.dataset.testid !== 'ticket-row' && (() => { const b = r.getBoundingClientRect();
                     return b.bottom > box.top + 1 && b.top < box.bottom - 1; })());
                 if (rows.length === 0 || skeletons.length > 0) return null;
                 return rows.map(r => [Number(r.dataset.index),
                   r.querySelector('[data-testid=row-title]').textContent.trim()]);",
                vec![],
            )
            .await;
        for row in rows.as_array().unwrap() {
            seen.insert(
                row[0].as_u64().unwrap() as usize,
                row[1].as_str().unwrap().to_owned(),
            );
        }
        if scrolled + height >= scroll_height {
            break;
        }
        top = scrolled + height / 2;
    }
    assert_eq!(
        seen.keys().copied().collect::<Vec<_>>(),
        (0..seen.len()).collect::<Vec<_>>(),
        "no gaps"
    );
    seen.into_values().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_inbox_lists_the_seeded_tickets_and_opens_one() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).expect("open the app's database");
    let expected = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::All,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 500,
        })
        .unwrap();
    assert_eq!(expected.total, 300, "--demo seeds the default 300 tickets");

    eprintln!("e2e: launched; checking counts");
    // The sidebar count and the list header agree with the store.
    assert_eq!(
        app.text("[data-testid=view-all] [data-testid=view-count]")
            .await,
        "300"
    );
    assert_eq!(app.text("[data-testid=list-total]").await, "300");
    let counts = store.view_counts().unwrap();
    assert_eq!(
        app.text("[data-testid=view-category-tracker] [data-testid=view-count]")
            .await,
        counts.by_category[&inbox_core::Category::Tracker].to_string()
    );
    assert_eq!(
        app.text("[data-testid=view-mine] [data-testid=view-count]")
            .await,
        counts.mine.to_string()
    );

    eprintln!("e2e: reading the whole list");
    // Every ticket, in the store's order.
    let titles = all_list_titles(&app, expected.rows.len()).await;
    let store_titles: Vec<String> = expected.rows.iter().map(|r| r.title.clone()).collect();
    assert_eq!(titles, store_titles);

    eprintln!("e2e: opening a ticket");
    // Open a ticket near the top that has replies and notes.
    app.js(
        "document.querySelector('[data-testid=ticket-list]').scrollTop = 0;",
        vec![],
    )
    .await;
    let chosen = expected.rows[..8]
        .iter()
        .map(|r| store.ticket_detail(r.id).unwrap())
        .max_by_key(|d| d.timeline.len())
        .unwrap();
    let id = chosen.ticket.id.to_string();
    app.client
        .wait()
        .for_element(Locator::Css(&format!(
            "[data-testid=ticket-row][data-ticket-id='{id}']"
        )))
        .await
        .expect("the chosen row is rendered")
        .click()
        .await
        .expect("click the row");
    app.until(
        "the ticket to open",
        "const t = document.querySelector('[data-testid=detail-title]');
         return t && t.textContent.trim() === arguments[0];",
        vec![json!(chosen.ticket.title)],
    )
    .await;
    let category = match chosen.ticket.category {
        inbox_core::Category::Customer => "Customer",
        inbox_core::Category::BackOffice => "Back-office",
        inbox_core::Category::Tracker => "Tracker",
    };
    assert_eq!(app.text("[data-testid=detail-category]").await, category);
    assert_eq!(
        app.text("[data-testid=detail-state]").await,
        chosen.state.internal_label
    );
    assert_eq!(
        app.text("[data-testid=detail-number]").await,
        format!("#{}", chosen.ticket.number.unwrap())
    );
    let kinds = app
        .js(
            "return [...document.querySelectorAll('[data-testid=timeline-entry]')].map(e => e.dataset.kind);",
            vec![],
        )
        .await;
    let expected_kinds: Vec<&str> = chosen.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert!(!expected_kinds.is_empty());
    assert_eq!(kinds, json!(expected_kinds));

    eprintln!("e2e: taking a screenshot");
    app.screenshot("inbox");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_data_folder_offers_a_sign_in_or_the_demo() {
    let app = App::launch_until(&[], "[data-testid=sign-in]").await;
    app.screenshot("empty-data-folder");
    app.click("[data-testid=open-demo]").await;
    app.wait_for("[data-testid=ticket-row]").await;
    let account = app.text("[data-testid=account]").await;
    assert!(account.contains("On this computer only"), "{account}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_demo_is_made_behind_a_progress_screen_then_the_inbox_opens() {
    // The window is up at once and says how far the demo got, then opens the inbox on it.
    let app = App::launch_until(&["--demo-tickets", "1500"], "[data-testid=preparing-demo]").await;
    let status = app.text("[data-testid=preparing-demo] [role=status]").await;
    // Grouped by the locale's separator, or not at all.
    let digits = |s: &str| s.replace([',', '.', ' ', '\u{a0}', '\u{202f}'], "");
    assert!(digits(&status).ends_with("of1500tickets"), "{status}");
    app.screenshot("preparing-demo");
    app.wait_for("[data-testid=inbox]").await;
    app.until(
        "the whole demo listed",
        "return document.querySelector('[data-testid=list-total]')?.textContent.replace(/\\D/g, '') === '1500' || null;",
        vec![],
    )
    .await;
    app.close().await;
}
