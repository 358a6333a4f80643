//! End-to-end tests: the real app binary, in a real window under Xvfb, driven over WebDriver
//! (tauri-driver + WebKitWebDriver). `make test` installs what they need and builds the app with
//! the UI embedded (`--features custom-protocol`).

mod account;
mod back_office;
mod conversations;
mod everyday;
mod harness;
mod inbox;
mod preview;
mod queue;
mod server;
mod sync;
mod ticket_rules;
mod webhooks;
