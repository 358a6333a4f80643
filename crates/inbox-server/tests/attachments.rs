//! Attachments through the real server: uploads are bounded and typed, stored once by content
//! in the attachments folder, and fetched only by those who may see them: any teammate, and a
//! customer only the files of the messages they see on their own tickets and conversations,
//! never a note's.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use fixture::*;
use serde_json::{json, Value};
use server::{Client, TestServer};

/// Uploads `bytes` as `name` of `content_type` to `path` (`/attachments` or the Messenger's).
async fn upload(
    client: &Client,
    path: &str,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let res = client
        .http
        .post(format!("{}{path}", client.base))
        .query(&[("name", name)])
        .bearer_auth(client.token.as_deref().unwrap())
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

/// Fetches a file: its status, headers and bytes.
async fn fetch(client: &Client, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = client
        .http
        .get(format!("{}{path}", client.base))
        .bearer_auth(client.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn png_bytes(seed: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(std::iter::repeat_n(seed, 64));
    bytes
}

async fn uploaded(f: &Fixture, name: &str, seed: u8) -> String {
    let (status, body) = upload(&f.admin, "/attachments", name, "image/png", png_bytes(seed)).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn uploads_are_bounded_typed_and_stored_once_by_content() {
    let server = TestServer::start(Some(10));
    let f = fixture(&server, 3600).await;

    let (status, first) = upload(
        &f.admin,
        "/attachments",
        "../../shot\r\n.png",
        "image/png",
        png_bytes(1),
    )
    .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["name"], "shot.png", "no path, no control characters");
    assert_eq!(first["size"], 72);
    assert_eq!(first["content_type"], "image/png");
    let (_, second) = upload(
        &f.admin,
        "/attachments",
        "again.png",
        "image/png",
        png_bytes(1),
    )
    .await;
    assert_ne!(first["id"], second["id"]);
    assert_eq!(first["sha256"], second["sha256"]);
    let sha = first["sha256"].as_str().unwrap();
    let blob = server
        .data_dir
        .join("attachments")
        .join(&sha[..2])
        .join(sha);
    assert_eq!(
        std::fs::read(&blob).unwrap(),
        png_bytes(1),
        "the blob is in the data folder, by its hash"
    );
    let stored: Vec<_> = std::fs::read_dir(blob.parent().unwrap()).unwrap().collect();
    assert_eq!(stored.len(), 1, "the same content is stored once");

    let (status, body) = upload(
        &f.admin,
        "/attachments",
        "page.html",
        "text/html",
        b"<script>".to_vec(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("attachment_type_refused"))
    );
    let (status, body) = upload(
        &f.admin,
        "/attachments",
        "tool.exe",
        "application/octet-stream",
        b"MZ".to_vec(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("attachment_type_refused"))
    );
    let (status, body) = upload(
        &f.admin,
        "/attachments",
        "empty.txt",
        "text/plain",
        Vec::new(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("attachment_empty"))
    );
    let big = vec![b'a'; 20 * 1024 * 1024 + 1];
    let (status, body) = upload(&f.admin, "/attachments", "big.txt", "text/plain", big).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("attachment_too_large"))
    );

    // A customer's token cannot use the teammates' upload.
    let customer = customer(&server, &f, &f.contact).await;
    let (status, _) = upload(
        &customer,
        "/attachments",
        "x.png",
        "image/png",
        png_bytes(2),
    )
    .await;
    assert_eq!(status, 403);
    // Nobody can name a file that does not exist.
    let missing = "01J00000000000000000000000";
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let res = f
        .admin
        .post(
            "/sync/push",
            json!({"client_id": client_id(&f.admin), "mutations": [{"seq": seq, "mutation":
                {"type": "reply", "ticket": f.ticket, "body": "see file", "attachments": [missing]}}]}),
        )
        .await
        .ok();
    assert_eq!(res["results"][0]["status"], "rejected", "{res}");
    assert_eq!(res["results"][0]["error"]["code"], "not_found", "{res}");
}

#[tokio::test]
async fn only_those_who_see_a_message_fetch_its_files() {
    let server = TestServer::start(Some(10));
    let f = fixture(&server, 3600).await;
    let replied = uploaded(&f, "for the customer.png", 10).await;
    let noted = uploaded(&f, "internal.png", 11).await;
    push(
        &f.admin,
        json!({"type": "reply", "ticket": f.ticket, "body": "Here is the fix", "attachments": [replied]}),
    )
    .await;
    push(
        &f.admin,
        json!({"type": "note", "ticket": f.ticket, "body": "Logs", "attachments": [noted]}),
    )
    .await;

    // A teammate fetches any file, with a safe disposition and no sniffing.
    let (status, headers, bytes) = fetch(&f.admin, &format!("/attachments/{noted}")).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, png_bytes(11));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(
        headers["content-disposition"],
        "inline; filename=\"internal.png\"; filename*=UTF-8''internal.png"
    );

    // The ticket's customer sees the reply's file, named, and fetches it; never the note's.
    let customer_client = customer(&server, &f, &f.contact).await;
    let ticket = customer_client
        .get(&format!("/messenger/tickets/{}", f.ticket))
        .await
        .ok();
    let files: Vec<&Value> = ticket["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["body"] == "Here is the fix")
        .flat_map(|e| e["attachments"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(files.len(), 1, "{ticket}");
    assert_eq!(files[0]["name"], "for the customer.png");
    assert_eq!(files[0]["size"], 72);
    assert_eq!(files[0]["url"], format!("/messenger/attachments/{replied}"));
    let (status, headers, bytes) = fetch(
        &customer_client,
        &format!("/messenger/attachments/{replied}"),
    )
    .await;
    assert_eq!((status, bytes), (200, png_bytes(10)));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let (status, _, _) = fetch(&customer_client, &format!("/messenger/attachments/{noted}")).await;
    assert_eq!(status, 404, "a note's file is not the customer's");
    let (status, _, _) = fetch(&customer_client, &format!("/attachments/{replied}")).await;
    assert_eq!(
        status, 403,
        "the teammates' download takes a teammate's token"
    );
    let (status, _, _) = fetch(
        &customer_client,
        "/messenger/attachments/01J00000000000000000000000",
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = fetch(&f.admin, "/attachments/not-an-id").await;
    assert_eq!(status, 404);

    // Another customer gets nothing of it.
    let other = data(&f.records, "contact")
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .find(|c| *c != f.contact)
        .unwrap();
    let other = customer(&server, &f, &other).await;
    let (status, _, _) = fetch(&other, &format!("/messenger/attachments/{replied}")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn conversation_files_reach_their_customer_and_customers_send_their_own() {
    let server = TestServer::start(Some(10));
    let f = fixture(&server, 3600).await;
    let customer_client = customer(&server, &f, &f.contact).await;
    let started = customer_client
        .post(
            "/messenger/conversations",
            json!({"body": "My export fails"}),
        )
        .await
        .ok();
    let id = started["id"].as_str().unwrap().to_owned();
    let answer = uploaded(&f, "steps.png", 20).await;
    let internal = uploaded(&f, "trace.png", 21).await;
    push(
        &f.admin,
        json!({"type": "conversation_reply", "conversation": id, "body": "Try this", "attachments": [answer]}),
    )
    .await;
    push(
        &f.admin,
        json!({"type": "conversation_note", "conversation": id, "body": "trace", "attachments": [internal]}),
    )
    .await;
    let seen = customer_client
        .get(&format!("/messenger/conversations/{id}"))
        .await
        .ok();
    assert_eq!(
        seen["messages"][1]["attachments"][0]["name"], "steps.png",
        "{seen}"
    );
    let (status, _, _) = fetch(
        &customer_client,
        &format!("/messenger/attachments/{answer}"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = fetch(
        &customer_client,
        &format!("/messenger/attachments/{internal}"),
    )
    .await;
    assert_eq!(status, 404, "a conversation note's file stays internal");

    // The customer attaches their own screenshot to a reply on their ticket; another
    // customer's upload cannot be named.
    let (status, mine) = upload(
        &customer_client,
        "/messenger/attachments",
        "screen.png",
        "image/png",
        png_bytes(30),
    )
    .await;
    assert_eq!(status, 201, "{mine}");
    let res = customer_client
        .post(
            &format!("/messenger/tickets/{}/reply", f.ticket),
            json!({"body": "here is the screenshot", "attachments": [mine["id"]]}),
        )
        .await
        .ok();
    let last = res["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["kind"] == "message")
        .unwrap()
        .clone();
    assert_eq!(last["attachments"][0]["name"], "screen.png", "{last}");
    let (status, _, bytes) = fetch(
        &f.admin,
        &format!("/attachments/{}", mine["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!((status, bytes), (200, png_bytes(30)));
    customer_client
        .post(
            &format!("/messenger/tickets/{}/reply", f.ticket),
            json!({"body": "and this", "attachments": [answer]}),
        )
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn a_reply_email_lists_its_files_and_links_to_the_messenger() {
    let server = TestServer::start(Some(10));
    let f = fixture(&server, 0).await;
    let shot = uploaded(&f, "error-dialog.png", 40).await;
    let noted = uploaded(&f, "internal-trace.png", 41).await;
    push(
        &f.admin,
        json!({"type": "note", "ticket": f.ticket, "body": "trace", "attachments": [noted]}),
    )
    .await;
    push(
        &f.admin,
        json!({"type": "reply", "ticket": f.ticket, "body": "See the screenshot", "attachments": [shot]}),
    )
    .await;
    let emails = emails_settle(&server, 1).await;
    let email = emails
        .iter()
        .find(|e| says(e, "See the screenshot"))
        .expect("the reply's email");
    assert!(says(email, "error-dialog.png (72 bytes)"), "{email}");
    assert!(says(email, "/messenger?brand="), "{email}");
    assert!(
        !says(email, "internal-trace.png"),
        "a note's file never reaches an email"
    );
}

#[tokio::test]
async fn demo_customers_send_real_screenshots() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 3600).await;
    let shots: Vec<&Value> = data(&f.records, "ticket_part")
        .filter(|p| p["kind"]["body"] == inbox_demo::SCREENSHOT_MESSAGE)
        .collect();
    assert!(!shots.is_empty(), "some demo customers send a screenshot");
    let part = shots[0];
    assert_eq!(part["author"]["kind"], "contact");
    let file = part["attachments"][0].as_str().unwrap();
    let (status, headers, bytes) = fetch(&f.admin, &format!("/attachments/{file}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a real PNG");
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 360);

    // Its customer sees it in the Messenger, and fetches it.
    let ticket = find(&f.records, "ticket", &part["ticket"]);
    let customer_client = customer(&server, &f, ticket["contacts"][0].as_str().unwrap()).await;
    let seen = customer_client
        .get(&format!(
            "/messenger/tickets/{}",
            part["ticket"].as_str().unwrap()
        ))
        .await
        .ok();
    assert!(seen.to_string().contains("screenshot.png"), "{seen}");
    let (status, _, fetched) =
        fetch(&customer_client, &format!("/messenger/attachments/{file}")).await;
    assert_eq!((status, fetched), (200, bytes));
}
