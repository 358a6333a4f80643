//! Contacts, companies and teammates (Intercom's admins), with the Tickets tab of contact and
//! company profiles (R15) and the token an integration gets to sign its customer into the
//! Messenger API.

use axum::extract::{Path, State};
use axum::Json;
use inbox_core::{
    Company, CompanyId, Contact, ContactId, ContactRole, Role, Teammate as Member, TeammateId,
};
use inbox_sync::Record;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::resource::{
    self, AdminResource, AdminWithApp, App, Catalog, CompanyResource, ContactResource,
};
use super::search::{ticket_list, Page, Pagination, TicketList};
use super::{email_address, exists, new_id, parse_id, required_text};
use crate::auth::{self, Subject, TokenKind};
use crate::authority::now;
use crate::error::{Result, ServerError};
use crate::http::extract::{Body, Query};
use crate::http::openapi::{
    type_tag, AdminAuth, BadQuery, CompanyPath, Conflict, ContactPath, ExternalIdPath, Internal,
    JsonBody, NotFound, Rule, TeammateAuth, TeammatePath,
};
use crate::http::{AppState, Teammate};
use crate::storage::{Field, Filter, Kind, SqlValue};
use crate::workspace::Db;

const DEFAULT_PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 150;

/// Which page of contacts, or the one contact with an email.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Results per page, 1 to 150 (default 50).
    #[param(minimum = 1, maximum = 150)]
    per_page: Option<usize>,
    /// The id of the last entity of the previous page (`pages.next.starting_after`).
    starting_after: Option<String>,
    /// Only the contact with this email, any case (a list of zero or one, without `pages`).
    email: Option<String>,
}

/// Which page of companies.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompanyQuery {
    /// Results per page, 1 to 150 (default 50).
    #[param(minimum = 1, maximum = 150)]
    per_page: Option<usize>,
    /// The id of the last company of the previous page (`pages.next.starting_after`).
    starting_after: Option<String>,
    /// Companies have no email: 400 `invalid_query`.
    #[param(ignore)]
    email: Option<String>,
}

type_tag!(ListTag = "list");
type_tag!(PagesTag = "pages");
type_tag!(AdminListTag = "admin.list");
type_tag!(MessengerTokenTag = "messenger_token");

/// Where a page of a collection is: the next page, when there is one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pages {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: PagesTag,
    per_page: usize,
    /// The next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    next: Option<NextEntityPage>,
}

/// How to ask for the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextEntityPage {
    per_page: usize,
    /// Pass as `starting_after` for the next page: the id of this page's last entity.
    starting_after: String,
}

/// Contacts, in id order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ListTag,
    data: Vec<ContactResource>,
    /// Absent when finding by email.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pages: Option<Pages>,
}

/// Companies, in id order.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: ListTag,
    data: Vec<CompanyResource>,
    pages: Pages,
}

/// Every teammate.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminList {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: AdminListTag,
    admins: Vec<AdminResource>,
}

/// A customer's token for the Messenger API.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessengerToken {
    #[serde(rename = "type")]
    #[schema(inline)]
    kind: MessengerTokenTag,
    contact_id: ContactId,
    /// A bearer token for the Messenger API, shown only in this answer.
    token: String,
}

/// One page of a collection in id order, as Intercom's `list` with `pages.next`.
pub(super) fn page<T: DeserializeOwned, R>(
    db: &Db,
    kind: Kind,
    per_page: Option<usize>,
    starting_after: Option<&str>,
    render: impl Fn(&T) -> R,
) -> Result<(Vec<R>, Pages)> {
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ServerError::bad_request(
            "invalid_pagination",
            format!("`per_page` must be between 1 and {MAX_PER_PAGE}."),
        ));
    }
    let after = starting_after.unwrap_or("").trim();
    let mut rows = db.tx().list(kind, after, per_page + 1)?;
    let more = rows.len() > per_page;
    rows.truncate(per_page);
    let next = rows
        .last()
        .filter(|_| more)
        .map(|(last, _)| NextEntityPage {
            per_page,
            starting_after: last.clone(),
        });
    let data = rows
        .iter()
        .map(|(_, doc)| crate::workspace::parse::<T>(kind.as_str(), doc).map(|v| render(&v)))
        .collect::<Result<Vec<_>>>()?;
    let pages = Pages {
        kind: PagesTag::Tag,
        per_page,
        next,
    };
    Ok((data, pages))
}

