//! `POST /conversations/search`: Intercom's query format over conversations, most recently
//! active first. Conversations are read and matched one by one (they have no search columns
//! yet), so the query is parsed once into a [`Query`] and evaluated per conversation.

use axum::extract::State;
use axum::Json;
use inbox_core::ids::ULID_PATTERN;
use inbox_core::{Conversation, PartKind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use super::conversations::{resource, ConversationResource};
use super::resource::secs;
use super::search::{Page, Pagination, MAX_CONDITIONS, MAX_DEPTH};
use crate::error::{Result, ServerError};
use crate::http::extract::Body;
use crate::http::openapi::{type_tag, Internal, JsonBody, TeammateAuth};
use crate::http::{AppState, Teammate};
use crate::storage::{full_text, Kind};
use crate::workspace::Db;
use std::collections::{HashMap, HashSet};

/// What values a field takes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FieldKind {
    Text,
    Id,
    Boolean,
    /// Unix seconds.
    Time,
    /// One of a few words (`state`, `channel_initiated`).
    Word(&'static [&'static str]),
    /// Words looked up in the full-text index: each begins a word of the subject or of a reply
    /// or note, accents ignored.
    FullText,
}

const STATES: &[&str] = &["open", "closed", "snoozed"];
const CHANNELS: &[&str] = &["messenger", "email"];

/// The searchable fields: (API name, kind, may be null).
const FIELDS: &[(&str, FieldKind, bool)] = &[
    ("id", FieldKind::Id, false),
    ("created_at", FieldKind::Time, false),
    ("updated_at", FieldKind::Time, false),
    ("open", FieldKind::Boolean, false),
    ("state", FieldKind::Word(STATES), false),
    ("channel_initiated", FieldKind::Word(CHANNELS), false),
    ("admin_assignee_id", FieldKind::Id, true),
    ("team_assignee_id", FieldKind::Id, true),
    ("contact_ids", FieldKind::Id, false),
    ("ticket_id", FieldKind::Id, true),
    ("title", FieldKind::Text, false),
    ("source.subject", FieldKind::Text, false),
    ("source.body", FieldKind::Text, false),
    ("snoozed_until", FieldKind::Time, true),
    ("full_text", FieldKind::FullText, false),
];

/// Operators and the field kinds they apply to; text ones ignore case.
const OPERATORS: &[(&str, &[&str])] = &[
    ("=", &["text", "id", "boolean", "time", "word"]),
    ("!=", &["text", "id", "boolean", "time", "word"]),
    ("IN", &["text", "id", "word"]),
    ("NIN", &["text", "id", "word"]),
    ("<", &["time"]),
    (">", &["time"]),
    ("<=", &["time"]),
    (">=", &["time"]),
    ("~", &["text", "full_text"]),
    ("!~", &["text", "full_text"]),
    ("^", &["text"]),
    ("$", &["text"]),
];

impl FieldKind {
    fn name(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Id => "id",
            FieldKind::Boolean => "boolean",
            FieldKind::Time => "time",
            FieldKind::Word(_) => "word",
            FieldKind::FullText => "full_text",
        }
    }
}

