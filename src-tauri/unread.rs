//! The count of unread tickets, on the window: in its title (which every desktop shows, in
//! the task bar and window switcher) and as the launcher badge where the desktop has one.

use inbox_store::Store;
use tauri::{AppHandle, Manager, Runtime};

const TITLE: &str = "Teammate Inbox";

/// The window title for `unread` tickets.
pub fn title(unread: i64) -> String {
    match unread {
        0 => TITLE.to_owned(),
        1 => format!("{TITLE} — 1 unread ticket"),
        n => format!("{TITLE} — {n} unread tickets"),
    }
}

/// Shows the store's unread count on the main window.
pub fn show<R: Runtime>(app: &AppHandle<R>, store: &Store) {
    let unread = match store.unread_count() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("teammate-inbox: cannot count unread tickets: {e}");
            return;
        }
    };
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let _ = window.set_title(&title(unread));
    // Only some Linux desktops (Unity's launcher API) show badges; elsewhere this is a no-op.
    let _ = window.set_badge_count((unread > 0).then_some(unread));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_title_counts_unread_tickets() {
        assert_eq!(super::title(0), "Teammate Inbox");
        assert_eq!(super::title(1), "Teammate Inbox — 1 unread ticket");
        assert_eq!(super::title(12), "Teammate Inbox — 12 unread tickets");
    }
}
