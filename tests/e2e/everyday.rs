//! A teammate's everyday moves through the real window: views by team and brand, filters that
//! combine, the state sort and unread markers; the command palette, the shortcuts list and
//! the keyboard; the dark theme.

use inbox_store::{Filters, InboxQuery, Sort, Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::{App, CTRL, ENTER, ESCAPE};

/// The count the list header shows, once the list has loaded.
async fn list_total(app: &App) -> i64 {
    app.until(
        "the list's total",
        "const t = document.querySelector('[data-testid=list-total]');
         return t && Number(t.textContent);",
        vec![],
    )
    .await
    .as_i64()
    .unwrap()
}

/// Waits for the list header to show `total`.
async fn until_total(app: &App, what: &str, total: i64) {
    app.until(
        what,
        "const t = document.querySelector('[data-testid=list-total]');
         return t && Number(t.textContent) === arguments[0];",
        vec![json!(total)],
    )
    .await;
}

fn count(store: &Store, view: View, filters: Filters) -> i64 {
    store
        .list_tickets(&InboxQuery {
            view,
            filters,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 1,
        })
        .unwrap()
        .total
}

#[tokio::test]
async fn views_filters_and_sorts_narrow_the_list_as_the_database_says() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let team = store.teams().unwrap()[0].clone();

    // A team's view.
    app.click(&format!("[data-testid='view-team-{}']", team.id))
        .await;
    let team_view = View::Team { team_id: team.id };
    until_total(
        &app,
        "the team's tickets",
        count(&store, team_view.clone(), Filters::default()),
    )
    .await;

    // Closed only, then unread only on top: both filters hold at once.
    app.click("[data-testid=filter-closed]").await;
    let closed = Filters {
        open: Some(false),
        ..Filters::default()
    };
    until_total(
        &app,
        "closed tickets of the team",
        count(&store, team_view.clone(), closed.clone()),
    )
    .await;
    app.click("[data-testid=view-mine]").await;
    app.click("[data-testid=filter-open]").await;
    app.click("[data-testid=filter-unread]").await;
    let unread = Filters {
        open: Some(true),
        unread: true,
        ..Filters::default()
    };
    let expected = count(&store, View::Mine, unread);
    assert!(expected > 0, "the demo has unread tickets of mine");
    until_total(&app, "my unread open tickets", expected).await;
    let marked = app
        .js(
            "const rows = [...document.querySelectorAll('[data-testid=ticket-row]')];
             return rows.length > 0 && rows.every(r => r.querySelector('[data-testid=row-unread]'));",
            vec![],
        )
        .await;
    assert_eq!(marked, json!(true), "every row is marked unread");
    app.screenshot("filters");

    // Clearing shows the whole view again; the state sort lists submitted tickets first.
    app.click("[data-testid=filter-clear]").await;
    until_total(
        &app,
        "all of mine",
        count(&store, View::Mine, Filters::default()),
    )
    .await;
    app.click("[data-testid=view-all]").await;
    app.click("[data-testid=sort-state]").await;
    let first = app
        .until(
            "the first row's state",
            "const r = document.querySelector('[data-testid=ticket-row][data-index=\"0\"] [data-testid=row-state]');
             return r && r.textContent.trim();",
            vec![],
        )
        .await;
    let submitted = store
        .states()
        .unwrap()
        .into_iter()
        .find(|s| s.category == inbox_core::StateCategory::Submitted)
        .unwrap();
    assert_eq!(first, json!(submitted.internal_label));
    assert!(list_total(&app).await > 0);
    app.close().await;
}

