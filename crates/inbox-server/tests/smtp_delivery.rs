//! `Smtp` against a real SMTP server on loopback (mailin-embedded): what the relay receives
//! is the envelope and message we meant to send, once.

#[path = "support/smtp.rs"]
mod smtp;

use std::sync::mpsc;
use std::time::Duration;

use inbox_core::email::Email;
use inbox_server::mail::{message_id, Mailer, Outgoing, Smtp};
use mail_parser::MessageParser;
use smtp::receiver;

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
        files: Vec::new(),
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
fn a_refused_recipient_is_undeliverable_and_nothing_is_delivered() {
    let (port, delivered) = receiver(Some("ada@customer.test"));
    let smtp = Smtp::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();

    let err = smtp.send(&outgoing()).unwrap_err();

    // A 5xx refusal is final: the queue gives the email up instead of retrying it forever.
    assert_eq!(err.code(), "undeliverable");
    assert!(err.to_string().contains("failed"), "{err}");
    assert!(matches!(
        delivered.try_recv(),
        Err(mpsc::TryRecvError::Empty)
    ));
}
