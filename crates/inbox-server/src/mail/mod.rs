//! Email out of the server: a rendered customer email (`inbox_core::email::Email`) becomes an
//! RFC 5322 message and is handed to a [`Mailer`]: [`Smtp`] for a relay, [`EmlDir`] for a
//! directory of `.eml` files (development, demos and tests). Email in is in [`inbound`].
//!
//! Delivery is at least once: the queue resends after a crash, so each message carries a
//! Message-ID made from its queue id, and [`EmlDir`] writes each id once.

pub mod inbound;

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use inbox_core::email::Email;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{Message, SmtpTransport, Transport};

use crate::error::ServerError;

/// The domain part of every Message-ID this server makes.
const MESSAGE_ID_DOMAIN: &str = "teammate-inbox";

/// One email to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The email's queue id (a ULID). It becomes the Message-ID, so the same queued email sent
    /// twice is recognisably one message to its receiver.
    pub id: String,
    pub from_name: String,
    pub from_address: String,
    pub email: Email,
    /// The files it carries as attachments; their bytes are read when the message is built.
    pub files: Vec<OutgoingFile>,
}

/// A file an email attaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingFile {
    pub name: String,
    pub content_type: String,
    /// Where its bytes are (the blob store).
    pub path: PathBuf,
}

/// Where outgoing email goes. Sending blocks: async callers run it in `spawn_blocking`.
pub trait Mailer: Send + Sync {
    fn send(&self, mail: &Outgoing) -> Result<(), ServerError>;
}

/// The Message-ID header value for a queue id: `<ID@teammate-inbox>`.
pub fn message_id(id: &str) -> String {
    format!("<{id}@{MESSAGE_ID_DOMAIN}>")
}

/// The queue id of an email this server sent, from its Message-ID (without angle brackets).
pub fn queue_id_of(message_id: &str) -> Option<&str> {
    let (id, domain) = message_id.rsplit_once('@')?;
    (domain == MESSAGE_ID_DOMAIN && !id.is_empty()).then_some(id)
}

/// The RFC 5322 message for `mail`: a multipart/alternative with the plain text first, so a
/// client that shows only one part picks the HTML and a text-only client still reads well;
/// with files, a multipart/mixed of that and the files as attachments.
pub fn message(mail: &Outgoing) -> Result<Message, ServerError> {
    check_id(&mail.id)?;
    let email = &mail.email;
    let from = Mailbox::new(
        Some(header_text(&mail.from_name)),
        address("from", &mail.from_address)?,
    );
    Message::builder()
        .from(from)
        .to(Mailbox::new(None, address("to", &email.to)?))
        .reply_to(Mailbox::new(None, address("reply-to", &email.reply_to)?))
        .subject(header_text(&email.subject))
        .message_id(Some(message_id(&mail.id)))
        .date_now()
        .multipart(body(mail)?)
        .map_err(|e| {
            ServerError::bad_request("invalid_email", format!("The email cannot be built: {e}"))
        })
}

fn body(mail: &Outgoing) -> Result<MultiPart, ServerError> {
    let text = MultiPart::alternative_plain_html(mail.email.text.clone(), mail.email.html.clone());
    if mail.files.is_empty() {
        return Ok(text);
    }
    let mut mixed = MultiPart::mixed().multipart(text);
    for file in &mail.files {
        let bytes = fs::read(&file.path).map_err(|e| {
            // The blob store lost a file: no retry brings it back.
            ServerError::Undeliverable(format!(
                "the attached file {:?} cannot be read from {}: {e}",
                file.name,
                file.path.display()
            ))
        })?;
        let content_type = ContentType::parse(&file.content_type).unwrap_or_else(|_| {
            ContentType::parse("application/octet-stream").expect("a valid type")
        });
        mixed =
            mixed.singlepart(Attachment::new(header_text(&file.name)).body(bytes, content_type));
    }
    Ok(mixed)
}

