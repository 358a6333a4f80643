//! Files attached to replies and notes: what an upload may be (size, type, name) and who may
//! fetch one. The server keeps the bytes content-addressed; a part names its files by id.

use serde::{Deserialize, Serialize};

use crate::{AttachmentId, Author, CoreError, Millis, PartKind};

/// One file, at most 20 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;
/// The files one reply or note may carry.
pub const MAX_ATTACHMENTS_PER_PART: usize = 10;
/// A file's name, in characters.
pub const MAX_FILE_NAME: usize = 200;
/// The files one customer email carries as real attachments, in total: past it, the rest are
/// listed with a link to the Messenger (many mail systems refuse messages over 10–25 MB, and
/// base64 makes the message a third larger than its files).
pub const MAX_EMAIL_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Types kept as they are: a browser or mail client shows them safely, or only downloads them.
/// Other harmless types are kept as `application/octet-stream` (always downloaded).
const ALLOWED_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/json",
    "application/zip",
    "application/octet-stream",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// Types that could run as a page or a program (served from the workspace's own origin, a page
/// could act as whoever views it): refused.
const REFUSED_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-sh",
    "application/java-archive",
];

/// File names whose extension says "run me", whatever type they claim.
const REFUSED_EXTENSIONS: &[&str] = &[
    "exe", "msi", "bat", "cmd", "com", "scr", "ps1", "vbs", "js", "jar", "sh", "app", "dmg",
    "html", "htm", "svg", "xhtml",
];

/// A stored file, as the server records it and clients show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: AttachmentId,
    /// Hex SHA-256 of the bytes: where the blob lives, and the same file stored once.
    pub sha256: String,
    pub name: String,
    pub content_type: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    pub uploader: Author,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub created_at: Millis,
}

impl Attachment {
    /// Images are shown inline; everything else as a card with its name and size.
    pub fn is_image(&self) -> bool {
        is_image_type(&self.content_type)
    }
}

pub fn is_image_type(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// An upload that passed the checks: its cleaned name and normalised type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUpload {
    pub name: String,
    pub content_type: String,
}

/// Checks an upload before it is stored: not empty, at most [`MAX_ATTACHMENT_BYTES`], an
/// allowed type, and a name that cannot name a path or break a header.
pub fn validate_upload(
    name: &str,
    content_type: &str,
    size: usize,
) -> Result<ValidUpload, CoreError> {
    if size == 0 {
        return Err(CoreError::AttachmentEmpty);
    }
    if size > MAX_ATTACHMENT_BYTES {
        return Err(CoreError::AttachmentTooLarge {
            max_mib: MAX_ATTACHMENT_BYTES / (1024 * 1024),
        });
    }
    let name = sanitise_name(name)?;
    let content_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let content_type = if content_type.is_empty() {
        "application/octet-stream".to_owned()
    } else {
        content_type
    };
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let refused_extension = extension
        .as_deref()
        .is_some_and(|ext| REFUSED_EXTENSIONS.contains(&ext));
    if refused_extension || REFUSED_TYPES.contains(&content_type.as_str()) {
        return Err(CoreError::AttachmentTypeRefused { content_type, name });
    }
    let content_type = if ALLOWED_TYPES.contains(&content_type.as_str()) {
        content_type
    } else {
        "application/octet-stream".to_owned()
    };
    Ok(ValidUpload { name, content_type })
}

/// A file name as stored and sent: the last path segment only, no control characters, no
/// leading dots, at most [`MAX_FILE_NAME`] characters.
pub fn sanitise_name(name: &str) -> Result<String, CoreError> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, '"' | ':') { '_' } else { c })
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_owned();
    if cleaned.is_empty() {
        return Err(CoreError::AttachmentNameInvalid);
    }
    Ok(cleaned.chars().take(MAX_FILE_NAME).collect())
}

/// The ids a reply or note names: at most [`MAX_ATTACHMENTS_PER_PART`], each once.
pub fn check_part_attachments(ids: &[AttachmentId]) -> Result<(), CoreError> {
    crate::limits::count(
        "attachments on one message",
        ids.len(),
        MAX_ATTACHMENTS_PER_PART,
    )?;
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(CoreError::AttachmentTwice { id: id.to_string() });
        }
    }
    Ok(())
}

/// A `Content-Disposition` value that names the file without letting its name break out of
/// the header: an ASCII fallback plus the RFC 5987 UTF-8 form.
pub fn content_disposition(name: &str, inline: bool) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let how = if inline { "inline" } else { "attachment" };
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Whether a customer may fetch `id`, given the parts of the threads they can see (their own
/// shared tickets and their conversations): only a file of a part they see, a reply or their
/// own message, never a note's.
pub fn customer_may_fetch<'a>(
    id: AttachmentId,
    parts: impl IntoIterator<Item = (&'a PartKind, &'a [AttachmentId])>,
) -> bool {
    parts
        .into_iter()
        .any(|(kind, files)| kind.customer_visible() && files.contains(&id))
}

