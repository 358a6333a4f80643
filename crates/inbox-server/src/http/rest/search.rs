//! `POST /tickets/search`: Intercom's query format translated to a storage [`Filter`].
//!
//! A query is a condition `{field, operator, value}` or a group `{operator: AND|OR, value: [...]}`.
//! Fields and operators come from fixed tables, so anything else is a 400 that names what is
//! accepted, rather than a search that silently matches nothing.

use axum::extract::State;
use axum::Json;
use inbox_core::attribute::{is_iso_date, iso_date_of};
use inbox_core::ids::ULID_PATTERN;
use inbox_core::StateCategory;
use inbox_core::{Category, DataType, TicketState, TicketType};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, ToSchema};

use super::resource::{parse_category, parse_state_category, Catalog, TicketResource};
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::openapi::{type_tag, Internal, JsonBody, TeammateAuth};
use crate::http::{AppState, Teammate};
use crate::storage::{Field, Filter, JsonKind, Op, SqlValue};
use crate::workspace::{parse, Db};

/// Intercom's page size limits.
const DEFAULT_PER_PAGE: i64 = 20;
const MAX_PER_PAGE: i64 = 150;
/// Bounds on a query's shape, so one request cannot make the database work unboundedly.
pub(super) const MAX_DEPTH: usize = 4;
pub(super) const MAX_CONDITIONS: usize = 100;

/// Which page of tickets: Intercom's `pagination` of a search, or the query of a profile's
/// Tickets tab.
#[derive(Debug, Default, Deserialize, ToSchema, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// Tickets per page, 1 to 150 (default 20).
    #[schema(minimum = 1, maximum = 150)]
    #[param(minimum = 1, maximum = 150)]
    pub per_page: Option<i64>,
    /// The `pages.next.starting_after` of the previous page (opaque; 400 `invalid_cursor` for
    /// one the server did not give out).
    #[schema(pattern = "^6[Ff]66667365743[Aa](3[0-9]){1,18}$")]
    #[param(pattern = "^6[Ff]66667365743[Aa](3[0-9]){1,18}$")]
    pub starting_after: Option<String>,
}

/// A ticket search.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SearchRequest)]
pub struct SearchBody {
    /// What to match; no query (or null) matches every ticket.
    #[schema(value_type = Option<SearchQuery>)]
    query: Option<Value>,
    #[serde(default, deserialize_with = "crate::http::extract::object")]
    pagination: Pagination,
}

/// Search tickets, most recently updated first
///
/// Intercom's query format: a condition `{field, operator, value}` or a group
/// `{operator: AND|OR, value: [...]}` (see `SearchQuery`).
#[utoipa::path(
    post,
    path = "/tickets/search",
    operation_id = "post_tickets_search",
    tag = "Tickets",
    security(("teammateToken" = [])),
    request_body = SearchBody,
    responses(
        (status = 200, description = "One page of the matching tickets.", body = TicketList),
        JsonBody, TeammateAuth, Internal,
    ),
)]
pub async fn tickets(
    State(state): State<AppState>,
    _: Teammate,
    Body(body): Body<SearchBody>,
) -> Result<Json<TicketList>> {
    let page = Page::of(&body.pagination)?;
    let list = state
        .read(move |db| {
            let catalog = Catalog::load(db)?;
            let filter = match &body.query {
                Some(query) => translate(query, catalog.states(), &catalog.types())?,
                None => Filter::True,
            };
            ticket_list(db, &catalog, &filter, page)
        })
        .await?;
    Ok(Json(list))
}

/// Where a page starts and how long it is. `starting_after` is opaque to clients; it encodes
/// the offset so a later version may change it without breaking them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    offset: i64,
    per_page: i64,
}

const CURSOR_PREFIX: &str = "offset:";

impl Page {
    pub fn of(p: &Pagination) -> Result<Page> {
        let per_page = p.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ServerError::bad_request(
                "invalid_pagination",
                format!("`per_page` must be between 1 and {MAX_PER_PAGE}."),
            ));
        }
        let offset = match &p.starting_after {
            None => 0,
            Some(cursor) => decode_cursor(cursor).ok_or_else(|| {
                ServerError::bad_request(
                    "invalid_cursor",
                    "`starting_after` is not a cursor this server gave out; use `pages.next.starting_after` of the previous page.",
                )
            })?,
        };
        Ok(Page { offset, per_page })
    }

    pub fn offset(self) -> i64 {
        self.offset
    }

    pub fn per_page(self) -> i64 {
        self.per_page
    }
}

fn encode_cursor(offset: i64) -> String {
    hex::encode(format!("{CURSOR_PREFIX}{offset}"))
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    let text = String::from_utf8(hex::decode(cursor.trim()).ok()?).ok()?;
    text.strip_prefix(CURSOR_PREFIX)?
        .parse()
        .ok()
        .filter(|n| *n >= 0)
}

