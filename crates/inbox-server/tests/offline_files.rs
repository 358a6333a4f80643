//! Files attached in the app while offline: the app keeps them under ids of its own and its
//! sync engine uploads each (`PUT /attachments/{id}`, idempotent) just before the change that
//! names it. A file the server refuses turns only the changes naming it into sync issues that
//! say which file and why; a reply taken back in its undo window uploads nothing.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use fixture::*;
use inbox_core::{AttachmentId, Author, Mutation, PartKind, TicketId};
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, sync};
use inbox_sync::Replica;
use server::{TestServer, DEMO_ADMIN};

const NOW: i64 = 1_800_000_000_000;

fn png(seed: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(std::iter::repeat_n(seed, 64));
    bytes
}

fn id(n: u128) -> AttachmentId {
    AttachmentId(ulid::Ulid::from_parts(NOW as u64, n))
}

/// `PUT /attachments/{id}` as the raw HTTP it is: status and body.
async fn put(
    server: &TestServer,
    token: &str,
    id: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new()
        .put(format!("{}/attachments/{id}", server.url))
        .query(&[("name", name)])
        .bearer_auth(token)
        .header("content-type", "image/png")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_file_uploads_under_the_apps_id_once_and_a_taken_id_is_refused() {
    let server = TestServer::start(Some(10));
    let admin = server.token(DEMO_ADMIN);
    let id = id(1).to_string();
    let (status, first) = put(&server, &admin, &id, "a.png", png(1)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (first["id"].as_str(), first["name"].as_str()),
        (Some(id.as_str()), Some("a.png"))
    );

    // The same file again (an answer lost on the way): the record as stored.
    let (status, again) = put(&server, &admin, &id, "a.png", png(1)).await;
    assert_eq!((status, &again), (200, &first));

    // Another file under that id, by the same teammate or another: refused.
    let (status, other) = put(&server, &admin, &id, "b.png", png(2)).await;
    assert_eq!(
        (status, other["code"].as_str()),
        (409, Some("attachment_id_taken"))
    );
    let records = records(&server.client(&admin)).await;
    let other = data(&records, "teammate")
        .find(|t| t["email"] != DEMO_ADMIN)
        .unwrap()["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let someone = server.token(&other);
    let (status, _) = put(&server, &someone, &id, "a.png", png(1)).await;
    assert_eq!(status, 409);

    // Not an id at all; a refused type; no token.
    let (status, bad) = put(&server, &admin, "not-a-ulid", "a.png", png(1)).await;
    assert_eq!(
        (status, bad["code"].as_str()),
        (400, Some("invalid_attachment_id"))
    );
    let (status, exe) = put(
        &server,
        &admin,
        &self::id(3).to_string(),
        "setup.exe",
        png(3),
    )
    .await;
    assert_eq!(
        (status, exe["code"].as_str()),
        (422, Some("attachment_type_refused"))
    );
    let (status, _) = put(
        &server,
        "tit_wrong",
        &self::id(4).to_string(),
        "a.png",
        png(4),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn files_go_up_before_the_changes_naming_them_and_a_refused_one_holds_up_no_other() {
    let server = TestServer::start(Some(30));
    let f = fixture(&server, 180).await;
    let token = f.admin.token.clone().unwrap();
    let client = Client::new(&server.url, &token);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    bootstrap(&client, &mut store, &mut |_| {}).await.unwrap();
    let me = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.email == DEMO_ADMIN)
        .unwrap();
    let me = Author::Teammate(me.id);
    let ticket: TicketId = f.ticket.parse().unwrap();
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };
    let note = |body: &str, files: Vec<AttachmentId>| Mutation::Note {
        ticket,
        body: body.into(),
        keep_private: false,
        attachments: files,
    };

    // Another file already holds one id on the server: the app's file under it is refused.
    let taken = id(10);
    let (status, _) = put(&server, &token, &taken.to_string(), "theirs.png", png(9)).await;
    assert_eq!(status, 201);
    let good = store
        .keep_file(id(11), "good.png", "image/png", &png(1), me, NOW)
        .unwrap();
    let clash = store
        .keep_file(taken, "mine.png", "image/png", &png(2), me, NOW)
        .unwrap();
    let dropped = store
        .keep_file(id(12), "wrong.png", "image/png", &png(3), me, NOW)
        .unwrap();
    // Kept as the server will keep it: the same checks, the same content hash.
    assert_eq!(good.size, png(1).len() as u64);
    assert!(store
        .keep_file(
            id(13),
            "run.exe",
            "application/octet-stream",
            b"MZ",
            me,
            NOW
        )
        .is_err());

    store
        .apply_held(&note("Before", vec![]), me, NOW, &mut random)
        .unwrap();
    store
        .apply_held(
            &note("With the clash", vec![clash.id]),
            me,
            NOW,
            &mut random,
        )
        .unwrap();
    store
        .apply_held(
            &note("With the good one", vec![good.id]),
            me,
            NOW,
            &mut random,
        )
        .unwrap();
    let (_, undo) = store
        .apply_held(&note("Taken back", vec![dropped.id]), me, NOW, &mut random)
        .unwrap();
    store.undo(&undo.unwrap(), NOW).unwrap();
    store
        .apply_held(&note("After", vec![]), me, NOW, &mut random)
        .unwrap();

    // Past the undo window: everything left goes.
    let later = NOW + inbox_core::undo::UNDO_WINDOW_MS + 1;
    let (pushed, _) = sync(&client, &mut store, later).await.unwrap();
    assert_eq!((pushed.applied, pushed.rejected), (3, 1));

    let issues = store.sync_issues().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].error.code, "attachment_id_taken");
    assert!(
        issues[0].error.message.contains("\u{201c}mine.png\u{201d}"),
        "{}",
        issues[0].error.message
    );

    // The server has the good file, with the app's id and bytes, on the note naming it.
    let record = f
        .admin
        .get(&format!("/attachments/{}/info", good.id))
        .await
        .ok();
    assert_eq!(record["sha256"].as_str(), Some(good.sha256.as_str()));
    let timeline = timeline_text(&f.admin, &f.ticket).await;
    for body in ["Before", "With the good one", "After"] {
        assert!(timeline.contains(body), "{body} reached the server");
    }
    assert!(!timeline.contains("Taken back") && !timeline.contains("With the clash"));
    let parts = store.timeline(ticket).unwrap();
    let on_note = parts
        .iter()
        .find(|p| matches!(&p.kind, PartKind::Note { body } if body == "With the good one"))
        .unwrap();
    assert_eq!(on_note.attachments, vec![good.id]);

    // The sent file's copy is gone; the refused one is kept with its sync issue; the one of the
    // reply taken back is never uploaded, and is forgotten once it is old.
    assert!(store.unsent_file(good.id).unwrap().is_none());
    assert!(store.unsent_file(clash.id).unwrap().is_some());
    f.admin
        .get(&format!("/attachments/{}/info", dropped.id))
        .await
        .error(404, "not_found");
    assert_eq!(
        store.forget_unsent_files(NOW).unwrap(),
        0,
        "none is old yet"
    );
    assert_eq!(store.forget_unsent_files(NOW + 1).unwrap(), 1);
    assert!(store.unsent_file(dropped.id).unwrap().is_none());
    assert!(store.unsent_file(clash.id).unwrap().is_some());
    assert!(Replica::pending(&mut store, 10, later).unwrap().is_empty());
}
