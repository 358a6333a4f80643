//! The hand-written description of the routes not yet generated from their handlers (being
//! replaced, resource by resource): [`merge`] adds them to the generated document.

use serde_json::{json, Map, Value};

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Public,
    Teammate,
    /// A teammate whose role is admin.
    Admin,
    /// A customer token (Messenger API).
    Customer,
}

/// A request or response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    None,
    /// JSON of a schema in `components.schemas`.
    Json(&'static str),
    /// Another media type: (media type, description).
    Raw(&'static str, &'static str),
}

/// A query parameter: (name, JSON type, description).
pub type Param = (&'static str, &'static str, &'static str);

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub auth: Auth,
    pub query: &'static [Param],
    pub request: Payload,
    pub response: Payload,
    /// Error statuses beyond those the shape implies (see `errors`).
    pub also: &'static [u16],
}

const fn endpoint(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    auth: Auth,
    summary: &'static str,
) -> Endpoint {
    Endpoint {
        method,
        path,
        tag,
        summary,
        auth,
        query: &[],
        request: Payload::None,
        response: Payload::None,
        also: &[],
    }
}

const fn get(path: &'static str, tag: &'static str, auth: Auth, summary: &'static str) -> Endpoint {
    endpoint("get", path, tag, auth, summary)
}
const fn post(
    path: &'static str,
    tag: &'static str,
    auth: Auth,
    summary: &'static str,
) -> Endpoint {
    endpoint("post", path, tag, auth, summary)
}
const fn put(path: &'static str, tag: &'static str, auth: Auth, summary: &'static str) -> Endpoint {
    endpoint("put", path, tag, auth, summary)
}
const fn delete(
    path: &'static str,
    tag: &'static str,
    auth: Auth,
    summary: &'static str,
) -> Endpoint {
    endpoint("delete", path, tag, auth, summary)
}

impl Endpoint {
    const fn body(self, schema: &'static str) -> Endpoint {
        Endpoint {
            request: Payload::Json(schema),
            ..self
        }
    }
    const fn raw_body(self, media: &'static str, description: &'static str) -> Endpoint {
        Endpoint {
            request: Payload::Raw(media, description),
            ..self
        }
    }
    const fn returns(self, schema: &'static str) -> Endpoint {
        Endpoint {
            response: Payload::Json(schema),
            ..self
        }
    }
    /// Answers 204 with no body.
    const fn no_content(self) -> Endpoint {
        Endpoint {
            response: Payload::None,
            ..self
        }
    }
    const fn returns_raw(self, media: &'static str, description: &'static str) -> Endpoint {
        Endpoint {
            response: Payload::Raw(media, description),
            ..self
        }
    }
    const fn query(self, query: &'static [Param]) -> Endpoint {
        Endpoint { query, ..self }
    }
    const fn also(self, also: &'static [u16]) -> Endpoint {
        Endpoint { also, ..self }
    }
}

const PAGINATION: &[Param] = &[
    ("per_page", "integer", "Results per page, 1 to 150."),
    (
        "starting_after",
        "string",
        "`pages.next.starting_after` of the previous page.",
    ),
];
const CONTACT_LIST: &[Param] = &[
    (
        "per_page",
        "integer",
        "Results per page, 1 to 150 (default 50).",
    ),
    (
        "starting_after",
        "string",
        "`pages.next.starting_after` of the previous page.",
    ),
    ("email", "string", "Only the contact with this email."),
];
const ENTITY_LIST: &[Param] = &[
    (
        "per_page",
        "integer",
        "Results per page, 1 to 150 (default 50).",
    ),
    (
        "starting_after",
        "string",
        "`pages.next.starting_after` of the previous page.",
    ),
];

use Auth::{Admin, Customer, Public, Teammate};

/// Every route of the server.
pub const ENDPOINTS: &[Endpoint] = &[
    get("/health", "Server", Public, "Liveness check").returns_raw("text/plain", "`ok`"),
    // Sync (the desktop app)
    post("/sync/login", "Sync", Public, "Sign in: a teammate's email and password for a new API token")
        .body("LoginRequest")
        .returns("LoginResponse")
        .also(&[401, 429, 503]),
    post("/sync/logout", "Sync", Teammate, "Sign out: the request's token stops working")
        .no_content(),
    post("/sync/admin", "Sync", Teammate, "An admin's settings change: a ticket type with its attributes, a state, a brand, a team or a teammate, saved whole")
        .body("AdminChange")
        .returns("AdminSaved")
        .also(&[403]),
    post("/sync/push", "Sync", Teammate, "Push client mutations; each is applied exactly once per (client_id, seq)")
        .body("PushRequest")
        .returns("PushResponse")
        .also(&[409]),
    get("/sync/me", "Sync", Teammate, "The teammate the token speaks for")
        .returns("SyncTeammate"),
    get("/sync/pull", "Sync", Teammate, "Change sets after a cursor")
        .query(&[
            ("after", "integer", "The cursor to pull from (0: everything)."),
            ("limit", "integer", "At most this many change sets (1 to 1000)."),
        ])
        .returns("PullResponse"),
    get("/sync/bootstrap", "Sync", Teammate, "The whole workspace, in pages")
        .query(&[("page", "string", "`next` of the previous page; absent for the first page.")])
        .returns("BootstrapPage"),
    get("/sync/stream", "Sync", Teammate, "Live stream: server-sent `poke` events telling the client to pull")
        .returns_raw("text/event-stream", "`event: poke` with `data: {\"cursor\": N}` on connect and after every change."),
    // Messenger (customers)
    get("/messenger/home", "Messenger", Customer, "The customer's Messenger home: Recent tickets, Tickets space, badges")
        .returns("MessengerHome"),
    post("/messenger/logout", "Messenger", Customer, "Sign the customer out: the request's token stops working")
        .no_content(),
    put("/messenger/state", "Messenger", Customer, "Whether the Messenger is open on the customer's screen")
        .body("MessengerStateRequest")
        .returns("MessengerStateRequest"),
    get("/messenger/tickets/{id}", "Messenger", Customer, "One of the customer's shared tickets, with its customer-visible timeline")
        .returns("CustomerTicket"),
    post("/messenger/tickets/{id}/seen", "Messenger", Customer, "The customer saw the ticket: its badges go, replies count as seen")
        .returns("CustomerTicket"),
    post("/messenger/tickets/{id}/reply", "Messenger", Customer, "The customer replies on their ticket")
        .body("MessengerReplyRequest")
        .returns("CustomerTicket"),
    // Inbound email
    post("/inbound/email", "Email", Public, "A customer's emailed reply, posted raw by the mail relay; the signed reply-to address names the ticket")
        .raw_body("message/rfc822", "The email as received (RFC 822).")
        .returns("InboundAccepted")
        .also(&[403]),
];

