//! How a customer signs in to the Messenger page: the signed link of an email, a one-time code
//! sent to their address, or the identity an embedding site vouches for with an HMAC. Each
//! ends in a customer session token, which stops working on sign-out or after the idle time.
//! The proofs themselves are checked by `inbox_core::customer_identity`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use inbox_core::customer_identity::{
    self as identity, ClaimedIdentity, SignedError, MESSENGER_LINK_DAYS, SIGN_IN_CODE_MILLIS,
    SIGN_IN_CODE_TRIES,
};
use inbox_core::email::{logo_src, render_sign_in_code, Links};
use inbox_core::limits::{line, MAX_EMAIL, MAX_NAME};
use inbox_core::notify::Thread;
use inbox_core::{Brand, BrandId, Contact, ContactId, ConversationId, Millis, TicketId, Workspace};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Body, ClientAddress, Query};
use super::openapi::{
    BadQuery, CustomerAuth, CustomerSignInRefused, Internal, JsonBody, Rule, SignInThrottled,
};
use super::rest::{contact_by_email, contact_by_external_id, find_contact_by_email};
use super::{AppState, Customer};
use crate::auth::{self, Subject, TokenKind};
use crate::authority::{now, random};
use crate::error::{Result, ServerError};
use crate::notifications::queue_account_email;
use crate::storage::Kind;
use crate::workspace::Db;

/// A brand as the Messenger page shows it.
#[derive(Serialize, ToSchema)]
pub struct MessengerBrand {
    id: BrandId,
    name: String,
    /// `#rrggbb`.
    color: String,
    /// An image URL a browser shows (the server's PNG of an inline logo).
    logo_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessengerConfig {
    brand: MessengerBrand,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfigQuery {
    /// The brand's id; the workspace's default brand when absent or unknown.
    brand: Option<String>,
}

/// The brand the Messenger page shows
#[utoipa::path(
    get,
    path = "/messenger/config",
    operation_id = "get_messenger_config",
    tag = "Messenger",
    params(ConfigQuery),
    responses(
        (status = 200, description = "The brand's name, colour and logo.", body = MessengerConfig),
        BadQuery, Internal,
    ),
)]
pub async fn config(
    State(state): State<AppState>,
    Query(q): Query<ConfigQuery>,
) -> Result<Json<MessengerConfig>> {
    let public_url = state.email.public_url.clone();
    let brand = state
        .read(move |db| brand_or_default(db, q.brand.as_deref()))
        .await?;
    Ok(Json(MessengerConfig {
        brand: MessengerBrand {
            id: brand.id,
            color: brand.color_or_default().to_owned(),
            logo_url: logo_src(&brand, &public_url),
            name: brand.name,
        },
    }))
}

fn brand_or_default(db: &Db, id: Option<&str>) -> Result<Brand> {
    if let Some(brand) = id.and_then(|id| id.parse::<BrandId>().ok()) {
        if let Some(brand) = db.brand(brand)? {
            return Ok(brand);
        }
    }
    let default = db.default_brand()?;
    db.brand(default)?
        .ok_or_else(|| crate::workspace::not_found("brand", &default.to_string()))
}

/// The customer, as they see themselves.
#[derive(Serialize, ToSchema)]
pub struct SessionContact {
    id: ContactId,
    name: String,
    email: String,
}

impl From<&Contact> for SessionContact {
    fn from(c: &Contact) -> Self {
        SessionContact {
            id: c.id,
            name: c.name.clone(),
            email: c.email.clone(),
        }
    }
}

/// What a signed link opens.
#[derive(Serialize, ToSchema)]
pub struct SessionThread {
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<TicketId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation: Option<ConversationId>,
}

/// A new Messenger session.
#[derive(Serialize, ToSchema)]
pub struct MessengerSession {
    /// Send it as `Authorization: Bearer TOKEN`; shown only in this answer.
    token: String,
    /// When the session ends if it is not used before (each use moves it on). Milliseconds
    /// since 1970.
    #[schema(value_type = i64)]
    expires_at: Millis,
    contact: SessionContact,
    /// The ticket or conversation a link opens, when the customer may still see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    thread: Option<SessionThread>,
}

