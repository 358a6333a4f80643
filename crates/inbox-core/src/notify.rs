//! The customer-notification planner (R4–R9): from what a mutation caused, which contacts hear
//! about it, through which channels, and when their email is due. Pure: the contacts' Messenger
//! state, the workspace settings and the time are passed in. The app's preview and the server's
//! delivery both call [`plan`], so they cannot disagree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::notification::{Channel, EmailDecision, EmailDue, Notification, Reason};

use crate::email::{render, Email, EmailInput};
use crate::messenger::{customer_view, MessengerTicket};
use crate::{
    Author, Contact, ContactId, CoreError, CustomerEvent, Effect, Millis, Outcome, Part, PartId,
    PartKind, StateCategory, StateId, Ticket, TicketId, TicketState, Workspace,
};

/// The reply-email delay when the workspace has not set one (Intercom uses 3 minutes).
pub const DEFAULT_REPLY_EMAIL_DELAY: Millis = 3 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationSettings {
    /// How long a teammate's reply waits for the customer to see it in the Messenger before it
    /// is emailed (R5).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub reply_email_delay: Millis,
}

impl NotificationSettings {
    /// Settings with a reply-email delay, which must be between 0 and 24 hours.
    pub fn with_reply_email_delay(delay: Millis) -> Result<NotificationSettings, CoreError> {
        if !(0..=24 * 60 * 60 * 1000).contains(&delay) {
            return Err(CoreError::InvalidReplyEmailDelay {
                minutes: delay / 60_000,
            });
        }
        Ok(NotificationSettings {
            reply_email_delay: delay,
        })
    }
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            reply_email_delay: DEFAULT_REPLY_EMAIL_DELAY,
        }
    }
}

/// What the planner needs to know of one contact's Messenger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessengerState {
    /// Collapsed (or closed): only then does the Messenger badge show (R4–R6).
    pub collapsed: bool,
}

/// Plans every customer notification an outcome causes. `tickets` are the tickets as they are
/// after the mutation (those the outcome rewrote are taken from it); `messenger` gives a contact's
/// Messenger state. Internal notes, unshared tickets and trackers never appear in an outcome's
/// customer events, so they notify nobody (R7).
pub fn plan(
    outcome: &Outcome,
    states: &[TicketState],
    messenger: &dyn Fn(ContactId) -> MessengerState,
    settings: NotificationSettings,
    now: Millis,
) -> Vec<Notification> {
    plan_with_history(outcome, states, messenger, &|_, _| None, settings, now)
}

/// [`plan`], knowing the customer-facing state label each contact was last told about for a
/// ticket (`told`): re-entering that label is no news to them either (R6a).
pub fn plan_with_history(
    outcome: &Outcome,
    states: &[TicketState],
    messenger: &dyn Fn(ContactId) -> MessengerState,
    told: &dyn Fn(ContactId, TicketId) -> Option<String>,
    settings: NotificationSettings,
    now: Millis,
) -> Vec<Notification> {
    let tickets: BTreeMap<TicketId, &Ticket> =
        outcome.updated_tickets().map(|t| (t.id, t)).collect();
    let category = |state: StateId| states.iter().find(|s| s.id == state);
    // One notification per (ticket, contact): a reply and a state change together badge both
    // spaces and send one email (R8).
    let mut planned: BTreeMap<(TicketId, ContactId), Notification> = BTreeMap::new();
    for event in outcome.effects.iter().filter_map(|e| match e {
        Effect::Customer(event) => Some(event),
        _ => None,
    }) {
        let (ticket_id, reason) = match event {
            CustomerEvent::TeammateRepliedInConversation { .. } => continue,
            CustomerEvent::Submitted { ticket } => (*ticket, Reason::Submitted),
            CustomerEvent::TeammateReplied { ticket, part } => {
                (*ticket, Reason::TeammateReplied { parts: vec![*part] })
            }
            CustomerEvent::StateChanged { ticket, from, to } => {
                // R6a: two internal states customers see under one label are no news to them.
                let label = |s: &StateId| category(*s).map(|s| s.customer_label.as_str());
                if label(from) == label(to) {
                    continue;
                }
                (
                    *ticket,
                    Reason::StateChanged {
                        from: *from,
                        to: *to,
                    },
                )
            }
        };
        let Some(ticket) = tickets.get(&ticket_id) else {
            continue;
        };
        if !ticket.shared {
            continue; // R3a, R7: belt and braces; the core only emits events for shared tickets.
        }
        for contact in &ticket.contacts {
            if let Reason::StateChanged { to, .. } = &reason {
                let to_label = category(*to).map(|s| s.customer_label.as_str());
                if told(*contact, ticket.id)
                    .as_deref()
                    .is_some_and(|t| Some(t) == to_label)
                {
                    continue;
                }
            }
            let entry = planned
                .entry((ticket.id, *contact))
                .or_insert_with(|| Notification {
                    contact: *contact,
                    ticket: ticket.id,
                    reasons: Vec::new(),
                    channels: Vec::new(),
                    email: None,
                });
            match (&mut entry.reasons.last_mut(), &reason) {
                // Consecutive replies in one outcome make one reason.
                (
                    Some(Reason::TeammateReplied { parts }),
                    Reason::TeammateReplied { parts: new },
                ) => parts.extend(new),
                _ => entry.reasons.push(reason.clone()),
            }
        }
    }
    planned
        .into_values()
        .map(|mut n| {
            let ticket = tickets[&n.ticket];
            let resolved =
                category(ticket.state_id).is_some_and(|s| s.category == StateCategory::Resolved);
            n.channels = channels(&n.reasons, messenger(n.contact), resolved);
            n.email = email_due(&n.reasons, settings, now);
            n
        })
        .collect()
}

