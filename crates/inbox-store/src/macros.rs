//! Macros (saved replies) in the local copy: those the signed-in teammate may use, and what
//! their placeholders are filled with for a ticket or a conversation.

use inbox_core::macros::render_macro;
use inbox_core::{CoreError, Macro, MacroContext, MacroId, Target, Visibility};
use rusqlite::{params, OptionalExtension};

use crate::codec::to_json;
use crate::{Result, Store, StoreError};

impl Store {
    /// The macros the signed-in teammate sees (the shared ones and their own), by name.
    pub fn macros(&self) -> Result<Vec<Macro>> {
        let me = self.me()?.id;
        let docs: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT doc FROM macros WHERE deleted = 0 AND (owner_id IS NULL OR owner_id = ?1)",
            )?
            .query_map([me.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut macros: Vec<Macro> = docs.iter().map(|d| parse(d)).collect::<Result<_>>()?;
        // The store holds only what its teammate may see; the check costs nothing.
        macros.retain(|m| m.visible_to(me));
        macros.sort_by_cached_key(|m| (m.name.to_lowercase(), m.id));
        Ok(macros)
    }

    /// The macro as saved, deleted or not, whoever owns it.
    pub fn saved_macro(&self, id: MacroId) -> Result<Option<Macro>> {
        self.conn
            .prepare_cached("SELECT doc FROM macros WHERE id = ?1")?
            .query_row([id.to_string()], |r| r.get::<_, String>(0))
            .optional()?
            .map(|d| parse(&d))
            .transpose()
    }

    pub(crate) fn put_macro(&self, m: &Macro) -> Result<()> {
        let owner = match m.visibility {
            Visibility::Shared => None,
            Visibility::Personal { owner } => Some(owner.to_string()),
        };
        self.conn
            .prepare_cached(
                "INSERT INTO macros (id, owner_id, deleted, doc) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id,
                    deleted = excluded.deleted, doc = excluded.doc",
            )?
            .execute(params![m.id.to_string(), owner, m.deleted, to_json(m)])?;
        Ok(())
    }

    pub(crate) fn forget_macro(&self, id: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM macros WHERE id = ?1")?
            .execute([id])?;
        Ok(())
    }

    /// Keeps the server's version of a macro an optimistic save replaces.
    pub(crate) fn shadow_macro(&self, id: MacroId) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO shadow_macros (id, doc)
                 VALUES (?1, (SELECT doc FROM macros WHERE id = ?1))",
            )?
            .execute([id.to_string()])?;
        Ok(())
    }

    /// What fills a macro's placeholders in a reply to `target`, sent by the signed-in
    /// teammate: the ticket's first contact (or the conversation's), its company, number,
    /// title and brand.
    pub fn macro_context(&self, target: Target) -> Result<MacroContext> {
        let (contact, company, number, title, brand) = match target {
            Target::Ticket(id) => {
                let t = self.ticket(id)?;
                let brand = self.brand(t.brand).ok().map(|b| b.name);
                (
                    t.contacts.first().copied(),
                    t.company,
                    t.number,
                    Some(t.title),
                    brand,
                )
            }
            Target::Conversation(id) => {
                let c = self.conversation(id)?;
                let linked = c.linked_ticket.and_then(|t| self.ticket(t).ok());
                let brand = linked
                    .as_ref()
                    .and_then(|t| self.brand(t.brand).ok())
                    .map(|b| b.name);
                (
                    Some(c.contact),
                    linked.as_ref().and_then(|t| t.company),
                    linked.as_ref().and_then(|t| t.number),
                    linked.map(|t| t.title),
                    brand,
                )
            }
            Target::Macro(_) => (None, None, None, None, None),
        };
        let contact = contact.and_then(|c| self.contact(c).ok());
        let company = company
            .or(contact.as_ref().and_then(|c| c.company))
            .and_then(|c| self.company(c).ok());
        Ok(MacroContext {
            contact_name: contact.as_ref().map(|c| c.name.clone()),
            contact_email: contact.map(|c| c.email),
            company_name: company.map(|c| c.name),
            ticket_number: number,
            ticket_title: title,
            teammate_name: Some(self.me()?.name),
            brand_name: brand,
        })
    }

    /// A macro the signed-in teammate sees, filled in for a reply to `target`.
    pub fn render_macro(&self, id: MacroId, target: Target) -> Result<Macro> {
        let me = self.me()?.id;
        let m = self
            .saved_macro(id)?
            .filter(|m| !m.deleted && m.visible_to(me))
            .ok_or_else(|| CoreError::NotFound {
                kind: "macro",
                id: id.to_string(),
            })?;
        Ok(render_macro(&m, &self.macro_context(target)?)?)
    }
}

fn parse(doc: &str) -> Result<Macro> {
    serde_json::from_str(doc).map_err(|e| StoreError::Corrupt(format!("a macro: {e}")))
}
