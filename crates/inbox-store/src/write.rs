//! Persistence of the domain types: inserts and plain reads by id.

use inbox_core::{
    Author, Brand, BrandId, Company, CompanyId, Contact, ContactId, Conversation, ConversationId,
    ConversationPart, MessageChannel, Millis, Part, PartId, PartKind, Team, Teammate, TeammateId,
    Ticket, TicketId, TicketState, TicketType, TicketTypeId,
};
use rusqlite::{params, OptionalExtension, Row};

use crate::codec::{self, author_columns, id, json, opt_id, to_json};
use crate::{Result, Store, StoreError};

const ME: &str = "me";

impl Store {
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Records which teammate uses this app.
    pub fn set_me(&self, teammate: TeammateId) -> Result<()> {
        self.teammate(teammate)?;
        self.set_setting(ME, &teammate.to_string())
    }

    /// The teammate who uses this app.
    pub fn me(&self) -> Result<Teammate> {
        let id = self.setting(ME)?.ok_or(StoreError::NoWorkspace)?;
        self.teammate(id.parse()?)
    }

    pub fn insert_brand(&self, brand: &Brand) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO brands (id, name, logo_url, color, is_default)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                brand.id.to_string(),
                brand.name,
                brand.logo_url,
                brand.color,
                brand.is_default
            ])?;
        Ok(())
    }

    pub fn brands(&self) -> Result<Vec<Brand>> {
        self.all(
            "SELECT * FROM brands ORDER BY is_default DESC, name",
            brand_row,
        )
    }

    /// The brand tickets get when none is chosen (R14).
    pub fn default_brand(&self) -> Result<Brand> {
        self.conn
            .query_row("SELECT * FROM brands WHERE is_default = 1", [], brand_row)
            .optional()?
            .ok_or_else(|| StoreError::not_found("default brand", "(none)"))
    }

    pub fn insert_teammate(&self, t: &Teammate) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO teammates (id, name, email, role, active) VALUES (?1, ?2, ?3, ?4, ?5)",
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

    pub fn teammates(&self) -> Result<Vec<Teammate>> {
        self.all("SELECT * FROM teammates ORDER BY name", teammate_row)
    }

    pub fn teammate(&self, teammate: TeammateId) -> Result<Teammate> {
        self.one(
            "SELECT * FROM teammates WHERE id = ?1",
            teammate,
            "teammate",
            teammate_row,
        )
    }

    pub fn insert_team(&self, team: &Team) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO teams (id, name) VALUES (?1, ?2)")?
            .execute(params![team.id.to_string(), team.name])?;
        let mut member = self
            .conn
            .prepare_cached("INSERT INTO team_members (team_id, teammate_id) VALUES (?1, ?2)")?;
        for m in &team.members {
            member.execute(params![team.id.to_string(), m.to_string()])?;
        }
        Ok(())
    }

    pub fn teams(&self) -> Result<Vec<Team>> {
        let mut teams = self.all("SELECT * FROM teams ORDER BY name", |r| {
            Ok(Team {
                id: id(r, "id")?,
                name: r.get("name")?,
                members: Vec::new(),
            })
        })?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.teammate_id FROM team_members m JOIN teammates t ON t.id = m.teammate_id
             WHERE m.team_id = ?1 ORDER BY t.name",
        )?;
        for team in &mut teams {
            team.members = stmt
                .query_map([team.id.to_string()], |r| id(r, "teammate_id"))?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(teams)
    }

    pub fn insert_company(&self, c: &Company) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO companies (id, name) VALUES (?1, ?2)")?
            .execute(params![c.id.to_string(), c.name])?;
        Ok(())
    }

    pub fn companies(&self) -> Result<Vec<Company>> {
        self.all("SELECT * FROM companies ORDER BY name", |r| {
            Ok(Company {
                id: id(r, "id")?,
                name: r.get("name")?,
            })
        })
    }

    pub fn company(&self, company: CompanyId) -> Result<Company> {
        self.one(
            "SELECT * FROM companies WHERE id = ?1",
            company,
            "company",
            |r| {
                Ok(Company {
                    id: id(r, "id")?,
                    name: r.get("name")?,
                })
            },
        )
    }

    pub fn insert_contact(&self, c: &Contact) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO contacts (id, name, email, company_id) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                c.id.to_string(),
                c.name,
                c.email,
                c.company.map(|c| c.to_string())
            ])?;
        Ok(())
    }

    pub fn contacts(&self) -> Result<Vec<Contact>> {
        self.all("SELECT * FROM contacts ORDER BY name", contact_row)
    }

    pub fn contact(&self, contact: ContactId) -> Result<Contact> {
        self.one(
            "SELECT * FROM contacts WHERE id = ?1",
            contact,
            "contact",
            contact_row,
        )
    }

    /// Adds a state to the workspace; its internal label must be unique.
    pub fn insert_state(&self, state: &TicketState) -> Result<()> {
        state.validate_among(&self.states()?)?;
        self.conn.execute(
            "INSERT INTO ticket_states (id, position, internal_label, customer_label, category, archived)
             VALUES (?1, (SELECT COUNT(*) FROM ticket_states), ?2, ?3, ?4, ?5)",
            params![
                state.id.to_string(),
                state.internal_label,
                state.customer_label,
                state.category.as_str(),
                state.archived
            ],
        )?;
        Ok(())
    }

    /// The workspace's states, in menu order.
    pub fn states(&self) -> Result<Vec<TicketState>> {
        self.all("SELECT * FROM ticket_states ORDER BY position", |r| {
            Ok(TicketState {
                id: id(r, "id")?,
                internal_label: r.get("internal_label")?,
                customer_label: r.get("customer_label")?,
                category: codec::state_category(r, "category")?,
                archived: r.get("archived")?,
            })
        })
    }

    /// Adds a ticket type; it must be well formed and offer a state of each category.
    pub fn insert_ticket_type(&self, t: &TicketType) -> Result<()> {
        t.validate(&self.states()?)?;
        self.conn.execute(
            "INSERT INTO ticket_types (id, position, name, icon, description, category, attributes, archived)
             VALUES (?1, (SELECT COUNT(*) FROM ticket_types), ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                t.id.to_string(),
                t.name,
                t.icon,
                t.description,
                t.category.as_str(),
                to_json(&t.attributes),
                t.archived
            ],
        )?;
        let mut offer = self.conn.prepare_cached(
            "INSERT INTO ticket_type_states (type_id, state_id, position) VALUES (?1, ?2, ?3)",
        )?;
        for (position, state) in t.states.iter().enumerate() {
            offer.execute(params![
                t.id.to_string(),
                state.to_string(),
                position as i64
            ])?;
        }
        Ok(())
    }

    pub fn ticket_types(&self) -> Result<Vec<TicketType>> {
        let mut types = self.all(
            "SELECT * FROM ticket_types ORDER BY position",
            ticket_type_row,
        )?;
        for t in &mut types {
            t.states = self.offered_states(t.id)?;
        }
        Ok(types)
    }

    pub fn ticket_type(&self, type_id: TicketTypeId) -> Result<TicketType> {
        let mut t = self.one(
            "SELECT * FROM ticket_types WHERE id = ?1",
            type_id,
            "ticket type",
            ticket_type_row,
        )?;
        t.states = self.offered_states(type_id)?;
        Ok(t)
    }

    fn offered_states(&self, type_id: TicketTypeId) -> Result<Vec<inbox_core::StateId>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT state_id FROM ticket_type_states WHERE type_id = ?1 ORDER BY position",
            )?
            .query_map([type_id.to_string()], |r| id(r, "state_id"))?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub fn next_ticket_number(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM tickets",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn brand(&self, brand: BrandId) -> Result<Brand> {
        self.one(
            "SELECT * FROM brands WHERE id = ?1",
            brand,
            "brand",
            brand_row,
        )
    }

    /// Persists a ticket that `inbox-core` built. Use [`Store::apply`] for new tickets;
    /// this is for bulk loads that applied the same rules themselves.
    pub fn insert_ticket(&self, t: &Ticket) -> Result<()> {
        self.write_ticket_row(t, "")?;
        let mut contact = self.conn.prepare_cached(
            "INSERT INTO ticket_contacts (ticket_id, contact_id, position) VALUES (?1, ?2, ?3)",
        )?;
        for (position, c) in t.contacts.iter().enumerate() {
            contact.execute(params![t.id.to_string(), c.to_string(), position as i64])?;
        }
        Ok(())
    }

    /// Writes every column of the ticket's row (its contacts aside); `on_conflict` is empty
    /// for a new ticket, or an `ON CONFLICT` clause to overwrite an existing one.
    pub(crate) fn write_ticket_row(&self, t: &Ticket, on_conflict: &str) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO tickets (id, number, type_id, category, title, description, attributes,
                    state_id, open, assignee_teammate_id, assignee_team_id, company_id, brand_id,
                    shared, tracker_id, conversation_id, origin_ticket_id, created_at, updated_at,
                    last_activity_at, snoozed_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    ?18, ?19, ?20, ?21) {on_conflict}"
            ))?
            .execute(params![
                t.id.to_string(),
                t.number,
                t.type_id.to_string(),
                t.category.as_str(),
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
                t.created_at,
                t.updated_at,
                t.last_activity_at,
                t.snoozed_until,
            ])?;
        Ok(())
    }

    pub fn ticket(&self, ticket: TicketId) -> Result<Ticket> {
        let mut t = self.one(
            "SELECT * FROM tickets WHERE id = ?1",
            ticket,
            "ticket",
            ticket_row,
        )?;
        t.contacts = self
            .conn
            .prepare_cached(
                "SELECT contact_id FROM ticket_contacts WHERE ticket_id = ?1 ORDER BY position",
            )?
            .query_map([ticket.to_string()], |r| id(r, "contact_id"))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(t)
    }

    /// Every ticket's id, oldest first (for exports).
    pub fn ticket_ids(&self) -> Result<Vec<TicketId>> {
        Ok(self
            .conn
            .prepare("SELECT id FROM tickets ORDER BY id")?
            .query_map([], |r| id(r, "id"))?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub fn ticket_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))?)
    }

    /// Adds a part to a ticket's timeline; the ticket's last activity moves with it.
    pub fn append_part(&self, part: &Part) -> Result<()> {
        self.insert_part(part)?;
        let touched = self
            .conn
            .prepare_cached(
                "UPDATE tickets SET last_activity_at = MAX(last_activity_at, ?2),
                    updated_at = MAX(updated_at, ?2)
                 WHERE id = ?1",
            )?
            .execute(params![part.ticket.to_string(), part.created_at])?;
        if touched == 0 {
            return Err(StoreError::not_found("ticket", part.ticket));
        }
        Ok(())
    }

    /// Adds a part without touching its ticket, for writers that rewrite the ticket anyway.
    pub(crate) fn insert_part(&self, part: &Part) -> Result<()> {
        let owner = part.ticket.to_string();
        self.insert_entry(
            "parts",
            "ticket_id",
            &owner,
            part.id,
            &part.author,
            &part.kind,
            part.created_at,
            &part.attachments,
        )
    }

    /// One row of a timeline table (`parts` or `conversation_parts`), owned by `owner`.
    #[allow(clippy::too_many_arguments)]
    fn insert_entry(
        &self,
        table: &str,
        owner_column: &str,
        owner: &str,
        id: PartId,
        author: &Author,
        kind: &PartKind,
        created_at: Millis,
        attachments: &[inbox_core::AttachmentId],
    ) -> Result<()> {
        let (author_kind, author_id) = author_columns(author);
        let attachments = (!attachments.is_empty()).then(|| to_json(&attachments));
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO {table} (id, {owner_column}, author_kind, author_id, kind, body, data, created_at, attachments)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?
            .execute(params![
                id.to_string(),
                owner,
                author_kind,
                author_id,
                kind.as_str(),
                kind.text(),
                to_json(kind),
                created_at,
                attachments,
            ])?;
        Ok(())
    }

    /// A ticket's timeline, oldest first.
    pub fn timeline(&self, ticket: TicketId) -> Result<Vec<Part>> {
        Ok(self
            .conn
            .prepare_cached("SELECT * FROM parts WHERE ticket_id = ?1 ORDER BY created_at, rowid")?
            .query_map([ticket.to_string()], |r| {
                Ok(Part {
                    attachments: codec::attachments(r)?,
                    id: id(r, "id")?,
                    ticket: id(r, "ticket_id")?,
                    author: codec::author(r)?,
                    kind: codec::part_kind(r)?,
                    created_at: r.get("created_at")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub fn insert_conversation(&self, c: &Conversation) -> Result<()> {
        self.put_conversation(c, Activity::AsGiven)
    }

    /// Inserts the conversation or rewrites it as given.
    pub(crate) fn put_conversation(&self, c: &Conversation, activity: Activity) -> Result<()> {
        let last_activity = match activity {
            Activity::AsGiven => "excluded.last_activity_at",
            Activity::Latest => "MAX(last_activity_at, excluded.last_activity_at)",
        };
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO conversations (id, contact_id, subject, linked_ticket_id, open,
                    snoozed_until, assignee_teammate_id, assignee_team_id, channel, created_at,
                    last_activity_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id) DO UPDATE SET subject = excluded.subject,
                    linked_ticket_id = excluded.linked_ticket_id, open = excluded.open,
                    snoozed_until = excluded.snoozed_until,
                    assignee_teammate_id = excluded.assignee_teammate_id,
                    assignee_team_id = excluded.assignee_team_id,
                    last_activity_at = {last_activity}"
            ))?
            .execute(params![
                c.id.to_string(),
                c.contact.to_string(),
                c.subject,
                c.linked_ticket.map(|t| t.to_string()),
                c.open,
                c.snoozed_until,
                c.assignee_teammate.map(|t| t.to_string()),
                c.assignee_team.map(|t| t.to_string()),
                c.channel.as_str(),
                c.created_at,
                c.last_activity_at
            ])?;
        Ok(())
    }

    pub(crate) fn mark_conversation_read(
        &self,
        conversation: ConversationId,
        teammate: TeammateId,
        at: Millis,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO conversation_reads (conversation_id, teammate_id, read_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (conversation_id, teammate_id)
                 DO UPDATE SET read_at = MAX(read_at, excluded.read_at)",
            )?
            .execute(params![conversation.to_string(), teammate.to_string(), at])?;
        Ok(())
    }

    pub fn conversation(&self, conversation: ConversationId) -> Result<Conversation> {
        let sql = "SELECT * FROM conversations WHERE id = ?1";
        self.one(sql, conversation, "conversation", conversation_row)
    }

    /// Adds an entry to a conversation's timeline; the conversation's last activity moves too.
    pub fn append_conversation_part(&self, part: &ConversationPart) -> Result<()> {
        let owner = part.conversation.to_string();
        self.insert_entry(
            "conversation_parts",
            "conversation_id",
            &owner,
            part.id,
            &part.author,
            &part.kind,
            part.created_at,
            &part.attachments,
        )?;
        self.conn
            .prepare_cached(
                "UPDATE conversation_parts SET channel = ?2 WHERE id = ?1 AND ?2 IS NOT NULL",
            )?
            .execute(params![
                part.id.to_string(),
                part.channel.map(MessageChannel::as_str)
            ])?;
        self.conn
            .prepare_cached(
                "UPDATE conversations SET last_activity_at = MAX(last_activity_at, ?2) WHERE id = ?1",
            )?
            .execute(params![part.conversation.to_string(), part.created_at])?;
        Ok(())
    }

    /// Records `ticket` as the conversation's one shared ticket (R11).
    pub(crate) fn link_conversation(
        &self,
        conversation: ConversationId,
        ticket: TicketId,
    ) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE conversations SET linked_ticket_id = ?2 WHERE id = ?1")?
            .execute(params![conversation.to_string(), ticket.to_string()])?;
        Ok(())
    }

    pub fn conversations(&self) -> Result<Vec<Conversation>> {
        let sql = "SELECT * FROM conversations ORDER BY last_activity_at DESC, id DESC";
        self.all(sql, conversation_row)
    }

    pub(crate) fn all<T>(
        &self,
        sql: &str,
        map: impl FnMut(&Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_map([], map)?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn one<T>(
        &self,
        sql: &str,
        key: impl ToString,
        kind: &'static str,
        map: impl FnOnce(&Row) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let key = key.to_string();
        self.conn
            .prepare_cached(sql)?
            .query_row([&key], map)
            .optional()?
            .ok_or_else(|| StoreError::not_found(kind, key))
    }
}

pub(crate) fn conversation_row(r: &Row) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: id(r, "id")?,
        contact: id(r, "contact_id")?,
        subject: r.get("subject")?,
        linked_ticket: opt_id(r, "linked_ticket_id")?,
        open: r.get("open")?,
        snoozed_until: r.get("snoozed_until")?,
        assignee_teammate: opt_id(r, "assignee_teammate_id")?,
        assignee_team: opt_id(r, "assignee_team_id")?,
        channel: codec::message_channel(r, "channel")?,
        created_at: r.get("created_at")?,
        last_activity_at: r.get("last_activity_at")?,
    })
}

/// How a conversation's last activity is written: as given (the core decided it, or a rebase
/// restores it), or the later of the stored and the given one (a record may arrive after the
/// parts that moved it).
#[derive(Clone, Copy)]
pub(crate) enum Activity {
    AsGiven,
    Latest,
}

fn brand_row(r: &Row) -> rusqlite::Result<Brand> {
    Ok(Brand {
        id: id(r, "id")?,
        name: r.get("name")?,
        logo_url: r.get("logo_url")?,
        color: r.get("color")?,
        is_default: r.get("is_default")?,
    })
}

fn teammate_row(r: &Row) -> rusqlite::Result<Teammate> {
    Ok(Teammate {
        id: id(r, "id")?,
        name: r.get("name")?,
        email: r.get("email")?,
        role: codec::role(r, "role")?,
        active: r.get("active")?,
    })
}

fn contact_row(r: &Row) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: id(r, "id")?,
        name: r.get("name")?,
        email: r.get("email")?,
        company: opt_id(r, "company_id")?,
        role: Default::default(),
        external_id: None,
    })
}

