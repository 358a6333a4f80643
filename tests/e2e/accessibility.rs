//! Accessibility in the real window (issue 17, item 15): axe-core, injected into the app's WebKit
//! webview over WebDriver, finds no serious or critical violation on the main screens in the
//! light and the dark theme; and the keyboard: the skip link is the first Tab stop, Tab never
//! walks out of a modal dialog, and Esc closes the command palette after tabbing.

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::{json, Value};

use crate::harness::{App, CTRL, ENTER, ESCAPE, SHIFT};

/// axe-core, a devDependency of the UI (`npm --prefix ui ci` installs it).
const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/ui/node_modules/axe-core/axe.min.js"
);

/// WebDriver's codes for Tab and Shift.
const TAB: char = '\u{E004}';

/// Runs axe-core on the window's document; returns its violations.
async fn axe(app: &App) -> Vec<Value> {
    let loaded = app
        .js("return typeof window.axe === 'object';", vec![])
        .await;
    if loaded != Value::Bool(true) {
        let source = std::fs::read_to_string(AXE)
            .unwrap_or_else(|e| panic!("{AXE}: {e} (`npm --prefix ui ci` installs axe-core)"));
        app.js(&source, vec![]).await;
    }
    // WebKit runs axe in a few seconds; the 2-core machine may be busy with a build.
    let run = app.client.execute_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, { resultTypes: ['violations'], iframes: false })
           .then((r) => done({ violations: r.violations }),
                 (e) => done({ error: String((e && e.stack) || e) }));",
        vec![],
    );
    let result = tokio::time::timeout(Duration::from_secs(150), run)
        .await
        .expect("axe.run answers within 150 s")
        .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
    assert!(
        result["error"].is_null(),
        "axe.run failed: {}",
        result["error"]
    );
    serde_json::from_value(result["violations"].clone()).unwrap_or_default()
}

/// Runs axe-core on what is on screen; every serious or critical violation is printed in full
/// and its screen named in `failed`.
pub async fn check(app: &App, what: &str, failed: &mut Vec<String>) {
    let violations = axe(app).await;
    let bad: Vec<&Value> = violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    if bad.is_empty() {
        let minor: Vec<&str> = violations.iter().filter_map(|v| v["id"].as_str()).collect();
        eprintln!("axe-core on {what}: nothing serious (minor or moderate: {minor:?})");
        return;
    }
    let shot = app.screenshot(&format!("axe-{}", what.replace([' ', ','], "-")));
    eprintln!(
        "axe-core: {} serious or critical violation(s) on {what} (screenshot: {}):\n{}",
        bad.len(),
        shot.display(),
        serde_json::to_string_pretty(&bad).unwrap()
    );
    let ids: Vec<String> = bad
        .iter()
        .map(|v| {
            format!(
                "{} ({} elements)",
                v["id"].as_str().unwrap_or("?"),
                v["nodes"].as_array().map_or(0, Vec::len)
            )
        })
        .collect();
    failed.push(format!("{what}: {}", ids.join(", ")));
}

/// Types `text` key by key, as a keyboard would (into whatever has the focus).
async fn type_keys(app: &App, text: &str) {
    for key in text.chars() {
        app.press(&[key]).await;
    }
}

/// Switches the theme through the command palette, as a teammate would.
async fn use_theme(app: &App, theme: &str) {
    app.press(&[CTRL, 'k']).await;
    app.wait_for("[data-testid=palette-input]").await;
    type_keys(app, &format!("use the {theme} theme")).await;
    app.until(
        "the theme command to be the best match",
        "const a = document.querySelector('[data-testid=palette-item][aria-selected=true]');
         return a && a.dataset.command === arguments[0];",
        vec![json!(format!("theme-{theme}"))],
    )
    .await;
    app.press(&[ENTER]).await;
    app.until(
        &format!("the {theme} theme"),
        "return document.documentElement.dataset.theme === arguments[0]
           && !document.querySelector('[data-testid=palette]');",
        vec![json!(theme)],
    )
    .await;
}

/// Waits until nothing matches `css`.
async fn until_gone(app: &App, what: &str, css: &str) {
    app.until(
        what,
        "return !document.querySelector(arguments[0]);",
        vec![json!(css)],
    )
    .await;
}

/// Shift+Tab, the two keys held together.
async fn shift_tab(app: &App) {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: SHIFT })
        .then(KeyAction::Down { value: TAB })
        .then(KeyAction::Up { value: TAB })
        .then(KeyAction::Up { value: SHIFT });
    app.client
        .perform_actions(actions)
        .await
        .expect("press Shift+Tab");
}

/// What has the focus, for messages: its tag, test id, label or text.
const FOCUSED: &str = "const e = document.activeElement;
    return e ? `${e.tagName.toLowerCase()} ${e.dataset.testid || ''} ${e.getAttribute('aria-label') || ''} ${(e.textContent || '').trim().slice(0, 40)}` : 'nothing';";

