//! Applying mutations: `inbox-core` decides, the store writes the outcome in one transaction.

use std::collections::{HashMap, HashSet};

use inbox_core::notify::{plan, planned_parts, MessengerState};
use inbox_core::{
    apply, Author, Brand, BrandId, Change, Company, CompanyId, Contact, ContactId, Context,
    Conversation, ConversationId, ConversationPart, CreateTicket, Millis, Mutation, Outcome, Part,
    Team, TeamId, Teammate, TeammateId, Ticket, TicketField, TicketId, TicketState, TicketType,
    TicketTypeId, Workspace,
};
use rusqlite::types::Value;

use crate::codec::id;
use crate::write::{ticket_row, Activity};
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

    fn default_brand(&self) -> Result<BrandId> {
        Ok(Store::default_brand(self)?.id)
    }

    fn next_ticket_number(&self) -> Result<i64> {
        Store::next_ticket_number(self)
    }

    fn conversation(&self, id: ConversationId) -> Result<Conversation> {
        Store::conversation(self, id)
    }

    fn conversation_parts(&self, id: ConversationId) -> Result<Vec<ConversationPart>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT * FROM conversation_parts WHERE conversation_id = ?1
                 ORDER BY created_at, rowid",
            )?
            .query_map([id.to_string()], |r| {
                Ok(ConversationPart {
                    attachments: crate::codec::attachments(r)?,
                    id: crate::codec::id(r, "id")?,
                    conversation: crate::codec::id(r, "conversation_id")?,
                    author: crate::codec::author(r)?,
                    kind: crate::codec::part_kind(r)?,
                    created_at: r.get("created_at")?,
                    channel: r
                        .get::<_, Option<String>>("channel")?
                        .as_deref()
                        .and_then(inbox_core::MessageChannel::parse),
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn conversation_exists(&self, id: ConversationId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM conversations WHERE id = ?1")?
            .exists([id.to_string()])?)
    }

    fn contact(&self, contact: ContactId) -> Result<Contact> {
        Store::contact(self, contact)
    }

    fn ticket_exists(&self, id: TicketId) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM tickets WHERE id = ?1")?
            .exists([id.to_string()])?)
    }

    fn teammate(&self, id: TeammateId) -> Result<Teammate> {
        Store::teammate(self, id)
    }

    fn team(&self, id: TeamId) -> Result<Team> {
        Store::teams(self)?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| {
                inbox_core::CoreError::NotFound {
                    kind: "team",
                    id: id.to_string(),
                }
                .into()
            })
    }

    fn company(&self, id: CompanyId) -> Result<Company> {
        Store::company(self, id)
    }

    fn brand(&self, brand: BrandId) -> Result<Option<Brand>> {
        match Store::brand(self, brand) {
            Ok(brand) => Ok(Some(brand)),
            Err(StoreError::Core(inbox_core::CoreError::NotFound { .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn shared_tickets_of(&self, contact: ContactId) -> Result<Vec<Ticket>> {
        let ids: Vec<TicketId> = self
            .conn
            .prepare_cached(
                "SELECT t.id FROM ticket_contacts tc JOIN tickets t ON t.id = tc.ticket_id
                 WHERE tc.contact_id = ?1 AND t.shared = 1",
            )?
            .query_map([contact.to_string()], |r| id(r, "id"))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|t| Store::ticket(self, t)).collect()
    }

    fn saved_macro(&self, id: inbox_core::MacroId) -> Result<Option<inbox_core::Macro>> {
        Store::saved_macro(self, id)
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
        self.write(|store| store.apply_within(mutation, actor, now, random))
    }

    /// Applies `mutation` inside a transaction the caller holds (see [`Store::write`]).
    pub fn apply_within(
        &self,
        mutation: &Mutation,
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
    ) -> Result<Outcome> {
        Ok(self
            .apply_observed(mutation, actor, now, random, &mut |_| Ok(()))?
            .0)
    }

    /// [`Store::apply_within`], letting `before_write` see the outcome before anything is
    /// written; returns the outcome and the timeline entries recording its notifications.
    pub(crate) fn apply_observed(
        &self,
        mutation: &Mutation,
        actor: Author,
        now: Millis,
        random: &mut dyn FnMut() -> u128,
        before_write: &mut dyn FnMut(&Outcome) -> Result<()>,
    ) -> Result<(Outcome, Vec<Part>)> {
        let mut ctx = Context { actor, now, random };
        let outcome = apply(self, mutation, &mut ctx)?;
        before_write(&outcome)?;
        self.write_changes(&outcome)?;
        // The timeline keeps what customers were planned to get, as the preview showed it.
        let collapsed = |_| MessengerState { collapsed: true };
        let planned = plan(
            &outcome,
            &self.states()?,
            &collapsed,
            self.notification_settings()?,
            now,
        );
        let parts = planned_parts(&planned, now, ctx.random);
        for part in &parts {
            self.insert_part(part)?;
        }
        Ok((outcome, parts))
    }

    /// Creates a ticket on behalf of the system (imports, tests), by the same rules as
    /// [`Mutation::CreateTicket`], inside the caller's transaction if any.
    pub fn create_ticket(&self, req: CreateTicket, now: Millis) -> Result<Ticket> {
        let id = req.id;
        // New timeline entries get ids derived from the ticket's own random part.
        let mut n = id.0.random();
        let mut random = || {
            n = n.wrapping_add(1);
            n
        };
        self.apply_within(
            &Mutation::CreateTicket(req),
            Author::System,
            now,
            &mut random,
        )?;
        self.ticket(id)
    }

    fn write_changes(&self, outcome: &Outcome) -> Result<()> {
        // A rewritten ticket already carries its new last activity; other tickets that get a
        // part (a cross-post's target) are touched by `append_part`.
        let rewritten: HashSet<TicketId> = outcome.updated_tickets().map(|t| t.id).collect();
        let mut updates = TicketUpdates::default();
        for change in &outcome.changes {
            match change {
                Change::UpdateTicket { ticket, fields } => updates.add(ticket, fields),
                Change::AppendPart(p) if rewritten.contains(&p.ticket) => self.insert_part(p)?,
                Change::AppendPart(p) => self.append_part(p)?,
                Change::InsertTicket(ticket) => self.insert_ticket(ticket)?,
                Change::AppendConversationPart(part) => self.append_conversation_part(part)?,
                Change::MarkRead {
                    ticket,
                    teammate,
                    at,
                } => self.mark_read(*ticket, *teammate, *at)?,
                Change::LinkConversation {
                    conversation,
                    ticket,
                } => self.link_conversation(*conversation, *ticket)?,
                Change::PutConversation(c) => self.put_conversation(c, Activity::AsGiven)?,
                Change::MarkConversationRead {
                    conversation,
                    teammate,
                    at,
                } => self.mark_conversation_read(*conversation, *teammate, *at)?,
                Change::PutMacro(m) => self.put_macro(m)?,
            }
        }
        updates.write(self)
    }

    pub(crate) fn mark_read(
        &self,
        ticket: TicketId,
        teammate: TeammateId,
        at: Millis,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO ticket_reads (ticket_id, teammate_id, read_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (ticket_id, teammate_id) DO UPDATE SET read_at = MAX(read_at, excluded.read_at)",
            )?
            .execute(rusqlite::params![ticket.to_string(), teammate.to_string(), at])?;
        Ok(())
    }

    /// When `teammate` last read `ticket`, if ever.
    pub fn read_at(&self, ticket: TicketId, teammate: TeammateId) -> Result<Option<Millis>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT read_at FROM ticket_reads WHERE ticket_id = ?1 AND teammate_id = ?2",
            )?
            .query_row(
                rusqlite::params![ticket.to_string(), teammate.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }
}

/// Ticket rewrites, grouped by what they set: a tracker moving 10,000 tickets to one state is
/// one statement, not 10,000 (each UPDATE opens a cursor on every index of the table).
#[derive(Default)]
pub(crate) struct TicketUpdates {
    groups: HashMap<String, (String, Vec<Value>, Vec<String>)>,
}

impl TicketUpdates {
    /// Adds a ticket whose changed `fields`, update and activity times are to be written.
    pub(crate) fn add(&mut self, t: &Ticket, fields: &[TicketField]) {
        // Times only move forward, so concurrent writers never take a ticket back in time.
        let mut sets = vec![
            "updated_at = MAX(updated_at, ?)",
            "last_activity_at = MAX(last_activity_at, ?)",
        ];
        let mut values: Vec<Value> = vec![t.updated_at.into(), t.last_activity_at.into()];
        let text = |id: Option<String>| id.map_or(Value::Null, Value::Text);
        for field in fields {
            match field {
                TicketField::State => {
                    sets.push("state_id = ?");
                    values.push(Value::Text(t.state_id.to_string()));
                }
                TicketField::Open => {
                    sets.push("open = ?");
                    values.push(Value::Integer(t.open.into()));
                }
                TicketField::Assignee => {
                    sets.extend(["assignee_teammate_id = ?", "assignee_team_id = ?"]);
                    values.push(text(t.assignee_teammate.map(|x| x.to_string())));
                    values.push(text(t.assignee_team.map(|x| x.to_string())));
                }
                TicketField::Brand => {
                    sets.push("brand_id = ?");
                    values.push(Value::Text(t.brand.to_string()));
                }
                TicketField::Shared => {
                    sets.push("shared = ?");
                    values.push(Value::Integer(t.shared.into()));
                }
                TicketField::Attributes => {
                    sets.extend(["title = ?", "description = ?", "attributes = ?"]);
                    values.push(Value::Text(t.title.clone()));
                    values.push(Value::Text(t.description.clone()));
                    values.push(Value::Text(crate::codec::to_json(&t.attributes)));
                }
                TicketField::Conversation => {
                    sets.push("conversation_id = ?");
                    values.push(text(t.conversation.map(|x| x.to_string())));
                }
                TicketField::Tracker => {
                    sets.push("tracker_id = ?");
                    values.push(text(t.tracker.map(|x| x.to_string())));
                }
                TicketField::Snooze => {
                    sets.push("snoozed_until = ?");
                    values.push(t.snoozed_until.map_or(Value::Null, Value::Integer));
                }
            }
        }
        let sql = format!(
            "UPDATE tickets SET {} WHERE id IN (SELECT value FROM json_each(?))",
            sets.join(", ")
        );
        let key = format!("{sql}{values:?}");
        let group = self
            .groups
            .entry(key)
            .or_insert_with(|| (sql, values, Vec::new()));
        group.2.push(t.id.to_string());
    }

    pub(crate) fn write(self, store: &Store) -> Result<()> {
        for (sql, mut values, ids) in self.groups.into_values() {
            values.push(Value::Text(crate::codec::to_json(&ids)));
            let updated = store
                .conn
                .prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(values))?;
            if updated != ids.len() {
                return Err(StoreError::not_found("ticket", ids.join(", ")));
            }
        }
        Ok(())
    }
}
