//! The app's HTTP client for the sync API. Every failure is a [`ClientError`] whose `code`
//! tells the sync engine what to do: retry later (`offline`, `server_unavailable`), sign in
//! again (`unauthorized`), or give up on a request the server refused.

use std::time::Duration;

use inbox_core::ErrorBody;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::{
    BootstrapPage, Cursor, Poke, PullResponse, PushRequest, PushResponse, PROTOCOL_HEADER,
    PROTOCOL_VERSION,
};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached (no network, connection refused or cut, timeout).
    #[error("The server cannot be reached: {0}")]
    Offline(String),
    /// The server answered with an error of its own.
    #[error("{}", .body.message)]
    Server { status: u16, body: ErrorBody },
    /// The server's answer was not what the protocol says.
    #[error("The server's answer could not be read: {0}")]
    Protocol(String),
}

impl ClientError {
    pub fn code(&self) -> &str {
        match self {
            ClientError::Offline(_) => "offline",
            ClientError::Server { body, .. } => &body.code,
            ClientError::Protocol(_) => "protocol_error",
        }
    }

    /// Worth trying again later: the network or the server may come back.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Offline(_) => true,
            ClientError::Server { status, .. } => *status >= 500 || *status == 429,
            ClientError::Protocol(_) => false,
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
        if e.is_decode() {
            ClientError::Protocol(e.to_string())
        } else {
            ClientError::Offline(e.to_string())
        }
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
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .read_timeout(Duration::from_secs(60))
            .build()
            .expect("the HTTP client's settings are valid");
        Client {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http,
        }
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
            return res
                .json()
                .await
                .map_err(|e| ClientError::Protocol(e.to_string()));
        }
        Err(error_of(status, res.text().await.unwrap_or_default()))
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
