//! What customers are told, as data: the channels a notification takes, why it is sent, when
//! its email is due. The planner ([`crate::notify`]) decides these; the email and Messenger
//! renderers read them. Kept apart from the planner so that neither renderer depends on it.

use serde::{Deserialize, Serialize};

use crate::{ContactId, ConversationId, Millis, PartId, StateId, TicketId};

/// One way a notification reaches a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
// The UI's bindings reserve `Channel` for Tauri's; JSON never carries a type's name.
#[cfg_attr(feature = "specta", serde(rename = "NotificationChannel"))]
pub enum Channel {
    /// The badge on the collapsed Messenger launcher.
    MessengerBadge,
    /// The ticket shows in the Recent tickets card on the Messenger home (R9).
    RecentTickets,
    /// A badge on the Tickets space: a ticket was created or changed state (R8).
    TicketsSpaceBadge,
    /// A badge on the Messages space: a new message without a state change (R8).
    MessagesSpaceBadge,
    /// An event in the Messenger thread with the ticket pill at its top (R4).
    ThreadEvent,
    Email,
}

/// Why the customer hears about a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    Submitted,
    TeammateReplied { parts: Vec<PartId> },
    StateChanged { from: StateId, to: StateId },
}

/// What an email still has to tell once the customer has seen `seen` in the Messenger: replies
/// they saw are left out (R5), and a reason left with no reply goes.
pub fn unseen_reasons(reasons: &[Reason], seen: &[PartId]) -> Vec<Reason> {
    reasons
        .iter()
        .filter_map(|r| match r {
            Reason::TeammateReplied { parts } => {
                let parts: Vec<PartId> = parts
                    .iter()
                    .filter(|p| !seen.contains(p))
                    .copied()
                    .collect();
                (!parts.is_empty()).then_some(Reason::TeammateReplied { parts })
            }
            other => Some(other.clone()),
        })
        .collect()
}

/// When an email goes out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum EmailDue {
    /// Submissions and state changes are not delayed.
    Now {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        at: Millis,
    },
    /// A teammate's reply: at `at`, unless the customer has seen `parts` in the Messenger by then.
    UnlessSeen {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        at: Millis,
        parts: Vec<PartId>,
    },
}

/// What a customer hears about: one of their tickets, or one of their conversations. Stored
/// and sent as `"ticket": ID` or `"conversation": ID` beside the other fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Thread {
    Ticket(TicketId),
    Conversation(ConversationId),
}

impl Thread {
    /// The ticket's or conversation's id (both are ULIDs, so they never collide).
    pub fn id(self) -> ulid::Ulid {
        match self {
            Thread::Ticket(t) => t.0,
            Thread::Conversation(c) => c.0,
        }
    }

    pub fn ticket(self) -> Option<TicketId> {
        match self {
            Thread::Ticket(t) => Some(t),
            Thread::Conversation(_) => None,
        }
    }
}

impl std::fmt::Display for Thread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.id().fmt(f)
    }
}

/// What one contact gets about one ticket or conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notification {
    pub contact: ContactId,
    #[serde(flatten)]
    pub about: Thread,
    /// Everything this mutation tells them about it, in order.
    pub reasons: Vec<Reason>,
    pub channels: Vec<Channel>,
    pub email: Option<EmailDue>,
}

/// What to do with a planned email when its time may have come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailDecision {
    Send,
    /// Not yet: ask again at this time.
    Wait {
        until: Millis,
    },
    /// The customer saw the replies in the Messenger in time: no email (R5).
    Drop,
}

impl EmailDue {
    pub fn at(&self) -> Millis {
        match self {
            EmailDue::Now { at } | EmailDue::UnlessSeen { at, .. } => *at,
        }
    }

    /// Folds a newly planned email for the same contact and ticket into one still pending:
    /// replies that follow each other within the delay go out as one email, once the delay has
    /// passed since the last of them (R5); anything immediate takes the pending replies along.
    pub fn merge(self, newer: EmailDue) -> EmailDue {
        match (self, newer) {
            (EmailDue::UnlessSeen { parts: mut old, .. }, EmailDue::UnlessSeen { at, parts }) => {
                old.extend(parts);
                EmailDue::UnlessSeen { at, parts: old }
            }
            (EmailDue::Now { at }, other) | (other, EmailDue::Now { at }) => EmailDue::Now {
                at: at.min(other.at()),
            },
        }
    }

    /// Whether to send now, given which of the customer's replies they have seen.
    pub fn decide(&self, seen: &[PartId], now: Millis) -> EmailDecision {
        match self {
            EmailDue::Now { .. } => EmailDecision::Send,
            EmailDue::UnlessSeen { at, parts } => {
                if parts.iter().all(|p| seen.contains(p)) {
                    EmailDecision::Drop
                } else if now < *at {
                    EmailDecision::Wait { until: *at }
                } else {
                    EmailDecision::Send
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_leaves_out_the_replies_already_seen() {
        let (a, b) = (PartId::from_parts(1, 1), PartId::from_parts(1, 2));
        let reasons = [Reason::TeammateReplied { parts: vec![a, b] }];
        assert_eq!(
            unseen_reasons(&reasons, &[a]),
            [Reason::TeammateReplied { parts: vec![b] }]
        );
        let state = Reason::StateChanged {
            from: StateId::from_parts(1, 1),
            to: StateId::from_parts(1, 2),
        };
        let mixed = [Reason::TeammateReplied { parts: vec![a] }, state.clone()];
        assert_eq!(unseen_reasons(&mixed, &[a]), [state]);
    }
}
