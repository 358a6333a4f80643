//! Customer notifications on the server side: what `inbox_core::notify` plans for an outcome is
//! queued in the same transaction as the change (unseen Messenger badges, emails), and a
//! customer's Messenger state (open or collapsed, what they have seen) is kept per contact.

use std::collections::{BTreeMap, BTreeSet};

use inbox_core::email::{email_replies, EmailReply};
use inbox_core::notify::{
    plan_with_history, planned_parts, EmailDue, MessengerState, Notification, Reason, Thread,
};
use inbox_core::{
    ContactId, ConversationId, Millis, Outcome, Part, PartId, PartKind, TicketId, Workspace,
};
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
    /// When the customer last looked at each of their conversations in the Messenger.
    #[serde(default)]
    pub seen_conversations: BTreeMap<ConversationId, Millis>,
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
    /// Stored as `"ticket": ID` or `"conversation": ID`; none for an email about the
    /// customer's account (a sign-in code), which is `rendered` when queued.
    #[serde(flatten)]
    pub about: Option<Thread>,
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
    /// The process that took it for sending (see `EmailConfig::claimer`).
    #[serde(default)]
    pub claimed_by: Option<String>,
    /// Why it could never be sent, when failed (a relay refused it for good, or it could not
    /// be built).
    #[serde(default)]
    pub failed: Option<String>,
    /// The rendered email, fixed when first claimed for sending so a retry sends the same.
    #[serde(default)]
    pub rendered: Option<inbox_core::email::Email>,
    /// The files the rendered email carries as attachments, fixed with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached: Vec<inbox_core::AttachmentId>,
}

/// Plans the outcome's customer notifications and queues them; returns the timeline parts
/// recording the plan on each ticket (already written). Reads and writes go in batches: a
/// tracker change notifies the customers of thousands of tickets.
pub fn queue(
    db: &Db,
    outcome: &Outcome,
    now: Millis,
    random: &mut dyn FnMut() -> u128,
) -> Result<Vec<Part>> {
    // Most mutations (notes, assignments…) tell customers nothing: no reads for them.
    if !outcome
        .effects
        .iter()
        .any(|e| matches!(e, inbox_core::Effect::Customer(_)))
    {
        return Ok(Vec::new());
    }
    let conversation_contacts = outcome.changes.iter().filter_map(|c| match c {
        inbox_core::Change::PutConversation(c) => Some(c.contact),
        _ => None,
    });
    let contacts: BTreeSet<ContactId> = outcome
        .updated_tickets()
        .flat_map(|t| t.contacts.iter().copied())
        .chain(conversation_contacts)
        .collect();
    let mut messengers = messengers(db, &contacts)?;
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
    if notifications.is_empty() {
        return Ok(Vec::new());
    }
    mark_unseen(db, &notifications)?;
    queue_emails(db, &notifications, now, random)?;
    remember_told(db, &mut messengers, &notifications, outcome, &states)?;
    let parts = planned_parts(&notifications, now, random);
    db.append_parts(&parts)?;
    Ok(parts)
}

fn messengers(db: &Db, contacts: &BTreeSet<ContactId>) -> Result<BTreeMap<ContactId, Messenger>> {
    let ids: Vec<String> = contacts.iter().map(|c| c.to_string()).collect();
    let found: BTreeMap<String, String> = db
        .tx()
        .get_many(Kind::Messenger, &ids)?
        .into_iter()
        .collect();
    contacts
        .iter()
        .map(|c| {
            let m = match found.get(&c.to_string()) {
                Some(doc) => parse("messenger", doc)?,
                None => Messenger::default(),
            };
            Ok((*c, m))
        })
        .collect()
}

/// R6a: remembers which state label each contact was just told about.
fn remember_told(
    db: &Db,
    messengers: &mut BTreeMap<ContactId, Messenger>,
    notifications: &[Notification],
    outcome: &Outcome,
    states: &[inbox_core::TicketState],
) -> Result<()> {
    let tickets: BTreeMap<TicketId, &inbox_core::Ticket> =
        outcome.updated_tickets().map(|t| (t.id, t)).collect();
    let mut changed = BTreeSet::new();
    for n in notifications {
        let announces_state = n
            .reasons
            .iter()
            .any(|r| matches!(r, Reason::Submitted | Reason::StateChanged { .. }));
        let Thread::Ticket(ticket) = n.about else {
            continue;
        };
        let state = tickets
            .get(&ticket)
            .and_then(|t| states.iter().find(|s| s.id == t.state_id));
        if let (true, Some(state)) = (announces_state, state) {
            let m = messengers.entry(n.contact).or_default();
            m.told.insert(ticket, state.customer_label.clone());
            changed.insert(n.contact);
        }
    }
    let docs: Vec<(String, String)> = changed
        .iter()
        .map(|c| (c.to_string(), to_doc(&messengers[c])))
        .collect();
    db.tx().put_many(Kind::Messenger, &docs)
}