/// A parsed query.
#[derive(Debug)]
enum Query {
    All(Vec<Query>),
    Any(Vec<Query>),
    Condition {
        field: &'static str,
        operator: &'static str,
        /// The values compared with (several for IN and NIN); None stands for null.
        values: Vec<Option<Scalar>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Text(String),
    Bool(bool),
    Int(i64),
}

fn invalid_query(message: impl Into<String>) -> ServerError {
    ServerError::bad_request("invalid_query", message)
}

fn too_complex() -> ServerError {
    ServerError::bad_request(
        "query_too_complex",
        format!(
            "A query nests at most {MAX_DEPTH} levels and holds at most {MAX_CONDITIONS} conditions (each value of IN and NIN counts)."
        ),
    )
}

fn parse(query: &Value, depth: usize, count: &mut usize) -> Result<Query> {
    if depth > MAX_DEPTH {
        return Err(too_complex());
    }
    let object = query.as_object().ok_or_else(|| {
        invalid_query(
            "A query is an object {field, operator, value} or {operator: AND|OR, value: [...]}.",
        )
    })?;
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
    let Some(field) = object.get("field") else {
        let parts = value.as_array().ok_or_else(|| {
            invalid_query("The `value` of an AND or OR group is an array of queries.")
        })?;
        if parts.len() > MAX_CONDITIONS {
            return Err(too_complex());
        }
        let parts = parts
            .iter()
            .map(|p| parse(p, depth + 1, count))
            .collect::<Result<Vec<_>>>()?;
        return match operator.to_ascii_uppercase().as_str() {
            "AND" => Ok(Query::All(parts)),
            "OR" => Ok(Query::Any(parts)),
            _ => Err(ServerError::bad_request(
                "unknown_search_operator",
                format!("A group's operator is AND or OR, not \"{operator}\"."),
            )),
        };
    };
    *count += value.as_array().map_or(1, |values| values.len().max(1));
    if *count > MAX_CONDITIONS {
        return Err(too_complex());
    }
    let name = field
        .as_str()
        .ok_or_else(|| invalid_query("`field` is the name of a conversation field."))?;
    let &(field, kind, nullable) = FIELDS.iter().find(|f| f.0 == name).ok_or_else(|| {
        let known: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
        ServerError::bad_request(
            "unknown_search_field",
            format!(
                "Conversations are searched by {}; not by `{name}`.",
                known.join(", ")
            ),
        )
    })?;
    let &(operator, _) = OPERATORS
        .iter()
        .find(|o| o.0 == operator)
        .filter(|o| o.1.contains(&kind.name()))
        .ok_or_else(|| {
            ServerError::bad_request(
                "unknown_search_operator",
                format!("`{name}` cannot be compared with \"{operator}\"."),
            )
        })?;
    let listed = matches!(operator, "IN" | "NIN");
    let values = match (listed, value) {
        (true, Value::Array(items)) => items.clone(),
        (true, _) => return Err(invalid_value(name, "an array", value)),
        (false, v) => vec![v.clone()],
    };
    let values = values
        .iter()
        .map(|v| scalar(name, kind, nullable, operator, v))
        .collect::<Result<Vec<_>>>()?;
    Ok(Query::Condition {
        field,
        operator,
        values,
    })
}

fn invalid_value(field: &str, expected: &str, value: &Value) -> ServerError {
    ServerError::bad_request(
        "invalid_search_value",
        format!("`{field}` takes {expected}; {value} is not."),
    )
}

fn scalar(
    name: &str,
    kind: FieldKind,
    nullable: bool,
    operator: &str,
    value: &Value,
) -> Result<Option<Scalar>> {
    if value.is_null() {
        return if nullable && matches!(operator, "=" | "!=" | "IN" | "NIN") {
            Ok(None)
        } else {
            Err(invalid_value(name, "a value, not null", value))
        };
    }
    Ok(Some(match kind {
        FieldKind::FullText => Scalar::Text(
            value
                .as_str()
                .ok_or_else(|| invalid_value(name, "a string", value))?
                .to_owned(),
        ),
        FieldKind::Text => Scalar::Text(
            value
                .as_str()
                .ok_or_else(|| invalid_value(name, "a string", value))?
                .to_lowercase(),
        ),
        FieldKind::Id => {
            let text = value
                .as_str()
                .ok_or_else(|| invalid_value(name, "an id (a ULID)", value))?;
            let id: ulid::Ulid = text
                .trim()
                .parse()
                .map_err(|_| invalid_value(name, "an id (a ULID)", value))?;
            Scalar::Text(id.to_string())
        }
        FieldKind::Word(words) => {
            let text = value
                .as_str()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| words.contains(&s.as_str()))
                .ok_or_else(|| {
                    invalid_value(name, &format!("one of {}", words.join(", ")), value)
                })?;
            Scalar::Text(text)
        }
        FieldKind::Boolean => Scalar::Bool(match value {
            Value::Bool(b) => *b,
            Value::String(s) if s.trim() == "true" => true,
            Value::String(s) if s.trim() == "false" => false,
            _ => return Err(invalid_value(name, "true or false", value)),
        }),
        FieldKind::Time => {
            let seconds = match value {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
            .filter(|s: &i64| s.abs() <= MAX_SECONDS)
            .ok_or_else(|| invalid_value(name, "Unix seconds", value))?;
            Scalar::Int(seconds)
        }
    }))
}

const MAX_SECONDS: i64 = 100_000_000_000;

/// What one conversation shows the query, read only as far as the query needs.
struct Subject<'a> {
    conversation: &'a Conversation,
    /// The first message's text, when the query asks for `source.body`.
    first_message: Option<String>,
    /// The subject's words, when the query searches the full text.
    subject_words: Vec<String>,
    found: &'a FullTextHits,
    now: i64,
}

