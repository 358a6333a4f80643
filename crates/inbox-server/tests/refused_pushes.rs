//! One queued change that cannot go through never blocks the app's outbox. The app's sync
//! engine sends no push body over its byte budget (a change larger than that alone becomes a
//! sync issue without being sent), and a push refused whole, here by a proxy in front of the
//! server with a smaller body limit, is split until the culprit is alone and kept as a sync
//! issue with the refusal's reason. Everything queued around it reaches the real server, once
//! and in order.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use fixture::*;
use inbox_core::{Author, Mutation, TicketId};
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, pull, push, sync, Pushed, SyncError, MAX_PUSH_BYTES};
use inbox_sync::Replica;
use server::TestServer;

const NOW: i64 = 1_800_000_000_000;
/// Over the server's 4 MiB body limit on its own.
const HUGE: usize = 5 * 1024 * 1024;
/// What nginx, say, takes in a request body unless told otherwise.
const PROXY_LIMIT: usize = 1024 * 1024;

struct App {
    store: Store,
    dir: tempfile::TempDir,
    me: Author,
    ticket: TicketId,
    random: u128,
}

impl App {
    async fn bootstrapped(client: &Client, f: &Fixture) -> App {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
        bootstrap(client, &mut store, &mut |_| {}).await.unwrap();
        let me = data(&f.records, "teammate")
            .find(|t| t["email"] == server::DEMO_ADMIN)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        App {
            store,
            dir,
            me: Author::Teammate(me),
            ticket: f.ticket.parse().unwrap(),
            random: 0,
        }
    }

    fn note(&self, body: String) -> Mutation {
        Mutation::Note {
            attachments: Vec::new(),
            ticket: self.ticket,
            body,
            keep_private: false,
        }
    }

    /// Written in the app: applied on screen at once and queued.
    fn write(&mut self, body: &str) {
        let note = self.note(body.into());
        let random = &mut self.random;
        let mut random = || {
            *random += 1;
            *random
        };
        self.store
            .apply_and_queue(&note, self.me, NOW, &mut random)
            .unwrap();
    }

    /// A note over any limit, as an outbox can hold one (queued by a version of the app that
    /// checked less, say): the app of today would refuse to queue it, so it goes into the
    /// database file as the outbox keeps it. Returns its seq.
    fn queue_unchecked(&self, bytes: usize) -> (u64, Mutation) {
        let note = self.note("x".repeat(bytes));
        let db = rusqlite::Connection::open(self.dir.path().join(DATABASE_FILE)).unwrap();
        db.execute(
            "INSERT INTO outbox (mutation, actor, created_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![
                serde_json::to_string(&note).unwrap(),
                serde_json::to_string(&self.me).unwrap(),
                NOW
            ],
        )
        .unwrap();
        (db.last_insert_rowid() as u64, note)
    }

    fn notes(&self) -> Vec<String> {
        self.store
            .timeline(self.ticket)
            .unwrap()
            .into_iter()
            .filter_map(|p| match p.kind {
                inbox_core::PartKind::Note { body } => Some(body),
                _ => None,
            })
            .collect()
    }
}

/// The notes this app's client got applied on the server, in the order it applied them.
async fn applied_on_server(f: &Fixture, client_id: &str) -> Vec<(u64, String)> {
    let changes = f.admin.get("/sync/pull?after=0").await.ok();
    changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["origin"]["client_id"] == client_id)
        .map(|c| {
            let note = c["records"]
                .as_array()
                .unwrap()
                .iter()
                .find_map(|r| r["data"]["kind"]["body"].as_str())
                .expect("a note's part");
            (c["origin"]["seq"].as_u64().unwrap(), note.to_owned())
        })
        .collect()
}

/// A reverse proxy in front of the server, as a team puts one there: it reads each request
/// whole, answers 413 itself (with an HTML page, as nginx does) to a body over its limit,
/// forwards the rest, and notes the size of every push body it saw.
#[derive(Clone)]
struct Proxy {
    url: String,
    upstream: String,
    limit: usize,
    http: reqwest::Client,
    pushes: Arc<Mutex<Vec<usize>>>,
}

impl Proxy {
    async fn start(upstream: &str, limit: usize) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Proxy {
            url: format!("http://{}", listener.local_addr().unwrap()),
            upstream: upstream.to_owned(),
            limit,
            http: reqwest::Client::new(),
            pushes: Arc::default(),
        };
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(proxy.clone())
            .layer(DefaultBodyLimit::disable());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        proxy
    }

    fn pushes(&self) -> Vec<usize> {
        self.pushes.lock().unwrap().clone()
    }
}

async fn forward(
    State(proxy): State<Proxy>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path() == "/sync/push" {
        proxy.pushes.lock().unwrap().push(body.len());
    }
    if body.len() > proxy.limit {
        let page = "<html><head><title>413 Request Entity Too Large</title></head></html>";
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/html")],
            page,
        )
            .into_response();
    }
    let mut req = proxy
        .http
        .request(method, format!("{}{uri}", proxy.upstream));
    for (name, value) in &headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            req = req.header(name, value);
        }
    }
    let res = req.body(body).send().await.unwrap();
    let status = res.status();
    let content_type = res.headers().get(header::CONTENT_TYPE).cloned();
    let mut response = (status, res.bytes().await.unwrap()).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}