/// Text for a header on one line. Validation keeps control characters out of every name,
/// but data stored before it did must still never split a header (or trip the mail library).
fn header_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The id ends up in a header and a file name: only letters, digits, `-` and `_` are safe in
/// both, and a ULID needs no more.
fn check_id(id: &str) -> Result<(), ServerError> {
    let safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if id.is_empty() || !id.chars().all(safe) {
        return Err(ServerError::bad_request(
            "invalid_mail_id",
            format!("The email id {id:?} must be letters, digits, `-` or `_` (a ULID)."),
        ));
    }
    Ok(())
}

fn address(field: &str, value: &str) -> Result<lettre::Address, ServerError> {
    value.trim().parse().map_err(|e| {
        ServerError::bad_request(
            "invalid_email_address",
            format!("The {field} address {value:?} is not an email address: {e}"),
        )
    })
}

/// A directory of `<id>.eml` files, one per email: delivery without a relay, readable by any
/// mail client.
#[derive(Debug, Clone)]
pub struct EmlDir {
    dir: PathBuf,
}

impl EmlDir {
    /// Creates `dir` (and its parents) if needed, and removes the temp files of writers that
    /// were killed mid-write.
    pub fn new(dir: impl Into<PathBuf>) -> Result<EmlDir, ServerError> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
        remove_orphaned_temp_files(&dir);
        Ok(EmlDir { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the email with this queue id is (or will be) written.
    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.eml"))
    }
}

impl Mailer for EmlDir {
    /// Writes `<id>.eml` whole or not at all (temp file, fsync, rename), and only once: a
    /// resend after a crash finds the file there and leaves it, so there is never a second copy.
    fn send(&self, mail: &Outgoing) -> Result<(), ServerError> {
        let bytes = message(mail)?.formatted();
        let path = self.path(&mail.id);
        if path.exists() {
            return Ok(());
        }
        let temp = TempFile::create(&self.dir, &mail.id)?;
        temp.write_synced(&bytes)?;
        temp.persist(&path)?;
        sync_dir(&self.dir);
        Ok(())
    }
}

/// A temp file beside the final one (a rename is only atomic within one file system), named
/// so that nothing looking for `*.eml` ever sees it; removed unless persisted.
struct TempFile {
    path: PathBuf,
    file: File,
    persisted: bool,
}

impl TempFile {
    fn create(dir: &Path, id: &str) -> Result<TempFile, ServerError> {
        // Unique per process and call, so concurrent sends of one id never share a temp file.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{id}.{}-{n}.tmp", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io_error("create", &path, e))?;
        Ok(TempFile {
            path,
            file,
            persisted: false,
        })
    }

    fn write_synced(&self, bytes: &[u8]) -> Result<(), ServerError> {
        let mut file = &self.file;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| io_error("write", &self.path, e))
    }

    fn persist(mut self, to: &Path) -> Result<(), ServerError> {
        fs::rename(&self.path, to).map_err(|e| io_error("rename", to, e))?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Temp files are `.ID.PID-N.tmp`; one whose process is gone will never be renamed. Those of a
/// live process (another server on the same folder) are left to it.
fn remove_orphaned_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
            continue;
        };
        let pid = stem
            .rsplit_once('.')
            .and_then(|(_, writer)| writer.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Makes the rename itself durable. Best effort: without it a crash may lose the file, and
/// the queue then resends, which is what happens without the file anyway.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn io_error(action: &str, path: &Path, e: std::io::Error) -> ServerError {
    ServerError::Delivery(format!("could not {action} {}: {e}", path.display()))
}

/// Plain SMTP to a relay, with neither TLS nor authentication: the server hands its mail to
/// a relay on the same host or network (Postfix, a smarthost), which does the rest.
#[derive(Clone)]
pub struct Smtp {
    host: String,
    port: u16,
    transport: SmtpTransport,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Smtp(smtp://{}:{})", self.host, self.port)
    }
}

impl Smtp {
    pub const DEFAULT_PORT: u16 = 25;

