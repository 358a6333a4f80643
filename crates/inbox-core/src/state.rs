//! Ticket states: an internal label (unique in the workspace), a customer-facing label (may
//! repeat) and one of four categories.

use serde::{Deserialize, Serialize};

use crate::{limits, CoreError, StateId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StateCategory {
    Submitted,
    InProgress,
    WaitingOnCustomer,
    Resolved,
}

impl StateCategory {
    pub const ALL: [StateCategory; 4] = [
        StateCategory::Submitted,
        StateCategory::InProgress,
        StateCategory::WaitingOnCustomer,
        StateCategory::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StateCategory::Submitted => "submitted",
            StateCategory::InProgress => "in_progress",
            StateCategory::WaitingOnCustomer => "waiting_on_customer",
            StateCategory::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<StateCategory> {
        StateCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The internal label of the workspace's default state of this category.
    pub fn internal_default_label(self) -> &'static str {
        match self {
            StateCategory::Submitted => "Submitted",
            StateCategory::InProgress => "In progress",
            StateCategory::WaitingOnCustomer => "Waiting on customer",
            StateCategory::Resolved => "Resolved",
        }
    }

    /// What customers see for the default state of this category.
    pub fn customer_default_label(self) -> &'static str {
        match self {
            StateCategory::WaitingOnCustomer => "Waiting on you",
            other => other.internal_default_label(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SyncTicketState))]
pub struct TicketState {
    pub id: StateId,
    /// What teammates see; unique in the workspace.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 250))]
    pub internal_label: String,
    /// What customers see; may repeat.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 250))]
    pub customer_label: String,
    pub category: StateCategory,
    pub archived: bool,
}

impl TicketState {
    /// A workspace's default state for `category`, with the given id.
    pub fn default_for(id: StateId, category: StateCategory) -> TicketState {
        TicketState {
            id,
            internal_label: category.internal_default_label().to_owned(),
            customer_label: category.customer_default_label().to_owned(),
            category,
            archived: false,
        }
    }

    /// Checks a state about to join `existing`: labels present, internal label unique
    /// (case-insensitively, since "resolved" and "Resolved" would confuse teammates).
    pub fn validate_among(&self, existing: &[TicketState]) -> Result<(), CoreError> {
        if self.internal_label.trim().is_empty() {
            return Err(CoreError::StateLabelEmpty { which: "internal" });
        }
        if self.customer_label.trim().is_empty() {
            return Err(CoreError::StateLabelEmpty {
                which: "customer-facing",
            });
        }
        limits::line("state's label", &self.internal_label, limits::MAX_NAME)?;
        limits::line(
            "state's customer label",
            &self.customer_label,
            limits::MAX_NAME,
        )?;
        let label = self.internal_label.trim().to_lowercase();
        let taken = existing
            .iter()
            .any(|s| s.id != self.id && s.internal_label.trim().to_lowercase() == label);
        if taken {
            return Err(CoreError::StateLabelTaken {
                label: self.internal_label.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> StateId {
        StateId::from_parts(1, n)
    }

    #[test]
    fn defaults_match_the_spec() {
        let labels: Vec<_> = StateCategory::ALL
            .iter()
            .map(|c| (c.internal_default_label(), c.customer_default_label()))
            .collect();
        assert_eq!(
            labels,
            [
                ("Submitted", "Submitted"),
                ("In progress", "In progress"),
                ("Waiting on customer", "Waiting on you"),
                ("Resolved", "Resolved"),
            ]
        );
    }

    #[test]
    fn internal_labels_are_unique_but_customer_labels_may_repeat() {
        let existing: Vec<_> = StateCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| TicketState::default_for(id(i as u128), *c))
            .collect();
        let mut triage = TicketState {
            id: id(10),
            internal_label: "Triage by engineering".into(),
            customer_label: "In progress".into(),
            category: StateCategory::InProgress,
            archived: false,
        };
        assert_eq!(triage.validate_among(&existing), Ok(()));

        triage.internal_label = " in PROGRESS ".into();
        assert_eq!(
            triage.validate_among(&existing).unwrap_err().code(),
            "state_label_taken"
        );

        // Re-validating an existing state against the list that holds it is fine.
        assert_eq!(existing[1].validate_among(&existing), Ok(()));
    }

    #[test]
    fn labels_must_not_be_empty() {
        let mut s = TicketState::default_for(id(1), StateCategory::Resolved);
        s.customer_label = "  ".into();
        assert_eq!(
            s.validate_among(&[]).unwrap_err().code(),
            "state_label_empty"
        );
        s.customer_label = "Done".into();
        s.internal_label = String::new();
        assert_eq!(
            s.validate_among(&[]).unwrap_err().code(),
            "state_label_empty"
        );
    }

    #[test]
    fn parse_round_trips() {
        for c in StateCategory::ALL {
            assert_eq!(StateCategory::parse(c.as_str()), Some(c));
        }
    }
}