#[tokio::test]
async fn no_push_is_over_the_budget_and_a_change_too_large_to_send_becomes_a_sync_issue() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let token = f.admin.token.clone().unwrap();
    let proxy = Proxy::start(&server.url, usize::MAX).await;
    let client = Client::new(&proxy.url, &token);
    let mut app = App::bootstrapped(&client, &f).await;
    let client_id = app.store.client_id().unwrap();

    // Long notes, each well within the limits, more than one push body's worth together.
    let long = "🙂".repeat(50_000);
    let mut expected = vec!["Before the long ones".to_owned()];
    expected.extend((0..20).map(|n| format!("{n}: {long}")));
    for note in &expected {
        app.write(note);
    }
    let (huge_seq, huge) = app.queue_unchecked(HUGE);
    expected.push("After them".into());
    app.write("After them");
    assert_eq!(app.store.outbox_len().unwrap(), 23);

    // Refusals that are not about what is queued change nothing: a revoked token, a server
    // that cannot be reached. Nothing becomes an issue; everything waits.
    let stranger = Client::new(&server.url, "tit_wrong");
    let err = push(&stranger, &mut app.store, NOW).await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Client(e) if e.code() == "unauthorized"),
        "{err}"
    );
    let gone = Client::new("http://127.0.0.1:9", &token);
    let err = push(&gone, &mut app.store, NOW).await.unwrap_err();
    assert!(
        matches!(&err, SyncError::Client(e) if e.is_transient()),
        "{err}"
    );
    assert_eq!(app.store.outbox_len().unwrap(), 23);
    assert_eq!(app.store.sync_issue_count().unwrap(), 0);

    let pushed = push(&client, &mut app.store, NOW).await.unwrap();
    assert_eq!(
        pushed,
        Pushed {
            applied: 22,
            rejected: 1
        }
    );
    assert_eq!(app.store.outbox_len().unwrap(), 0, "nothing left to block");
    let pushes = proxy.pushes();
    assert!(pushes.len() >= 2, "{pushes:?}");
    assert!(
        pushes.iter().all(|bytes| *bytes <= MAX_PUSH_BYTES),
        "{pushes:?}"
    );
    let issues = app.store.sync_issues().unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].seq, huge_seq);
    assert_eq!(issues[0].error.code, "body_too_large");
    assert!(
        issues[0].error.message.contains("too large"),
        "{}",
        issues[0].error.message
    );
    assert_eq!(
        issues[0].mutation, huge,
        "kept whole, for the teammate to deal with"
    );

    let on_server = applied_on_server(&f, &client_id).await;
    let bodies: Vec<String> = on_server.iter().map(|(_, b)| b.clone()).collect();
    assert!(bodies == expected, "each once, in the order written");
    assert!(on_server.windows(2).all(|w| w[0].0 < w[1].0));

    // Back from the server, on screen once each; the refused note nowhere.
    pull(&client, &mut app.store).await.unwrap();
    let notes = app.notes();
    for body in &expected {
        assert_eq!(notes.iter().filter(|n| *n == body).count(), 1);
    }
    assert!(notes.iter().all(|n| n.len() < HUGE));
    settled(&client, &mut app).await;
}

#[tokio::test]
async fn a_push_refused_whole_is_split_until_the_culprit_is_alone() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let proxy = Proxy::start(&server.url, PROXY_LIMIT).await;
    let client = Client::new(&proxy.url, f.admin.token.as_deref().unwrap());
    let mut app = App::bootstrapped(&client, &f).await;
    let client_id = app.store.client_id().unwrap();

    let mut expected = Vec::new();
    for n in 0..5 {
        expected.push(format!("Before {n}"));
        app.write(&expected[n]);
    }
    // Within the app's budget, over the proxy's limit: the first push, of everything, is
    // refused whole, and so is every half the culprit is in.
    let (culprit, _) = app.queue_unchecked(PROXY_LIMIT + PROXY_LIMIT / 2);
    for n in 0..6 {
        expected.push(format!("After {n}"));
        app.write(&format!("After {n}"));
    }

    let pushed = push(&client, &mut app.store, NOW).await.unwrap();
    assert_eq!(
        pushed,
        Pushed {
            applied: 11,
            rejected: 1
        }
    );
    assert_eq!(app.store.outbox_len().unwrap(), 0);
    let pushes = proxy.pushes();
    assert!(pushes[0] > PROXY_LIMIT && pushes[0] <= MAX_PUSH_BYTES);
    assert_eq!(
        pushes.iter().filter(|bytes| **bytes > PROXY_LIMIT).count(),
        5,
        "all 12, then 6, 3 and 2 of them, then the culprit alone: {pushes:?}"
    );
    let issues = app.store.sync_issues().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].seq, culprit);
    assert_eq!(issues[0].error.code, "http_error");
    assert!(
        issues[0].error.message.contains("413"),
        "{:?}",
        issues[0].error
    );

    let on_server = applied_on_server(&f, &client_id).await;
    let bodies: Vec<String> = on_server.iter().map(|(_, b)| b.clone()).collect();
    assert_eq!(bodies, expected, "each once, in the order written");
    assert!(on_server.windows(2).all(|w| w[0].0 < w[1].0));
    settled(&client, &mut app).await;
}

/// A sync after all that finds nothing to send, and the server's state on screen.
async fn settled(client: &Client, app: &mut App) {
    let (pushed, _) = sync(client, &mut app.store, NOW).await.unwrap();
    assert_eq!(pushed, Pushed::default());
    assert!(Replica::pending(&mut app.store, 10, NOW)
        .unwrap()
        .is_empty());
    assert!(!app.store.has_optimistic_changes().unwrap());
}
