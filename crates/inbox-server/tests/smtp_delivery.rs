//! `Smtp` against a real SMTP server on loopback (mailin-embedded): what the relay receives
//! is the envelope and message we meant to send, once.

use std::io;
use std::net::TcpListener;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use inbox_core::email::Email;
use inbox_server::mail::{message_id, Mailer, Outgoing, Smtp};
use mail_parser::MessageParser;
use mailin_embedded::{response, Handler, Response, Server, SslConfig};

/// One message as the receiver got it.
#[derive(Debug, Clone)]
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
fn receiver(refuse: Option<&'static str>) -> (u16, Receiver<Received>) {
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
    let (port, delivered) = receiver(None);
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
    assert_eq!(
        parsed.subject(),
        Some("[Acme] Réponse à votre demande (#12)")
    );
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
    assert_eq!(parsed.body_html(0).unwrap().trim_end(), mail.email.html);
}

#[test]
fn a_refused_recipient_is_a_delivery_error_and_nothing_is_delivered() {
    let (port, delivered) = receiver(Some("ada@customer.test"));
    let smtp = Smtp::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();

    let err = smtp.send(&outgoing()).unwrap_err();

    assert_eq!(err.code(), "delivery_failed");
    assert!(err.to_string().contains("refused"), "{err}");
    assert!(matches!(
        delivered.try_recv(),
        Err(mpsc::TryRecvError::Empty)
    ));
}
