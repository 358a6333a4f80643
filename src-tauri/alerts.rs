//! Desktop notifications (notify-rust, over the session D-Bus) for the alerts `inbox-core`
//! finds in synced changes; clicking one opens its ticket in the window.

use inbox_core::alerts::{Alert, Alerter};
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::events::OpenTicket;

pub struct DesktopAlerts<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> DesktopAlerts<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        DesktopAlerts { app }
    }
}

impl<R: Runtime> Alerter for DesktopAlerts<R> {
    fn alert(&self, alert: &Alert) {
        let (app, alert) = (self.app.clone(), alert.clone());
        // Showing waits for the notification server, and waiting for a click blocks: a thread.
        std::thread::spawn(move || {
            let shown = notify_rust::Notification::new()
                .appname("Teammate Inbox")
                .summary(&alert.title)
                .body(&alert.body)
                .action("default", "Open")
                .show();
            match shown {
                Ok(handle) => handle.wait_for_action(|action| {
                    if action == "default" {
                        let _ = OpenTicket(alert.ticket).emit(&app);
                    }
                }),
                // No notification server (a bare session): the window still shows everything.
                Err(e) => eprintln!("teammate-inbox: cannot show a desktop notification: {e}"),
            }
        });
    }
}
