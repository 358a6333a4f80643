//! The app's HTTP client for the sync API. Every failure is a [`ClientError`] whose `code`
//! tells the sync engine what to do: retry later (`offline`, `server_unavailable`), sign in
//! again (`unauthorized`), or give up on a request the server refused.

use std::time::Duration;

use inbox_core::{ErrorBody, Teammate};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{
    BootstrapPage, Cursor, LoginRequest, LoginResponse, Poke, PullResponse, PushRequest,
    PushResponse, PROTOCOL_HEADER, PROTOCOL_VERSION,
};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached (no network, connection refused or cut, timeout).
    #[error("The server cannot be reached: {0}")]
    Offline(String),
    /// The server answered with an error of its own.
    #[error("{}", .body.message)]
    Server { status: u16, body: ErrorBody },
    /// What was given as the server's address is not an http(s) URL.
    #[error("\"{0}\" is not a server address; use one like https://inbox.example.com")]
    InvalidUrl(String),
    /// The server's answer was not what the protocol says.
    #[error("The server's answer could not be read: {0}")]
    Protocol(String),
}

impl ClientError {
    pub fn code(&self) -> &str {
        match self {
            ClientError::Offline(_) => "offline",
            ClientError::Server { body, .. } => &body.code,
            ClientError::InvalidUrl(_) => "invalid_server_url",
            ClientError::Protocol(_) => "protocol_error",
        }
    }

