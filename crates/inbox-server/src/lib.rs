//! The Teammate Inbox server: the authority that applies the rules of `inbox-core` to every
//! change, keeps the change log clients sync from, and delivers customer notifications.

pub mod error;
pub mod mail;
pub mod storage;
pub mod workspace;
pub mod auth;
pub mod authority;
pub mod notifications;
pub mod delivery;
pub mod http;
pub mod server;
pub mod setup;