fn session(
    state: &AppState,
    db: &Db,
    contact: &Contact,
    thread: Option<Thread>,
) -> Result<MessengerSession> {
    let at = now();
    let token = auth::issue(
        db,
        Subject::Contact(contact.id),
        TokenKind::Customer,
        None,
        at,
    )?;
    Ok(MessengerSession {
        token,
        expires_at: at + state.limits.session_idle.as_millis() as Millis,
        contact: contact.into(),
        thread: thread.map(|t| SessionThread {
            ticket: t.ticket(),
            conversation: match t {
                Thread::Conversation(c) => Some(c),
                Thread::Ticket(_) => None,
            },
        }),
    })
}

/// A signed link from a customer email.
#[derive(Deserialize, ToSchema)]
#[schema(as = MessengerLinkSignIn)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// The `link` parameter of the email's "View in Messenger" address.
    #[schema(max_length = 200)]
    token: String,
}

/// Sign in with the link of a customer email
#[utoipa::path(
    post,
    path = "/messenger/session/link",
    operation_id = "post_messenger_session_link",
    tag = "Messenger",
    request_body = LinkBody,
    responses(
        (status = 200, description = "A session, and the ticket or conversation the link opens.", body = MessengerSession),
        JsonBody, CustomerSignInRefused, Rule, Internal,
    ),
)]
pub async fn link(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(body): Body<LinkBody>,
) -> Result<Json<MessengerSession>> {
    line("link", &body.token, identity::MAX_LINK_TOKEN)?;
    let _check = state.customer_sign_ins.admit("", &address).await?;
    let refused = |e: SignedError| ServerError::NotVerified {
        code: "invalid_link",
        message: match e {
            SignedError::Forged => {
                "This link is not one of ours; open the Messenger and sign in with your email."
            }
            SignedError::Expired => {
                "This link has expired; open the Messenger and sign in with your email."
            }
        }
        .into(),
    };
    let secret = state.email.secret.clone();
    let (contact, about) =
        identity::verify_messenger_link(&body.token, &secret, now(), MESSENGER_LINK_DAYS)
            .map_err(refused)?;
    let s = state.clone();
    let signed_in = state
        .write(move |db| {
            let contact: Contact = db
                .get(Kind::Contact, &contact.to_string())?
                .ok_or(refused(SignedError::Forged))?;
            let visible = match about {
                Thread::Ticket(id) => db
                    .ticket(id)
                    .is_ok_and(|t| t.shared && t.contacts.contains(&contact.id)),
                Thread::Conversation(id) => {
                    db.conversation(id).is_ok_and(|c| c.contact == contact.id)
                }
            };
            session(&s, db, &contact, visible.then_some(about))
        })
        .await?;
    Ok(Json(signed_in))
}

/// Who asks for a sign-in code.
#[derive(Deserialize, ToSchema)]
#[schema(as = MessengerCodeRequest)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    #[schema(max_length = 254)]
    email: String,
}

/// The code is on its way (if the address is a customer's).
#[derive(Serialize, ToSchema)]
pub struct CodeSent {
    sent: bool,
}

/// A code a customer asked for, as stored: its hash only.
#[derive(Serialize, Deserialize)]
struct StoredCode {
    contact: ContactId,
    hash: String,
    expires_at: Millis,
    tries_left: u32,
}