type_tag!(TicketListTag = "ticket.list");
type_tag!(PagesTag = "pages");

/// One page of tickets, as Intercom's `ticket.list`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: TicketListTag,
    tickets: Vec<TicketResource>,
    /// Matching tickets in all.
    total_count: i64,
    pages: TicketPages,
}

/// Where a page of tickets is among all of them.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketPages {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: PagesTag,
    /// This page's number, from 1.
    page: i64,
    per_page: i64,
    /// Pages in all.
    total_pages: i64,
    /// The next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    next: Option<NextPage>,
}

/// How to ask for the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextPage {
    pub per_page: i64,
    /// Pass as `starting_after` for the next page (opaque).
    pub starting_after: String,
}

/// One page of tickets matching `filter`, most recently updated first, as Intercom's
/// `ticket.list`.
pub fn ticket_list(db: &Db, catalog: &Catalog, filter: &Filter, page: Page) -> Result<TicketList> {
    let found = db.tx().search_tickets(filter, page.offset, page.per_page)?;
    let tickets = found
        .docs
        .iter()
        .map(|doc| parse("ticket", doc).map(|t| catalog.ticket(&t)))
        .collect::<Result<Vec<_>>>()?;
    Ok(TicketList {
        kind: TicketListTag::Tag,
        pages: pages(page, tickets.len(), found.total),
        tickets,
        total_count: found.total,
    })
}

/// Where `page`, holding `len` of `total` results, is among them all.
pub fn pages(page: Page, len: usize, total: i64) -> TicketPages {
    let end = page.offset + len as i64;
    TicketPages {
        kind: PagesTag::Tag,
        page: page.offset / page.per_page + 1,
        per_page: page.per_page,
        total_pages: (total + page.per_page - 1) / page.per_page,
        next: (end < total).then(|| NextPage {
            per_page: page.per_page,
            starting_after: encode_cursor(end),
        }),
    }
}

/// What values a field takes, hence which operators make sense for it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Id,
    Integer,
    Decimal,
    Boolean,
    /// A calendar day (`YYYY-MM-DD`), searched by a Unix time on that day or by the day.
    Date,
    /// Unix seconds; stored as milliseconds.
    Time,
    Category,
    /// A state id, or a state category standing for every state of it.
    State,
    /// Words looked up in the full-text index (title, description, attribute values, replies
    /// and notes): each word of the value begins some word of the ticket's, accents ignored.
    Words,
}

/// The searchable fields: (API name, column, kind, may be null).
const FIELDS: &[(&str, Field, Kind, bool)] = &[
    ("id", Field::Id, Kind::Id, false),
    ("ticket_id", Field::Number, Kind::Integer, false),
    ("number", Field::Number, Kind::Integer, false),
    ("ticket_type_id", Field::TypeId, Kind::Id, false),
    ("category", Field::Category, Kind::Category, false),
    ("ticket_state_id", Field::StateId, Kind::State, false),
    ("state", Field::StateId, Kind::State, false),
    ("open", Field::Open, Kind::Boolean, false),
    ("admin_assignee_id", Field::AssigneeTeammate, Kind::Id, true),
    ("team_assignee_id", Field::AssigneeTeam, Kind::Id, true),
    ("contact_ids", Field::Contact, Kind::Id, true),
    ("company_id", Field::Company, Kind::Id, true),
    ("brand_id", Field::Brand, Kind::Id, false),
    ("is_shared", Field::Shared, Kind::Boolean, false),
    ("tracker_id", Field::Tracker, Kind::Id, true),
    ("tracker", Field::Tracker, Kind::Id, true),
    ("created_at", Field::CreatedAt, Kind::Time, false),
    ("updated_at", Field::UpdatedAt, Kind::Time, false),
    ("title", Field::Title, Kind::Text, false),
    ("_default_title_", Field::Title, Kind::Text, false),
    ("description", Field::Description, Kind::Text, false),
    (
        "_default_description_",
        Field::Description,
        Kind::Text,
        false,
    ),
    ("snoozed_until", Field::SnoozedUntil, Kind::Time, true),
    ("teammate_ids", Field::Participant, Kind::Id, false),
    ("full_text", Field::Words, Kind::Words, false),
];

/// Intercom's prefix for a ticket type's own attributes: `ticket_attribute.{id}`.
const ATTRIBUTE_PREFIX: &str = "ticket_attribute.";

