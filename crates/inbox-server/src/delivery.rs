//! Sends queued customer emails when they are due, enforcing the reply-email delay and
//! seen-suppression (R5). The queue lives in the database, so nothing is lost on a restart; an
//! email is claimed (with a lease) before it is sent and marked sent after, so two server
//! processes never both send it, and a process killed mid-send has it retried after the lease
//! with the same Message-ID (an `.eml` folder even ignores the retry).

use std::sync::Arc;
use std::time::Duration;

use inbox_core::email::{
    logo_src, messenger_url, render, reply_token, EmailInput, Links, ReplyFiles,
};
use inbox_core::messenger::customer_view;
use inbox_core::notification::unseen_reasons;
use inbox_core::notify::{EmailDecision, Thread};
use inbox_core::{Millis, Workspace};

use std::panic::AssertUnwindSafe;

use crate::error::{Result, ServerError};
use crate::mail::{Mailer, Outgoing, OutgoingFile};
use crate::notifications::{put_email, reply_bodies, seen_parts, QueuedEmail};
use crate::storage::{EmailRow, SharedStorage, StorageExt};
use crate::workspace::{parse, Db};

/// How long a claimed email is left to its sender before another attempt may take it.
pub const LEASE: Millis = 60_000;
/// Emails looked at per round.
const BATCH: usize = 50;

/// Where replies to customer emails are addressed.
#[derive(Debug, Clone)]
pub struct EmailConfig {
    /// Where customers reach this server (`https://support.example.com`): emails' links and
    /// logo point here.
    pub public_url: String,
    pub inbound_domain: String,
    /// The secret a mail relay must send to post inbound email (none: anyone may).
    pub inbound_secret: Option<String>,
    /// Days a reply-to address keeps working after its email was made.
    pub reply_token_days: i64,
    /// Who claims emails here: this host and the port the server listens on. Only one live
    /// process can hold that port, so at start every claim under the name is a dead
    /// predecessor's and is taken back at once instead of waiting out its lease.
    pub claimer: String,
    pub from_address: String,
    pub secret: Vec<u8>,
    /// Where the files emails attach are read from.
    pub blobs: crate::blobs::BlobStore,
}

/// Failed sends before an email is given up on as `failed`: with the back-off below, about
/// two days of a relay refusing it.
pub const MAX_ATTEMPTS: u32 = 100;

/// One round: takes what is due, one email at a time, each in its own transactions, so an
/// email that cannot be built or sent ends `failed` with its reason and never holds up the
/// others. Returns how many were sent.
pub fn run_once(
    storage: &SharedStorage,
    mailer: &dyn Mailer,
    config: &EmailConfig,
    now: Millis,
) -> Result<usize> {
    let due = storage.reading(|tx| tx.due_emails(now, BATCH))?;
    let mut sent = 0;
    for row in due {
        // A panic while building one email (a broken template, a mail library's assertion)
        // must not take delivery down for everyone.
        let attempt = std::panic::catch_unwind(AssertUnwindSafe(|| {
            deliver(storage, mailer, config, &row, now)
        }));
        match attempt {
            Ok(Ok(true)) => sent += 1,
            Ok(Ok(false)) => {}
            // The database itself failed: this round is over, the next one tries again.
            Ok(Err(e @ ServerError::Storage(_))) => return Err(e),
            Ok(Err(e)) => give_up(storage, &row, &e.to_string())?,
            Err(panic) => give_up(storage, &row, &panic_message(&panic))?,
        }
    }
    Ok(sent)
}