/// Adds the operations and schemas the generated document does not have yet.
pub fn merge(doc: &mut Value) {
    let legacy = build();
    for (path, item) in legacy["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let target = doc["paths"]
                .as_object_mut()
                .expect("paths")
                .entry(path.clone())
                .or_insert_with(|| json!({}));
            if target.get(method).is_none() {
                target[method] = op.clone();
            }
        }
    }
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("schemas");
    for (name, schema) in legacy["components"]["schemas"]
        .as_object()
        .expect("schemas")
    {
        schemas
            .entry(name.clone())
            .or_insert_with(|| schema.clone());
    }
    doc["components"]["responses"] = legacy["components"]["responses"].clone();
}

/// The (method, path) pairs still described by hand.
pub fn documented() -> Vec<(String, String)> {
    ENDPOINTS
        .iter()
        .map(|e| (e.method.to_owned(), e.path.to_owned()))
        .collect()
}

const TAGS: &[(&str, &str)] = &[
    ("Tickets", "Tickets, as in Intercom's Tickets API: create, update, reply, search, tracker links."),
    ("Ticket types", "Ticket types, their attributes, and ticket states (admins change them)."),
    ("Contacts", "Customers, their tickets, and Messenger tokens for integrations."),
    ("Companies", "Companies and their tickets."),
    ("Teammates", "The workspace's teammates (Intercom: admins)."),
    ("Settings", "Workspace settings."),
    ("Webhooks", "Signed, ordered, durable notifications to integrations, after Intercom's webhooks: each delivery is a notification_event with an X-Hub-Signature (HMAC-SHA1 of the body with the endpoint's secret) and X-Inbox-Signature-256 (HMAC-SHA256)."),
    ("Sync", "The desktop app's sync protocol."),
    ("Messenger", "The customer-facing API: only the customer's own shared tickets, only what customers may see."),
    ("Email", "Inbound email replies."),
    ("Server", "Health and this description."),
];

pub fn build() -> Value {
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let item = paths
            .entry(e.path)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("path items are objects");
        item.insert(e.method.to_owned(), operation(e));
    }
    let tags: Vec<Value> = TAGS
        .iter()
        .map(|(name, description)| json!({ "name": name, "description": description }))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Teammate Inbox server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The REST API for teammates and integrations (resource names and fields follow Intercom's Tickets API: `ticket_attributes` with `_default_title_`, `ticket_state`, unix-second timestamps, `POST /tickets/search`), the sync API of the desktop app, the customer-facing Messenger API and inbound email. Every error is `{code, message}`; request bodies above 4 MiB are refused with 413 `body_too_large`.",
        },
        "tags": tags,
        "security": [{ "teammateToken": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "teammateToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A teammate's API token (`inbox-server token --email …`). Admin-only endpoints refuse other teammates with 403 `forbidden`.",
                },
                "customerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A customer's token for the Messenger API (`POST /contacts/{id}/messenger_token`).",
                },
            },
            "responses": {
                "Error": {
                    "description": "An error: `code` is stable and machine-readable, `message` says what happened and what to do.",
                    "content": { "application/json": { "schema": reference("ErrorList") } },
                },
            },
            "schemas": schemas(),
        },
    })
}

fn reference(schema: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{schema}") })
}

fn content(payload: Payload) -> Option<Value> {
    match payload {
        Payload::None => None,
        Payload::Json(schema) => {
            Some(json!({ "application/json": { "schema": reference(schema) } }))
        }
        Payload::Raw(media, description) => Some(json!({
            media: { "schema": { "type": "string", "description": description } }
        })),
    }
}

/// The error statuses an endpoint can answer, from its shape.
fn errors(e: &Endpoint) -> Vec<(u16, &'static str)> {
    let mut out = Vec::new();
    let has_body = e.request != Payload::None;
    if e.request != Payload::None || !e.query.is_empty() {
        out.push((
            400,
            "The body or query is malformed or names an unknown field.",
        ));
    }
    match e.auth {
        Auth::Public => {}
        Auth::Teammate => {
            out.push((401, "No valid token."));
            out.push((403, "A customer token cannot use this endpoint."));
        }
        Auth::Admin => {
            out.push((401, "No valid token."));
            out.push((403, "Only an admin may do this."));
        }
        Auth::Customer => {
            out.push((401, "No valid token."));
            out.push((403, "This endpoint takes a customer token."));
        }
    }
    if e.path.contains('{') || e.method != "get" {
        out.push((404, "Something the request names does not exist."));
    }
    if has_body {
        out.push((408, "The body did not arrive within the body deadline."));
        out.push((413, "The body is larger than 4 MiB."));
    }
    out.push((
        500,
        "The server failed; the message holds a request id for its log.",
    ));
    if e.method != "get" && e.auth != Auth::Public {
        out.push((422, "The change breaks a rule (R1–R16); `code` says which."));
    }
    for status in e.also {
        let why = match status {
            401 => "The email or password is not right (`invalid_credentials`).",
            403 => "The request is not allowed.",
            409 => "The id or email is already taken.",
            429 => "Too many attempts: wait for `Retry-After` seconds.",
            503 => "Busy: try again after `Retry-After` seconds.",
            _ => "See `code`.",
        };
        out.push((*status, why));
    }
    out.sort_by_key(|(status, _)| *status);
    out.dedup_by_key(|(status, _)| *status);
    out
}

