//! Identifiers. Entities that can be created offline get sortable unique ids (ULIDs), so two
//! teammates never mint the same id; the human ticket number (#123) is separate (see `Ticket`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ulid::Ulid;

/// What every id looks like on the wire: a ULID in Crockford's base 32, as the server writes
/// it (upper case). The OpenAPI document's id schemas carry this pattern.
pub const ULID_PATTERN: &str = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$";

/// The OpenAPI schema of an id: a string holding a ULID.
#[cfg(feature = "openapi")]
pub fn ulid_schema(what: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(ULID_PATTERN))
        .description(Some(format!("The id of a {what}: a ULID.")))
        .build()
        .into()
}

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident = $what:literal),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(pub Ulid);

        impl $name {
            /// Builds an id from its two ULID parts; callers own the clock and the randomness.
            pub fn from_parts(timestamp_ms: u64, random: u128) -> Self {
                Self(Ulid::from_parts(timestamp_ms, random))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                ulid_schema($what)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ulid::from_string(s).map(Self).map_err(|_| crate::CoreError::InvalidId {
                    kind: stringify!($name),
                    value: s.to_owned(),
                })
            }
        }
    )*};
}

id_type!(
    TicketId = "ticket",
    TicketTypeId = "ticket type",
    StateId = "ticket state",
    ContactId = "contact",
    CompanyId = "company",
    TeammateId = "teammate",
    TeamId = "team",
    BrandId = "brand",
    ConversationId = "conversation",
    PartId = "timeline part",
    MacroId = "macro",
    AttachmentId = "attachment",
);