/// For each word of the query's `full_text` values, the tickets and conversations with a
/// reply or note holding a word it begins.
type FullTextHits = HashMap<String, HashSet<String>>;

fn full_text_values<'q>(query: &'q Query, out: &mut Vec<&'q str>) {
    match query {
        Query::All(parts) | Query::Any(parts) => {
            parts.iter().for_each(|p| full_text_values(p, out))
        }
        Query::Condition {
            field: "full_text",
            values,
            ..
        } => out.extend(values.iter().filter_map(|v| match v {
            Some(Scalar::Text(t)) => Some(t.as_str()),
            _ => None,
        })),
        Query::Condition { .. } => {}
    }
}

/// Looks up every word of the query's `full_text` values in the index, once.
fn full_text_hits(db: &Db, query: &Query) -> Result<FullTextHits> {
    let mut values = Vec::new();
    full_text_values(query, &mut values);
    let mut hits = FullTextHits::new();
    for word in values.iter().flat_map(|v| full_text::query_words(v)) {
        if let std::collections::hash_map::Entry::Vacant(entry) = hits.entry(word) {
            let owners = db.tx().owners_matching(entry.key())?;
            entry.insert(owners.into_iter().collect());
        }
    }
    Ok(hits)
}

impl Subject<'_> {
    fn value(&self, field: &str) -> Option<Scalar> {
        let c = self.conversation;
        let text = |s: String| Some(Scalar::Text(s));
        match field {
            "id" => text(c.id.to_string()),
            "created_at" => Some(Scalar::Int(secs(c.created_at))),
            "updated_at" => Some(Scalar::Int(secs(c.last_activity_at))),
            "open" => Some(Scalar::Bool(c.open)),
            "state" => text(
                match (c.open, c.is_active(self.now)) {
                    (false, _) => "closed",
                    (true, true) => "open",
                    (true, false) => "snoozed",
                }
                .into(),
            ),
            "channel_initiated" => text(c.channel.as_str().into()),
            "admin_assignee_id" => c.assignee_teammate.and_then(|t| text(t.to_string())),
            "team_assignee_id" => c.assignee_team.and_then(|t| text(t.to_string())),
            "contact_ids" => text(c.contact.to_string()),
            "ticket_id" => c.linked_ticket.and_then(|t| text(t.to_string())),
            "title" | "source.subject" => text(c.subject.to_lowercase()),
            "source.body" => text(
                self.first_message
                    .clone()
                    .unwrap_or_default()
                    .to_lowercase(),
            ),
            "snoozed_until" => c
                .snoozed_until
                .filter(|&until| c.open && until > self.now)
                .map(|until| Scalar::Int(secs(until))),
            _ => None,
        }
    }

    /// Whether every word of `text` begins a word of the subject or of a reply or note.
    fn has_words(&self, text: &str) -> bool {
        let id = self.conversation.id.to_string();
        full_text::query_words(text).iter().all(|word| {
            self.found
                .get(word)
                .is_some_and(|owners| owners.contains(&id))
                || self
                    .subject_words
                    .iter()
                    .any(|w| w.starts_with(word.as_str()))
        })
    }

    fn matches(&self, query: &Query) -> bool {
        match query {
            Query::All(parts) => parts.iter().all(|p| self.matches(p)),
            Query::Any(parts) => parts.iter().any(|p| self.matches(p)),
            Query::Condition {
                field: "full_text",
                operator,
                values,
            } => values.iter().all(|v| {
                let text = match v {
                    Some(Scalar::Text(t)) => t.as_str(),
                    _ => "",
                };
                self.has_words(text) == (*operator == "~")
            }),
            Query::Condition {
                field,
                operator,
                values,
            } => {
                let actual = self.value(field);
                let one = |expected: &Option<Scalar>| compare(&actual, operator, expected);
                match *operator {
                    "IN" => values.iter().any(|v| compare(&actual, "=", v)),
                    "NIN" => values.iter().all(|v| compare(&actual, "!=", v)),
                    _ => values.iter().all(one),
                }
            }
        }
    }
}

