//! How domain values look over REST: Intercom's resource shapes and field names (`type` tags,
//! `ticket_attributes` with `_default_title_`, `ticket_state` with internal and external labels,
//! unix seconds), so that code written against Intercom's Tickets API needs few changes.

use std::collections::{BTreeMap, HashMap};

use inbox_core::attribute::{DESCRIPTION, TITLE};
use inbox_core::{
    AttributeDef, Author, Category, Company, Contact, DataType, Millis, Part, PartKind,
    StateCategory, Teammate, Ticket, TicketState, TicketType, TicketTypeId,
};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::workspace::Db;

/// Intercom's keys for the two attributes every ticket type has.
pub const DEFAULT_TITLE: &str = "_default_title_";
pub const DEFAULT_DESCRIPTION: &str = "_default_description_";

/// Intercom speaks unix seconds; we keep milliseconds.
pub fn secs(ms: Millis) -> i64 {
    ms.div_euclid(1000)
}

/// A category as Intercom spells it.
pub fn category_name(category: Category) -> &'static str {
    match category {
        Category::Customer => "Customer",
        Category::BackOffice => "Back-office",
        Category::Tracker => "Tracker",
    }
}

/// A category from any spelling a client may use: ours (`back_office`), Intercom's names
/// (`Back-office`) or the terms its ticket search takes (`request`, `task`, `tracker`).
pub fn parse_category(value: &str) -> Option<Category> {
    let normal = value.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    match normal.as_str() {
        "customer" | "request" => Some(Category::Customer),
        "back_office" | "backoffice" | "task" => Some(Category::BackOffice),
        "tracker" => Some(Category::Tracker),
        _ => None,
    }
}

/// An attribute key as the API shows it.
pub fn api_key(key: &str) -> &str {
    match key {
        TITLE => DEFAULT_TITLE,
        DESCRIPTION => DEFAULT_DESCRIPTION,
        other => other,
    }
}

/// An attribute key as a client sent it, turned into the type's own key: Intercom's default
/// keys, our keys, or (as Intercom's own `ticket_attributes` are keyed) the attribute's name.
/// An unknown key is passed on for the domain to refuse with `attribute_unknown`.
pub fn our_key(ticket_type: &TicketType, key: &str) -> String {
    match key {
        DEFAULT_TITLE => return TITLE.to_owned(),
        DEFAULT_DESCRIPTION => return DESCRIPTION.to_owned(),
        _ => {}
    }
    if ticket_type.attribute(key).is_some() {
        return key.to_owned();
    }
    ticket_type
        .attributes
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(key.trim()))
        .map(|a| a.key.clone())
        .unwrap_or_else(|| key.to_owned())
}

#[derive(Debug, Serialize)]
pub struct StateResource {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    category: &'static str,
    internal_label: String,
    external_label: String,
    archived: bool,
}

pub fn ticket_state(s: &TicketState) -> StateResource {
    StateResource {
        kind: "ticket_state",
        id: s.id.to_string(),
        category: s.category.as_str(),
        internal_label: s.internal_label.clone(),
        external_label: s.customer_label.clone(),
        archived: s.archived,
    }
}

#[derive(Debug, Serialize)]
pub struct AttributeResource {
    #[serde(rename = "type")]
    kind: &'static str,
    /// Intercom's attributes have numeric ids; ours are identified by their key.
    id: String,
    key: String,
    name: String,
    data_type: &'static str,
    input_options: Value,
    required_to_create: bool,
    visible_to_contacts: bool,
    /// Title and description: on every type, cannot be removed.
    default: bool,
    order: usize,
    ticket_type_id: String,
}

/// How our data types map onto Intercom's: text is a `string`, long text a multiline `string`.
fn data_type(data_type: &DataType) -> (&'static str, Value) {
    match data_type {
        DataType::Text => ("string", json!({ "multiline": false })),
        DataType::LongText => ("string", json!({ "multiline": true })),
        DataType::Integer => ("integer", json!({})),
        DataType::Decimal => ("decimal", json!({})),
        DataType::Boolean => ("boolean", json!({})),
        DataType::Date => ("datetime", json!({})),
        DataType::List { options } => {
            let options: Vec<Value> = options.iter().map(|o| json!({ "label": o })).collect();
            ("list", json!({ "list_options": options }))
        }
    }
}

