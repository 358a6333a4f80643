//! The new-ticket form in the real window (issue 17, item 13): Esc asks before throwing away what
//! was typed; a missing required field is said at the field, which takes the focus; the contact
//! brings their company; assignee and state are chosen at creation; a ticket that notifies a
//! customer is created only after the preview's Confirm, an internal one at once. And a change the
//! server refused names its ticket and offers no "Try again" for a rule (item 14).

use std::sync::Arc;

use inbox_core::{Category, Mutation, StateCategory, Ticket};
use inbox_server::setup::teammate_token;
use inbox_server::storage::StorageExt;
use inbox_store::{Store, DATABASE_FILE};
use serde_json::{json, Value};

use crate::harness::{App, ESCAPE};
use crate::server::{start_server, ADMIN};

/// Whether an element matching `css` is on screen now.
async fn present(app: &App, css: &str) -> bool {
    app.js(
        "return !!document.querySelector(arguments[0]);",
        vec![json!(css)],
    )
    .await
        == Value::Bool(true)
}

async fn until_gone(app: &App, what: &str, css: &str) {
    app.until(
        what,
        "return !document.querySelector(arguments[0]);",
        vec![json!(css)],
    )
    .await;
}

/// Chooses `value` in a `<select>` of the form, as the existing form tests do.
async fn choose(app: &App, css: &str, value: &str) {
    app.wait_for(css).await;
    app.js(
        "const s = document.querySelector(arguments[0]);
         s.value = arguments[1];
         s.dispatchEvent(new Event('change', { bubbles: true }));
         return s.value === arguments[1];",
        vec![json!(css), json!(value)],
    )
    .await;
}

