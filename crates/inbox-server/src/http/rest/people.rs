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
use serde::Deserialize;
use serde_json::{json, Value};

use super::resource::{self, Catalog};
use super::search::{ticket_list, Page, Pagination, TicketList};
use super::{email_address, exists, new_id, parse_id, required_text};
use crate::auth::{self, Subject, TokenKind};
use crate::authority::now;
use crate::error::{Result, ServerError};
use crate::http::extract::{Body, Query};
use crate::http::{AppState, Teammate};
use crate::storage::{Field, Filter, Kind, SqlValue};
use crate::workspace::Db;

const DEFAULT_PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 150;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    per_page: Option<usize>,
    /// The id of the last entity of the previous page (`pages.next.starting_after`).
    starting_after: Option<String>,
    /// Contacts only: the contact with this email.
    email: Option<String>,
}

/// One page of a collection in id order, as Intercom's `list` with `pages.next`.
fn page<T: DeserializeOwned>(
    db: &Db,
    kind: Kind,
    q: &ListQuery,
    render: impl Fn(&T) -> Value,
) -> Result<Value> {
    let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ServerError::bad_request(
            "invalid_pagination",
            format!("`per_page` must be between 1 and {MAX_PER_PAGE}."),
        ));
    }
    let after = q.starting_after.as_deref().unwrap_or("").trim();
    let mut rows = db.tx().list(kind, after, per_page + 1)?;
    let more = rows.len() > per_page;
    rows.truncate(per_page);
    let mut pages = json!({ "type": "pages", "per_page": per_page });
    if more {
        if let Some((last, _)) = rows.last() {
            pages["next"] = json!({ "per_page": per_page, "starting_after": last });
        }
    }
    let data = rows
        .iter()
        .map(|(_, doc)| crate::workspace::parse::<T>(kind.as_str(), doc).map(|v| render(&v)))
        .collect::<Result<Vec<_>>>()?;
    Ok(json!({ "type": "list", "data": data, "pages": pages }))
}

/// The contact with `email`, any case. Contacts have no email index, so this reads them all;
/// fine for creating tickets and contacts, not for a hot path.
pub(super) fn find_contact_by_email(db: &Db, email: &str) -> Result<Option<Contact>> {
    let email = email.trim();
    let all: Vec<Contact> = db.all(Kind::Contact)?;
    Ok(all
        .into_iter()
        .find(|c| c.email.eq_ignore_ascii_case(email)))
}

