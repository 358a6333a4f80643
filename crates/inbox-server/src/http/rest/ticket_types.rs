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
use utoipa::ToSchema;

use super::resource::{
    attribute, parse_category, parse_state_category, ticket_state, ticket_type, AttributeResource,
    CategoryName, StateList, StateResource, TicketTypeList, TicketTypeResource,
};
use super::{exists, new_id, parse_id, required_text};
use crate::authority::{now, save_settings};
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::openapi::{
    AdminAuth, AttributePath, Conflict, Internal, JsonBody, NotFound, Rule, TeammateAuth,
    TicketTypePath,
};
use crate::http::{AppState, Teammate};
use crate::storage::Kind;
use crate::workspace::Db;

/// List ticket types
#[utoipa::path(
    get,
    path = "/ticket_types",
    operation_id = "get_ticket_types",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "Every ticket type, with its attributes and states.", body = TicketTypeList),
        TeammateAuth, Internal,
    ),
)]
pub async fn list(State(state): State<AppState>, _: Teammate) -> Result<Json<TicketTypeList>> {
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
    Ok(Json(TicketTypeList::of(types)))
}

/// Retrieve a ticket type
#[utoipa::path(
    get,
    path = "/ticket_types/{id}",
    operation_id = "get_ticket_types_id",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    params(TicketTypePath),
    responses(
        (status = 200, description = "The ticket type, with its attributes and states.", body = TicketTypeResource),
        TeammateAuth, NotFound, Internal,
    ),
)]
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

/// A new ticket type, with the built-in title and description attributes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateTicketTypeRequest)]
pub struct CreateTypeBody {
    /// Chosen by the client; made by the server when absent (409 `id_taken` when in use).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
    /// Its name (not blank).
    #[schema(min_length = 1, max_length = 250)]
    name: String,
    /// What the type is for.
    #[serde(default)]
    #[schema(max_length = 65536)]
    description: String,
    /// An emoji; 🎫 when absent.
    #[schema(max_length = 250)]
    icon: Option<String>,
    /// `Customer`, `Back-office` or `Tracker` (also, in any case, `customer`, `back_office`,
    /// `request`, `task`); as in Intercom, Customer when absent (Back-office with
    /// `is_internal`). 400 `invalid_category` otherwise.
    #[schema(value_type = Option<CategoryName>)]
    category: Option<String>,
    /// Intercom's older way to ask for a back-office type, used when `category` is absent.
    #[serde(default)]
    is_internal: bool,
    /// The states the type offers, in menu order; every non-archived state when absent. It must
    /// offer one of each category (422 otherwise).
    #[schema(value_type = Option<Vec<StateId>>)]
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

/// Create a ticket type
#[utoipa::path(
    post,
    path = "/ticket_types",
    operation_id = "post_ticket_types",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    request_body = CreateTypeBody,
    responses(
        (status = 200, description = "The new ticket type.", body = TicketTypeResource),
        JsonBody, AdminAuth, NotFound, Conflict, Rule, Internal,
    ),
)]
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

/// Changes to a ticket type; fields left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateTicketTypeRequest)]
pub struct UpdateTypeBody {
    /// Its name (not blank).
    #[schema(min_length = 1, max_length = 250)]
    name: Option<String>,
    /// What the type is for.
    #[schema(max_length = 65536)]
    description: Option<String>,
    /// An emoji (not blank: 400 `missing_field`).
    #[schema(min_length = 1, max_length = 250, pattern = "\\S")]
    icon: Option<String>,
    /// Archived types take no new tickets; existing ones stay.
    archived: Option<bool>,
    /// A type's category never changes: accepted when it is the type's own, refused otherwise
    /// (422 `type_category_fixed`). Spellings as on creation.
    #[schema(value_type = Option<CategoryName>)]
    category: Option<String>,
    /// Intercom's older spelling of "back-office"; like `category`, it cannot change.
    is_internal: Option<bool>,
}

/// Update a ticket type (name, description, icon, archived; never its category)
#[utoipa::path(
    put,
    path = "/ticket_types/{id}",
    operation_id = "put_ticket_types_id",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    params(TicketTypePath),
    request_body = UpdateTypeBody,
    responses(
        (status = 200, description = "The ticket type, updated.", body = TicketTypeResource),
        JsonBody, AdminAuth, NotFound, Rule, Internal,
    ),
)]
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

/// A list's options, as an array of labels or of `{label}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ListOptions {
    Labels(Vec<String>),
    Objects(Vec<OptionLabel>),
}

