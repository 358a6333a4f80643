//! End-to-end tests: the real app binary, in a real window under Xvfb, driven over WebDriver
//! (tauri-driver + WebKitWebDriver). `make test` installs what they need and builds the app with
//! the UI embedded (`--features custom-protocol`). The customer's Messenger, a web page of the
//! server, is tested in headless Chromium instead (browser.rs, messenger.rs).

mod accessibility;
mod account;
mod attachments;
mod back_office;
mod browser;
mod bulk;
mod conversations;
mod everyday;
mod harness;
mod inbox;
mod list_stability;
mod macros;
mod mentions;
mod messenger;
mod navigation;
mod new_ticket;
mod preview;
mod preview_matches_messenger;
mod queue;
mod rich_text;
mod server;
mod snooze;
mod sync;
mod ticket_rules;
mod triage;
mod undo;
mod unread;
mod webhooks;