/// Presses Tab `forward` times, then Shift+Tab `back` times; after each press the focus must be
/// inside the element matching `dialog`. Returns how many different elements got the focus.
async fn tab_around(app: &App, dialog: &str, forward: usize, back: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    for i in 0..forward + back {
        if i < forward {
            app.press(&[TAB]).await;
        } else {
            shift_tab(app).await;
        }
        let inside = app
            .js(
                "const d = document.querySelector(arguments[0]);
                 const e = document.activeElement;
                 if (!d || !e || !d.contains(e)) return null;
                 // An id for the element: its path from the dialog.
                 const path = [];
                 for (let n = e; n && n !== d; n = n.parentElement)
                   path.push([...n.parentElement.children].indexOf(n));
                 return path.join('/');",
                vec![json!(dialog)],
            )
            .await;
        if inside.is_null() {
            let focused = app.js(FOCUSED, vec![]).await;
            app.screenshot("tab-left-the-dialog");
            panic!(
                "{} {} press(es): the focus left {dialog} for {focused}",
                i + 1,
                if i < forward { "Tab" } else { "Shift+Tab" }
            );
        }
        seen.insert(inside.to_string());
    }
    seen.len()
}

#[tokio::test]
async fn axe_finds_nothing_serious_on_the_main_screens_in_both_themes() {
    let app = App::launch(&["--demo"]).await;
    app.wait_for("[data-testid=ticket-row]").await;
    app.client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(140)),
            None,
            None,
        ))
        .await
        .expect("a longer script timeout for axe-core");
    let mut failed = Vec::new();

    for theme in ["light", "dark"] {
        use_theme(&app, theme).await;

        // The inbox with a ticket open: a Customer ticket, then a tracker with linked tickets.
        app.click("[data-testid=view-all]").await;
        app.click("[data-testid=ticket-row][data-index='0']").await;
        app.wait_for("[data-testid=ticket-detail]").await;
        app.wait_for("[data-testid=timeline-entry]").await;
        check(
            &app,
            &format!("{theme}: the inbox with a ticket open"),
            &mut failed,
        )
        .await;
        // The composer's macro picker.
        app.click("[data-testid=composer-macros]").await;
        app.wait_for("[data-testid=macro-option]").await;
        check(&app, &format!("{theme}: the macro picker"), &mut failed).await;
        app.press(&[ESCAPE]).await;
        until_gone(&app, "the picker closed", "[data-testid=macro-picker]").await;

        app.click("[data-testid=view-category-tracker]").await;
        app.click("[data-testid=ticket-row][data-index='0']").await;
        app.until(
            "a tracker open",
            "const c = document.querySelector('[data-testid=detail-category]');
             return c && c.textContent.trim() === 'Tracker';",
            vec![],
        )
        .await;
        check(&app, &format!("{theme}: a tracker open"), &mut failed).await;

        // Two trackers picked for a bulk action, and the bulk action's preview.
        app.js(
            "document.activeElement && document.activeElement.blur();",
            vec![],
        )
        .await;
        app.press(&['x', 'j', 'x']).await;
        app.wait_for("[data-testid=bulk-bar]").await;
        check(&app, &format!("{theme}: tickets picked"), &mut failed).await;
        app.press(&['e']).await;
        app.wait_for("[data-testid=bulk-preview] [data-testid=preview-summary]")
            .await;
        check(
            &app,
            &format!("{theme}: a bulk action's preview"),
            &mut failed,
        )
        .await;
        app.press(&[ESCAPE]).await;
        until_gone(
            &app,
            "the bulk preview closed",
            "[data-testid=bulk-preview]",
        )
        .await;
        app.press(&[ESCAPE]).await;
        until_gone(&app, "the picks let go", "[data-testid=bulk-bar]").await;

        // A conversation.
        app.click("[data-testid=view-conversations]").await;
        app.click("[data-testid=conversation-row]").await;
        app.wait_for("[data-testid=conversation-detail]").await;
        check(&app, &format!("{theme}: a conversation"), &mut failed).await;
        // Back to the tickets of the view.
        app.click("[data-testid=kind-tickets]").await;
        app.wait_for("[data-testid=ticket-row]").await;

        // The new-ticket form.
        app.click("[data-testid=new-ticket]").await;
        app.wait_for("[data-testid=create-ticket-form]").await;
        check(&app, &format!("{theme}: the new-ticket form"), &mut failed).await;
        app.press(&[ESCAPE]).await;
        until_gone(&app, "the form closed", "[data-testid=create-ticket-form]").await;

        // Settings.
        app.click("[data-testid=open-settings]").await;
        app.wait_for("[data-testid=settings] [data-testid=reply-email-delay]:not([disabled])")
            .await;
        check(&app, &format!("{theme}: settings"), &mut failed).await;
        app.click("[data-testid=settings-macros]").await;
        app.wait_for("[data-testid=macro-row]").await;
        check(&app, &format!("{theme}: settings, macros"), &mut failed).await;
        app.press(&[ESCAPE]).await;
        until_gone(&app, "settings closed", "[data-testid=settings]").await;

        // The command palette.
        app.press(&[CTRL, 'k']).await;
        app.wait_for("[data-testid=palette-item]").await;
        check(&app, &format!("{theme}: the command palette"), &mut failed).await;
        app.press(&[ESCAPE]).await;
        until_gone(&app, "the palette closed", "[data-testid=palette]").await;
    }

    assert!(
        failed.is_empty(),
        "axe-core found serious or critical violations (printed above) on:\n{}",
        failed.join("\n")
    );
    app.close().await;
}