fn to_doc<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("notification state serialises")
}

/// Adds reasons not already there: a ticket flipping between two states while the customer is
/// away is two pieces of news, not one per flip.
fn extend_reasons(reasons: &mut Vec<Reason>, new: &[Reason]) {
    for reason in new {
        if !reasons.contains(reason) {
            reasons.push(reason.clone());
        }
    }
}

fn unseen_key(contact: ContactId, about: Thread) -> String {
    format!("{contact}/{about}")
}

/// Keeps each notification for the Messenger's badges until the customer sees the ticket.
fn mark_unseen(db: &Db, notifications: &[Notification]) -> Result<()> {
    let keys: Vec<String> = notifications
        .iter()
        .map(|n| unseen_key(n.contact, n.about))
        .collect();
    let mut unseen: BTreeMap<String, Notification> = BTreeMap::new();
    for (key, doc) in db.tx().get_many(Kind::Unseen, &keys)? {
        unseen.insert(key, parse("notification", &doc)?);
    }
    for (key, n) in keys.iter().zip(notifications) {
        match unseen.get_mut(key) {
            Some(old) => {
                extend_reasons(&mut old.reasons, &n.reasons);
                old.channels.extend(n.channels.iter().copied());
                old.channels.sort();
                old.channels.dedup();
            }
            None => {
                unseen.insert(key.clone(), n.clone());
            }
        }
    }
    let docs: Vec<(String, String)> = unseen.iter().map(|(k, n)| (k.clone(), to_doc(n))).collect();
    db.tx().put_many(Kind::Unseen, &docs)
}

/// The notifications `contact` has not seen yet.
pub fn unseen(db: &Db, contact: ContactId) -> Result<Vec<Notification>> {
    let rows = db.tx().list_prefix(Kind::Unseen, &format!("{contact}/"))?;
    rows.iter()
        .map(|(_, doc)| parse("notification", doc))
        .collect()
}

/// The customer looked at the ticket or conversation in the Messenger: its badges go, and
/// replies sent so far count as seen for the reply-email delay (R5).
pub fn mark_seen(db: &Db, contact: ContactId, about: Thread, now: Millis) -> Result<()> {
    let mut m = messenger(db, contact)?;
    match about {
        Thread::Ticket(ticket) => m.seen.insert(ticket, now),
        Thread::Conversation(conversation) => m.seen_conversations.insert(conversation, now),
    };
    put_messenger(db, contact, &m)?;
    db.tx().delete(Kind::Unseen, &unseen_key(contact, about))
}

/// The parts of the ticket or conversation that `contact` has seen in the Messenger.
pub fn seen_parts(db: &Db, contact: ContactId, about: Thread) -> Result<Vec<PartId>> {
    let m = messenger(db, contact)?;
    let seen_at = match about {
        Thread::Ticket(ticket) => m.seen.get(&ticket),
        Thread::Conversation(conversation) => m.seen_conversations.get(&conversation),
    };
    let Some(&seen_at) = seen_at else {
        return Ok(Vec::new());
    };
    Ok(messages(db, about)?
        .into_iter()
        .filter(|p| p.created_at <= seen_at)
        .map(|p| p.id)
        .collect())
}

/// A timeline entry of a ticket or a conversation, as the notifications read it.
struct Entry {
    id: PartId,
    created_at: Millis,
    kind: PartKind,
    attachments: Vec<inbox_core::AttachmentId>,
}

/// The timeline of the ticket or conversation, oldest first.
fn messages(db: &Db, about: Thread) -> Result<Vec<Entry>> {
    let entry = |id, created_at, kind, attachments| Entry {
        id,
        created_at,
        kind,
        attachments,
    };
    Ok(match about {
        Thread::Ticket(ticket) => db
            .timeline(ticket)?
            .into_iter()
            .map(|p| entry(p.id, p.created_at, p.kind, p.attachments))
            .collect(),
        Thread::Conversation(conversation) => db
            .conversation_timeline(conversation)?
            .into_iter()
            .map(|p| entry(p.id, p.created_at, p.kind, p.attachments))
            .collect(),
    })
}

