//! A TCP proxy on loopback in front of a test server, for putting a client on a bad network.
//! Its behaviour can be switched at any time, and a switch also reaches the connections
//! already open.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pass,
    /// Every chunk, either way, waits this long before it is forwarded.
    Delay(Duration),
    /// A black hole: connections are accepted and read, nothing is forwarded or answered.
    Drop,
    /// Every open connection is closed at once, new ones are closed as soon as accepted.
    Cut,
    /// Requests pass; a connection is closed once it forwarded this many bytes of responses.
    CutAfter(usize),
}

pub struct Proxy {
    pub url: String,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// A proxy to `upstream` (`http://127.0.0.1:PORT`), passing everything until told otherwise.
    pub async fn start(upstream: &str) -> Proxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("the server listens on an IP address");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (mode, watching) = watch::channel(Mode::Pass);
        let task = tokio::spawn(async move {
            // Owned here so that stopping the proxy also drops every connection.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while connections.try_join_next().is_some() {}
                let _ = stream.set_nodelay(true);
                connections.spawn(serve(stream, upstream, watching.clone()));
            }
        });
        Proxy { url, mode, task }
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    pub fn mode(&self) -> Mode {
        *self.mode.borrow()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(client: TcpStream, upstream: SocketAddr, mode: watch::Receiver<Mode>) {
    let mut watching = mode.clone();
    let cut = async move {
        let _ = watching.wait_for(|m| *m == Mode::Cut).await;
    };
    let initial = *mode.borrow();
    match initial {
        Mode::Cut => {}
        // Opened into the black hole: it stays there, even once the network is back.
        Mode::Drop => {
            let (mut from, _to) = client.into_split();
            tokio::select! {
                _ = swallow(&mut from) => {}
                _ = cut => {}
            }
        }
        _ => {
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let _ = server.set_nodelay(true);
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            // Once a byte was swallowed the stream is no longer what either end sent: TCP
            // never loses a middle chunk, so the connection stays a black hole from then on.
            let lost = Arc::new(AtomicBool::new(false));
            tokio::select! {
                _ = pump(client_read, server_write, mode.clone(), lost.clone(), false) => {}
                _ = pump(server_read, client_write, mode, lost, true) => {}
                _ = cut => {}
            }
        }
    }
}

/// Reads until the other end gives up.
async fn swallow(from: &mut OwnedReadHalf) {
    let mut buf = vec![0; 64 * 1024];
    while matches!(from.read(&mut buf).await, Ok(n) if n > 0) {}
}

/// Forwards one direction as the mode says; returns when the connection should close.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    mode: watch::Receiver<Mode>,
    lost: Arc<AtomicBool>,
    response: bool,
) {
    let mut buf = vec![0; 64 * 1024];
    // Response bytes forwarded since the mode became CutAfter.
    let mut sent_under_cut = 0;
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let current = *mode.borrow();
        if current == Mode::Drop {
            lost.store(true, Ordering::SeqCst);
        }
        if lost.load(Ordering::SeqCst) {
            continue;
        }
        if !matches!(current, Mode::CutAfter(_)) {
            sent_under_cut = 0;
        }
        let chunk = &buf[..n];
        let written = match current {
            Mode::Cut => return,
            Mode::Drop => unreachable!("swallowed above"),
            Mode::Pass => to.write_all(chunk).await,
            Mode::Delay(d) => {
                tokio::time::sleep(d).await;
                to.write_all(chunk).await
            }
            Mode::CutAfter(limit) if response => {
                let take = chunk.len().min(limit.saturating_sub(sent_under_cut));
                sent_under_cut += take;
                if to.write_all(&chunk[..take]).await.is_err() || sent_under_cut >= limit {
                    return;
                }
                Ok(())
            }
            Mode::CutAfter(_) => to.write_all(chunk).await,
        };
        if written.is_err() {
            return;
        }
    }
}