const EVERY_KIND: &[Kind] = &[
    Kind::Text,
    Kind::Id,
    Kind::Integer,
    Kind::Decimal,
    Kind::Boolean,
    Kind::Date,
    Kind::Time,
    Kind::Category,
    Kind::State,
    Kind::Words,
];
const LISTABLE: &[Kind] = &[
    Kind::Text,
    Kind::Id,
    Kind::Integer,
    Kind::Decimal,
    Kind::Date,
    Kind::Category,
    Kind::State,
];
const ORDERED: &[Kind] = &[Kind::Integer, Kind::Decimal, Kind::Date, Kind::Time];

/// Operators by the field kinds they apply to. `<`/`>` are strict, `<=`/`>=` inclusive; `IN`
/// and `NIN` take an array and stand for `=` OR … and `!=` AND …; the text operators ignore
/// case.
const COMPARABLE: &[Kind] = &[
    Kind::Text,
    Kind::Id,
    Kind::Integer,
    Kind::Decimal,
    Kind::Boolean,
    Kind::Date,
    Kind::Time,
    Kind::Category,
    Kind::State,
];
const OPERATORS: &[(&str, &[Kind])] = &[
    ("=", COMPARABLE),
    ("!=", COMPARABLE),
    ("IN", LISTABLE),
    ("NIN", LISTABLE),
    ("<", ORDERED),
    (">", ORDERED),
    ("<=", ORDERED),
    (">=", ORDERED),
    ("~", &[Kind::Text, Kind::Words]),
    ("!~", &[Kind::Text, Kind::Words]),
    ("^", &[Kind::Text]),
    ("$", &[Kind::Text]),
];

/// The `query` of a search, as [`translate`] reads it: its schema is built from the same
/// tables ([`FIELDS`], [`OPERATORS`]) and bounds ([`MAX_DEPTH`], [`MAX_CONDITIONS`]).
pub struct SearchQuery;

impl utoipa::PartialSchema for SearchQuery {
    fn schema() -> RefOr<Schema> {
        query_level(1)
    }
}

impl utoipa::ToSchema for SearchQuery {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push(("SearchCondition".into(), search_condition()));
        for depth in 2..=MAX_DEPTH {
            schemas.push((level_name(depth), query_level(depth)));
        }
    }
}

fn level_name(depth: usize) -> String {
    match depth {
        1 => "SearchQuery".into(),
        n => format!("SearchQuery{n}"),
    }
}

/// A query at `depth` (1 is the top): a condition, or a group of queries one level down; a
/// group at the deepest level can hold none.
fn query_level(depth: usize) -> RefOr<Schema> {
    let items =
        ArrayBuilder::new().max_items(Some(if depth < MAX_DEPTH { MAX_CONDITIONS } else { 0 }));
    let items = if depth < MAX_DEPTH {
        items.items(Ref::from_schema_name(level_name(depth + 1)))
    } else {
        items
    };
    let group = ObjectBuilder::new()
        .description(Some("A group: every query (AND) or any of them (OR)."))
        .property(
            "operator",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^([Aa][Nn][Dd]|[Oo][Rr])$"))
                .description(Some("AND or OR, in any case.")),
        )
        .property("value", items)
        .required("operator")
        .required("value")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    let description = if depth == 1 {
        format!(
            "A condition, or an AND/OR group of queries, nested at most {MAX_DEPTH} levels deep, with at most {MAX_CONDITIONS} conditions in all (each value of IN and NIN counts); deeper or larger queries are refused with 400 `query_too_complex`."
        )
    } else {
        format!("A query at level {depth} of at most {MAX_DEPTH}.")
    };
    OneOfBuilder::new()
        .item(Ref::from_schema_name("SearchCondition"))
        .item(group)
        .description(Some(description))
        .into()
}

/// The searchable attributes every ticket type has (a type's own, `ticket_attribute.{key}`,
/// depend on the workspace, so the schema cannot list them).
const DEFAULT_ATTRIBUTE_FIELDS: [&str; 4] = [
    "ticket_attribute._default_title_",
    "ticket_attribute.title",
    "ticket_attribute._default_description_",
    "ticket_attribute.description",
];

