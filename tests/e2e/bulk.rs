//! Bulk actions through the real window (issue 17, item 1): tickets picked with x, Ctrl+click,
//! Shift+click and Ctrl+A; one combined preview naming the tickets that would refuse; one change
//! per ticket on Confirm; the refused ones stay picked; Esc lets go.

use inbox_core::{Author, Category, Mutation, StateCategory, TicketId};
use inbox_store::{InboxQuery, InboxRow, Sort, Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::{App, CTRL, ESCAPE, SHIFT};

/// The All view's rows as the app lists them (by last activity, no filter).
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

fn row(index: usize) -> String {
    format!("[data-testid=ticket-row][data-index='{index}']")
}

/// The ids of the rows the window shows picked.
async fn picked(app: &App) -> Vec<String> {
    let ids = app
        .js(
            "return [...document.querySelectorAll('[data-testid=ticket-row][data-checked=true]')]
                .map((r) => r.dataset.ticketId);",
            vec![],
        )
        .await;
    serde_json::from_value(ids).unwrap()
}

async fn until_count(app: &App, text: &str) {
    app.until(
        &format!("the bulk bar to say {text}"),
        "const c = document.querySelector('[data-testid=bulk-count]');
         return !!c && c.textContent.trim() === arguments[0];",
        vec![json!(text)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn picked_tickets_are_resolved_after_one_preview_one_change_each() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let me = store.me().unwrap();
    let rows = all_rows(&store);
    app.wait_for(&row(0)).await;

    // x picks the row the list is on; j moves on; Ctrl+click adds one; Shift+click adds the rows
    // from the last one picked.
    app.click(&row(0)).await;
    app.press(&['x']).await;
    app.press(&['j']).await;
    app.press(&['x']).await;
    app.click_with(CTRL, &row(3)).await;
    app.click_with(SHIFT, &row(5)).await;
    until_count(&app, "5 tickets selected").await;
    let chosen: Vec<String> = [0, 1, 3, 4, 5]
        .iter()
        .map(|&i| rows[i].id.to_string())
        .collect();
    let mut shown = picked(&app).await;
    shown.sort();
    let mut expected = chosen.clone();
    expected.sort();
    assert_eq!(shown, expected, "the picked rows are marked");
    // A plain click still opens a ticket and leaves the picks alone.
    app.click(&row(2)).await;
    until_count(&app, "5 tickets selected").await;

    // e resolves the picks: one preview for all, saying what the backend says customers get.
    app.press(&['e']).await;
    app.wait_for("[data-testid=bulk-preview]").await;
    let title = app.text("[data-testid=bulk-preview-title]").await;
    assert_eq!(title, "Resolve 5 tickets");
    let mutations: Vec<Mutation> = chosen
        .iter()
        .map(|id| Mutation::Close {
            ticket: id.parse().unwrap(),
            resolved: true,
        })
        .collect();
    let expected = store
        .preview_bulk(&mutations, Author::Teammate(me.id), 0)
        .unwrap();
    let customers: std::collections::HashSet<_> = expected
        .preview
        .deliveries
        .iter()
        .map(|d| d.contact.id)
        .collect();
    let summary = app
        .until(
            "the preview's summary",
            "const s = document.querySelector('[data-testid=bulk-preview] [data-testid=preview-summary]');
             return s && s.textContent.trim();",
            vec![],
        )
        .await;
    let summary = summary.as_str().unwrap();
    if customers.is_empty() {
        assert!(summary.contains("no customer"), "{summary}");
    } else {
        let n = customers.len();
        let said = if n == 1 {
            "1 customer will be notified".to_owned()
        } else {
            format!("{n} customers will be notified")
        };
        assert!(summary.contains(&said), "{summary} says {said}");
    }
    app.screenshot("bulk-preview");
    app.until(
        "Confirm to take the focus",
        "return document.activeElement?.dataset.testid === 'bulk-confirm';",
        vec![],
    )
    .await;
    app.press(&['\u{E007}']).await;
    app.until(
        "the result line",
        "const d = document.querySelector('[data-testid=bulk-done]');
         return !!d && d.textContent.includes('Resolved');",
        vec![],
    )
    .await;
    let states = store.states().unwrap();
    for id in &chosen {
        let ticket = store.ticket(id.parse::<TicketId>().unwrap()).unwrap();
        let state = states.iter().find(|s| s.id == ticket.state_id).unwrap();
        assert!(!ticket.open, "{id} is closed");
        assert_eq!(state.category, StateCategory::Resolved, "{id} is resolved");
    }
    assert!(
        picked(&app).await.is_empty(),
        "nothing refused: nothing stays picked"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn linking_a_selection_names_the_tickets_that_cannot_follow_and_keeps_them_picked() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let rows = all_rows(&store);
    app.wait_for(&row(0)).await;

    // Two customer tickets with no tracker and one back-office ticket, among the top rows.
    let customers: Vec<usize> = rows
        .iter()
        .enumerate()
        .take(12)
        .filter(|(_, r)| {
            r.category == Category::Customer && store.ticket(r.id).unwrap().tracker.is_none()
        })
        .map(|(i, _)| i)
        .take(2)
        .collect();
    let back_office = rows
        .iter()
        .position(|r| r.category == Category::BackOffice)
        .expect("the demo has back-office tickets");
    assert_eq!(customers.len(), 2);
    for &i in customers.iter().chain([back_office].iter()) {
        app.click_with(CTRL, &row(i)).await;
    }
    until_count(&app, "3 tickets selected").await;

    // Tracker: find one by typing, Enter.
    let tracker = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::Category {
                category: Category::Tracker,
            },
            sort: Sort::Created,
            offset: 0,
            limit: 1,
        })
        .unwrap()
        .rows
        .remove(0);
    app.click("[data-testid=bulk-link]").await;
    let words: String = tracker
        .title
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    // The menu opens with its search box focused: type there as a keyboard would.
    app.until(
        "the tracker search to take the focus",
        "return document.activeElement?.hasAttribute('data-menu-filter');",
        vec![],
    )
    .await;
    app.press(&words.chars().collect::<Vec<_>>()).await;
    app.click(&format!("[data-testid='bulk-tracker-{}']", tracker.id))
        .await;
    app.wait_for("[data-testid=bulk-preview]").await;
    let refused = app.text("[data-testid=bulk-refused]").await;
    assert!(
        refused.contains("1 ticket will not change") && refused.contains(&rows[back_office].title),
        "the back-office ticket is named: {refused}"
    );
    app.screenshot("bulk-refused");
    app.click("[data-testid=bulk-confirm]").await;
    app.until(
        "the result line",
        "const d = document.querySelector('[data-testid=bulk-done]');
         return !!d && d.textContent.includes('Linked 2 tickets. 1 was not changed.');",
        vec![],
    )
    .await;
    for &i in &customers {
        assert_eq!(store.ticket(rows[i].id).unwrap().tracker, Some(tracker.id));
    }
    assert_eq!(store.ticket(rows[back_office].id).unwrap().tracker, None);
    until_count(&app, "1 ticket selected").await;
    assert_eq!(picked(&app).await, vec![rows[back_office].id.to_string()]);

    // Ctrl+A picks the whole view; Esc lets go of everything.
    app.click(&row(0)).await;
    app.press(&[CTRL, 'a']).await;
    until_count(&app, &format!("{} tickets selected", rows.len())).await;
    app.press(&[ESCAPE]).await;
    app.until(
        "the bulk bar to go",
        "return !document.querySelector('[data-testid=bulk-count]');",
        vec![],
    )
    .await;
    assert!(picked(&app).await.is_empty());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mine_queue_picks_its_tickets_and_leaves_its_conversations_out() {
    let app = App::launch(&["--demo"]).await;
    app.click("[data-testid=view-mine]").await;
    app.wait_for("[data-testid=queue-row][data-index='0']")
        .await;
    let kinds = app
        .js(
            "return [...document.querySelectorAll('[data-testid=queue-row]')]
               .sort((a, b) => a.dataset.index - b.dataset.index)
               .map((r) => [r.dataset.kind, r.dataset.id]);",
            vec![],
        )
        .await;
    let kinds: Vec<(String, String)> = serde_json::from_value(kinds).unwrap();
    let ticket = kinds.iter().position(|(k, _)| k == "ticket").unwrap();
    let conversation = kinds
        .iter()
        .position(|(k, _)| k == "conversation")
        .expect("Mine holds conversations too in the demo");
    let queue_row = |i: usize| format!("[data-testid=queue-row][data-index='{i}']");
    app.click_with(CTRL, &queue_row(ticket)).await;
    app.click_with(CTRL, &queue_row(conversation)).await;
    until_count(&app, "1 ticket selected").await;
    let checked = app
        .js(
            "return [...document.querySelectorAll('[data-testid=queue-row][data-checked=true]')]
               .map((r) => r.dataset.id);",
            vec![],
        )
        .await;
    assert_eq!(checked, json!([kinds[ticket].1]));

    // Ctrl+A takes every ticket of the queue, and no conversation.
    app.click(&queue_row(ticket)).await;
    app.press(&[CTRL, 'a']).await;
    let tickets = kinds.iter().filter(|(k, _)| k == "ticket").count();
    let count = app
        .until(
            "Ctrl+A to pick the queue's tickets",
            "const c = document.querySelector('[data-testid=bulk-count]');
             return c && c.textContent.trim() !== '1 ticket selected' && c.textContent.trim();",
            vec![],
        )
        .await;
    let picked: usize = count
        .as_str()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(
        picked >= tickets,
        "{picked} picked, {tickets} tickets on screen"
    );
    let conversations_checked = app
        .js(
            "return document.querySelectorAll('[data-testid=queue-row][data-kind=conversation][data-checked=true]').length;",
            vec![],
        )
        .await;
    assert_eq!(conversations_checked, json!(0));
    app.screenshot("bulk-mine");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_macro_on_picked_tickets_replies_to_each_customer_by_name_and_takes_its_actions() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let rows = all_rows(&store);
    app.wait_for(&row(0)).await;
    let picked: Vec<usize> = rows
        .iter()
        .enumerate()
        .take(15)
        .filter(|(_, r)| r.open && r.shared && r.category == Category::Customer)
        .map(|(i, _)| i)
        .take(2)
        .collect();
    assert_eq!(picked.len(), 2, "two open customer tickets near the top");
    for &i in &picked {
        app.click_with(CTRL, &row(i)).await;
    }
    until_count(&app, "2 tickets selected").await;

    app.click("[data-testid=bulk-macro]").await;
    app.until(
        "the macro search to take the focus",
        "return document.activeElement?.hasAttribute('data-menu-filter');",
        vec![],
    )
    .await;
    app.press(&"thanks clo".chars().collect::<Vec<_>>()).await;
    app.press(&['\u{E007}']).await;
    app.wait_for("[data-testid=bulk-preview]").await;
    assert_eq!(
        app.text("[data-testid=bulk-preview-title]").await,
        "Apply “Thanks, closing” to 2 tickets"
    );
    app.until(
        "Confirm to take the focus",
        "return document.activeElement?.dataset.testid === 'bulk-confirm';",
        vec![],
    )
    .await;
    app.press(&['\u{E007}']).await;
    app.until(
        "the result line",
        "const d = document.querySelector('[data-testid=bulk-done]');
         return !!d && d.textContent.includes('Applied “Thanks, closing” to 2 tickets.');",
        vec![],
    )
    .await;
    let states = store.states().unwrap();
    for &i in &picked {
        let id = rows[i].id;
        let ticket = store.ticket(id).unwrap();
        let first_name = store
            .contacts()
            .unwrap()
            .into_iter()
            .find(|c| c.id == ticket.contacts[0])
            .unwrap()
            .name
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        let replied = store.timeline(id).unwrap().into_iter().any(|p| {
            matches!(&p.kind, inbox_core::PartKind::Reply { body }
                if body.starts_with(&format!("Hi {first_name},")) && body.contains("Glad we could help"))
        });
        assert!(
            replied,
            "ticket {id} got the macro's reply, by its customer's name"
        );
        let state = states.iter().find(|s| s.id == ticket.state_id).unwrap();
        assert_eq!(state.category, StateCategory::Resolved);
    }
    app.close().await;
}
