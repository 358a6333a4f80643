//! Files by email, through the real server: a customer's email brings its attachments and
//! inline images as their uploads (refused ones named in the message, a relay's retry adding
//! nothing), a teammate's reply reaches a real SMTP receiver with its files attached up to the
//! bound and linked past it, and uploads are limited per uploader.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;
#[path = "support/smtp.rs"]
mod smtp;

use std::time::Duration;

use fixture::*;
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::{json, Value};
use server::{Client, TestServer};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nfake image bytes";
const PDF: &[u8] = b"%PDF-1.4\nfake document\n";

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A customer's email with a text part (may be empty), an inline image, a PDF and a program.
fn email_with_files(from: &str, to: &str, message_id: &str, text: &str) -> String {
    format!(
        "From: Customer <{from}>\r\nTo: {to}\r\nSubject: Re: your request\r\n\
         Message-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n\
         --outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\
         --outer\r\nContent-Type: image/png\r\nContent-ID: <shot@customer.test>\r\n\
         Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --outer\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"invoice.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --outer\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"virus.exe\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--outer--\r\n",
        base64(PNG),
        base64(PDF)
    )
}

async fn post_raw(server: &TestServer, raw: String) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/inbound/email", server.url))
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn fetch(client: &Client, path: &str) -> (u16, Vec<u8>) {
    let res = client
        .http
        .get(format!("{}{path}", client.base))
        .bearer_auth(client.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
}

async fn upload(
    client: &Client,
    path: &str,
    name: &str,
    kind: &str,
    bytes: Vec<u8>,
) -> (u16, Value, Option<String>) {
    let res = client
        .http
        .post(format!("{}{path}", client.base))
        .query(&[("name", name)])
        .bearer_auth(client.token.as_deref().unwrap())
        .header("content-type", kind)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let retry_after = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, res.json().await.unwrap(), retry_after)
}

/// How many file records the server's database holds.
fn attachment_records(server: &TestServer) -> i64 {
    let db = rusqlite::Connection::open(server.data_dir.join("server.sqlite3")).unwrap();
    db.query_row(
        "SELECT COUNT(*) FROM entities WHERE kind = 'attachment'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// The ticket's parts written by its customer, as the app pulls them.
async fn customer_parts(f: &Fixture) -> Vec<Value> {
    data(&records(&f.admin).await, "ticket_part")
        .filter(|p| p["ticket"] == f.ticket.as_str() && p["author"]["kind"] == "contact")
        .cloned()
        .collect()
}

#[tokio::test]
async fn an_emailed_reply_brings_its_files_and_says_which_were_not_kept() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    let address = reply_to(&emails_settle(&server, 1).await[0]);
    let before = customer_parts(&f).await.len();
    let records_before = attachment_records(&server);

    let raw = email_with_files(
        &f.contact_email,
        &address,
        "files1@customer.test",
        "Here you go.",
    );
    let (status, body) = post_raw(&server, raw.clone()).await;
    assert_eq!(status, 200, "{body}");
    // The relay retries the same message: it lands once.
    let (status, _) = post_raw(&server, raw).await;
    assert_eq!(status, 200);

    let parts = customer_parts(&f).await;
    assert_eq!(parts.len(), before + 1, "one message for both posts");
    assert_eq!(
        attachment_records(&server),
        records_before + 2,
        "and one record per kept file"
    );
    let part = parts.last().unwrap();
    assert_eq!(
        part["kind"]["body"],
        "Here you go.\n\n(1 attachment was not kept: virus.exe — type refused)"
    );
    let files = part["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{part}");
    let mut got = Vec::new();
    for id in files {
        let id = id.as_str().unwrap();
        let info = f.admin.get(&format!("/attachments/{id}/info")).await.ok();
        assert_eq!(info["uploader"]["kind"], "contact", "{info}");
        assert_eq!(info["uploader"]["id"], f.contact.as_str(), "{info}");
        let (status, bytes) = fetch(&f.admin, &format!("/attachments/{id}")).await;
        assert_eq!(status, 200);
        got.push((
            info["name"].as_str().unwrap().to_owned(),
            info["content_type"].as_str().unwrap().to_owned(),
            bytes,
        ));
    }
    assert_eq!(
        got,
        [
            (
                "attachment-1.png".to_owned(),
                "image/png".to_owned(),
                PNG.to_vec()
            ),
            (
                "invoice.pdf".to_owned(),
                "application/pdf".to_owned(),
                PDF.to_vec()
            ),
        ]
    );
    // Their own files are theirs to fetch in the Messenger.
    let customer_client = customer(&server, &f, &f.contact).await;
    let (status, bytes) = fetch(
        &customer_client,
        &format!("/messenger/attachments/{}", files[1].as_str().unwrap()),
    )
    .await;
    assert_eq!((status, bytes), (200, PDF.to_vec()));
}

#[tokio::test]
async fn files_without_text_to_the_support_address_start_a_conversation() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let to = format!("support@{}", inbox_core::email::INBOUND_EMAIL_DOMAIN);
    let (status, body) = post_raw(
        &server,
        email_with_files("new.customer@example.test", &to, "files2@example.test", ""),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let conversation = body["conversation"].as_str().expect("a new conversation");
    let part = data(&records(&f.admin).await, "conversation_part")
        .find(|p| p["conversation"] == conversation)
        .cloned()
        .expect("its first message");
    assert_eq!(
        part["kind"]["body"],
        "(2 files sent by email, without text)\n\n(1 attachment was not kept: virus.exe — type refused)"
    );
    assert_eq!(part["attachments"].as_array().unwrap().len(), 2, "{part}");

    // Nothing at all, no text and no file, is still an empty reply.
    let empty = format!("From: new.customer@example.test\r\nTo: {to}\r\nSubject: hi\r\n\r\n\r\n");
    let (status, body) = post_raw(&server, empty).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("inbound_empty_reply"))
    );
}

