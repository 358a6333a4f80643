//! Identifiers. Entities that can be created offline get sortable unique ids (ULIDs), so two
//! teammates never mint the same id; the human ticket number (#123) is separate (see `Ticket`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ulid::Ulid;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
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
    TicketId,
    TicketTypeId,
    StateId,
    ContactId,
    CompanyId,
    TeammateId,
    TeamId,
    BrandId,
    ConversationId,
    PartId,
);
