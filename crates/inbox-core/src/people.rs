//! The people and places around tickets: teammates, teams, brands, contacts and companies.

use serde::{Deserialize, Serialize};

use crate::{limits, BrandId, CompanyId, ContactId, CoreError, TeamId, TeammateId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Teammate,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teammate => "teammate",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Admin, Role::Teammate]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Teammate {
    pub id: TeammateId,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 250))]
    pub name: String,
    /// Unique among teammates and contacts.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    pub role: Role,
    /// A deactivated teammate (who left the team) keeps their name on past work, but cannot
    /// sign in, be given tickets or join a team; deactivating them ends their sessions.
    #[serde(default = "active")]
    pub active: bool,
}

fn active() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: TeamId,
    /// Unique in the workspace.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 250))]
    pub name: String,
    pub members: Vec<TeammateId>,
}

/// A brand a workspace supports customers under; emails use the ticket's brand (R14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Brand {
    pub id: BrandId,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 250))]
    pub name: String,
    /// A URL or data URL of the logo shown in emails.
    #[cfg_attr(feature = "openapi", schema(max_length = 262144))]
    pub logo_url: String,
    /// The Messenger's and emails' accent colour, `#rrggbb`; empty for the default.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(#[0-9a-fA-F]{6})?$"))]
    pub color: String,
    pub is_default: bool,
}

impl Brand {
    /// The accent colour when a brand has none of its own.
    pub const DEFAULT_COLOR: &'static str = "#3b5bdb";

    pub fn color_or_default(&self) -> &str {
        if self.color.is_empty() {
            Self::DEFAULT_COLOR
        } else {
            &self.color
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SyncCompany))]
pub struct Company {
    pub id: CompanyId,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 250))]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SyncContact))]
pub struct Contact {
    pub id: ContactId,
    #[cfg_attr(feature = "openapi", schema(max_length = 250))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    pub company: Option<CompanyId>,
    /// A signed-up user or a lead, as Intercom tells them apart.
    #[serde(default)]
    pub role: ContactRole,
    /// The contact's id in the team's own systems (Intercom's `external_id`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 250))]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    #[default]
    User,
    Lead,
}

impl ContactRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::User => "user",
            ContactRole::Lead => "lead",
        }
    }

    pub fn parse(s: &str) -> Option<ContactRole> {
        [ContactRole::User, ContactRole::Lead]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

impl Contact {
    /// A contact as every path must store it: a one-line name and an address the mailer can
    /// send to (an address it could not parse would leave their emails failing forever).
    pub fn validate(&self) -> Result<(), CoreError> {
        limits::line("contact's name", &self.name, limits::MAX_NAME)?;
        if let Some(external_id) = &self.external_id {
            limits::line("contact's external id", external_id, limits::MAX_NAME)?;
        }
        limits::email_address(&self.email)
    }
}

impl Company {
    pub fn validate(&self) -> Result<(), CoreError> {
        if self.name.trim().is_empty() {
            return Err(CoreError::NameEmpty { what: "company" });
        }
        limits::line("company's name", &self.name, limits::MAX_NAME)
    }
}
