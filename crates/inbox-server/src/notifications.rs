//! Customer notifications on the server side: what `inbox_core::notify` plans for an outcome is
//! queued in the same transaction as the change (unseen Messenger badges, emails), and a
//! customer's Messenger state (open or collapsed, what they have seen) is kept per contact.

use std::collections::{BTreeMap, BTreeSet};

use inbox_core::notify::{
    plan_with_history, planned_parts, EmailDue, MessengerState, Notification, Reason,
};
use inbox_core::{ContactId, Millis, Outcome, Part, PartId, TicketId, Workspace};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::storage::{EmailRow, Kind};
use crate::workspace::{parse, Db};

/// One contact's Messenger, as the server knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Messenger {
    /// Open on the customer's screen: no launcher badge then (R4–R6). A customer never seen
    /// has it collapsed.
    #[serde(default)]
    pub open: bool,
    /// When the customer last looked at each ticket in the Messenger.
    #[serde(default)]
    pub seen: BTreeMap<TicketId, Millis>,
    /// The customer-facing state label each ticket was last announced with (R6a).
    #[serde(default)]
    pub told: BTreeMap<TicketId, String>,
}

pub fn messenger(db: &Db, contact: ContactId) -> Result<Messenger> {
    Ok(db
        .get(Kind::Messenger, &contact.to_string())?
        .unwrap_or_default())
}

pub fn put_messenger(db: &Db, contact: ContactId, m: &Messenger) -> Result<()> {
    db.put(Kind::Messenger, &contact.to_string(), m)
}

/// An email waiting in the queue (or sent, or dropped), as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedEmail {
    pub contact: ContactId,
    pub ticket: TicketId,
    /// Everything the email tells, merged over the notifications folded into it.
    pub reasons: Vec<Reason>,
    pub due: EmailDue,
    pub queued_at: Millis,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub sent_at: Option<Millis>,
    /// Why it was not sent, when dropped.
    #[serde(default)]
    pub dropped: Option<String>,
    /// The rendered email, fixed when first claimed for sending so a retry sends the same.
    #[serde(default)]
    pub rendered: Option<inbox_core::email::Email>,
}

/// Plans the outcome's customer notifications and queues them; returns the timeline parts
/// recording the plan on each ticket (already written).
pub fn queue(
    db: &Db,
    outcome: &Outcome,
    now: Millis,
    random: &mut dyn FnMut() -> u128,
) -> Result<Vec<Part>> {
    let contacts: BTreeSet<ContactId> = outcome
        .updated_tickets()
        .flat_map(|t| t.contacts.iter().copied())
        .collect();
    let mut messengers = BTreeMap::new();
    for contact in contacts {
        messengers.insert(contact, messenger(db, contact)?);
    }
    let messenger_state = |c: ContactId| MessengerState {
        collapsed: !messengers.get(&c).is_some_and(|m| m.open),
    };
    let told = |c: ContactId, t: TicketId| messengers.get(&c)?.told.get(&t).cloned();
    let states = db.states()?;
    let notifications = plan_with_history(
        outcome,
        &states,
        &messenger_state,
        &told,
        db.settings()?,
        now,
    );
    let tickets: BTreeMap<TicketId, &inbox_core::Ticket> =
        outcome.updated_tickets().map(|t| (t.id, t)).collect();
    for n in &notifications {
        mark_unseen(db, n)?;
        if let Some(due) = &n.email {
            queue_email(db, n, due.clone(), now, random)?;
        }
        let announces_state = n
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::Submitted | Reason::StateChanged { .. }));
        let label = tickets
            .get(&n.ticket)
            .and_then(|t| states.iter().find(|s| s.id == t.state_id));
        if let (true, Some(state)) = (announces_state, label) {
            let m = messengers.entry(n.contact).or_default();
            m.told.insert(n.ticket, state.customer_label.clone());
            put_messenger(db, n.contact, m)?;
        }
    }
    let parts = planned_parts(&notifications, now, random);
    for part in &parts {
        db.append_part(part)?;
    }
    Ok(parts)
}

fn unseen_key(contact: ContactId, ticket: TicketId) -> String {
    format!("{contact}/{ticket}")
}