fn compare(actual: &Option<Scalar>, operator: &str, expected: &Option<Scalar>) -> bool {
    match (actual, expected) {
        (a, None) => match operator {
            "=" => a.is_none(),
            _ => a.is_some(),
        },
        (None, Some(_)) => operator == "!=" || operator == "!~",
        (Some(a), Some(e)) => match (a, e) {
            (Scalar::Text(a), Scalar::Text(e)) => match operator {
                "=" => a.eq_ignore_ascii_case(e),
                "!=" => !a.eq_ignore_ascii_case(e),
                "~" => a.to_lowercase().contains(e.as_str()),
                "!~" => !a.to_lowercase().contains(e.as_str()),
                "^" => a.to_lowercase().starts_with(e.as_str()),
                "$" => a.to_lowercase().ends_with(e.as_str()),
                _ => false,
            },
            (Scalar::Int(a), Scalar::Int(e)) => match operator {
                "=" => a == e,
                "!=" => a != e,
                "<" => a < e,
                ">" => a > e,
                "<=" => a <= e,
                ">=" => a >= e,
                _ => false,
            },
            (Scalar::Bool(a), Scalar::Bool(e)) => match operator {
                "=" => a == e,
                "!=" => a != e,
                _ => false,
            },
            _ => false,
        },
    }
}

fn mentions(query: &Query, field: &str) -> bool {
    match query {
        Query::All(parts) | Query::Any(parts) => parts.iter().any(|p| mentions(p, field)),
        Query::Condition { field: f, .. } => *f == field,
    }
}

/// A conversation search.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ConversationSearchRequest)]
pub struct SearchBody {
    /// What to match; no query (or null) matches every conversation.
    #[schema(value_type = Option<ConversationQuery>)]
    query: Option<Value>,
    #[serde(default, deserialize_with = "crate::http::extract::object")]
    pagination: Pagination,
}

type_tag!(ConversationListTag = "conversation.list");

/// One page of conversations, as Intercom's `conversation.list`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationSearchList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ConversationListTag,
    conversations: Vec<ConversationResource>,
    /// Matching conversations in all.
    total_count: usize,
    pages: super::search::TicketPages,
}

/// Search conversations, most recently active first
///
/// Intercom's query format: a condition `{field, operator, value}` or a group
/// `{operator: AND|OR, value: [...]}`.
#[utoipa::path(
    post,
    path = "/conversations/search",
    operation_id = "post_conversations_search",
    tag = "Conversations",
    security(("teammateToken" = [])),
    request_body = SearchBody,
    responses(
        (status = 200, description = "One page of the matching conversations.", body = ConversationSearchList),
        JsonBody, TeammateAuth, Internal,
    ),
)]
pub async fn search(
    State(state): State<AppState>,
    _: Teammate,
    Body(body): Body<SearchBody>,
) -> Result<Json<ConversationSearchList>> {
    let page = Page::of(&body.pagination)?;
    let query = match &body.query {
        Some(query) if !query.is_null() => parse(query, 1, &mut 0)?,
        _ => Query::All(Vec::new()),
    };
    let list = state.read(move |db| find(db, &query, page)).await?;
    Ok(Json(list))
}

fn find(db: &Db, query: &Query, page: Page) -> Result<ConversationSearchList> {
    let now = crate::authority::now();
    let needs_body = mentions(query, "source.body");
    let needs_words = mentions(query, "full_text");
    let hits = full_text_hits(db, query)?;
    let mut found: Vec<Conversation> = Vec::new();
    for conversation in db.all::<Conversation>(Kind::Conversation)? {
        let first_message = if needs_body {
            db.conversation_timeline(conversation.id)?
                .into_iter()
                .find_map(|p| match p.kind {
                    PartKind::Reply { body } => Some(body),
                    _ => None,
                })
        } else {
            None
        };
        let subject_words = if needs_words {
            full_text::words(&conversation.subject)
                .split(' ')
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        };
        let subject = Subject {
            conversation: &conversation,
            first_message,
            subject_words,
            found: &hits,
            now,
        };
        if subject.matches(query) {
            found.push(conversation);
        }
    }
    found.sort_by_key(|c| std::cmp::Reverse((c.last_activity_at, c.id)));
    let total = found.len();
    let conversations: Vec<ConversationResource> = found
        .iter()
        .skip(page.offset() as usize)
        .take(page.per_page() as usize)
        .map(|c| resource(c, None))
        .collect();
    let pages = super::search::pages(page, conversations.len(), total as i64);
    Ok(ConversationSearchList {
        kind: ConversationListTag::Tag,
        conversations,
        total_count: total,
        pages,
    })
}

/// The `query` of a conversation search: a condition over [`FIELDS`] or an AND/OR group.
pub struct ConversationQuery;