fn operation(e: &Endpoint) -> Value {
    let mut op = Map::new();
    op.insert("operationId".into(), json!(operation_id(e)));
    op.insert("summary".into(), json!(e.summary));
    op.insert("tags".into(), json!([e.tag]));
    let security = match e.auth {
        Auth::Public => json!([]),
        Auth::Teammate | Auth::Admin => json!([{ "teammateToken": [] }]),
        Auth::Customer => json!([{ "customerToken": [] }]),
    };
    op.insert("security".into(), security);
    let mut parameters: Vec<Value> = path_params(e.path)
        .map(|name| {
            let description = if e.path.contains("tickets/{") {
                "The ticket's id (a ULID) or its number (123 or #123)."
            } else {
                "The id (a ULID)."
            };
            json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
        })
        .collect();
    parameters.extend(e.query.iter().map(|(name, kind, description)| {
        json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": kind } })
    }));
    if !parameters.is_empty() {
        op.insert("parameters".into(), json!(parameters));
    }
    if let Some(body) = content(e.request) {
        op.insert(
            "requestBody".into(),
            json!({ "required": true, "content": body }),
        );
    }
    let mut responses = Map::new();
    match content(e.response) {
        Some(body) => {
            responses.insert(
                "200".into(),
                json!({ "description": "Success.", "content": body }),
            );
        }
        None => {
            responses.insert("204".into(), json!({ "description": "Done; no content." }));
        }
    }
    for (status, why) in errors(e) {
        responses.insert(
            status.to_string(),
            json!({ "$ref": "#/components/responses/Error", "description": why }),
        );
    }
    op.insert("responses".into(), Value::Object(responses));
    Value::Object(op)
}

fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

/// `post /tickets/{id}/reply` → `post_tickets_id_reply`.
fn operation_id(e: &Endpoint) -> String {
    let mut id = e.method.to_owned();
    for part in e.path.split(['/', '.']).filter(|p| !p.is_empty()) {
        id.push('_');
        id.push_str(part.trim_matches(|c| c == '{' || c == '}'));
    }
    id
}

// Schema helpers: short names keep the schema table below readable.

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}
fn id(description: &str) -> Value {
    json!({ "type": "string", "description": format!("{description} (a ULID)") })
}
fn nullable_id(description: &str) -> Value {
    json!({ "type": ["string", "null"], "description": format!("{description} (a ULID), or null") })
}
fn integer(description: &str) -> Value {
    json!({ "type": "integer", "description": description })
}
fn boolean(description: &str) -> Value {
    json!({ "type": "boolean", "description": description })
}
fn timestamp(description: &str) -> Value {
    json!({ "type": "integer", "description": format!("{description}, as a UTC unix timestamp (seconds)") })
}
fn constant(value: &str) -> Value {
    json!({ "type": "string", "const": value })
}
fn one_of(values: &[&str], description: &str) -> Value {
    json!({ "type": "string", "enum": values, "description": description })
}
fn array(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}
fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}
/// A request body: unknown fields are refused with 400 `invalid_body`.
fn strict(required: &[&str], properties: Value) -> Value {
    let mut o = object(required, properties);
    o["additionalProperties"] = json!(false);
    o
}
fn any_object(description: &str) -> Value {
    json!({ "type": "object", "description": description })
}
/// Intercom's typed list: `{type, <key>: [...]}`.
fn typed_list(tag: &str, key: &str, item: &str) -> Value {
    object(
        &["type", key],
        json!({ "type": constant(tag), key: array(reference(item)) }),
    )
}

const CATEGORIES: &[&str] = &["Customer", "Back-office", "Tracker"];
const STATE_CATEGORIES: &[&str] = &[
    "submitted",
    "in_progress",
    "waiting_on_customer",
    "resolved",
];

fn pages() -> Value {
    object(
        &["type", "per_page"],
        json!({
            "type": constant("pages"),
            "page": integer("This page's number, from 1"),
            "per_page": integer("Results per page"),
            "total_pages": integer("Pages in all"),
            "next": object(&["starting_after"], json!({
                "per_page": integer("Results per page"),
                "starting_after": string("Pass as `starting_after` for the next page (opaque)"),
            })),
        }),
    )
}

