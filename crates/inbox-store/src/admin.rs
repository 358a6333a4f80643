//! Settings changes on a workspace of the app's own (no server): checked by `inbox-core`
//! exactly as the server checks them, written as the records the server would send.

use inbox_core::{AdminChange, Saved, Settings};

use crate::{Result, Store};

impl Store {
    /// The workspace's settings as they are.
    pub fn settings(&self) -> Result<Settings> {
        Ok(Settings {
            ticket_types: self.ticket_types()?,
            states: self.states()?,
            brands: self.brands()?,
            teams: self.teams()?,
            teammates: self.teammates()?,
        })
    }

    /// Applies `change` as the signed-in teammate (who must be an admin), in one transaction.
    pub fn apply_admin(&mut self, change: &AdminChange) -> Result<Saved> {
        let me = self.me()?;
        self.write(|store| {
            let saved = inbox_core::apply_admin(change, &me, &store.settings()?)?;
            store.upsert_records(&inbox_sync::admin_records(&saved))?;
            Ok(saved)
        })
    }
}
