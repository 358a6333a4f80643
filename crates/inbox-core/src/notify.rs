//! The customer-notification planner (R4–R9): from what a mutation caused, which contacts hear
//! about it, through which channels, and when their email is due. Pure: the contacts' Messenger
//! state, the workspace settings and the time are passed in. The app's preview and the server's
//! delivery both call [`plan`], so they cannot disagree.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::notification::{Channel, EmailDecision, EmailDue, Notification, Reason, Thread};

use crate::email::{email_replies, render, Email, EmailInput, EmailReply, Links};
use crate::messenger::{
    customer_view, messenger_preview, new_conversation_entries, new_ticket_entries,
    MessengerPreview, MessengerTicket,
};
use crate::{
    AttachmentId, Author, Brand, Change, Contact, ContactId, Conversation, ConversationId,
    ConversationPart, CoreError, CustomerEvent, Effect, Millis, Outcome, Part, PartId, PartKind,
    StateCategory, StateId, Ticket, TicketId, TicketState, Workspace,
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
    let conversations = outcome_conversations(outcome);
    let category = |state: StateId| states.iter().find(|s| s.id == state);
    // One notification per (ticket or conversation, contact): a reply and a state change
    // together badge both spaces and send one email (R8).
    let mut planned: BTreeMap<(Thread, ContactId), Notification> = BTreeMap::new();
    for event in outcome.effects.iter().filter_map(|e| match e {
        Effect::Customer(event) => Some(event),
        _ => None,
    }) {
        let (about, reason) = match event {
            CustomerEvent::Submitted { ticket } => (Thread::Ticket(*ticket), Reason::Submitted),
            CustomerEvent::TeammateReplied { ticket, part } => (
                Thread::Ticket(*ticket),
                Reason::TeammateReplied { parts: vec![*part] },
            ),
            CustomerEvent::TeammateRepliedInConversation { conversation, part } => (
                Thread::Conversation(*conversation),
                Reason::TeammateReplied { parts: vec![*part] },
            ),
            CustomerEvent::StateChanged { ticket, from, to } => {
                // R6a: two internal states customers see under one label are no news to them.
                let label = |s: &StateId| category(*s).map(|s| s.customer_label.as_str());
                if label(from) == label(to) {
                    continue;
                }
                (
                    Thread::Ticket(*ticket),
                    Reason::StateChanged {
                        from: *from,
                        to: *to,
                    },
                )
            }
        };
        let contacts: Vec<ContactId> = match about {
            Thread::Ticket(id) => match tickets.get(&id) {
                // R3a, R7: belt and braces; the core only emits events for shared tickets.
                Some(ticket) if ticket.shared => ticket.contacts.clone(),
                _ => continue,
            },
            Thread::Conversation(id) => match conversations.get(&id) {
                Some(conversation) => vec![conversation.contact],
                None => continue,
            },
        };
        for contact in contacts {
            if let (Reason::StateChanged { to, .. }, Thread::Ticket(ticket)) = (&reason, about) {
                let to_label = category(*to).map(|s| s.customer_label.as_str());
                if told(contact, ticket)
                    .as_deref()
                    .is_some_and(|t| Some(t) == to_label)
                {
                    continue;
                }
            }
            let entry = planned
                .entry((about, contact))
                .or_insert_with(|| Notification {
                    contact,
                    about,
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
            let messenger = messenger(n.contact);
            n.channels = match n.about {
                Thread::Ticket(id) => {
                    let resolved = category(tickets[&id].state_id)
                        .is_some_and(|s| s.category == StateCategory::Resolved);
                    channels(&n.reasons, messenger, resolved)
                }
                Thread::Conversation(_) => conversation_channels(messenger),
            };
            n.email = email_due(&n.reasons, settings, now);
            n
        })
        .collect()
}

/// The conversations an outcome wrote, as they are after it.
fn outcome_conversations(outcome: &Outcome) -> BTreeMap<ConversationId, &Conversation> {
    outcome
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::PutConversation(c) => Some((c.id, c.as_ref())),
            _ => None,
        })
        .collect()
}

/// A teammate's message in a conversation is a message, never ticket news: it badges the
/// Messages space only, even when the conversation has a ticket (R8).
fn conversation_channels(messenger: MessengerState) -> Vec<Channel> {
    let mut channels = Vec::new();
    if messenger.collapsed {
        channels.push(Channel::MessengerBadge);
    }
    channels.extend([Channel::MessagesSpaceBadge, Channel::Email]);
    channels
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
    /// The ticket as the customer sees it; none for a conversation.
    pub ticket: Option<MessengerTicket>,
    /// What the customer knows it by: the ticket's title, or the conversation's subject.
    pub subject: String,
    pub email: Option<Email>,
    /// What their Messenger shows after the change; only for the first
    /// [`MESSENGER_PREVIEWS`] deliveries (a tracker may reach thousands of customers).
    pub messenger: Option<MessengerPreview>,
}

/// Deliveries whose Messenger the preview renders; the app lists the rest in short.
pub const MESSENGER_PREVIEWS: usize = 20;

