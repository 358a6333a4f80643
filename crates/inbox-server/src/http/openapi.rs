//! The OpenAPI 3.1 description of every endpoint, served at `GET /openapi.json`, generated from
//! the handlers' own types with utoipa: every handler carries `#[utoipa::path]` (operation id,
//! tag, summary, security, parameters, body and every status it can answer), every request and
//! response type derives `utoipa::ToSchema` (serde's attributes, `deny_unknown_fields`
//! included, shape the schema), and the router registers each route from its
//! `#[utoipa::path]` (utoipa-axum's `routes!`, see [`super::routes`]), so a route cannot go
//! undocumented nor a documented one be missing.
//!
//! This module holds what the handlers share: the document's frame ([`ApiDoc`]), the error
//! answers (each an [`ErrorList`] body), path parameters, and the `type` tags of Intercom's
//! resources.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::Json;
use inbox_core::ids::ULID_PATTERN;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, Ref, RefOr, Required, Response, ResponseBuilder,
};
use utoipa::{IntoParams, IntoResponses, OpenApi};

pub use crate::error::ErrorList;

/// A resource's `type` tag, as Intercom's resources carry one (`"type": "ticket"`): a one-value
/// enum, so the schema says exactly which string it is. Fields use it with `#[schema(inline)]`.
macro_rules! type_tag {
    ($(#[$doc:meta])* $name:ident = $value:tt) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
        pub enum $name {
            #[default]
            #[serde(rename = $value)]
            Tag,
        }
    };
}
pub(crate) use type_tag;

/// The document's frame: what the API is, its tags and security schemes. The operations and
/// their schemas are added from the handlers (see [`super::routes`]).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Teammate Inbox server",
        description = "The REST API for teammates and integrations (resource names and fields follow Intercom's Tickets API: `ticket_attributes` with `_default_title_`, `ticket_state`, unix-second timestamps, `POST /tickets/search`), the sync API of the desktop app, the customer-facing Messenger API and inbound email. Every error is an `ErrorList`: `{code, message}` and Intercom's `{type: \"error.list\", request_id, errors: [{code, message}]}` alike; request bodies above 4 MiB are refused with 413 `body_too_large`. Generated from the server's own types.",
    ),
    tags(
        (name = "Tickets", description = "Tickets, as in Intercom's Tickets API: create, update, reply, search, tracker links."),
        (name = "Conversations", description = "Conversations, as in Intercom's Conversations API: list, get with parts, start as a contact, reply or note, close, open, snooze, assign, convert to a ticket."),
        (name = "Ticket types", description = "Ticket types, their attributes, and ticket states (admins change them)."),
        (name = "Contacts", description = "Customers, their tickets, and Messenger tokens for integrations."),
        (name = "Companies", description = "Companies and their tickets."),
        (name = "Teammates", description = "The workspace's teammates (Intercom: admins) and their API tokens."),
        (name = "Settings", description = "Workspace settings and the customer email queue."),
        (name = "Webhooks", description = "Signed, ordered, durable notifications to integrations, after Intercom's webhooks: each delivery is a notification_event with an X-Hub-Signature (HMAC-SHA1 of the body with the endpoint's secret) and X-Inbox-Signature-256 (HMAC-SHA256)."),
        (name = "Sync", description = "The desktop app's sync protocol."),
        (name = "Messenger", description = "The customer-facing API: only the customer's own shared tickets, only what customers may see."),
        (name = "Email", description = "Inbound email: replies, and mail to the support address."),
        (name = "Server", description = "Health and this description."),
    ),
    components(schemas(ErrorList)),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

/// Who may call what: a teammate's token (admin-only operations say so and answer 403 to
/// others), or a customer's.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme(
            TEAMMATE_TOKEN,
            bearer("A teammate's token: an API token (`inbox-server token --email …`, `POST /tokens`) or the app's session (`POST /sync/login`). Admin-only operations refuse other teammates with 403 `forbidden`."),
        );
        components.add_security_scheme(
            CUSTOMER_TOKEN,
            bearer(
                "A customer's token for the Messenger API (`POST /contacts/{id}/messenger_token`).",
            ),
        );
    }
}

/// The security scheme names, as `#[utoipa::path(security(...))]` spells them.
pub const TEAMMATE_TOKEN: &str = "teammateToken";
pub const CUSTOMER_TOKEN: &str = "customerToken";

