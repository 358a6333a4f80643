//! A tracker that many customers reported: the R13 worst case, for tests and benchmarks.

use inbox_core::{
    Category, CreateTicket, DataType, Millis, NewTicket, Ticket, TicketId, TicketType,
};
use inbox_store::{Store, StoreError};
use serde_json::json;

use crate::rng::Rng;

/// Adds, in one transaction, a tracker and `linked` new customer tickets linked to it (spread
/// over the workspace's contacts) to a seeded workspace. Returns the tracker's id.
pub fn add_big_tracker(
    store: &mut Store,
    linked: usize,
    now: Millis,
) -> Result<TicketId, StoreError> {
    store.write(|store| {
        let mut rng = Rng::new(linked as u64 ^ 0xb16_7ac4e2);
        let types = store.ticket_types()?;
        let states = store.states()?;
        let brand = store.default_brand()?.id;
        let contacts = store.contacts()?;
        let of = |category: Category| types.iter().find(|t| t.category == category && !t.archived);
        let (Some(tracker_type), Some(customer_type)) =
            (of(Category::Tracker), of(Category::Customer))
        else {
            return Err(inbox_core::CoreError::NotFound {
                kind: "ticket type",
                id: "tracker or customer".into(),
            }
            .into());
        };
        let mut number = store.next_ticket_number()?;
        let mut create = |ticket_type: &TicketType, title: String, contact: Option<_>| {
            let req = CreateTicket {
                contacts: contact.into_iter().collect(),
                ..CreateTicket::new(
                    TicketId::from_parts(now as u64, rng.u128()),
                    ticket_type.id,
                    required_fields(ticket_type, title),
                )
            };
            number += 1;
            Ticket::create(req, ticket_type, &states, brand, Some(number - 1), now)
        };
        let tracker = create(
            tracker_type,
            "Exports time out for large workspaces".into(),
            None,
        )?;
        store.insert_ticket(&tracker)?;
        for i in 0..linked {
            let contact = contacts.get(i % contacts.len().max(1)).map(|c| c.id);
            let mut ticket = create(
                customer_type,
                format!("Export never finishes ({})", i + 1),
                contact,
            )?;
            ticket.tracker = Some(tracker.id);
            store.insert_ticket(&ticket)?;
        }
        Ok(tracker.id)
    })
}

/// The title plus a first valid value for each required attribute.
fn required_fields(ticket_type: &TicketType, title: String) -> NewTicket {
    let mut fields = NewTicket::default();
    fields.attributes.insert("title".into(), json!(title));
    for def in ticket_type
        .attributes
        .iter()
        .filter(|a| a.required_to_create && !a.built_in)
    {
        let value = match &def.data_type {
            DataType::Text | DataType::LongText => json!("n/a"),
            DataType::Integer => json!(1),
            DataType::Decimal => json!(1.0),
            DataType::Boolean => json!(false),
            DataType::List { options } => json!(options[0]),
            DataType::Date => json!("2026-01-01"),
        };
        fields.attributes.insert(def.key.clone(), value);
    }
    fields
}
