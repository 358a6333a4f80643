//! The Teammate Inbox server: the authority that applies the rules of `inbox-core` to every
//! change, keeps the change log clients sync from, and delivers customer notifications.

pub mod auth;
pub mod authority;
pub mod blobs;
pub mod delivery;
pub mod error;
pub mod fuzz;
pub mod http;
pub mod mail;
pub mod notifications;
pub mod server;
pub mod setup;
pub mod snooze;
pub mod storage;
pub mod webhook_delivery;
pub mod webhooks;
pub mod workspace;
