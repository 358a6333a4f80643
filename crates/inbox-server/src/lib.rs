//! The Teammate Inbox server: the authority that applies the rules of `inbox-core` to every
//! change, keeps the change log clients sync from, and delivers customer notifications.

pub mod error;
pub mod storage;