/// The contact with `email`, any case. Contacts have no email index, so this reads them all;
/// fine for creating tickets and contacts, not for a hot path.
pub(crate) fn find_contact_by_email(db: &Db, email: &str) -> Result<Option<Contact>> {
    let email = email.trim();
    let all: Vec<Contact> = db.all(Kind::Contact)?;
    Ok(all
        .into_iter()
        .find(|c| c.email.eq_ignore_ascii_case(email)))
}

/// List contacts, or find one by email
#[utoipa::path(
    get,
    path = "/contacts",
    operation_id = "get_contacts",
    tag = "Contacts",
    security(("teammateToken" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "One page of contacts in id order, or the contact with `email` (zero or one).", body = ContactList),
        BadQuery, TeammateAuth, Internal,
    ),
)]
pub async fn contacts(
    State(state): State<AppState>,
    _: Teammate,
    Query(q): Query<ListQuery>,
) -> Result<Json<ContactList>> {
    let workspace = state.workspace_id.clone();
    let render = move |c: &Contact| resource::contact(c, &workspace);
    let list = state
        .read(move |db| match &q.email {
            Some(email) => {
                let found = find_contact_by_email(db, email)?;
                Ok((found.iter().map(render).collect(), None))
            }
            None => {
                let (data, pages) = page(
                    db,
                    Kind::Contact,
                    q.per_page,
                    q.starting_after.as_deref(),
                    render,
                )?;
                Ok((data, Some(pages)))
            }
        })
        .await?;
    Ok(Json(ContactList {
        kind: ListTag::Tag,
        data: list.0,
        pages: list.1,
    }))
}

/// The contact the team's own systems know as `external_id` (a 404 when none is).
pub(crate) fn contact_by_external_id(db: &Db, external_id: &str) -> Result<Contact> {
    let external_id = external_id.trim();
    let all: Vec<Contact> = db.all(Kind::Contact)?;
    all.into_iter()
        .find(|c| c.external_id.as_deref() == Some(external_id))
        .ok_or_else(|| crate::workspace::not_found("contact", external_id))
}

