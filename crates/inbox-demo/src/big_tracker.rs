//! A tracker that many customers reported: the R13 worst case, for tests and benchmarks.

use inbox_core::{
    Category, CoreError, CreateTicket, DataType, Millis, NewTicket, Ticket, TicketId, TicketType,
};
use serde_json::json;

use crate::rng::Rng;
use crate::{Sink, Workspace};

/// Adds a tracker and `linked` customer tickets linked to it (spread over the workspace's
/// contacts), numbered from `number`. Returns the tracker's id.
pub(crate) fn add<S: Sink>(
    sink: &S,
    ws: &Workspace,
    linked: usize,
    mut number: i64,
    now: Millis,
) -> Result<TicketId, S::Error> {
    let mut rng = Rng::new(linked as u64 ^ 0xb16_7ac4e2);
    let of = |category: Category| {
        ws.types
            .iter()
            .find(|t| t.category == category && !t.archived)
    };
    let (Some(tracker_type), Some(customer_type)) = (of(Category::Tracker), of(Category::Customer))
    else {
        return Err(CoreError::NotFound {
            kind: "ticket type",
            id: "tracker or customer".into(),
        }
        .into());
    };
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
        Ticket::create(
            req,
            ticket_type,
            &ws.states,
            ws.default_brand,
            Some(number - 1),
            now,
        )
    };
    let tracker = create(
        tracker_type,
        "CSV export times out for large workspaces".into(),
        None,
    )?;
    sink.insert_ticket(&tracker)?;
    for i in 0..linked {
        let contact = ws.contacts.get(i % ws.contacts.len().max(1)).map(|c| c.id);
        let mut ticket = create(
            customer_type,
            format!("CSV export never finishes ({})", i + 1),
            contact,
        )?;
        ticket.tracker = Some(tracker.id);
        sink.insert_ticket(&ticket)?;
    }
    Ok(tracker.id)
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
