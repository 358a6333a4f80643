//! How domain values look over REST: Intercom's resource shapes and field names (`type` tags,
//! `ticket_attributes` with `_default_title_`, `ticket_state` with internal and external labels,
//! unix seconds), so that code written against Intercom's Tickets API needs few changes.

use std::collections::{BTreeMap, HashMap};

use inbox_core::attribute::{DESCRIPTION, TITLE};
use inbox_core::{
    AttributeDef, Author, BrandId, Category, Company, CompanyId, Contact, ContactId, ContactRole,
    DataType, Millis, Part, PartId, PartKind, Role, StateCategory, StateId, TeamId, Teammate,
    TeammateId, Ticket, TicketId, TicketState, TicketType, TicketTypeId,
};
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

use crate::error::Result;
use crate::http::openapi::type_tag;
use crate::workspace::Db;

/// Intercom's keys for the two attributes every ticket type has.
pub const DEFAULT_TITLE: &str = "_default_title_";
pub const DEFAULT_DESCRIPTION: &str = "_default_description_";

/// Intercom speaks unix seconds; we keep milliseconds.
pub fn secs(ms: Millis) -> i64 {
    ms.div_euclid(1000)
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

type_tag!(TicketStateTag = "ticket_state");
type_tag!(AttributeTag = "ticket_type_attribute");
type_tag!(AttributeListTag = "ticket_type_attributes.list");
type_tag!(ListTag = "list");
type_tag!(TicketTypeTag = "ticket_type");
type_tag!(TicketTag = "ticket");
type_tag!(ContactTag = "contact");
type_tag!(ContactListTag = "contact.list");
type_tag!(PartTag = "ticket_part");

/// A category as Intercom spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum CategoryName {
    /// Raised by or for a customer; always shared with them.
    Customer,
    /// Internal collaboration; shared with the customer on purpose only.
    #[serde(rename = "Back-office")]
    BackOffice,
    /// Tracks a problem many customers report; never shared.
    Tracker,
}

impl From<Category> for CategoryName {
    fn from(category: Category) -> Self {
        match category {
            Category::Customer => CategoryName::Customer,
            Category::BackOffice => CategoryName::BackOffice,
            Category::Tracker => CategoryName::Tracker,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketState)]
pub struct StateResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: TicketStateTag,
    id: StateId,
    category: StateCategory,
    /// What teammates see (unique in the workspace).
    internal_label: String,
    /// What customers see (may repeat).
    external_label: String,
    /// Archived states are offered no more.
    archived: bool,
}

pub fn ticket_state(s: &TicketState) -> StateResource {
    StateResource {
        kind: TicketStateTag::Tag,
        id: s.id,
        category: s.category,
        internal_label: s.internal_label.clone(),
        external_label: s.customer_label.clone(),
        archived: s.archived,
    }
}

/// An attribute's data type as Intercom names it: text and long text are both a `string`
/// (`input_options.multiline` tells them apart), a date is a `datetime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeDataType {
    String,
    Integer,
    Decimal,
    Boolean,
    Datetime,
    List,
}

/// How an attribute is entered: `multiline` for strings, the options of a list.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct InputOptions {
    /// Strings: a long text of several lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    multiline: Option<bool>,
    /// Lists: the options, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    list_options: Option<Vec<ListOption>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListOption {
    label: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketTypeAttribute)]
pub struct AttributeResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: AttributeTag,
    /// The attribute's key: Intercom's attributes have numeric ids; ours are named by key.
    id: String,
    /// The key tickets hold its value under (`_default_title_` and `_default_description_` in
    /// `ticket_attributes` for the two defaults).
    key: String,
    /// The label teammates see.
    name: String,
    data_type: AttributeDataType,
    input_options: InputOptions,
    /// Needed to create a ticket of the type.
    required_to_create: bool,
    /// Customers see its value.
    visible_to_contacts: bool,
    /// Title and description: on every type, cannot be removed.
    default: bool,
    /// Its place in the type's form, from 0.
    order: usize,
    ticket_type_id: TicketTypeId,
}