/// The contact with this external id
#[utoipa::path(
    get,
    path = "/contacts/find_by_external_id/{external_id}",
    operation_id = "get_contacts_find_by_external_id_external_id",
    tag = "Contacts",
    security(("teammateToken" = [])),
    params(ExternalIdPath),
    responses(
        (status = 200, description = "The contact.", body = ContactResource),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn contact_by_external(
    State(state): State<AppState>,
    _: Teammate,
    Path(external_id): Path<String>,
) -> Result<Json<ContactResource>> {
    let workspace = state.workspace_id.clone();
    let found = state
        .read(move |db| {
            let contact = contact_by_external_id(db, &external_id)?;
            Ok(resource::contact(&contact, &workspace))
        })
        .await?;
    Ok(Json(found))
}

fn contact_by_path(db: &Db, id: &str) -> Result<Contact> {
    let id: ContactId = parse_id("contact", id)?;
    db.require(Kind::Contact, "contact", &id.to_string())
}

fn company_by_path(db: &Db, id: &str) -> Result<Company> {
    let id: CompanyId = parse_id("company", id)?;
    db.require(Kind::Company, "company", &id.to_string())
}

/// Retrieve a contact
#[utoipa::path(
    get,
    path = "/contacts/{id}",
    operation_id = "get_contacts_id",
    tag = "Contacts",
    security(("teammateToken" = [])),
    params(ContactPath),
    responses(
        (status = 200, description = "The contact.", body = ContactResource),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn contact(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<ContactResource>> {
    let workspace = state.workspace_id.clone();
    let found = state
        .read(move |db| Ok(resource::contact(&contact_by_path(db, &id)?, &workspace)))
        .await?;
    Ok(Json(found))
}

fn email_taken(email: &str) -> ServerError {
    ServerError::Conflict {
        code: "email_taken",
        message: format!("{email} is already taken by another contact or teammate."),
    }
}

/// A new contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateContactRequest)]
pub struct CreateContactBody {
    /// Chosen by the client; made by the server when absent (409 `id_taken` when in use).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
    /// Their name; the email's user part when absent or blank.
    #[schema(max_length = 250)]
    name: Option<String>,
    /// Unique among contacts (409 `email_taken`); one the mailer can send to (400
    /// `invalid_email`).
    #[schema(format = Email, max_length = 254)]
    email: String,
    /// Their company.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    company_id: Option<String>,
    /// `user` (the default) or `lead` (400 `invalid_role` otherwise).
    #[schema(value_type = Option<ContactRole>)]
    role: Option<String>,
    /// Their id in the team's own systems: unique (409 `external_id_taken`).
    #[schema(max_length = 250)]
    external_id: Option<String>,
    /// Accepted for Intercom's clients and not kept (see the README's list).
    #[serde(default, rename = "phone")]
    _phone: Option<Value>,
    /// Accepted for Intercom's clients and not kept.
    #[serde(default, rename = "avatar")]
    _avatar: Option<Value>,
    /// Accepted for Intercom's clients and not kept.
    #[serde(default, rename = "signed_up_at")]
    _signed_up_at: Option<Value>,
    /// Accepted for Intercom's clients and not kept.
    #[serde(default, rename = "last_seen_at")]
    _last_seen_at: Option<Value>,
    /// Accepted for Intercom's clients and not kept.
    #[serde(default, rename = "owner_id")]
    _owner_id: Option<Value>,
    /// Accepted for Intercom's clients and not kept.
    #[serde(default, rename = "unsubscribed_from_emails")]
    _unsubscribed_from_emails: Option<Value>,
    /// Accepted for Intercom's clients and not kept.
    #[serde(default, rename = "custom_attributes")]
    _custom_attributes: Option<Value>,
}

/// Create a contact
#[utoipa::path(
    post,
    path = "/contacts",
    operation_id = "post_contacts",
    tag = "Contacts",
    security(("teammateToken" = [])),
    request_body = CreateContactBody,
    responses(
        (status = 200, description = "The new contact.", body = ContactResource),
        JsonBody, TeammateAuth, NotFound, Conflict, Rule, Internal,
    ),
)]
pub async fn create_contact(
    State(state): State<AppState>,
    _: Teammate,
    Body(body): Body<CreateContactBody>,
) -> Result<Json<ContactResource>> {
    let email = email_address(&body.email)?;
    let role = match body.role.as_deref().map(str::trim) {
        None => ContactRole::User,
        Some(role) => ContactRole::parse(role).ok_or_else(|| {
            ServerError::bad_request(
                "invalid_role",
                format!("\"{role}\" is not a contact role: use user or lead."),
            )
        })?,
    };
    let external_id = body
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    let workspace = state.workspace_id.clone();
    let created = state
        .write(move |db| {
            let now = now();
            if find_contact_by_email(db, &email)?.is_some() {
                return Err(email_taken(&email));
            }
            if let Some(external_id) = &external_id {
                if contact_by_external_id(db, external_id).is_ok() {
                    return Err(ServerError::Conflict {
                        code: "external_id_taken",
                        message: format!(
                            "Another contact already has the external id \"{external_id}\"."
                        ),
                    });
                }
            }
            let company = body
                .company_id
                .map(|c| company_by_path(db, &c).map(|c| c.id))
                .transpose()?;
            let name = match body.name.as_deref().map(str::trim) {
                Some(name) if !name.is_empty() => name.to_owned(),
                _ => email.split('@').next().unwrap_or(&email).to_owned(),
            };
            let contact = Contact {
                id: new_id(body.id.as_deref(), now, |id| exists(db, Kind::Contact, id))?,
                name,
                email,
                company,
                role,
                external_id,
            };
            contact.validate()?;
            db.put(Kind::Contact, &contact.id.to_string(), &contact)?;
            db.log(now, None, vec![Record::Contact(contact.clone())])?;
            Ok(resource::contact(&contact, &workspace))
        })
        .await?;
    Ok(Json(created))
}

/// The Tickets tab of a profile (R15): tickets matching `filter`, paged like a search.
async fn profile_tickets(
    state: AppState,
    q: Pagination,
    filter: impl FnOnce(&Db) -> Result<Filter> + Send + 'static,
) -> Result<Json<TicketList>> {
    let page = Page::of(&q)?;
    let list = state
        .read(move |db| {
            let filter = filter(db)?;
            ticket_list(db, &Catalog::load(db)?, &filter, page)
        })
        .await?;
    Ok(Json(list))
}

fn is(field: Field, id: String) -> Filter {
    Filter::Cmp {
        field,
        op: crate::storage::Op::Eq,
        value: SqlValue::Text(id),
    }
}

/// The contact's tickets (the Tickets tab of their profile), most recently updated first
#[utoipa::path(
    get,
    path = "/contacts/{id}/tickets",
    operation_id = "get_contacts_id_tickets",
    tag = "Contacts",
    security(("teammateToken" = [])),
    params(ContactPath, Pagination),
    responses(
        (status = 200, description = "One page of the contact's tickets.", body = TicketList),
        BadQuery, TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn contact_tickets(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
    Query(q): Query<Pagination>,
) -> Result<Json<TicketList>> {
    profile_tickets(state, q, move |db| {
        Ok(is(Field::Contact, contact_by_path(db, &id)?.id.to_string()))
    })
    .await
}

/// A customer token for the Messenger API, for an integration that signed the contact in
///
/// How an integration that has signed its customer in lets them see their tickets. Admins
/// only: the token reads everything the customer can.
#[utoipa::path(
    post,
    path = "/contacts/{id}/messenger_token",
    operation_id = "post_contacts_id_messenger_token",
    tag = "Contacts",
    security(("teammateToken" = [])),
    params(ContactPath),
    responses(
        (status = 200, description = "The token, shown only in this answer.", body = MessengerToken),
        AdminAuth, NotFound, Internal,
    ),
)]
pub async fn messenger_token(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
) -> Result<Json<MessengerToken>> {
    me.require_admin()?;
    let token = state
        .write(move |db| {
            let contact = contact_by_path(db, &id)?;
            let token = auth::issue(
                db,
                Subject::Contact(contact.id),
                TokenKind::Customer,
                None,
                now(),
            )?;
            Ok(MessengerToken {
                kind: MessengerTokenTag::Tag,
                contact_id: contact.id,
                token,
            })
        })
        .await?;
    Ok(Json(token))
}

