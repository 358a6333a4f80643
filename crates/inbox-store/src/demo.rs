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
        self.write(|store| {
            // A converted ticket and its conversation name each other: checked at commit.
            store.conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            generate(store, opts)
        })
    }
}

impl Sink for Store {
    type Error = StoreError;

    fn insert_brand(&self, brand: &Brand) -> Result<()> {
        Store::insert_brand(self, brand)
    }
    fn insert_teammate(&self, teammate: &Teammate) -> Result<()> {
        Store::insert_teammate(self, teammate)
    }
    fn set_me(&self, teammate: TeammateId) -> Result<()> {
        Store::set_me(self, teammate)
    }
    fn insert_team(&self, team: &Team) -> Result<()> {
        Store::insert_team(self, team)
    }
    fn insert_company(&self, company: &Company) -> Result<()> {
        Store::insert_company(self, company)
    }
    fn insert_contact(&self, contact: &Contact) -> Result<()> {
        Store::insert_contact(self, contact)
    }
    fn insert_state(&self, state: &TicketState) -> Result<()> {
        Store::insert_state(self, state)
    }
    fn insert_ticket_type(&self, ticket_type: &TicketType) -> Result<()> {
        Store::insert_ticket_type(self, ticket_type)
    }
    fn insert_ticket(&self, ticket: &Ticket) -> Result<()> {
        Store::insert_ticket(self, ticket)
    }
    fn append_part(&self, part: &Part) -> Result<()> {
        Store::append_part(self, part)
    }
    fn insert_conversation(&self, conversation: &Conversation) -> Result<()> {
        Store::insert_conversation(self, conversation)
    }
    fn append_conversation_part(&self, part: &ConversationPart) -> Result<()> {
        Store::append_conversation_part(self, part)
    }
    fn insert_macro(&self, m: &inbox_core::Macro) -> Result<()> {
        self.put_macro(m)
    }
}