/// How our data types map onto Intercom's: text is a `string`, long text a multiline `string`.
fn data_type(data_type: &DataType) -> (AttributeDataType, InputOptions) {
    let options = InputOptions::default();
    match data_type {
        DataType::Text => (
            AttributeDataType::String,
            InputOptions {
                multiline: Some(false),
                ..options
            },
        ),
        DataType::LongText => (
            AttributeDataType::String,
            InputOptions {
                multiline: Some(true),
                ..options
            },
        ),
        DataType::Integer => (AttributeDataType::Integer, options),
        DataType::Decimal => (AttributeDataType::Decimal, options),
        DataType::Boolean => (AttributeDataType::Boolean, options),
        DataType::Date => (AttributeDataType::Datetime, options),
        DataType::List { options: labels } => {
            let labels = labels
                .iter()
                .map(|o| ListOption { label: o.clone() })
                .collect();
            (
                AttributeDataType::List,
                InputOptions {
                    list_options: Some(labels),
                    ..options
                },
            )
        }
    }
}

pub fn attribute(ticket_type: &TicketType, order: usize, def: &AttributeDef) -> AttributeResource {
    let (data_type, input_options) = data_type(&def.data_type);
    AttributeResource {
        kind: AttributeTag::Tag,
        id: def.key.clone(),
        key: def.key.clone(),
        name: def.name.clone(),
        data_type,
        input_options,
        required_to_create: def.required_to_create,
        visible_to_contacts: def.visible_to_customer,
        default: def.built_in,
        order,
        ticket_type_id: ticket_type.id,
    }
}

/// The states a ticket type offers, or every state of the workspace.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketStateList)]
pub struct StateList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ListTag,
    data: Vec<StateResource>,
}

impl StateList {
    pub fn of(data: Vec<StateResource>) -> StateList {
        StateList {
            kind: ListTag::Tag,
            data,
        }
    }
}

/// Every ticket type, with its attributes and states.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketTypeList)]
pub struct TicketTypeList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ListTag,
    data: Vec<TicketTypeResource>,
}

impl TicketTypeList {
    pub fn of(data: Vec<TicketTypeResource>) -> TicketTypeList {
        TicketTypeList {
            kind: ListTag::Tag,
            data,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketTypeAttributeList)]
pub struct AttributeList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: AttributeListTag,
    ticket_type_attributes: Vec<AttributeResource>,
}

/// A ticket type. Embedded in a ticket, it comes without its attributes and states, to keep
/// ticket lists small.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketType)]
pub struct TicketTypeResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: TicketTypeTag,
    id: TicketTypeId,
    name: String,
    /// What the type is for.
    description: String,
    /// An emoji.
    icon: String,
    category: CategoryName,
    /// Archived types take no new tickets.
    archived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_type_attributes: Option<AttributeList>,
    /// The states the type offers, in menu order.
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_states: Option<StateList>,
}

fn type_summary(t: &TicketType) -> TicketTypeResource {
    TicketTypeResource {
        kind: TicketTypeTag::Tag,
        id: t.id,
        name: t.name.clone(),
        description: t.description.clone(),
        icon: t.icon.clone(),
        category: t.category.into(),
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
            kind: AttributeListTag::Tag,
            ticket_type_attributes: attributes,
        }),
        ticket_states: Some(StateList::of(offered)),
        ..type_summary(t)
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketContact)]
struct ContactRef {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ContactTag,
    id: ContactId,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketContactList)]
struct ContactRefList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ContactListTag,
    contacts: Vec<ContactRef>,
}

/// What a linked object is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum LinkedKind {
    Ticket,
    Conversation,
}