/// `anyOf`, not the `oneOf` a derive would write: an empty array is either.
impl utoipa::PartialSchema for ListOptions {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Type};
        AnyOfBuilder::new()
            .item(ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)))
            .item(
                ArrayBuilder::new()
                    .items(utoipa::openapi::Ref::from_schema_name(OptionLabel::name())),
            )
            .description(Some("A list's options: labels, or `{label}` objects."))
            .into()
    }
}

impl ToSchema for ListOptions {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        let label = <OptionLabel as utoipa::PartialSchema>::schema();
        schemas.push((OptionLabel::name().into(), label));
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OptionLabel {
    label: String,
}

/// The data types an attribute may be created with (any case; `longtext` and `textarea` are
/// long text too).
// Only the document's: `data_type` is read as text, so that any spelling `data_type()` takes
// works and another is refused with its own code.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeDataTypeInput {
    /// Text; long text with `multiline`.
    String,
    Text,
    LongText,
    Integer,
    Decimal,
    Boolean,
    Date,
    /// Intercom's name for a date.
    Datetime,
    /// One of its options (`list_options` or `list_items`).
    List,
}

/// A new attribute, added at the end of the type's form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateTicketTypeAttributeRequest)]
pub struct CreateAttributeBody {
    /// The label teammates see (not blank: 400 `missing_field`).
    #[schema(min_length = 1, max_length = 250, pattern = "\\S")]
    name: String,
    /// 400 `invalid_data_type` for another.
    #[schema(value_type = AttributeDataTypeInput)]
    data_type: String,
    /// The key tickets use for the value (its letters and digits); derived from the name when
    /// absent. 400 `invalid_key` when it has no letter or digit, 422 when the type has it.
    #[schema(max_length = 250, pattern = "[^\\W_]")]
    key: Option<String>,
    /// Intercom requires a description; our attributes have none, so it is accepted and unused.
    #[serde(rename = "description")]
    _description: Option<String>,
    /// A `string` of several lines (long text).
    #[serde(default)]
    multiline: bool,
    /// Lists: the options, comma-separated (when `list_options` is absent).
    list_items: Option<String>,
    /// Lists: the options (at least one: 422 otherwise).
    list_options: Option<ListOptions>,
    /// Needed to create a ticket of the type.
    #[serde(default)]
    required_to_create: bool,
    /// Customers see its value (also accepted as `visible_to_customer`); true when absent.
    #[serde(alias = "visible_to_customer")]
    visible_to_contacts: Option<bool>,
    /// Intercom's Messenger-form setting: accepted and not used yet (see the README's list).
    #[serde(default, rename = "required_to_create_for_contacts")]
    _required_to_create_for_contacts: Option<bool>,
    /// Intercom's Messenger-form setting: accepted and not used yet.
    #[serde(default, rename = "visible_on_create")]
    _visible_on_create: Option<bool>,
    /// Intercom's multi-select lists: accepted and not used yet.
    #[serde(default, rename = "allow_multiple_values")]
    _allow_multiple_values: Option<bool>,
}

/// List options as given, trimmed, without blanks and repeats.
fn list_options(options: Vec<String>) -> Vec<String> {
    let mut clean: Vec<String> = Vec::new();
    for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        if !clean.iter().any(|c| c == option) {
            clean.push(option.to_owned());
        }
    }
    clean
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
            DataType::List {
                options: list_options(options),
            }
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

/// Add an attribute to a ticket type
#[utoipa::path(
    post,
    path = "/ticket_types/{id}/attributes",
    operation_id = "post_ticket_types_id_attributes",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    params(TicketTypePath),
    request_body = CreateAttributeBody,
    responses(
        (status = 200, description = "The new attribute.", body = AttributeResource),
        JsonBody, AdminAuth, NotFound, Rule, Internal,
    ),
)]
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

/// What to change on an attribute: its label, whether it is required and visible to
/// customers, and a list's options. Its key and data type never change, and attributes are never
/// removed (tickets keep their values).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateTicketTypeAttributeRequest)]
pub struct UpdateAttributeBody {
    /// A new label (not blank: 400 `missing_field`).
    #[schema(min_length = 1, max_length = 250, pattern = "\\S")]
    name: Option<String>,
    required_to_create: Option<bool>,
    #[serde(alias = "visible_to_customer")]
    visible_to_contacts: Option<bool>,
    /// A list attribute's options, comma-separated, replacing the current ones (422 for an
    /// attribute that is no list).
    list_items: Option<String>,
    /// Attributes are never removed: `true` is refused (422 `attribute_removed`).
    archived: Option<bool>,
    /// Intercom's fields with no meaning here yet: accepted and not used (see the README).
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(default, rename = "multiline")]
    _multiline: Option<bool>,
    #[serde(default, rename = "required_to_create_for_contacts")]
    _required_to_create_for_contacts: Option<bool>,
    #[serde(default, rename = "visible_on_create")]
    _visible_on_create: Option<bool>,
    #[serde(default, rename = "allow_multiple_values")]
    _allow_multiple_values: Option<bool>,
}