    /// Worth trying again later: the network or the server may come back.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Offline(_) => true,
            // 408: the request took too long to arrive (a slow link, a busy server), which
            // says nothing against sending it again.
            ClientError::Server { status, .. } => matches!(status, 408 | 429 | 500..),
            ClientError::InvalidUrl(_) | ClientError::Protocol(_) => false,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        // Whatever reqwest says, even `is_decode()`: it calls a body cut short or timed out a
        // decode error too. The one answer that is the server's fault, JSON that does not
        // parse, `send` tells apart itself.
        ClientError::Offline(e.to_string())
    }
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// A signed-in connection to one server.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Client {
    /// `base` is the server's URL (`http://127.0.0.1:8080`), `token` a teammate's API token.
    pub fn new(base: &str, token: &str) -> Client {
        Client::with_timeouts(base, token, Duration::from_secs(5), Duration::from_secs(60))
    }

    /// Like `new`, giving up on connecting after `connect`, and on a request after `read`
    /// without an answer (or between two chunks of one).
    pub fn with_timeouts(base: &str, token: &str, connect: Duration, read: Duration) -> Client {
        let http = reqwest::Client::builder()
            .connect_timeout(connect)
            .read_timeout(read)
            .build()
            .expect("the HTTP client's settings are valid");
        Client {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http,
        }
    }

    /// Signs in with a teammate's email and password; the client then carries the new token.
    pub async fn sign_in(base: &str, email: &str, password: &str) -> Result<(Client, Teammate)> {
        let base = server_url(base)?;
        let anonymous = Client::new(&base, "");
        let login = LoginRequest {
            email: email.trim().to_owned(),
            password: password.to_owned(),
        };
        let req = anonymous
            .http
            .post(format!("{base}/sync/login"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&login);
        let res: LoginResponse = anonymous.send(req).await?;
        Ok((Client::new(&base, &res.token), res.teammate))
    }

    /// An admin's settings change, applied by the server (settings are not queued offline:
    /// they change what every teammate's rules are).
    pub async fn admin(&self, change: &inbox_core::AdminChange) -> Result<inbox_core::Saved> {
        self.send(
            self.request(reqwest::Method::POST, "/sync/admin")
                .json(change),
        )
        .await
    }

    /// Signs out: the server forgets this client's token.
    pub async fn sign_out(&self) -> Result<()> {
        self.send_empty(self.request(reqwest::Method::POST, "/sync/logout"))
            .await
    }

    /// Every webhook endpoint, and the topics one may subscribe to (admins only).
    pub async fn webhooks(&self) -> Result<WebhookList> {
        self.send(self.request(reqwest::Method::GET, "/webhooks"))
            .await
    }

    /// One endpoint, with its recent deliveries.
    pub async fn webhook(&self, id: &str) -> Result<Webhook> {
        self.send(self.request(reqwest::Method::GET, &webhook_path(id)))
            .await
    }

    /// Registers an endpoint: it hears of events from now on. The answer is the only place
    /// its secret is ever shown.
    pub async fn create_webhook(&self, url: &str, topics: &[String]) -> Result<NewWebhook> {
        let body = serde_json::json!({ "url": url, "topics": topics });
        self.send(self.request(reqwest::Method::POST, "/webhooks").json(&body))
            .await
    }

    pub async fn update_webhook(&self, id: &str, change: &WebhookChange) -> Result<Webhook> {
        self.send(
            self.request(reqwest::Method::PUT, &webhook_path(id))
                .json(change),
        )
        .await
    }

    pub async fn delete_webhook(&self, id: &str) -> Result<()> {
        self.send_empty(self.request(reqwest::Method::DELETE, &webhook_path(id)))
            .await
    }

    /// Uploads a file under the id the app gave it when it was attached (offline perhaps):
    /// sending it again after a lost answer is harmless.
    pub async fn put_attachment(
        &self,
        attachment: &inbox_core::Attachment,
        bytes: Vec<u8>,
    ) -> Result<inbox_core::Attachment> {
        let path = format!("/attachments/{}", attachment.id);
        let req = self
            .request(reqwest::Method::PUT, &path)
            .query(&[("name", attachment.name.as_str())])
            .header(reqwest::header::CONTENT_TYPE, &attachment.content_type)
            .body(bytes);
        self.send(req).await
    }

    /// What a file is (name, type, size).
    pub async fn attachment_info(&self, id: &str) -> Result<inbox_core::Attachment> {
        let path = format!("/attachments/{}/info", id_segment(id));
        self.send(self.request(reqwest::Method::GET, &path)).await
    }

    /// A file's bytes.
    pub async fn download_attachment(&self, id: &str) -> Result<Vec<u8>> {
        let path = format!("/attachments/{}", id_segment(id));
        let res = self.request(reqwest::Method::GET, &path).send().await?;
        let status = res.status();
        if !status.is_success() {
            return Err(error_of(status, res.text().await.unwrap_or_default()));
        }
        Ok(res.bytes().await?.to_vec())
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
    }

    async fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T> {
        let res = req.send().await?;
        let status = res.status();
        if status.is_success() {
            // Read whole first, so a cut connection (offline) is not taken for bad JSON.
            let body = res.bytes().await?;
            return serde_json::from_slice(&body).map_err(|e| ClientError::Protocol(e.to_string()));
        }
        Err(error_of(status, res.text().await.unwrap_or_default()))
    }

    /// For answers without a body worth reading (204 No Content).
    async fn send_empty(&self, req: reqwest::RequestBuilder) -> Result<()> {
        let res = req.send().await?;
        match res.status() {
            s if s.is_success() => Ok(()),
            s => Err(error_of(s, res.text().await.unwrap_or_default())),
        }
    }

    /// The teammate this client's token speaks for.
    pub async fn me(&self) -> Result<inbox_core::Teammate> {
        self.send(self.request(reqwest::Method::GET, "/sync/me"))
            .await
    }

    /// One page of the whole workspace; `page` is the previous page's `next`.
    pub async fn bootstrap_page(&self, page: Option<&str>) -> Result<BootstrapPage> {
        let mut req = self.request(reqwest::Method::GET, "/sync/bootstrap");
        if let Some(page) = page {
            req = req.query(&[("page", page)]);
        }
        self.send(req).await
    }

    /// Changes after `after`, at most `limit`.
    pub async fn pull(&self, after: Cursor, limit: usize) -> Result<PullResponse> {
        let req = self
            .request(reqwest::Method::GET, "/sync/pull")
            .query(&[("after", after.0.to_string()), ("limit", limit.to_string())]);
        self.send(req).await
    }

    pub async fn push(&self, push: &PushRequest) -> Result<PushResponse> {
        self.send(self.request(reqwest::Method::POST, "/sync/push").json(push))
            .await
    }

    /// Opens the live stream of pokes.
    pub async fn pokes(&self) -> Result<Pokes> {
        let res = self
            .request(reqwest::Method::GET, "/sync/stream")
            .send()
            .await?;
        let status = res.status();
        if !status.is_success() {
            return Err(error_of(status, res.text().await.unwrap_or_default()));
        }
        Ok(Pokes {
            response: res,
            buffer: String::new(),
        })
    }
}

/// A server address as typed (`inbox.example.com:8080`, `http://127.0.0.1:8080/`) as a base
/// URL without a trailing slash; plain http is assumed only for this machine.
pub fn server_url(typed: &str) -> Result<String> {
    let typed = typed.trim();
    let with_scheme = if typed.contains("://") {
        typed.trim_end_matches('/').to_owned()
    } else if typed.starts_with("127.") || typed.starts_with("localhost") {
        format!("http://{}", typed.trim_end_matches('/'))
    } else {
        format!("https://{}", typed.trim_end_matches('/'))
    };
    match reqwest::Url::parse(&with_scheme) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(with_scheme)
        }
        _ => Err(ClientError::InvalidUrl(typed.to_owned())),
    }
}

/// A webhook endpoint as admins see it: everything but its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub topics: Vec<String>,
    /// False when an admin turned it off or the server paused it (then `paused_reason` says why).
    pub active: bool,
    pub paused_reason: Option<String>,
    /// In seconds, as Intercom's timestamps are.
    pub created_at: i64,
    /// The last event delivered (or skipped as not subscribed).
    pub last_event_id: String,
    /// Failed attempts at the current event, in a row.
    pub failures: u32,
    /// Newest first.
    pub recent_deliveries: Vec<WebhookDelivery>,
}

