//! Posts recorded webhook events to their endpoints: in event order, one at a time per
//! endpoint (so a ticket's events arrive in the order they happened), signed, with a deadline
//! per request. A failure holds that endpoint back with a growing pause and never the others;
//! after [`MAX_FAILURES`] in a row the endpoint is paused and the admin who made it is told by
//! email. An endpoint is leased while a process delivers to it, so several server processes on
//! one database never deliver it twice at once.

use std::sync::Arc;
use std::time::Duration;

use inbox_core::email::Email;
use inbox_core::Millis;

use crate::authority::now;
use crate::error::Result;
use crate::mail::{Mailer, Outgoing};
use crate::storage::{Kind, SharedStorage, StorageExt};
use crate::webhooks::{self, Attempt, Endpoint, Event};
use crate::workspace::{parse, Db};

/// Failed attempts in a row before an endpoint is paused.
pub const MAX_FAILURES: u32 = 10;
/// Events taken per endpoint per round.
const BATCH: usize = 50;
/// How long a receiver has to answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a process holds an endpoint it delivers to.
const LEASE: Millis = 60_000;

#[derive(Clone)]
pub struct WebhookConfig {
    /// The first pause after a failure; it doubles with each failure, up to an hour.
    pub retry_base: Millis,
    /// Where "your webhook is paused" emails come from.
    pub from_address: String,
    /// This process's name on leases (see `EmailConfig::claimer`).
    pub claimer: String,
}

/// Runs delivery rounds until the process ends: at once when woken, otherwise every `interval`.
pub async fn run(
    storage: SharedStorage,
    mailer: Arc<dyn Mailer>,
    config: WebhookConfig,
    wake: Arc<tokio::sync::Notify>,
    interval: Duration,
) {
    let http = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Teammate-Inbox-Webhooks/1")
        .build()
        .expect("an HTTP client with default TLS builds");
    let claimer = config.claimer.clone();
    // A predecessor under the same name was killed mid-delivery: its leases are free now.
    let released = blocking(&storage, move |db| {
        for mut endpoint in webhooks::endpoints(db)? {
            if endpoint.leased_by.as_deref() == Some(claimer.as_str()) {
                endpoint.lease_until = 0;
                webhooks::save(db, &endpoint)?;
            }
        }
        Ok(())
    })
    .await;
    if let Err(e) = released {
        tracing::error!(error = %e, "taking back webhook leases failed");
    }
    loop {
        if let Err(e) = round(&storage, &mailer, &config, &http).await {
            tracing::error!(error = %e, "a webhook delivery round failed");
        }
        let _ = tokio::time::timeout(interval, wake.notified()).await;
    }
}

async fn blocking<T: Send + 'static>(
    storage: &SharedStorage,
    f: impl FnOnce(&Db) -> Result<T> + Send + 'static,
) -> Result<T> {
    let storage = storage.clone();
    tokio::task::spawn_blocking(move || storage.writing(|tx| f(&Db::new(tx))))
        .await
        .map_err(|e| crate::error::ServerError::Storage(format!("a webhook step panicked: {e}")))?
}

async fn round(
    storage: &SharedStorage,
    mailer: &Arc<dyn Mailer>,
    config: &WebhookConfig,
    http: &reqwest::Client,
) -> Result<()> {
    // Most workspaces have no webhook: then a round is one read, never a write.
    let reader = storage.clone();
    let any = tokio::task::spawn_blocking(move || {
        reader.reading(|tx| Ok(!tx.list(Kind::Webhook, "", 1)?.is_empty()))
    })
    .await
    .map_err(|e| crate::error::ServerError::Storage(format!("a webhook step panicked: {e}")))??;
    if !any {
        return Ok(());
    }
    let claimer = config.claimer.clone();
    let claimed = blocking(storage, move |db| {
        prune(db, now())?;
        claim(db, &claimer, now())
    })
    .await?;
    for endpoint in claimed {
        deliver_endpoint(storage, mailer, config, http, endpoint).await?;
    }
    Ok(())
}

/// How long delivered events are kept for replays.
const KEEP: Millis = 7 * 24 * 3_600_000;
/// Events removed per round at most, so pruning never holds the write lock long.
const PRUNE_BATCH: usize = 1_000;

