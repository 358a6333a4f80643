//! Files: uploaded raw (the body is the file, `Content-Type` its type, `?name=` its name) by
//! teammates and by customers in the Messenger, and fetched by whoever may see them: a teammate
//! any file of the workspace, a customer only the files of the messages they see (never a
//! note's). A file nobody may fetch answers 404, as one that does not exist.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use inbox_core::attachment::{
    content_disposition, customer_may_fetch, validate_upload, MAX_ATTACHMENT_BYTES,
};
use inbox_core::{Attachment, AttachmentId, Author, Contact, Conversation};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::Query;
use super::openapi::{
    AttachmentPath, CustomerAuth, Internal, NotFound, TeammateAuth, UploadThrottled,
};
use super::{AppState, Customer, Teammate};
use crate::authority::{now, random};
use crate::error::{ErrorList, Result, ServerError};
use crate::storage::Kind;
use crate::workspace::{not_found, Db};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name (a path is cut to its last part).
    name: String,
}

/// Upload a file to attach to a reply or note
#[utoipa::path(
    post,
    path = "/attachments",
    operation_id = "post_attachments",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file itself; `Content-Type` says its type (images, PDF, text, office documents, zip). At most 20 MiB."),
    responses(
        (status = 201, description = "Stored: name its `id` in a reply or note.", body = Attachment),
        (status = 400, description = "No `name` in the query (`invalid_query`).", body = ErrorList),
        (status = 413, description = "Larger than 20 MiB (`attachment_too_large`).", body = ErrorList),
        (status = 422, description = "Empty, of a type that is refused, or without a name (`attachment_empty`, `attachment_type_refused`, `attachment_name_invalid`).", body = ErrorList),
        UploadThrottled, TeammateAuth, Internal,
    ),
)]
pub async fn upload(
    State(state): State<AppState>,
    Teammate(teammate): Teammate,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> Result<(StatusCode, Json<Attachment>)> {
    let stored = store(&state, Author::Teammate(teammate.id), &q.name, req).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The customer uploads a file for their next message
#[utoipa::path(
    post,
    path = "/messenger/attachments",
    operation_id = "post_messenger_attachments",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file itself; `Content-Type` says its type. At most 20 MiB."),
    responses(
        (status = 201, description = "Stored: name its `id` in a message.", body = Attachment),
        (status = 400, description = "No `name` in the query (`invalid_query`).", body = ErrorList),
        (status = 413, description = "Larger than 20 MiB (`attachment_too_large`).", body = ErrorList),
        (status = 422, description = "Empty, of a type that is refused, or without a name.", body = ErrorList),
        UploadThrottled, CustomerAuth, Internal,
    ),
)]
pub async fn customer_upload(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> Result<(StatusCode, Json<Attachment>)> {
    let stored = store(&state, Author::Contact(contact.id), &q.name, req).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Upload a file under an id the app chose (idempotent)
///
/// The app attaches a file while offline under an id of its own, and uploads it once it is
/// online, before the reply that names it. Sending the same file again (a retry after a lost
/// answer) answers the stored record; another file, or another uploader, under a taken id is
/// refused.
#[utoipa::path(
    put,
    path = "/attachments/{id}",
    operation_id = "put_attachments_id",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(AttachmentPath, UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file itself; `Content-Type` says its type. At most 20 MiB."),
    responses(
        (status = 200, description = "This file was already stored under this id.", body = Attachment),
        (status = 201, description = "Stored under this id.", body = Attachment),
        (status = 400, description = "No `name` in the query, or an id that is not a ULID (`invalid_query`, `invalid_attachment_id`).", body = ErrorList),
        (status = 409, description = "Another file is stored under this id (`attachment_id_taken`).", body = ErrorList),
        (status = 413, description = "Larger than 20 MiB (`attachment_too_large`).", body = ErrorList),
        (status = 422, description = "Empty, of a type that is refused, or without a name.", body = ErrorList),
        UploadThrottled, TeammateAuth, Internal,
    ),
)]
pub async fn upload_as(
    State(state): State<AppState>,
    Teammate(teammate): Teammate,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> Result<(StatusCode, Json<Attachment>)> {
    let id: AttachmentId = id.parse().map_err(|_| {
        ServerError::bad_request(
            "invalid_attachment_id",
            "An attachment's id is a ULID (26 characters of Crockford base 32).",
        )
    })?;
    let uploader = Author::Teammate(teammate.id);
    let received = receive(&state, uploader, &q.name, req).await?;
    let at = now();
    let attachment = received.record(id, uploader, at);
    let saved = attachment.clone();
    let stored = state
        .write(move |db| {
            let key = saved.id.to_string();
            match db.get::<Attachment>(Kind::Attachment, &key)? {
                Some(found) if found.uploader == saved.uploader && found.sha256 == saved.sha256 => {
                    Ok(Some(found))
                }
                Some(_) => Err(ServerError::Conflict {
                    code: "attachment_id_taken",
                    message:
                        "Another file is stored under this id: upload this one under a new id."
                            .into(),
                }),
                None => db.put(Kind::Attachment, &key, &saved).map(|()| None),
            }
        })
        .await?;
    Ok(match stored {
        Some(found) => (StatusCode::OK, Json(found)),
        None => (StatusCode::CREATED, Json(attachment)),
    })
}

/// An upload's checked content, its bytes already in the blob store.
struct Received {
    sha256: String,
    name: String,
    content_type: String,
    size: u64,
}

impl Received {
    fn record(self, id: AttachmentId, uploader: Author, at: inbox_core::Millis) -> Attachment {
        Attachment {
            id,
            sha256: self.sha256,
            name: self.name,
            content_type: self.content_type,
            size: self.size,
            uploader,
            created_at: at,
        }
    }
}

async fn store(state: &AppState, uploader: Author, name: &str, req: Request) -> Result<Attachment> {
    let received = receive(state, uploader, name, req).await?;
    let at = now();
    let attachment = received.record(
        AttachmentId::from_parts(at.max(0) as u64, random()),
        uploader,
        at,
    );
    let saved = attachment.clone();
    state
        .write(move |db| db.put(Kind::Attachment, &saved.id.to_string(), &saved))
        .await?;
    Ok(attachment)
}

/// Reads, checks and stores an upload's bytes.
async fn receive(state: &AppState, uploader: Author, name: &str, req: Request) -> Result<Received> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let declared = content_length(&req);
    let key = match uploader {
        Author::Teammate(id) => format!("teammate:{id}"),
        Author::Contact(id) => format!("contact:{id}"),
        Author::System => "system".to_owned(),
    };
    state.uploads.admit(&key, declared)?;
    // One byte over the limit is enough to know it is too large.
    let body = super::extract::bounded(req.into_body(), MAX_ATTACHMENT_BYTES + 1, declared);
    let bytes = tokio::time::timeout(state.limits.body_timeout, body)
        .await
        .map_err(|_| ServerError::BodyTimeout)?
        .map_err(|_| too_large())?;
    let size = bytes.len() as u64;
    state.uploads.add(&key, size.saturating_sub(declared));
    let valid = validate_upload(name, &content_type, bytes.len())?;
    let blobs = state.blobs.clone();
    let sha256 = tokio::task::spawn_blocking(move || blobs.put(&bytes))
        .await
        .map_err(|e| ServerError::Storage(format!("storing a file panicked: {e}")))??;
    Ok(Received {
        sha256,
        name: valid.name,
        content_type: valid.content_type,
        size,
    })
}

/// The upload's declared length (0 when it gives none).
fn content_length(req: &Request) -> u64 {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(0)
}

fn too_large() -> ServerError {
    ServerError::Core(inbox_core::CoreError::AttachmentTooLarge {
        max_mib: MAX_ATTACHMENT_BYTES / (1024 * 1024),
    })
}

/// A file of the workspace, for a teammate
#[utoipa::path(
    get,
    path = "/attachments/{id}",
    operation_id = "get_attachments_id",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(("id" = String, Path, description = "The attachment's id (a ULID).")),
    responses(
        (status = 200, description = "The file, with its type and name.", content_type = "application/octet-stream", body = Vec<u8>),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn download(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Response> {
    let attachment = state.read(move |db| attachment(db, &id)).await?;
    send(&state, attachment).await
}

/// What a file of the workspace is (name, type, size), for a teammate
#[utoipa::path(
    get,
    path = "/attachments/{id}/info",
    operation_id = "get_attachments_id_info",
    tag = "Tickets",
    security(("teammateToken" = [])),
    params(("id" = String, Path, description = "The attachment's id (a ULID).")),
    responses(
        (status = 200, description = "The file's record.", body = Attachment),
        TeammateAuth, NotFound, Internal,
    ),
)]
pub async fn info(
    State(state): State<AppState>,
    _: Teammate,
    Path(id): Path<String>,
) -> Result<Json<Attachment>> {
    Ok(Json(state.read(move |db| attachment(db, &id)).await?))
}

/// A file of a message the customer sees
#[utoipa::path(
    get,
    path = "/messenger/attachments/{id}",
    operation_id = "get_messenger_attachments_id",
    tag = "Messenger",
    security(("customerToken" = [])),
    params(("id" = String, Path, description = "The attachment's id (a ULID).")),
    responses(
        (status = 200, description = "The file, with its type and name.", content_type = "application/octet-stream", body = Vec<u8>),
        CustomerAuth, NotFound, Internal,
    ),
)]
pub async fn customer_download(
    State(state): State<AppState>,
    Customer(contact): Customer,
    Path(id): Path<String>,
) -> Result<Response> {
    let attachment = state
        .read(move |db| {
            let found = attachment(db, &id)?;
            if customer_sees(db, &contact, found.id)? {
                Ok(found)
            } else {
                Err(not_found("attachment", &id))
            }
        })
        .await?;
    send(&state, attachment).await
}

