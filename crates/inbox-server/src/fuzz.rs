//! Entry points for fuzzing every decoder that takes input from outside: inbound email (MIME),
//! the sync push body, the REST search query and the Messenger's bodies. Each takes arbitrary
//! bytes and must return, whatever they are, without panicking, overflowing the stack or
//! taking unbounded time: a typed error is the only acceptable failure.
//!
//! `tests/fuzz.rs` runs them briefly in `make test` over mutated seeds; the `fuzz/` folder has
//! cargo-fuzz targets over the same functions for long runs before a release.

use inbox_core::{
    AttributeDef, Category, DataType, StateCategory, StateId, TicketState, TicketType, TicketTypeId,
};
use inbox_sync::PushRequest;

use crate::authority::check_client_id;
use crate::http::{translate_search, MessengerStateBody, ReplyBody};
use crate::mail::inbound::parse_reply;
use crate::storage::Dialect;

/// An inbound email, as the mail relay posts it.
pub fn inbound_email(data: &[u8]) {
    let _ = parse_reply(data, "inbound.example.test");
}

/// A `POST /sync/push` body, decoded and checked as the server does before applying.
pub fn push_body(data: &[u8]) {
    if let Ok(push) = serde_json::from_slice::<PushRequest>(data) {
        let _ = check_client_id(&push.client_id);
        for pending in &push.mutations {
            let _ = serde_json::to_vec(&pending.mutation);
        }
    }
}

/// A `POST /tickets/search` query, translated into a storage filter and rendered for both
/// backends.
pub fn search_query(data: &[u8]) {
    let states: Vec<TicketState> = StateCategory::ALL
        .into_iter()
        .enumerate()
        .map(|(i, c)| TicketState::default_for(StateId::from_parts(1, i as u128), c))
        .collect();
    let attributes = [
        ("order_id", DataType::Text),
        ("seats", DataType::Integer),
        ("amount", DataType::Decimal),
        ("urgent", DataType::Boolean),
        ("due", DataType::Date),
    ]
    .map(|(key, data_type)| AttributeDef::new(key, key, data_type));
    let ticket_type = TicketType::new(
        TicketTypeId::from_parts(1, 1),
        "Order",
        "",
        Category::Customer,
        attributes.to_vec(),
        states.iter().map(|s| s.id).collect(),
    );
    if let Ok(query) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Ok(filter) = translate_search(&query, &states, &[&ticket_type]) {
            for dialect in [Dialect::Sqlite, Dialect::Postgres] {
                let _ = filter.to_sql(dialect);
            }
        }
    }
}

/// The Messenger's request bodies.
pub fn messenger_bodies(data: &[u8]) {
    let _ = serde_json::from_slice::<MessengerStateBody>(data);
    if let Ok(reply) = serde_json::from_slice::<ReplyBody>(data) {
        let _ = inbox_core::limits::text("reply", &reply.body, inbox_core::limits::MAX_BODY);
    }
}