/// Removes events every endpoint is past and that are older than [`KEEP`].
fn prune(db: &Db, now: Millis) -> Result<usize> {
    let endpoints = webhooks::endpoints(db)?;
    let oldest_needed = endpoints.iter().map(|e| e.after.as_str()).min();
    let rows = db.tx().list(Kind::WebhookEvent, "", PRUNE_BATCH)?;
    let mut removed = 0;
    for (id, doc) in rows {
        let event: Event = parse("webhook event", &doc)?;
        let delivered = oldest_needed.is_none_or(|after| id.as_str() <= after);
        if !delivered || event.created_at > now - KEEP {
            break;
        }
        db.tx().delete(Kind::WebhookEvent, &id)?;
        removed += 1;
    }
    Ok(removed)
}

/// Takes the endpoints due for delivery that no other process holds, with a lease.
fn claim(db: &Db, claimer: &str, now: Millis) -> Result<Vec<(Endpoint, Vec<Event>)>> {
    let mut claimed = Vec::new();
    for mut endpoint in webhooks::endpoints(db)? {
        if !endpoint.active || endpoint.retry_at > now || endpoint.lease_until > now {
            continue;
        }
        let rows = db.tx().list(Kind::WebhookEvent, &endpoint.after, BATCH)?;
        if rows.is_empty() {
            continue;
        }
        let events: Vec<Event> = rows
            .iter()
            .map(|(_, doc)| parse("webhook event", doc))
            .collect::<Result<_>>()?;
        endpoint.lease_until = now + LEASE;
        endpoint.leased_by = Some(claimer.to_owned());
        webhooks::save(db, &endpoint)?;
        claimed.push((endpoint, events));
    }
    Ok(claimed)
}

async fn deliver_endpoint(
    storage: &SharedStorage,
    mailer: &Arc<dyn Mailer>,
    config: &WebhookConfig,
    http: &reqwest::Client,
    (endpoint, events): (Endpoint, Vec<Event>),
) -> Result<()> {
    let id = endpoint.id.clone();
    for event in events {
        if !endpoint.wants(&event.topic) {
            let (id, event_id) = (id.clone(), event.id.clone());
            blocking(storage, move |db| {
                update(db, &id, |e| {
                    e.after = event_id;
                })
            })
            .await?;
            continue;
        }
        let attempts = endpoint.failures + 1;
        let body =
            serde_json::to_vec(&webhooks::payload(&event, attempts)).expect("payloads serialise");
        let mut request = http
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("x-inbox-event-id", &event.id);
        for (name, value) in webhooks::signatures(&endpoint.secret, &body) {
            request = request.header(name, value);
        }
        let answer = request.body(body).send().await;
        let (status, error) = match &answer {
            Ok(res) if res.status().is_success() => (Some(res.status().as_u16()), None),
            Ok(res) => (
                Some(res.status().as_u16()),
                Some(format!("the receiver answered {}", res.status())),
            ),
            Err(e) => (None, Some(format!("could not reach the receiver: {e}"))),
        };
        let attempt = Attempt {
            event_id: event.id.clone(),
            topic: event.topic.clone(),
            at: now(),
            status,
            error: error.clone(),
        };
        let ok = error.is_none();
        let retry_base = config.retry_base;
        let (id2, event_id) = (id.clone(), event.id.clone());
        let paused = blocking(storage, move |db| {
            let mut paused = None;
            update(db, &id2, |e| {
                e.record(attempt);
                if ok {
                    e.after = event_id;
                    e.failures = 0;
                    e.retry_at = 0;
                } else {
                    e.failures += 1;
                    e.retry_at = now() + backoff(retry_base, e.failures);
                    e.lease_until = 0;
                    if e.failures >= MAX_FAILURES {
                        e.active = false;
                        e.paused_reason = Some(format!(
                            "paused after {} failed deliveries in a row; the last: {}",
                            e.failures,
                            error.clone().unwrap_or_default()
                        ));
                        paused = Some(e.clone());
                    }
                }
            })?;
            Ok(paused)
        })
        .await?;
        if let Some(paused) = paused {
            tell_admin(storage, mailer, config, paused).await;
        }
        if !ok {
            return Ok(());
        }
    }
    let id = id.clone();
    blocking(storage, move |db| update(db, &id, |e| e.lease_until = 0)).await
}

