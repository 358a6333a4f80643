//! Running the server: storage, email delivery and the HTTP API together.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::delivery::{self, EmailConfig};
use crate::error::{Result, ServerError};
use crate::http::{router, AppState};
use crate::mail::Mailer;
use crate::setup::email_secret;
use crate::storage::SharedStorage;

pub struct ServeOptions {
    pub storage: SharedStorage,
    pub mailer: Arc<dyn Mailer>,
    /// The domain of reply-to addresses; its mail must reach `POST /inbound/email`.
    pub inbound_domain: String,
    /// How often email delivery looks for due mail when nothing wakes it.
    pub delivery_interval: Duration,
}

pub async fn serve(listen: SocketAddr, opts: ServeOptions) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| ServerError::Storage(format!("cannot listen on {listen}: {e}")))?;
    serve_on(listener, opts).await
}

/// Serves on a listener the caller bound (tests bind port 0 and read the address first).
pub async fn serve_on(listener: tokio::net::TcpListener, opts: ServeOptions) -> Result<()> {
    // Storage calls block (the PostgreSQL client runs its own little runtime): off the async
    // threads, like every request's.
    let storage = opts.storage.clone();
    let inbound_domain = opts.inbound_domain.clone();
    let (state, email) = tokio::task::spawn_blocking(move || -> Result<_> {
        let email = EmailConfig {
            from_address: format!("notifications@{inbound_domain}"),
            inbound_domain,
            secret: email_secret(storage.as_ref())?,
        };
        Ok((AppState::new(storage, email.clone())?, email))
    })
    .await
    .map_err(|e| ServerError::Storage(format!("starting up panicked: {e}")))??;
    tokio::spawn(delivery::run(
        opts.storage,
        opts.mailer,
        email,
        state.wake_delivery.clone(),
        opts.delivery_interval,
    ));
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    // Scripts and tests wait for this line.
    println!("inbox-server listening on http://{addr}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| ServerError::Storage(format!("the HTTP server stopped: {e}")))
}
