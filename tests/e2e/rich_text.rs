//! Rich text (issue 17, item 4): a reply written with the composer's formatting keys and
//! buttons and Markdown typed as it is (Ctrl+B, a selection made italic with the toolbar, a
//! bulleted list) shows formatted in the timeline, reaches the server as the text typed, and
//! shows formatted in the customer's Messenger page too; HTML typed into a note shows as text,
//! never as an element.

use std::time::{Duration, Instant};

use inbox_server::setup::teammate_token;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::harness::{App, CTRL, ENTER, SHIFT};
use crate::server::{open_shared_customer_ticket, start_server, ADMIN};

const END: char = '\u{E010}';
const LEFT: char = '\u{E012}';

async fn type_keys(app: &App, text: &str) {
    let keys: Vec<char> = text.chars().collect();
    app.press(&keys).await;
}

async fn composer_text(app: &App) -> Value {
    app.js(
        "return document.querySelector('[data-testid=composer-input]').value;",
        vec![],
    )
    .await
}

/// The elements and text of the newest timeline entry of `kind` whose text has `words`.
async fn rendered(app: &App, kind: &str, words: &str) -> Value {
    app.until(
        &format!("the {kind} saying {words:?} in the timeline"),
        "const entry = [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=' + arguments[0] + ']')]
           .reverse().find(e => e.textContent.includes(arguments[1]));
         const body = entry && entry.querySelector('[data-testid=rich-body]');
         return body && {
           html: body.innerHTML,
           strong: [...body.querySelectorAll('strong')].map(e => e.textContent),
           em: [...body.querySelectorAll('em')].map(e => e.textContent),
           items: [...body.querySelectorAll('ul > li')].map(e => e.textContent),
           images: body.querySelectorAll('img').length,
           elements: [...body.querySelectorAll('*')].map(e => e.tagName.toLowerCase()),
           text: body.textContent,
         };",
        vec![json!(kind), json!(words)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_formatted_with_keys_and_markdown_shows_formatted_in_the_app_and_the_messenger() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let now = inbox_server::authority::now();
    let token = teammate_token(storage.as_ref(), ADMIN, None, now).unwrap();

    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    let ticket = open_shared_customer_ticket(&app, &storage).await;

    // Ctrl+B puts the markers in with the caret between; a selection made italic with the
    // toolbar's button; a list typed as Markdown.
    app.click("[data-testid=composer-reply]").await;
    type_keys(&app, "Please ").await;
    app.press(&[CTRL, 'b']).await;
    type_keys(&app, "restart").await;
    app.press(&[END]).await;
    type_keys(&app, " the app:").await;
    app.press(&[ENTER]).await;
    type_keys(&app, "- clear the cache").await;
    app.press(&[SHIFT, LEFT, LEFT, LEFT, LEFT, LEFT]).await;
    app.click("[data-testid=format-italic]").await;
    app.press(&[END, ENTER]).await;
    type_keys(&app, "- sign in again").await;
    let typed = "Please **restart** the app:\n- clear the *cache*\n- sign in again";
    assert_eq!(composer_text(&app).await, json!(typed));
    app.screenshot("rich-text-composer");

    app.press(&[CTRL, ENTER]).await;
    let reply = rendered(&app, "reply", "restart").await;
    assert_eq!(reply["strong"], json!(["restart"]), "{reply}");
    assert_eq!(reply["em"], json!(["cache"]), "{reply}");
    assert_eq!(
        reply["items"],
        json!(["clear the cache", "sign in again"]),
        "{reply}"
    );
    assert!(
        !reply["text"].as_str().unwrap().contains('*'),
        "no markers left: {reply}"
    );
    app.screenshot("rich-text-timeline");
    let mut failed = Vec::new();
    crate::accessibility::check(
        &app,
        "a formatted reply and the formatting buttons",
        &mut failed,
    )
    .await;
    assert!(failed.is_empty(), "{failed:?}");

    // The other keys: numbered and bulleted lists, a link with its address to type, italic
    // and code with the caret between their markers.
    app.click("[data-testid=composer-note]").await;
    app.wait_for("[data-testid=composer][data-mode=note]").await;
    type_keys(&app, "check logs").await;
    app.press(&[CTRL, SHIFT, '7']).await;
    app.press(&[ENTER]).await;
    type_keys(&app, "2. read ").await;
    app.press(&[CTRL, SHIFT, 'l']).await;
    type_keys(&app, "the guide").await;
    app.press(&[END, ENTER, ENTER]).await;
    type_keys(&app, "then ").await;
    app.press(&[CTRL, 'i']).await;
    type_keys(&app, "maybe").await;
    app.press(&[END]).await;
    type_keys(&app, " run ").await;
    app.press(&[CTRL, 'e']).await;
    type_keys(&app, "sync").await;
    app.press(&[END, ENTER]).await;
    type_keys(&app, "done").await;
    app.press(&[CTRL, SHIFT, '8']).await;
    assert_eq!(
        composer_text(&app).await,
        json!("1. check logs\n2. read [the guide](https://)\n\nthen *maybe* run `sync`\n- done")
    );
    app.press(&[CTRL, ENTER]).await;
    let keyed = rendered(&app, "note", "check logs").await;
    assert_eq!(
        keyed["elements"],
        json!(["ol", "li", "li", "p", "em", "code", "ul", "li"]),
        "{keyed}"
    );

    // A note with HTML in it: shown as the text typed, no element made of it.
    let hostile =
        "Careful: <img src=x onerror=document.title='owned'> and [x](javascript:alert(1))";
    type_keys(&app, hostile).await;
    app.press(&[CTRL, ENTER]).await;
    let note = rendered(&app, "note", "Careful").await;
    assert_eq!(note["images"], json!(0), "{note}");
    assert_eq!(note["elements"], json!(["p"]), "{note}");
    assert_eq!(note["text"], json!(hostile), "{note}");
    assert_ne!(app.window_title(), "owned");

    // A link in a message opens in the teammate's browser; the window stays on the inbox.
    let status = "https://status.example.com/incidents?id=7";
    type_keys(&app, &format!("Status page: {status}")).await;
    app.press(&[CTRL, ENTER]).await;
    rendered(&app, "note", "Status page").await;
    let page = app.js("return location.href;", vec![]).await;
    app.click(&format!("[data-testid=rich-body] a[href=\"{status}\"]"))
        .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !app.opened_links().contains(&status.to_owned()) {
        assert!(
            Instant::now() < deadline,
            "the link never reached the browser: {:?}",
            app.opened_links()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.js("return location.href;", vec![]).await, page);
    app.wait_for("[data-testid=ticket-detail]").await;

    // The reply reaches the server as typed (after its 6 s of Undo), and the customer's
    // Messenger page shows it formatted as the app did.
    let admin = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let parts = admin
            .get(format!("{url}/tickets/{}/parts", ticket.id))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if parts.contains(&serde_json::to_string(typed).unwrap()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the reply on the server: {parts}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let contact = ticket.contacts[0];
    let customer: Value = admin
        .post(format!("{url}/contacts/{contact}/messenger_token"))
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
            "localStorage.clear(); localStorage.setItem('teammate-inbox.messenger.token', arguments[0]);",
            vec![customer["token"].clone()],
        )
        .await;
    browser
        .goto(&format!("{url}/messenger#/tickets/{}", ticket.id))
        .await;
    let page = browser
        .until(
            "the reply formatted on the Messenger page",
            "const body = [...document.querySelectorAll('[data-testid=rich-body]')]
               .find(b => b.textContent.includes('restart'));
             return body && {
               strong: [...body.querySelectorAll('strong')].map(e => e.textContent),
               em: [...body.querySelectorAll('em')].map(e => e.textContent),
               items: [...body.querySelectorAll('ul > li')].map(e => e.textContent),
             };",
            vec![],
        )
        .await;
    assert_eq!(
        page,
        json!({"strong": ["restart"], "em": ["cache"], "items": ["clear the cache", "sign in again"]})
    );
    browser.screenshot("rich-text-messenger").await;
    browser.close().await;
    app.close().await;
}