/// The generated document, built once.
pub fn document_value() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, openapi) = super::api().split_for_parts();
        let mut doc = serde_json::to_value(&openapi).expect("the document serialises");
        let schemas = &mut doc["components"]["schemas"];
        for (name, rule) in cross_field_rules() {
            let schema = schemas[name].as_object_mut().expect("a documented schema");
            for (keyword, value) in rule.as_object().expect("keywords") {
                assert!(schema.insert(keyword.clone(), value.clone()).is_none());
            }
        }
        doc
    })
}

/// What a request body's fields must be together, which a derive cannot say: the checks the
/// handlers make across fields (each answers 400 otherwise).
fn cross_field_rules() -> [(&'static str, serde_json::Value); 5] {
    use serde_json::json;
    let present = |field: &str, kind: &str| json!({ "required": [field], "properties": { field: { "type": kind } } });
    [
        // tickets::update: `conflicting_fields`.
        (
            "UpdateTicketRequest",
            json!({ "not": {
                "required": ["state", "ticket_state_id"],
                "properties": { "state": { "type": "string" }, "ticket_state_id": { "type": "string" } },
            } }),
        ),
        // tickets::reply: `invalid_field`.
        (
            "ReplyTicketRequest",
            json!({ "not": {
                "required": ["message_type", "keep_private"],
                "properties": { "message_type": { "const": "comment" }, "keep_private": { "const": true } },
            } }),
        ),
        // tickets::resolve_contacts: `invalid_contact`.
        (
            "TicketContactInput",
            json!({ "anyOf": [
                present("id", "string"),
                present("external_id", "string"),
                present("email", "string"),
            ] }),
        ),
        // ticket_types::create_attribute: `invalid_key` (the key comes from the name when absent).
        (
            "CreateTicketTypeAttributeRequest",
            json!({ "anyOf": [
                present("key", "string"),
                { "properties": { "name": { "pattern": "[^\\W_]" } } },
            ] }),
        ),
        // settings::delay: `conflicting_fields` for both, `missing_field` for neither.
        (
            "UpdateSettingsRequest",
            json!({ "oneOf": [
                present("reply_email_delay_minutes", "number"),
                present("reply_email_delay_seconds", "integer"),
            ] }),
        ),
    ]
}

/// `GET /openapi.json`
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "get_openapi",
    tag = "Server",
    summary = "This document",
    responses(
        (status = 200, description = "An OpenAPI 3.1 document.", content_type = "application/json", body = Object),
        Internal,
    ),
)]
pub async fn document() -> Json<serde_json::Value> {
    Json(document_value().clone())
}

fn error_answer(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorList")))
                .build(),
        )
        .build()
        .into()
}

/// Error answers, each a type `#[utoipa::path(responses(...))]` lists: `{status => why}`.
macro_rules! answers {
    ($($(#[$doc:meta])* $name:ident { $($status:literal => $why:expr),* $(,)? })*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                [$(($status.to_string(), error_answer($why))),*].into_iter().collect()
            }
        }
    )*};
}

answers! {
    /// A JSON request body: malformed, too large or too slow.
    JsonBody {
        400 => "The body is not what this operation takes (`invalid_body`: not JSON, a value of the wrong type, a missing or unknown field; `expected_json`: no `Content-Type: application/json`), or a field fails a check this operation makes; `code` says which.",
        408 => "The body did not arrive within the body deadline (`body_timeout`).",
        413 => "The body is larger than 4 MiB (`body_too_large`).",
    }
    /// Query parameters that do not parse or fail a check.
    BadQuery {
        400 => "A query parameter is malformed, out of range or unknown (`invalid_query`, `invalid_pagination`, `invalid_cursor`…); `code` says which.",
    }
    /// A teammate's token.
    TeammateAuth {
        401 => "No valid token (`unauthorized`): send `Authorization: Bearer TOKEN`.",
        403 => "A customer's token cannot use this operation (`forbidden`).",
    }
    /// An admin's token.
    AdminAuth {
        401 => "No valid token (`unauthorized`): send `Authorization: Bearer TOKEN`.",
        403 => "Only an admin may do this, and a customer's token never (`forbidden`).",
    }
    /// A customer's token (the Messenger API).
    CustomerAuth {
        401 => "No valid token (`unauthorized`): send `Authorization: Bearer TOKEN`.",
        403 => "This operation takes a customer's token; teammates use the REST API (`forbidden`).",
    }
    /// Something the request names (in the path or the body) does not exist.
    NotFound {
        404 => "Something the request names does not exist (`not_found`); a malformed id names nothing, so it is a 404 too.",
    }
    /// A chosen id, an email or an external id already taken.
    Conflict {
        409 => "The id (or email, or external id) is already taken (`id_taken`, `email_taken`, `external_id_taken`).",
    }
    /// A rule of the domain refuses the change.
    Rule {
        422 => "The change breaks a rule of the workspace (R1–R16) or a limit (`text_too_long`, `too_many`…); `code` says which.",
    }
    /// The server's own failure.
    Internal {
        500 => "The server failed; the message holds a request id for its log.",
    }
}

