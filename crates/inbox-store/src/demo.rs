//! The demo workspace (`inbox-demo`) written into the app's store.

use inbox_core::{
    Brand, Company, Contact, Conversation, ConversationPart, Part, Team, Teammate, TeammateId,
    Ticket, TicketState, TicketType,
};
use inbox_demo::{generate, DemoOptions, DemoSummary, Sink};

use crate::{Result, Store, StoreError};

impl Store {
    /// Fills an empty store with the demo workspace, in one transaction.
    pub fn seed_demo(&mut self, opts: DemoOptions) -> Result<DemoSummary> {
        self.seed_demo_reporting(opts, &|_, _| {})
    }

    /// [`Store::seed_demo`], telling `progress` how many of the tickets are made as it goes.
    pub fn seed_demo_reporting(
        &mut self,
        opts: DemoOptions,
        progress: &dyn Fn(usize, usize),
    ) -> Result<DemoSummary> {
        self.write(|store| {
            // A converted ticket and its conversation name each other: checked at commit.
            store.conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            generate(&Seeding { store, progress }, opts)
        })
    }
}

/// The store being filled, and who follows the progress.
struct Seeding<'a> {
    store: &'a Store,
    progress: &'a dyn Fn(usize, usize),
}

impl Sink for Seeding<'_> {
    type Error = StoreError;

    fn insert_brand(&self, brand: &Brand) -> Result<()> {
        self.store.insert_brand(brand)
    }
    fn insert_teammate(&self, teammate: &Teammate) -> Result<()> {
        self.store.insert_teammate(teammate)
    }
    fn set_me(&self, teammate: TeammateId) -> Result<()> {
        self.store.set_me(teammate)
    }
    fn insert_team(&self, team: &Team) -> Result<()> {
        self.store.insert_team(team)
    }
    fn insert_company(&self, company: &Company) -> Result<()> {
        self.store.insert_company(company)
    }
    fn insert_contact(&self, contact: &Contact) -> Result<()> {
        self.store.insert_contact(contact)
    }
    fn insert_state(&self, state: &TicketState) -> Result<()> {
        self.store.insert_state(state)
    }
    fn insert_ticket_type(&self, ticket_type: &TicketType) -> Result<()> {
        self.store.insert_ticket_type(ticket_type)
    }
    fn insert_ticket(&self, ticket: &Ticket) -> Result<()> {
        self.store.insert_ticket(ticket)
    }
    fn append_part(&self, part: &Part) -> Result<()> {
        self.store.append_part(part)
    }
    fn insert_conversation(&self, conversation: &Conversation) -> Result<()> {
        self.store.insert_conversation(conversation)
    }
    fn append_conversation_part(&self, part: &ConversationPart) -> Result<()> {
        self.store.append_conversation_part(part)
    }
    fn insert_macro(&self, m: &inbox_core::Macro) -> Result<()> {
        self.store.put_macro(m)
    }
    fn tickets_made(&self, done: usize, total: usize) {
        (self.progress)(done, total)
    }
}
