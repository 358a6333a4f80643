//! The three ticket categories and their fixed visibility (R1–R3).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::CoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Raised by or for a customer; always shared with them (R1).
    Customer,
    /// Internal collaboration (finance, engineering…); shareable on purpose (R2).
    BackOffice,
    /// Tracks a problem many customers report; never shared (R3).
    Tracker,
}

/// Whether tickets of a category may be shared with the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sharing {
    Always,
    Optional,
    Never,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Customer, Category::BackOffice, Category::Tracker];

    pub fn sharing(self) -> Sharing {
        match self {
            Category::Customer => Sharing::Always,
            Category::BackOffice => Sharing::Optional,
            Category::Tracker => Sharing::Never,
        }
    }

    /// The shared flag a new ticket of this category starts with.
    pub fn shared_by_default(self) -> bool {
        self.sharing() == Sharing::Always
    }

    /// Checks that a ticket of this category may have the given shared flag. Every path that sets
    /// the flag (app, API, sync, automation) goes through here.
    pub fn check_shared(self, shared: bool) -> Result<(), CoreError> {
        match (self.sharing(), shared) {
            (Sharing::Always, false) => Err(CoreError::CustomerTicketAlwaysShared),
            (Sharing::Never, true) => Err(CoreError::TrackerCannotBeShared),
            _ => Ok(()),
        }
    }

    /// Why the share toggle cannot be used, when it cannot; shown beside the disabled toggle.
    pub fn share_locked_reason(self) -> Option<String> {
        match self.sharing() {
            Sharing::Always => Some(CoreError::CustomerTicketAlwaysShared.to_string()),
            Sharing::Never => Some(CoreError::TrackerCannotBeShared.to_string()),
            Sharing::Optional => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Customer => "customer",
            Category::BackOffice => "back_office",
            Category::Tracker => "tracker",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Category::Customer => "Customer",
            Category::BackOffice => "Back-office",
            Category::Tracker => "Tracker",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_rules_r1_r2_r3() {
        use Category::*;
        let table = [
            (Customer, true, None),
            (Customer, false, Some("customer_ticket_always_shared")),
            (BackOffice, false, None),
            (BackOffice, true, None),
            (Tracker, false, None),
            (Tracker, true, Some("tracker_cannot_be_shared")),
        ];
        for (category, shared, expected) in table {
            let got = category.check_shared(shared).err().map(|e| e.code());
            assert_eq!(got, expected, "{category} shared={shared}");
        }
    }

    #[test]
    fn new_tickets_start_shared_only_when_customer() {
        assert!(Category::Customer.shared_by_default());
        assert!(!Category::BackOffice.shared_by_default());
        assert!(!Category::Tracker.shared_by_default());
        for c in Category::ALL {
            assert!(c.check_shared(c.shared_by_default()).is_ok());
        }
    }

    #[test]
    fn locked_reason_only_for_customer_and_tracker() {
        assert!(Category::Customer
            .share_locked_reason()
            .unwrap()
            .contains("always shared"));
        assert!(Category::Tracker
            .share_locked_reason()
            .unwrap()
            .contains("never be shared"));
        assert_eq!(Category::BackOffice.share_locked_reason(), None);
    }

    #[test]
    fn parse_round_trips() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("nope"), None);
    }
}