/// Keeps the notification for the Messenger's badges until the customer sees the ticket.
fn mark_unseen(db: &Db, n: &Notification) -> Result<()> {
    let key = unseen_key(n.contact, n.ticket);
    let merged = match db.get::<Notification>(Kind::Unseen, &key)? {
        Some(mut old) => {
            old.reasons.extend(n.reasons.iter().cloned());
            old.channels.extend(n.channels.iter().copied());
            old.channels.sort();
            old.channels.dedup();
            old
        }
        None => n.clone(),
    };
    db.put(Kind::Unseen, &key, &merged)
}

/// The notifications `contact` has not seen yet.
pub fn unseen(db: &Db, contact: ContactId) -> Result<Vec<Notification>> {
    let rows = db.tx().list_prefix(Kind::Unseen, &format!("{contact}/"))?;
    rows.iter()
        .map(|(_, doc)| parse("notification", doc))
        .collect()
}

/// The customer looked at the ticket in the Messenger: its badges go, and replies sent so far
/// count as seen for the reply-email delay (R5).
pub fn mark_seen(db: &Db, contact: ContactId, ticket: TicketId, now: Millis) -> Result<()> {
    let mut m = messenger(db, contact)?;
    m.seen.insert(ticket, now);
    put_messenger(db, contact, &m)?;
    db.tx().delete(Kind::Unseen, &unseen_key(contact, ticket))
}

/// The parts of `ticket` that `contact` has seen in the Messenger.
pub fn seen_parts(db: &Db, contact: ContactId, ticket: TicketId) -> Result<Vec<PartId>> {
    let Some(seen_at) = messenger(db, contact)?.seen.get(&ticket).copied() else {
        return Ok(Vec::new());
    };
    Ok(db
        .timeline(ticket)?
        .into_iter()
        .filter(|p| p.created_at <= seen_at)
        .map(|p| p.id)
        .collect())
}

/// Folds the email into one still pending for the same contact and ticket (R5's batching), or
/// queues a new one.
fn queue_email(
    db: &Db,
    n: &Notification,
    due: EmailDue,
    now: Millis,
    random: &mut dyn FnMut() -> u128,
) -> Result<()> {
    let (contact, ticket) = (n.contact.to_string(), n.ticket.to_string());
    let pending = db.tx().pending_email(&contact, &ticket)?;
    let (id, email) = match pending {
        Some(row) => {
            let mut email: QueuedEmail = parse("queued email", &row.doc)?;
            email.due = email.due.merge(due);
            email.reasons.extend(n.reasons.iter().cloned());
            (row.id, email)
        }
        None => (
            ulid::Ulid::from_parts(now.max(0) as u64, random()).to_string(),
            QueuedEmail {
                contact: n.contact,
                ticket: n.ticket,
                reasons: n.reasons.clone(),
                due,
                queued_at: now,
                attempts: 0,
                sent_at: None,
                dropped: None,
                rendered: None,
            },
        ),
    };
    put_email(db, &id, "pending", email.due.at(), &email)
}

pub fn put_email(db: &Db, id: &str, status: &str, due_at: Millis, e: &QueuedEmail) -> Result<()> {
    db.tx().put_email(&EmailRow {
        id: id.to_owned(),
        contact_id: e.contact.to_string(),
        ticket_id: e.ticket.to_string(),
        status: status.to_owned(),
        due_at,
        doc: serde_json::to_string(e).expect("queued emails serialise"),
    })
}

/// The bodies of the teammate replies an email carries, oldest first.
pub fn reply_bodies(db: &Db, email: &QueuedEmail) -> Result<Vec<String>> {
    let parts: BTreeSet<PartId> = email
        .reasons
        .iter()
        .flat_map(|r| match r {
            Reason::TeammateReplied { parts } => parts.clone(),
            _ => Vec::new(),
        })
        .collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(db
        .timeline(email.ticket)?
        .into_iter()
        .filter(|p| parts.contains(&p.id))
        .filter_map(|p| match p.kind {
            inbox_core::PartKind::Reply { body } => Some(body),
            _ => None,
        })
        .collect())
}