/// One attempt at delivering one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WebhookDelivery {
    pub event_id: String,
    pub topic: String,
    pub at: inbox_core::Millis,
    /// The receiver's HTTP status, when it answered at all.
    pub status: Option<u16>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WebhookList {
    pub webhooks: Vec<Webhook>,
    /// Every topic an endpoint may subscribe to, in the server's order.
    pub topics: Vec<String>,
}

/// A webhook just registered, with the secret that signs its deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    pub secret: String,
}

/// What `PUT /webhooks/{id}` changes; what is None stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WebhookChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<String>>,
    /// True turns on again an endpoint that was off or paused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Delivers again every event after this id; `Some(None)` (sent as null) replays every
    /// event the server still keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay_after: Option<Option<String>>,
}

/// Ids come from the server, but one is still a path segment: escape whatever is not plain.
/// An id as one path segment: anything but unreserved characters percent-encoded.
fn id_segment(id: &str) -> String {
    webhook_path(id).trim_start_matches("/webhooks/").to_owned()
}

fn webhook_path(id: &str) -> String {
    let mut path = String::from("/webhooks/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            path.push(b as char);
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    path
}

fn error_of(status: StatusCode, text: String) -> ClientError {
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => ClientError::Server {
            status: status.as_u16(),
            body,
        },
        Err(_) => ClientError::Server {
            status: status.as_u16(),
            body: ErrorBody {
                code: if status.is_server_error() {
                    "server_unavailable".into()
                } else {
                    "http_error".into()
                },
                message: format!("The server answered {status}."),
            },
        },
    }
}

/// The live stream: server-sent events, each a [`Poke`] with the newest cursor.
pub struct Pokes {
    response: reqwest::Response,
    buffer: String,
}

impl Pokes {
    /// The next poke, or None when the server closed the stream.
    pub async fn next(&mut self) -> Result<Option<Poke>> {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                let data = event.lines().find_map(|l| l.strip_prefix("data:"));
                if let Some(data) = data {
                    return serde_json::from_str(data.trim())
                        .map(Some)
                        .map_err(|e| ClientError::Protocol(e.to_string()));
                }
                // A comment line (keep-alive): nothing to report.
            }
            match self.response.chunk().await? {
                Some(chunk) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                None => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_as_the_server_sends_them() {
        let made: NewWebhook = serde_json::from_value(serde_json::json!({
            "type": "webhook",
            "id": "01J0000000000000000000000A",
            "url": "https://hooks.example.com/inbox",
            "topics": ["ticket.created", "ticket.note.created"],
            "active": false,
            "paused_reason": "10 failed deliveries in a row",
            "created_at": 1_700_000_000,
            "last_event_id": "00000000000000000042-000000",
            "failures": 10,
            "recent_deliveries": [
                {"event_id": "00000000000000000043-000000", "topic": "ticket.created",
                 "at": 1_700_000_000_123i64, "status": 500, "error": null},
                {"event_id": "00000000000000000043-000000", "topic": "ticket.created",
                 "at": 1_700_000_000_001i64, "status": null, "error": "connection refused"}
            ],
            "secret": "s3cret"
        }))
        .unwrap();
        assert_eq!(made.secret, "s3cret");
        assert_eq!(
            made.webhook.paused_reason.as_deref(),
            Some("10 failed deliveries in a row")
        );
        assert_eq!(made.webhook.recent_deliveries[0].status, Some(500));
        assert_eq!(
            made.webhook.recent_deliveries[1].error.as_deref(),
            Some("connection refused")
        );
    }

    #[test]
    fn a_webhook_change_sends_only_what_changes() {
        let off = WebhookChange {
            active: Some(false),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&off).unwrap(),
            serde_json::json!({"active": false})
        );
        // Replaying everything kept is an explicit null, not an absent field.
        let replay = WebhookChange {
            replay_after: Some(None),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&replay).unwrap(),
            serde_json::json!({"replay_after": null})
        );
        assert_eq!(webhook_path("01J/../x y"), "/webhooks/01J%2F..%2Fx%20y");
    }

    #[test]
    fn server_addresses_as_typed() {
        assert_eq!(
            server_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            server_url(" 127.0.0.1:8080 ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(server_url("localhost:9").unwrap(), "http://localhost:9");
        assert_eq!(
            server_url("inbox.example.com").unwrap(),
            "https://inbox.example.com"
        );
        for bad in ["", "ftp://example.com", "http://", "exa mple"] {
            assert_eq!(
                server_url(bad).unwrap_err().code(),
                "invalid_server_url",
                "{bad}"
            );
        }
    }
}