/// How an object is linked to the ticket (R11–R13).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum LinkKind {
    /// The tracker ticket this ticket is linked to.
    Tracker,
    /// The conversation linked to this ticket, or that a back-office ticket came from.
    Conversation,
    /// The customer ticket a back-office ticket was raised from.
    OriginTicket,
}

#[derive(Debug, Serialize, ToSchema)]
struct LinkedObject {
    #[serde(rename = "type")]
    kind: LinkedKind,
    /// The linked ticket's or conversation's id (a ULID).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: String,
    link: LinkKind,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LinkedObjectList)]
struct LinkedObjects {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ListTag,
    data: Vec<LinkedObject>,
    total_count: usize,
    /// Always false: every link is in `data`.
    has_more: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Ticket)]
pub struct TicketResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: TicketTag,
    id: TicketId,
    /// The human number (#123), as a string like Intercom's; assigned by the server.
    #[schema(pattern = "^[0-9]+$")]
    ticket_id: Option<String>,
    /// The category of its type.
    category: CategoryName,
    /// Its type, without attributes and states (null only if the type is gone).
    ticket_type: Option<TicketTypeResource>,
    /// Attribute values by key: `_default_title_` and `_default_description_` are the title
    /// and description; the type's own attributes follow under their keys.
    ticket_attributes: BTreeMap<String, Value>,
    /// Its state (null only if the state is gone).
    ticket_state: Option<StateResource>,
    /// False once closed.
    open: bool,
    /// Shared with the customer.
    is_shared: bool,
    /// When its snooze ends (Unix seconds); absent when it is not snoozed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    snoozed_until: Option<i64>,
    // Absent when unset, as Intercom leaves them out (its clients' types have no null there).
    /// The assigned teammate; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    admin_assignee_id: Option<TeammateId>,
    /// The assigned team; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    team_assignee_id: Option<TeamId>,
    contacts: ContactRefList,
    /// Its company; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    company_id: Option<CompanyId>,
    /// The brand its emails go out under.
    brand_id: BrandId,
    /// The tracker ticket it is linked to; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    tracker_id: Option<TicketId>,
    linked_objects: LinkedObjects,
    /// When it was created (Unix seconds).
    created_at: i64,
    /// When it last changed (Unix seconds).
    updated_at: i64,
    /// When it last had activity (Unix seconds).
    last_activity_at: i64,
}

/// Intercom's author types.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    /// A teammate.
    Admin,
    /// A customer.
    User,
    /// The system (rules and automations).
    Bot,
}

/// Who wrote or did a part of a ticket's or a conversation's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PartAuthor)]
pub struct AuthorResource {
    #[serde(rename = "type")]
    kind: AuthorKind,
    /// The teammate's or customer's id; null for the system.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
}

impl AuthorResource {
    pub fn of(author: Author) -> AuthorResource {
        let (kind, id) = match author {
            Author::Teammate(id) => (AuthorKind::Admin, Some(id.to_string())),
            Author::Contact(id) => (AuthorKind::User, Some(id.to_string())),
            Author::System => (AuthorKind::Bot, None),
        };
        AuthorResource { kind, id }
    }
}

/// What a timeline part records: Intercom's part types where it has one, our own otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartType {
    /// A reply customers see.
    Comment,
    /// An internal note.
    Note,
    TicketStateUpdated,
    Close,
    Open,
    /// Snoozed until a time (Intercom's `snoozed`).
    Snoozed,
    /// The snooze ran out (Intercom's `timer_unsnooze`).
    TimerUnsnooze,
    Assignment,
    TicketAttributeUpdated,
    ShareChanged,
    LinkChanged,
    BrandChanged,
    CustomersNotified,
    CrossPost,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TicketPart)]