/// Changes the stored endpoint `id` (an admin may have edited it meanwhile: only the delivery
/// fields are written over what is stored now).
fn update(db: &Db, id: &str, change: impl FnOnce(&mut Endpoint)) -> Result<()> {
    let Some(mut endpoint) = db.get::<Endpoint>(Kind::Webhook, id)? else {
        return Ok(());
    };
    change(&mut endpoint);
    webhooks::save(db, &endpoint)
}

fn backoff(base: Millis, failures: u32) -> Millis {
    (base.max(1) * 2i64.pow(failures.saturating_sub(1).min(16))).min(3_600_000)
}

/// Emails the admin who made a paused endpoint (best effort: the pause itself is on record
/// and visible over REST).
async fn tell_admin(
    storage: &SharedStorage,
    mailer: &Arc<dyn Mailer>,
    config: &WebhookConfig,
    endpoint: Endpoint,
) {
    let admin = endpoint.created_by;
    let found = blocking(storage, move |db| {
        db.get::<inbox_core::Teammate>(Kind::Teammate, &admin.to_string())
    })
    .await;
    let Ok(Some(admin)) = found else {
        return;
    };
    let reason = endpoint.paused_reason.clone().unwrap_or_default();
    let text = format!(
        "Hi {},\n\nThe webhook to {} is paused: {reason}.\n\nFix the receiver, then turn the webhook on again (PUT /webhooks/{} with \"active\": true); what happened meanwhile is delivered then, in order.\n",
        admin.name, endpoint.url, endpoint.id
    );
    let mail = Outgoing {
        id: format!("webhook-{}-{}", endpoint.id, endpoint.failures),
        from_name: "Teammate Inbox".into(),
        from_address: config.from_address.clone(),
        email: Email {
            to: admin.email,
            reply_to: config.from_address.clone(),
            subject: format!("Webhook paused: {}", endpoint.url),
            html: format!("<p>{}</p>", html_escape(&text).replace("\n\n", "</p><p>")),
            text,
        },
        files: Vec::new(),
    };
    let mailer = mailer.clone();
    let sent = tokio::task::spawn_blocking(move || mailer.send(&mail)).await;
    if !matches!(sent, Ok(Ok(()))) {
        tracing::warn!(webhook = %endpoint.id, "could not email the admin of a paused webhook");
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::sqlite::SqliteStorage;

    fn event(db: &Db, cursor: i64, at: Millis) -> String {
        let id = format!("{cursor:020}-000000");
        let event = Event {
            id: id.clone(),
            topic: "ticket.note.created".into(),
            ticket: inbox_core::TicketId::from_parts(1, 1),
            created_at: at,
            item: serde_json::json!({}),
        };
        db.put(Kind::WebhookEvent, &id, &event).unwrap();
        id
    }

    #[test]
    fn events_are_pruned_once_delivered_everywhere_and_old() {
        let dir = tempfile::tempdir().unwrap();
        let storage: SharedStorage = Arc::new(SqliteStorage::open_dir(dir.path()).unwrap());
        let day = 86_400_000;
        storage
            .writing(|tx| {
                let db = Db::new(tx);
                let first = event(&db, 1, 0);
                event(&db, 2, 0);
                event(&db, 3, 10 * day);
                let endpoint = Endpoint {
                    id: "e1".into(),
                    url: "http://127.0.0.1:9/hook".into(),
                    topics: vec!["ticket.note.created".into()],
                    secret: "s".into(),
                    created_by: inbox_core::TeammateId::from_parts(1, 1),
                    created_at: 0,
                    active: false,
                    paused_reason: None,
                    after: first,
                    failures: 0,
                    retry_at: 0,
                    lease_until: 0,
                    leased_by: None,
                    recent: Default::default(),
                };
                webhooks::save(&db, &endpoint)?;
                // Only the first is delivered to every endpoint; the third is too recent.
                assert_eq!(prune(&db, 11 * day)?, 1);
                db.tx().delete(Kind::Webhook, "e1")?;
                assert_eq!(
                    prune(&db, 11 * day)?,
                    1,
                    "the second, once nobody waits for it"
                );
                assert_eq!(prune(&db, 18 * day)?, 1, "the third, once it is old");
                Ok(())
            })
            .unwrap();
    }
}
