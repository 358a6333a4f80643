//! Bulk actions on the local store: one combined preview, then one intent per ticket. Each
//! ticket's change is applied (and queued) on its own, so a refused one is reported beside the
//! others instead of undoing them; one token undoes them all while they are held.

use inbox_core::{bulk, Author, ErrorBody, Millis, Mutation, TicketId};
use serde::Serialize;

use crate::{Preview, Result, Store, StoreError, UndoToken};

/// What a bulk action would tell customers, and which tickets would refuse it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BulkPreview {
    /// Every accepted change's deliveries together; `tickets_affected` is their sum.
    pub preview: Preview,
    pub refused: Vec<BulkRefusal>,
}

/// A ticket whose change was (or would be) refused, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BulkRefusal {
    pub ticket: TicketId,
    pub error: ErrorBody,
}

/// What a bulk action did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BulkApplied {
    /// The tickets changed (a ticket whose later step was refused is also in `refused`).
    pub applied: Vec<TicketId>,
    pub refused: Vec<BulkRefusal>,
    /// Takes every applied change back while they are held.
    pub undo: Option<UndoToken>,
}

impl Store {
    /// What `mutations` would send customers, each previewed on the tickets as they are now.
    pub fn preview_bulk(
        &self,
        mutations: &[Mutation],
        actor: Author,
        now: Millis,
    ) -> Result<BulkPreview> {
        let tickets = bulk::validate(mutations)?;
        let mut preview = Preview {
            deliveries: Vec::new(),
            tickets_affected: 0,
        };
        let mut refused = Vec::new();
        for (mutation, ticket) in mutations.iter().zip(tickets) {
            if refused
                .last()
                .is_some_and(|r: &BulkRefusal| r.ticket == ticket)
            {
                continue;
            }
            match self.preview(mutation, actor, now) {
                Ok(one) => {
                    preview.deliveries.extend(one.deliveries);
                    preview.tickets_affected += one.tickets_affected;
                }
                Err(e) => refused.push(refusal(ticket, &e)),
            }
        }
        Ok(BulkPreview { preview, refused })
    }

    /// Applies each of `mutations` as its own change and its own queued intent, held for the
    /// undo window like any action, carrying on past the tickets that refuse: a refused change
    /// skips the rest of its ticket's changes (a macro's state change does not follow a reply
    /// that could not be sent).
    pub fn apply_bulk(
        &mut self,
        mutations: &[Mutation],
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
    ) -> Result<BulkApplied> {
        let tickets = bulk::validate(mutations)?;
        let mut applied: Vec<TicketId> = Vec::new();
        let mut refused: Vec<BulkRefusal> = Vec::new();
        let mut tokens = Vec::new();
        for (mutation, ticket) in mutations.iter().zip(tickets) {
            if refused.last().is_some_and(|r| r.ticket == ticket) {
                continue;
            }
            match self.apply_held(mutation, actor, now, random) {
                Ok((_, token)) => {
                    if applied.last() != Some(&ticket) {
                        applied.push(ticket);
                    }
                    tokens.extend(token);
                }
                // Its earlier steps stay applied (and undoable): the ticket is listed in both.
                Err(e) => refused.push(refusal(ticket, &e)),
            }
        }
        Ok(BulkApplied {
            applied,
            refused,
            undo: UndoToken::merge(tokens),
        })
    }
}

fn refusal(ticket: TicketId, error: &StoreError) -> BulkRefusal {
    BulkRefusal {
        ticket,
        error: error.body(),
    }
}