pub struct PartResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: PartTag,
    id: PartId,
    part_type: PartType,
    /// The text of a comment, note or cross-post.
    body: Option<String>,
    author: AuthorResource,
    /// When it happened (Unix seconds).
    created_at: i64,
    /// Parts never change: the same as `created_at`.
    updated_at: i64,
    /// State changes: the category before.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    previous_ticket_state: Option<StateCategory>,
    /// State changes: the category after.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    ticket_state: Option<StateCategory>,
    /// Everything else the part records (state ids, values, links…), as the domain names it;
    /// absent when nothing.
    #[serde(skip_serializing_if = "Map::is_empty")]
    details: Map<String, Value>,
}

/// Intercom's part types where it has one; our own kind otherwise.
fn part_type(kind: &PartKind) -> PartType {
    match kind {
        PartKind::Reply { .. } => PartType::Comment,
        PartKind::Note { .. } => PartType::Note,
        PartKind::StateChanged { .. } => PartType::TicketStateUpdated,
        PartKind::Closed { .. } => PartType::Close,
        PartKind::Reopened => PartType::Open,
        PartKind::Snoozed { .. } => PartType::Snoozed,
        PartKind::SnoozeEnded => PartType::TimerUnsnooze,
        // Intercom records a teammate's unsnooze as the thread opening again.
        PartKind::Unsnoozed => PartType::Open,
        PartKind::AssignmentChanged { .. } => PartType::Assignment,
        PartKind::AttributeChanged { .. } => PartType::TicketAttributeUpdated,
        PartKind::ShareChanged { .. } => PartType::ShareChanged,
        PartKind::LinkChanged { .. } => PartType::LinkChanged,
        PartKind::BrandChanged { .. } => PartType::BrandChanged,
        PartKind::CustomersNotified { .. } => PartType::CustomersNotified,
        PartKind::CrossPost { .. } => PartType::CrossPost,
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
            link(LinkedKind::Ticket, tracker.to_string(), LinkKind::Tracker);
        }
        if let Some(conversation) = t.conversation {
            link(
                LinkedKind::Conversation,
                conversation.to_string(),
                LinkKind::Conversation,
            );
        }
        if let Some(origin) = t.origin_ticket {
            link(
                LinkedKind::Ticket,
                origin.to_string(),
                LinkKind::OriginTicket,
            );
        }
        TicketResource {
            kind: TicketTag::Tag,
            id: t.id,
            ticket_id: t.number.map(|n| n.to_string()),
            category: t.category.into(),
            ticket_type: self.types.get(&t.type_id).map(type_summary),
            ticket_attributes: attributes,
            ticket_state: self.state(t.state_id).map(ticket_state),
            open: t.open,
            is_shared: t.shared,
            snoozed_until: t.snoozed_until.map(secs),
            admin_assignee_id: t.assignee_teammate,
            team_assignee_id: t.assignee_team,
            contacts: ContactRefList {
                kind: ContactListTag::Tag,
                contacts: t
                    .contacts
                    .iter()
                    .map(|c| ContactRef {
                        kind: ContactTag::Tag,
                        id: *c,
                    })
                    .collect(),
            },
            company_id: t.company,
            brand_id: t.brand,
            tracker_id: t.tracker,
            linked_objects: LinkedObjects {
                kind: ListTag::Tag,
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
        let author = AuthorResource::of(p.author);
        let category = |id| self.state(id).map(|s: &TicketState| s.category);
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
            kind: PartTag::Tag,
            id: p.id,
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

type_tag!(CompanyTag = "company");
type_tag!(AdminTag = "admin");
type_tag!(AppTag = "app");

/// A contact with Intercom's fields. The email flags keep Intercom's defaults: this server
/// tracks neither bounces nor unsubscribes yet.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Contact)]
pub struct ContactResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ContactTag,
    id: ContactId,
    /// The workspace's id (as `/me`'s `app.id_code`).
    workspace_id: String,
    /// When the contact was created (Unix seconds).
    created_at: i64,
    /// When it last changed (Unix seconds): contacts do not change once created.
    updated_at: i64,
    role: ContactRole,
    name: String,
    email: String,
    /// Their company.
    company_id: Option<CompanyId>,
    /// Always false: unsubscribes are not tracked yet.
    unsubscribed_from_emails: bool,
    /// Always false: bounces are not tracked yet.
    has_hard_bounced: bool,
    /// Always false.
    marked_email_as_spam: bool,
    /// Their id in the team's own systems; absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    external_id: Option<String>,
}

/// A contact as the REST API shows it. Contacts do not change once created, and their ULID
/// holds when that was.
pub fn contact(c: &Contact, workspace_id: &str) -> ContactResource {
    let created_at = secs(c.id.0.timestamp_ms() as Millis);
    ContactResource {
        kind: ContactTag::Tag,
        id: c.id,
        workspace_id: workspace_id.to_owned(),
        created_at,
        updated_at: created_at,
        role: c.role,
        name: c.name.clone(),
        email: c.email.clone(),
        company_id: c.company,
        unsubscribed_from_emails: false,
        has_hard_bounced: false,
        marked_email_as_spam: false,
        external_id: c.external_id.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Company)]
pub struct CompanyResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: CompanyTag,
    id: CompanyId,
    name: String,
}

pub fn company(c: &Company) -> CompanyResource {
    CompanyResource {
        kind: CompanyTag::Tag,
        id: c.id,
        name: c.name.clone(),
    }
}

/// A teammate, as Intercom's admin: `role` says whether they are a workspace admin. The fields
/// of Intercom's admin that mean nothing here yet (away mode) have its defaults.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Admin)]
pub struct AdminResource {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: AdminTag,
    id: TeammateId,
    name: String,
    email: String,
    /// Admins change workspace settings, ticket types, states and teammates.
    role: Role,
    /// false: deactivated (left the team); cannot sign in or be given tickets.
    active: bool,
    /// Always null.
    job_title: Option<String>,
    /// Always false: no away mode yet.
    away_mode_enabled: bool,
    /// Always false.
    away_mode_reassign: bool,
    /// Whether they can work in the inbox: active teammates can.
    has_inbox_seat: bool,
    /// The teams they are in.
    team_ids: Vec<TeamId>,
}

pub fn teammate(t: &Teammate, teams: &[inbox_core::Team]) -> AdminResource {
    AdminResource {
        kind: AdminTag::Tag,
        id: t.id,
        name: t.name.clone(),
        email: t.email.clone(),
        role: t.role,
        active: t.active,
        job_title: None,
        away_mode_enabled: false,
        away_mode_reassign: false,
        has_inbox_seat: t.active,
        team_ids: teams
            .iter()
            .filter(|team| team.members.contains(&t.id))
            .map(|team| team.id)
            .collect(),
    }
}

/// The teammate a token speaks for, with the workspace (Intercom's `admins.identify()`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AdminWithApp)]
pub struct AdminWithApp {
    #[serde(flatten)]
    pub admin: AdminResource,
    /// Always false.
    pub email_verified: bool,
    pub app: App,
}

/// The workspace, as Intercom's app.
#[derive(Debug, Serialize, ToSchema)]
pub struct App {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: AppTag,
    /// The workspace's id.
    id_code: String,
    /// The default brand's name, if any.
    name: Option<String>,
    /// Always false.
    secure: bool,
    /// Always false.
    identity_verification: bool,
    /// Always `UTC`.
    timezone: String,
    /// Always `local`.
    region: String,
}

impl App {
    pub fn new(id_code: &str, name: Option<String>) -> App {
        App {
            kind: AppTag::Tag,
            id_code: id_code.to_owned(),
            name,
            secure: false,
            identity_verification: false,
            timezone: "UTC".into(),
            region: "local".into(),
        }
    }
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
            let name = serde_json::to_value(CategoryName::from(c)).unwrap();
            assert_eq!(parse_category(name.as_str().unwrap()), Some(c));
        }
    }

    #[test]
    fn seconds_round_down_even_before_1970() {
        assert_eq!(secs(1_999), 1);
        assert_eq!(secs(-1), -1);
    }
}