/// The values a field of `kind` is compared with, as [`compare`] reads them.
fn value_schema(kind: Kind) -> Value {
    let whole = |digits: usize| json!({ "type": "string", "pattern": format!("^\\s*[+-]?[0-9]{{1,{digits}}}\\s*$") });
    match kind {
        Kind::Text => json!({ "type": "string" }),
        Kind::Words => json!({
            "type": "string",
            "description": "Words: each begins a word of the ticket's title, description, attribute values, replies or notes (case and accents ignored).",
        }),
        Kind::Id => json!({
            "type": "string",
            "pattern": format!("^\\s*{}\\s*$", &ULID_PATTERN[1..ULID_PATTERN.len() - 1]),
            "description": "An id (a ULID).",
        }),
        Kind::Integer => json!({ "anyOf": [{ "type": "integer" }, whole(18)] }),
        Kind::Time => json!({
            "anyOf": [
                { "type": "integer", "minimum": -MAX_SECONDS, "maximum": MAX_SECONDS },
                whole(11),
            ],
            "description": "Unix seconds.",
        }),
        Kind::Boolean => json!({
            "anyOf": [{ "type": "boolean" }, { "type": "string", "pattern": "^\\s*(true|false)\\s*$" }],
        }),
        Kind::Category => json!({
            "type": "string",
            "enum": ["Customer", "Back-office", "Tracker", "customer", "back_office",
                "back-office", "backoffice", "request", "task", "tracker"],
        }),
        Kind::State => json!({
            "anyOf": [
                value_schema(Kind::Id),
                { "type": "string", "enum": StateCategory::ALL.map(StateCategory::as_str) },
            ],
            "description": "A state's id, or a category: every state of it.",
        }),
        Kind::Decimal => json!({ "type": "number" }),
        Kind::Date => json!({ "type": "string" }),
    }
}

/// One comparison of a ticket field with a value: for each kind of field (and whether it may
/// be null), the operators that apply and the values they take, from [`FIELDS`] and
/// [`OPERATORS`].
fn search_condition() -> RefOr<Schema> {
    let condition = |names: &[&str], operators: Vec<&str>, value: Value| {
        json!({
            "type": "object",
            "properties": {
                "field": { "type": "string", "enum": names },
                "operator": { "type": "string", "enum": operators },
                "value": value,
            },
            "required": ["field", "operator", "value"],
            "additionalProperties": false,
        })
    };
    let mut variants = Vec::new();
    for kind in EVERY_KIND {
        for nullable in [false, true] {
            let mut names: Vec<&str> = FIELDS
                .iter()
                .filter(|f| f.2 == *kind && f.3 == nullable)
                .map(|f| f.0)
                .collect();
            if *kind == Kind::Text && !nullable {
                names.extend(DEFAULT_ATTRIBUTE_FIELDS);
            }
            if names.is_empty() {
                continue;
            }
            let applies = |op: &&(&str, &[Kind])| op.1.contains(kind);
            let scalar: Vec<&str> = OPERATORS
                .iter()
                .filter(applies)
                .map(|o| o.0)
                .filter(|o| !matches!(*o, "IN" | "NIN"))
                .collect();
            let value = value_schema(*kind);
            variants.push(condition(&names, scalar, value.clone()));
            let item = if nullable {
                variants.push(condition(
                    &names,
                    vec!["=", "!="],
                    json!({ "type": "null" }),
                ));
                json!({ "anyOf": [value, { "type": "null" }] })
            } else {
                value
            };
            if OPERATORS.iter().filter(applies).any(|o| o.0 == "IN") {
                let list = json!({ "type": "array", "items": item, "maxItems": MAX_CONDITIONS });
                variants.push(condition(&names, vec!["IN", "NIN"], list));
            }
        }
    }
    let schema = json!({
        "description": "A condition: `field operator value`, ignoring case for text (~ contains, !~ does not contain, ^ starts with, $ ends with); `full_text` ~ words finds tickets with words beginning with each of them in their title, description, attribute values, replies or notes (accents ignored), !~ the others; < > <= >= are for numbers and times, IN and NIN take an array. Only the assignees, contacts, company, tracker and snoozed_until may be null, with = or !=. A ticket type's own attribute is searchable too, as `ticket_attribute.{key}` compared as its data type (dates by Unix time or YYYY-MM-DD), though this schema cannot list the keys a workspace has (400 `unknown_search_field` for a key no type has).",
        "anyOf": variants,
    });
    serde_json::from_value::<Schema>(schema)
        .expect("a schema")
        .into()
}

fn invalid_query(message: impl Into<String>) -> ServerError {
    ServerError::bad_request("invalid_query", message)
}

fn invalid_value(field: &str, expected: &str, value: &Value) -> ServerError {
    ServerError::bad_request(
        "invalid_search_value",
        format!("`{field}` takes {expected}; {value} is not."),
    )
}

/// What a query's names resolve against: state categories to the workspace's states,
/// `ticket_attribute.{key}` to the ticket types' attributes.
struct Vocabulary<'a> {
    states: &'a [TicketState],
    types: &'a [&'a TicketType],
}

/// Translates an Intercom search query into a storage filter.
pub fn translate(query: &Value, states: &[TicketState], types: &[&TicketType]) -> Result<Filter> {
    node(query, &Vocabulary { states, types }, 1, &mut 0)
}

fn too_many_conditions() -> ServerError {
    ServerError::bad_request(
        "query_too_complex",
        format!("A query may hold at most {MAX_CONDITIONS} conditions (each value of IN and NIN counts)."),
    )
}

