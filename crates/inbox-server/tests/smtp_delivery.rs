//! `Smtp` against a real SMTP server on loopback (mailin-embedded): what the relay receives
//! is the envelope and message we meant to send, once.

use std::io;
use std::net::TcpListener;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use inbox_core::email::Email;
use inbox_server::mail::{message_id, Mailer, Outgoing, Smtp};
use mail_parser::MessageParser;
use mailin_embedded::{response, Handler, Response, Server, SslConfig};

/// One message as the receiver got it.
#[derive(Debug)]
struct Received {
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

/// Records each message of a session and hands it over when the DATA ends, that is before
/// the receiver answers 250: by the time `send` returns, the message is in the channel.
#[derive(Clone)]
struct Recorder {
    delivered: Sender<Received>,
    current: Option<Received>,
}

impl Handler for Recorder {
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
fn receiver() -> (u16, Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    let mut server = Server::new(Recorder {
        delivered: tx,
        current: None,
    });
    server
        .with_name("relay.test")
        .with_ssl(SslConfig::None)
        .expect("no TLS")
        .with_num_threads(2)
        .with_tcp_listener(listener);
    thread::spawn(move || server.serve());
    (port, rx)
}

fn outgoing() -> Outgoing {
    Outgoing {
        id: "01J1E2X3Y4Z5A6B7C8D9E0F1G2".to_owned(),
        from_name: "Acme Support".to_owned(),
        from_address: "support@acme.test".to_owned(),
        email: Email {
            to: "ada@customer.test".to_owned(),
            reply_to: "reply+01j1.0badc0de@inbound.acme.test".to_owned(),
            subject: "[Acme] Réponse à votre demande (#12)".to_owned(),
            // A line starting with "." checks the transparency (dot-stuffing) both ways.
            text: "Hi Ada,\n\nWe are on it.\n.htaccess was the culprit.\n\n-- \nAcme\n".to_owned(),
            html: "<p>Hi Ada,</p><p>We are on it.</p>".to_owned(),
        },
    }
}

#[test]
fn smtp_delivers_one_message_with_envelope_headers_and_both_bodies() {
    let (port, delivered) = receiver();
    let smtp = Smtp::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let mail = outgoing();

    smtp.send(&mail).expect("the receiver accepts the message");

    let got = delivered
        .recv_timeout(Duration::from_secs(10))
        .expect("the receiver recorded the message");
    assert!(
        matches!(delivered.try_recv(), Err(mpsc::TryRecvError::Empty)),
        "exactly one message"
    );
    assert_eq!(got.from, "support@acme.test");
    assert_eq!(got.to, vec!["ada@customer.test".to_owned()]);

    let parsed = MessageParser::default()
        .parse(&got.data)
        .expect("an RFC 5322 message");
    assert_eq!(parsed.subject(), Some("[Acme] Réponse à votre demande (#12)"));
    let expected_id = message_id(&mail.id);
    assert_eq!(
        parsed.message_id().map(|id| format!("<{id}>")),
        Some(expected_id)
    );
    let first_address = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_owned)
    };
    assert_eq!(
        first_address(parsed.reply_to()).as_deref(),
        Some("reply+01j1.0badc0de@inbound.acme.test")
    );
    assert_eq!(
        parsed.body_text(0).unwrap().replace("\r\n", "\n"),
        mail.email.text
    );
    assert_eq!(
        parsed.body_html(0).unwrap().trim_end(),
        mail.email.html
    );
}

#[test]
fn a_receiver_that_is_gone_is_a_delivery_error_not_a_hang() {
    let (port, delivered) = receiver();
    drop(delivered);
    // The receiver still accepts; now point at a port where nothing listens.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    assert_ne!(closed, port);
    let err = Smtp::from_url(&format!("smtp://127.0.0.1:{closed}"))
        .unwrap()
        .send(&outgoing())
        .unwrap_err();
    assert_eq!(err.code(), "delivery_failed");
    assert!(matches!(
        mpsc::channel::<()>().1.recv_timeout(Duration::ZERO),
        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected)
    ));
}
