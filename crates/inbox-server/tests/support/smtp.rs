//! A real SMTP receiver on loopback (mailin-embedded) for tests.

#![allow(dead_code)]

use std::io;
use std::net::TcpListener;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use mailin_embedded::{response, Handler, Response, Server, SslConfig};

/// One message as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

/// Records each message of a session and hands it over when the DATA ends, that is before
/// the receiver answers 250: by the time `send` returns, the message is in the channel.
#[derive(Clone)]
struct Recorder {
    delivered: Sender<Received>,
    current: Option<Received>,
    /// A recipient to answer 550 (no such mailbox), as a relay does for a dead address.
    refuse: Option<&'static str>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        match self.refuse {
            Some(refused) if refused.eq_ignore_ascii_case(to) => response::NO_MAILBOX,
            _ => response::OK,
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(message) = &mut self.current {
            message.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(message) = self.current.take() {
            let _ = self.delivered.send(message);
        }
        response::OK
    }
}

/// Starts a receiver on a free loopback port (bound here, so there is no race for the port).
/// Its thread serves until the test process ends.
pub fn receiver(refuse: Option<&'static str>) -> (u16, Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    let mut server = Server::new(Recorder {
        delivered: tx,
        current: None,
        refuse,
    });
    server
        .with_name("relay.test")
        .with_ssl(SslConfig::None)
        .expect("no TLS")
        .with_num_threads(2)
        .with_tcp_listener(listener);
    thread::spawn(move || {
        if let Err(e) = server.serve() {
            eprintln!("the SMTP receiver stopped: {e}");
        }
    });
    (port, rx)
}
