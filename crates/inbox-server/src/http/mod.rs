//! The HTTP API: sync (the app), REST (teammates and integrations), the Messenger (customers)
//! and inbound email. Handlers are thin: they authenticate, decode, and run domain code in a
//! storage transaction on a blocking thread.

mod attachments;
mod brand_logo;
mod context;
mod extract;
mod inbound;
mod live;
mod messenger;
mod messenger_conversations;
mod messenger_page;
mod messenger_session;
pub(crate) mod openapi;
pub(crate) mod rest;
mod sync;
mod throttle;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::sync::{broadcast, Notify};
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use crate::delivery::EmailConfig;
use crate::error::{Result, ServerError};
use crate::storage::{SharedStorage, StorageExt};
use crate::workspace::Db;

pub use attachments::{
    check_named as check_attachments, customer_sees as customer_sees_attachment,
    records as attachment_records,
};
pub use context::{request_id, REQUEST_ID_HEADER};
pub use extract::{Customer, Teammate};
pub use inbound::RELAY_SECRET_HEADER;
pub use messenger::{MessengerStateBody, ReplyBody};
pub use rest::translate_search;
pub use throttle::{LoginLimits, UploadLimits};

/// Request bodies larger than this are refused with 413 (inbound emails included).
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// What one client may hold of the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A request's head (request line and headers) must arrive within this; an idle
    /// keep-alive connection is closed after it.
    pub header_timeout: Duration,
    /// A request's whole body must arrive within this.
    pub body_timeout: Duration,
    /// Open connections at most (also kept below the process's file limit).
    pub max_connections: usize,
    pub login: LoginLimits,
    /// Uploads per teammate and per customer.
    pub uploads: UploadLimits,
    /// Take the client's address from the last `X-Forwarded-For` entry when the connection
    /// comes from loopback (the server runs behind a local TLS proxy).
    pub behind_proxy: bool,
    /// A session token unused for this long stops working (API tokens do not expire).
    pub session_idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(60),
            max_connections: 10_000,
            login: LoginLimits::default(),
            uploads: UploadLimits::default(),
            behind_proxy: false,
            session_idle: Duration::from_secs(14 * 24 * 3600),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub storage: SharedStorage,
    /// The bytes of attachments.
    pub blobs: Arc<crate::blobs::BlobStore>,
    pub email: Arc<EmailConfig>,
    /// Intercom's `workspace_id`, as contacts and `/me` show it.
    pub workspace_id: Arc<str>,
    /// The newest cursor, for the live stream.
    pokes: broadcast::Sender<i64>,
    last_cursor: Arc<AtomicI64>,
    /// Wakes email delivery when a change may have queued mail.
    pub wake_delivery: Arc<Notify>,
    /// Wakes webhook delivery when a change may have recorded events.
    pub wake_webhooks: Arc<Notify>,
    pub limits: Arc<Limits>,
    logins: Arc<throttle::LoginGuard>,
    /// The same brakes on customers signing in to the Messenger, counted on their own.
    customer_sign_ins: Arc<throttle::LoginGuard>,
    /// Uploads counted per uploader.
    pub uploads: Arc<throttle::UploadGuard>,
    /// Bumped whenever tokens may have stopped working, so live streams check theirs at once.
    auth_changes: Arc<tokio::sync::watch::Sender<u64>>,
}

impl AppState {
    pub fn new(
        storage: SharedStorage,
        blobs: crate::blobs::BlobStore,
        email: EmailConfig,
        limits: Limits,
    ) -> Result<AppState> {
        let last = storage.reading(|tx| tx.last_cursor())?;
        let (pokes, _) = broadcast::channel(64);
        let state = AppState {
            storage,
            blobs: Arc::new(blobs),
            workspace_id: crate::setup::workspace_id(&email.secret).into(),
            email: Arc::new(email),
            pokes,
            last_cursor: Arc::new(AtomicI64::new(last)),
            wake_delivery: Arc::new(Notify::new()),
            wake_webhooks: Arc::new(Notify::new()),
            logins: Arc::new(throttle::LoginGuard::new(&limits.login)),
            customer_sign_ins: Arc::new(throttle::LoginGuard::new(&limits.login)),
            uploads: Arc::new(throttle::UploadGuard::new(&limits.uploads)),
            auth_changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            limits: Arc::new(limits),
        };
        let watcher = state.clone();
        state
            .storage
            .watch(Box::new(move |cursor| watcher.poke(cursor)))?;
        Ok(state)
    }

