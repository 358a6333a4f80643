//! Tickets, and the validation of a new ticket against its type.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use crate::attribute::{DESCRIPTION, TITLE};
use crate::{
    AttributeValue, BrandId, Category, CompanyId, ContactId, ConversationId, CoreError, Millis,
    StateCategory, StateId, TeamId, TeammateId, TicketId, TicketState, TicketType, TicketTypeId,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SyncTicket))]
pub struct Ticket {
    pub id: TicketId,
    /// The human number (#123), assigned by the server; local demo data numbers its own.
    pub number: Option<i64>,
    pub type_id: TicketTypeId,
    /// Copied from the type, which can never change category, so lists can filter on it.
    pub category: Category,
    pub title: String,
    pub description: String,
    /// The type's other attributes, by key.
    pub attributes: BTreeMap<String, AttributeValue>,
    pub state_id: StateId,
    pub open: bool,
    /// An open ticket snoozed until this time is out of the open views until then, or until
    /// its customer writes; the server wakes it at its time. Never set on a closed ticket.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub snoozed_until: Option<Millis>,
    pub assignee_teammate: Option<TeammateId>,
    pub assignee_team: Option<TeamId>,
    pub contacts: Vec<ContactId>,
    pub company: Option<CompanyId>,
    pub brand: BrandId,
    pub shared: bool,
    /// The tracker this ticket is linked to (R13).
    pub tracker: Option<TicketId>,
    /// The conversation linked to this ticket, or for a back-office ticket the conversation it
    /// came from (R11, R12).
    pub conversation: Option<ConversationId>,
    /// For a back-office ticket raised from a customer ticket: that ticket (R12).
    pub origin_ticket: Option<TicketId>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub created_at: Millis,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub updated_at: Millis,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub last_activity_at: Millis,
    /// When something the customer can see last happened (submission, a reply, a state change
    /// they are told of): their Messenger orders tickets by it, so internal notes and
    /// reassignments never reshuffle a customer's Recent tickets. None on tickets from before
    /// it was kept (their last activity stands in).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub customer_activity_at: Option<Millis>,
}

/// What a teammate (or the API) submits to create a ticket. Attribute values are raw JSON, as a
/// form or an HTTP body carries them, keyed by attribute key; `title` and `description` included.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTicket {
    /// Raw JSON; for the UI's bindings, the values its forms send (null for an empty field).
    #[cfg_attr(feature = "specta", specta(type = BTreeMap<String, Option<AttributeValue>>))]
    pub attributes: BTreeMap<String, Value>,
}

/// The typed fields of a ticket that passed [`NewTicket::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTicketFields {
    pub title: String,
    pub description: String,
    pub attributes: BTreeMap<String, AttributeValue>,
}

impl NewTicket {
    /// Validates the submitted attributes against the ticket type, exactly as the server will:
    /// the type is not archived, no unknown keys, every value of its data type (list values among
    /// the options), every required attribute present. Errors come in the type's field order.
    pub fn validate(&self, ticket_type: &TicketType) -> Result<ValidTicketFields, CoreError> {
        if ticket_type.archived {
            return Err(CoreError::TicketTypeArchived {
                name: ticket_type.name.clone(),
            });
        }
        if let Some(key) = self
            .attributes
            .keys()
            .find(|k| ticket_type.attribute(k).is_none())
        {
            return Err(CoreError::AttributeUnknown { key: key.clone() });
        }
        let mut fields = ValidTicketFields {
            title: String::new(),
            description: String::new(),
            attributes: BTreeMap::new(),
        };
        for def in &ticket_type.attributes {
            let value = match self.attributes.get(&def.key) {
                Some(raw) => def.parse(raw)?,
                None => None,
            };
            let Some(value) = value else {
                if def.required_to_create {
                    return Err(CoreError::AttributeRequired {
                        key: def.key.clone(),
                        name: def.name.clone(),
                    });
                }
                continue;
            };
            match def.key.as_str() {
                TITLE => fields.title = value.display(),
                DESCRIPTION => fields.description = value.display(),
                _ => {
                    fields.attributes.insert(def.key.clone(), value);
                }
            }
        }
        Ok(fields)
    }
}