fn node(query: &Value, v: &Vocabulary, depth: usize, count: &mut usize) -> Result<Filter> {
    if depth > MAX_DEPTH {
        return Err(ServerError::bad_request(
            "query_too_complex",
            format!("Queries nest at most {MAX_DEPTH} levels deep."),
        ));
    }
    let Some(object) = query.as_object() else {
        return Err(invalid_query(format!(
            "A query is an object {{field, operator, value}} or {{operator: AND|OR, value: [...]}}; got {query}."
        )));
    };
    if let Some(unknown) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "field" | "operator" | "value"))
    {
        return Err(invalid_query(format!(
            "A query has `field`, `operator` and `value`; `{unknown}` is not one of them."
        )));
    }
    let operator = object
        .get("operator")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_query("Every query needs an `operator` string."))?;
    let value = object
        .get("value")
        .ok_or_else(|| invalid_query("Every query needs a `value`."))?;
    match object.get("field") {
        None => {
            let group = match operator.to_ascii_uppercase().as_str() {
                "AND" => Filter::And,
                "OR" => Filter::Or,
                _ => {
                    return Err(ServerError::bad_request(
                        "unknown_search_operator",
                        format!("A group's operator is AND or OR, not \"{operator}\"."),
                    ))
                }
            };
            let parts = value.as_array().ok_or_else(|| {
                invalid_query("The `value` of an AND or OR group is an array of queries.")
            })?;
            if parts.len() > MAX_CONDITIONS {
                return Err(too_many_conditions());
            }
            let parts = parts
                .iter()
                .map(|p| node(p, v, depth + 1, count))
                .collect::<Result<Vec<_>>>()?;
            Ok(group(parts))
        }
        Some(field) => {
            // Counted as they come, each value of IN and NIN as one comparison, so a huge
            // query is refused before any of it is translated.
            *count += value.as_array().map_or(1, |values| values.len().max(1));
            if *count > MAX_CONDITIONS {
                return Err(too_many_conditions());
            }
            let field = field
                .as_str()
                .ok_or_else(|| invalid_query("`field` is the name of a ticket field."))?;
            condition(field, operator, value, v)
        }
    }
}

/// A field by its API name: (storage field, kind, may be null).
fn field(name: &str, types: &[&TicketType]) -> Result<(Field, Kind, bool)> {
    let unknown = |why: String| ServerError::bad_request("unknown_search_field", why);
    if let Some(key) = name.strip_prefix(ATTRIBUTE_PREFIX) {
        // Title and description are attributes too, in Intercom's API and in ours.
        match key {
            "_default_title_" | "title" => return Ok((Field::Title, Kind::Text, false)),
            "_default_description_" | "description" => {
                return Ok((Field::Description, Kind::Text, false))
            }
            _ => {}
        }
        // The same key on several types: the first type (in id order) says what it holds.
        let def = types
            .iter()
            .find_map(|t| t.attribute(key).filter(|a| !a.built_in))
            .ok_or_else(|| unknown(format!("No ticket type has an attribute `{key}`.")))?;
        let (kind, json) = match def.data_type {
            DataType::Text | DataType::LongText | DataType::List { .. } => {
                (Kind::Text, JsonKind::Text)
            }
            DataType::Integer => (Kind::Integer, JsonKind::Number),
            DataType::Decimal => (Kind::Decimal, JsonKind::Number),
            DataType::Boolean => (Kind::Boolean, JsonKind::Boolean),
            DataType::Date => (Kind::Date, JsonKind::Text),
        };
        let key = key.to_owned();
        return Ok((Field::Attribute { key, kind: json }, kind, true));
    }
    let (_, field, kind, nullable) = FIELDS.iter().find(|f| f.0 == name).ok_or_else(|| {
        let names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
        unknown(format!(
            "Tickets cannot be searched by `{name}`; searchable fields: {}, and {ATTRIBUTE_PREFIX}{{id}}.",
            names.join(", ")
        ))
    })?;
    Ok((field.clone(), *kind, *nullable))
}