#[tokio::test]
async fn a_reply_s_files_reach_the_customer_as_attachments_and_one_too_large_as_a_link() {
    let (port, delivered) = smtp::receiver(None);
    let relay = format!("smtp://127.0.0.1:{port}");
    let server = TestServer::start_with(Some(30), &["--smtp", &relay]);
    let f = fixture(&server, 0).await;
    let mut ids = Vec::new();
    for (name, kind, bytes) in [
        ("screen.png", "image/png", PNG.to_vec()),
        ("report.pdf", "application/pdf", PDF.to_vec()),
        // Past the 10 MB an email carries: linked to the Messenger instead.
        ("logs.zip", "application/zip", vec![7u8; 11 * 1024 * 1024]),
    ] {
        let (status, body, _) = upload(&f.admin, "/attachments", name, kind, bytes).await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    push(
        &f.admin,
        json!({"type": "reply", "ticket": f.ticket, "body": "Here are the **files**.", "attachments": ids}),
    )
    .await;
    let message = tokio::task::spawn_blocking(move || {
        delivered
            .recv_timeout(Duration::from_secs(20))
            .expect("the relay received the reply's email")
    })
    .await
    .unwrap();
    let parsed = MessageParser::default().parse(&message.data).unwrap();
    let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.contains(&format!("{}\n- screen.png (", inbox_core::email::ATTACHED)),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}\n- logs.zip (11.0 MB)",
            inbox_core::email::LINKED
        )),
        "{text}"
    );
    assert!(parsed.body_html(0).unwrap().contains("logs.zip"));
    let attached: Vec<(String, String, Vec<u8>)> = parsed
        .attachments()
        .map(|a| {
            let ct = a.content_type().unwrap();
            (
                a.attachment_name().unwrap().to_owned(),
                format!("{}/{}", ct.ctype(), ct.subtype().unwrap()),
                a.contents().to_vec(),
            )
        })
        .collect();
    assert_eq!(
        attached,
        [
            (
                "screen.png".to_owned(),
                "image/png".to_owned(),
                PNG.to_vec()
            ),
            (
                "report.pdf".to_owned(),
                "application/pdf".to_owned(),
                PDF.to_vec()
            ),
        ],
        "the large file is not attached"
    );
    let raw = String::from_utf8_lossy(&message.data);
    assert!(raw.contains("multipart/mixed"), "files around the text");
}

#[tokio::test]
async fn uploads_past_the_hourly_share_are_refused_with_retry_after() {
    let server = TestServer::start_with(
        Some(10),
        &["--upload-files-per-hour", "2", "--upload-mb-per-hour", "1"],
    );
    let f = fixture(&server, 3600).await;
    for seed in 0..2u8 {
        let (status, body, _) = upload(
            &f.admin,
            "/attachments",
            "a.png",
            "image/png",
            vec![seed; 100],
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body, retry_after) =
        upload(&f.admin, "/attachments", "a.png", "image/png", vec![3; 100]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("upload_rate_limited")),
        "{body}"
    );
    let seconds: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=3600).contains(&seconds), "{seconds}");

    // Each uploader has their own share, counted in bytes too.
    let customer_client = customer(&server, &f, &f.contact).await;
    let path = "/messenger/attachments";
    let (status, body, _) = upload(
        &customer_client,
        path,
        "a.pdf",
        "application/pdf",
        vec![1; 700 * 1024],
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body, retry_after) = upload(
        &customer_client,
        path,
        "b.pdf",
        "application/pdf",
        vec![2; 700 * 1024],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("upload_rate_limited")),
        "{body}"
    );
    assert!(retry_after.is_some());
}
