//! The count of unread tickets and conversations, on the window: in its title (which every
//! desktop shows, in the task bar and window switcher) and as the launcher badge where the
//! desktop has one.

use inbox_store::Store;
use tauri::{AppHandle, Manager, Runtime};

const TITLE: &str = "Teammate Inbox";

/// The window title for `tickets` unread tickets and `conversations` unread conversations.
pub fn title(tickets: i64, conversations: i64) -> String {
    let count = |n: i64, what: &str| match n {
        1 => format!("1 unread {what}"),
        n => format!("{n} unread {what}s"),
    };
    match (tickets, conversations) {
        (0, 0) => TITLE.to_owned(),
        (t, 0) => format!("{TITLE} — {}", count(t, "ticket")),
        (0, c) => format!("{TITLE} — {}", count(c, "conversation")),
        (t, c) => format!(
            "{TITLE} — {}, {}",
            count(t, "ticket"),
            count(c, "conversation")
        ),
    }
}

/// Shows the store's unread counts on the main window.
pub fn show<R: Runtime>(app: &AppHandle<R>, store: &Store) {
    let counts = store.unread_count().and_then(|tickets| {
        let conversations = store.unread_conversation_count(crate::startup::now_millis())?;
        Ok((tickets, conversations))
    });
    let (tickets, conversations) = match counts {
        Ok(counts) => counts,
        Err(e) => {
            eprintln!("teammate-inbox: cannot count unread tickets and conversations: {e}");
            return;
        }
    };
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let _ = window.set_title(&title(tickets, conversations));
    // Only some Linux desktops (Unity's launcher API) show badges; elsewhere this is a no-op.
    let unread = tickets + conversations;
    let _ = window.set_badge_count((unread > 0).then_some(unread));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_title_counts_unread_tickets_and_conversations() {
        assert_eq!(super::title(0, 0), "Teammate Inbox");
        assert_eq!(super::title(1, 0), "Teammate Inbox — 1 unread ticket");
        assert_eq!(super::title(12, 0), "Teammate Inbox — 12 unread tickets");
        assert_eq!(super::title(0, 1), "Teammate Inbox — 1 unread conversation");
        assert_eq!(
            super::title(2, 3),
            "Teammate Inbox — 2 unread tickets, 3 unread conversations"
        );
    }
}