fn condition(name: &str, operator: &str, value: &Value, v: &Vocabulary) -> Result<Filter> {
    let (field, kind, nullable) = field(name, v.types)?;
    let applies = OPERATORS
        .iter()
        .find(|(op, _)| *op == operator)
        .map(|(_, kinds)| kinds.contains(&kind));
    match applies {
        None => {
            let ops: Vec<&str> = OPERATORS.iter().map(|o| o.0).collect();
            return Err(ServerError::bad_request(
                "unknown_search_operator",
                format!(
                    "\"{operator}\" is not a search operator; operators: {}.",
                    ops.join(" ")
                ),
            ));
        }
        Some(false) => {
            return Err(ServerError::bad_request(
                "unknown_search_operator",
                format!("\"{operator}\" does not apply to `{name}`."),
            ))
        }
        Some(true) => {}
    }
    let one = |op: Op, value: &Value| compare(name, &field, kind, nullable, op, value, v.states);
    match operator {
        "IN" | "NIN" => {
            let values = value
                .as_array()
                .ok_or_else(|| invalid_value(name, "an array with IN and NIN", value))?;
            if operator == "IN" {
                Ok(Filter::Or(
                    values
                        .iter()
                        .map(|v| one(Op::Eq, v))
                        .collect::<Result<_>>()?,
                ))
            } else {
                Ok(Filter::And(
                    values
                        .iter()
                        .map(|v| one(Op::Ne, v))
                        .collect::<Result<_>>()?,
                ))
            }
        }
        "=" => one(Op::Eq, value),
        "!=" => one(Op::Ne, value),
        "~" => one(Op::Contains, value),
        "!~" => one(Op::NotContains, value),
        "^" => one(Op::StartsWith, value),
        "$" => one(Op::EndsWith, value),
        "<" => one(Op::Lt, value),
        ">" => one(Op::Gt, value),
        "<=" => one(Op::Le, value),
        ">=" => one(Op::Ge, value),
        _ => unreachable!("every operator of the table is handled"),
    }
}

fn cmp(field: &Field, op: Op, value: SqlValue) -> Filter {
    Filter::Cmp {
        field: field.clone(),
        op,
        value,
    }
}

fn integer(name: &str, value: &Value) -> Result<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| invalid_value(name, "a whole number", value))
}

/// One comparison of `field` with a single value.
fn compare(
    name: &str,
    field: &Field,
    kind: Kind,
    nullable: bool,
    op: Op,
    value: &Value,
    states: &[TicketState],
) -> Result<Filter> {
    if value.is_null() {
        if nullable && matches!(op, Op::Eq | Op::Ne) {
            return Ok(cmp(field, op, SqlValue::Null));
        }
        return Err(invalid_value(
            name,
            "no null (only assignees, contacts, company, tracker, snoozed_until and a type's own attributes may be null, with = or !=)",
            value,
        ));
    }
    let text = |expected: &str| {
        value
            .as_str()
            .map(str::trim)
            .ok_or_else(|| invalid_value(name, expected, value))
    };
    Ok(match kind {
        Kind::Text | Kind::Words => cmp(field, op, SqlValue::Text(text("text")?.to_owned())),
        Kind::Id => {
            let id = text("an id")?;
            let id = ulid::Ulid::from_string(id)
                .map_err(|_| invalid_value(name, "an id (a ULID)", value))?;
            cmp(field, op, SqlValue::Text(id.to_string()))
        }
        Kind::Integer => cmp(field, op, SqlValue::Int(integer(name, value)?)),
        Kind::Decimal => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            let n = n
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| invalid_value(name, "a number", value))?;
            cmp(field, op, SqlValue::Float(n))
        }
        Kind::Date => {
            let day = match value {
                Value::String(s) if is_iso_date(s.trim()) => s.trim().to_owned(),
                _ => iso_date_of(seconds(name, value)?),
            };
            cmp(field, op, SqlValue::Text(day))
        }
        Kind::Boolean => {
            let b = match value {
                Value::Bool(b) => Some(*b),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            let b = b.ok_or_else(|| invalid_value(name, "true or false", value))?;
            cmp(field, op, SqlValue::Bool(b))
        }
        Kind::Time => time(field, op, seconds(name, value)?),
        Kind::Category => {
            let category: Category = parse_category(text("a category")?).ok_or_else(|| {
                invalid_value(name, "a category: Customer, Back-office or Tracker", value)
            })?;
            cmp(field, op, SqlValue::Text(category.as_str().to_owned()))
        }
        Kind::State => state(name, field, op, value, states)?,
    })
}

/// Times beyond about the year 5000 either way mean nothing and would overflow in
/// milliseconds.
const MAX_SECONDS: i64 = 100_000_000_000;

fn seconds(name: &str, value: &Value) -> Result<i64> {
    let seconds = integer(name, value)?;
    if !(-MAX_SECONDS..=MAX_SECONDS).contains(&seconds) {
        return Err(invalid_value(
            name,
            "a time in unix seconds (within ±100,000,000,000)",
            value,
        ));
    }
    Ok(seconds)
}