/// Update a ticket type's attribute
#[utoipa::path(
    put,
    path = "/ticket_types/{id}/attributes/{attribute_id}",
    operation_id = "put_ticket_types_id_attributes_attribute_id",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    params(TicketTypePath, AttributePath),
    request_body = UpdateAttributeBody,
    responses(
        (status = 200, description = "The attribute, updated.", body = AttributeResource),
        JsonBody, AdminAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn update_attribute(
    State(state): State<AppState>,
    me: Teammate,
    Path((id, key)): Path<(String, String)>,
    Body(body): Body<UpdateAttributeBody>,
) -> Result<Json<AttributeResource>> {
    me.require_admin()?;
    let name = body
        .name
        .as_deref()
        .map(|n| required_text("name", n))
        .transpose()?;
    let updated = state
        .write(move |db| {
            let mut t = db.ticket_type(parse_id("ticket type", &id)?)?;
            // Its key, or as tickets name it (`_default_title_`…).
            let key = super::resource::our_key(&t, key.trim());
            let order = t
                .attributes
                .iter()
                .position(|a| a.key == key)
                .ok_or_else(|| crate::workspace::not_found("attribute", &key))?;
            let def = &mut t.attributes[order];
            if body.archived == Some(true) {
                return Err(inbox_core::CoreError::AttributeRemoved {
                    name: def.name.clone(),
                }
                .into());
            }
            if let Some(name) = name {
                def.name = name;
            }
            if let Some(required) = body.required_to_create {
                def.required_to_create = required;
            }
            if let Some(visible) = body.visible_to_contacts {
                def.visible_to_customer = visible;
            }
            if let Some(items) = &body.list_items {
                let DataType::List { options } = &mut def.data_type else {
                    return Err(ServerError::unprocessable(
                        "not_a_list",
                        format!("{} is not a list: only lists have options.", def.name),
                    ));
                };
                *options = list_options(items.split(',').map(str::to_owned).collect());
            }
            // A title made optional, a duplicate name… are the domain's to refuse.
            save_type(db, &t, &me.0, now())?;
            Ok(attribute(&t, order, &t.attributes[order]))
        })
        .await?;
    Ok(Json(updated))
}

/// List ticket states
#[utoipa::path(
    get,
    path = "/ticket_states",
    operation_id = "get_ticket_states",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "Every state of the workspace.", body = StateList),
        TeammateAuth, Internal,
    ),
)]
pub async fn list_states(State(state): State<AppState>, _: Teammate) -> Result<Json<StateList>> {
    let states = state
        .read(|db| {
            Ok(db
                .states()?
                .iter()
                .map(ticket_state)
                .collect::<Vec<StateResource>>())
        })
        .await?;
    Ok(Json(StateList::of(states)))
}

/// A new ticket state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateTicketStateRequest)]
pub struct CreateStateBody {
    /// Chosen by the client; made by the server when absent (409 `id_taken` when in use).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
    /// What teammates see: unique in the workspace, not blank (422 otherwise).
    #[schema(min_length = 1, max_length = 250)]
    internal_label: String,
    /// What customers see; the internal label when absent.
    #[schema(min_length = 1, max_length = 250)]
    external_label: Option<String>,
    /// Its category, which never changes (any case, with spaces or dashes for underscores;
    /// 400 `invalid_category` otherwise).
    #[schema(value_type = StateCategory)]
    category: String,
    /// Ticket types that should offer the new state (appended to their menus).
    #[serde(default)]
    #[schema(value_type = Vec<TicketTypeId>)]
    ticket_type_ids: Vec<String>,
}

/// Create a ticket state
#[utoipa::path(
    post,
    path = "/ticket_states",
    operation_id = "post_ticket_states",
    tag = "Ticket types",
    security(("teammateToken" = [])),
    request_body = CreateStateBody,
    responses(
        (status = 200, description = "The new state.", body = StateResource),
        JsonBody, AdminAuth, NotFound, Conflict, Rule, Internal,
    ),
)]
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