/// Email me a sign-in code
///
/// The answer is the same whether or not the address belongs to a customer: it tells nobody
/// who is one.
#[utoipa::path(
    post,
    path = "/messenger/session/code",
    operation_id = "post_messenger_session_code",
    tag = "Messenger",
    request_body = CodeRequest,
    responses(
        (status = 202, description = "A code was sent if the address is a customer's.", body = CodeSent),
        JsonBody, SignInThrottled, Rule, Internal,
    ),
)]
pub async fn code(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(body): Body<CodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>)> {
    line("email", &body.email, MAX_EMAIL)?;
    let email = body.email.trim().to_lowercase();
    // Each request counts against its address, and against the account as a failure, so
    // nobody can flood one customer's mailbox.
    let _check = state.customer_sign_ins.admit(&email, &address).await?;
    state.customer_sign_ins.record(&email, false);
    let (secret, public_url) = (state.email.secret.clone(), state.email.public_url.clone());
    let from = state.email.from_address.clone();
    // Looking the address up reads every contact: done in a read, so an unknown address (the
    // case anyone can cause) never holds the workspace's write lock.
    let lookup = email.clone();
    let Some(contact) = state
        .read(move |db| find_contact_by_email(db, &lookup))
        .await?
    else {
        return Ok((StatusCode::ACCEPTED, Json(CodeSent { sent: true })));
    };
    state
        .write(move |db| {
            let at = now();
            let code = identity::sign_in_code(random() as u64);
            let stored = StoredCode {
                contact: contact.id,
                hash: identity::sign_in_code_hash(&email, &code, &secret),
                expires_at: at + SIGN_IN_CODE_MILLIS,
                tries_left: SIGN_IN_CODE_TRIES,
            };
            db.put(Kind::SignInCode, &email, &stored)?;
            let brand = brand_or_default(db, None)?;
            let links = Links {
                reply_to: from,
                logo: logo_src(&brand, &public_url),
                messenger: None,
            };
            let rendered = render_sign_in_code(&brand, &contact, &code, links);
            queue_account_email(db, contact.id, rendered, at, random())
        })
        .await?;
    Ok((StatusCode::ACCEPTED, Json(CodeSent { sent: true })))
}

/// A code from the sign-in email.
#[derive(Deserialize, ToSchema)]
#[schema(as = MessengerCodeSignIn)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    #[schema(max_length = 254)]
    email: String,
    #[schema(max_length = 20)]
    code: String,
}

/// Sign in with the emailed code
#[utoipa::path(
    post,
    path = "/messenger/session/verify",
    operation_id = "post_messenger_session_verify",
    tag = "Messenger",
    request_body = VerifyBody,
    responses(
        (status = 200, description = "A session.", body = MessengerSession),
        JsonBody, CustomerSignInRefused, Rule, Internal,
    ),
)]
pub async fn verify(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(body): Body<VerifyBody>,
) -> Result<Json<MessengerSession>> {
    line("email", &body.email, MAX_EMAIL)?;
    line("code", &body.code, identity::MAX_CODE)?;
    let email = body.email.trim().to_lowercase();
    let _check = state.customer_sign_ins.admit(&email, &address).await?;
    let secret = state.email.secret.clone();
    let s = state.clone();
    let key = email.clone();
    let signed_in = state
        .write(move |db| {
            let Some(mut stored) = db.get::<StoredCode>(Kind::SignInCode, &key)? else {
                return Ok(None);
            };
            let at = now();
            let right = identity::sign_in_code_hash(&key, &body.code, &secret) == stored.hash;
            if at > stored.expires_at || (!right && stored.tries_left <= 1) {
                db.tx().delete(Kind::SignInCode, &key)?;
                return Ok(None);
            }
            if !right {
                stored.tries_left -= 1;
                db.put(Kind::SignInCode, &key, &stored)?;
                return Ok(None);
            }
            db.tx().delete(Kind::SignInCode, &key)?;
            let contact: Contact =
                db.require(Kind::Contact, "contact", &stored.contact.to_string())?;
            session(&s, db, &contact, None).map(Some)
        })
        .await?;
    state.customer_sign_ins.record(&email, signed_in.is_some());
    signed_in.map(Json).ok_or_else(|| ServerError::NotVerified {
        code: "invalid_code",
        message: "That code is not right or has expired; ask for a new one.".into(),
    })
}

