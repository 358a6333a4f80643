//! Running the server: storage, email delivery and the HTTP API together, on connections that
//! no client can hold forever: headers must arrive within a deadline, an idle keep-alive
//! connection is closed, a body must be sent within its own deadline (see
//! [`crate::http::extract`]), and the number of open connections is capped below the process's
//! file limit, so a flood of idle or slow sockets cannot lock other clients out.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::delivery::{self, EmailConfig};
use crate::error::{Result, ServerError};
use crate::http::{router, AppState, Limits};
use crate::mail::Mailer;
use crate::setup::email_secret;
use crate::storage::SharedStorage;

pub struct ServeOptions {
    pub storage: SharedStorage,
    /// Where customers reach the server, for the links in emails; `http://` and the listening
    /// address when none is given.
    pub public_url: Option<String>,
    pub mailer: Arc<dyn Mailer>,
    /// The domain of reply-to addresses; its mail must reach `POST /inbound/email`.
    pub inbound_domain: String,
    /// The secret the mail relay sends with inbound email (none: anyone may post it).
    pub inbound_secret: Option<String>,
    /// Days a reply-to address keeps working after its email was made.
    pub reply_token_days: i64,
    /// How often email and webhook delivery look for due work when nothing wakes them.
    pub delivery_interval: Duration,
    /// The first pause after a failed webhook delivery (it doubles with each failure).
    pub webhook_retry: Duration,
    pub limits: Limits,
    /// The folder attachments' bytes are kept in (content-addressed).
    pub attachments_dir: std::path::PathBuf,
}

pub async fn serve(listen: SocketAddr, opts: ServeOptions) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| ServerError::Storage(format!("cannot listen on {listen}: {e}")))?;
    serve_on(listener, opts).await
}

/// Serves on a listener the caller bound (tests bind port 0 and read the address first).
pub async fn serve_on(listener: tokio::net::TcpListener, opts: ServeOptions) -> Result<()> {
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let claimer = format!("{}:{}", hostname(), addr.port());
    // Storage calls block (the PostgreSQL client runs its own little runtime): off the async
    // threads, like every request's.
    let storage = opts.storage.clone();
    let inbound_domain = opts.inbound_domain.clone();
    let inbound_secret = opts.inbound_secret.clone();
    let reply_token_days = opts.reply_token_days;
    let limits = opts.limits.clone();
    let attachments_dir = opts.attachments_dir.clone();
    let public_url = opts
        .public_url
        .clone()
        .map(|u| u.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("http://{addr}"));
    let (state, email) = tokio::task::spawn_blocking(move || -> Result<_> {
        let blobs = crate::blobs::BlobStore::open(&attachments_dir)?;
        let email = EmailConfig {
            blobs: blobs.clone(),
            public_url,
            from_address: format!("notifications@{inbound_domain}"),
            inbound_domain,
            inbound_secret,
            reply_token_days,
            claimer,
            secret: email_secret(storage.as_ref())?,
        };
        Ok((AppState::new(storage, blobs, email.clone(), limits)?, email))
    })
    .await
    .map_err(|e| ServerError::Storage(format!("starting up panicked: {e}")))??;
    if email.inbound_secret.is_none() {
        tracing::warn!(
            "no inbound secret is set: anyone who can reach /inbound/email may post mail to it \
             (set --inbound-secret and have the mail relay send it)"
        );
    }
    tokio::spawn(crate::webhook_delivery::run(
        opts.storage.clone(),
        opts.mailer.clone(),
        crate::webhook_delivery::WebhookConfig {
            retry_base: opts.webhook_retry.as_millis() as i64,
            from_address: email.from_address.clone(),
            claimer: email.claimer.clone(),
        },
        state.wake_webhooks.clone(),
        opts.delivery_interval,
    ));
    tokio::spawn(crate::snooze::run(
        opts.storage.clone(),
        opts.delivery_interval,
    ));
    tokio::spawn(delivery::run(
        opts.storage,
        opts.mailer,
        email,
        state.wake_delivery.clone(),
        opts.delivery_interval,
    ));
    let max_connections = opts.limits.max_connections.min(connection_room());
    tracing::info!(%addr, max_connections, "listening");
    // Scripts and tests wait for this line.
    println!("inbox-server listening on http://{addr}");
    let app = router(state);
    let slots = Arc::new(Semaphore::new(max_connections));
    tokio::select! {
        result = accept_loop(listener, app, slots, opts.limits) => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// Accepts connections while a slot is free; beyond the cap new ones wait in the kernel's
/// backlog until an open one closes.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    slots: Arc<Semaphore>,
    limits: Limits,
) -> Result<()> {
    loop {
        let slot = slots
            .clone()
            .acquire_owned()
            .await
            .expect("the connection semaphore is never closed");
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors or a connection reset before accept: keep serving.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |req: hyper::Request<hyper::body::Incoming>| {
                let mut req = req.map(axum::body::Body::new);
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let service = hyper_util::service::TowerToHyperService::new(service);
            let mut http = hyper::server::conn::http1::Builder::new();
            // Covers a slow request head and an idle keep-alive connection alike: hyper starts
            // this timer whenever it waits for a request's head.
            http.timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            if let Err(e) = http.serve_connection(TokioIo::new(socket), service).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
}

/// How many connections this process can hold: its file limit, raised to the hard limit, less
/// room for the database, log and mail files it opens itself.
fn connection_room() -> usize {
    const RESERVED: u64 = 256;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1_024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
    }
    let current = limit.rlim_cur.min(1 << 20);
    current.saturating_sub(RESERVED).max(64) as usize
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".to_owned())
}
