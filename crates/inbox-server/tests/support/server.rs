//! The real `inbox-server` binary on loopback, for integration tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_inbox-server");

/// The demo workspace's first teammate, an admin.
pub const DEMO_ADMIN: &str = "alex@northwind.example";
/// A demo teammate who is not an admin.
pub const DEMO_TEAMMATE: &str = "sam@northwind.example";

pub struct TestServer {
    pub url: String,
    pub data_dir: PathBuf,
    /// `--data-dir DIR` or `--database URL`.
    db_args: Vec<String>,
    pub email_dir: PathBuf,
    extra: Vec<String>,
    child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A server on a fresh SQLite data folder seeded with `tickets` demo tickets (none: empty).
    pub fn start(tickets: Option<usize>) -> TestServer {
        TestServer::on(None, tickets)
    }

    /// A server on the PostgreSQL database at `database` (seeded unless `tickets` is None), or
    /// on a fresh SQLite data folder when `database` is None.
    pub fn on(database: Option<&str>, tickets: Option<usize>) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        let db_args: Vec<String> = match database {
            Some(url) => vec!["--database".into(), url.into()],
            None => vec!["--data-dir".into(), path(&data_dir).into()],
        };
        if let Some(n) = tickets {
            let n = n.to_string();
            let mut args = vec!["seed", "--tickets", &n];
            args.extend(db_args.iter().map(String::as_str));
            run(&args);
        }
        let mut server = TestServer {
            url: String::new(),
            email_dir: dir.path().join("outbox"),
            data_dir,
            db_args,
            extra: Vec::new(),
            child: None,
            _dir: Some(dir),
        };
        server.spawn();
        server
    }

    /// Like `start`, with extra `serve` arguments (`--smtp …`, `--delivery-interval-ms …`).
    pub fn start_with(tickets: Option<usize>, extra: &[&str]) -> TestServer {
        TestServer::on_with(None, tickets, extra)
    }

    /// Another server process on the same database (and the same email folder).
    pub fn another(&self) -> TestServer {
        let mut server = TestServer {
            url: String::new(),
            data_dir: self.data_dir.clone(),
            db_args: self.db_args.clone(),
            email_dir: self.email_dir.clone(),
            extra: self.extra.clone(),
            child: None,
            _dir: None,
        };
        server.spawn();
        server
    }

    /// Like `on`, with extra `serve` arguments.
    pub fn on_with(database: Option<&str>, tickets: Option<usize>, extra: &[&str]) -> TestServer {
        let mut server = TestServer::on(database, tickets);
        server.extra = extra.iter().map(|s| s.to_string()).collect();
        server.restart();
        server
    }

    fn spawn(&mut self) {
        self.spawn_on(0);
    }

    fn spawn_on(&mut self, port: u16) {
        let listen = format!("127.0.0.1:{port}");
        let mut args: Vec<String> = vec!["serve".into(), "--listen".into(), listen];
        args.extend(self.db_args.iter().cloned());
        if !self.extra.iter().any(|a| a == "--smtp") {
            args.extend(["--email-dir".into(), path(&self.email_dir).into()]);
        }
        if !self.extra.iter().any(|a| a == "--delivery-interval-ms") {
            args.extend(["--delivery-interval-ms".into(), "50".into()]);
        }
        args.extend(self.extra.iter().cloned());
        let (child, url) = spawn_server(&args);
        self.child = Some(child);
        self.url = url;
    }

    /// Stops the server as `kill -9` would, without any chance to clean up.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
            let _ = child.wait();
        }
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("a running server").id()
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Starts again (after `kill9`) on the same data and the same port.
    pub fn start_again_on(&mut self, port: u16) {
        self.spawn_on(port);
    }

    /// kill -9, then start again on the same data.
    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    /// A new teammate API token (`inbox-server token`).
    pub fn token(&self, email: &str) -> String {
        let mut args = vec!["token", "--email", email];
        args.extend(self.db_args.iter().map(String::as_str));
        run(&args).trim().to_owned()
    }

    /// Sets a teammate's password (`inbox-server password`, the password on standard input).
    pub fn set_password(&self, email: &str, password: &str) -> std::process::Output {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .args(["password", "--email", email])
            .args(&self.db_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run inbox-server password");
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn client(&self, token: &str) -> Client {
        Client {
            base: self.url.clone(),
            token: Some(token.to_owned()),
            http: reqwest::Client::new(),
        }
    }

    pub fn anonymous(&self) -> Client {
        Client {
            base: self.url.clone(),
            token: None,
            http: reqwest::Client::new(),
        }
    }

    /// The .eml files written so far, sorted by name.
    pub fn emails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.email_dir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("readable eml"))
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill9();
    }
}

pub fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Runs an `inbox-server` command to completion and returns its stdout; panics on failure.
pub fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("run inbox-server");
    assert!(
        out.status.success(),
        "inbox-server {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Starts `inbox-server` with `args` and waits for its "listening on" line.
pub fn spawn_server(args: &[String]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        // Warnings and errors only: a line per request would bury the tests' own output.
        .env(
            "INBOX_LOG",
            std::env::var("INBOX_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start inbox-server");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("inbox-server listening on ") {
                let _ = tx.send(url.to_owned());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("inbox-server did not start listening within 30 s");
    (child, url)
}

/// Polls `check` until it returns Some, for at most `secs` seconds.
pub async fn eventually<T>(secs: u64, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "condition not met within {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A JSON HTTP client for one token.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub token: Option<String>,
    pub http: reqwest::Client,
}

/// A response's status and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// The body, asserting a 2xx status.
    pub fn ok(self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {}: {}",
            self.status,
            self.body
        );
        self.body
    }

    /// Asserts an error with this status and code.
    pub fn error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.body["code"].as_str()),
            (status, Some(code)),
            "body: {}",
            self.body
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "errors carry a message: {}",
            self.body
        );
    }
}

impl Client {
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request reaches the server");
        let status = res.status().as_u16();
        let text = res.text().await.expect("response body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None).await
    }
}