fn schemas() -> Value {
    let schemas: Vec<(&str, Value)> = vec![
        (
            "Error",
            object(
                &["code", "message"],
                json!({
                    "code": string("Stable, machine-readable: `not_found`, `forbidden`, `tracker_cannot_be_shared`, `attribute_required`, `unknown_search_field`, `body_too_large`…"),
                    "message": string("What happened and what to do, for a person"),
                }),
            ),
        ),
        (
            "ErrorList",
            object(
                &["type", "code", "message", "errors"],
                json!({
                    "type": constant("error.list"),
                    "request_id": json!({"type": ["string", "null"], "description": "Give it to the server's admin: the log has the detail"}),
                    "code": string("Stable, machine-readable (as in `errors[0].code`)"),
                    "message": string("What happened and what to do, for a person"),
                    "errors": array(reference("Error")),
                }),
            ),
        ),
        (
            "TicketState",
            object(
                &["type", "id", "category", "internal_label", "external_label"],
                json!({
                    "type": constant("ticket_state"),
                    "id": id("The state's id"),
                    "category": one_of(STATE_CATEGORIES, "The state's category"),
                    "internal_label": string("What teammates see (unique in the workspace)"),
                    "external_label": string("What customers see (may repeat)"),
                    "archived": boolean("Archived states are offered no more"),
                }),
            ),
        ),
        ("TicketStateList", typed_list("list", "data", "TicketState")),
        (
            "TicketTypeAttribute",
            object(
                &["type", "id", "name", "data_type"],
                json!({
                    "type": constant("ticket_type_attribute"),
                    "id": string("The attribute's key"),
                    "key": string("The key tickets hold its value under (`_default_title_` and `_default_description_` in `ticket_attributes` for the two defaults)"),
                    "name": string("The label teammates see"),
                    "data_type": one_of(&["string", "integer", "decimal", "boolean", "datetime", "list"], "The data type"),
                    "input_options": any_object("`multiline` for strings; `list_options: [{label}]` for lists"),
                    "required_to_create": boolean("Needed to create a ticket of the type"),
                    "visible_to_contacts": boolean("Customers see its value"),
                    "default": boolean("Title or description, on every type"),
                    "order": integer("Its place in the form"),
                    "ticket_type_id": id("The ticket type"),
                }),
            ),
        ),
        (
            "TicketType",
            object(
                &["type", "id", "name", "category"],
                json!({
                    "type": constant("ticket_type"),
                    "id": id("The type's id"),
                    "name": string("The type's name"),
                    "description": string("What the type is for"),
                    "icon": string("An emoji"),
                    "category": one_of(CATEGORIES, "Customer tickets are always shared with the customer, back-office ones on purpose, trackers never"),
                    "archived": boolean("Archived types take no new tickets"),
                    "ticket_type_attributes": typed_list("ticket_type_attributes.list", "ticket_type_attributes", "TicketTypeAttribute"),
                    "ticket_states": typed_list("list", "data", "TicketState"),
                }),
            ),
        ),
        ("TicketTypeList", typed_list("list", "data", "TicketType")),
        (
            "Ticket",
            object(
                &[
                    "type",
                    "id",
                    "ticket_type",
                    "ticket_attributes",
                    "ticket_state",
                    "open",
                    "is_shared",
                ],
                json!({
                    "type": constant("ticket"),
                    "id": id("The ticket's id"),
                    "ticket_id": json!({ "type": ["string", "null"], "description": "The ticket's number (#123), assigned by the server" }),
                    "category": one_of(CATEGORIES, "The category of its type"),
                    "ticket_type": reference("TicketType"),
                    "ticket_attributes": any_object("Attribute values by key; `_default_title_` and `_default_description_` are the title and description"),
                    "ticket_state": reference("TicketState"),
                    "open": boolean("False once closed"),
                    "is_shared": boolean("Shared with the customer"),
                    "admin_assignee_id": nullable_id("The assigned teammate"),
                    "team_assignee_id": nullable_id("The assigned team"),
                    "contacts": object(&["type", "contacts"], json!({
                        "type": constant("contact.list"),
                        "contacts": array(object(&["type", "id"], json!({ "type": constant("contact"), "id": id("The contact") }))),
                    })),
                    "company_id": nullable_id("The company"),
                    "brand_id": id("The brand its emails go out under"),
                    "tracker_id": nullable_id("The tracker ticket it is linked to"),
                    "linked_objects": object(&["type", "data"], json!({
                        "type": constant("list"),
                        "data": array(object(&["type", "id", "link"], json!({
                            "type": one_of(&["ticket", "conversation"], "What is linked"),
                            "id": id("The linked object"),
                            "link": one_of(&["tracker", "conversation", "origin_ticket"], "How it is linked"),
                        }))),
                        "total_count": integer("Links in all"),
                        "has_more": boolean("Always false"),
                    })),
                    "created_at": timestamp("When it was created"),
                    "updated_at": timestamp("When it last changed"),
                    "last_activity_at": timestamp("When it last had activity"),
                }),
            ),
        ),
        (
            "TicketList",
            object(
                &["type", "tickets", "total_count", "pages"],
                json!({
                    "type": constant("ticket.list"),
                    "tickets": array(reference("Ticket")),
                    "total_count": integer("Matching tickets in all"),
                    "pages": pages(),
                }),
            ),
        ),
        (
            "TicketPart",
            object(
                &["type", "id", "part_type", "author", "created_at"],
                json!({
                    "type": constant("ticket_part"),
                    "id": id("The part's id"),
                    "part_type": string("`comment` (a reply customers see), `note` (internal), `ticket_state_updated`, `assignment`, `ticket_attribute_updated`, `close`, `open`, `share_changed`, `link_changed`, `brand_changed`, `customers_notified`, `cross_post`"),
                    "body": json!({ "type": ["string", "null"], "description": "The text of a comment, note or cross-post" }),
                    "author": object(&["type"], json!({
                        "type": one_of(&["admin", "user", "bot"], "A teammate, a customer, or the system"),
                        "id": json!({ "type": ["string", "null"] }),
                    })),
                    "created_at": timestamp("When it happened"),
                    "updated_at": timestamp("Parts never change: the same as created_at"),
                    "previous_ticket_state": one_of(STATE_CATEGORIES, "State changes: the category before"),
                    "ticket_state": one_of(STATE_CATEGORIES, "State changes: the category after"),
                    "details": any_object("The rest of what the part records (state ids, values, links…)"),
                }),
            ),
        ),
        (
            "TicketPartList",
            object(
                &["type", "ticket_parts", "total_count"],
                json!({
                    "type": constant("ticket_part.list"),
                    "ticket_id": id("The ticket"),
                    "ticket_parts": array(reference("TicketPart")),
                    "total_count": integer("Parts in all"),
                }),
            ),
        ),
        (
            "CreateTicketRequest",
            strict(
                &["ticket_type_id"],
                json!({
                    "id": id("The new ticket's id, chosen by the client; made by the server when absent"),
                    "ticket_type_id": id("Its type"),
                    "contacts": array(strict(&[], json!({
                        "id": id("An existing contact"),
                        "external_id": string("An existing contact's id in the team's own systems"),
                        "email": string("A contact's email; a contact is created when none has it"),
                        "name": string("The name of a contact created from `email`"),
                    }))),
                    "ticket_attributes": any_object("Values by attribute key or name; `_default_title_` (required) and `_default_description_`"),
                    "ticket_state_id": id("The state it starts in; the type's first submitted state when absent"),
                    "company_id": id("Its company; the first contact's when absent"),
                    "brand_id": id("Its brand; the workspace default when absent"),
                    "admin_assignee_id": id("The teammate to assign"),
                    "team_assignee_id": id("The team to assign"),
                    "assignment": strict(&[], json!({ "admin_assignee_id": id("The teammate"), "team_assignee_id": id("The team") })),
                    "is_shared": boolean("Share a back-office ticket with the customer (customer tickets always are, trackers never)"),
                    "conversation_id": id("The conversation to link (alias `conversation_to_link_id`)"),
                    "origin_ticket_id": string("A back-office ticket's originating customer ticket: id or number"),
                    "skip_notifications": boolean("Create it without notifying customers"),
                    "created_at": integer("When it was raised (Unix seconds, not in the future), for imports; now when absent"),
                }),
            ),
        ),
        (
            "UpdateTicketRequest",
            strict(
                &[],
                json!({
                    "ticket_attributes": any_object("Values to change by key or name"),
                    "ticket_state_id": id("A state the ticket's type offers"),
                    "state": one_of(STATE_CATEGORIES, "The type's first state of this category (`resolved` closes the ticket)"),
                    "open": boolean("false closes without resolving; true reopens"),
                    "is_shared": boolean("Share with the customer or make internal (trackers: 422 `tracker_cannot_be_shared`)"),
                    "admin_assignee_id": nullable_id("The teammate to assign; null unassigns"),
                    "team_assignee_id": nullable_id("The team to assign; null unassigns"),
                    "brand_id": id("The brand"),
                    "skip_notifications": boolean("Change it without notifying customers"),
                    "assignee_id": string("Intercom's assignee: a teammate's or a team's id; \"0\" unassigns"),
                    "admin_id": id("Intercom's acting admin: who makes the change (another teammate: admin tokens only)"),
                    "assignment": object(&[], json!({
                        "admin_id": id("As `admin_id`"),
                        "assignee_id": string("As `assignee_id`"),
                    })),
                    "snoozed_until": json!({"description": "Accepted for Intercom's clients; ignored (no snoozing yet)"}),
                }),
            ),
        ),
        (
            "ReplyTicketRequest",
            strict(
                &["message_type", "body"],
                json!({
                    "message_type": one_of(&["comment", "note"], "`comment` reaches the customer; `note` is internal"),
                    "body": string("The text"),
                    "keep_private": boolean("Notes on back-office tickets: do not cross-post where the ticket came from"),
                    "type": one_of(&["admin"], "Replies here are a teammate's"),
                    "skip_notifications": boolean("Reply without notifying customers"),
                    "admin_id": id("Intercom's author: the teammate who replies (another than the token's: admin tokens only)"),
                    "created_at": json!({"description": "Accepted for Intercom's clients; ignored"}),
                    "attachment_urls": json!({"description": "Accepted for Intercom's clients; ignored (no attachments yet)"}),
                    "reply_options": json!({"description": "Accepted for Intercom's clients; ignored"}),
                }),
            ),
        ),
        (
            "LinkTrackerRequest",
            strict(
                &["tracker_id"],
                json!({
                    "tracker_id": json!({ "type": ["string", "integer"], "description": "The tracker ticket's id or number" }),
                    "skip_notifications": boolean("Link without notifying customers"),
                }),
            ),
        ),
        (
            "SearchQuery",
            json!({
                "description": "A condition, or an AND/OR group of queries (nested at most 4 deep, 100 conditions). Fields: id, ticket_id (number), ticket_type_id, category (Customer/request, Back-office/task, Tracker), ticket_state_id, state (a state id or category), open, admin_assignee_id, team_assignee_id, contact_ids, company_id, brand_id, is_shared, tracker_id, created_at, updated_at (unix seconds), title (_default_title_), description (_default_description_), teammate_ids (a teammate who wrote on or changed the ticket), snoozed_until, ticket_attribute.{id} (a type's own attribute, compared as its data type; dates by Unix time or YYYY-MM-DD). Operators: = != IN NIN (all but booleans for IN/NIN), < > <= >= (numbers, times, dates), and for text ~ (contains), !~ (does not contain), ^ (starts with), $ (ends with), ignoring case.",
                "oneOf": [
                    strict(&["field", "operator", "value"], json!({
                        "field": string("A searchable field"),
                        "operator": one_of(&["=", "!=", "IN", "NIN", "<", ">", "<=", ">=", "~", "!~", "^", "$"], "The comparison"),
                        "value": json!({ "description": "A string, number, boolean, null (nullable fields) or, for IN/NIN, an array" }),
                    })),
                    strict(&["operator", "value"], json!({
                        "operator": one_of(&["AND", "OR"], "How the queries combine"),
                        "value": array(reference("SearchQuery")),
                    })),
                ],
            }),
        ),
        (
            "SearchRequest",
            strict(
                &[],
                json!({
                    "query": reference("SearchQuery"),
                    "pagination": strict(&[], json!({
                        "per_page": integer("1 to 150, default 20"),
                        "starting_after": string("`pages.next.starting_after` of the previous page"),
                    })),
                }),
            ),
        ),
        (
            "CreateTicketTypeRequest",
            strict(
                &["name"],
                json!({
                    "id": id("Chosen by the client; made by the server when absent"),
                    "name": string("The name"),
                    "description": string("What it is for"),
                    "icon": string("An emoji"),
                    "category": string("Customer, Back-office or Tracker (also customer, back_office, request, task); Customer when absent"),
                    "is_internal": boolean("Without `category`: true makes a Back-office type"),
                    "ticket_state_ids": array(id("A state")),
                }),
            ),
        ),
        (
            "UpdateTicketTypeRequest",
            strict(
                &[],
                json!({
                    "name": string("The name"),
                    "description": string("What it is for"),
                    "icon": string("An emoji"),
                    "archived": boolean("Archived types take no new tickets"),
                    "category": string("Accepted when it is the type's own category: categories never change"),
                    "is_internal": boolean("Accepted when it matches the type (true: Back-office): categories never change"),
                }),
            ),
        ),
        (
            "CreateTicketTypeAttributeRequest",
            strict(
                &["name", "data_type"],
                json!({
                    "name": string("The label teammates see"),
                    "key": string("The key tickets use; derived from the name when absent"),
                    "description": string("Accepted for compatibility with Intercom; not stored"),
                    "data_type": one_of(&["string", "text", "long_text", "integer", "decimal", "boolean", "date", "datetime", "list"], "The data type"),
                    "multiline": boolean("A `string` of several lines (long text)"),
                    "list_items": string("List options, comma-separated"),
                    "list_options": json!({ "type": "array", "description": "List options: strings or {label}" }),
                    "required_to_create": boolean("Needed to create a ticket"),
                    "visible_to_contacts": boolean("Customers see its value (alias `visible_to_customer`); default true"),
                    "required_to_create_for_contacts": boolean("Accepted for compatibility with Intercom; not used yet"),
                    "visible_on_create": boolean("Accepted for compatibility with Intercom; not used yet"),
                    "allow_multiple_values": boolean("Accepted for compatibility with Intercom; not used yet"),
                }),
            ),
        ),
        (
            "CreateTicketStateRequest",
            strict(
                &["internal_label", "category"],
                json!({
                    "id": id("Chosen by the client; made by the server when absent"),
                    "internal_label": string("Unique in the workspace"),
                    "external_label": string("What customers see; the internal label when absent"),
                    "category": one_of(STATE_CATEGORIES, "The category"),
                    "ticket_type_ids": array(id("A ticket type that should offer it")),
                }),
            ),
        ),
        (
            "Contact",
            object(
                &["type", "id", "email"],
                json!({
                    "type": constant("contact"),
                    "id": id("The contact's id"),
                    "workspace_id": string("The workspace's id (as /me's app.id_code)"),
                    "created_at": integer("When the contact was created (Unix seconds)"),
                    "updated_at": integer("When it last changed (Unix seconds)"),
                    "name": string("Their name"),
                    "email": string("Their email"),
                    "company_id": nullable_id("Their company"),
                    "role": one_of(&["user", "lead"], "A signed-up user or a lead"),
                    "external_id": string("Their id in the team's own systems (absent when none)"),
                    "unsubscribed_from_emails": json!({"type": "boolean"}),
                    "has_hard_bounced": json!({"type": "boolean"}),
                    "marked_email_as_spam": json!({"type": "boolean"}),
                }),
            ),
        ),
        (
            "ContactList",
            object(
                &["type", "data"],
                json!({
                    "type": constant("list"), "data": array(reference("Contact")), "pages": pages(),
                }),
            ),
        ),
        (
            "CreateContactRequest",
            strict(
                &["email"],
                json!({
                    "id": id("Chosen by the client; made by the server when absent"),
                    "name": string("Their name; from the email when absent"),
                    "email": string("Unique among contacts"),
                "company_id": id("Their company"),
                    "role": one_of(&["user", "lead"], "Default user"),
                    "external_id": string("Their id in the team's own systems"),
                    "phone": json!({"description": "Accepted for Intercom's clients; not kept"}),
                    "avatar": json!({"description": "Accepted for Intercom's clients; not kept"}),
                    "signed_up_at": json!({"description": "Accepted for Intercom's clients; not kept"}),
                    "last_seen_at": json!({"description": "Accepted for Intercom's clients; not kept"}),
                    "owner_id": json!({"description": "Accepted for Intercom's clients; not kept"}),
                    "unsubscribed_from_emails": json!({"description": "Accepted for Intercom's clients; not kept"}),
                    "custom_attributes": json!({"description": "Accepted for Intercom's clients; not kept"}),
                }),
            ),
        ),
        (
            "MessengerToken",
            object(
                &["type", "contact_id", "token"],
                json!({
                    "type": constant("messenger_token"),
                    "contact_id": id("The contact"),
                    "token": string("A bearer token for the Messenger API, shown once"),
                }),
            ),
        ),
        (
            "Company",
            object(
                &["type", "id", "name"],
                json!({
                    "type": constant("company"), "id": id("The company's id"), "name": string("Its name"),
                }),
            ),
        ),
        (
            "CompanyList",
            object(
                &["type", "data"],
                json!({
                    "type": constant("list"), "data": array(reference("Company")), "pages": pages(),
                }),
            ),
        ),
        (
            "CreateCompanyRequest",
            strict(
                &["name"],
                json!({
                    "id": id("Chosen by the client; made by the server when absent"),
                    "name": string("Its name"),
                }),
            ),
        ),
        (
            "Admin",
            object(
                &["type", "id", "name", "email", "role"],
                json!({
                    "type": constant("admin"),
                    "id": id("The teammate's id"),
                    "name": string("Their name"),
                    "email": string("Their email"),
                    "role": one_of(&["admin", "teammate"], "Admins change workspace settings, types and states"),
                    "active": json!({"type": "boolean", "description": "false: deactivated (left the team); cannot sign in or be given tickets"}),
                    "job_title": json!({"type": ["string", "null"]}),
                    "away_mode_enabled": json!({"type": "boolean"}),
                    "away_mode_reassign": json!({"type": "boolean"}),
                    "has_inbox_seat": json!({"type": "boolean"}),
                    "team_ids": array(id("A team the teammate is in")),
                }),
            ),
        ),
        ("AdminList", typed_list("admin.list", "admins", "Admin")),
        (
            "SyncTeammate",
            object(
                &["id", "name", "email", "role", "active"],
                json!({
                    "id": id("The teammate's id"),
                    "name": string("Their name"),
                    "email": string("Their email"),
                    "role": one_of(&["admin", "teammate"], "Admins change workspace settings"),
                    "active": json!({"type": "boolean", "description": "false: deactivated"}),
                }),
            ),
        ),
        (
            "AdminWithApp",
            any_object(
                "An Admin with `email_verified` and `app` (the workspace: id_code, name, timezone)",
            ),
        ),
        (
            "Email",
            object(
                &["id", "contact_id", "ticket_id", "status", "attempts"],
                json!({
                    "id": id("The email's queue id (its Message-ID)"),
                    "contact_id": id("The customer it is for"),
                    "ticket_id": id("The ticket it is about"),
                    "status": one_of(&["pending", "sending", "sent", "dropped", "failed"], "Where it is"),
                    "attempts": json!({"type": "integer", "description": "Sends tried"}),
                    "reason": json!({"type": ["string", "null"], "description": "Why it failed or was dropped"}),
                }),
            ),
        ),
        ("EmailList", typed_list("email.list", "emails", "Email")),
        (
            "Webhook",
            object(
                &[
                    "type",
                    "id",
                    "url",
                    "topics",
                    "active",
                    "failures",
                    "recent_deliveries",
                ],
                json!({
                    "type": constant("webhook"),
                    "id": id("The endpoint's id"),
                    "url": string("Where deliveries are posted"),
                    "topics": array(one_of(crate::webhooks::TOPICS.as_slice(), "A topic")),
                    "active": json!({"type": "boolean", "description": "false: turned off, or paused after failing"}),
                    "paused_reason": json!({"type": ["string", "null"], "description": "Why it was paused"}),
                    "created_at": json!({"type": "integer", "description": "Unix seconds"}),
                    "last_event_id": string("The last event delivered; the next follows it"),
                    "failures": json!({"type": "integer", "description": "Failed attempts in a row"}),
                    "recent_deliveries": array(any_object("An attempt: event_id, topic, at, status, error")),
                }),
            ),
        ),
        (
            "WebhookList",
            object(
                &["type", "webhooks", "topics"],
                json!({
                    "type": constant("webhook.list"),
                    "webhooks": array(reference("Webhook")),
                    "topics": array(string("A topic an endpoint may ask for")),
                }),
            ),
        ),
        (
            "NewWebhook",
            any_object(
                "A Webhook with its `secret`: keep it to check signatures; it is not shown again",
            ),
        ),
        (
            "CreateWebhookRequest",
            strict(
                &["url", "topics"],
                json!({
                    "url": string("An http:// or https:// address"),
                    "topics": array(one_of(crate::webhooks::TOPICS.as_slice(), "A topic")),
                }),
            ),
        ),
        (
            "UpdateWebhookRequest",
            strict(
                &[],
                json!({
                    "url": string("An http:// or https:// address"),
                    "topics": array(one_of(crate::webhooks::TOPICS.as_slice(), "A topic")),
                    "active": json!({"type": "boolean", "description": "true turns a paused endpoint on again"}),
                    "replay_after": json!({"type": ["string", "null"], "description": "Deliver again everything after this event id (null: all kept events)"}),
                }),
            ),
        ),
        (
            "UpdateTeammateRequest",
            strict(
                &[],
                json!({
                    "name": string("Their name"),
                    "email": string("Unique among teammates"),
                    "role": one_of(&["admin", "teammate"], "Admins change workspace settings"),
                    "active": json!({"type": "boolean", "description": "false deactivates them: signed out everywhere, API tokens revoked"}),
                }),
            ),
        ),
        (
            "Token",
            object(
                &["id", "kind", "teammate_id", "created_at", "last_used_at"],
                json!({
                    "id": string("Names the token (the start of its hash); not a secret"),
                    "kind": one_of(&["session", "api", "customer"], "A sign-in of the app, or an integration's key"),
                    "teammate_id": id("Whose it is"),
                    "name": json!({"type": ["string", "null"], "description": "What an API token is for"}),
                    "created_at": json!({"type": "integer", "description": "Milliseconds since 1970"}),
                    "last_used_at": json!({"type": "integer", "description": "Milliseconds since 1970"}),
                }),
            ),
        ),
        ("TokenList", typed_list("token.list", "tokens", "Token")),
        (
            "CreateTokenRequest",
            strict(
                &["name"],
                json!({ "name": string("What the token is for") }),
            ),
        ),
        (
            "NewToken",
            object(
                &["type", "token"],
                json!({ "type": constant("token"), "token": string("The secret: send it as Authorization: Bearer TOKEN") }),
            ),
        ),
        (
            "CreateTeammateRequest",
            strict(
                &["name", "email"],
                json!({
                    "id": id("Chosen by the client; made by the server when absent"),
                    "name": string("Their name"),
                    "email": string("Unique among teammates"),
                    "role": one_of(&["admin", "teammate"], "Default teammate"),
                }),
            ),
        ),
        (
            "Settings",
            object(
                &[
                    "type",
                    "reply_email_delay_seconds",
                    "reply_email_delay_minutes",
                ],
                json!({
                    "type": constant("settings"),
                    "reply_email_delay_seconds": integer("How long a reply waits to be seen in the Messenger before it is emailed (R5)"),
                    "reply_email_delay_minutes": json!({ "type": "number", "description": "The same, in minutes" }),
                }),
            ),
        ),
        (
            "UpdateSettingsRequest",
            strict(
                &[],
                json!({
                    "reply_email_delay_minutes": json!({ "type": "number", "description": "0 to 1440; send this or the seconds" }),
                    "reply_email_delay_seconds": integer("0 to 86400"),
                }),
            ),
        ),
        (
            "AdminChange",
            object(
                &["type", "value"],
                json!({
                    "type": one_of(&["save_ticket_type", "save_state", "save_brand", "save_team", "save_teammate"], "What is saved"),
                    "value": any_object("The whole entity, as GET /sync/bootstrap sends it (a ticket type with its attributes and states, a state, a brand, a team, a teammate)"),
                }),
            ),
        ),
        (
            "AdminSaved",
            object(
                &["ticket_types", "states", "brands", "teams", "teammates"],
                json!({
                    "ticket_types": array(any_object("A saved ticket type")),
                    "states": array(any_object("A saved state")),
                    "brands": array(any_object("A saved brand (a new default also saves the old one)")),
                    "teams": array(any_object("A saved team")),
                    "teammates": array(any_object("A saved teammate")),
                }),
            ),
        ),
        (
            "LoginRequest",
            strict(
                &["email", "password"],
                json!({
                    "email": string("The teammate's email (any case)"),
                    "password": string("Their password (`inbox-server password --email …` sets it)"),
                }),
            ),
        ),
        (
            "LoginResponse",
            object(
                &["token", "teammate"],
                json!({
                    "token": string("A new teammate API token, for `Authorization: Bearer`"),
                    "teammate": any_object("The teammate: `{id, name, email, role}`"),
                }),
            ),
        ),
        (
            "PushRequest",
            object(
                &["client_id", "mutations"],
                json!({
                    "client_id": string("The client's id for its lifetime: 1 to 64 letters, digits, - or _"),
                    "mutations": array(object(&["seq", "mutation"], json!({
                        "seq": integer("Grows by one per mutation of the client"),
                        "mutation": any_object("A mutation, tagged by `type` (create_ticket, set_state, reply, note, link_tracker…)"),
                    }))),
                }),
            ),
        ),
        (
            "PushResponse",
            object(
                &["results", "cursor"],
                json!({
                    "results": array(object(&["status", "seq"], json!({
                        "status": one_of(&["applied", "rejected"], "What became of the mutation"),
                        "seq": integer("The mutation's seq"),
                        "cursor": integer("Applied: the change's cursor"),
                        "error": reference("Error"),
                    }))),
                    "cursor": integer("The newest cursor"),
                }),
            ),
        ),
        (
            "ChangeSet",
            object(
                &["cursor", "at", "records"],
                json!({
                    "cursor": integer("Its position in the change log"),
                    "at": integer("When, in milliseconds since the epoch"),
                    "origin": json!({ "type": ["object", "null"], "description": "The client and seq that pushed it, if any" }),
                    "records": array(any_object("An entity as it is now, tagged by `type` with its `data`")),
                }),
            ),
        ),
        (
            "PullResponse",
            object(
                &["changes", "cursor", "more"],
                json!({
                    "changes": array(reference("ChangeSet")),
                    "cursor": integer("Pull again from here"),
                    "more": boolean("More changes wait"),
                }),
            ),
        ),
        (
            "BootstrapPage",
            object(
                &["cursor", "records", "total_tickets"],
                json!({
                    "cursor": integer("The cursor the snapshot started at"),
                    "records": array(any_object("An entity, tagged by `type` with its `data`")),
                    "next": json!({ "type": ["string", "null"], "description": "The next page's token; null on the last" }),
                    "total_tickets": integer("Tickets in the workspace"),
                }),
            ),
        ),
        (
            "MessengerTicket",
            object(
                &["id", "title", "state_label", "state_category"],
                json!({
                    "id": id("The ticket"),
                    "number": json!({ "type": ["integer", "null"] }),
                    "title": string("Its title"),
                    "state_label": string("The customer-facing state label"),
                    "state_category": one_of(STATE_CATEGORIES, "The state's category"),
                    "attributes": array(array(json!({ "type": "string" }))),
                    "last_activity_at": integer("Milliseconds since the epoch"),
                    "action": string("What the customer can do: send_message, continue_conversation, view_closed_conversation"),
                }),
            ),
        ),
        (
            "MessengerHome",
            object(
                &["recent_tickets", "badges"],
                json!({
                    "recent_tickets": array(reference("MessengerTicket")),
                    "tickets_space": json!({ "type": ["array", "null"], "items": reference("MessengerTicket") }),
                    "badges": object(&[], json!({
                        "messenger": integer("The launcher badge"),
                        "tickets_space": integer("The Tickets space badge"),
                        "messages_space": integer("The Messages space badge"),
                    })),
                }),
            ),
        ),
        (
            "CustomerTicket",
            json!({
                "allOf": [reference("MessengerTicket"), object(&["timeline"], json!({
                    "timeline": array(object(&["id", "at", "kind"], json!({
                        "id": id("The part"),
                        "at": integer("Milliseconds since the epoch"),
                        "kind": one_of(&["message", "state_changed"], "A reply, or a customer-visible state change"),
                        "body": string("Messages"),
                        "from_customer": boolean("Messages"),
                        "label": string("State changes: the customer-facing label"),
                    }))),
                }))],
            }),
        ),
        (
            "MessengerStateRequest",
            strict(
                &["open"],
                json!({
                    "open": boolean("The Messenger is open on the customer's screen"),
                }),
            ),
        ),
        (
            "MessengerReplyRequest",
            strict(
                &["body"],
                json!({ "body": string("The customer's message") }),
            ),
        ),
        (
            "InboundAccepted",
            object(
                &["ticket"],
                json!({ "ticket": id("The ticket the reply was added to") }),
            ),
        ),
    ];
    Value::Object(
        schemas
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}
