//! The app synced with a real server on loopback: it downloads the server's workspace, and a
//! change made through the server's API appears in the running window without a restart; a
//! change made in the window reaches the server.

use std::sync::Arc;
use std::time::Duration;

use inbox_core::{Mutation, Ticket};
use inbox_server::setup::{seed_demo, teammate_token};
use inbox_server::storage::sqlite::SqliteStorage;
use inbox_server::storage::{SharedStorage, StorageExt};
use inbox_sync::client::Client;
use inbox_sync::{PendingMutation, PushRequest};
use serde_json::json;

use crate::harness::App;

const PAGE_DOWN: char = '\u{E00F}';
use crate::server::{admin_id, serve, server_ticket, start_server, ADMIN};

/// A loopback proxy in front of the server that the test can cut, like a pulled network cable:
/// open connections are dropped and new ones refused until it is plugged back in.
struct Proxy {
    addr: std::net::SocketAddr,
    online: Arc<std::sync::atomic::AtomicBool>,
    generation: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Proxy {
    async fn start(upstream: std::net::SocketAddr) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let online = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (generation, _) = tokio::sync::watch::channel(0u64);
        let generation = Arc::new(generation);
        let (on, gen) = (online.clone(), generation.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !on.load(std::sync::atomic::Ordering::SeqCst) {
                    continue; // Dropped at once: the connection is refused.
                }
                let mut cut = gen.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Proxy {
            addr,
            online,
            generation,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Pulls the cable: every open connection drops, new ones are refused.
    fn cut(&self) {
        self.online
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn plug_in(&self) {
        self.online.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn the_app_follows_the_servers_changes_and_sends_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let (url, storage) = start_server(dir.path()).await;
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let app = App::launch(&["--server", &url, "--token", &token]).await;
    app.until_sync_state("online").await;
    let rows = app
        .until(
            "the server's tickets in the list",
            "const n = document.querySelectorAll('[data-testid=ticket-row]').length;
             return n > 0 ? n : null;",
            vec![],
        )
        .await;
    assert!(rows.as_u64().unwrap() > 0);

    // Another teammate renames a ticket through the server's API: the window shows it.
    let ticket = server_ticket(&storage, 1);
    let other = Client::new(&url, &token);
    let rename = Mutation::UpdateAttributes {
        ticket: ticket.id,
        attributes: [("title".to_owned(), json!("Renamed on the server"))].into(),
    };
    let pushed = other
        .push(&PushRequest {
            client_id: "another-teammate".into(),
            mutations: vec![PendingMutation {
                seq: 1,
                mutation: rename,
            }],
        })
        .await
        .unwrap();
    assert!(
        matches!(pushed.results[0], inbox_sync::PushResult::Applied { .. }),
        "{pushed:?}"
    );
    // The list holds still while it is looked at: the row keeps its place (its text changes),
    // so page down to it.
    app.js(
        "document.querySelector('[data-testid=ticket-list]').focus();",
        vec![],
    )
    .await;
    let row = format!("[data-testid=ticket-row][data-ticket-id='{}']", ticket.id);
    for _ in 0..10 {
        let shown = app
            .js(
                "return !!document.querySelector(arguments[0]);",
                vec![json!(row)],
            )
            .await;
        if shown == json!(true) {
            break;
        }
        app.press(&[PAGE_DOWN]).await;
    }
    app.until(
        "the renamed ticket in the list",
        "return [...document.querySelectorAll('[data-testid=row-title]')]
           .some(t => t.textContent.trim() === 'Renamed on the server') || null;",
        vec![],
    )
    .await;
    app.screenshot("sync");

    // A note written in the window reaches the server.
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        ticket.id
    ))
    .await;
    app.click("[data-testid=composer-note]").await;
    app.type_into("[data-testid=composer-input]", "Written in the app")
        .await;
    app.click("[data-testid=composer-send]").await;
    let mut waited = 0;
    loop {
        let on_server = storage
            .reading(|tx| tx.parts(&ticket.id.to_string()))
            .unwrap()
            .iter()
            .any(|p| p.contains("Written in the app"));
        if on_server {
            break;
        }
        assert!(waited < 200, "the note reached the server within 20 s");
        waited += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.until(
        "nothing left waiting",
        "const s = document.querySelector('[data-testid=sync-indicator]');
         return s && s.dataset.state === 'online' && !document.querySelector('[data-testid=sync-pending]') ? true : null;",
        vec![],
    )
    .await;
    let notes = app
        .js(
            "return [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=note]')]
               .filter(e => e.textContent.includes('Written in the app')).length;",
            vec![],
        )
        .await;
    assert_eq!(notes, json!(1), "once in the window, after the rebase too");

    // A teammate's note on the open ticket appears in its timeline.
    other
        .push(&PushRequest {
            client_id: "another-teammate".into(),
            mutations: vec![PendingMutation {
                seq: 2,
                mutation: Mutation::Note {
                    attachments: Vec::new(),
                    ticket: ticket.id,
                    body: "Seen from another desk".into(),
                    keep_private: false,
                },
            }],
        })
        .await
        .unwrap();
    // Sam assigns a ticket to me (Alex): a desktop notification says so.
    let sam = Client::new(
        &url,
        &teammate_token(
            storage.as_ref(),
            "sam@northwind.example",
            None,
            inbox_server::authority::now(),
        )
        .unwrap(),
    );
    let me = admin_id(&storage);
    let target = server_ticket(&storage, 2);
    sam.push(&PushRequest {
        client_id: "sam".into(),
        mutations: vec![PendingMutation {
            seq: 1,
            mutation: Mutation::Assign {
                ticket: target.id,
                teammate: Some(me),
                team: None,
            },
        }],
    })
    .await
    .unwrap();
    let mut waited = 0;
    while !app.notifications_log().contains("Assigned to you") {
        assert!(
            waited < 200,
            "a desktop notification within 20 s; the bus saw: {}",
            app.notifications_log()
        );
        waited += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(app.notifications_log().contains(&target.title));

    app.until(
        "the other teammate's note in the open ticket",
        "return [...document.querySelectorAll('[data-testid=timeline-entry][data-kind=note]')]
           .some(e => e.textContent.includes('Seen from another desk')) || null;",
        vec![],
    )
    .await;

    // Working offline on purpose: a note waits on this computer until the teammate goes online.
    app.click("[data-testid=work-offline]").await;
    app.until_sync_state("working_offline").await;
    app.click("[data-testid=composer-note]").await;
    app.type_into("[data-testid=composer-input]", "Kept while offline")
        .await;
    app.click("[data-testid=composer-send]").await;
    app.until(
        "the note waiting",
        "return document.querySelector('[data-testid=sync-pending]') ? true : null;",
        vec![],
    )
    .await;
    let on_server = |storage: &SharedStorage| {
        storage
            .reading(|tx| tx.parts(&ticket.id.to_string()))
            .unwrap()
            .iter()
            .any(|p| p.contains("Kept while offline"))
    };
    assert!(!on_server(&storage), "nothing leaves while working offline");
    app.screenshot("sync-working-offline");
    app.click("[data-testid=work-offline]").await;
    let mut waited = 0;
    while !on_server(&storage) {
        assert!(waited < 200, "the note reached the server once back online");
        waited += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Settings has the desktop notifications switch, on by default.
    app.click("[data-testid=open-settings]").await;
    let on = app
        .until(
            "the notifications switch",
            "const c = document.querySelector('[data-testid=desktop-notifications]');
             return c && !c.disabled ? c.checked : null;",
            vec![],
        )
        .await;
    assert_eq!(on, json!(true));
    app.screenshot("settings");
}

#[tokio::test]
async fn a_change_the_server_refuses_is_undone_and_kept_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let storage: SharedStorage =
        Arc::new(SqliteStorage::open_dir(&dir.path().join("server")).unwrap());
    seed_demo(storage.as_ref(), 40, 0, inbox_server::authority::now()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = Proxy::start(listener.local_addr().unwrap()).await;
    let _server = serve(listener, dir.path(), &storage);
    let token = teammate_token(
        storage.as_ref(),
        ADMIN,
        None,
        inbox_server::authority::now(),
    )
    .unwrap();
    let app = App::launch(&["--server", &proxy.url(), "--token", &token]).await;
    app.until_sync_state("online").await;

    // The network goes away; meanwhile the ticket gets linked to one tracker on the server, and
    // the teammate links it to another in the window.
    proxy.cut();
    let (ticket, trackers) = storage
        .reading(|tx| {
            let all: Vec<Ticket> = tx
                .tickets_after("", 1000)?
                .iter()
                .map(|(_, doc)| serde_json::from_str(doc).unwrap())
                .collect();
            // Among the newest activity, so its row is near the top of the Customer view.
            let mut customer: Vec<&Ticket> = all
                .iter()
                .filter(|t| t.category == inbox_core::Category::Customer)
                .collect();
            customer.sort_by_key(|t| std::cmp::Reverse((t.last_activity_at, t.id)));
            let ticket = customer[..8]
                .iter()
                .find(|t| t.tracker.is_none())
                .map(|t| (*t).clone())
                .expect("one of the newest customer tickets has no tracker");
            let trackers: Vec<Ticket> = all
                .into_iter()
                .filter(|t| t.category == inbox_core::Category::Tracker)
                .collect();
            Ok((ticket, trackers))
        })
        .unwrap();
    let admin = storage
        .reading(|tx| {
            let teammates: Vec<(String, String)> =
                tx.list(inbox_server::storage::Kind::Teammate, "", 100)?;
            Ok(teammates
                .iter()
                .map(|(_, doc)| serde_json::from_str::<inbox_core::Teammate>(doc).unwrap())
                .find(|t| t.email == ADMIN)
                .unwrap())
        })
        .unwrap();
    storage
        .writing(|tx| {
            let db = inbox_server::workspace::Db::new(tx);
            let how = inbox_server::authority::Apply {
                actor: inbox_core::Author::Teammate(admin.id),
                now: inbox_server::authority::now(),
                origin: None,
                skip_notifications: true,
            };
            let link = Mutation::LinkTracker {
                ticket: ticket.id,
                tracker: trackers[0].id,
            };
            inbox_server::authority::apply_one(&db, &link, how).map(|_| ())
        })
        .unwrap();
    app.click("[data-testid=view-category-customer]").await;
    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        ticket.id
    ))
    .await;
    app.click("[data-testid=link-tracker]").await;
    app.type_into("[data-testid=tracker-search]", &trackers[1].title)
        .await;
    app.click(&format!(
        "[data-testid=tracker-result][data-ticket-id='{}']",
        trackers[1].id
    ))
    .await;
    app.until(
        "the link queued while offline",
        "return document.querySelector('[data-testid=sync-pending]') ? true : null;",
        vec![],
    )
    .await;

    // The network is back: the link is refused, undone on screen, and listed with its reason.
    proxy.plug_in();
    app.until(
        "the refusal to be reported",
        "return document.querySelector('[data-testid=open-sync-issues]') ? true : null;",
        vec![],
    )
    .await;
    app.click("[data-testid=open-sync-issues]").await;
    let issue = app.text("[data-testid=sync-issue]").await;
    assert!(issue.contains("Link to a tracker"), "{issue}");
    assert!(issue.contains("already linked"), "{issue}");
    app.screenshot("sync-issues");
    let local_tracker = app
        .until(
            "the server's link on screen",
            "const t = document.querySelector('[data-testid=linked-tracker]');
             return t ? t.textContent : null;",
            vec![],
        )
        .await;
    assert!(
        local_tracker.as_str().unwrap().contains(&trackers[0].title),
        "{local_tracker}"
    );
}
