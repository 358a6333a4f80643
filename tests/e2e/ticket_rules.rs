//! The ticket rules in the real window: a tracker carries its linked tickets (R13), and a
//! tracker cannot be shared (R3).

use fantoccini::Locator;
use inbox_core::{Category, CoreError, StateCategory};
use inbox_store::{InboxQuery, Sort, Store, TicketDetail, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::App;

/// The demo's tracker with the most linked tickets.
fn busiest_tracker(store: &Store) -> TicketDetail {
    let trackers = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::Category {
                category: Category::Tracker,
            },
            sort: Sort::LastActivity,
            offset: 0,
            limit: 100,
        })
        .unwrap();
    trackers
        .rows
        .iter()
        .map(|r| store.ticket_detail(r.id).unwrap())
        .max_by_key(|d| d.linked_tickets.len())
        .unwrap()
}

async fn open_tracker(app: &App, tracker: &TicketDetail) {
    app.client
        .find(Locator::Css("[data-testid=view-category-tracker]"))
        .await
        .expect("the Tracker view")
        .click()
        .await
        .unwrap();
    let row = format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        tracker.ticket.id
    );
    app.client
        .wait()
        .for_element(Locator::Css(&row))
        .await
        .expect("the tracker's row")
        .click()
        .await
        .unwrap();
    app.until(
        "the tracker to open",
        "const t = document.querySelector('[data-testid=detail-title]'); return t && t.textContent.trim() === arguments[0];",
        vec![json!(tracker.ticket.title)],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_a_trackers_state_changes_every_linked_ticket() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let tracker = busiest_tracker(&store);
    assert!(
        tracker.linked_tickets.len() >= 2,
        "the demo links several tickets to a tracker"
    );
    let target = store
        .states()
        .unwrap()
        .into_iter()
        .find(|s| s.category == StateCategory::WaitingOnCustomer)
        .unwrap();
    assert_ne!(tracker.state.id, target.id);

    open_tracker(&app, &tracker).await;
    app.client
        .find(Locator::Css("[data-testid=state-menu]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let option = format!("[data-testid=state-option-{}]", target.id);
    app.client
        .wait()
        .for_element(Locator::Css(&option))
        .await
        .expect("the state option")
        .click()
        .await
        .unwrap();

    // Before anything changes, the preview shows what every linked ticket's customer will get,
    // as computed by the same code that will deliver it.
    let me = inbox_core::Author::Teammate(store.me().unwrap().id);
    let mutation = inbox_core::Mutation::SetState {
        ticket: tracker.ticket.id,
        state: target.id,
    };
    let expected = store.preview(&mutation, me, 0).unwrap();
    assert!(!expected.deliveries.is_empty());
    app.until(
        "the preview to list every customer",
        "return document.querySelectorAll('[data-testid=notification-preview] [data-testid=preview-delivery]').length
           === arguments[0];",
        vec![json!(expected.deliveries.len().min(20))],
    )
    .await;
    let summary = app.text("[data-testid=preview-summary]").await;
    assert!(
        summary.contains(&tracker.linked_tickets.len().to_string()),
        "{summary}"
    );
    let subject = app
        .text("[data-testid=preview-delivery] [data-testid=preview-email-subject]")
        .await;
    assert!(
        expected
            .deliveries
            .iter()
            .any(|d| d.email.as_ref().unwrap().subject == subject),
        "the previewed subject is the one delivery renders: {subject}"
    );
    let channels = app
        .js(
            "return [...document.querySelector('[data-testid=preview-delivery]')
               .querySelectorAll('[data-testid=preview-channel]')].map(c => c.dataset.channel);",
            vec![],
        )
        .await;
    assert_eq!(
        channels,
        json!([
            "messenger_badge",
            "recent_tickets",
            "tickets_space_badge",
            "email"
        ])
    );
    app.screenshot("tracker-preview");
    app.client
        .find(Locator::Css("[data-testid=preview-confirm]"))
        .await
        .expect("the preview's confirm button")
        .click()
        .await
        .unwrap();

    // The tracker's own list of linked tickets shows them all in the new state.
    app.until(
        "every linked ticket to show the new state",
        "const pills = [...document.querySelectorAll('[data-testid=linked-state]')];
         return pills.length === arguments[1] && pills.every(p => p.textContent.trim() === arguments[0]);",
        vec![json!(target.internal_label), json!(tracker.linked_tickets.len())],
    )
    .await;
    assert_eq!(
        app.text("[data-testid=detail-state]").await,
        target.internal_label
    );

    // And the inbox list shows them there too: each linked ticket is in the state's view.
    app.client
        .find(Locator::Css(&format!(
            "[data-testid=view-state-{}]",
            target.id
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let expected = store
        .list_tickets(&InboxQuery {
            filters: Default::default(),
            view: View::State {
                state_id: target.id,
            },
            sort: Sort::LastActivity,
            offset: 0,
            limit: 500,
        })
        .unwrap();
    for linked in &tracker.linked_tickets {
        assert!(
            expected.rows.iter().any(|r| r.id == linked.id),
            "#{:?} moved in the store",
            linked.number
        );
    }
    app.until(
        "the state view to list them",
        "const t = document.querySelector('[data-testid=list-total]'); return t && t.textContent.trim() === arguments[0];",
        vec![json!(expected.total.to_string())],
    )
    .await;
    let first = &expected.rows[0];
    let row_state = app
        .text(&format!(
            "[data-testid=ticket-row][data-ticket-id='{}'] [data-testid=row-state]",
            first.id
        ))
        .await;
    assert_eq!(row_state, target.internal_label);
    app.screenshot("tracker-propagation");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tracker_cannot_be_shared_and_says_why() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let tracker = busiest_tracker(&store);
    open_tracker(&app, &tracker).await;

    let toggle = app
        .client
        .find(Locator::Css("[data-testid=share-toggle]"))
        .await
        .expect("the share toggle");
    assert!(
        toggle.attr("disabled").await.unwrap().is_some(),
        "the toggle is disabled"
    );
    let _ = toggle.click().await; // Clicking a disabled toggle does nothing…
    assert_eq!(
        app.text("[data-testid=share-locked-reason]").await,
        CoreError::TrackerCannotBeShared.to_string(),
        "…and the reason is shown"
    );
    assert!(!store.ticket(tracker.ticket.id).unwrap().shared);
    app.screenshot("tracker-share-locked");
    app.close().await;
}