/// `POST /sync/login`'s own answers: a wrong email or password, and the brakes on guessing.
pub struct SignInRefused;

impl IntoResponses for SignInRefused {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        sign_in_answers("The email or password is not right, or the teammate is deactivated (`invalid_credentials`).")
    }
}

/// A customer's sign-in to the Messenger: a proof that does not hold, and the same brakes.
pub struct CustomerSignInRefused;

impl IntoResponses for CustomerSignInRefused {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        sign_in_answers("The proof does not hold: a forged or expired link (`invalid_link`), a wrong or expired code (`invalid_code`), or a wrong identity hash (`identity_verification_failed`).")
    }
}

/// Asking for a sign-in code: refused only by the brakes on guessing (the answer is the same
/// for every address).
pub struct SignInThrottled;

impl IntoResponses for SignInThrottled {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut answers = sign_in_answers("");
        answers.remove("401");
        answers
    }
}

/// An uploader past their hourly share of uploads.
pub struct UploadThrottled;

impl IntoResponses for UploadThrottled {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        BTreeMap::from([(
            "429".to_owned(),
            retry("Too many uploads by this teammate or customer within the hour, by count or by size (`upload_rate_limited`): wait `Retry-After` seconds."),
        )])
    }
}

/// An error answer with a `Retry-After` header.
fn retry(description: &str) -> RefOr<Response> {
    let RefOr::T(mut response) = error_answer(description) else {
        unreachable!("error answers are inline")
    };
    response.headers.insert(
        "Retry-After".into(),
        HeaderBuilder::new()
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            ))
            .description(Some("Seconds to wait before trying again."))
            .build()
            .into(),
    );
    response.into()
}

fn sign_in_answers(unauthorized: &str) -> BTreeMap<String, RefOr<Response>> {
    BTreeMap::from([
        ("401".to_owned(), error_answer(unauthorized)),
        (
            "429".to_owned(),
            retry("Too many attempts for this account or from this address (`too_many_attempts`, `account_locked`): wait `Retry-After` seconds."),
        ),
        (
            "503".to_owned(),
            retry("The server is busy checking other sign-ins (`busy`): try again after `Retry-After` seconds."),
        ),
    ])
}

/// A path parameter of one string.
fn path_param(name: &str, description: &str, pattern: Option<&str>) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(pattern)
                .min_length(Some(1)),
        ))
        .build()
}

/// The sync protocol's version header: a client speaking another version is refused with 400
/// `protocol_mismatch` rather than misread.
pub struct ProtocolHeader;

impl IntoParams for ProtocolHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name(inbox_sync::PROTOCOL_HEADER)
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "The sync protocol the client speaks (400 `protocol_mismatch` for another).",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([inbox_sync::PROTOCOL_VERSION.to_string()])),
            ))
            .build()]
    }
}

/// The inbound secret a mail relay proves itself with (when the server has one).
pub struct RelaySecretHeader;

impl IntoParams for RelaySecretHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("X-Inbox-Relay-Secret")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "The server's inbound secret: required (403 otherwise) when the server was given one.",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()]
    }
}

/// A ticket by its id or its number, as Intercom clients name them.
pub const TICKET_REF_PATTERN: &str = "^([0-7][0-9A-HJKMNP-TV-Z]{25}|#?[0-9]+)$";

/// Path parameters, each a type `#[utoipa::path(params(...))]` lists.
macro_rules! path_params {
    ($($(#[$doc:meta])* $name:ident { $param:literal, $description:literal, $pattern:expr })*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl IntoParams for $name {
            fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
                vec![path_param($param, $description, $pattern)]
            }
        }
    )*};
}