/// Everything needed to create a ticket, as a teammate, the API or an automation asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateTicket {
    pub id: TicketId,
    pub type_id: TicketTypeId,
    pub fields: NewTicket,
    /// The type's first "submitted" state when absent.
    pub state_id: Option<StateId>,
    /// At most 100 (else the mutation is rejected).
    pub contacts: Vec<ContactId>,
    pub company: Option<CompanyId>,
    /// The workspace's default brand when absent (R14).
    pub brand: Option<BrandId>,
    pub assignee_teammate: Option<TeammateId>,
    pub assignee_team: Option<TeamId>,
    /// The category's default when absent (R1–R3).
    pub shared: Option<bool>,
    pub conversation: Option<ConversationId>,
    pub origin_ticket: Option<TicketId>,
    /// When the ticket was really raised, for tickets imported from another help desk; now
    /// when absent. Never later than now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub created_at: Option<Millis>,
}

impl CreateTicket {
    /// A request for a ticket of `type_id` with `fields`, leaving every choice to its default.
    pub fn new(id: TicketId, type_id: TicketTypeId, fields: NewTicket) -> CreateTicket {
        CreateTicket {
            id,
            type_id,
            fields,
            state_id: None,
            contacts: Vec::new(),
            company: None,
            brand: None,
            assignee_teammate: None,
            assignee_team: None,
            shared: None,
            conversation: None,
            origin_ticket: None,
            created_at: None,
        }
    }
}

impl Ticket {
    /// Whether the ticket is snoozed at `now`: open, and its snooze not yet run out.
    pub fn is_snoozed(&self, now: Millis) -> bool {
        self.open && self.snoozed_until.is_some_and(|until| until > now)
    }

    /// An attribute's value by key; title and description included.
    pub fn attribute(&self, key: &str) -> Option<AttributeValue> {
        let text = |s: &str| (!s.is_empty()).then(|| AttributeValue::Text(s.to_owned()));
        match key {
            TITLE => text(&self.title),
            DESCRIPTION => text(&self.description),
            _ => self.attributes.get(key).cloned(),
        }
    }

    /// Sets (or clears, with None) an attribute's value by key; title and description included.
    pub fn set_attribute(&mut self, key: &str, value: Option<AttributeValue>) {
        let text = value
            .as_ref()
            .map(AttributeValue::display)
            .unwrap_or_default();
        match key {
            TITLE => self.title = text,
            DESCRIPTION => self.description = text,
            _ => match value {
                Some(v) => {
                    self.attributes.insert(key.to_owned(), v);
                }
                None => {
                    self.attributes.remove(key);
                }
            },
        }
    }