/// Plans an outcome's notifications and renders each one's email: what the app previews before
/// the teammate acts is what the server later delivers.
pub fn deliveries<W: Workspace>(
    ws: &W,
    outcome: &Outcome,
    messenger: &dyn Fn(ContactId) -> MessengerState,
    settings: NotificationSettings,
    now: Millis,
    links: &dyn Fn(ContactId, Thread, &Brand) -> Links,
) -> Result<Vec<Delivery>, W::Error> {
    let states = ws.states()?;
    let tickets: BTreeMap<TicketId, &Ticket> =
        outcome.updated_tickets().map(|t| (t.id, t)).collect();
    let conversations = outcome_conversations(outcome);
    let mut out = Vec::new();
    for notification in plan(outcome, &states, messenger, settings, now) {
        let (view, subject, brand, replies) = match notification.about {
            Thread::Ticket(id) => {
                let ticket = tickets[&id];
                let ticket_type = ws.ticket_type(ticket.type_id)?;
                let Some(view) = customer_view(ticket, std::slice::from_ref(&ticket_type), &states)
                else {
                    continue;
                };
                let replies = teammate_replies(
                    ws,
                    outcome
                        .parts()
                        .filter(|p| p.ticket == id)
                        .map(|p| (&p.author, &p.kind, &p.attachments[..])),
                )?;
                let subject = view.title.clone();
                (Some(view), subject, ticket.brand, replies)
            }
            Thread::Conversation(id) => {
                let replies = teammate_replies(
                    ws,
                    outcome.changes.iter().filter_map(|c| match c {
                        Change::AppendConversationPart(p) if p.conversation == id => {
                            Some((&p.author, &p.kind, &p.attachments[..]))
                        }
                        _ => None,
                    }),
                )?;
                let subject = conversations[&id].subject.clone();
                (None, subject, ws.default_brand()?, replies)
            }
        };
        let contact = ws.contact(notification.contact)?;
        let brand = ws.brand(brand)?.ok_or_else(|| CoreError::NotFound {
            kind: "brand",
            id: brand.to_string(),
        })?;
        let messenger = if out.len() < MESSENGER_PREVIEWS {
            Some(messenger_after(
                ws,
                outcome,
                &notification,
                &states,
                &brand,
            )?)
        } else {
            None
        };
        let email = notification.email.as_ref().map(|_| {
            render(&EmailInput {
                reasons: &notification.reasons,
                ticket: view.as_ref(),
                subject: &subject,
                brand: &brand,
                contact: &contact,
                replies: &replies,
                links: links(contact.id, notification.about, &brand),
            })
        });
        out.push(Delivery {
            notification,
            contact,
            ticket: view,
            subject,
            email,
            messenger,
        });
    }
    Ok(out)
}

/// The customer's Messenger after `outcome`, for one of its notifications.
fn messenger_after<W: Workspace>(
    ws: &W,
    outcome: &Outcome,
    notification: &Notification,
    states: &[TicketState],
    brand: &Brand,
) -> Result<MessengerPreview, W::Error> {
    let mut tickets: BTreeMap<TicketId, Ticket> = ws
        .shared_tickets_of(notification.contact)?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    for t in outcome.updated_tickets() {
        if t.contacts.contains(&notification.contact) {
            tickets.insert(t.id, t.clone());
        } else {
            tickets.remove(&t.id);
        }
    }
    let teammate_name = |t| ws.teammate(t).ok().map(|t| t.name);
    let mut types = Vec::new();
    for type_id in tickets.values().map(|t| t.type_id).collect::<BTreeSet<_>>() {
        types.push(ws.ticket_type(type_id)?);
    }
    let entries = match notification.about {
        Thread::Ticket(id) => match tickets.get(&id) {
            Some(ticket) => {
                let parts: Vec<Part> = outcome
                    .parts()
                    .filter(|p| p.ticket == id)
                    .cloned()
                    .collect();
                let submitted = notification.reasons.contains(&Reason::Submitted);
                new_ticket_entries(ticket, &parts, states, submitted, &teammate_name)
            }
            None => Vec::new(),
        },
        Thread::Conversation(id) => {
            let parts: Vec<ConversationPart> = outcome
                .changes
                .iter()
                .filter_map(|c| match c {
                    Change::AppendConversationPart(p) if p.conversation == id => Some(p.clone()),
                    _ => None,
                })
                .collect();
            new_conversation_entries(&parts, &teammate_name)
        }
    };
    let tickets: Vec<Ticket> = tickets.into_values().collect();
    Ok(messenger_preview(
        brand,
        notification,
        &tickets,
        &types,
        states,
        entries,
    ))
}

/// The teammates' replies among these parts, oldest first, with their files as the workspace
/// knows them.
fn teammate_replies<'a, W: Workspace>(
    ws: &W,
    parts: impl Iterator<Item = (&'a Author, &'a PartKind, &'a [AttachmentId])>,
) -> Result<Vec<EmailReply>, W::Error> {
    let mut replies = Vec::new();
    for (author, kind, files) in parts {
        let (Author::Teammate(_), PartKind::Reply { body }) = (author, kind) else {
            continue;
        };
        let records = files
            .iter()
            .map(|id| ws.attachment(*id))
            .collect::<Result<Vec<_>, _>>()?;
        replies.push((body.clone(), records));
    }
    Ok(email_replies(replies))
}

/// Timeline entries recording, on each ticket, what its customers were planned to get.
pub fn planned_parts(
    notifications: &[Notification],
    now: Millis,
    random: &mut dyn FnMut() -> u128,
) -> Vec<Part> {
    let mut by_ticket: BTreeMap<TicketId, Vec<&Notification>> = BTreeMap::new();
    for n in notifications {
        if let Thread::Ticket(ticket) = n.about {
            by_ticket.entry(ticket).or_default().push(n);
        }
    }
    by_ticket
        .into_iter()
        .map(|(ticket, ns)| {
            let mut channels: Vec<Channel> =
                ns.iter().flat_map(|n| n.channels.iter().copied()).collect();
            channels.sort();
            channels.dedup();
            Part {
                attachments: Vec::new(),
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
