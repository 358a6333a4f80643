//! Applying mutations: `inbox-core` decides, the store writes the outcome in one transaction.

use std::collections::HashMap;

use inbox_core::{
    apply, Author, BrandId, Change, Context, Millis, Mutation, Outcome, Ticket, TicketId,
    TicketState, TicketType, TicketTypeId, Workspace,
};
use rusqlite::params;

use crate::codec::{id, to_json};
use crate::write::ticket_row;
use crate::{Result, Store, StoreError};

impl Workspace for Store {
    type Error = StoreError;

    fn ticket(&self, id: TicketId) -> Result<Ticket> {
        Store::ticket(self, id)
    }

    fn ticket_type(&self, id: TicketTypeId) -> Result<TicketType> {
        Store::ticket_type(self, id)
    }

    fn states(&self) -> Result<Vec<TicketState>> {
        Store::states(self)
    }

    fn linked_to_tracker(&self, tracker: TicketId) -> Result<Vec<Ticket>> {
        let key = tracker.to_string();
        let mut contacts: HashMap<TicketId, Vec<_>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT tc.ticket_id, tc.contact_id FROM ticket_contacts tc
             JOIN tickets t ON t.id = tc.ticket_id
             WHERE t.tracker_id = ?1 ORDER BY tc.ticket_id, tc.position",
        )?;
        let mut rows = stmt.query([&key])?;
        while let Some(r) = rows.next()? {
            contacts
                .entry(id(r, "ticket_id")?)
                .or_default()
                .push(id(r, "contact_id")?);
        }
        let mut tickets: Vec<Ticket> = self
            .conn
            .prepare_cached("SELECT * FROM tickets WHERE tracker_id = ?1 ORDER BY id")?
            .query_map([&key], ticket_row)?
            .collect::<rusqlite::Result<_>>()?;
        for t in &mut tickets {
            t.contacts = contacts.remove(&t.id).unwrap_or_default();
        }
        Ok(tickets)
    }

    fn brand_exists(&self, brand: BrandId) -> Result<bool> {
        match self.brand(brand) {
            Ok(_) => Ok(true),
            Err(StoreError::Core(inbox_core::CoreError::NotFound { .. })) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl Store {
    /// Applies `mutation` by `actor` at `now`, all of it or nothing, and returns its outcome.
    /// `random` supplies the random half of new ids.
    pub fn apply(
        &mut self,
        mutation: &Mutation,
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
    ) -> Result<Outcome> {
        self.write(|store| {
            let mut ctx = Context { actor, now, random };
            let outcome = apply(store, mutation, &mut ctx)?;
            store.write_changes(&outcome.changes)?;
            Ok(outcome)
        })
    }

    fn write_changes(&self, changes: &[Change]) -> Result<()> {
        for change in changes {
            match change {
                Change::UpdateTicket(t) => self.update_ticket(t)?,
                Change::AppendPart(p) => self.append_part(p)?,
            }
        }
        Ok(())
    }

    /// Rewrites a ticket's row. Its contacts are not part of the row and stay as they are.
    fn update_ticket(&self, t: &Ticket) -> Result<()> {
        let updated = self
            .conn
            .prepare_cached(
                "UPDATE tickets SET number = ?2, title = ?3, description = ?4, attributes = ?5,
                    state_id = ?6, open = ?7, assignee_teammate_id = ?8, assignee_team_id = ?9,
                    company_id = ?10, brand_id = ?11, shared = ?12, tracker_id = ?13,
                    conversation_id = ?14, origin_ticket_id = ?15, updated_at = ?16,
                    last_activity_at = ?17
                 WHERE id = ?1",
            )?
            .execute(params![
                t.id.to_string(),
                t.number,
                t.title,
                t.description,
                to_json(&t.attributes),
                t.state_id.to_string(),
                t.open,
                t.assignee_teammate.map(|x| x.to_string()),
                t.assignee_team.map(|x| x.to_string()),
                t.company.map(|x| x.to_string()),
                t.brand.to_string(),
                t.shared,
                t.tracker.map(|x| x.to_string()),
                t.conversation.map(|x| x.to_string()),
                t.origin_ticket.map(|x| x.to_string()),
                t.updated_at,
                t.last_activity_at,
            ])?;
        if updated == 0 {
            return Err(StoreError::not_found("ticket", t.id));
        }
        Ok(())
    }
}