/// Which of an email's files, in order, go in it as attachments: each that still fits under
/// [`MAX_EMAIL_ATTACHMENT_BYTES`] with those before it; the others are linked.
pub fn attach_to_email(sizes: &[u64]) -> Vec<bool> {
    let mut total = 0u64;
    sizes
        .iter()
        .map(|&size| {
            let fits = total + size <= MAX_EMAIL_ATTACHMENT_BYTES;
            if fits {
                total += size;
            }
            fits
        })
        .collect()
}

/// A file found in a customer's email, before it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    /// Its name as the email gives it (the caller names a nameless inline image).
    pub name: String,
    pub content_type: String,
    pub size: usize,
}

/// A file of a customer's email that was not kept, and why, for the teammate to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub name: String,
    pub why: String,
}

/// What becomes of the files of a customer's email: those kept (their index among the offered
/// ones and their checked name and type), at most [`MAX_ATTACHMENTS_PER_PART`], and those not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorted {
    pub kept: Vec<(usize, ValidUpload)>,
    pub dropped: Vec<Dropped>,
}

/// Puts each file of a customer's email through the rules of an upload
/// ([`validate_upload`]); past [`MAX_ATTACHMENTS_PER_PART`] kept ones, the rest are dropped.
pub fn sort_offered(offered: &[Offered]) -> Sorted {
    let mut sorted = Sorted::default();
    for (i, file) in offered.iter().enumerate() {
        let shown = sanitise_name(&file.name).unwrap_or_else(|_| "unnamed file".to_owned());
        let why = match validate_upload(&file.name, &file.content_type, file.size) {
            Ok(_) if sorted.kept.len() >= MAX_ATTACHMENTS_PER_PART => {
                format!("more than {MAX_ATTACHMENTS_PER_PART} files")
            }
            Ok(valid) => {
                sorted.kept.push((i, valid));
                continue;
            }
            Err(CoreError::AttachmentTypeRefused { .. }) => "type refused".to_owned(),
            Err(CoreError::AttachmentTooLarge { max_mib }) => format!("larger than {max_mib} MB"),
            Err(CoreError::AttachmentEmpty) => "empty".to_owned(),
            Err(e) => e.code().replace('_', " "),
        };
        sorted.dropped.push(Dropped { name: shown, why });
    }
    sorted
}

/// Dropped files named in a message body, at most; the rest are counted.
const DROPPED_NAMED: usize = 5;
/// A dropped file's name as the body tells it, in characters.
const DROPPED_NAME: usize = 60;

/// The text of a customer's email as it lands: what they wrote; a word that files came
/// without text (so it is no empty message); and a line telling the teammate which files were
/// not kept and why, e.g. "(1 attachment was not kept: virus.exe — type refused)".
pub fn inbound_body(text: &str, kept: usize, dropped: &[Dropped]) -> String {
    let mut body = text.trim().to_owned();
    if body.is_empty() && kept > 0 {
        body = match kept {
            1 => "(1 file sent by email, without text)".to_owned(),
            n => format!("({n} files sent by email, without text)"),
        };
    }
    if !dropped.is_empty() {
        let mut named: Vec<String> = dropped
            .iter()
            .take(DROPPED_NAMED)
            .map(|d| {
                let name: String = d.name.chars().take(DROPPED_NAME).collect();
                format!("{name} — {}", d.why)
            })
            .collect();
        if dropped.len() > DROPPED_NAMED {
            named.push(format!("{} more", dropped.len() - DROPPED_NAMED));
        }
        let line = match dropped.len() {
            1 => format!("(1 attachment was not kept: {})", named.join("; ")),
            n => format!("({n} attachments were not kept: {})", named.join("; ")),
        };
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&line);
    }
    body
}

