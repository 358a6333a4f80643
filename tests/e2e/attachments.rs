//! Attachments through the real window against a real server (issue 17, item 3): a reply gets
//! a screenshot through the composer's paperclip (its file input, given the file's path as
//! WebDriver does for a file chooser, which then runs the app's upload command with the
//! file's bytes); once the reply is out (after the undo hold) the server has the file in its
//! blob folder and the reply names it; the timeline shows the image inline, through the app;
//! and the customer's Messenger page lists it on the ticket, where the customer answers with a
//! file of their own (the Messenger's file input, given a path the same way).

use std::time::{Duration, Instant};

use fantoccini::Locator;
use inbox_core::PartKind;
use inbox_server::setup::teammate_token;
use inbox_server::storage::StorageExt;
use serde_json::json;

use crate::browser::Browser;
use crate::harness::{within, App};
use crate::server::{open_shared_customer_ticket, start_server, ADMIN};

/// Where the Messenger page keeps its token (ui/src/messenger/session.ts).
const TOKEN_KEY: &str = "teammate-inbox.messenger.token";

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_carries_a_screenshot_to_the_server_the_timeline_and_the_messenger() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let now = inbox_server::authority::now();
    let token = teammate_token(storage.as_ref(), ADMIN, None, now).unwrap();
    let shot = inbox_demo::screenshot::screenshot_png(320, 200, 3);
    let shot_path = dir.path().join("printer-error.png");
    std::fs::write(&shot_path, &shot).unwrap();

    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    let ticket = open_shared_customer_ticket(&app, &storage).await;

    // The reply's text, typed; the screenshot through the paperclip's file input.
    app.click("[data-testid=composer-reply]").await;
    let body = "Here is what I see on my side";
    app.type_into("[data-testid=composer-input]", body).await;
    choose_file(&app, &shot_path).await;
    let staged = app
        .until(
            "the file uploaded and staged",
            "const f = document.querySelector('[data-testid=composer-file]');
             return f ? f.textContent : null;",
            vec![],
        )
        .await;
    assert!(
        staged.as_str().unwrap().contains("printer-error.png"),
        "{staged}"
    );
    app.screenshot("attachments-staged");
    app.click("[data-testid=composer-send]").await;

    // The timeline shows the image inline, loaded through the app.
    let shown = app
        .until(
            "the reply's image in the timeline",
            "const e = [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=reply]')]
               .find(e => e.textContent.includes(arguments[0]));
             const img = e?.querySelector('[data-testid=attachment-image]');
             return img && img.complete && img.naturalWidth > 0
               ? {alt: img.alt, width: img.naturalWidth, src: img.src.slice(0, 22)} : null;",
            vec![json!(body)],
        )
        .await;
    assert_eq!(
        shown,
        json!({"alt": "printer-error.png", "width": 320, "src": "data:image/png;base64,"})
    );
    app.screenshot("attachments-timeline");

    // After the undo hold the reply reaches the server, naming the file, whose bytes are in
    // the server's attachments folder.
    let deadline = Instant::now() + Duration::from_secs(30);
    let files = loop {
        let parts = storage
            .reading(|tx| tx.parts(&ticket.id.to_string()))
            .unwrap();
        let found = parts
            .iter()
            .map(|d| serde_json::from_str::<inbox_core::Part>(d).unwrap())
            .find(|p| matches!(&p.kind, PartKind::Reply { body: b } if b == body));
        if let Some(part) = found {
            break part.attachments;
        }
        assert!(
            Instant::now() < deadline,
            "the reply never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(files.len(), 1);
    let record = server_file(&storage, files[0]);
    assert_eq!(record.name, "printer-error.png");
    assert_eq!(record.content_type, "image/png");
    let blob = dir
        .path()
        .join("attachments")
        .join(&record.sha256[..2])
        .join(&record.sha256);
    assert_eq!(std::fs::read(blob).unwrap(), shot);
    app.close().await;

    // The customer's Messenger page lists the file on the ticket.
    let http = reqwest::Client::new();
    let customer: serde_json::Value = http
        .post(format!(
            "{url}/contacts/{}/messenger_token",
            ticket.contacts[0]
        ))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let browser = Browser::start().await;
    browser.goto(&format!("{url}/messenger/config")).await;
    browser
        .js(
            "localStorage.clear(); localStorage.setItem(arguments[0], arguments[1]);",
            vec![json!(TOKEN_KEY), customer["token"].clone()],
        )
        .await;
    browser
        .goto(&format!("{url}/messenger#/tickets/{}", ticket.id))
        .await;
    let listed = browser
        .until(
            "the file listed on the customer's ticket, its image shown",
            "const f = document.querySelector('[data-testid=messenger-file]');
             const img = f?.querySelector('img');
             return f && img && img.complete && img.naturalWidth > 0 ? f.textContent.trim() : null;",
            vec![],
        )
        .await;
    assert!(
        listed.as_str().unwrap().contains("printer-error.png"),
        "{listed}"
    );
    browser.screenshot("attachments-messenger").await;

    // The customer answers with a file of their own, chosen in the Messenger.
    let log_path = dir.path().join("printer.log");
    std::fs::write(&log_path, "paper jam at tray 2\n").unwrap();
    within("choosing a file in the Messenger", async {
        browser
            .client
            .find(Locator::Css("[data-testid=messenger-attach]"))
            .await
            .expect("the Messenger's file input")
            .send_keys(log_path.to_str().unwrap())
            .await
            .expect("the file chosen")
    })
    .await;
    browser
        .wait_for("[data-testid=messenger-staged-file]")
        .await;
    browser
        .type_into("textarea", "And the printer's log\n")
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let theirs = loop {
        let parts = storage
            .reading(|tx| tx.parts(&ticket.id.to_string()))
            .unwrap();
        let found = parts
            .iter()
            .map(|d| serde_json::from_str::<inbox_core::Part>(d).unwrap())
            .find(
                |p| matches!(&p.kind, PartKind::Reply { body: b } if b == "And the printer's log"),
            );
        if let Some(part) = found {
            break part;
        }
        assert!(
            Instant::now() < deadline,
            "the customer's reply never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        theirs.author,
        inbox_core::Author::Contact(ticket.contacts[0])
    );
    let log = server_file(&storage, theirs.attachments[0]);
    assert_eq!(
        (log.name.as_str(), log.content_type.as_str()),
        ("printer.log", "application/octet-stream")
    );
    browser
        .until(
            "the customer's file on their message",
            "return [...document.querySelectorAll('[data-testid=messenger-file]')]
               .some(f => f.textContent.includes('printer.log'));",
            vec![],
        )
        .await;
    browser.screenshot("attachments-messenger-sent").await;
    browser.close().await;
}

/// Chooses `path` in the composer's paperclip, as a file chooser would.
async fn choose_file(app: &App, path: &std::path::Path) {
    within("choosing a file", async {
        app.client
            .find(Locator::Css("[data-testid=composer-attach]"))
            .await
            .expect("the paperclip's file input")
            .send_keys(path.to_str().unwrap())
            .await
            .expect("the file chosen")
    })
    .await;
}

/// Chooses `path` in the composer's paperclip and returns the message the composer shows.
async fn attach_refused(app: &App, path: &std::path::Path) -> String {
    choose_file(app, path).await;
    app.until(
        "the composer to say why the file cannot be attached",
        "const e = document.querySelector('[data-testid=composer-file-error]');
         return e ? e.textContent.trim() : null;",
        vec![],
    )
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workspace_of_its_own_refuses_files_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let shot_path = dir.path().join("screen.png");
    std::fs::write(
        &shot_path,
        inbox_demo::screenshot::screenshot_png(64, 40, 1),
    )
    .unwrap();

    let app = App::launch(&["--demo"]).await;
    app.wait_for("[data-testid=ticket-row]").await;
    app.click("[data-testid=ticket-row]").await;
    app.wait_for("[data-testid=composer-input]").await;
    let local = attach_refused(&app, &shot_path).await;
    assert!(local.starts_with("Attachments need a server"), "{local}");
    assert!(
        app.js(
            "return document.querySelectorAll('[data-testid=composer-file]').length;",
            vec![]
        )
        .await
            == json!(0)
    );
    app.screenshot("attachments-local");
    app.close().await;
}

/// The server's record of the file `id`.
fn server_file(
    storage: &inbox_server::storage::SharedStorage,
    id: inbox_core::AttachmentId,
) -> inbox_core::Attachment {
    let doc = storage
        .reading(|tx| tx.get(inbox_server::storage::Kind::Attachment, &id.to_string()))
        .unwrap()
        .expect("the file's record on the server");
    serde_json::from_str(&doc).unwrap()
}

/// The reply named `body` on the server's copy of `ticket`, if it got there.
fn server_reply(
    storage: &inbox_server::storage::SharedStorage,
    ticket: &inbox_core::Ticket,
    body: &str,
) -> Option<inbox_core::Part> {
    storage
        .reading(|tx| tx.parts(&ticket.id.to_string()))
        .unwrap()
        .iter()
        .map(|d| serde_json::from_str::<inbox_core::Part>(d).unwrap())
        .find(|p| matches!(&p.kind, PartKind::Reply { body: b } if b == body))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_attached_offline_shows_at_once_and_reaches_the_server_with_its_reply() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let shot = inbox_demo::screenshot::screenshot_png(240, 150, 5);
    let shot_path = dir.path().join("offline-screen.png");
    std::fs::write(&shot_path, &shot).unwrap();

    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    let ticket = open_shared_customer_ticket(&app, &storage).await;
    app.click("[data-testid=work-offline]").await;
    app.until_sync_state("working_offline").await;

    // Offline, the file is attached all the same and the reply is sent with it.
    app.click("[data-testid=composer-reply]").await;
    let body = "Attached while on the train";
    app.type_into("[data-testid=composer-input]", body).await;
    choose_file(&app, &shot_path).await;
    app.wait_for("[data-testid=composer-file]").await;
    app.click("[data-testid=composer-send]").await;

    // Taken back: the text and the file return to the composer; sent again from there.
    app.click("[data-testid=undo-button]").await;
    let back = app
        .until(
            "the reply's text and file back in the composer",
            "const f = document.querySelector('[data-testid=composer-file]');
             return document.querySelector('[data-testid=composer-input]')?.value === arguments[0] && f
               ? f.textContent : null;",
            vec![json!(body)],
        )
        .await;
    assert!(
        back.as_str().unwrap().contains("offline-screen.png"),
        "{back}"
    );
    app.click("[data-testid=composer-send]").await;
    let shown = app
        .until(
            "the reply's image in the timeline, from the app's own copy",
            "const e = [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=reply]')]
               .find(e => e.textContent.includes(arguments[0]));
             const img = e?.querySelector('[data-testid=attachment-image]');
             return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : null;",
            vec![json!(body)],
        )
        .await;
    assert_eq!(shown, json!(240));
    app.screenshot("attachments-offline");

    // Well past the undo hold, nothing has reached the server: it is offline.
    tokio::time::sleep(Duration::from_millis(
        inbox_core::undo::UNDO_WINDOW_MS as u64 + 1_000,
    ))
    .await;
    assert!(server_reply(&storage, &ticket, body).is_none());
    let stored = storage
        .reading(|tx| tx.list(inbox_server::storage::Kind::Attachment, "", 10_000))
        .unwrap();
    assert!(stored
        .iter()
        .all(|(_, doc)| !doc.contains("offline-screen.png")));

    // Back online: the file goes up first, then the reply naming it.
    app.click("[data-testid=work-offline]").await;
    app.until_sync_state("online").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let part = loop {
        if let Some(part) = server_reply(&storage, &ticket, body) {
            break part;
        }
        assert!(
            Instant::now() < deadline,
            "the reply never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(part.attachments.len(), 1);
    let record = server_file(&storage, part.attachments[0]);
    assert_eq!(
        (record.name.as_str(), record.size),
        ("offline-screen.png", shot.len() as u64)
    );
    let blob = dir
        .path()
        .join("attachments")
        .join(&record.sha256[..2])
        .join(&record.sha256);
    assert_eq!(std::fs::read(blob).unwrap(), shot);

    // The timeline still shows it, now from the server.
    app.until(
        "the image still shown",
        "const img = document.querySelector('[data-testid=attachment-image]');
         return img && img.complete && img.naturalWidth > 0 ? true : null;",
        vec![],
    )
    .await;
    app.close().await;
}
