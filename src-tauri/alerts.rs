//! Desktop notifications (notify-rust, over the session D-Bus) for the alerts `inbox-core`
//! and the store find in synced changes; clicking one opens its ticket or conversation in the
//! window.

use inbox_core::alerts::{Alert, Alerter};
use inbox_store::ConversationAlert;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::events::{OpenConversation, OpenTicket};

pub struct DesktopAlerts<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> DesktopAlerts<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        DesktopAlerts { app }
    }
}

impl<R: Runtime> DesktopAlerts<R> {
    /// Shows a notification saying `title` and `body`; a click runs `open`.
    fn show(&self, title: String, body: String, open: impl FnOnce(&AppHandle<R>) + Send + 'static) {
        let app = self.app.clone();
        // Showing waits for the notification server, and waiting for a click blocks: a thread.
        std::thread::spawn(move || {
            let shown = notify_rust::Notification::new()
                .appname("Teammate Inbox")
                .summary(&title)
                .body(&body)
                .action("default", "Open")
                .show();
            match shown {
                Ok(handle) => {
                    let mut open = Some(open);
                    handle.wait_for_action(|action| {
                        if action == "default" {
                            if let Some(open) = open.take() {
                                open(&app);
                            }
                        }
                    })
                }
                // No notification server (a bare session): the window still shows everything.
                Err(e) => eprintln!("teammate-inbox: cannot show a desktop notification: {e}"),
            }
        });
    }

    /// A conversation of mine that someone else assigned me, or where the customer wrote.
    pub fn conversation(&self, alert: &ConversationAlert) {
        let conversation = alert.conversation;
        self.show(alert.title.clone(), alert.body.clone(), move |app| {
            let _ = OpenConversation(conversation).emit(app);
        });
    }
}

impl<R: Runtime> Alerter for DesktopAlerts<R> {
    fn alert(&self, alert: &Alert) {
        let ticket = alert.ticket;
        self.show(alert.title.clone(), alert.body.clone(), move |app| {
            let _ = OpenTicket(ticket).emit(app);
        });
    }
}