#[tokio::test]
async fn the_keyboard_skips_to_the_list_and_stays_inside_dialogs() {
    let app = App::launch(&["--demo"]).await;
    app.wait_for("[data-testid=ticket-row]").await;

    // From the start, the first Tab stop is the skip link, and it shows.
    app.press(&[TAB]).await;
    let first = app
        .until(
            "the first Tab stop",
            "const e = document.activeElement; return e && e !== document.body && e.dataset.testid;",
            vec![],
        )
        .await;
    assert_eq!(
        first,
        json!("skip-to-list"),
        "the first Tab stop is {}",
        app.js(FOCUSED, vec![]).await
    );
    let shown = app
        .js(
            "const e = document.activeElement, r = e.getBoundingClientRect();
             return getComputedStyle(e).opacity === '1' && r.top >= 0 && r.left >= 0
               && r.width > 0 && e.textContent.trim() === 'Skip to list';",
            vec![],
        )
        .await;
    app.screenshot("skip-link");
    assert_eq!(shown, json!(true), "the skip link shows once focused");
    // The next stop skips to the open item; Enter on the first lands on the list.
    app.press(&[TAB]).await;
    assert_eq!(
        app.js("return document.activeElement.dataset.testid;", vec![])
            .await,
        json!("skip-to-item")
    );
    shift_tab(&app).await;
    app.press(&[ENTER]).await;
    app.until(
        "the list focused",
        "return document.activeElement?.dataset.testid === 'ticket-list';",
        vec![],
    )
    .await;
    // j opens a ticket from there; the second skip link then reaches its timeline.
    app.press(&['j']).await;
    app.wait_for("[data-testid=ticket-detail]").await;
    app.js(
        "document.querySelector('[data-testid=skip-to-item]').focus();",
        vec![],
    )
    .await;
    app.press(&[ENTER]).await;
    app.until(
        "the ticket's timeline focused",
        "const e = document.activeElement;
         return e && e.getAttribute('role') === 'region' && e.tabIndex === 0
           && !!e.closest('[data-testid=ticket-detail]');",
        vec![],
    )
    .await;

    // The command palette: Tab and Shift+Tab stay inside; Esc still closes it afterwards, and
    // the focus goes back to where it was.
    app.press(&[CTRL, 'k']).await;
    app.wait_for("[data-testid=palette-input]").await;
    app.until(
        "the palette's input focused",
        "return document.activeElement?.dataset.testid === 'palette-input';",
        vec![],
    )
    .await;
    tab_around(&app, "[data-testid=palette]", 6, 3).await;
    app.press(&[ESCAPE]).await;
    until_gone(
        &app,
        "Esc to close the palette after tabbing",
        "[data-testid=palette]",
    )
    .await;
    app.until(
        "the focus back on the timeline",
        "const e = document.activeElement;
         return e && e.getAttribute('role') === 'region' && !!e.closest('[data-testid=ticket-detail]');",
        vec![],
    )
    .await;

    // The new-ticket form: every control is reachable, none outside it.
    app.click("[data-testid=new-ticket]").await;
    app.wait_for("[data-testid=create-ticket-form]").await;
    let stops = tab_around(&app, "[role=dialog][aria-label='New ticket']", 30, 8).await;
    assert!(
        stops >= 4,
        "Tab reaches the form's controls ({stops} different ones)"
    );
    app.press(&[ESCAPE]).await;
    until_gone(&app, "the form closed", "[data-testid=create-ticket-form]").await;
    app.until(
        "the focus back on the New button",
        "return document.activeElement?.dataset.testid === 'new-ticket';",
        vec![],
    )
    .await;

    // Settings.
    app.click("[data-testid=open-settings]").await;
    app.wait_for("[data-testid=settings] [data-testid=reply-email-delay]:not([disabled])")
        .await;
    let stops = tab_around(&app, "[data-testid=settings]", 20, 6).await;
    assert!(stops >= 3, "Tab reaches the settings' controls ({stops})");
    app.press(&[ESCAPE]).await;
    until_gone(&app, "settings closed", "[data-testid=settings]").await;
    app.until(
        "the focus back on the settings button",
        "return document.activeElement?.dataset.testid === 'open-settings';",
        vec![],
    )
    .await;
    app.close().await;
}
