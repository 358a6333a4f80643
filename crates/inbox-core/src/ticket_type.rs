//! Ticket types: defined by an admin before tickets of them can exist.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use crate::{
    limits, AttributeDef, Category, CoreError, DataType, StateCategory, StateId, TicketState,
    TicketTypeId,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SyncTicketType))]
pub struct TicketType {
    pub id: TicketTypeId,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 250))]
    pub name: String,
    /// An emoji shown beside the type's name.
    #[cfg_attr(feature = "openapi", schema(max_length = 250))]
    pub icon: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 65536))]
    pub description: String,
    pub category: Category,
    /// Title and description first, then the admin's attributes, in display order.
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub attributes: Vec<AttributeDef>,
    /// The states tickets of this type may be in, in menu order.
    #[cfg_attr(feature = "openapi", schema(max_items = 10000))]
    pub states: Vec<StateId>,
    /// Archived types accept no new tickets; existing ones stay.
    pub archived: bool,
}

impl TicketType {
    /// A type with the built-in title and description followed by `custom` attributes.
    pub fn new(
        id: TicketTypeId,
        name: &str,
        icon: &str,
        category: Category,
        custom: Vec<AttributeDef>,
        states: Vec<StateId>,
    ) -> TicketType {
        TicketType {
            id,
            name: name.to_owned(),
            icon: icon.to_owned(),
            description: String::new(),
            category,
            attributes: AttributeDef::built_ins()
                .into_iter()
                .chain(custom)
                .collect(),
            states,
            archived: false,
        }
    }

    pub fn attribute(&self, key: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.key == key)
    }

    pub fn offers(&self, state: StateId) -> bool {
        self.states.contains(&state)
    }

    /// Checks the type's own shape and that, among the workspace's `all_states`, it offers at
    /// least one state of each category.
    pub fn validate(&self, all_states: &[TicketState]) -> Result<(), CoreError> {
        if self.name.trim().is_empty() {
            return Err(CoreError::TypeNameEmpty);
        }
        limits::line("ticket type's name", &self.name, limits::MAX_NAME)?;
        limits::line("ticket type's icon", &self.icon, limits::MAX_NAME)?;
        limits::text(
            "ticket type's description",
            &self.description,
            limits::MAX_BODY,
        )?;
        limits::count("attributes", self.attributes.len(), limits::MAX_ATTRIBUTES)?;
        limits::count("states", self.states.len(), limits::MAX_MEMBERS)?;
        let mut keys = HashSet::new();
        for attr in &self.attributes {
            limits::line("attribute's key", &attr.key, limits::MAX_NAME)?;
            limits::line("attribute's name", &attr.name, limits::MAX_NAME)?;
            if !keys.insert(attr.key.as_str()) {
                return Err(CoreError::AttributeDuplicate {
                    key: attr.key.clone(),
                });
            }
            if let DataType::List { options } = &attr.data_type {
                if options.is_empty() {
                    return Err(CoreError::AttributeListWithoutOptions {
                        name: attr.name.clone(),
                    });
                }
                limits::count("options", options.len(), limits::MAX_OPTIONS)?;
                for option in options {
                    limits::line("list option", option, limits::MAX_NAME)?;
                }
            }
        }
        for category in StateCategory::ALL {
            let offered = all_states
                .iter()
                .any(|s| s.category == category && self.offers(s.id));
            if !offered {
                return Err(CoreError::TypeMissingStateCategory {
                    type_name: self.name.clone(),
                    missing: category,
                });
            }
        }
        Ok(())
    }

    /// A ticket's state must be one its type offers.
    pub fn check_state(&self, state: &TicketState) -> Result<(), CoreError> {
        if self.offers(state.id) {
            Ok(())
        } else {
            Err(CoreError::StateNotOffered {
                type_name: self.name.clone(),
                state: state.internal_label.clone(),
            })
        }
    }

    /// The state a new ticket of this type starts in: the first offered "submitted" state.
    pub fn initial_state<'a>(&self, all_states: &'a [TicketState]) -> Option<&'a TicketState> {
        self.states.iter().find_map(|id| {
            all_states
                .iter()
                .find(|s| s.id == *id && s.category == StateCategory::Submitted)
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn default_states() -> Vec<TicketState> {
        StateCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| TicketState::default_for(StateId::from_parts(1, i as u128), *c))
            .collect()
    }

    pub(crate) fn sample_type(category: Category, states: &[TicketState]) -> TicketType {
        TicketType::new(
            TicketTypeId::from_parts(1, 1),
            "Refund request",
            "💸",
            category,
            vec![
                AttributeDef::new("order_id", "Order ID", DataType::Text).required(),
                AttributeDef::new("amount", "Amount", DataType::Decimal),
                AttributeDef::new("items", "Items", DataType::Integer),
                AttributeDef::new("express", "Express", DataType::Boolean),
                AttributeDef::new(
                    "priority",
                    "Priority",
                    DataType::List {
                        options: vec!["Low".into(), "High".into()],
                    },
                )
                .required(),
                AttributeDef::new("due", "Due", DataType::Date),
                AttributeDef::new("risk", "Fraud risk notes", DataType::LongText).internal(),
            ],
            states.iter().map(|s| s.id).collect(),
        )
    }

    #[test]
    fn every_type_has_title_and_description_first() {
        let t = sample_type(Category::Customer, &default_states());
        let keys: Vec<_> = t
            .attributes
            .iter()
            .take(2)
            .map(|a| (a.key.as_str(), a.built_in))
            .collect();
        assert_eq!(keys, [("title", true), ("description", true)]);
        assert!(t.attribute("title").unwrap().required_to_create);
        assert!(!t.attribute("description").unwrap().required_to_create);
    }

    #[test]
    fn a_type_must_offer_every_state_category() {
        let states = default_states();
        let mut t = sample_type(Category::Customer, &states);
        assert_eq!(t.validate(&states), Ok(()));
        for missing in StateCategory::ALL {
            t.states = states
                .iter()
                .filter(|s| s.category != missing)
                .map(|s| s.id)
                .collect();
            let err = t.validate(&states).unwrap_err();
            assert_eq!(
                err,
                CoreError::TypeMissingStateCategory {
                    type_name: t.name.clone(),
                    missing
                }
            );
        }
    }

    #[test]
    fn type_shape_errors() {
        let states = default_states();
        let mut t = sample_type(Category::Tracker, &states);
        t.attributes
            .push(AttributeDef::new("order_id", "Again", DataType::Text));
        assert_eq!(
            t.validate(&states).unwrap_err().code(),
            "attribute_duplicate"
        );

        let mut t = sample_type(Category::Tracker, &states);
        t.attributes.push(AttributeDef::new(
            "empty",
            "Empty",
            DataType::List { options: vec![] },
        ));
        assert_eq!(
            t.validate(&states).unwrap_err().code(),
            "attribute_list_without_options"
        );

        let mut t = sample_type(Category::Tracker, &states);
        t.name = " ".into();
        assert_eq!(
            t.validate(&states).unwrap_err().code(),
            "ticket_type_name_empty"
        );
    }

    #[test]
    fn ticket_state_must_be_offered_by_the_type() {
        let states = default_states();
        let mut t = sample_type(Category::BackOffice, &states);
        assert_eq!(t.check_state(&states[3]), Ok(()));
        t.states.pop();
        assert_eq!(
            t.check_state(&states[3]).unwrap_err().code(),
            "state_not_offered"
        );
        assert_eq!(
            t.initial_state(&states).unwrap().category,
            StateCategory::Submitted
        );
    }
}