fn channels(reasons: &[Reason], messenger: MessengerState, resolved: bool) -> Vec<Channel> {
    let mut channels = Vec::new();
    if messenger.collapsed {
        channels.push(Channel::MessengerBadge);
    }
    if !resolved {
        channels.push(Channel::RecentTickets); // R9: resolved tickets never appear on the card.
    }
    let ticket_news = reasons
        .iter()
        .any(|r| matches!(r, Reason::Submitted | Reason::StateChanged { .. }));
    let message = reasons
        .iter()
        .any(|r| matches!(r, Reason::TeammateReplied { .. }));
    if ticket_news {
        channels.push(Channel::TicketsSpaceBadge);
    }
    if message {
        channels.push(Channel::MessagesSpaceBadge);
    }
    if reasons.iter().any(|r| matches!(r, Reason::Submitted)) {
        channels.push(Channel::ThreadEvent);
    }
    channels.push(Channel::Email);
    channels
}

/// Submissions and state changes email at once; a reply alone waits for the delay, unless seen.
fn email_due(reasons: &[Reason], settings: NotificationSettings, now: Millis) -> Option<EmailDue> {
    let immediate = reasons
        .iter()
        .any(|r| matches!(r, Reason::Submitted | Reason::StateChanged { .. }));
    if immediate {
        return Some(EmailDue::Now { at: now });
    }
    let parts: Vec<PartId> = reasons
        .iter()
        .flat_map(|r| match r {
            Reason::TeammateReplied { parts } => parts.clone(),
            _ => Vec::new(),
        })
        .collect();
    (!parts.is_empty()).then(|| EmailDue::UnlessSeen {
        at: now + settings.reply_email_delay,
        parts,
    })
}

/// One notification with everything needed to show or send it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Delivery {
    pub notification: Notification,
    pub contact: Contact,
    /// The ticket as the customer sees it.
    pub ticket: MessengerTicket,
    pub email: Option<Email>,
}

/// Plans an outcome's notifications and renders each one's email: what the app previews before
/// the teammate acts is what the server later delivers.
pub fn deliveries<W: Workspace>(
    ws: &W,
    outcome: &Outcome,
    messenger: &dyn Fn(ContactId) -> MessengerState,
    settings: NotificationSettings,
    now: Millis,
    reply_to: &dyn Fn(TicketId) -> String,
) -> Result<Vec<Delivery>, W::Error> {
    let states = ws.states()?;
    let tickets: BTreeMap<TicketId, &Ticket> =
        outcome.updated_tickets().map(|t| (t.id, t)).collect();
    let mut out = Vec::new();
    for notification in plan(outcome, &states, messenger, settings, now) {
        let ticket = tickets[&notification.ticket];
        let ticket_type = ws.ticket_type(ticket.type_id)?;
        let Some(view) = customer_view(ticket, std::slice::from_ref(&ticket_type), &states) else {
            continue;
        };
        let contact = ws.contact(notification.contact)?;
        let brand = ws.brand(ticket.brand)?.ok_or_else(|| CoreError::NotFound {
            kind: "brand",
            id: ticket.brand.to_string(),
        })?;
        let replies: Vec<String> = outcome
            .parts()
            .filter(|p| p.ticket == ticket.id && matches!(p.author, Author::Teammate(_)))
            .filter_map(|p| match &p.kind {
                PartKind::Reply { body } => Some(body.clone()),
                _ => None,
            })
            .collect();
        let email = notification.email.as_ref().map(|_| {
            render(&EmailInput {
                reasons: &notification.reasons,
                ticket: &view,
                brand: &brand,
                contact: &contact,
                replies: &replies,
                reply_to: reply_to(ticket.id),
            })
        });
        out.push(Delivery {
            notification,
            contact,
            ticket: view,
            email,
        });
    }
    Ok(out)
}

/// Timeline entries recording, on each ticket, what its customers were planned to get.
pub fn planned_parts(
    notifications: &[Notification],
    now: Millis,
    random: &mut dyn FnMut() -> u128,
) -> Vec<Part> {
    let mut by_ticket: BTreeMap<TicketId, Vec<&Notification>> = BTreeMap::new();
    for n in notifications {
        by_ticket.entry(n.ticket).or_default().push(n);
    }
    by_ticket
        .into_iter()
        .map(|(ticket, ns)| {
            let mut channels: Vec<Channel> =
                ns.iter().flat_map(|n| n.channels.iter().copied()).collect();
            channels.sort();
            channels.dedup();
            Part {
                id: PartId::from_parts(now.max(0) as u64, random()),
                ticket,
                author: Author::System,
                kind: PartKind::CustomersNotified {
                    contacts: ns.iter().map(|n| n.contact).collect(),
                    channels,
                    email: ns.iter().find_map(|n| n.email.clone()),
                },
                created_at: now,
            }
        })
        .collect()
}