/// List companies
#[utoipa::path(
    get,
    path = "/companies",
    operation_id = "get_companies",
    tag = "Companies",
    security(("teammateToken" = [])),
    params(CompanyQuery),
    responses(
        (status = 200, description = "One page of companies in id order.", body = CompanyList),
        BadQuery, TeammateAuth, Internal,
    ),
)]
pub async fn companies(
    State(state): State<AppState>,
    _: Teammate,
    Query(q): Query<CompanyQuery>,
) -> Result<Json<CompanyList>> {
    if q.email.is_some() {
        return Err(ServerError::bad_request(
            "invalid_query",
            "Companies have no email to filter by.",
        ));
    }
    let (data, pages) = state
        .read(move |db| {
            page(
                db,
                Kind::Company,
                q.per_page,
                q.starting_after.as_deref(),
                resource::company,
            )
        })
        .await?;
    Ok(Json(CompanyList {
        kind: ListTag::Tag,
        data,
        pages,
    }))
}

/// Retrieve a company
#[utoipa::path(
    get,
    path = "/companies/{id}",
    operation_id = "get_companies_id",
    tag = "Companies",
    security(("teammateToken" = [])),
    params(CompanyPath),
    responses(
        (status = 200, description = "The company.", body = CompanyResource),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn company(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<CompanyResource>> {
    let found = state
        .read(move |db| Ok(resource::company(&company_by_path(db, &id)?)))
        .await?;
    Ok(Json(found))
}

/// A new company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateCompanyRequest)]
pub struct CreateCompanyBody {
    /// Chosen by the client; made by the server when absent (409 `id_taken` when in use).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
    /// Its name (not blank: 400 `missing_field`).
    #[schema(min_length = 1, max_length = 250, pattern = "\\S")]
    name: String,
    /// Intercom's other company fields (its `createOrUpdate`): accepted and not kept yet (see
    /// the README's list).
    #[serde(default, rename = "company_id")]
    _company_id: Option<Value>,
    #[serde(default, rename = "plan")]
    _plan: Option<Value>,
    #[serde(default, rename = "size")]
    _size: Option<Value>,
    #[serde(default, rename = "website")]
    _website: Option<Value>,
    #[serde(default, rename = "industry")]
    _industry: Option<Value>,
    #[serde(default, rename = "custom_attributes")]
    _custom_attributes: Option<Value>,
    #[serde(default, rename = "remote_created_at")]
    _remote_created_at: Option<Value>,
    #[serde(default, rename = "monthly_spend")]
    _monthly_spend: Option<Value>,
}

/// Create a company
#[utoipa::path(
    post,
    path = "/companies",
    operation_id = "post_companies",
    tag = "Companies",
    security(("teammateToken" = [])),
    request_body = CreateCompanyBody,
    responses(
        (status = 200, description = "The new company.", body = CompanyResource),
        JsonBody, TeammateAuth, Conflict, Rule, Internal,
    ),
)]
pub async fn create_company(
    State(state): State<AppState>,
    _: Teammate,
    Body(body): Body<CreateCompanyBody>,
) -> Result<Json<CompanyResource>> {
    let name = required_text("name", &body.name)?;
    let created = state
        .write(move |db| {
            let now = now();
            let company = Company {
                id: new_id(body.id.as_deref(), now, |id| exists(db, Kind::Company, id))?,
                name,
            };
            company.validate()?;
            db.put(Kind::Company, &company.id.to_string(), &company)?;
            db.log(now, None, vec![Record::Company(company.clone())])?;
            Ok(resource::company(&company))
        })
        .await?;
    Ok(Json(created))
}

