//! Webhooks: integrations hear of what happens to tickets, as Intercom's webhooks tell them.
//!
//! An admin registers an endpoint (a URL and the topics it wants). Every change applied by the
//! authority records its events in the same transaction (so none is lost, whatever crashes),
//! under ids that follow the change log's order; [`crate::webhook_delivery`] then posts them to
//! each endpoint in that order, signed with the endpoint's secret, one at a time, retrying
//! with back-off and pausing an endpoint that keeps failing. An endpoint only moves past an
//! event once its receiver answered 2xx, so each event arrives at least once, and a repeat
//! carries the same event id.

use std::collections::VecDeque;

use hmac::{Hmac, Mac};
use inbox_core::{Author, Millis, Mutation, Outcome, PartKind, TeammateId, TicketId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{Result, ServerError};
use crate::http::rest::Catalog;
use crate::storage::Kind;
use crate::workspace::Db;

/// The topics an endpoint may ask for, named as Intercom names them.
pub const TOPICS: [&str; 9] = [
    "ticket.created",
    "ticket.state.updated",
    "ticket.admin.assigned",
    "ticket.team.assigned",
    "ticket.contact.replied",
    "ticket.admin.replied",
    "ticket.note.created",
    "ticket.closed",
    "ticket.reopened",
];

/// Delivery attempts an endpoint keeps for its admin to look at.
const RECENT: usize = 20;

/// A registered endpoint, with where its deliveries are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub topics: Vec<String>,
    /// Signs every delivery; shown to the admin once, when the endpoint is made.
    pub secret: String,
    pub created_by: TeammateId,
    pub created_at: Millis,
    /// Off by an admin, or paused after failing again and again.
    pub active: bool,
    pub paused_reason: Option<String>,
    /// The last event delivered (or skipped as not subscribed); the next one follows it.
    pub after: String,
    /// Failed attempts at the current event, in a row.
    pub failures: u32,
    /// No attempt before this time (back-off after a failure).
    pub retry_at: Millis,
    /// A server process delivering to this endpoint holds it until then.
    pub lease_until: Millis,
    /// Which process (host:port, as email claims): a restarted one takes its own back at once.
    #[serde(default)]
    pub leased_by: Option<String>,
    pub recent: VecDeque<Attempt>,
}

/// One try at delivering one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = WebhookDelivery)]
pub struct Attempt {
    /// The event (replay from it with `replay_after`).
    pub event_id: String,
    pub topic: String,
    /// When, in milliseconds since 1970.
    #[schema(value_type = i64)]
    pub at: Millis,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

impl Endpoint {
    pub fn wants(&self, topic: &str) -> bool {
        self.topics.iter().any(|t| t == topic)
    }

    pub fn record(&mut self, attempt: Attempt) {
        self.recent.push_front(attempt);
        self.recent.truncate(RECENT);
    }
}

/// Checks an endpoint's URL and topics, whoever sends them.
pub fn validate(url: &str, topics: &[String]) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let host_ok = url
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    if !scheme_ok || !host_ok || url.len() > 2_000 || url.chars().any(char::is_whitespace) {
        return Err(ServerError::bad_request(
            "invalid_url",
            "A webhook's URL is an http:// or https:// address of at most 2,000 characters.",
        ));
    }
    if topics.is_empty() {
        return Err(ServerError::bad_request(
            "missing_field",
            format!("`topics` names at least one of: {}.", TOPICS.join(", ")),
        ));
    }
    if let Some(unknown) = topics.iter().find(|t| !TOPICS.contains(&t.as_str())) {
        return Err(ServerError::bad_request(
            "unknown_topic",
            format!(
                "\"{unknown}\" is not a topic; topics: {}.",
                TOPICS.join(", ")
            ),
        ));
    }
    Ok(())
}

/// An event as recorded, waiting for the endpoints that want it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub topic: String,
    pub ticket: TicketId,
    pub created_at: Millis,
    /// The ticket as the REST API shows it, right after the change.
    pub item: Value,
}