pub fn attribute(ticket_type: &TicketType, order: usize, def: &AttributeDef) -> AttributeResource {
    let (data_type, input_options) = data_type(&def.data_type);
    AttributeResource {
        kind: "ticket_type_attribute",
        id: def.key.clone(),
        key: def.key.clone(),
        name: def.name.clone(),
        data_type,
        input_options,
        required_to_create: def.required_to_create,
        visible_to_contacts: def.visible_to_customer,
        default: def.built_in,
        order,
        ticket_type_id: ticket_type.id.to_string(),
    }
}

#[derive(Debug, Serialize)]
struct TypedList<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "data")]
    items: Vec<T>,
}

#[derive(Debug, Serialize)]
struct AttributeList {
    #[serde(rename = "type")]
    kind: &'static str,
    ticket_type_attributes: Vec<AttributeResource>,
}

#[derive(Debug, Serialize)]
pub struct TicketTypeResource {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    name: String,
    description: String,
    icon: String,
    category: &'static str,
    archived: bool,
    /// Left out where the type is embedded in a ticket, to keep ticket lists small.
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_type_attributes: Option<AttributeList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_states: Option<TypedList<StateResource>>,
}

fn type_summary(t: &TicketType) -> TicketTypeResource {
    TicketTypeResource {
        kind: "ticket_type",
        id: t.id.to_string(),
        name: t.name.clone(),
        description: t.description.clone(),
        icon: t.icon.clone(),
        category: category_name(t.category),
        archived: t.archived,
        ticket_type_attributes: None,
        ticket_states: None,
    }
}

/// A ticket type with its attributes and the states it offers, in menu order.
pub fn ticket_type(t: &TicketType, states: &[TicketState]) -> TicketTypeResource {
    let attributes = t
        .attributes
        .iter()
        .enumerate()
        .map(|(i, def)| attribute(t, i, def))
        .collect();
    let offered = t
        .states
        .iter()
        .filter_map(|id| states.iter().find(|s| s.id == *id))
        .map(ticket_state)
        .collect();
    TicketTypeResource {
        ticket_type_attributes: Some(AttributeList {
            kind: "ticket_type_attributes.list",
            ticket_type_attributes: attributes,
        }),
        ticket_states: Some(TypedList {
            kind: "list",
            items: offered,
        }),
        ..type_summary(t)
    }
}

#[derive(Debug, Serialize)]
struct ContactRef {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
}

#[derive(Debug, Serialize)]
struct ContactList {
    #[serde(rename = "type")]
    kind: &'static str,
    contacts: Vec<ContactRef>,
}

#[derive(Debug, Serialize)]
struct LinkedObject {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    /// What the link is: `tracker`, `conversation` or `origin_ticket` (R11–R13).
    link: &'static str,
}

#[derive(Debug, Serialize)]
struct LinkedObjects {
    #[serde(rename = "type")]
    kind: &'static str,
    data: Vec<LinkedObject>,
    total_count: usize,
    has_more: bool,
}

#[derive(Debug, Serialize)]
pub struct TicketResource {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    /// The human number (#123), as a string like Intercom's.
    ticket_id: Option<String>,
    category: &'static str,
    ticket_type: Option<TicketTypeResource>,
    ticket_attributes: BTreeMap<String, Value>,
    ticket_state: Option<StateResource>,
    open: bool,
    is_shared: bool,
    // Absent when unset, as Intercom leaves them out (its clients' types have no null there).
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_assignee_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team_assignee_id: Option<String>,
    contacts: ContactList,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_id: Option<String>,
    brand_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracker_id: Option<String>,
    linked_objects: LinkedObjects,
    created_at: i64,
    updated_at: i64,
    last_activity_at: i64,
}