/// Folds each email into one still pending for the same contact and ticket (R5's batching),
/// or queues a new one.
fn queue_emails(
    db: &Db,
    notifications: &[Notification],
    now: Millis,
    random: &mut dyn FnMut() -> u128,
) -> Result<()> {
    let emailed: Vec<(&Notification, &EmailDue)> = notifications
        .iter()
        .filter_map(|n| Some((n, n.email.as_ref()?)))
        .collect();
    let pairs: Vec<(String, String)> = emailed
        .iter()
        .map(|(n, _)| (n.contact.to_string(), n.about.to_string()))
        .collect();
    let mut pending: BTreeMap<(String, String), (String, QueuedEmail)> = BTreeMap::new();
    for row in db.tx().pending_emails(&pairs)? {
        let email = parse("queued email", &row.doc)?;
        pending.insert((row.contact_id, row.ticket_id), (row.id, email));
    }
    for (pair, (n, due)) in pairs.into_iter().zip(emailed) {
        match pending.get_mut(&pair) {
            Some((_, email)) => {
                email.due = email.due.clone().merge(due.clone());
                extend_reasons(&mut email.reasons, &n.reasons);
            }
            None => {
                let id = ulid::Ulid::from_parts(now.max(0) as u64, random()).to_string();
                let email = QueuedEmail {
                    contact: n.contact,
                    about: Some(n.about),
                    reasons: n.reasons.clone(),
                    due: due.clone(),
                    queued_at: now,
                    attempts: 0,
                    sent_at: None,
                    dropped: None,
                    failed: None,
                    claimed_by: None,
                    rendered: None,
                    attached: Vec::new(),
                };
                pending.insert(pair, (id, email));
            }
        }
    }
    let rows: Vec<EmailRow> = pending
        .values()
        .map(|(id, e)| email_row(id, "pending", e.due.at(), e))
        .collect();
    db.tx().put_emails(&rows)
}

fn email_row(id: &str, status: &str, due_at: Millis, e: &QueuedEmail) -> EmailRow {
    EmailRow {
        id: id.to_owned(),
        contact_id: e.contact.to_string(),
        ticket_id: e.about.map(|a| a.to_string()).unwrap_or_default(),
        status: status.to_owned(),
        due_at,
        doc: to_doc(e),
    }
}

pub fn put_email(db: &Db, id: &str, status: &str, due_at: Millis, e: &QueuedEmail) -> Result<()> {
    db.tx().put_email(&email_row(id, status, due_at, e))
}

/// The teammate replies an email carries, oldest first, with their files: attached while
/// they fit in the email, linked to the Messenger past that (see `inbox_core::email`).
pub fn reply_bodies(db: &Db, email: &QueuedEmail) -> Result<Vec<EmailReply>> {
    let parts: BTreeSet<PartId> = email
        .reasons
        .iter()
        .flat_map(|r| match r {
            Reason::TeammateReplied { parts } => parts.clone(),
            _ => Vec::new(),
        })
        .collect();
    let Some(about) = email.about.filter(|_| !parts.is_empty()) else {
        return Ok(Vec::new());
    };
    let replies: Vec<Entry> = messages(db, about)?
        .into_iter()
        .filter(|p| parts.contains(&p.id) && matches!(p.kind, PartKind::Reply { .. }))
        .collect();
    let files = crate::http::attachment_records(db, replies.iter().flat_map(|p| &p.attachments))?;
    Ok(email_replies(
        replies
            .into_iter()
            .filter_map(|p| {
                let PartKind::Reply { body } = p.kind else {
                    return None;
                };
                // A file whose record is gone is left out, as in the Messenger.
                let records = p
                    .attachments
                    .iter()
                    .filter_map(|id| files.get(id).cloned().map(Some))
                    .collect();
                Some((body, records))
            })
            .collect(),
    ))
}

/// Queues an email about the customer's account itself (a sign-in code): already rendered,
/// due now, and sent through the same queue, retries and relay as every other.
pub fn queue_account_email(
    db: &Db,
    contact: ContactId,
    email: inbox_core::email::Email,
    now: Millis,
    random: u128,
) -> Result<()> {
    let id = ulid::Ulid::from_parts(now.max(0) as u64, random).to_string();
    let queued = QueuedEmail {
        contact,
        about: None,
        reasons: Vec::new(),
        due: EmailDue::Now { at: now },
        queued_at: now,
        attempts: 0,
        sent_at: None,
        dropped: None,
        failed: None,
        claimed_by: None,
        rendered: Some(email),
        attached: Vec::new(),
    };
    put_email(db, &id, "pending", now, &queued)
}