/// The company's tickets (the Tickets tab of its profile), most recently updated first
#[utoipa::path(
    get,
    path = "/companies/{id}/tickets",
    operation_id = "get_companies_id_tickets",
    tag = "Companies",
    security(("teammateToken" = [])),
    params(CompanyPath, Pagination),
    responses(
        (status = 200, description = "One page of the company's tickets.", body = TicketList),
        BadQuery, TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn company_tickets(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
    Query(q): Query<Pagination>,
) -> Result<Json<TicketList>> {
    profile_tickets(state, q, move |db| {
        Ok(is(Field::Company, company_by_path(db, &id)?.id.to_string()))
    })
    .await
}

/// List teammates
///
/// A workspace has few, so all of them at once.
#[utoipa::path(
    get,
    path = "/teammates",
    operation_id = "get_teammates",
    tag = "Teammates",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "Every teammate.", body = AdminList),
        TeammateAuth, Internal,
    ),
)]
pub async fn teammates(state: State<AppState>, me: Teammate) -> Result<Json<AdminList>> {
    all_teammates(state, me).await
}

/// List teammates (Intercom's name for them)
///
/// The same as `GET /teammates`: Intercom calls teammates admins, and its users look for them
/// here.
#[utoipa::path(
    get,
    path = "/admins",
    operation_id = "get_admins",
    tag = "Teammates",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "Every teammate.", body = AdminList),
        TeammateAuth, Internal,
    ),
)]
pub async fn admins(state: State<AppState>, me: Teammate) -> Result<Json<AdminList>> {
    all_teammates(state, me).await
}

async fn all_teammates(State(state): State<AppState>, _: Teammate) -> Result<Json<AdminList>> {
    let all = state
        .read(|db| {
            let all: Vec<Member> = db.all(Kind::Teammate)?;
            let teams: Vec<inbox_core::Team> = db.all(Kind::Team)?;
            Ok(all
                .iter()
                .map(|t| resource::teammate(t, &teams))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(AdminList {
        kind: AdminListTag::Tag,
        admins: all,
    }))
}

/// A new teammate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateTeammateRequest)]
pub struct CreateTeammateBody {
    /// Chosen by the client; made by the server when absent (409 `id_taken` when in use).
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    id: Option<String>,
    /// Their name (not blank: 400 `missing_field`).
    #[schema(min_length = 1, max_length = 250, pattern = "\\S")]
    name: String,
    /// Unique among teammates (409 `email_taken`); one the mailer can send to (400
    /// `invalid_email`).
    #[schema(format = Email, max_length = 254)]
    email: String,
    /// `admin` or `teammate` (the default); 400 `invalid_role` otherwise.
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
}

/// Add a teammate
#[utoipa::path(
    post,
    path = "/teammates",
    operation_id = "post_teammates",
    tag = "Teammates",
    security(("teammateToken" = [])),
    request_body = CreateTeammateBody,
    responses(
        (status = 200, description = "The new teammate.", body = AdminResource),
        JsonBody, AdminAuth, Conflict, Rule, Internal,
    ),
)]
pub async fn create_teammate(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateTeammateBody>,
) -> Result<Json<AdminResource>> {
    me.require_admin()?;
    let name = required_text("name", &body.name)?;
    let email = email_address(&body.email)?;
    let role = match body.role.as_deref() {
        None => Role::Teammate,
        Some(role) => parse_role(role)?,
    };
    let created = state
        .write(move |db| {
            let now = now();
            let all: Vec<Member> = db.all(Kind::Teammate)?;
            if all.iter().any(|t| t.email.eq_ignore_ascii_case(&email)) {
                return Err(email_taken(&email));
            }
            let teammate = Member {
                id: new_id::<TeammateId>(body.id.as_deref(), now, |id| {
                    exists(db, Kind::Teammate, id)
                })?,
                name,
                email,
                role,
                active: true,
            };
            let change = inbox_core::AdminChange::SaveTeammate(teammate);
            let saved = crate::authority::save_settings(db, &change, &me.0, now)?;
            Ok(resource::teammate(
                &saved.teammates[0],
                &db.all(Kind::Team)?,
            ))
        })
        .await?;
    Ok(Json(created))
}