    /// `smtp://HOST[:PORT]` (port 25 by default; an IPv6 host in brackets). Anything else,
    /// other schemes, credentials or a path included, is refused rather than half-understood.
    pub fn from_url(url: &str) -> Result<Smtp, ServerError> {
        let (host, port) = parse_smtp_url(url).ok_or_else(|| {
            ServerError::bad_request(
                "invalid_smtp_url",
                format!("The SMTP URL {url:?} is not of the form smtp://HOST:PORT."),
            )
        })?;
        let transport = SmtpTransport::builder_dangerous(host.clone())
            .port(port)
            .build();
        Ok(Smtp {
            host,
            port,
            transport,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Mailer for Smtp {
    fn send(&self, mail: &Outgoing) -> Result<(), ServerError> {
        let message = message(mail)?;
        self.transport.send(&message).map(drop).map_err(|e| {
            let text = format!(
                "SMTP delivery of {} to {}:{} failed: {e}",
                mail.id, self.host, self.port
            );
            // A 5xx answer is final: retrying the same message only gets it refused again.
            if e.is_permanent() {
                ServerError::Undeliverable(text)
            } else {
                ServerError::Delivery(text)
            }
        })
    }
}

fn parse_smtp_url(url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = url.trim().split_once("://")?;
    if !scheme.eq_ignore_ascii_case("smtp") {
        return None;
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#', '@']) {
        return None;
    }
    let (host, port) = split_host_port(authority)?;
    let port = match port {
        None => Smtp::DEFAULT_PORT,
        Some(p) => p.parse().ok().filter(|&p| p != 0)?,
    };
    (!host.is_empty()).then(|| (host.to_owned(), port))
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    match authority.split_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((authority, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(id: &str) -> Outgoing {
        Outgoing {
            id: id.to_owned(),
            from_name: "Acme Support".to_owned(),
            from_address: "support@acme.test".to_owned(),
            email: Email {
                to: "ada@customer.test".to_owned(),
                reply_to: "reply+01hz.abc123@inbound.acme.test".to_owned(),
                subject: "[Acme] New reply to your request: Printer on fire (#12)".to_owned(),
                text: "Hi Ada,\n\nWe are on it.\n\n-- \nAcme\n".to_owned(),
                html: "<p>Hi Ada,</p><p>We are on it.</p>".to_owned(),
            },
            files: Vec::new(),
        }
    }

    const ID: &str = "01J0000000000000000000000A";

    #[test]
    fn temp_files_of_dead_writers_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(format!(".{ID}.{}-0.tmp", u32::MAX - 1));
        let live = dir
            .path()
            .join(format!(".{ID}.{}-0.tmp", std::process::id()));
        let eml = dir.path().join(format!("{ID}.eml"));
        for path in [&dead, &live, &eml] {
            fs::write(path, "x").unwrap();
        }
        EmlDir::new(dir.path()).unwrap();
        assert!(!dead.exists());
        assert!(live.exists() && eml.exists());
    }

    #[test]
    fn names_with_line_breaks_never_split_a_header() {
        let mut mail = outgoing(ID);
        mail.from_name = "Acme\r\nBcc: everyone@evil.test".to_owned();
        mail.email.subject = "Hello\r\nBcc: everyone@evil.test".to_owned();
        let text = String::from_utf8(message(&mail).unwrap().formatted()).unwrap();
        assert!(!text.lines().any(|l| l.starts_with("Bcc:")), "{text}");
    }

    #[test]
    fn message_carries_the_headers_and_both_parts() {
        let raw = message(&outgoing(ID)).unwrap().formatted();
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        assert_eq!(
            parsed.message_id(),
            Some("01J0000000000000000000000A@teammate-inbox")
        );
        let first = |a: Option<&mail_parser::Address>| {
            a.and_then(|a| a.first())
                .and_then(|a| a.address())
                .map(str::to_owned)
        };
        assert_eq!(first(parsed.from()).as_deref(), Some("support@acme.test"));
        let from_name = parsed.from().and_then(|a| a.first()).and_then(|a| a.name());
        assert_eq!(from_name, Some("Acme Support"));
        assert_eq!(first(parsed.to()).as_deref(), Some("ada@customer.test"));
        assert_eq!(
            first(parsed.reply_to()).as_deref(),
            Some("reply+01hz.abc123@inbound.acme.test")
        );
        assert_eq!(
            parsed.subject(),
            Some("[Acme] New reply to your request: Printer on fire (#12)")
        );
        assert!(parsed.date().is_some());
        assert_eq!(parsed.text_body_count(), 1);
        assert_eq!(parsed.html_body_count(), 1);
        // On the wire, lines end in CRLF whatever the template used.
        assert_eq!(
            parsed.body_text(0).unwrap().trim_end(),
            "Hi Ada,\r\n\r\nWe are on it.\r\n\r\n-- \r\nAcme"
        );
        assert_eq!(
            parsed.body_html(0).unwrap().trim_end(),
            "<p>Hi Ada,</p><p>We are on it.</p>"
        );
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("multipart/alternative"), "{text}");
    }

    #[test]
    fn message_refuses_bad_addresses_and_ids() {
        let mut bad_to = outgoing(ID);
        bad_to.email.to = "not an address".to_owned();
        assert_eq!(
            message(&bad_to).unwrap_err().code(),
            "invalid_email_address"
        );
        for id in ["", "../etc/passwd", "a b", "x>y"] {
            assert_eq!(
                message(&outgoing(id)).unwrap_err().code(),
                "invalid_mail_id"
            );
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn eml_dir_writes_one_complete_file_per_id() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("outbox").join("mail");
        let eml = EmlDir::new(&dir).unwrap();
        assert!(dir.is_dir());

        eml.send(&outgoing(ID)).unwrap();
        assert_eq!(
            entries(&dir),
            vec![format!("{ID}.eml")],
            "no temp file is left"
        );
        let first = fs::read(eml.path(ID)).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&first).unwrap();
        assert_eq!(
            parsed.message_id(),
            Some("01J0000000000000000000000A@teammate-inbox")
        );

        // A resend (say after a crash before the queue marked it sent) changes nothing, even
        // though the message would now carry another Date.
        let mut again = outgoing(ID);
        again.email.subject = "changed".to_owned();
        eml.send(&again).unwrap();
        assert_eq!(entries(&dir), vec![format!("{ID}.eml")]);
        assert_eq!(fs::read(eml.path(ID)).unwrap(), first);

        eml.send(&outgoing("01J0000000000000000000000B")).unwrap();
        assert_eq!(entries(&dir).len(), 2);
    }

    #[test]
    fn eml_dir_leaves_nothing_behind_when_the_message_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let eml = EmlDir::new(root.path()).unwrap();
        let mut bad = outgoing(ID);
        bad.email.reply_to = "nope".to_owned();
        assert!(eml.send(&bad).is_err());
        assert!(entries(root.path()).is_empty());
    }

    #[test]
    fn an_unpersisted_temp_file_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let temp = TempFile::create(root.path(), ID).unwrap();
        temp.write_synced(b"half a message").unwrap();
        assert_eq!(entries(root.path()).len(), 1);
        drop(temp);
        assert!(entries(root.path()).is_empty());
    }

    #[test]
    fn smtp_url_parsing() {
        let ok = |url: &str| {
            let s = Smtp::from_url(url).unwrap();
            (s.host().to_owned(), s.port())
        };
        assert_eq!(ok("smtp://localhost:2525"), ("localhost".into(), 2525));
        assert_eq!(ok("smtp://relay.internal"), ("relay.internal".into(), 25));
        assert_eq!(ok("SMTP://127.0.0.1:25/"), ("127.0.0.1".into(), 25));
        assert_eq!(ok("smtp://[::1]:1025"), ("::1".into(), 1025));
        assert_eq!(ok("smtp://[::1]"), ("::1".into(), 25));
        for bad in [
            "smtps://relay:465",
            "http://relay:25",
            "relay:25",
            "smtp://",
            "smtp://:25",
            "smtp://relay:",
            "smtp://relay:0",
            "smtp://relay:99999",
            "smtp://relay:x",
            "smtp://user:pw@relay:25",
            "smtp://relay:25/path",
            "smtp://[::1",
            "smtp://[::1]x",
        ] {
            let err = Smtp::from_url(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_smtp_url", "{bad}");
            assert_eq!(err.status(), axum::http::StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn smtp_failure_is_a_delivery_error() {
        // Nothing listens on a port just freed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let smtp = Smtp::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
        let err = smtp.send(&outgoing(ID)).unwrap_err();
        assert_eq!(err.code(), "delivery_failed");
        assert_eq!(err.status(), axum::http::StatusCode::BAD_GATEWAY);
    }
}
