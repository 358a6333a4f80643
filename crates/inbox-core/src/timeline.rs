//! Timeline parts: what happened on a ticket, by whom and when.

use serde::{Deserialize, Serialize};

use crate::{
    AttachmentId, AttributeValue, BrandId, ContactId, ConversationId, Millis, PartId, StateId,
    TeamId, TeammateId, TicketId,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Author {
    Teammate(TeammateId),
    Contact(ContactId),
    /// Rules and automations acting on their own (a tracker propagating its state…).
    System,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartKind {
    /// A message the customer sees, from a teammate or from the customer.
    Reply {
        body: String,
    },
    /// Internal only; never reaches a customer (R3a, R7).
    Note {
        body: String,
    },
    StateChanged {
        from: StateId,
        to: StateId,
    },
    Closed {
        resolved: bool,
    },
    Reopened,
    /// A ticket or conversation snoozed until a time (it comes back then, or when the customer
    /// writes).
    Snoozed {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        until: Millis,
    },
    /// The snooze ran out: the ticket or conversation is back in the open views, as news.
    SnoozeEnded,
    /// A teammate ended a ticket's snooze before its time.
    Unsnoozed,
    AssignmentChanged {
        teammate: Option<TeammateId>,
        team: Option<TeamId>,
    },
    ShareChanged {
        shared: bool,
    },
    AttributeChanged {
        key: String,
        from: Option<AttributeValue>,
        to: Option<AttributeValue>,
    },
    LinkChanged {
        /// What was linked or unlinked: "tracker", "customer_ticket", "conversation",
        /// "back_office".
        link: String,
        /// The id of the linked ticket or conversation.
        target: String,
        /// How the target was named when linked ("#12 Title", a conversation's subject).
        #[serde(default)]
        label: String,
        linked: bool,
    },
    BrandChanged {
        brand: BrandId,
        name: String,
    },
    /// What the customers of this ticket were planned to get (R4–R6), recorded with the action.
    CustomersNotified {
        contacts: Vec<ContactId>,
        channels: Vec<crate::notification::Channel>,
        email: Option<crate::notification::EmailDue>,
    },
    /// An internal copy of an entry made on a linked back-office ticket (R12).
    CrossPost {
        from_ticket: TicketId,
        body: String,
    },
}

impl PartKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            PartKind::Reply { .. } => "reply",
            PartKind::Note { .. } => "note",
            PartKind::StateChanged { .. } => "state_changed",
            PartKind::Closed { .. } => "closed",
            PartKind::Reopened => "reopened",
            PartKind::Snoozed { .. } => "snoozed",
            PartKind::SnoozeEnded => "snooze_ended",
            PartKind::Unsnoozed => "unsnoozed",
            PartKind::AssignmentChanged { .. } => "assignment_changed",
            PartKind::ShareChanged { .. } => "share_changed",
            PartKind::AttributeChanged { .. } => "attribute_changed",
            PartKind::LinkChanged { .. } => "link_changed",
            PartKind::BrandChanged { .. } => "brand_changed",
            PartKind::CustomersNotified { .. } => "customers_notified",
            PartKind::CrossPost { .. } => "cross_post",
        }
    }

    /// Whether the customer can ever see this part. Only replies are customer-visible; whether a
    /// given customer sees one also depends on the ticket being shared (R3a).
    pub fn customer_visible(&self) -> bool {
        matches!(self, PartKind::Reply { .. })
    }

    /// The free text of this part, for display and search.
    pub fn text(&self) -> Option<&str> {
        match self {
            PartKind::Reply { body }
            | PartKind::Note { body }
            | PartKind::CrossPost { body, .. } => Some(body),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part {
    pub id: PartId,
    pub ticket: TicketId,
    pub author: Author,
    pub kind: PartKind,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub created_at: Millis,
    /// Files of a reply or note, by id (the server holds them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentId>,
}

/// An entry on a conversation's timeline: the customer's messages and the team's replies and
/// notes, assignment and state changes, and the cross-posts of a back-office ticket raised from
/// it (R12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationPart {
    pub id: PartId,
    pub conversation: ConversationId,
    pub author: Author,
    pub kind: PartKind,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub created_at: Millis,
    /// Where a message came in or went out first (messages only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<crate::MessageChannel>,
    /// Files of a message or note, by id (the server holds them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_replies_can_reach_a_customer() {
        let t = TicketId::from_parts(1, 1);
        let kinds = [
            (PartKind::Reply { body: "hi".into() }, true),
            (
                PartKind::Note {
                    body: "secret".into(),
                },
                false,
            ),
            (
                PartKind::CrossPost {
                    from_ticket: t,
                    body: "internal".into(),
                },
                false,
            ),
            (PartKind::ShareChanged { shared: true }, false),
            (PartKind::Reopened, false),
            (PartKind::Snoozed { until: 5 }, false),
            (PartKind::SnoozeEnded, false),
            (PartKind::Unsnoozed, false),
        ];
        for (kind, visible) in kinds {
            assert_eq!(kind.customer_visible(), visible, "{}", kind.as_str());
        }
    }

    #[test]
    fn parts_serialise_with_a_kind_tag() {
        let json = serde_json::to_value(PartKind::Note { body: "x".into() }).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "note", "body": "x"}));
        let author = serde_json::to_value(Author::System).unwrap();
        assert_eq!(author, serde_json::json!({"kind": "system"}));
    }
}
