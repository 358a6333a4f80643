//! The REST API for teammates and integrations, shaped like Intercom's Tickets API so that its
//! users feel at home: `type`-tagged resources, `ticket_attributes` with `_default_title_`,
//! unix-second timestamps, `POST /tickets/search` with Intercom's query format.
//!
//! Every request carries a teammate token; workspace configuration needs an admin. Ticket changes
//! go through `authority::apply_one` like every other path (app, sync, Messenger), so the rules,
//! customer notifications and the change log are the same whoever calls. Other entities created
//! here are appended to the change log in the same transaction, so syncing apps see them.

mod conversation_search;
mod conversations;
mod emails;
mod people;
mod resource;
pub(crate) use resource::Catalog;
#[cfg(test)]
mod query_plans;
mod search;
pub use search::translate as translate_search;
mod settings;
mod ticket_types;
mod tickets;
pub(crate) use people::{contact_by_external_id, find_contact_by_email};
pub(crate) use tickets::contact_by_email;
mod tokens;
mod webhooks;

use std::str::FromStr;

use inbox_core::{Author, CoreError, Millis, Ticket};
use serde::{Deserialize, Deserializer};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::authority::random;
use crate::error::{Result, ServerError};
use crate::storage::Kind;
use crate::workspace::{not_found, Db};

/// The REST routes, each from its handler's `#[utoipa::path]` (one `routes!` per path: the
/// handlers of one path's methods), so the OpenAPI document describes exactly these.
pub fn routes() -> Vec<UtoipaMethodRouter<AppState>> {
    vec![
        routes!(tickets::create),
        routes!(search::tickets),
        routes!(tickets::show, tickets::update),
        routes!(tickets::reply),
        routes!(tickets::parts),
        routes!(tickets::link_tracker, tickets::unlink_tracker),
        routes!(conversations::list, conversations::create),
        routes!(conversation_search::search),
        routes!(conversations::show),
        routes!(conversations::reply),
        routes!(conversations::manage),
        routes!(conversations::convert),
        routes!(ticket_types::list, ticket_types::create),
        routes!(ticket_types::show, ticket_types::update),
        routes!(ticket_types::create_attribute),
        routes!(ticket_types::update_attribute),
        routes!(ticket_types::list_states, ticket_types::create_state),
        routes!(people::contacts, people::create_contact),
        routes!(people::contact),
        routes!(people::contact_by_external),
        routes!(people::contact_tickets),
        routes!(people::messenger_token),
        routes!(people::companies, people::create_company),
        routes!(people::company),
        routes!(people::company_tickets),
        routes!(people::teammates, people::create_teammate),
        routes!(people::update_teammate),
        // Intercom calls teammates "admins"; its users look for them there.
        routes!(people::admins),
        routes!(people::me),
        routes!(tokens::list, tokens::create),
        routes!(tokens::revoke),
        routes!(webhooks::list, webhooks::create),
        routes!(webhooks::show, webhooks::update, webhooks::delete),
        routes!(emails::list),
        routes!(settings::show, settings::update),
    ]
}

/// An id named in a request. One that is not even well-formed names nothing, so it is a 404
/// `not_found` like an unknown one: callers need not tell "malformed" from "gone".
fn parse_id<T: FromStr<Err = CoreError>>(what: &'static str, value: &str) -> Result<T> {
    value.trim().parse().map_err(|_| not_found(what, value))
}

/// A ticket by id or number (`123`, `#123`); anything else names no ticket, so it is a 404.
fn ticket_by_ref(db: &Db, reference: &str) -> Result<Ticket> {
    db.ticket_by_ref(reference.trim()).map_err(|e| match e {
        ServerError::Core(CoreError::InvalidId { .. }) => not_found("ticket", reference),
        other => other,
    })
}

/// The id for a new entity: the one the client chose (so it can refer to the entity before the
/// response arrives, as the app does offline), or a fresh ULID. A chosen id already in use is a
/// 409: silently overwriting another entity would lose it.
fn new_id<T>(
    given: Option<&str>,
    now: Millis,
    exists: impl FnOnce(&str) -> Result<bool>,
) -> Result<T>
where
    T: FromStr<Err = CoreError> + std::fmt::Display,
{
    let Some(given) = given else {
        let id = ulid::Ulid::from_parts(now.max(0) as u64, random()).to_string();
        return Ok(id.parse().expect("a fresh ULID parses"));
    };
    let id: T = given.trim().parse().map_err(ServerError::Core)?;
    if exists(&id.to_string())? {
        return Err(id_taken(given));
    }
    Ok(id)
}

/// Whether the collection of `kind` holds `id`: the `exists` of [`new_id`] for most entities.
fn exists(db: &Db, kind: Kind, id: &str) -> Result<bool> {
    Ok(db.tx().get(kind, id)?.is_some())
}

fn id_taken(id: &str) -> ServerError {
    ServerError::Conflict {
        code: "id_taken",
        message: format!(
            "Something with the id {id} already exists; choose another id or leave it out."
        ),
    }
}

/// Who a REST change is by: the token's teammate.
fn actor(teammate: &inbox_core::Teammate) -> Author {
    Author::Teammate(teammate.id)
}

/// Tells a field sent as `null` (Some(None): clear it) from a field left out (None: keep it).
fn nullable<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A ticket named by its id or its number, as Intercom clients send either a string or a number.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged, expecting = "a ticket's id or number")]
enum TicketRef {
    /// Its number.
    Number(i64),
    /// Its id (a ULID) or its number (`123`, `#123`).
    Text(String),
}

impl TicketRef {
    fn as_ref_string(&self) -> String {
        match self {
            TicketRef::Number(n) => n.to_string(),
            TicketRef::Text(s) => s.trim().to_owned(),
        }
    }
}

/// A text field that must not be blank.
fn required_text(field: &'static str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ServerError::bad_request(
            "missing_field",
            format!("`{field}` cannot be empty."),
        ));
    }
    Ok(value.to_owned())
}

/// An email address, normalised, that the mailer will be able to send to.
fn email_address(value: &str) -> Result<String> {
    let email = value.trim().to_lowercase();
    inbox_core::limits::email_address(&email)
        .map_err(|e| ServerError::bad_request("invalid_email", e.to_string()))?;
    Ok(email)
}