/// Sends one due email if it still is due; returns whether it went out.
fn deliver(
    storage: &SharedStorage,
    mailer: &dyn Mailer,
    config: &EmailConfig,
    row: &EmailRow,
    now: Millis,
) -> Result<bool> {
    let Some((email, outgoing)) =
        storage.writing(|tx| claim(&Db::new(tx), &row.id, config, now))?
    else {
        return Ok(false);
    };
    match mailer.send(&outgoing) {
        Ok(()) => {
            let email = QueuedEmail {
                sent_at: Some(now),
                ..email
            };
            storage.writing(|tx| put_email(&Db::new(tx), &row.id, "sent", row.due_at, &email))?;
            Ok(true)
        }
        Err(e @ ServerError::Delivery(_)) if email.attempts < MAX_ATTEMPTS => {
            // Kept pending with a growing pause: mail is never dropped for a relay's hiccup.
            tracing::warn!(email = %row.id, error = %e, "sending an email failed; retrying later");
            let retry_at = now + backoff(email.attempts);
            storage.writing(|tx| put_email(&Db::new(tx), &row.id, "pending", retry_at, &email))?;
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Marks an email `failed` with the reason, for admins to see (`GET /emails?status=failed`).
/// Even an email whose stored document no longer reads is taken out of the queue.
fn give_up(storage: &SharedStorage, row: &EmailRow, reason: &str) -> Result<()> {
    tracing::error!(email = %row.id, reason, "an email cannot be delivered and is given up");
    storage.writing(|tx| {
        let Some(mut current) = tx.email(&row.id)? else {
            return Ok(());
        };
        if let Ok(mut email) = serde_json::from_str::<QueuedEmail>(&current.doc) {
            email.failed = Some(reason.to_owned());
            current.doc = serde_json::to_string(&email).expect("queued emails serialise");
        }
        current.status = "failed".into();
        tx.put_email(&current)
    })
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("building the email failed: {text}")
}

fn backoff(attempts: u32) -> Millis {
    (5_000 * 2i64.pow(attempts.min(8))).min(30 * 60_000)
}

/// Decides what to do with the email `id` now and, when it is to be sent, claims it with a
/// lease and returns it rendered. Another process may have taken it since it was listed:
/// then it is no longer due and nothing happens.
fn claim(
    db: &Db,
    id: &str,
    config: &EmailConfig,
    now: Millis,
) -> Result<Option<(QueuedEmail, Outgoing)>> {
    let Some(row) = db.tx().email(id)? else {
        return Ok(None);
    };
    if !matches!(row.status.as_str(), "pending" | "sending") || row.due_at > now {
        return Ok(None);
    }
    let mut email: QueuedEmail = parse("queued email", &row.doc)?;
    let seen = match email.about {
        Some(about) => seen_parts(db, email.contact, about)?,
        None => Vec::new(),
    };
    match email.due.decide(&seen, now) {
        EmailDecision::Drop => {
            email.dropped = Some("seen in the Messenger in time".into());
            put_email(db, id, "dropped", row.due_at, &email)?;
            Ok(None)
        }
        EmailDecision::Wait { until } => {
            put_email(db, id, "pending", until, &email)?;
            Ok(None)
        }
        EmailDecision::Send => {
            if email.rendered.is_none() {
                // Replies merged into one email are sent only if still unseen (R5).
                email.reasons = unseen_reasons(&email.reasons, &seen);
                if let Some((rendered, attached)) = render_email(db, &email, config, now)? {
                    email.rendered = Some(rendered);
                    email.attached = attached;
                }
            }
            let Some(rendered) = email.rendered.clone() else {
                email.dropped = Some("the ticket is no longer shared with the customer".into());
                put_email(db, id, "dropped", row.due_at, &email)?;
                return Ok(None);
            };
            email.attempts += 1;
            email.claimed_by = Some(config.claimer.clone());
            put_email(db, id, "sending", now + LEASE, &email)?;
            let brand = db.brand(brand_of(db, email.about)?)?;
            let outgoing = Outgoing {
                id: id.to_owned(),
                from_name: brand.map(|b| b.name).unwrap_or_default(),
                from_address: config.from_address.clone(),
                email: rendered,
                files: outgoing_files(db, config, &email.attached)?,
            };
            Ok(Some((email, outgoing)))
        }
    }
}

/// The files an email attaches, read from the blob store when the message is built.
fn outgoing_files(
    db: &Db,
    config: &EmailConfig,
    ids: &[inbox_core::AttachmentId],
) -> Result<Vec<OutgoingFile>> {
    let records = crate::http::attachment_records(db, ids.iter())?;
    ids.iter()
        .filter_map(|id| records.get(id))
        .map(|a| {
            Ok(OutgoingFile {
                name: a.name.clone(),
                content_type: a.content_type.clone(),
                path: config.blobs.path(&a.sha256)?,
            })
        })
        .collect()
}

/// The email as the customer will get it, with the files it attaches, or None if the ticket
/// is no longer theirs to see.
fn render_email(
    db: &Db,
    email: &QueuedEmail,
    config: &EmailConfig,
    now: Millis,
) -> Result<Option<(inbox_core::email::Email, Vec<inbox_core::AttachmentId>)>> {
    let Some(about) = email.about else {
        // An account email is rendered when queued; one without is unusable.
        return Ok(None);
    };
    let (view, subject) = match about {
        Thread::Ticket(id) => {
            let ticket = db.ticket(id)?;
            let ticket_type = db.ticket_type(ticket.type_id)?;
            let states = db.states()?;
            let Some(view) = customer_view(&ticket, std::slice::from_ref(&ticket_type), &states)
            else {
                return Ok(None);
            };
            if !ticket.contacts.contains(&email.contact) {
                return Ok(None);
            }
            let title = view.title.clone();
            (Some(view), title)
        }
        Thread::Conversation(id) => (None, db.conversation(id)?.subject),
    };
    let Some(brand) = db.brand(brand_of(db, Some(about))?)? else {
        return Ok(None);
    };
    let contact = db.contact(email.contact)?;
    let replies = reply_bodies(db, email)?;
    let attached = replies
        .iter()
        .flat_map(|r| match &r.files {
            ReplyFiles::Listed(files) => {
                files.iter().filter(|f| f.attached).map(|f| f.id).collect()
            }
            ReplyFiles::Unlisted(_) => Vec::new(),
        })
        .collect();
    let rendered = render(&EmailInput {
        reasons: &email.reasons,
        ticket: view.as_ref(),
        subject: &subject,
        brand: &brand,
        contact: &contact,
        replies: &replies,
        links: links(config, email.contact, about, &brand, now),
    });
    Ok(Some((rendered, attached)))
}

/// Where a customer email about `about` points: its reply-to address, the brand's logo as the
/// server serves it, and the signed link that opens it in the Messenger.
pub fn links(
    config: &EmailConfig,
    contact: inbox_core::ContactId,
    about: Thread,
    brand: &inbox_core::Brand,
    now: Millis,
) -> Links {
    Links {
        reply_to: reply_address(about, config, now),
        logo: logo_src(brand, &config.public_url),
        messenger: Some(messenger_url(
            &config.public_url,
            brand,
            contact,
            about,
            now,
            &config.secret,
        )),
    }
}

/// The brand an email goes out under: the ticket's, or the workspace's default for a
/// conversation and the customer's account (R14).
fn brand_of(db: &Db, about: Option<Thread>) -> Result<inbox_core::BrandId> {
    match about {
        Some(Thread::Ticket(id)) => Ok(db.ticket(id)?.brand),
        _ => db.default_brand(),
    }
}

pub fn reply_address(about: Thread, config: &EmailConfig, now: Millis) -> String {
    format!(
        "reply+{}@{}",
        reply_token(about, now, &config.secret),
        config.inbound_domain
    )
}

/// Runs delivery rounds until the process ends: at once when woken (a change queued mail),
/// otherwise every `interval`.
/// Puts back in the queue, due now, the emails a previous process under `claimer` had taken
/// but never finished (it was killed mid-send). Returns how many.
pub fn release_claims(storage: &SharedStorage, claimer: &str, now: Millis) -> Result<usize> {
    storage.writing(|tx| {
        let db = Db::new(tx);
        let sending = db.tx().emails_with_status("sending", usize::MAX >> 1)?;
        let mut released = 0;
        for row in sending {
            let Ok(email) = serde_json::from_str::<QueuedEmail>(&row.doc) else {
                continue;
            };
            if email.claimed_by.as_deref() == Some(claimer) {
                put_email(&db, &row.id, "pending", now, &email)?;
                released += 1;
            }
        }
        Ok(released)
    })
}

pub async fn run(
    storage: SharedStorage,
    mailer: Arc<dyn Mailer>,
    config: EmailConfig,
    wake: Arc<tokio::sync::Notify>,
    interval: Duration,
) {
    let (storage2, claimer) = (storage.clone(), config.claimer.clone());
    let released = tokio::task::spawn_blocking(move || {
        release_claims(&storage2, &claimer, crate::authority::now())
    })
    .await;
    match released {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::info!(emails = n, "took back emails a killed process was sending"),
        Ok(Err(e)) => tracing::error!(error = %e, "taking back unfinished emails failed"),
        Err(e) => tracing::error!(error = %e, "taking back unfinished emails panicked"),
    }
    loop {
        let (storage2, mailer2, config2) = (storage.clone(), mailer.clone(), config.clone());
        let round = tokio::task::spawn_blocking(move || {
            run_once(
                &storage2,
                mailer2.as_ref(),
                &config2,
                crate::authority::now(),
            )
        })
        .await;
        match round {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "an email delivery round failed"),
            Err(e) => tracing::error!(error = %e, "an email delivery round panicked"),
        }
        let _ = tokio::time::timeout(interval, wake.notified()).await;
    }
}