    /// Builds a new ticket, applying every rule a new ticket obeys: valid attributes for a
    /// non-archived type, a state the type offers, the category's sharing rule, a brand.
    pub fn create(
        req: CreateTicket,
        ticket_type: &TicketType,
        states: &[TicketState],
        default_brand: BrandId,
        number: Option<i64>,
        now: Millis,
    ) -> Result<Ticket, CoreError> {
        if req.type_id != ticket_type.id {
            return Err(CoreError::NotFound {
                kind: "ticket type",
                id: req.type_id.to_string(),
            });
        }
        let fields = req.fields.validate(ticket_type)?;
        let state =
            match req.state_id {
                Some(id) => states
                    .iter()
                    .find(|s| s.id == id)
                    .ok_or(CoreError::NotFound {
                        kind: "ticket state",
                        id: id.to_string(),
                    })?,
                None => ticket_type.initial_state(states).ok_or(
                    CoreError::TypeMissingStateCategory {
                        type_name: ticket_type.name.clone(),
                        missing: StateCategory::Submitted,
                    },
                )?,
            };
        ticket_type.check_state(state)?;
        let category = ticket_type.category;
        let shared = req.shared.unwrap_or(category.shared_by_default());
        category.check_shared(shared)?;
        let created_at = match req.created_at {
            Some(at) if !(0..=now).contains(&at) => {
                return Err(CoreError::CreatedAtOutOfRange { at })
            }
            Some(at) => at,
            None => now,
        };
        Ok(Ticket {
            id: req.id,
            number,
            type_id: ticket_type.id,
            category,
            title: fields.title,
            description: fields.description,
            attributes: fields.attributes,
            state_id: state.id,
            open: state.category != StateCategory::Resolved,
            snoozed_until: None,
            assignee_teammate: req.assignee_teammate,
            assignee_team: req.assignee_team,
            contacts: req.contacts,
            company: req.company,
            brand: req.brand.unwrap_or(default_brand),
            shared,
            tracker: None,
            conversation: req.conversation,
            origin_ticket: req.origin_ticket,
            created_at,
            updated_at: now,
            last_activity_at: now,
            customer_activity_at: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket_type::tests::{default_states, sample_type};
    use serde_json::json;

    fn valid_input() -> NewTicket {
        let mut attributes = BTreeMap::new();
        attributes.insert("title".into(), json!("Refund for order 1234"));
        attributes.insert(
            "description".into(),
            json!("Charged twice.\nPlease refund."),
        );
        attributes.insert("order_id".into(), json!("1234"));
        attributes.insert("priority".into(), json!("High"));
        attributes.insert("amount".into(), json!("19.90"));
        attributes.insert("due".into(), json!("2026-12-01"));
        NewTicket { attributes }
    }

    #[test]
    fn a_valid_ticket_gets_typed_fields() {
        let t = sample_type(Category::Customer, &default_states());
        let fields = valid_input().validate(&t).unwrap();
        assert_eq!(fields.title, "Refund for order 1234");
        assert_eq!(fields.description, "Charged twice.\nPlease refund.");
        assert_eq!(fields.attributes["amount"], AttributeValue::Decimal(19.9));
        assert_eq!(
            fields.attributes["priority"],
            AttributeValue::Text("High".into())
        );
        assert!(!fields.attributes.contains_key("title"));
    }

    #[test]
    fn validation_rules_table() {
        let states = default_states();
        let t = sample_type(Category::Customer, &states);
        let mut archived = t.clone();
        archived.archived = true;

        let with = |key: &str, value: Value| {
            let mut input = valid_input();
            input.attributes.insert(key.into(), value);
            input
        };
        let without = |key: &str| {
            let mut input = valid_input();
            input.attributes.remove(key);
            input
        };
        let table: Vec<(&str, &TicketType, NewTicket, Option<&str>)> = vec![
            ("valid", &t, valid_input(), None),
            (
                "archived type",
                &archived,
                valid_input(),
                Some("ticket_type_archived"),
            ),
            ("no title", &t, without("title"), Some("attribute_required")),
            (
                "blank title",
                &t,
                with("title", json!("   ")),
                Some("attribute_required"),
            ),
            ("no description is fine", &t, without("description"), None),
            (
                "required custom missing",
                &t,
                without("order_id"),
                Some("attribute_required"),
            ),
            (
                "required list missing",
                &t,
                without("priority"),
                Some("attribute_required"),
            ),
            ("optional missing", &t, without("amount"), None),
            (
                "unknown key",
                &t,
                with("colour", json!("red")),
                Some("attribute_unknown"),
            ),
            (
                "integer as text",
                &t,
                with("items", json!("three")),
                Some("attribute_wrong_type"),
            ),
            ("boolean", &t, with("express", json!(true)), None),
            (
                "boolean as text",
                &t,
                with("express", json!("true")),
                Some("attribute_wrong_type"),
            ),
            (
                "not an option",
                &t,
                with("priority", json!("Urgent")),
                Some("attribute_not_an_option"),
            ),
            (
                "bad date",
                &t,
                with("due", json!("2026-02-30")),
                Some("attribute_wrong_type"),
            ),
            (
                "internal attribute",
                &t,
                with("risk", json!("looks fine")),
                None,
            ),
        ];
        for (name, ticket_type, input, expected) in table {
            let got = input.validate(ticket_type).err().map(|e| e.code());
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn required_error_names_the_field() {
        let t = sample_type(Category::Customer, &default_states());
        let mut input = valid_input();
        input.attributes.remove("order_id");
        assert_eq!(
            input.validate(&t).unwrap_err().to_string(),
            "\"Order ID\" is required to create a ticket of this type."
        );
    }
}

#[cfg(test)]
mod create_tests {
    use super::*;
    use crate::ticket_type::tests::{default_states, sample_type};
    use serde_json::json;

    fn request(ticket_type: &TicketType) -> CreateTicket {
        let mut fields = NewTicket::default();
        fields
            .attributes
            .insert("title".into(), json!("Card declined"));
        fields.attributes.insert("order_id".into(), json!("A-1"));
        fields.attributes.insert("priority".into(), json!("Low"));
        CreateTicket {
            contacts: vec![ContactId::from_parts(1, 1)],
            ..CreateTicket::new(TicketId::from_parts(5, 5), ticket_type.id, fields)
        }
    }

    #[test]
    fn new_tickets_take_defaults_from_type_category_and_workspace() {
        let states = default_states();
        let brand = BrandId::from_parts(1, 9);
        for category in Category::ALL {
            let t = sample_type(category, &states);
            let ticket = Ticket::create(request(&t), &t, &states, brand, Some(7), 1_000).unwrap();
            assert_eq!(ticket.category, category);
            assert_eq!(ticket.shared, category == Category::Customer);
            assert_eq!(ticket.state_id, states[0].id, "starts submitted");
            assert!(ticket.open);
            assert_eq!(ticket.brand, brand, "R14: default brand");
            assert_eq!((ticket.created_at, ticket.last_activity_at), (1_000, 1_000));
            assert_eq!(ticket.number, Some(7));
        }
    }

    #[test]
    fn creation_enforces_sharing_state_and_attribute_rules() {
        let states = default_states();
        let brand = BrandId::from_parts(1, 9);
        let create = |category: Category, edit: fn(&mut CreateTicket, &mut TicketType)| {
            let mut t = sample_type(category, &states);
            let mut req = request(&t);
            edit(&mut req, &mut t);
            Ticket::create(req, &t, &states, brand, None, 0)
                .err()
                .map(|e| e.code())
        };
        type Edit = fn(&mut CreateTicket, &mut TicketType);
        let table: Vec<(&str, Category, Edit, Option<&str>)> = vec![
            (
                "tracker shared",
                Category::Tracker,
                |r, _| r.shared = Some(true),
                Some("tracker_cannot_be_shared"),
            ),
            (
                "customer unshared",
                Category::Customer,
                |r, _| r.shared = Some(false),
                Some("customer_ticket_always_shared"),
            ),
            (
                "back-office shared",
                Category::BackOffice,
                |r, _| r.shared = Some(true),
                None,
            ),
            (
                "state not offered",
                Category::Customer,
                |r, t| {
                    t.states.pop();
                    r.state_id = Some(StateId::from_parts(1, 3));
                },
                Some("state_not_offered"),
            ),
            (
                "unknown state",
                Category::Customer,
                |r, _| r.state_id = Some(StateId::from_parts(9, 9)),
                Some("not_found"),
            ),
            (
                "archived type",
                Category::Customer,
                |_, t| t.archived = true,
                Some("ticket_type_archived"),
            ),
            (
                "missing title",
                Category::Customer,
                |r, _| {
                    r.fields.attributes.remove("title");
                },
                Some("attribute_required"),
            ),
        ];
        for (name, category, edit, expected) in table {
            assert_eq!(create(category, edit), expected, "{name}");
        }
    }

    #[test]
    fn a_ticket_created_resolved_is_closed() {
        let states = default_states();
        let t = sample_type(Category::Customer, &states);
        let mut req = request(&t);
        req.state_id = Some(states[3].id);
        let ticket = Ticket::create(req, &t, &states, BrandId::from_parts(1, 1), None, 0).unwrap();
        assert!(!ticket.open);
    }

    #[test]
    fn an_imported_ticket_keeps_its_past_but_cannot_come_from_the_future() {
        let states = default_states();
        let t = sample_type(Category::Customer, &states);
        let brand = BrandId::from_parts(1, 1);
        let at = |created_at| {
            let req = CreateTicket {
                created_at: Some(created_at),
                ..request(&t)
            };
            Ticket::create(req, &t, &states, brand, None, 5_000)
        };
        let imported = at(1_000).unwrap();
        assert_eq!((imported.created_at, imported.updated_at), (1_000, 5_000));
        assert_eq!(at(5_000).unwrap().created_at, 5_000);
        for bad in [5_001, -1] {
            assert_eq!(at(bad), Err(CoreError::CreatedAtOutOfRange { at: bad }));
        }
    }
}