/// `GET /contacts`, or with `?email=` the contact with that email (a list of zero or one).
pub async fn contacts(
    State(state): State<AppState>,
    _: Teammate,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>> {
    let workspace = state.workspace_id.clone();
    let render = move |c: &Contact| resource::contact(c, &workspace);
    let list = state
        .read(move |db| match &q.email {
            Some(email) => {
                let found = find_contact_by_email(db, email)?;
                Ok(resource::list(found.iter().map(render).collect()))
            }
            None => page(db, Kind::Contact, &q, render),
        })
        .await?;
    Ok(Json(list))
}

/// The contact the team's own systems know as `external_id` (a 404 when none is).
pub(super) fn contact_by_external_id(db: &Db, external_id: &str) -> Result<Contact> {
    let external_id = external_id.trim();
    let all: Vec<Contact> = db.all(Kind::Contact)?;
    all.into_iter()
        .find(|c| c.external_id.as_deref() == Some(external_id))
        .ok_or_else(|| crate::workspace::not_found("contact", external_id))
}

/// `GET /contacts/find_by_external_id/{external_id}`, as Intercom's.
pub async fn contact_by_external(
    State(state): State<AppState>,
    _: Teammate,
    Path(external_id): Path<String>,
) -> Result<Json<Value>> {
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

pub async fn contact(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateContactBody {
    id: Option<String>,
    name: Option<String>,
    email: String,
    company_id: Option<String>,
    /// `user` (the default) or `lead`.
    role: Option<String>,
    external_id: Option<String>,
    /// Accepted for Intercom's clients and not kept (see the README's list).
    #[serde(default, rename = "phone")]
    _phone: Option<Value>,
    #[serde(default, rename = "avatar")]
    _avatar: Option<Value>,
    #[serde(default, rename = "signed_up_at")]
    _signed_up_at: Option<Value>,
    #[serde(default, rename = "last_seen_at")]
    _last_seen_at: Option<Value>,
    #[serde(default, rename = "owner_id")]
    _owner_id: Option<Value>,
    #[serde(default, rename = "unsubscribed_from_emails")]
    _unsubscribed_from_emails: Option<Value>,
    #[serde(default, rename = "custom_attributes")]
    _custom_attributes: Option<Value>,
}

pub async fn create_contact(
    State(state): State<AppState>,
    _: Teammate,
    Body(body): Body<CreateContactBody>,
) -> Result<Json<Value>> {
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

/// `POST /contacts/{id}/messenger_token`: a customer token for the Messenger API, which is how
/// an integration that has signed its customer in lets them see their tickets.
/// `POST /contacts/{id}/messenger_token`: a token that speaks for the customer in the
/// Messenger API. Admins only: it reads everything the customer can.
pub async fn messenger_token(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
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
            Ok(json!({
                "type": "messenger_token",
                "contact_id": contact.id.to_string(),
                "token": token,
            }))
        })
        .await?;
    Ok(Json(token))
}

pub async fn companies(
    State(state): State<AppState>,
    _: Teammate,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>> {
    if q.email.is_some() {
        return Err(ServerError::bad_request(
            "invalid_query",
            "Companies have no email to filter by.",
        ));
    }
    let list = state
        .read(move |db| page(db, Kind::Company, &q, resource::company))
        .await?;
    Ok(Json(list))
}

pub async fn company(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    let found = state
        .read(move |db| Ok(resource::company(&company_by_path(db, &id)?)))
        .await?;
    Ok(Json(found))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCompanyBody {
    id: Option<String>,
    name: String,
}

pub async fn create_company(
    State(state): State<AppState>,
    _: Teammate,
    Body(body): Body<CreateCompanyBody>,
) -> Result<Json<Value>> {
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

/// `GET /teammates` (and `/admins`): a workspace has few, so all of them at once.
pub async fn teammates(State(state): State<AppState>, _: Teammate) -> Result<Json<Value>> {
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
    Ok(Json(json!({ "type": "admin.list", "admins": all })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTeammateBody {
    id: Option<String>,
    name: String,
    email: String,
    /// `admin` or `teammate` (the default).
    role: Option<String>,
}

pub async fn create_teammate(
    State(state): State<AppState>,
    me: Teammate,
    Body(body): Body<CreateTeammateBody>,
) -> Result<Json<Value>> {
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeammateBody {
    name: Option<String>,
    email: Option<String>,
    role: Option<String>,
    /// false deactivates the teammate: signed out everywhere, API tokens revoked.
    active: Option<bool>,
}

/// `PUT /teammates/{id}`: an admin renames, changes the role of, deactivates or reactivates a
/// teammate, by the same rules as the app's settings.
pub async fn update_teammate(
    State(state): State<AppState>,
    me: Teammate,
    Path(id): Path<String>,
    Body(body): Body<UpdateTeammateBody>,
) -> Result<Json<Value>> {
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

/// `GET /me`: the teammate the token speaks for, with the workspace (Intercom's
/// `admins.identify()`, how an integration learns its admin id).
pub async fn me(State(state): State<AppState>, Teammate(me): Teammate) -> Result<Json<Value>> {
    let workspace = state.workspace_id.clone();
    let answer = state
        .read(move |db| {
            let teams: Vec<inbox_core::Team> = db.all(Kind::Team)?;
            let brand = inbox_core::Workspace::default_brand(db)
                .ok()
                .and_then(|id| inbox_core::Workspace::brand(db, id).ok().flatten());
            let mut admin = resource::teammate(&me, &teams);
            admin["email_verified"] = json!(false);
            admin["app"] = json!({
                "type": "app",
                "id_code": &*workspace,
                "name": brand.map(|b| b.name),
                "secure": false,
                "identity_verification": false,
                "timezone": "UTC",
                "region": "local",
            });
            Ok(admin)
        })
        .await?;
    Ok(Json(answer))
}