#[derive(Debug, Serialize)]
struct AuthorResource {
    /// Intercom's author types: `admin` (a teammate), `user` (a customer), `bot` (the system).
    #[serde(rename = "type")]
    kind: &'static str,
    id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PartResource {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    part_type: &'static str,
    body: Option<String>,
    author: AuthorResource,
    created_at: i64,
    updated_at: i64,
    /// For state changes: the categories before and after, as Intercom reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_ticket_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_state: Option<&'static str>,
    /// Everything else the part records (ids, values, links), as the domain names it.
    #[serde(skip_serializing_if = "Map::is_empty")]
    details: Map<String, Value>,
}

/// Intercom's part types where it has one; our own kind otherwise.
fn part_type(kind: &PartKind) -> &'static str {
    match kind {
        PartKind::Reply { .. } => "comment",
        PartKind::Note { .. } => "note",
        PartKind::StateChanged { .. } => "ticket_state_updated",
        PartKind::Closed { .. } => "close",
        PartKind::Reopened => "open",
        PartKind::AssignmentChanged { .. } => "assignment",
        PartKind::AttributeChanged { .. } => "ticket_attribute_updated",
        other => other.as_str(),
    }
}

/// The ticket types and states of the workspace, read once per request to render tickets.
pub struct Catalog {
    types: HashMap<TicketTypeId, TicketType>,
    states: Vec<TicketState>,
}

impl Catalog {
    pub fn load(db: &Db) -> Result<Catalog> {
        use inbox_core::Workspace;
        let types = db.ticket_types()?.into_iter().map(|t| (t.id, t)).collect();
        Ok(Catalog {
            types,
            states: db.states()?,
        })
    }

    pub fn states(&self) -> &[TicketState] {
        &self.states
    }

    /// The ticket types, in id (creation) order.
    pub fn types(&self) -> Vec<&TicketType> {
        let mut types: Vec<&TicketType> = self.types.values().collect();
        types.sort_by_key(|t| t.id);
        types
    }

    fn state(&self, id: inbox_core::StateId) -> Option<&TicketState> {
        self.states.iter().find(|s| s.id == id)
    }

    pub fn ticket(&self, t: &Ticket) -> TicketResource {
        let mut attributes = BTreeMap::new();
        attributes.insert(DEFAULT_TITLE.to_owned(), json!(t.title));
        attributes.insert(DEFAULT_DESCRIPTION.to_owned(), json!(t.description));
        for (key, value) in &t.attributes {
            let value = serde_json::to_value(value).expect("attribute values serialise");
            attributes.insert(api_key(key).to_owned(), value);
        }
        let mut links = Vec::new();
        let mut link = |kind, id: String, link| links.push(LinkedObject { kind, id, link });
        if let Some(tracker) = t.tracker {
            link("ticket", tracker.to_string(), "tracker");
        }
        if let Some(conversation) = t.conversation {
            link("conversation", conversation.to_string(), "conversation");
        }
        if let Some(origin) = t.origin_ticket {
            link("ticket", origin.to_string(), "origin_ticket");
        }
        let id = |v: &dyn std::fmt::Display| v.to_string();
        TicketResource {
            kind: "ticket",
            id: id(&t.id),
            ticket_id: t.number.map(|n| n.to_string()),
            category: category_name(t.category),
            ticket_type: self.types.get(&t.type_id).map(type_summary),
            ticket_attributes: attributes,
            ticket_state: self.state(t.state_id).map(ticket_state),
            open: t.open,
            is_shared: t.shared,
            admin_assignee_id: t.assignee_teammate.map(|v| id(&v)),
            team_assignee_id: t.assignee_team.map(|v| id(&v)),
            contacts: ContactList {
                kind: "contact.list",
                contacts: t
                    .contacts
                    .iter()
                    .map(|c| ContactRef {
                        kind: "contact",
                        id: id(c),
                    })
                    .collect(),
            },
            company_id: t.company.map(|v| id(&v)),
            brand_id: id(&t.brand),
            tracker_id: t.tracker.map(|v| id(&v)),
            linked_objects: LinkedObjects {
                kind: "list",
                total_count: links.len(),
                data: links,
                has_more: false,
            },
            created_at: secs(t.created_at),
            updated_at: secs(t.updated_at),
            last_activity_at: secs(t.last_activity_at),
        }
    }