fn ticket_type_row(r: &Row) -> rusqlite::Result<TicketType> {
    Ok(TicketType {
        id: id(r, "id")?,
        name: r.get("name")?,
        icon: r.get("icon")?,
        description: r.get("description")?,
        category: codec::category(r, "category")?,
        attributes: json(r, "attributes")?,
        states: Vec::new(),
        archived: r.get("archived")?,
    })
}

/// A ticket row without its contacts, which live in their own table.
pub(crate) fn ticket_row(r: &Row) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        id: id(r, "id")?,
        number: r.get("number")?,
        type_id: id(r, "type_id")?,
        category: codec::category(r, "category")?,
        title: r.get("title")?,
        description: r.get("description")?,
        attributes: json(r, "attributes")?,
        state_id: id(r, "state_id")?,
        open: r.get("open")?,
        snoozed_until: r.get("snoozed_until")?,
        assignee_teammate: opt_id(r, "assignee_teammate_id")?,
        assignee_team: opt_id(r, "assignee_team_id")?,
        contacts: Vec::new(),
        company: opt_id(r, "company_id")?,
        brand: id(r, "brand_id")?,
        shared: r.get("shared")?,
        tracker: opt_id(r, "tracker_id")?,
        conversation: opt_id(r, "conversation_id")?,
        origin_ticket: opt_id(r, "origin_ticket_id")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        last_activity_at: r.get("last_activity_at")?,
        customer_activity_at: None,
    })
}
