//! Sends queued customer emails when they are due, enforcing the reply-email delay and
//! seen-suppression (R5). The queue lives in the database, so nothing is lost on a restart; an
//! email is claimed (with a lease) before it is sent and marked sent after, so two server
//! processes never both send it, and a process killed mid-send has it retried after the lease
//! with the same Message-ID (an `.eml` folder even ignores the retry).

use std::sync::Arc;
use std::time::Duration;

use inbox_core::email::{render, reply_token, EmailInput};
use inbox_core::messenger::customer_view;
use inbox_core::notify::EmailDecision;
use inbox_core::{Millis, Workspace};

use crate::error::Result;
use crate::mail::{Mailer, Outgoing};
use crate::notifications::{put_email, reply_bodies, seen_parts, QueuedEmail};
use crate::storage::{EmailRow, SharedStorage, StorageExt};
use crate::workspace::{parse, Db};

/// How long a claimed email is left to its sender before another attempt may take it.
pub const LEASE: Millis = 60_000;
/// Emails claimed per round.
const BATCH: usize = 50;

/// Where replies to customer emails are addressed.
#[derive(Debug, Clone)]
pub struct EmailConfig {
    pub inbound_domain: String,
    pub from_address: String,
    pub secret: Vec<u8>,
}

/// One round: claims what is due, sends it, records the result. Returns how many were sent.
pub fn run_once(
    storage: &SharedStorage,
    mailer: &dyn Mailer,
    config: &EmailConfig,
    now: Millis,
) -> Result<usize> {
    let claimed = storage.writing(|tx| claim_due(&Db::new(tx), config, now))?;
    let mut sent = 0;
    for (row, email, outgoing) in claimed {
        match mailer.send(&outgoing) {
            Ok(()) => {
                let mut email = email;
                email.sent_at = Some(now);
                storage
                    .writing(|tx| put_email(&Db::new(tx), &row.id, "sent", row.due_at, &email))?;
                sent += 1;
            }
            Err(e) => {
                // Kept pending with a growing pause: mail is never dropped for a relay's hiccup.
                eprintln!("inbox-server: sending email {} failed: {e}", row.id);
                let retry_at = now + backoff(email.attempts);
                storage
                    .writing(|tx| put_email(&Db::new(tx), &row.id, "pending", retry_at, &email))?;
            }
        }
    }
    Ok(sent)
}

fn backoff(attempts: u32) -> Millis {
    (5_000 * 2i64.pow(attempts.min(8))).min(30 * 60_000)
}

type Claimed = (EmailRow, QueuedEmail, Outgoing);

fn claim_due(db: &Db, config: &EmailConfig, now: Millis) -> Result<Vec<Claimed>> {
    let mut claimed = Vec::new();
    let due = db.tx().due_emails(now, BATCH)?;
    for row in due {
        let mut email: QueuedEmail = parse("queued email", &row.doc)?;
        let seen = seen_parts(db, email.contact, email.ticket)?;
        match email.due.decide(&seen, now) {
            EmailDecision::Drop => {
                email.dropped = Some("seen in the Messenger in time".into());
                put_email(db, &row.id, "dropped", row.due_at, &email)?;
            }
            EmailDecision::Wait { until } => put_email(db, &row.id, "pending", until, &email)?,
            EmailDecision::Send => {
                if email.rendered.is_none() {
                    email.rendered = render_email(db, &email, config)?;
                }
                let Some(rendered) = email.rendered.clone() else {
                    email.dropped = Some("the ticket is no longer shared with the customer".into());
                    put_email(db, &row.id, "dropped", row.due_at, &email)?;
                    continue;
                };
                email.attempts += 1;
                put_email(db, &row.id, "sending", now + LEASE, &email)?;
                let brand = db.brand(db.ticket(email.ticket)?.brand)?;
                let outgoing = Outgoing {
                    id: row.id.clone(),
                    from_name: brand.map(|b| b.name).unwrap_or_default(),
                    from_address: config.from_address.clone(),
                    email: rendered,
                };
                claimed.push((row, email, outgoing));
            }
        }
    }
    Ok(claimed)
}

/// The email as the customer will get it, or None if the ticket is no longer theirs to see.
fn render_email(
    db: &Db,
    email: &QueuedEmail,
    config: &EmailConfig,
) -> Result<Option<inbox_core::email::Email>> {
    let ticket = db.ticket(email.ticket)?;
    let ticket_type = db.ticket_type(ticket.type_id)?;
    let states = db.states()?;
    let Some(view) = customer_view(&ticket, std::slice::from_ref(&ticket_type), &states) else {
        return Ok(None);
    };
    if !ticket.contacts.contains(&email.contact) {
        return Ok(None);
    }
    let Some(brand) = db.brand(ticket.brand)? else {
        return Ok(None);
    };
    let contact = db.contact(email.contact)?;
    let replies = reply_bodies(db, email)?;
    Ok(Some(render(&EmailInput {
        reasons: &email.reasons,
        ticket: &view,
        brand: &brand,
        contact: &contact,
        replies: &replies,
        reply_to: reply_address(ticket.id, config),
    })))
}

pub fn reply_address(ticket: inbox_core::TicketId, config: &EmailConfig) -> String {
    format!(
        "reply+{}@{}",
        reply_token(ticket, &config.secret),
        config.inbound_domain
    )
}

/// Runs delivery rounds until the process ends: at once when woken (a change queued mail),
/// otherwise every `interval`.
pub async fn run(
    storage: SharedStorage,
    mailer: Arc<dyn Mailer>,
    config: EmailConfig,
    wake: Arc<tokio::sync::Notify>,
    interval: Duration,
) {
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
            Ok(Err(e)) => eprintln!("inbox-server: email delivery round failed: {e}"),
            Err(e) => eprintln!("inbox-server: email delivery round panicked: {e}"),
        }
        let _ = tokio::time::timeout(interval, wake.notified()).await;
    }
}
