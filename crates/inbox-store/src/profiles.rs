//! Profiles (R15): a contact's and a company's page, and the directory that leads to them.
//! Their Tickets tab is the inbox list of `View::Contact` / `View::Company`.

use inbox_core::{Company, CompanyId, Contact, ContactId};
use rusqlite::params;
use serde::Serialize;

use crate::codec::{id, opt_id};
use crate::inbox::View;
use crate::{Result, Store};

/// How many tickets a profile has, and how many of them are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TicketCounts {
    pub total: i64,
    pub open: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContactProfile {
    pub contact: Contact,
    pub company: Option<Company>,
    pub tickets: TicketCounts,
    pub conversations: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompanyProfile {
    pub company: Company,
    /// Its people, by name.
    pub contacts: Vec<Contact>,
    pub tickets: TicketCounts,
}

/// One line of the directory.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DirectoryEntry {
    Contact {
        contact: Contact,
        company_name: Option<String>,
    },
    Company {
        company: Company,
        contacts: i64,
    },
}

impl Store {
    pub fn contact_profile(&self, contact: ContactId) -> Result<ContactProfile> {
        let contact = self.contact(contact)?;
        let company = contact.company.map(|c| self.company(c)).transpose()?;
        let conversations = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM conversations WHERE contact_id = ?1")?
            .query_row([contact.id.to_string()], |r| r.get(0))?;
        Ok(ContactProfile {
            tickets: self.ticket_counts(&View::Contact {
                contact_id: contact.id,
            })?,
            contact,
            company,
            conversations,
        })
    }

    pub fn company_profile(&self, company: CompanyId) -> Result<CompanyProfile> {
        let company = self.company(company)?;
        let contacts = self
            .conn
            .prepare_cached(
                "SELECT id, name, email, company_id FROM contacts WHERE company_id = ?1
                 ORDER BY name COLLATE NOCASE, id",
            )?
            .query_map([company.id.to_string()], contact_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(CompanyProfile {
            tickets: self.ticket_counts(&View::Company {
                company_id: company.id,
            })?,
            company,
            contacts,
        })
    }

    /// Contacts and companies whose name (or a contact's email) contains `text`, companies
    /// first, each by name; at most `limit` of each.
    pub fn directory(&self, text: &str, limit: u32) -> Result<Vec<DirectoryEntry>> {
        let text = text.trim();
        // Three characters and more: the trigram indexes find the few that contain them (the
        // text as one quoted string, matched literally). Fewer: the names in order, read until
        // the page is full.
        let (company_filter, contact_filter, wanted) = if text.chars().count() >= 3 {
            (
                "c.rowid IN (SELECT rowid FROM company_names WHERE company_names MATCH ?1)",
                "p.rowid IN (SELECT rowid FROM contact_names WHERE contact_names MATCH ?1)",
                format!("\"{}\"", text.replace('"', "\"\"")),
            )
        } else {
            (
                "c.name LIKE ?1 ESCAPE '\\'",
                "(p.name LIKE ?1 ESCAPE '\\' OR p.email LIKE ?1 ESCAPE '\\')",
                format!("%{}%", like_escaped(text)),
            )
        };
        let companies = self
            .conn
            .prepare_cached(&format!(
                "SELECT c.id, c.name, (SELECT COUNT(*) FROM contacts p WHERE p.company_id = c.id) AS n
                 FROM companies c WHERE {company_filter}
                 ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?2"
            ))?
            .query_map(params![wanted, limit], |r| {
                Ok(DirectoryEntry::Company {
                    company: Company {
                        id: id(r, "id")?,
                        name: r.get("name")?,
                    },
                    contacts: r.get("n")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let contacts = self
            .conn
            .prepare_cached(&format!(
                "SELECT p.id, p.name, p.email, p.company_id, c.name AS company_name
                 FROM contacts p LEFT JOIN companies c ON c.id = p.company_id
                 WHERE {contact_filter}
                 ORDER BY p.name COLLATE NOCASE, p.id LIMIT ?2"
            ))?
            .query_map(params![wanted, limit], |r| {
                Ok(DirectoryEntry::Contact {
                    contact: contact_row(r)?,
                    company_name: r.get("company_name")?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(companies.into_iter().chain(contacts).collect())
    }

    fn ticket_counts(&self, view: &View) -> Result<TicketCounts> {
        let condition = view.condition(self)?;
        let filter = condition.where_clause();
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*), COALESCE(SUM(t.open), 0) FROM tickets t {filter}"
            ))?
            .query_row(rusqlite::params_from_iter(condition.params()), |r| {
                Ok(TicketCounts {
                    total: r.get(0)?,
                    open: r.get(1)?,
                })
            })?)
    }
}

fn contact_row(r: &rusqlite::Row) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: id(r, "id")?,
        name: r.get("name")?,
        email: r.get("email")?,
        company: opt_id(r, "company_id")?,
        role: Default::default(),
        external_id: None,
    })
}

/// `text` with LIKE's wildcards taken literally.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
