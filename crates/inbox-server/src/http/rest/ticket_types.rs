//! Ticket types, their attributes, and ticket states: the workspace configuration an admin
//! defines before tickets of a type can exist. Reads are open to every teammate; changes need
//! an admin. Every change is validated by `inbox-core` and appended to the change log.

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::{
    AdminChange, AttributeDef, Category, DataType, Millis, StateCategory, StateId, TicketState,
    TicketType, TicketTypeId, Workspace,
};
use serde::Deserialize;
use serde_json::Value;

use super::resource::{
    self, attribute, parse_category, parse_state_category, ticket_state, ticket_type,
    AttributeResource, StateResource, TicketTypeResource,
};
use super::{exists, new_id, parse_id, required_text};
use crate::authority::{now, save_settings};
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::{AppState, Teammate};
use crate::storage::Kind;
use crate::workspace::Db;

pub async fn list(State(state): State<AppState>, _: Teammate) -> Result<Json<Value>> {
    let types = state
        .read(|db| {
            let states = db.states()?;
            Ok(db
                .ticket_types()?
                .iter()
                .map(|t| ticket_type(t, &states))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(resource::list(types)))
}

pub async fn show(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<TicketTypeResource>> {
    let found = state
        .read(move |db| {
            Ok(ticket_type(
                &db.ticket_type(parse_id("ticket type", &id)?)?,
                &db.states()?,
            ))
        })
        .await?;
    Ok(Json(found))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTypeBody {
    id: Option<String>,
    name: String,
    #[serde(default)]
    description: String,
    /// An emoji; a ticket when absent.
    icon: Option<String>,
    /// `Customer`, `Back-office` or `Tracker` (any spelling `parse_category` takes); as in
    /// Intercom, Customer when absent (Back-office with `is_internal`).
    category: Option<String>,
    /// Intercom's older way to ask for a back-office type, used when `category` is absent.
    #[serde(default)]
    is_internal: bool,
    /// The states the type offers, in menu order; every non-archived state when absent.
    ticket_state_ids: Option<Vec<String>>,
}

fn category(value: &str) -> Result<Category> {
    parse_category(value).ok_or_else(|| {
        ServerError::bad_request(
            "invalid_category",
            format!("\"{value}\" is not a ticket category: use Customer, Back-office or Tracker."),
        )
    })
}

/// Saves a type through the rules every settings change obeys (`inbox_core::apply_admin`),
/// and logs it, so syncing apps get the new definition.
fn save_type(db: &Db, t: &TicketType, admin: &inbox_core::Teammate, now: Millis) -> Result<()> {
    save_settings(db, &AdminChange::SaveTicketType(t.clone()), admin, now)?;
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateTypeBody>,
) -> Result<Json<TicketTypeResource>> {
    me.require_admin()?;
    let category = match &body.category {
        Some(c) => category(c)?,
        None if body.is_internal => Category::BackOffice,
        None => Category::Customer,
    };
    let created = state
        .write(move |db| {
            let now = now();
            let states = db.states()?;
            let offered = match body.ticket_state_ids {
                Some(ids) => {
                    let mut offered = Vec::with_capacity(ids.len());
                    for id in ids {
                        let id: StateId = parse_id("ticket state", &id)?;
                        if !states.iter().any(|s| s.id == id) {
                            return Err(crate::workspace::not_found(
                                "ticket state",
                                &id.to_string(),
                            ));
                        }
                        if !offered.contains(&id) {
                            offered.push(id);
                        }
                    }
                    offered
                }
                None => states
                    .iter()
                    .filter(|s| !s.archived)
                    .map(|s| s.id)
                    .collect(),
            };
            let id: TicketTypeId = new_id(body.id.as_deref(), now, |id| {
                exists(db, Kind::TicketType, id)
            })?;
            let mut t = TicketType::new(
                id,
                body.name.trim(),
                body.icon.as_deref().unwrap_or("🎫"),
                category,
                Vec::new(),
                offered,
            );
            t.description = body.description.trim().to_owned();
            save_type(db, &t, &me.0, now)?;
            Ok(ticket_type(&t, &states))
        })
        .await?;
    Ok(Json(created))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateTypeBody {
    name: Option<String>,
    description: Option<String>,
    icon: Option<String>,
    /// Archived types take no new tickets; existing ones stay.
    archived: Option<bool>,
    /// A type's category never changes: accepted when it is the type's own, refused otherwise.
    category: Option<String>,
    /// Intercom's older spelling of "back-office"; like `category`, it cannot change.
    is_internal: Option<bool>,
}

pub async fn update(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
    Body(body): Body<UpdateTypeBody>,
) -> Result<Json<TicketTypeResource>> {
    me.require_admin()?;
    let updated = state
        .write(move |db| {
            let mut t = db.ticket_type(parse_id("ticket type", &id)?)?;
            if let Some(name) = body.name {
                t.name = name.trim().to_owned();
            }
            if let Some(description) = body.description {
                t.description = description.trim().to_owned();
            }
            if let Some(icon) = body.icon {
                t.icon = required_text("icon", &icon)?;
            }
            if let Some(archived) = body.archived {
                t.archived = archived;
            }
            let asked = match (&body.category, body.is_internal) {
                (Some(c), _) => Some(category(c)?),
                (None, Some(true)) => Some(Category::BackOffice),
                (None, Some(false)) | (None, None) => None,
            };
            if asked.is_some_and(|c| c != t.category) {
                return Err(inbox_core::CoreError::TypeCategoryFixed.into());
            }
            save_type(db, &t, &me.0, now())?;
            Ok(ticket_type(&t, &db.states()?))
        })
        .await?;
    Ok(Json(updated))
}

/// List options as Intercom sends them (`list_items`, comma-separated) or as an array.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ListOptions {
    Labels(Vec<String>),
    Objects(Vec<OptionLabel>),
}

#[derive(Debug, Deserialize)]
pub struct OptionLabel {
    label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateAttributeBody {
    name: String,
    /// `string` (with `multiline`), `text`, `long_text`, `integer`, `decimal`, `boolean`, `date`
    /// (or Intercom's `datetime`) or `list`.
    data_type: String,
    /// The key tickets use for the value; derived from the name when absent.
    key: Option<String>,
    /// Intercom requires a description; our attributes have none, so it is accepted and unused.
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(default)]
    multiline: bool,
    list_items: Option<String>,
    list_options: Option<ListOptions>,
    #[serde(default)]
    required_to_create: bool,
    #[serde(alias = "visible_to_customer")]
    visible_to_contacts: Option<bool>,
    /// Intercom's Messenger-form settings and multi-select lists: accepted and not used yet
    /// (see the README's list).
    #[serde(default, rename = "required_to_create_for_contacts")]
    _required_to_create_for_contacts: Option<bool>,
    #[serde(default, rename = "visible_on_create")]
    _visible_on_create: Option<bool>,
    #[serde(default, rename = "allow_multiple_values")]
    _allow_multiple_values: Option<bool>,
}

/// A stable key from a name: "Order ID" → `order_id`.
fn key_from_name(name: &str) -> String {
    let mut key = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_matches('_').to_owned()
}

fn data_type(body: &CreateAttributeBody) -> Result<DataType> {
    let normal = body
        .data_type
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_");
    Ok(match normal.as_str() {
        "string" if body.multiline => DataType::LongText,
        "string" | "text" => DataType::Text,
        "long_text" | "longtext" | "textarea" => DataType::LongText,
        "integer" => DataType::Integer,
        "decimal" => DataType::Decimal,
        "boolean" => DataType::Boolean,
        "date" | "datetime" => DataType::Date,
        "list" => {
            let options: Vec<String> = match (&body.list_options, &body.list_items) {
                (Some(ListOptions::Labels(labels)), _) => labels.clone(),
                (Some(ListOptions::Objects(objects)), _) => {
                    objects.iter().map(|o| o.label.clone()).collect()
                }
                (None, Some(items)) => items.split(',').map(str::to_owned).collect(),
                (None, None) => Vec::new(),
            };
            let mut clean: Vec<String> = Vec::new();
            for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
                if !clean.iter().any(|c| c == option) {
                    clean.push(option.to_owned());
                }
            }
            DataType::List { options: clean }
        }
        _ => {
            return Err(ServerError::bad_request(
                "invalid_data_type",
                format!(
                    "\"{}\" is not a data type: use string, long_text, integer, decimal, boolean, date or list.",
                    body.data_type
                ),
            ))
        }
    })
}

/// `POST /ticket_types/{id}/attributes`: adds an attribute at the end of the type's form.
pub async fn create_attribute(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
    Body(body): Body<CreateAttributeBody>,
) -> Result<Json<AttributeResource>> {
    me.require_admin()?;
    let name = required_text("name", &body.name)?;
    let data_type = data_type(&body)?;
    let key = key_from_name(body.key.as_deref().unwrap_or(&name));
    if key.is_empty() {
        return Err(ServerError::bad_request(
            "invalid_key",
            "An attribute key needs at least one letter or digit.",
        ));
    }
    let created = state
        .write(move |db| {
            let mut t = db.ticket_type(parse_id("ticket type", &id)?)?;
            let mut def = AttributeDef::new(&key, &name, data_type);
            def.required_to_create = body.required_to_create;
            def.visible_to_customer = body.visible_to_contacts.unwrap_or(true);
            t.attributes.push(def);
            // Duplicate keys, lists without options… are the domain's to refuse.
            save_type(db, &t, &me.0, now())?;
            let order = t.attributes.len() - 1;
            Ok(attribute(&t, order, &t.attributes[order]))
        })
        .await?;
    Ok(Json(created))
}

pub async fn list_states(State(state): State<AppState>, _: Teammate) -> Result<Json<Value>> {
    let states = state
        .read(|db| {
            Ok(db
                .states()?
                .iter()
                .map(ticket_state)
                .collect::<Vec<StateResource>>())
        })
        .await?;
    Ok(Json(resource::list(states)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateStateBody {
    id: Option<String>,
    internal_label: String,
    /// What customers see; the internal label when absent.
    external_label: Option<String>,
    category: String,
    /// Ticket types that should offer the new state (appended to their menus).
    #[serde(default)]
    ticket_type_ids: Vec<String>,
}

pub async fn create_state(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateStateBody>,
) -> Result<Json<StateResource>> {
    me.require_admin()?;
    let category: StateCategory = parse_state_category(&body.category).ok_or_else(|| {
        ServerError::bad_request(
            "invalid_category",
            format!(
                "\"{}\" is not a state category: use submitted, in_progress, waiting_on_customer or resolved.",
                body.category
            ),
        )
    })?;
    let created = state
        .write(move |db| {
            let now = now();
            let id: StateId = new_id(body.id.as_deref(), now, |id| {
                exists(db, Kind::TicketState, id)
            })?;
            let new = TicketState {
                id,
                internal_label: body.internal_label.trim().to_owned(),
                customer_label: body
                    .external_label
                    .as_deref()
                    .unwrap_or(&body.internal_label)
                    .trim()
                    .to_owned(),
                category,
                archived: false,
            };
            save_settings(db, &AdminChange::SaveState(new.clone()), &me.0, now)?;
            for type_id in &body.ticket_type_ids {
                let mut t = db.ticket_type(parse_id("ticket type", type_id)?)?;
                if !t.offers(id) {
                    t.states.push(id);
                    save_type(db, &t, &me.0, now)?;
                }
            }
            Ok(ticket_state(&new))
        })
        .await?;
    Ok(Json(created))
}

#[cfg(test)]
mod tests {
    use super::key_from_name;

    #[test]
    fn keys_come_from_names() {
        assert_eq!(key_from_name("Order ID"), "order_id");
        assert_eq!(key_from_name("  Amount (EUR) "), "amount_eur");
        assert_eq!(key_from_name("Größe"), "größe");
        assert_eq!(key_from_name("!!"), "");
    }
}