    /// Tells live-stream clients that the log reached `cursor`.
    pub fn poke(&self, cursor: i64) {
        let previous = self.last_cursor.fetch_max(cursor, Ordering::SeqCst);
        if cursor > previous {
            // No subscribers is fine: nobody is listening right now.
            let _ = self.pokes.send(cursor);
        }
    }

    /// Tokens may have stopped working (a sign-out, a revocation, a teammate deactivated):
    /// live streams re-check theirs now rather than at their next periodic check.
    pub fn auth_changed(&self) {
        self.auth_changes.send_modify(|n| *n += 1);
    }

    pub fn watch_auth(&self) -> tokio::sync::watch::Receiver<u64> {
        self.auth_changes.subscribe()
    }

    /// Who `token` speaks for now, or `unauthorized`.
    pub async fn check_token(&self, token: String) -> Result<crate::auth::Resolved> {
        let idle = self.limits.session_idle.as_millis() as i64;
        self.read(move |db| crate::auth::resolve(db, &token, crate::authority::now(), idle))
            .await
    }

    pub fn subscribe(&self) -> (i64, broadcast::Receiver<i64>) {
        let rx = self.pokes.subscribe();
        (self.last_cursor.load(Ordering::SeqCst), rx)
    }

    /// Runs `f` in a read transaction on a blocking thread.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let storage = self.storage.clone();
        tokio::task::spawn_blocking(move || storage.reading(|tx| f(&Db::new(tx))))
            .await
            .map_err(|e| ServerError::Storage(format!("a read panicked: {e}")))?
    }

    /// Runs `f` in a write transaction on a blocking thread; after the commit, pokes the live
    /// stream and email delivery.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let storage = self.storage.clone();
        let (value, cursor) = tokio::task::spawn_blocking(move || {
            storage.writing(|tx| {
                let db = Db::new(tx);
                let value = f(&db)?;
                let cursor = db.tx().last_cursor()?;
                Ok((value, cursor))
            })
        })
        .await
        .map_err(|e| ServerError::Storage(format!("a write panicked: {e}")))??;
        self.poke(cursor);
        self.wake_delivery.notify_one();
        self.wake_webhooks.notify_one();
        Ok(value)
    }
}

/// Every documented route, each registered from its handler's `#[utoipa::path]` (utoipa-axum's
/// `routes!`: one entry per path, with the handlers of its methods), so the router and the
/// OpenAPI document are built from the same table and cannot disagree.
pub(crate) fn routes() -> Vec<UtoipaMethodRouter<AppState>> {
    let mut all = vec![
        routes!(health),
        routes!(openapi::document),
        routes!(sync::login),
        routes!(sync::logout),
        routes!(sync::push),
        routes!(sync::admin),
        routes!(sync::me),
        routes!(sync::pull),
        routes!(sync::bootstrap),
        routes!(sync::stream),
        routes!(messenger_session::config),
        routes!(messenger_session::link),
        routes!(messenger_session::code),
        routes!(messenger_session::verify),
        routes!(messenger_session::identify),
        routes!(messenger_session::me),
        routes!(messenger::home),
        routes!(messenger::logout),
        routes!(messenger::set_state),
        routes!(messenger::stream),
        routes!(messenger::ticket_types),
        routes!(messenger::submit),
        routes!(messenger::ticket),
        routes!(messenger::seen),
        routes!(messenger::reply),
        routes!(
            messenger_conversations::list,
            messenger_conversations::start
        ),
        routes!(messenger_conversations::get),
        routes!(messenger_conversations::reply),
        routes!(messenger_conversations::seen),
        routes!(inbound::email),
        routes!(attachments::upload),
        routes!(attachments::upload_as),
        routes!(attachments::download),
        routes!(attachments::info),
        routes!(attachments::customer_upload),
        routes!(attachments::customer_download),
    ];
    all.extend(rest::routes());
    all
}

/// Liveness check
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "get_health",
    tag = "Server",
    responses((status = 200, description = "The server is up.", content_type = "text/plain", body = String, example = "ok")),
)]
async fn health() -> &'static str {
    "ok"
}

/// The documented routes with the document's frame: split, the router and the document.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    routes().into_iter().fold(
        OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()),
        OpenApiRouter::routes,
    )
}

pub fn router(state: AppState) -> Router {
    let (documented, _) = api().split_for_parts();
    documented
        .merge(messenger_page::routes())
        .merge(brand_logo::routes())
        .fallback(|| async { ServerError::NotFoundRoute })
        .method_not_allowed_fallback(|| async { ServerError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            context::panicked,
        ))
        .layer(axum::middleware::from_fn(context::request_context))
        .with_state(state)
}
