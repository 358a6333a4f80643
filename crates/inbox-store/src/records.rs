//! Records from the server (bootstrap pages, pulled change sets) written into the local
//! database as upserts: after them, the local copy of each record is the server's.

use inbox_core::{
    Brand, Company, Contact, Conversation, ConversationPart, Part, Team, Teammate, Ticket,
    TicketField, TicketState, TicketType,
};
use inbox_sync::Record;
use rusqlite::{params, OptionalExtension};

use crate::apply::TicketUpdates;
use crate::codec::to_json;
use crate::write::Activity;
use crate::{Result, Store};

/// Every field of a ticket: a record replaces the local ticket whole.
const ALL_FIELDS: [TicketField; 9] = [
    TicketField::State,
    TicketField::Open,
    TicketField::Assignee,
    TicketField::Brand,
    TicketField::Shared,
    TicketField::Tracker,
    TicketField::Conversation,
    TicketField::Attributes,
    TicketField::Snooze,
];

impl Store {
    /// Upserts `records` inside the caller's write transaction (see [`Store::write`]). Foreign
    /// keys are checked at commit, so records may come in any order within it (a ticket before
    /// the tracker it links to).
    pub fn upsert_records(&self, records: &[Record]) -> Result<()> {
        self.conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let mut updates = TicketUpdates::default();
        for record in records {
            match record {
                Record::Brand(b) => self.upsert_brand(b)?,
                Record::Teammate(t) => self.upsert_teammate(t)?,
                Record::Team(t) => self.upsert_team(t)?,
                Record::Company(c) => self.upsert_company(c)?,
                Record::Contact(c) => self.upsert_contact(c)?,
                Record::TicketState(s) => self.upsert_state(s)?,
                Record::TicketType(t) => self.upsert_ticket_type(t)?,
                Record::Ticket(t) => self.upsert_ticket(t, &mut updates)?,
                Record::TicketPart(p) => self.upsert_part(p)?,
                Record::Conversation(c) => self.upsert_conversation(c)?,
                Record::ConversationPart(p) => self.upsert_conversation_part(p)?,
                Record::Read {
                    ticket,
                    teammate,
                    at,
                } => self.mark_read(*ticket, *teammate, *at)?,
                Record::ConversationRead {
                    conversation,
                    teammate,
                    at,
                } => self.mark_conversation_read(*conversation, *teammate, *at)?,
                Record::Settings(s) => {
                    self.set_reply_email_delay(s.reply_email_delay)?;
                }
                Record::Macro(m) => self.put_macro(m)?,
            }
        }
        updates.write(self)
    }

    fn exists(&self, table: &'static str, id: &str) -> Result<bool> {
        // `table` is one of this module's literals, never input.
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn upsert_brand(&self, b: &Brand) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO brands (id, name, logo_url, color, is_default) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, logo_url = excluded.logo_url,
                    color = excluded.color, is_default = excluded.is_default",
            )?
            .execute(params![b.id.to_string(), b.name, b.logo_url, b.color, b.is_default])?;
        Ok(())
    }

    fn upsert_teammate(&self, t: &Teammate) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO teammates (id, name, email, role, active) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
                    role = excluded.role, active = excluded.active",
            )?
            .execute(params![
                t.id.to_string(),
                t.name,
                t.email,
                t.role.as_str(),
                t.active
            ])?;
        Ok(())
    }

    fn upsert_team(&self, t: &Team) -> Result<()> {
        let id = t.id.to_string();
        self.conn
            .prepare_cached(
                "INSERT INTO teams (id, name) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            )?
            .execute(params![id, t.name])?;
        self.conn
            .prepare_cached("DELETE FROM team_members WHERE team_id = ?1")?
            .execute([&id])?;
        let mut member = self
            .conn
            .prepare_cached("INSERT INTO team_members (team_id, teammate_id) VALUES (?1, ?2)")?;
        for m in &t.members {
            member.execute(params![id, m.to_string()])?;
        }
        Ok(())
    }

    fn upsert_company(&self, c: &Company) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO companies (id, name) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            )?
            .execute(params![c.id.to_string(), c.name])?;
        Ok(())
    }

    fn upsert_contact(&self, c: &Contact) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO contacts (id, name, email, company_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
                    company_id = excluded.company_id",
            )?
            .execute(params![
                c.id.to_string(),
                c.name,
                c.email,
                c.company.map(|x| x.to_string())
            ])?;
        Ok(())
    }

    fn upsert_state(&self, s: &TicketState) -> Result<()> {
        if !self.exists("ticket_states", &s.id.to_string())? {
            return self.insert_state(s);
        }
        self.conn
            .prepare_cached(
                "UPDATE ticket_states SET internal_label = ?2, customer_label = ?3, category = ?4,
                    archived = ?5 WHERE id = ?1",
            )?
            .execute(params![
                s.id.to_string(),
                s.internal_label,
                s.customer_label,
                s.category.as_str(),
                s.archived
            ])?;
        Ok(())
    }

    fn upsert_ticket_type(&self, t: &TicketType) -> Result<()> {
        let id = t.id.to_string();
        if !self.exists("ticket_types", &id)? {
            return self.insert_ticket_type(t);
        }
        self.conn
            .prepare_cached(
                "UPDATE ticket_types SET name = ?2, icon = ?3, description = ?4, category = ?5,
                    attributes = ?6, archived = ?7 WHERE id = ?1",
            )?
            .execute(params![
                id,
                t.name,
                t.icon,
                t.description,
                t.category.as_str(),
                to_json(&t.attributes),
                t.archived
            ])?;
        self.conn
            .prepare_cached("DELETE FROM ticket_type_states WHERE type_id = ?1")?
            .execute([&id])?;
        let mut offer = self.conn.prepare_cached(
            "INSERT INTO ticket_type_states (type_id, state_id, position) VALUES (?1, ?2, ?3)",
        )?;
        for (position, state) in t.states.iter().enumerate() {
            offer.execute(params![id, state.to_string(), position as i64])?;
        }
        Ok(())
    }

    fn upsert_ticket(&self, t: &Ticket, updates: &mut TicketUpdates) -> Result<()> {
        if self.exists("tickets", &t.id.to_string())? {
            updates.add(t, &ALL_FIELDS);
            // The number the server gave may replace the one the app gave offline.
            self.conn
                .prepare_cached(
                    "UPDATE tickets SET number = ?2 WHERE id = ?1 AND number IS NOT ?2",
                )?
                .execute(params![t.id.to_string(), t.number])?;
            Ok(())
        } else {
            self.insert_ticket(t)
        }
    }

    pub(crate) fn has_part(&self, id: inbox_core::PartId) -> Result<bool> {
        self.exists("parts", &id.to_string())
    }

    fn upsert_part(&self, p: &Part) -> Result<()> {
        if self.has_part(p.id)? {
            return Ok(()); // Parts never change.
        }
        self.insert_part(p)
    }

    fn upsert_conversation(&self, c: &Conversation) -> Result<()> {
        self.put_conversation(c, Activity::Latest)
    }

    pub(crate) fn has_conversation_part(&self, id: inbox_core::PartId) -> Result<bool> {
        self.exists("conversation_parts", &id.to_string())
    }

    fn upsert_conversation_part(&self, p: &ConversationPart) -> Result<()> {
        if self.has_conversation_part(p.id)? {
            return Ok(());
        }
        self.append_conversation_part(p)
    }
}
