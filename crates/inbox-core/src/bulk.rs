//! Bulk actions: a teammate changes many tickets at once (close 40 spam tickets, assign a
//! selection, move them to a tracker). Each ticket's change stays its own mutation, applied,
//! queued and synced like any other, so a refused one never holds back the rest; this module
//! says which requests are acceptable as a whole before any of them is tried.

use std::collections::HashSet;

use crate::{CoreError, Mutation, Target, TicketId};

/// The most tickets one bulk action changes: a view's selection, not a whole workspace.
pub const MAX_BULK: usize = 1_000;

/// The most changes one bulk action makes: a macro's reply and its actions (at most 10) on
/// each ticket.
pub const MAX_BULK_CHANGES: usize = MAX_BULK * 11;

/// Checks a bulk request: not empty, at most [`MAX_BULK`] changes, each one of the everyday
/// changes to an existing ticket. A ticket may take several changes (a macro's reply and its
/// actions), one after the other; its changes scattered among other tickets' would make the
/// request's order, and what a refusal skips, unclear. Answers each change's ticket, in order.
pub fn validate(mutations: &[Mutation]) -> Result<Vec<TicketId>, CoreError> {
    if mutations.is_empty() {
        return Err(CoreError::BulkEmpty);
    }
    if mutations.len() > MAX_BULK_CHANGES {
        return Err(CoreError::TooMany {
            what: "changes in one bulk action",
            max: MAX_BULK_CHANGES,
        });
    }
    let mut seen = HashSet::with_capacity(mutations.len());
    let mut tickets = Vec::with_capacity(mutations.len());
    for mutation in mutations {
        let ticket = match (is_bulk_action(mutation), mutation.target()) {
            (true, Target::Ticket(ticket)) => ticket,
            _ => return Err(CoreError::NotABulkAction),
        };
        let continues = tickets.last() == Some(&ticket);
        if !continues && !seen.insert(ticket) {
            return Err(CoreError::BulkTicketTwice {
                ticket: ticket.to_string(),
            });
        }
        tickets.push(ticket);
    }
    let distinct = seen.len();
    if distinct > MAX_BULK {
        return Err(CoreError::TooMany {
            what: "tickets in one bulk action",
            max: MAX_BULK,
        });
    }
    Ok(tickets)
}

/// The changes that make sense on many existing tickets at once. Creating tickets, editing
/// attributes or linking conversations are one-at-a-time work.
fn is_bulk_action(mutation: &Mutation) -> bool {
    matches!(
        mutation,
        Mutation::SetState { .. }
            | Mutation::Close { .. }
            | Mutation::Reopen { .. }
            | Mutation::Assign { .. }
            | Mutation::SetBrand { .. }
            | Mutation::SetShared { .. }
            | Mutation::Reply { .. }
            | Mutation::Note { .. }
            | Mutation::LinkTracker { .. }
            | Mutation::UnlinkTracker { .. }
            | Mutation::MarkRead { .. }
            | Mutation::Snooze { .. }
            | Mutation::Unsnooze { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(ticket: TicketId) -> Mutation {
        Mutation::Close {
            ticket,
            resolved: false,
        }
    }

    fn id(n: u128) -> TicketId {
        TicketId(ulid::Ulid(n))
    }

    #[test]
    fn accepts_one_change_per_ticket_or_a_tickets_steps_together() {
        let batch: Vec<_> = (1..=3).map(|n| close(id(n))).collect();
        assert_eq!(validate(&batch), Ok(vec![id(1), id(2), id(3)]));
        let reply = |n| Mutation::Reply {
            attachments: Vec::new(),
            ticket: id(n),
            body: "Refunded".into(),
        };
        let steps = [reply(1), close(id(1)), reply(2), close(id(2))];
        assert_eq!(validate(&steps), Ok(vec![id(1), id(1), id(2), id(2)]));
    }

    #[test]
    fn refuses_empty_oversized_repeated_and_one_at_a_time_changes() {
        assert_eq!(validate(&[]), Err(CoreError::BulkEmpty));
        let huge: Vec<_> = (1..=MAX_BULK as u128 + 1).map(|n| close(id(n))).collect();
        assert!(matches!(validate(&huge), Err(CoreError::TooMany { .. })));
        assert!(matches!(
            validate(&[close(id(1)), close(id(2)), close(id(1))]),
            Err(CoreError::BulkTicketTwice { .. })
        ));
        let edit = Mutation::UpdateAttributes {
            ticket: id(1),
            attributes: Default::default(),
        };
        assert_eq!(validate(&[edit]), Err(CoreError::NotABulkAction));
        let conversation = Mutation::CloseConversation {
            conversation: crate::ConversationId(ulid::Ulid(9)),
        };
        assert_eq!(validate(&[conversation]), Err(CoreError::NotABulkAction));
    }
}
