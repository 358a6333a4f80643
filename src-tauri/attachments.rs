//! Files on replies and notes. The server keeps them; the app keeps a file attached here in
//! its own database, under an id of its own, until the sync engine uploads it just before the
//! reply or note that names it: attaching works offline, and the timeline shows the file from
//! that copy until the server has it. A workspace of the app's own has no server to keep
//! files, and is refused with a clear message.

use base64::Engine;
use inbox_core::attachment::{is_image_type, MAX_ATTACHMENT_BYTES};
use inbox_core::{Attachment, AttachmentId, Author, CoreError};
use inbox_sync::client::{Client, ClientError};
use serde::Serialize;
use tauri::State;

use crate::commands::{new_ulid, AppState};
use crate::error::{CommandError, CommandResult};
use crate::locks::lock;
use crate::startup::now_millis;

/// Images larger than this show as cards: a data URL holds the whole file in the page.
const MAX_INLINE_IMAGE: u64 = 5 * 1024 * 1024;

/// A file as the timeline shows it.
#[derive(Debug, Serialize, specta::Type)]
pub struct AttachmentView {
    pub attachment: Attachment,
    /// A `data:` URL of an image small enough to show inline.
    pub image: Option<String>,
}

fn server(state: &AppState) -> CommandResult<Client> {
    let syncing = lock(&state.sync);
    let Some(syncing) = syncing.as_ref() else {
        return Err(CoreError::AttachmentsNeedServer.into());
    };
    if syncing.handle.working_offline() {
        return Err(offline());
    }
    Ok(syncing.client.clone())
}

fn offline() -> CommandError {
    CommandError::new(
        "offline",
        "This file is on the server, which cannot be reached now: it shows once you are online.",
    )
}

fn refused(e: ClientError) -> CommandError {
    match e {
        ClientError::Offline(_) => offline(),
        e => e.into(),
    }
}

/// Attaches a file the composer holds (chosen or pasted), its bytes in base64: kept here
/// until the reply or note naming it goes to the server.
#[tauri::command]
#[specta::specta]
pub async fn upload_attachment(
    state: State<'_, AppState>,
    name: String,
    content_type: String,
    data: String,
) -> CommandResult<Attachment> {
    // Base64 takes 4 characters for 3 bytes: anything longer is over the limit anyway.
    if data.len() > MAX_ATTACHMENT_BYTES.div_ceil(3) * 4 + 4 {
        return Err(CoreError::AttachmentTooLarge {
            max_mib: MAX_ATTACHMENT_BYTES / (1024 * 1024),
        }
        .into());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|_| CommandError::new("invalid_file", "The file could not be read."))?;
    if state.sync().is_none() {
        return Err(CoreError::AttachmentsNeedServer.into());
    }
    let mut store = state.store();
    let me = store.me()?.id;
    let id = AttachmentId(new_ulid());
    let now = now_millis();
    Ok(store.keep_file(id, &name, &content_type, &bytes, Author::Teammate(me), now)?)
}

/// The file's record and bytes: the copy kept here while the server does not have it yet,
/// else the server's.
async fn file(
    state: &AppState,
    id: &str,
    with_bytes: impl Fn(&Attachment) -> bool,
) -> CommandResult<(Attachment, Option<Vec<u8>>)> {
    if let Ok(parsed) = id.parse::<AttachmentId>() {
        if let Some((attachment, bytes)) = state.store().unsent_file(parsed)? {
            let bytes = with_bytes(&attachment).then_some(bytes);
            return Ok((attachment, bytes));
        }
    }
    let client = server(state)?;
    let attachment = client.attachment_info(id).await.map_err(refused)?;
    let bytes = if with_bytes(&attachment) {
        Some(client.download_attachment(id).await.map_err(refused)?)
    } else {
        None
    };
    Ok((attachment, bytes))
}

/// A file of a reply or note, to show: its record, and an image's bytes as a data URL.
#[tauri::command]
#[specta::specta]
pub async fn load_attachment(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<AttachmentView> {
    let inline = |a: &Attachment| is_image_type(&a.content_type) && a.size <= MAX_INLINE_IMAGE;
    let (attachment, bytes) = file(&state, &id, inline).await?;
    let image = bytes.map(|bytes| {
        format!(
            "data:{};base64,{}",
            attachment.content_type,
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    });
    Ok(AttachmentView { attachment, image })
}

/// Saves a file of a reply or note in the Downloads folder (a new name if one is taken) and
/// returns where.
#[tauri::command]
#[specta::specta]
pub async fn save_attachment(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<String> {
    use tauri::Manager;
    let (attachment, bytes) = file(&state, &id, |_| true).await?;
    let bytes = bytes.unwrap_or_default();
    let cannot =
        |e: String| CommandError::new("cannot_save", format!("The file cannot be saved: {e}"));
    let folder = app
        .path()
        .download_dir()
        .map_err(|e| cannot(e.to_string()))?;
    // The server's name is already clean (no path, no control characters).
    let name = inbox_core::attachment::sanitise_name(&attachment.name)?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_owned(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    let mut path = folder.join(&name);
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = folder.join(format!("{stem} ({n}){ext}"));
    }
    std::fs::write(&path, bytes).map_err(|e| cannot(e.to_string()))?;
    Ok(path.to_string_lossy().into_owned())
}