impl utoipa::PartialSchema for ConversationQuery {
    fn schema() -> RefOr<Schema> {
        serde_json::from_value::<Schema>(query_schema(1))
            .expect("a schema")
            .into()
    }
}

impl ToSchema for ConversationQuery {}

/// The schema of a query at `depth`, inline: a condition, or a group one level down.
fn query_schema(depth: usize) -> Value {
    let mut variants = Vec::new();
    for (name, kind, nullable) in FIELDS {
        let operators: Vec<&str> = OPERATORS
            .iter()
            .filter(|o| o.1.contains(&kind.name()))
            .map(|o| o.0)
            .collect();
        let single = value_schema(*kind, *nullable);
        for operator in operators {
            let value = if matches!(operator, "IN" | "NIN") {
                json!({ "type": "array", "items": single, "maxItems": MAX_CONDITIONS })
            } else if *nullable && !matches!(operator, "=" | "!=") {
                value_schema(*kind, false)
            } else {
                single.clone()
            };
            variants.push(json!({
                "type": "object",
                "properties": {
                    "field": { "type": "string", "enum": [name] },
                    "operator": { "type": "string", "enum": [operator] },
                    "value": value,
                },
                "required": ["field", "operator", "value"],
                "additionalProperties": false,
            }));
        }
    }
    // A group one level down; the deepest level's groups hold nothing, as the server reads.
    let items = if depth < MAX_DEPTH {
        json!({ "type": "array", "items": query_schema(depth + 1), "maxItems": MAX_CONDITIONS })
    } else {
        json!({ "type": "array", "items": { "type": "object" }, "maxItems": 0 })
    };
    variants.push(json!({
        "type": "object",
        "description": "A group: every query (AND) or any of them (OR).",
        "properties": {
            "operator": { "type": "string", "pattern": "^([Aa][Nn][Dd]|[Oo][Rr])$" },
            "value": items,
        },
        "required": ["operator", "value"],
        "additionalProperties": false,
    }));
    json!({
        "description": "A condition `field operator value` (text ignores case: ~ contains, !~ does not contain, ^ starts with, $ ends with; `full_text` ~ words finds conversations with words beginning with each of them in their subject, replies or notes, accents ignored; < > <= >= compare Unix seconds; IN and NIN take an array), or an AND/OR group nested at most 4 levels deep with at most 100 conditions in all.",
        "anyOf": variants,
    })
}

fn value_schema(kind: FieldKind, nullable: bool) -> Value {
    let value = match kind {
        FieldKind::Text => json!({ "type": "string" }),
        FieldKind::Id => json!({
            "type": "string",
            "pattern": format!("^\\s*{}\\s*$", &ULID_PATTERN[1..ULID_PATTERN.len() - 1]),
        }),
        FieldKind::Boolean => json!({ "type": "boolean" }),
        FieldKind::Time => {
            json!({ "type": "integer", "minimum": -MAX_SECONDS, "maximum": MAX_SECONDS })
        }
        FieldKind::Word(words) => json!({ "type": "string", "enum": words }),
        FieldKind::FullText => json!({
            "type": "string",
            "description": "Words: each begins a word of the subject, a reply or a note (case and accents ignored).",
        }),
    };
    if nullable {
        json!({ "anyOf": [value, { "type": "null" }] })
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    #[test]
    fn the_document_bounds_a_query_as_the_parser_does() {
        let schema = serde_json::to_value(ConversationQuery::schema()).unwrap();
        // Down to the deepest level, whose groups hold nothing.
        let mut level = &schema;
        for _ in 1..MAX_DEPTH {
            let group = level["anyOf"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["properties"]["field"].is_null())
                .unwrap();
            assert_eq!(group["properties"]["value"]["maxItems"], MAX_CONDITIONS);
            level = &group["properties"]["value"]["items"];
        }
        let deepest = level["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["properties"]["field"].is_null())
            .unwrap();
        assert_eq!(deepest["properties"]["value"]["maxItems"], 0);
        let too_deep = json!({"operator": "AND", "value": [{"operator": "AND", "value": [
            {"operator": "AND", "value": [{"operator": "AND", "value": [
                {"field": "open", "operator": "=", "value": true}]}]}]}]});
        assert!(parse(&too_deep, 1, &mut 0).is_err());
        let deepest_empty = json!({"operator": "AND", "value": [{"operator": "AND", "value": [
            {"operator": "AND", "value": [{"operator": "AND", "value": []}]}]}]});
        assert!(parse(&deepest_empty, 1, &mut 0).is_ok());
    }
}