/// Timestamps are searched in unix seconds but stored in milliseconds: `= s` means any time
/// within second `s`, and the bounds count whole seconds.
fn time(field: &Field, op: Op, seconds: i64) -> Filter {
    let start = seconds.saturating_mul(1000);
    let end = seconds.saturating_add(1).saturating_mul(1000);
    let int = SqlValue::Int;
    match op {
        Op::Lt => cmp(field, Op::Lt, int(start)),
        Op::Gt => cmp(field, Op::Gt, int(end - 1)),
        Op::Le => cmp(field, Op::Lt, int(end)),
        Op::Ge => cmp(field, Op::Gt, int(start - 1)),
        Op::Ne => Filter::Or(vec![
            cmp(field, Op::Lt, int(start)),
            cmp(field, Op::Gt, int(end - 1)),
        ]),
        _ => Filter::And(vec![
            cmp(field, Op::Gt, int(start - 1)),
            cmp(field, Op::Lt, int(end)),
        ]),
    }
}

/// A state id, or (as Intercom's `state` takes) a category meaning any state of it.
fn state(
    name: &str,
    field: &Field,
    op: Op,
    value: &Value,
    states: &[TicketState],
) -> Result<Filter> {
    let text = value
        .as_str()
        .map(str::trim)
        .ok_or_else(|| invalid_value(name, "a state id or category", value))?;
    if let Ok(id) = ulid::Ulid::from_string(text) {
        return Ok(cmp(field, op, SqlValue::Text(id.to_string())));
    }
    let category = parse_state_category(text).ok_or_else(|| {
        invalid_value(
            name,
            "a state id or category (submitted, in_progress, waiting_on_customer, resolved)",
            value,
        )
    })?;
    let each = states
        .iter()
        .filter(|s| s.category == category)
        .map(|s| cmp(field, op, SqlValue::Text(s.id.to_string())))
        .collect();
    Ok(if op == Op::Ne {
        Filter::And(each)
    } else {
        Filter::Or(each)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Dialect;
    use inbox_core::{AttributeDef, StateCategory, StateId, TicketTypeId};
    use serde_json::json;

    fn states() -> Vec<TicketState> {
        StateCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| TicketState::default_for(StateId::from_parts(1, i as u128), *c))
            .collect()
    }

    fn order_type() -> TicketType {
        let attributes = vec![
            AttributeDef::new("order_id", "Order", DataType::Text),
            AttributeDef::new("amount", "Amount", DataType::Decimal),
            AttributeDef::new("due", "Due", DataType::Date),
        ];
        TicketType::new(
            TicketTypeId::from_parts(1, 1),
            "Order",
            "",
            Category::Customer,
            attributes,
            vec![],
        )
    }

    fn filter(query: Value) -> Result<Filter> {
        translate(&query, &states(), &[&order_type()])
    }

    fn sql(query: Value) -> Result<String> {
        filter(query).map(|f| f.to_sql(Dialect::Sqlite).0)
    }

    fn code(query: Value) -> &'static str {
        sql(query).unwrap_err().code()
    }

    #[test]
    fn intercom_queries_translate() {
        let query = json!({"operator": "AND", "value": [
            {"field": "open", "operator": "=", "value": true},
            {"operator": "OR", "value": [
                {"field": "admin_assignee_id", "operator": "=", "value": null},
                {"field": "title", "operator": "~", "value": "refund"},
            ]},
        ]});
        assert_eq!(
            sql(query).unwrap(),
            "(open = ?1) AND ((assignee_teammate IS NULL) OR (LOWER(title) LIKE LOWER(?2) ESCAPE '\\'))"
        );
        assert_eq!(
            sql(json!({"field": "category", "operator": "IN", "value": ["request", "Tracker"]}))
                .unwrap(),
            "(category = ?1) OR (category = ?2)"
        );
        // A state category stands for every state of it.
        assert_eq!(
            sql(json!({"field": "state", "operator": "=", "value": "resolved"})).unwrap(),
            "(state_id = ?1)"
        );
    }

    #[test]
    fn intercom_text_operators_and_fields_translate() {
        assert_eq!(
            sql(json!({"operator": "OR", "value": [
                {"field": "title", "operator": "^", "value": "Refund"},
                {"field": "description", "operator": "$", "value": "twice."},
                {"field": "ticket_attribute._default_title_", "operator": "!~", "value": "spam"},
            ]}))
            .unwrap(),
            "(LOWER(title) LIKE LOWER(?1) ESCAPE '\\') OR (LOWER(json_extract(doc, '$.description')) LIKE LOWER(?2) ESCAPE '\\') OR (COALESCE(LOWER(title), '') NOT LIKE LOWER(?3) ESCAPE '\\')"
        );
        let teammate = "01KBYZ1V3X8S7Q0G5N2C4M6P9R";
        assert_eq!(
            sql(json!({"field": "teammate_ids", "operator": "=", "value": teammate})).unwrap(),
            "EXISTS (SELECT 1 FROM parts r WHERE r.owner_id = tickets.id AND json_extract(r.doc, '$.author.id') = ?1)"
        );
        assert_eq!(
            sql(json!({"field": "snoozed_until", "operator": "=", "value": null})).unwrap(),
            "json_extract(doc, '$.snoozed_until') IS NULL"
        );
    }

    #[test]
    fn ticket_attributes_compare_as_their_data_type() {
        let params = |q| filter(q).unwrap().to_sql(Dialect::Sqlite).1;
        assert_eq!(
            params(json!({"field": "ticket_attribute.amount", "operator": ">=", "value": "19.9"})),
            [
                SqlValue::Text("$.attributes.\"amount\"".into()),
                SqlValue::Float(19.9)
            ]
        );
        // A date attribute is a calendar day: a Unix time means its UTC day.
        assert_eq!(
            params(json!({"field": "ticket_attribute.due", "operator": "<", "value": 86_400}))[1],
            SqlValue::Text("1970-01-02".into())
        );
        assert_eq!(
            params(
                json!({"field": "ticket_attribute.due", "operator": "=", "value": "2026-12-01"})
            )[1],
            SqlValue::Text("2026-12-01".into())
        );
        assert_eq!(
            sql(json!({"field": "ticket_attribute.order_id", "operator": "=", "value": null}))
                .unwrap(),
            "json_extract(doc, ?1) IS NULL"
        );
    }

    #[test]
    fn times_are_whole_seconds() {
        let f = |op| filter(json!({"field": "created_at", "operator": op, "value": 10}));
        let bounds = |f: Filter| f.to_sql(Dialect::Sqlite).1;
        assert_eq!(
            bounds(f("=").unwrap()),
            [SqlValue::Int(9_999), SqlValue::Int(11_000)]
        );
        assert_eq!(bounds(f(">").unwrap()), [SqlValue::Int(10_999)]);
        assert_eq!(bounds(f(">=").unwrap()), [SqlValue::Int(9_999)]);
        assert_eq!(bounds(f("<").unwrap()), [SqlValue::Int(10_000)]);
        assert_eq!(bounds(f("<=").unwrap()), [SqlValue::Int(11_000)]);
    }

    #[test]
    fn bad_queries_say_what_is_wrong() {
        assert_eq!(
            code(json!({"field": "colour", "operator": "=", "value": "red"})),
            "unknown_search_field"
        );
        assert_eq!(
            code(json!({"field": "title", "operator": "<", "value": "x"})),
            "unknown_search_operator"
        );
        assert_eq!(
            code(json!({"field": "ticket_attribute.colour", "operator": "=", "value": "red"})),
            "unknown_search_field"
        );
        assert_eq!(
            code(json!({"field": "ticket_attribute.amount", "operator": "~", "value": "1"})),
            "unknown_search_operator"
        );
        assert_eq!(
            code(json!({"field": "ticket_attribute.amount", "operator": ">", "value": "lots"})),
            "invalid_search_value"
        );
        assert_eq!(
            code(json!({"field": "open", "operator": "~", "value": "x"})),
            "unknown_search_operator"
        );
        assert_eq!(
            code(json!({"operator": "XOR", "value": []})),
            "unknown_search_operator"
        );
        assert_eq!(
            code(json!({"field": "open", "operator": "=", "value": "maybe"})),
            "invalid_search_value"
        );
        assert_eq!(
            code(json!({"field": "id", "operator": "=", "value": "nope"})),
            "invalid_search_value"
        );
        assert_eq!(
            code(json!({"field": "brand_id", "operator": "=", "value": null})),
            "invalid_search_value"
        );
        assert_eq!(
            code(json!({"field": "open", "operator": "=", "value": true, "x": 1})),
            "invalid_query"
        );
        assert_eq!(code(json!(["open"])), "invalid_query");
        let mut deep = json!({"field": "open", "operator": "=", "value": true});
        for _ in 0..MAX_DEPTH {
            deep = json!({"operator": "AND", "value": [deep]});
        }
        assert_eq!(code(deep), "query_too_complex");
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let page = Page::of(&Pagination {
            per_page: Some(5),
            starting_after: Some(encode_cursor(40)),
        })
        .unwrap();
        assert_eq!(
            page,
            Page {
                offset: 40,
                per_page: 5
            }
        );
        for bad in ["", "zz", &hex::encode("offset:-1"), &hex::encode("40")] {
            let p = Pagination {
                per_page: None,
                starting_after: Some(bad.to_string()),
            };
            assert_eq!(Page::of(&p).unwrap_err().code(), "invalid_cursor", "{bad}");
        }
        let p = Pagination {
            per_page: Some(151),
            starting_after: None,
        };
        assert_eq!(Page::of(&p).unwrap_err().code(), "invalid_pagination");
    }
}