/// The form's first field has the focus (the title), ready for typing.
async fn until_title_focused(app: &App) {
    app.until(
        "the title to take the focus",
        "const a = document.activeElement; return !!a && !!a.closest('label[data-field=title]');",
        vec![],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn esc_asks_before_discarding_and_a_missing_field_is_said_at_it() {
    let app = App::launch(&["--demo"]).await;

    // Nothing typed: Esc closes at once, without a question.
    app.press(&['c']).await;
    app.wait_for("[data-testid=create-ticket-form]").await;
    until_title_focused(&app).await;
    app.press(&[ESCAPE]).await;
    until_gone(
        &app,
        "the untouched form to close",
        "[data-testid=create-ticket-form]",
    )
    .await;
    assert!(!present(&app, "[data-testid=create-ticket-discard]").await);

    // Something typed: Esc asks; Esc again (or Keep editing) goes back to it, nothing lost.
    app.press(&['c']).await;
    app.wait_for("[data-testid=create-ticket-form]").await;
    until_title_focused(&app).await;
    app.press(&['H', 'a', 'l', 'f']).await;
    app.press(&[ESCAPE]).await;
    let question = app.text("[data-testid=create-ticket-discard]").await;
    assert!(question.contains("Discard this ticket?"), "{question}");
    assert!(question.contains("Keep editing"), "{question}");
    assert!(present(&app, "[data-testid=create-ticket-form]").await);
    app.screenshot("new-ticket-discard");
    app.press(&[ESCAPE]).await;
    until_gone(
        &app,
        "the question to go",
        "[data-testid=create-ticket-discard]",
    )
    .await;
    let kept = app
        .js(
            "return document.querySelector('label[data-field=title] input').value;",
            vec![],
        )
        .await;
    assert_eq!(kept, json!("Half"));

    // A missing required field: its error at the field, which takes the focus; no banner.
    app.js(
        "const i = document.querySelector('label[data-field=title] input'); i.focus(); i.select();",
        vec![],
    )
    .await;
    app.press(&['\u{E003}']).await; // Backspace
    app.click("[data-testid=create-ticket-submit]").await;
    let error = app.text("[data-field-error=title]").await;
    assert!(error.contains("required"), "{error}");
    let at_field = app
        .until(
            "the title field focused and marked invalid",
            "const i = document.querySelector('label[data-field=title] input');
             const e = document.querySelector('[data-field-error=title]');
             return document.activeElement === i && i.getAttribute('aria-invalid') === 'true'
               && !!e && i.getAttribute('aria-describedby') === e.id ? true : null;",
            vec![],
        )
        .await;
    assert_eq!(at_field, json!(true));
    assert!(
        !present(&app, "[data-testid=create-ticket-form] .dialog-error").await,
        "no banner"
    );
    app.screenshot("new-ticket-field-error");
    // Typing clears the error; the question still comes before discarding.
    app.press(&['X']).await;
    until_gone(&app, "the field's error to go", "[data-field-error=title]").await;
    app.press(&[ESCAPE]).await;
    app.click("[data-testid=create-ticket-discard-confirm]")
        .await;
    until_gone(
        &app,
        "the discarded form to close",
        "[data-testid=create-ticket-form]",
    )
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_ticket_takes_the_contacts_company_its_assignee_and_state_and_previews_the_customers_mail(
) {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let contact = store
        .contacts()
        .unwrap()
        .into_iter()
        .find(|c| c.company.is_some())
        .expect("a contact of a company");
    let me = store.me().ok().map(|t| t.id);
    let teammate = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.active && Some(t.id) != me)
        .expect("another teammate");
    let team = store.teams().unwrap().into_iter().next().expect("a team");
    let states = store.states().unwrap();
    let only_title = |t: &&inbox_core::TicketType| {
        !t.archived
            && t.attributes
                .iter()
                .all(|a| a.key == "title" || !a.required_to_create)
    };
    let types = store.ticket_types().unwrap();
    let customer_type = types
        .iter()
        .filter(|t| t.category == Category::Customer)
        .find(only_title)
        .expect("a customer type needing only a title")
        .clone();
    let in_progress = customer_type
        .states
        .iter()
        .filter_map(|id| states.iter().find(|s| s.id == *id))
        .find(|s| s.category == StateCategory::InProgress && !s.archived)
        .expect("an in-progress state of the type")
        .clone();

    app.press(&['c']).await;
    app.wait_for("[data-testid=create-ticket-form]").await;
    choose(
        &app,
        "[data-testid=create-ticket-type]",
        &customer_type.id.to_string(),
    )
    .await;
    app.type_into("label[data-field=title] input", "Printer keeps jamming")
        .await;
    app.type_into("[data-testid=create-ticket-contacts-input]", &contact.email)
        .await;
    app.click("[data-testid=create-ticket-contacts-option]")
        .await;
    // The contact's company fills the empty company.
    let company = app
        .until(
            "the contact's company",
            "const c = document.querySelector('[data-testid=create-ticket-company-chosen]');
             return c ? c.dataset.id : null;",
            vec![],
        )
        .await;
    assert_eq!(company, json!(contact.company.unwrap().to_string()));
    choose(
        &app,
        "[data-testid=create-ticket-assignee]",
        &teammate.id.to_string(),
    )
    .await;
    choose(
        &app,
        "[data-testid=create-ticket-team]",
        &team.id.to_string(),
    )
    .await;
    choose(
        &app,
        "[data-testid=create-ticket-state]",
        &in_progress.id.to_string(),
    )
    .await;
    app.screenshot("new-ticket-filled");
    let before = store.ticket_ids().unwrap().len();

    // A shared ticket: the preview first; nothing is created before Confirm.
    app.click("[data-testid=create-ticket-submit]").await;
    let title = app.text("[data-testid=preview-title]").await;
    assert!(title.contains("notify the customer"), "{title}");
    app.until(
        "the preview of the customer's notification",
        "const p = document.querySelector('[data-testid=preview-panel]');
         return p && /customer/.test(p.textContent) && !document.querySelector('[data-testid=preview-confirm]').disabled;",
        vec![],
    )
    .await;
    app.screenshot("new-ticket-preview");
    assert_eq!(
        store.ticket_ids().unwrap().len(),
        before,
        "not created before Confirm"
    );
    app.click("[data-testid=preview-confirm]").await;
    let shown = app.text("[data-testid=detail-title]").await;
    app.until(
        "the new ticket to open",
        "const t = document.querySelector('[data-testid=detail-title]'); return t && t.textContent.trim() === arguments[0];",
        vec![json!("Printer keeps jamming")],
    )
    .await;
    let _ = shown;
    let id = app
        .js(
            "return document.querySelector('[data-testid=ticket-detail]').dataset.ticketId;",
            vec![],
        )
        .await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let ticket = store.ticket(id.as_str().unwrap().parse().unwrap()).unwrap();
    assert_eq!(ticket.title, "Printer keeps jamming");
    assert_eq!(ticket.contacts, vec![contact.id]);
    assert_eq!(ticket.company, contact.company);
    assert_eq!(ticket.assignee_teammate, Some(teammate.id));
    assert_eq!(ticket.assignee_team, Some(team.id));
    assert_eq!(ticket.state_id, in_progress.id);
    assert!(ticket.shared);

    // An internal ticket: created at once, no preview.
    let internal_type = types
        .iter()
        .filter(|t| t.category == Category::BackOffice)
        .find(only_title)
        .or_else(|| {
            types
                .iter()
                .filter(|t| t.category == Category::Tracker)
                .find(only_title)
        })
        .expect("an internal type needing only a title")
        .clone();
    app.js(
        "window.__sawPreview = false;
         new MutationObserver(() => {
           if (document.querySelector('[data-testid=preview-panel]')) window.__sawPreview = true;
         }).observe(document.body, { childList: true, subtree: true });",
        vec![],
    )
    .await;
    app.press(&[ESCAPE]).await;
    app.press(&['c']).await;
    app.wait_for("[data-testid=create-ticket-form]").await;
    choose(
        &app,
        "[data-testid=create-ticket-type]",
        &internal_type.id.to_string(),
    )
    .await;
    app.type_into(
        "label[data-field=title] input",
        "Check the printer firmware",
    )
    .await;
    app.click("[data-testid=create-ticket-submit]").await;
    app.until(
        "the internal ticket to open",
        "const t = document.querySelector('[data-testid=detail-title]'); return t && t.textContent.trim() === arguments[0];",
        vec![json!("Check the printer firmware")],
    )
    .await;
    let saw = app.js("return window.__sawPreview;", vec![]).await;
    assert_eq!(
        saw,
        json!(false),
        "an internal ticket is created without a preview"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_change_names_its_ticket_and_offers_no_try_again() {
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

    // Working offline, the teammate links a ticket to one tracker; meanwhile the server links it
    // to another; back online, the link is refused by the rules.
    app.click("[data-testid=work-offline]").await;
    app.until_sync_state("working_offline").await;
    let (ticket, trackers) = storage
        .reading(|tx| {
            let all: Vec<Ticket> = tx
                .tickets_after("", 1000)?
                .iter()
                .map(|(_, doc)| serde_json::from_str(doc).unwrap())
                .collect();
            let mut customer: Vec<&Ticket> = all
                .iter()
                .filter(|t| t.category == Category::Customer)
                .collect();
            customer.sort_by_key(|t| std::cmp::Reverse((t.last_activity_at, t.id)));
            let ticket = customer[..8]
                .iter()
                .find(|t| t.tracker.is_none())
                .map(|t| (*t).clone())
                .expect("one of the newest customer tickets has no tracker");
            let trackers: Vec<Ticket> = all
                .into_iter()
                .filter(|t| t.category == Category::Tracker)
                .collect();
            Ok((ticket, trackers))
        })
        .unwrap();
    let admin = crate::server::admin_id(&storage);
    storage
        .writing(|tx| {
            let db = inbox_server::workspace::Db::new(tx);
            let how = inbox_server::authority::Apply {
                actor: inbox_core::Author::Teammate(admin),
                now: inbox_server::authority::now(),
                origin: None,
                skip_notifications: true,
            };
            let link = Mutation::LinkTracker {
                ticket: ticket.id,
                tracker: trackers[0].id,
            };
            inbox_server::authority::apply_one(&db, &link, how).map(|_| ())
        })
        .unwrap();
    app.click("[data-testid=view-category-customer]").await;
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        ticket.id
    ))
    .await;
    app.click("[data-testid=link-tracker]").await;
    app.type_into("[data-testid=tracker-search]", &trackers[1].title)
        .await;
    app.click(&format!(
        "[data-testid=tracker-result][data-ticket-id='{}']",
        trackers[1].id
    ))
    .await;
    app.until(
        "the link queued while offline",
        "return document.querySelector('[data-testid=sync-pending]') ? true : null;",
        vec![],
    )
    .await;
    app.click("[data-testid=work-offline]").await;
    app.until(
        "the refusal to be reported",
        "return document.querySelector('[data-testid=open-sync-issues]') ? true : null;",
        vec![],
    )
    .await;
    // Leave the ticket, so that opening it from the issue is seen.
    app.click("[data-testid=view-all]").await;
    app.click("[data-testid=open-sync-issues]").await;
    let number = ticket.number.expect("the server numbers its tickets");
    let subject = app
        .until(
            "the issue to name its ticket",
            "const s = document.querySelector('[data-testid=sync-issue] [data-testid=sync-issue-subject]');
             return s && s.tagName === 'BUTTON' ? s.textContent.trim() : null;",
            vec![],
        )
        .await;
    assert_eq!(subject, json!(format!("#{number} {}", ticket.title)));
    let issue = app.text("[data-testid=sync-issue]").await;
    assert!(issue.contains("already linked"), "{issue}");
    assert!(
        issue.contains(&trackers[1].title),
        "the tracker is named: {issue}"
    );
    assert!(!issue.contains("Try again"), "{issue}");
    assert!(!present(&app, "[data-testid=sync-issue-retry]").await);
    assert!(present(&app, "[data-testid=sync-issue-dismiss]").await);
    app.screenshot("sync-issue-named");
    app.click("[data-testid=sync-issue-open]").await;
    until_gone(&app, "the dialog to close", "[data-testid=sync-issues]").await;
    app.until(
        "the ticket to open",
        "const t = document.querySelector('[data-testid=ticket-detail]'); return t && t.dataset.ticketId === arguments[0];",
        vec![json!(ticket.id.to_string())],
    )
    .await;
    let _ = Arc::strong_count(&storage);
    app.close().await;
}