/// The attachment, or `not_found` (a malformed id names nothing).
pub fn attachment(db: &Db, id: &str) -> Result<Attachment> {
    let parsed: Option<AttachmentId> = id.parse().ok();
    match parsed {
        Some(parsed) => db.get(Kind::Attachment, &parsed.to_string())?,
        None => None,
    }
    .ok_or_else(|| not_found("attachment", id))
}

/// Whether `contact` sees a message carrying `id`: a reply on one of their shared tickets, or
/// a message in one of their conversations. Notes never count.
pub fn customer_sees(db: &Db, contact: &Contact, id: AttachmentId) -> Result<bool> {
    for ticket in db.tickets_of_contact(contact.id)? {
        if !ticket.shared {
            continue;
        }
        let parts = db.timeline(ticket.id)?;
        if customer_may_fetch(id, parts.iter().map(|p| (&p.kind, &p.attachments[..]))) {
            return Ok(true);
        }
    }
    let conversations: Vec<Conversation> = db.all(Kind::Conversation)?;
    for conversation in conversations.iter().filter(|c| c.contact == contact.id) {
        let parts = db.conversation_timeline(conversation.id)?;
        if customer_may_fetch(id, parts.iter().map(|p| (&p.kind, &p.attachments[..]))) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The file as a download: its own type, never sniffed, never shown as a page of this origin.
async fn send(state: &AppState, attachment: Attachment) -> Result<Response> {
    let path = state.blobs.path(&attachment.sha256)?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| ServerError::Storage(format!("a stored file cannot be read: {e}")))?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    let value = |s: &str| {
        HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static("application/octet-stream"))
    };
    headers.insert(header::CONTENT_TYPE, value(&attachment.content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(attachment.size));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(
            &attachment.name,
            attachment.is_image(),
        ))
        .map_err(|e| ServerError::Storage(format!("a file name makes no header: {e}")))?,
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

/// The stored records of the files `ids` names, by id.
pub fn records<'a>(
    db: &Db,
    ids: impl Iterator<Item = &'a AttachmentId>,
) -> Result<std::collections::HashMap<AttachmentId, Attachment>> {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    db.tx()
        .get_many(Kind::Attachment, &ids)?
        .into_iter()
        .map(|(_, doc)| {
            let a: Attachment =
                serde_json::from_str(&doc).map_err(|e| ServerError::corrupt("attachment", e))?;
            Ok((a.id, a))
        })
        .collect()
}

/// Every attachment a mutation names must exist, and a customer may only send their own
/// uploads.
pub fn check_named(db: &Db, actor: Author, ids: &[AttachmentId]) -> Result<()> {
    for id in ids {
        let found: Attachment = db
            .get(Kind::Attachment, &id.to_string())?
            .ok_or_else(|| not_found("attachment", &id.to_string()))?;
        if let Author::Contact(_) = actor {
            if found.uploader != actor {
                return Err(not_found("attachment", &id.to_string()));
            }
        }
    }
    Ok(())
}