/// A file's size as people read it: `812 bytes`, `14 KB`, `3.2 MB`.
pub fn size_label(size: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if size < KB {
        format!("{size} bytes")
    } else if size < MB {
        format!("{} KB", size.div_ceil(KB))
    } else {
        format!("{:.1} MB", size as f64 / MB as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(
            sanitise_name("../../etc/passwd").unwrap(),
            "passwd".to_owned()
        );
        assert_eq!(sanitise_name("C:\\x\\a b.png").unwrap(), "a b.png");
        assert_eq!(sanitise_name("a\r\nb\".txt").unwrap(), "ab_.txt");
        assert_eq!(sanitise_name(".hidden").unwrap(), "hidden");
        assert_eq!(
            sanitise_name("../").unwrap_err().code(),
            "attachment_name_invalid"
        );
    }

    #[test]
    fn uploads_are_bounded_and_typed() {
        let ok = validate_upload("shot.png", "image/PNG; x=y", 10).unwrap();
        assert_eq!(ok.content_type, "image/png");
        assert_eq!(
            validate_upload("a.png", "image/png", 0).unwrap_err().code(),
            "attachment_empty"
        );
        assert_eq!(
            validate_upload("a.png", "image/png", MAX_ATTACHMENT_BYTES + 1)
                .unwrap_err()
                .code(),
            "attachment_too_large"
        );
        assert_eq!(
            validate_upload("a.html", "text/html", 5)
                .unwrap_err()
                .code(),
            "attachment_type_refused"
        );
        assert_eq!(
            validate_upload("a.exe", "application/octet-stream", 5)
                .unwrap_err()
                .code(),
            "attachment_type_refused"
        );
        assert_eq!(
            validate_upload("x", "", 5).unwrap().content_type,
            "application/octet-stream"
        );
        assert_eq!(
            validate_upload("printer.log", "text/x-log", 5)
                .unwrap()
                .content_type,
            "application/octet-stream",
            "an unlisted harmless type is kept, as a download"
        );
        assert_eq!(
            validate_upload("logo.svg", "image/svg+xml", 5)
                .unwrap_err()
                .code(),
            "attachment_type_refused"
        );
    }

    #[test]
    fn content_disposition_cannot_break_out() {
        let header = content_disposition("a\"b;\u{e9}.png", false);
        assert_eq!(
            header,
            "attachment; filename=\"a_b;_.png\"; filename*=UTF-8''a%22b%3B%C3%A9.png"
        );
    }

    #[test]
    fn customers_fetch_only_files_of_replies() {
        let id = AttachmentId::from_parts(1, 1);
        let reply = PartKind::Reply { body: "x".into() };
        let note = PartKind::Note { body: "x".into() };
        let files = [id];
        assert!(customer_may_fetch(id, [(&reply, &files[..])]));
        assert!(!customer_may_fetch(id, [(&note, &files[..])]));
        assert!(!customer_may_fetch(id, [(&reply, &[][..])]));
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size_label(812), "812 bytes");
        assert_eq!(size_label(14 * 1024), "14 KB");
        assert_eq!(size_label(3 * 1024 * 1024 + 300 * 1024), "3.3 MB");
    }

    fn offered(name: &str, content_type: &str, size: usize) -> Offered {
        Offered {
            name: name.into(),
            content_type: content_type.into(),
            size,
        }
    }

    #[test]
    fn an_emails_files_are_kept_by_the_upload_rules_and_the_rest_told() {
        let mut files = vec![
            offered("shot.png", "image/png", 10),
            offered("virus.exe", "application/octet-stream", 10),
            offered("huge.zip", "application/zip", MAX_ATTACHMENT_BYTES + 1),
            offered("blank.txt", "text/plain", 0),
        ];
        files.extend((0..11).map(|i| offered(&format!("f{i}.pdf"), "application/pdf", 5)));
        let sorted = sort_offered(&files);
        assert_eq!(sorted.kept.len(), MAX_ATTACHMENTS_PER_PART);
        assert_eq!(
            sorted.kept[0],
            (0, validate_upload("shot.png", "image/png", 10).unwrap())
        );
        let why: Vec<(&str, &str)> = sorted
            .dropped
            .iter()
            .map(|d| (d.name.as_str(), d.why.as_str()))
            .collect();
        assert_eq!(
            why,
            [
                ("virus.exe", "type refused"),
                ("huge.zip", "larger than 20 MB"),
                ("blank.txt", "empty"),
                ("f9.pdf", "more than 10 files"),
                ("f10.pdf", "more than 10 files"),
            ]
        );
        assert_eq!(
            inbound_body("See attached", 1, &sorted.dropped[..1]),
            "See attached\n\n(1 attachment was not kept: virus.exe — type refused)"
        );
        assert_eq!(
            inbound_body("  ", 2, &[]),
            "(2 files sent by email, without text)"
        );
        assert_eq!(inbound_body("", 0, &[]), "", "nothing at all stays empty");
        let many: Vec<Dropped> = (0..7)
            .map(|i| Dropped {
                name: format!("{i}.exe"),
                why: "type refused".into(),
            })
            .collect();
        let told = inbound_body("", 0, &many);
        assert!(told.starts_with("(7 attachments were not kept: 0.exe — type refused;"));
        assert!(told.ends_with("; 2 more)"), "{told}");
    }

    #[test]
    fn an_email_attaches_files_while_they_fit_and_links_the_rest() {
        let mib = 1024 * 1024;
        assert_eq!(
            attach_to_email(&[4 * mib, 7 * mib, 5 * mib, 1]),
            [true, false, true, true]
        );
        assert_eq!(attach_to_email(&[MAX_EMAIL_ATTACHMENT_BYTES + 1]), [false]);
    }

    #[test]
    fn a_part_names_each_file_once() {
        let id = AttachmentId::from_parts(1, 1);
        assert_eq!(
            check_part_attachments(&[id, id]).unwrap_err().code(),
            "attachment_twice"
        );
        let many: Vec<_> = (0..11).map(|i| AttachmentId::from_parts(1, i)).collect();
        assert_eq!(
            check_part_attachments(&many).unwrap_err().code(),
            "too_many"
        );
    }
}