/// The Intercom-shaped notification an endpoint receives for `event`.
pub fn payload(event: &Event, attempts: u32) -> Value {
    json!({
        "type": "notification_event",
        "id": format!("notif_{}", event.id),
        "topic": event.topic,
        "created_at": event.created_at / 1000,
        "delivery_attempts": attempts,
        "data": {
            "type": "notification_event_data",
            "item": event.item,
        },
    })
}

/// The signature headers of a delivery: Intercom's `X-Hub-Signature` (HMAC-SHA1 of the body)
/// and a SHA-256 one for receivers that prefer it.
pub fn signatures(secret: &str, body: &[u8]) -> [(&'static str, String); 2] {
    let mut sha1 = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("any key length");
    sha1.update(body);
    let mut sha256 =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    sha256.update(body);
    [
        (
            "x-hub-signature",
            format!("sha1={}", hex::encode(sha1.finalize().into_bytes())),
        ),
        (
            "x-inbox-signature-256",
            format!("sha256={}", hex::encode(sha256.finalize().into_bytes())),
        ),
    ]
}

/// Every registered endpoint.
pub fn endpoints(db: &Db) -> Result<Vec<Endpoint>> {
    db.all(Kind::Webhook)
}

pub fn save(db: &Db, endpoint: &Endpoint) -> Result<()> {
    db.put(Kind::Webhook, &endpoint.id, endpoint)
}

/// The topics `outcome` of `mutation` by `actor` raises, ticket by ticket, in order.
fn topics_of(
    mutation: &Mutation,
    outcome: &Outcome,
    actor: Author,
) -> Vec<(&'static str, TicketId)> {
    let mut found = Vec::new();
    if let Mutation::CreateTicket(req) | Mutation::ConvertConversation { ticket: req, .. } =
        mutation
    {
        found.push(("ticket.created", req.id));
    }
    for part in outcome.parts() {
        let topic = match &part.kind {
            PartKind::StateChanged { .. } => "ticket.state.updated",
            PartKind::AssignmentChanged {
                teammate: Some(_), ..
            } => "ticket.admin.assigned",
            PartKind::AssignmentChanged { team: Some(_), .. } => "ticket.team.assigned",
            PartKind::Reply { .. } if matches!(actor, Author::Contact(_)) => {
                "ticket.contact.replied"
            }
            PartKind::Reply { .. } => "ticket.admin.replied",
            PartKind::Note { .. } => "ticket.note.created",
            PartKind::Closed { .. } => "ticket.closed",
            PartKind::Reopened => "ticket.reopened",
            _ => continue,
        };
        found.push((topic, part.ticket));
    }
    found
}

/// Records the events of an applied change, under the change's cursor, for the endpoints that
/// want them (on or off: one turned on again catches up). Nothing is read or written when no
/// endpoint wants any of them.
pub fn record(
    db: &Db,
    mutation: &Mutation,
    outcome: &Outcome,
    actor: Author,
    cursor: i64,
    now: Millis,
) -> Result<()> {
    let topics = topics_of(mutation, outcome, actor);
    if topics.is_empty() {
        return Ok(());
    }
    let endpoints = db.webhooks()?;
    let wanted: Vec<_> = topics
        .into_iter()
        // Paused and turned-off endpoints too: when on again, what happened meanwhile follows.
        .filter(|(topic, _)| endpoints.iter().any(|e| e.wants(topic)))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let catalog = Catalog::load(db)?;
    let tickets: Vec<&inbox_core::Ticket> = outcome.updated_tickets().collect();
    let mut docs = Vec::with_capacity(wanted.len());
    for (n, (topic, ticket)) in wanted.into_iter().enumerate() {
        let current = match tickets.iter().rev().find(|t| t.id == ticket) {
            Some(t) => (*t).clone(),
            None => inbox_core::Workspace::ticket(db, ticket)?,
        };
        let event = Event {
            id: format!("{cursor:020}-{n:06}"),
            topic: topic.to_owned(),
            ticket,
            created_at: now,
            item: serde_json::to_value(catalog.ticket(&current)).expect("resources serialise"),
        };
        docs.push((
            event.id.clone(),
            serde_json::to_string(&event).expect("events serialise"),
        ));
    }
    db.tx().put_many(Kind::WebhookEvent, &docs)
}