path_params! {
    TicketPath { "id", "The ticket's id (a ULID) or its number (`123` or `#123`).", Some(TICKET_REF_PATTERN) }
    TicketTypePath { "id", "The ticket type's id (a ULID).", Some(ULID_PATTERN) }
    AttributePath { "attribute_id", "The attribute's id: its key, as the type lists it.", None }
    ContactPath { "id", "The contact's id (a ULID).", Some(ULID_PATTERN) }
    ExternalIdPath { "external_id", "The contact's id in the team's own systems.", None }
    CompanyPath { "id", "The company's id (a ULID).", Some(ULID_PATTERN) }
    TeammatePath { "id", "The teammate's id (a ULID).", Some(ULID_PATTERN) }
    TokenPath { "id", "The token's id, as `GET /tokens` lists it (16 hex digits).", Some("^[0-9a-fA-F]{16}$") }
    WebhookPath { "id", "The webhook endpoint's id (a ULID).", Some(ULID_PATTERN) }
    MessengerTicketPath { "id", "One of the customer's shared tickets: its id (a ULID) or its number (`123` or `#123`).", Some(TICKET_REF_PATTERN) }
    ConversationPath { "id", "The conversation's id (a ULID).", Some(ULID_PATTERN) }
    AttachmentPath { "id", "The attachment's id (a ULID; for `PUT`, one the client made).", Some(ULID_PATTERN) }
    MessengerConversationPath { "id", "One of the customer's conversations: its id (a ULID).", Some(ULID_PATTERN) }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::Value;
    use utoipa::openapi::path::PathItem;

    use super::*;

    fn methods(item: &PathItem) -> Vec<&'static str> {
        [
            ("get", item.get.is_some()),
            ("put", item.put.is_some()),
            ("post", item.post.is_some()),
            ("delete", item.delete.is_some()),
            ("patch", item.patch.is_some()),
            ("head", item.head.is_some()),
            ("options", item.options.is_some()),
            ("trace", item.trace.is_some()),
        ]
        .into_iter()
        .filter_map(|(method, present)| present.then_some(method))
        .collect()
    }

    /// The (method, path) pairs the route table registers, each entry checked to hold one path
    /// (utoipa-axum registers an entry's handlers on each of its paths: two paths would get
    /// each other's methods).
    fn table() -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (_, paths, _) in super::super::routes() {
            assert_eq!(
                paths.paths.len(),
                1,
                "one routes!(…) per path: {:?}",
                paths.paths.keys()
            );
            for (path, item) in &paths.paths {
                for method in methods(item) {
                    assert!(
                        out.insert((method.to_owned(), path.clone())),
                        "{method} {path} is registered twice"
                    );
                }
            }
        }
        out
    }

    fn documented(doc: &Value) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("a path item").keys() {
                out.insert((method.clone(), path.clone()));
            }
        }
        out
    }

    #[test]
    fn the_router_and_the_document_come_from_one_table() {
        let table = table();
        assert!(table.len() > 5, "the table is too small: {table:?}");
        assert_eq!(documented(document_value()), table);
        // Nothing is registered beside the table: a route added with axum's own `.route(…)`
        // would be served without being documented.
        for (file, source) in [
            ("http/mod.rs", include_str!("mod.rs")),
            ("http/rest/mod.rs", include_str!("rest/mod.rs")),
        ] {
            for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
                assert!(
                    !source.contains(call),
                    "{file} registers a route with {call}…): add it to the routes! table"
                );
            }
        }
    }

    /// Two types under one schema name would silently replace each other in the document.
    #[test]
    fn no_two_schemas_share_a_name() {
        let mut seen: BTreeMap<String, Value> = BTreeMap::new();
        let mut schemas = Vec::new();
        for (found, _, _) in super::super::routes() {
            schemas.extend(found);
        }
        let frame = ApiDoc::openapi().components.expect("components");
        schemas.extend(frame.schemas);
        for (name, schema) in schemas {
            let schema = serde_json::to_value(schema).expect("a schema");
            if let Some(before) = seen.insert(name.clone(), schema.clone()) {
                assert_eq!(before, schema, "two schemas are named {name}");
            }
        }
    }

    /// The document passes the OpenAPI Initiative's schema of 3.1 documents (the one
    /// schemathesis checks documents with), and each schema in it is a valid JSON Schema
    /// (draft 2020-12, OpenAPI 3.1's dialect).
    #[test]
    fn the_document_is_a_valid_openapi_3_1_document() {
        let doc = document_value();
        assert_eq!(doc["openapi"], "3.1.0");
        let oas: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/openapi-3.1-schema.json"))
                .expect("the OpenAPI 3.1 schema");
        let validator = jsonschema::validator_for(&oas).expect("a validator");
        // The checks can fail: a document without `info`, a schema of no type.
        assert!(!validator.is_valid(&serde_json::json!({ "openapi": "3.1.0", "paths": {} })));
        assert!(
            jsonschema::draft202012::meta::validate(&serde_json::json!({ "type": "text" }))
                .is_err()
        );
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "not OpenAPI 3.1: {errors:#?}");
        let mut schemas: Vec<(String, &Value)> = doc["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .iter()
            .map(|(name, schema)| (format!("components.schemas.{name}"), schema))
            .collect();
        each_schema(doc, "", &mut schemas);
        assert!(schemas.len() > 100, "too few schemas: {}", schemas.len());
        for (place, schema) in schemas {
            if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
                panic!("{place} is not a JSON Schema: {e}");
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                assert!(
                    jsonschema::validator_for(&serde_json::json!({ "pattern": pattern })).is_ok(),
                    "{place}: the pattern {pattern} does not compile"
                );
            }
        }
    }

    /// The schemas of parameters, bodies and answers (components are checked whole).
    fn each_schema<'a>(value: &'a Value, at: &str, out: &mut Vec<(String, &'a Value)>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let place = format!("{at}.{key}");
                    if key == "schema" && !at.contains("components.schemas") {
                        out.push((place.clone(), inner));
                    }
                    if key != "schemas" {
                        each_schema(inner, &place, out);
                    }
                }
            }
            Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    each_schema(inner, &format!("{at}[{i}]"), out);
                }
            }
            _ => {}
        }
    }

    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    /// What the schema of documents cannot say: references resolve, every schema is used,
    /// operation ids are unique, path parameters are declared, every operation answers errors
    /// as `ErrorList`s and names only security schemes and tags that exist.
    /// Public operations that answer 401 for a wrong proof of who one is.
    const SIGN_INS: [&str; 4] = [
        "post_sync_login",
        "post_messenger_session_link",
        "post_messenger_session_verify",
        "post_messenger_session_identify",
    ];

    #[test]
    fn the_document_holds_together() {
        let doc = document_value();
        let mut found = Vec::new();
        refs(doc, &mut found);
        for r in &found {
            let pointer = r.strip_prefix('#').expect("local references only");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
        let used: BTreeSet<&str> = found
            .iter()
            .filter_map(|r| r.strip_prefix("#/components/schemas/"))
            .collect();
        for name in doc["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .keys()
        {
            assert!(used.contains(name.as_str()), "{name} is never used");
        }
        let tags: BTreeSet<&str> = doc["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .map(|t| t["name"].as_str().expect("a tag name"))
            .collect();
        let schemes = doc["components"]["securitySchemes"]
            .as_object()
            .expect("security schemes");
        let mut ids = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let templated: BTreeSet<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for (method, op) in item.as_object().expect("a path item") {
                let at = format!("{method} {path}");
                let id = op["operationId"].as_str().expect("an operation id");
                assert!(ids.insert(id.to_owned()), "{at}: {id} is used twice");
                assert!(
                    op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                    "{at}: a summary"
                );
                for tag in op["tags"].as_array().expect("tags") {
                    assert!(tags.contains(tag.as_str().unwrap()), "{at}: tag {tag}");
                }
                let declared: BTreeSet<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .inspect(|p| assert_eq!(p["required"], true, "{at}: {p}"))
                            .map(|p| p["name"].as_str().unwrap())
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(declared, templated, "{at}: path parameters");
                for requirement in op["security"].as_array().into_iter().flatten() {
                    for name in requirement.as_object().unwrap().keys() {
                        assert!(schemes.contains_key(name), "{at}: security {name}");
                    }
                }
                let responses = op["responses"].as_object().expect("responses");
                assert!(
                    responses.keys().any(|s| s.starts_with('2')),
                    "{at}: a success answer"
                );
                for (status, response) in responses {
                    if status.starts_with('2') {
                        continue;
                    }
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorList",
                        "{at}: {status} is an ErrorList"
                    );
                }
                if path != "/health" {
                    assert!(responses.contains_key("500"), "{at}: a 500");
                }
                let authenticated = op["security"].as_array().is_some_and(|s| !s.is_empty());
                assert_eq!(
                    authenticated,
                    responses.contains_key("401")
                        && !SIGN_INS.contains(&op["operationId"].as_str().unwrap()),
                    "{at}: authenticated operations answer 401, public ones do not"
                );
                if op.get("requestBody").is_some() {
                    assert!(
                        responses.contains_key("413"),
                        "{at}: a body may be too large"
                    );
                }
            }
        }
    }

    /// The limits in the document are `inbox_core::limits`' and the ids' pattern is
    /// [`ULID_PATTERN`], though attributes spell them as literals.
    #[test]
    fn the_document_s_limits_are_the_server_s() {
        use inbox_core::limits::*;
        let schemas = &document_value()["components"]["schemas"];
        for (pointer, want) in [
            ("/CreateCompanyRequest/properties/name/maxLength", MAX_NAME),
            (
                "/CreateTicketTypeRequest/properties/name/maxLength",
                MAX_NAME,
            ),
            (
                "/CreateTicketTypeRequest/properties/description/maxLength",
                MAX_BODY,
            ),
            (
                "/CreateContactRequest/properties/email/maxLength",
                MAX_EMAIL,
            ),
            ("/ReplyTicketRequest/properties/body/maxLength", MAX_BODY),
            ("/MessengerReplyRequest/properties/body/maxLength", MAX_BODY),
            ("/Brand/properties/logo_url/maxLength", MAX_LOGO),
            ("/DataType/oneOf/5/properties/options/maxItems", MAX_OPTIONS),
            (
                "/SyncTicketType/properties/attributes/maxItems",
                MAX_ATTRIBUTES,
            ),
            ("/SyncTicketType/properties/states/maxItems", MAX_MEMBERS),
            (
                "/PushRequest/properties/mutations/maxItems",
                super::super::sync::MAX_PUSH,
            ),
        ] {
            assert_eq!(
                schemas.pointer(pointer),
                Some(&Value::from(want)),
                "{pointer}"
            );
        }
        use inbox_core::customer_identity::{MAX_CODE, MAX_LINK_TOKEN, MAX_USER_HASH};
        let allowed = [
            MAX_NAME,
            MAX_LINE,
            MAX_BODY,
            MAX_LOGO,
            MAX_EMAIL,
            2_000,
            MAX_LINK_TOKEN,
            MAX_CODE,
            MAX_USER_HASH,
        ];
        let mut patterns = Vec::new();
        fn walk<'a>(v: &'a Value, lengths: &mut Vec<u64>, patterns: &mut Vec<&'a str>) {
            match v {
                Value::Object(map) => {
                    if let Some(n) = map.get("maxLength").and_then(Value::as_u64) {
                        lengths.push(n);
                    }
                    if let Some(p) = map.get("pattern").and_then(Value::as_str) {
                        patterns.push(p);
                    }
                    map.values().for_each(|v| walk(v, lengths, patterns));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, lengths, patterns)),
                _ => {}
            }
        }
        let mut lengths = Vec::new();
        walk(document_value(), &mut lengths, &mut patterns);
        for n in lengths {
            assert!(
                allowed.contains(&(n as usize)),
                "maxLength {n} is no limit of the server's"
            );
        }
        for p in patterns {
            if p.contains("[0-7][0-9A-HJKMNP-TV-Z]") {
                let core = &ULID_PATTERN[1..ULID_PATTERN.len() - 1];
                assert!(p.contains(core), "{p} spells the ULID pattern otherwise");
            }
        }
        let ulid = inbox_core::TicketId::from_parts(1_700_000_000_000, 42).to_string();
        let pattern = jsonschema::validator_for(&serde_json::json!({"pattern": ULID_PATTERN}))
            .expect("a pattern");
        assert!(pattern.is_valid(&Value::from(ulid)));
    }

    /// Writes the document to `OPENAPI_OUT` for a look (`cargo test -p inbox-server --lib
    /// write_the_document -- --ignored`).
    #[test]
    #[ignore]
    fn write_the_document() {
        let out = std::env::var("OPENAPI_OUT").unwrap_or_else(|_| "openapi.json".into());
        let text = serde_json::to_string_pretty(document_value()).expect("JSON");
        std::fs::write(out, text).expect("written");
    }
}