/// Who the embedding site says its signed-in user is.
#[derive(Deserialize, ToSchema)]
#[schema(as = MessengerIdentify)]
#[serde(deny_unknown_fields)]
pub struct IdentifyBody {
    /// The user's id in the company's systems (the contact's external id).
    #[schema(max_length = 250)]
    user_id: Option<String>,
    #[schema(max_length = 254)]
    email: Option<String>,
    /// Used when the contact is new.
    #[schema(max_length = 250)]
    name: Option<String>,
    /// Hex HMAC-SHA256 of `user_id` (or of `email` without one), keyed with the workspace's
    /// identity verification secret (`inbox-server messenger-secret`).
    #[schema(max_length = 128)]
    user_hash: String,
}

/// Sign in as the embedding site's verified user
///
/// Intercom's identity verification: the company's server computes `user_hash` with the
/// workspace's secret, so nobody can claim another user's id or email. A user seen for the
/// first time becomes a contact.
#[utoipa::path(
    post,
    path = "/messenger/session/identify",
    operation_id = "post_messenger_session_identify",
    tag = "Messenger",
    request_body = IdentifyBody,
    responses(
        (status = 200, description = "A session.", body = MessengerSession),
        JsonBody, CustomerSignInRefused,
        (status = 422, description = "A field is too long or holds control characters (`text_too_long`…), or a user seen for the first time comes without a valid email (`email_required`, `invalid_email`).", body = crate::error::ErrorList),
        Internal,
    ),
)]
pub async fn identify(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(body): Body<IdentifyBody>,
) -> Result<Json<MessengerSession>> {
    let trimmed = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let claim = ClaimedIdentity {
        user_id: trimmed(body.user_id),
        email: trimmed(body.email),
        user_hash: body.user_hash,
    };
    claim.validate()?;
    let name = trimmed(body.name);
    line("name", name.as_deref().unwrap_or(""), MAX_NAME)?;
    let account = claim
        .user_id
        .clone()
        .or(claim.email.clone())
        .unwrap_or_default();
    let _check = state.customer_sign_ins.admit(&account, &address).await?;
    let verified =
        identity::verify_identity(&claim, &identity::identity_secret(&state.email.secret));
    state.customer_sign_ins.record(&account, verified);
    if !verified {
        return Err(ServerError::NotVerified {
            code: "identity_verification_failed",
            message: "The user hash does not match: it must be the HMAC-SHA256 of the user id (or email) made with this workspace's identity secret.".into(),
        });
    }
    let s = state.clone();
    let signed_in = state
        .write(move |db| {
            let contact = identified_contact(db, &claim, name.as_deref())?;
            session(&s, db, &contact, None)
        })
        .await?;
    Ok(Json(signed_in))
}

/// The contact a verified identity names: by user id first, then by email (which then learns
/// its user id); a new contact when neither is known.
fn identified_contact(db: &Db, claim: &ClaimedIdentity, name: Option<&str>) -> Result<Contact> {
    if let Some(user_id) = &claim.user_id {
        if let Ok(contact) = contact_by_external_id(db, user_id) {
            return Ok(contact);
        }
    }
    let Some(email) = &claim.email else {
        return Err(ServerError::unprocessable(
            "email_required",
            "A user seen for the first time needs an email as well as a user id.",
        ));
    };
    let mut contact = contact_by_email(db, email, name, now())?;
    if contact.external_id.is_none() && claim.user_id.is_some() {
        contact.external_id = claim.user_id.clone();
        contact.validate()?;
        db.put(Kind::Contact, &contact.id.to_string(), &contact)?;
        db.log(
            now(),
            None,
            vec![inbox_sync::Record::Contact(contact.clone())],
        )?;
    }
    Ok(contact)
}

/// The signed-in customer
#[utoipa::path(
    get,
    path = "/messenger/me",
    operation_id = "get_messenger_me",
    tag = "Messenger",
    security(("customerToken" = [])),
    responses(
        (status = 200, description = "Who the token speaks for.", body = SessionContact),
        CustomerAuth, Internal,
    ),
)]
pub async fn me(Customer(contact): Customer) -> Json<SessionContact> {
    Json((&contact).into())
}