#[tokio::test]
async fn the_keyboard_reaches_every_action() {
    let app = App::launch(&["--demo"]).await;
    // j opens the first ticket; the palette then offers its actions.
    app.press(&['j']).await;
    app.wait_for("[data-testid=ticket-detail]").await;
    app.press(&[CTRL, 'k']).await;
    app.wait_for("[data-testid=palette-input]").await;
    let offered = app
        .js(
            "return [...document.querySelectorAll('[data-testid=palette-item]')].map(i => i.dataset.command);",
            vec![],
        )
        .await;
    for command in [
        "reply",
        "note",
        "assign",
        "state",
        "go-mine",
        "settings",
        "shortcuts",
    ] {
        assert!(
            offered.as_array().unwrap().iter().any(|c| c == command),
            "the palette offers {command}: {offered}"
        );
    }
    // Typing narrows it; Enter runs the best match.
    for key in "go mine".chars() {
        app.press(&[key]).await;
    }
    app.screenshot("palette");
    app.press(&[ENTER]).await;
    app.until(
        "the Mine view",
        "const v = document.querySelector('[data-testid=view-mine]');
         return v && v.getAttribute('aria-current') === 'page';",
        vec![],
    )
    .await;
    assert_eq!(
        app.js(
            "return !!document.querySelector('[data-testid=palette]');",
            vec![]
        )
        .await,
        json!(false)
    );

    // r focuses the reply box; Esc leaves it; ? lists the shortcuts.
    app.press(&['j']).await;
    app.wait_for("[data-testid=ticket-detail]").await;
    app.press(&['r']).await;
    app.until(
        "the reply box focused",
        "return document.activeElement?.dataset.testid === 'composer-input';",
        vec![],
    )
    .await;
    app.js("document.activeElement.blur();", vec![]).await;
    app.press(&['?']).await;
    let listed = app.text("[data-testid=shortcuts]").await;
    for what in ["Command palette", "Reply", "Search"] {
        assert!(listed.contains(what), "{what} in: {listed}");
    }
    app.press(&[ESCAPE]).await;
    app.until(
        "the shortcuts closed",
        "return !document.querySelector('[data-testid=shortcuts]');",
        vec![],
    )
    .await;

    // The palette switches to the dark theme, and Settings remembers the choice.
    app.press(&[CTRL, 'k']).await;
    for key in "dark".chars() {
        app.press(&[key]).await;
    }
    app.press(&[ENTER]).await;
    app.until(
        "the dark theme",
        "return document.documentElement.dataset.theme === 'dark';",
        vec![],
    )
    .await;
    app.screenshot("dark");
    app.click("[data-testid=open-settings]").await;
    let chosen = app
        .until(
            "the theme setting",
            "const s = document.querySelector('[data-testid=theme]'); return s && s.value;",
            vec![],
        )
        .await;
    assert_eq!(chosen, json!("dark"));
    app.close().await;
}

#[tokio::test]
async fn a_second_launch_hands_over_and_the_window_keeps_its_size() {
    let app = App::launch(&["--demo"]).await;

    // Launched again on the same data folder: the second process hands over and exits, and
    // the first window is still there and answering.
    let mut second = app.launch_another(&["--demo"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the second instance exits"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");
    app.wait_for("[data-testid=ticket-row]").await;

    // Resized, closed and opened again: the same size.
    let window = app.xdotool(&["search", "--name", "^Teammate Inbox"]);
    let window = window.lines().next().unwrap().to_owned();
    app.xdotool(&["windowsize", &window, "1100", "700"]);
    let mut waited = 0;
    while app.window_size() != (1100, 700) {
        assert!(
            waited < 50,
            "the window took the new size: {:?}",
            app.window_size()
        );
        waited += 1;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Saved shortly after the change (not only at exit), in the data folder.
    let saved = app.data_dir().join("window-state.json");
    let mut waited = 0;
    while !std::fs::read_to_string(&saved).is_ok_and(|s| s.contains("1100")) {
        assert!(waited < 50, "the window state is saved");
        waited += 1;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let app = app.relaunch(&["--demo"], "[data-testid=ticket-row]").await;
    assert_eq!(app.window_size(), (1100, 700));
    app.close().await;
}
