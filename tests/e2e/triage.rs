//! Triage through the real window with real keys (issue 17, items 8, 11, 12): one-key resolve,
//! close, assign to me and snooze; next unread; Send and resolve with one preview; the state
//! menu that shows who gets what and applies on Enter, a tracker's change that still asks; the
//! ticket header that fits a 1024×700 window.

use std::time::Duration;

use inbox_core::{Author, Category, Mutation, PartKind, StateCategory, TicketState};
use inbox_store::{
    ConversationQuery, ConversationStatus, InboxQuery, InboxRow, Sort, Store, View, DATABASE_FILE,
};
use serde_json::{json, Value};

use crate::harness::{first_in_view, App, CTRL, ENTER, ESCAPE, SHIFT};

const ARROW_DOWN: char = '\u{E015}';

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
    until_detail(app, id).await;
}

async fn until_detail(app: &App, id: &str) {
    app.until(
        &format!("ticket {id} to open"),
        "const d = document.querySelector('[data-testid=ticket-detail]');
         return !!d && d.dataset.ticketId === arguments[0] && !!document.querySelector('[data-testid=composer]');",
        vec![json!(id)],
    )
    .await;
}

/// Gives the keyboard back to the page (no text field focused), as clicking the timeline does.
async fn blur(app: &App) {
    app.js(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await;
}

/// True if the preview dialog shows up within `ms`.
async fn dialog_within(app: &App, ms: u64) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_millis(ms);
    while std::time::Instant::now() < deadline {
        let shown = app
            .js(
                "return !!document.querySelector('[data-testid=preview-panel]');",
                vec![],
            )
            .await;
        if shown == json!(true) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn state_by_id(states: &[TicketState], id: inbox_core::StateId) -> &TicketState {
    states.iter().find(|s| s.id == id).expect("a known state")
}

#[tokio::test(flavor = "multi_thread")]
async fn one_key_actions_resolve_close_assign_snooze_and_next_unread() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let me = store.me().unwrap();
    let states = store.states().unwrap();

    // u: from the first row, the next unread ticket of the view.
    app.wait_for("[data-testid=ticket-row][data-index='0']")
        .await;
    app.press(&['j']).await;
    let rows = all_rows(&store);
    until_detail(&app, &rows[0].id.to_string()).await;
    let expected = rows
        .iter()
        .skip(1)
        .find(|r| r.unread)
        .expect("the demo has unread tickets");
    app.press(&['u']).await;
    until_detail(&app, &expected.id.to_string()).await;
    let selected = app
        .js(
            "const r = document.querySelector('[data-testid=ticket-row][aria-selected=true]');
             return r && r.dataset.ticketId;",
            vec![],
        )
        .await;
    assert_eq!(selected, json!(expected.id.to_string()), "the list follows");

    // i, e, Shift+E on open customer tickets near the top.
    let rows = all_rows(&store);
    let candidates: Vec<&InboxRow> = rows
        .iter()
        .take(12)
        .filter(|r| r.open && r.category == Category::Customer)
        .collect();
    assert!(
        candidates.len() >= 2,
        "the demo's top rows have open customer tickets"
    );
    let (a, b) = (candidates[0].id, candidates[1].id);

    open_ticket(&app, &a.to_string()).await;
    blur(&app).await;
    if store.ticket(a).unwrap().assignee_teammate != Some(me.id) {
        app.press(&['i']).await;
        until_store("i to assign the ticket to me", || {
            store.ticket(a).unwrap().assignee_teammate == Some(me.id)
        })
        .await;
    }
    // e resolves at once once Resolve knows who gets what (its tooltip says it).
    app.wait_for("[data-testid=resolve-ticket][data-consequence=known]")
        .await;
    let title = app
        .js(
            "return document.querySelector('[data-testid=resolve-ticket]').title;",
            vec![],
        )
        .await;
    assert!(
        title.as_str().unwrap().contains("(e)"),
        "Resolve's tooltip names its key: {title}"
    );
    app.press(&['e']).await;
    until_store("e to resolve the ticket", || {
        let t = store.ticket(a).unwrap();
        !t.open && state_by_id(&states, t.state_id).category == StateCategory::Resolved
    })
    .await;
    assert!(
        !dialog_within(&app, 300).await,
        "no dialog for an everyday resolve"
    );
    app.wait_for("[data-testid=reopen-ticket]").await;

    open_ticket(&app, &b.to_string()).await;
    blur(&app).await;
    let before = store.ticket(b).unwrap().state_id;
    // The ? sheet lists the ticket's keys.
    app.press(&['?']).await;
    let sheet = app.text("[data-testid=shortcuts]").await;
    for what in [
        "e Resolve",
        "ShiftE Close without resolving",
        "i Assign to me",
        "u Next unread",
        "CtrlShiftEnter In the composer: send the reply and resolve",
    ] {
        assert!(sheet.contains(what), "the ? sheet lists {what}: {sheet}");
    }
    app.press(&[ESCAPE]).await;
    app.until(
        "the sheet to close",
        "return !document.querySelector('[data-testid=shortcuts]');",
        vec![],
    )
    .await;
    app.wait_for("[data-testid=resolve-ticket][data-consequence=known]")
        .await;
    app.press(&[SHIFT, 'E']).await;
    until_store("Shift+E to close the ticket without resolving", || {
        let t = store.ticket(b).unwrap();
        !t.open && t.state_id == before
    })
    .await;

    // A conversation: i assigns it to me, z then Enter snoozes it for an hour; e closes another.
    let open_conversations = store
        .list_conversations(
            &ConversationQuery {
                view: View::All,
                status: ConversationStatus::Open,
                unread: false,
                offset: 0,
                limit: 3,
            },
            inbox_server::authority::now(),
        )
        .unwrap()
        .rows;
    assert!(open_conversations.len() >= 2);
    let (c1, c2) = (
        open_conversations[0].conversation.id,
        open_conversations[1].conversation.id,
    );
    app.click("[data-testid=view-conversations]").await;
    app.click(&format!(
        "[data-testid=conversation-row][data-conversation-id='{c1}']"
    ))
    .await;
    app.until(
        "the conversation to open",
        "const d = document.querySelector('[data-testid=conversation-detail]');
         return !!d && d.dataset.conversationId === arguments[0];",
        vec![json!(c1.to_string())],
    )
    .await;
    blur(&app).await;
    if store.conversation(c1).unwrap().assignee_teammate != Some(me.id) {
        app.press(&['i']).await;
        until_store("i to assign the conversation to me", || {
            store.conversation(c1).unwrap().assignee_teammate == Some(me.id)
        })
        .await;
    }
    app.press(&['z']).await;
    app.wait_for("[data-testid=snooze-hour]").await;
    app.press(&[ENTER]).await;
    until_store("z, Enter to snooze the conversation", || {
        store.conversation(c1).unwrap().snoozed_until.is_some()
    })
    .await;

    app.click(&format!(
        "[data-testid=conversation-row][data-conversation-id='{c2}']"
    ))
    .await;
    app.until(
        "the second conversation to open",
        "const d = document.querySelector('[data-testid=conversation-detail]');
         return !!d && d.dataset.conversationId === arguments[0];",
        vec![json!(c2.to_string())],
    )
    .await;
    blur(&app).await;
    app.press(&['e']).await;
    until_store("e to close the conversation", || {
        !store.conversation(c2).unwrap().open
    })
    .await;

    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn send_and_resolve_shows_one_preview_then_replies_and_resolves() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let states = store.states().unwrap();
    let row = all_rows(&store)
        .into_iter()
        .take(12)
        .find(|r| r.open && r.shared && r.category == Category::Customer)
        .expect("an open shared customer ticket near the top");
    open_ticket(&app, &row.id.to_string()).await;
    blur(&app).await;
    let body = "Fixed on our side, closing this one";
    app.press(&['r']).await;
    app.type_into("[data-testid=composer-input]", body).await;
    app.press(&[CTRL, SHIFT, ENTER]).await;

    app.wait_for("[data-testid=preview-panel]").await;
    assert_eq!(
        app.text("[data-testid=preview-title]").await,
        "Send and resolve?"
    );
    let shape = app
        .js(
            "const p = document.querySelector('[data-testid=preview-panel]');
             return {
               previews: p.querySelectorAll('[data-testid=notification-preview]').length,
               steps: [...p.querySelectorAll('[data-testid=preview-step]')].map(s => s.textContent.trim()),
               panels: document.querySelectorAll('[data-testid=preview-panel]').length,
             };",
            vec![],
        )
        .await;
    assert_eq!(
        shape,
        json!({"previews": 2, "steps": ["The reply", "Then: resolve"], "panels": 1}),
        "one dialog previews both steps"
    );
    app.until(
        "Confirm to be ready and focused",
        "const b = document.querySelector('[data-testid=preview-confirm]');
         return !!b && !b.disabled && document.activeElement === b;",
        vec![],
    )
    .await;
    app.screenshot("triage-send-and-resolve");
    // Nothing went out before Confirm.
    assert!(store.ticket(row.id).unwrap().open);
    app.press(&[ENTER]).await;
    until_store("the reply, then the resolved state", || {
        let t = store.ticket(row.id).unwrap();
        let replied = store
            .timeline(row.id)
            .unwrap()
            .iter()
            .any(|p| matches!(&p.kind, PartKind::Reply { body: b } if b == body));
        replied && !t.open && state_by_id(&states, t.state_id).category == StateCategory::Resolved
    })
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_menu_shows_who_gets_what_and_applies_on_enter_a_tracker_still_asks() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let states = store.states().unwrap();
    let me = Author::Teammate(store.me().unwrap().id);
    let row = all_rows(&store)
        .into_iter()
        .take(12)
        .find(|r| {
            r.open
                && r.shared
                && r.category == Category::Customer
                && r.state_category != StateCategory::WaitingOnCustomer
        })
        .expect("an open shared customer ticket not waiting, near the top");
    open_ticket(&app, &row.id.to_string()).await;
    blur(&app).await;

    // s opens the menu; w moves the highlight to the waiting state; its consequence shows.
    app.press(&['s']).await;
    app.wait_for("[data-testid=state-consequence]").await;
    app.press(&['w']).await;
    let highlighted = app
        .until(
            "the waiting state's consequence",
            "const c = document.querySelector('[data-testid=state-consequence]');
             return c && c.dataset.ready === 'true' && c.dataset.stateId;",
            vec![],
        )
        .await;
    let target = state_by_id(
        &states,
        highlighted.as_str().unwrap().parse().expect("a state id"),
    )
    .clone();
    assert_eq!(target.category, StateCategory::WaitingOnCustomer);
    let expected = store
        .preview(
            &Mutation::SetState {
                ticket: row.id,
                state: target.id,
            },
            me,
            0,
        )
        .unwrap();
    let who = &expected
        .deliveries
        .first()
        .expect("a customer hears")
        .contact;
    let line = app.text("[data-testid=state-consequence-line]").await;
    assert!(
        line.starts_with(&format!("{}:", who.name)) && line.contains("email"),
        "the menu says who gets what: {line}"
    );
    app.screenshot("triage-state-menu");
    app.press(&[ENTER]).await;
    until_store("Enter to apply the state", || {
        store.ticket(row.id).unwrap().state_id == target.id
    })
    .await;
    assert!(
        !dialog_within(&app, 300).await,
        "no dialog for an everyday state change"
    );
    app.until(
        "the header to show the new state",
        "const s = document.querySelector('[data-testid=detail-state]');
         return !!s && s.textContent.trim() === arguments[0];",
        vec![json!(target.internal_label)],
    )
    .await;

    // A tracker's change reaches many customers: it still asks, naming the target state.
    let tracker = first_in_view(
        &store,
        View::Category {
            category: Category::Tracker,
        },
    );
    app.click("[data-testid=view-category-tracker]").await;
    open_ticket(&app, &tracker.id.to_string()).await;
    blur(&app).await;
    app.press(&['s']).await;
    app.wait_for("[data-testid=state-consequence]").await;
    app.press(&[ARROW_DOWN]).await;
    let highlighted = app
        .until(
            "the next state's consequence for the tracker",
            "const c = document.querySelector('[data-testid=state-consequence]');
             return c && c.dataset.ready === 'true' && c.dataset.stateId;",
            vec![],
        )
        .await;
    let target = state_by_id(&states, highlighted.as_str().unwrap().parse().unwrap()).clone();
    assert_ne!(target.id, tracker.state_id);
    app.press(&[ENTER]).await;
    app.wait_for("[data-testid=preview-panel]").await;
    assert_eq!(
        app.text("[data-testid=preview-title]").await,
        format!("Move to {}?", target.internal_label)
    );
    app.press(&[ESCAPE]).await;
    app.until(
        "the dialog to close",
        "return !document.querySelector('[data-testid=preview-panel]');",
        vec![],
    )
    .await;
    assert_eq!(
        store.ticket(tracker.id).unwrap().state_id,
        tracker.state_id,
        "cancelled: nothing changed"
    );
    app.close().await;
}

/// The header's controls, their boxes compared: overlaps, anything past the header's edges,
/// and the type and assignee names cut short.
const HEADER_LAYOUT: &str = "
  const head = document.querySelector('[data-testid=ticket-detail] header');
  const box = head.getBoundingClientRect();
  const parts = [...head.querySelectorAll(
      'button, [data-testid=detail-category], [data-testid=detail-number], .type-name, .flag, .follow')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  const name = e => e.dataset.testid || e.getAttribute('aria-label') || e.className.split(' ')[0] || e.tagName;
  const overlaps = [];
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const a = parts[i], b = parts[j];
      if (a.contains(b) || b.contains(a)) continue;
      const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
      const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (w > 0.5 && h > 0.5) overlaps.push(name(a) + ' × ' + name(b));
    }
  }
  const outside = parts
    .filter(e => { const r = e.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
    .map(name);
  const cut = [head.querySelector('.type-name'), head.querySelector('[data-testid=assignee-menu] .name')]
    .filter(e => e && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim());
  return {
    overlaps, outside, cut,
    width: window.innerWidth,
    controls: parts.length,
    details: !!document.querySelector('[data-testid=details-column]'),
  };";

#[tokio::test(flavor = "multi_thread")]
async fn the_ticket_header_fits_from_1024_px_and_shows_details_from_1280() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    // A customer ticket with a teammate and a team: the longest header there is.
    let row = all_rows(&store)
        .into_iter()
        .take(12)
        .find(|r| {
            r.open
                && r.category == Category::Customer
                && r.assignee_name.is_some()
                && r.team_name.is_some()
        })
        .expect("an assigned open customer ticket near the top");
    open_ticket(&app, &row.id.to_string()).await;
    let window = app.xdotool(&["search", "--name", "^Teammate Inbox"]);
    let window = window.lines().next().unwrap().to_owned();
    for (width, height) in [(1024, 700), (1280, 800), (1440, 900)] {
        app.xdotool(&[
            "windowsize",
            &window,
            &width.to_string(),
            &height.to_string(),
        ]);
        app.until(
            &format!("the window at {width}×{height}"),
            "return window.innerWidth === arguments[0] && window.innerHeight === arguments[1];",
            vec![json!(width), json!(height)],
        )
        .await;
        // Let the layout settle (the pane measures its width).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let layout: Value = app.js(HEADER_LAYOUT, vec![]).await;
        app.screenshot(&format!("triage-header-{width}"));
        assert_eq!(
            layout["overlaps"],
            json!([]),
            "nothing overlaps at {width}: {layout}"
        );
        assert_eq!(
            layout["outside"],
            json!([]),
            "nothing leaves the header at {width}: {layout}"
        );
        assert_eq!(
            layout["cut"],
            json!([]),
            "type and assignee whole at {width}: {layout}"
        );
        assert!(layout["controls"].as_i64().unwrap() >= 6, "{layout}");
        assert_eq!(
            layout["details"],
            json!(width >= 1280),
            "the details column shows by default from 1280 px: {layout}"
        );
    }
    app.close().await;
}
