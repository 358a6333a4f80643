//! Conversions between domain values and SQLite columns.

use std::str::FromStr;

use inbox_core::{Author, Category, MessageChannel, PartKind, Role, StateCategory};
use rusqlite::types::Type;
use rusqlite::Row;
use serde::de::DeserializeOwned;

/// Reads an id column (a ULID as text).
pub(crate) fn id<T: FromStr>(row: &Row, col: &str) -> rusqlite::Result<T> {
    let s: String = row.get(col)?;
    s.parse().map_err(|_| bad(col, "not a valid id"))
}

pub(crate) fn opt_id<T: FromStr>(row: &Row, col: &str) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(col)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| bad(col, "not a valid id")),
    }
}

pub(crate) fn json<T: DeserializeOwned>(row: &Row, col: &str) -> rusqlite::Result<T> {
    let s: String = row.get(col)?;
    serde_json::from_str(&s).map_err(|e| bad(col, &e.to_string()))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain values always serialise")
}

pub(crate) fn category(row: &Row, col: &str) -> rusqlite::Result<Category> {
    let s: String = row.get(col)?;
    Category::parse(&s).ok_or_else(|| bad(col, "unknown category"))
}

pub(crate) fn state_category(row: &Row, col: &str) -> rusqlite::Result<StateCategory> {
    let s: String = row.get(col)?;
    StateCategory::parse(&s).ok_or_else(|| bad(col, "unknown state category"))
}

pub(crate) fn message_channel(row: &Row, col: &str) -> rusqlite::Result<MessageChannel> {
    let s: String = row.get(col)?;
    MessageChannel::parse(&s).ok_or_else(|| bad(col, "unknown channel"))
}

pub(crate) fn role(row: &Row, col: &str) -> rusqlite::Result<Role> {
    let s: String = row.get(col)?;
    Role::parse(&s).ok_or_else(|| bad(col, "unknown role"))
}

pub(crate) fn author(row: &Row) -> rusqlite::Result<Author> {
    let kind: String = row.get("author_kind")?;
    Ok(match kind.as_str() {
        "teammate" => Author::Teammate(id(row, "author_id")?),
        "contact" => Author::Contact(id(row, "author_id")?),
        "system" => Author::System,
        _ => return Err(bad("author_kind", "unknown author kind")),
    })
}

/// The (author_kind, author_id) columns of an author.
pub(crate) fn author_columns(author: &Author) -> (&'static str, Option<String>) {
    match author {
        Author::Teammate(id) => ("teammate", Some(id.to_string())),
        Author::Contact(id) => ("contact", Some(id.to_string())),
        Author::System => ("system", None),
    }
}

pub(crate) fn part_kind(row: &Row) -> rusqlite::Result<PartKind> {
    json(row, "data")
}

/// The files of a part: a JSON list of ids, or NULL for none.
pub(crate) fn attachments(row: &Row) -> rusqlite::Result<Vec<inbox_core::AttachmentId>> {
    match row.get::<_, Option<String>>("attachments")? {
        Some(s) => serde_json::from_str(&s).map_err(|e| bad("attachments", &e.to_string())),
        None => Ok(Vec::new()),
    }
}

fn bad(col: &str, why: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, Type::Text, format!("column {col}: {why}").into())
}