    pub fn part(&self, p: &Part) -> PartResource {
        let author = match p.author {
            Author::Teammate(id) => AuthorResource {
                kind: "admin",
                id: Some(id.to_string()),
            },
            Author::Contact(id) => AuthorResource {
                kind: "user",
                id: Some(id.to_string()),
            },
            Author::System => AuthorResource {
                kind: "bot",
                id: None,
            },
        };
        let category = |id| self.state(id).map(|s: &TicketState| s.category.as_str());
        let (previous, current) = match &p.kind {
            PartKind::StateChanged { from, to } => (category(*from), category(*to)),
            _ => (None, None),
        };
        let mut details = match serde_json::to_value(&p.kind) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        details.remove("kind");
        details.remove("body");
        PartResource {
            kind: "ticket_part",
            id: p.id.to_string(),
            part_type: part_type(&p.kind),
            body: p.kind.text().map(str::to_owned),
            author,
            created_at: secs(p.created_at),
            updated_at: secs(p.created_at),
            previous_ticket_state: previous,
            ticket_state: current,
            details,
        }
    }
}

/// A state category from its API name (`in_progress`…), for `state` in updates and searches.
pub fn parse_state_category(value: &str) -> Option<StateCategory> {
    StateCategory::parse(&value.trim().to_ascii_lowercase().replace([' ', '-'], "_"))
}

/// A contact with Intercom's fields; the email flags keep Intercom's defaults (this server
/// tracks neither bounces nor unsubscribes yet). Contacts do not change once created, and
/// their ULID holds when that was.
pub fn contact(c: &Contact, workspace_id: &str) -> Value {
    let created_at = secs(c.id.0.timestamp_ms() as Millis);
    let mut contact = json!({
        "type": "contact",
        "id": c.id.to_string(),
        "workspace_id": workspace_id,
        "created_at": created_at,
        "updated_at": created_at,
        "role": c.role.as_str(),
        "name": c.name,
        "email": c.email,
        "company_id": c.company.map(|id| id.to_string()),
        "unsubscribed_from_emails": false,
        "has_hard_bounced": false,
        "marked_email_as_spam": false,
    });
    if let Some(external_id) = &c.external_id {
        contact["external_id"] = json!(external_id);
    }
    contact
}

pub fn company(c: &Company) -> Value {
    json!({ "type": "company", "id": c.id.to_string(), "name": c.name })
}

/// Intercom calls teammates admins; `role` says whether this one is a workspace admin. The
/// fields of Intercom's admin that have no meaning here yet (away mode) have its defaults.
pub fn teammate(t: &Teammate, teams: &[inbox_core::Team]) -> Value {
    let team_ids: Vec<String> = teams
        .iter()
        .filter(|team| team.members.contains(&t.id))
        .map(|team| team.id.to_string())
        .collect();
    json!({
        "type": "admin",
        "id": t.id.to_string(),
        "name": t.name,
        "email": t.email,
        "role": t.role.as_str(),
        "active": t.active,
        "job_title": null,
        "away_mode_enabled": false,
        "away_mode_reassign": false,
        "has_inbox_seat": t.active,
        "team_ids": team_ids,
    })
}

/// A plain list: `{type: "list", data: [...]}`.
pub fn list<T: Serialize>(items: Vec<T>) -> Value {
    json!({ "type": "list", "data": items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_from_every_spelling() {
        for (spelling, category) in [
            ("Customer", Category::Customer),
            ("request", Category::Customer),
            ("Back-office", Category::BackOffice),
            ("back_office", Category::BackOffice),
            ("task", Category::BackOffice),
            ("Tracker", Category::Tracker),
        ] {
            assert_eq!(parse_category(spelling), Some(category), "{spelling}");
        }
        assert_eq!(parse_category("ticket"), None);
        for c in Category::ALL {
            assert_eq!(parse_category(category_name(c)), Some(c));
        }
    }

    #[test]
    fn seconds_round_down_even_before_1970() {
        assert_eq!(secs(1_999), 1);
        assert_eq!(secs(-1), -1);
    }
}
