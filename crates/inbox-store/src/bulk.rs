//! Bulk actions on the local store: one combined preview, then one intent per ticket. Each
//! ticket's change is applied (and queued for the server) on its own, so a refused one is
//! reported beside the others instead of undoing them.

use inbox_core::{bulk, Author, ErrorBody, Millis, Mutation, TicketId};
use serde::Serialize;

use crate::{Preview, Result, Store, StoreError};

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
    pub applied: Vec<TicketId>,
    pub refused: Vec<BulkRefusal>,
}

/// How a bulk action's changes reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Each change also waits in the outbox, to be pushed as its own intent.
    Queue,
    /// A local workspace with no server.
    LocalOnly,
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

    /// Applies each of `mutations` as its own change (and, with [`Delivery::Queue`], its own
    /// outbox intent), carrying on past the ones refused.
    pub fn apply_bulk(
        &mut self,
        mutations: &[Mutation],
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
        delivery: Delivery,
    ) -> Result<BulkApplied> {
        let tickets = bulk::validate(mutations)?;
        let mut done = BulkApplied {
            applied: Vec::new(),
            refused: Vec::new(),
        };
        for (mutation, ticket) in mutations.iter().zip(tickets) {
            let applied = match delivery {
                Delivery::Queue => self.apply_and_queue(mutation, actor, now, random),
                Delivery::LocalOnly => self.apply(mutation, actor, now, random),
            };
            match applied {
                Ok(_) => done.applied.push(ticket),
                Err(e) => done.refused.push(refusal(ticket, &e)),
            }
        }
        Ok(done)
    }
}

fn refusal(ticket: TicketId, error: &StoreError) -> BulkRefusal {
    BulkRefusal {
        ticket,
        error: error.body(),
    }
}