/// Changes to a teammate; fields left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateTeammateRequest)]
pub struct UpdateTeammateBody {
    /// Their name (not blank).
    #[schema(min_length = 1, max_length = 250)]
    name: Option<String>,
    /// Unique among teammates; one the mailer can send to (400 `invalid_email`).
    #[schema(format = Email, max_length = 254)]
    email: Option<String>,
    /// 400 `invalid_role` for another.
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
    /// false deactivates the teammate: signed out everywhere, API tokens revoked; true
    /// reactivates them.
    active: Option<bool>,
}

/// Rename, change the role of, deactivate or reactivate a teammate (deactivating signs them out everywhere)
///
/// By the same rules as the app's settings: the last active admin stays one (422).
#[utoipa::path(
    put,
    path = "/teammates/{id}",
    operation_id = "put_teammates_id",
    tag = "Teammates",
    security(("teammateToken" = [])),
    params(TeammatePath),
    request_body = UpdateTeammateBody,
    responses(
        (status = 200, description = "The teammate, updated.", body = AdminResource),
        JsonBody, AdminAuth, NotFound, Rule, Internal,
    ),
)]
pub async fn update_teammate(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
    Body(body): Body<UpdateTeammateBody>,
) -> Result<Json<AdminResource>> {
    me.require_admin()?;
    let id: TeammateId = parse_id("teammate", &id)?;
    let role = body.role.as_deref().map(parse_role).transpose()?;
    let email = body.email.as_deref().map(email_address).transpose()?;
    let saved = state
        .write(move |db| {
            let current: Member = db.require(Kind::Teammate, "teammate", &id.to_string())?;
            let teammate = Member {
                name: body.name.unwrap_or(current.name.clone()),
                email: email.unwrap_or(current.email.clone()),
                role: role.unwrap_or(current.role),
                active: body.active.unwrap_or(current.active),
                ..current
            };
            let change = inbox_core::AdminChange::SaveTeammate(teammate);
            let saved = crate::authority::save_settings(db, &change, &me.0, now())?;
            Ok(resource::teammate(
                &saved.teammates[0],
                &db.all(Kind::Team)?,
            ))
        })
        .await?;
    state.auth_changed();
    Ok(Json(saved))
}

fn parse_role(role: &str) -> Result<Role> {
    Role::parse(role.trim()).ok_or_else(|| {
        ServerError::bad_request(
            "invalid_role",
            format!("\"{role}\" is not a role: use admin or teammate."),
        )
    })
}

/// The teammate the token speaks for, with the workspace (Intercom: identify an admin)
///
/// How an integration learns its admin id (Intercom's `admins.identify()`).
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "get_me",
    tag = "Teammates",
    security(("teammateToken" = [])),
    responses(
        (status = 200, description = "The teammate, with `app`: the workspace.", body = AdminWithApp),
        TeammateAuth, Internal,
    ),
)]
pub async fn me(
    State(state): State<AppState>,
    Teammate(me): Teammate,
) -> Result<Json<AdminWithApp>> {
    let workspace = state.workspace_id.clone();
    let answer = state
        .read(move |db| {
            let teams: Vec<inbox_core::Team> = db.all(Kind::Team)?;
            let brand = inbox_core::Workspace::default_brand(db)
                .ok()
                .and_then(|id| inbox_core::Workspace::brand(db, id).ok().flatten());
            Ok(AdminWithApp {
                admin: resource::teammate(&me, &teams),
                email_verified: false,
                app: App::new(&workspace, brand.map(|b| b.name)),
            })
        })
        .await?;
    Ok(Json(answer))
}
