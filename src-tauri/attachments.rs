//! Files on replies and notes. The server keeps them, so the app uploads a file with its own
//! token and gets back its id, which the reply or note then names; the timeline shows them
//! through these commands (an image as a bounded data URL), never through a raw server address
//! that would need the token. A workspace of the app's own has no server to keep files, and
//! working offline the upload cannot happen now: both are refused with a clear message rather
//! than letting a reply wait on a file that may never arrive.

use base64::Engine;
use inbox_core::attachment::{is_image_type, validate_upload, MAX_ATTACHMENT_BYTES};
use inbox_core::{Attachment, CoreError};
use inbox_sync::client::{Client, ClientError};
use serde::Serialize;
use tauri::State;

use crate::commands::AppState;
use crate::error::{CommandError, CommandResult};
use crate::locks::lock;

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
        "Files are uploaded to the server, which cannot be reached now: attach them once you are online. Your text stays in the composer.",
    )
}

fn refused(e: ClientError) -> CommandError {
    match e {
        ClientError::Offline(_) => offline(),
        e => e.into(),
    }
}

/// Uploads a file the composer holds (chosen or pasted), its bytes in base64.
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
    upload(&state, &name, &content_type, bytes).await
}

async fn upload(
    state: &AppState,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> CommandResult<Attachment> {
    // The server checks again; checking here first says what is wrong without a round trip.
    let valid = validate_upload(name, content_type, bytes.len())?;
    let client = server(state)?;
    client
        .upload_attachment(&valid.name, &valid.content_type, bytes)
        .await
        .map_err(refused)
}

/// A file of a reply or note, to show: its record, and an image's bytes as a data URL.
#[tauri::command]
#[specta::specta]
pub async fn load_attachment(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<AttachmentView> {
    let client = server(&state)?;
    let attachment = client.attachment_info(&id).await.map_err(refused)?;
    let image = if is_image_type(&attachment.content_type) && attachment.size <= MAX_INLINE_IMAGE {
        let bytes = client.download_attachment(&id).await.map_err(refused)?;
        Some(format!(
            "data:{};base64,{}",
            attachment.content_type,
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    } else {
        None
    };
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
    let client = server(&state)?;
    let attachment = client.attachment_info(&id).await.map_err(refused)?;
    let bytes = client.download_attachment(&id).await.map_err(refused)?;
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
