//! The app's side of sync against the real server on loopback: `inbox_sync::engine` bootstraps
//! an empty local store (a real SQLite file) and keeps it up to date by pulling.

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use fixture::*;
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, pull, push as push_outbox, sync, Progress, Pushed, SyncError};
use inbox_sync::{Cursor, Replica};
use serde_json::json;
use server::TestServer;

const TICKETS: usize = 1_200;

#[tokio::test]
async fn an_empty_app_bootstraps_the_workspace_and_pulls_what_changes() {
    let server = TestServer::start(Some(TICKETS));
    let f = fixture(&server, 180).await;
    let client = Client::new(&server.url, f.admin.token.as_deref().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    assert_eq!(store.cursor().unwrap(), None);

    let mut progress: Vec<Progress> = Vec::new();
    let cursor = bootstrap(&client, &mut store, &mut |p| progress.push(p))
        .await
        .unwrap();
    assert!(progress.len() > 1, "several pages: {progress:?}");
    assert!(progress.windows(2).all(|w| w[0].tickets <= w[1].tickets));
    assert_eq!(
        progress.last().unwrap(),
        &Progress {
            tickets: TICKETS as u64,
            total_tickets: TICKETS as u64
        }
    );
    assert_eq!(store.cursor().unwrap(), Some(cursor));
    assert_eq!(store.ticket_count().unwrap(), TICKETS as i64);

    // The local copy is the server's: tickets, timelines, people.
    let ticket: inbox_core::TicketId = f.ticket.parse().unwrap();
    let server_ticket: inbox_core::Ticket =
        serde_json::from_value(find(&f.records, "ticket", &json!(f.ticket)).clone()).unwrap();
    assert_eq!(store.ticket(ticket).unwrap(), server_ticket);
    let server_parts = f
        .admin
        .get(&format!("/tickets/{}/parts", f.ticket))
        .await
        .ok();
    let server_parts = server_parts["ticket_parts"].as_array().unwrap().len();
    assert_eq!(store.timeline(ticket).unwrap().len(), server_parts);
    assert_eq!(
        store.contacts().unwrap().len(),
        data(&f.records, "contact").count()
    );

    // A change made on the server (by another teammate, through the API) reaches the app.
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    push(
        &f.admin,
        json!({"type": "note", "ticket": f.ticket, "body": "Synced to the app"}),
    )
    .await;
    let pulled = pull(&client, &mut store).await.unwrap();
    assert!(pulled > cursor);
    assert_eq!(store.cursor().unwrap(), Some(pulled));
    let local = store.ticket(ticket).unwrap();
    assert_eq!(local.state_id.to_string(), f.other_state);
    let notes: Vec<String> = store
        .timeline(ticket)
        .unwrap()
        .iter()
        .filter_map(|p| match &p.kind {
            inbox_core::PartKind::Note { body } => Some(body.clone()),
            _ => None,
        })
        .collect();
    assert!(notes.contains(&"Synced to the app".to_owned()), "{notes:?}");
    // Nothing new: the same cursor, nothing written twice.
    let parts = store.timeline(ticket).unwrap().len();
    assert_eq!(pull(&client, &mut store).await.unwrap(), pulled);
    assert_eq!(store.timeline(ticket).unwrap().len(), parts);
}

#[tokio::test]
async fn pulling_without_a_bootstrap_bootstraps_first_and_bad_tokens_are_typed_errors() {
    let server = TestServer::start(Some(50));
    let token = server.token(server::DEMO_ADMIN);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();

    let stranger = Client::new(&server.url, "tit_wrong");
    let err = pull(&stranger, &mut store).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "The request needs a valid token: send `Authorization: Bearer TOKEN`."
    );
    assert_eq!(store.cursor().unwrap(), None, "nothing written");

    let client = Client::new(&server.url, &token);
    let cursor = pull(&client, &mut store).await.unwrap();
    assert_eq!(cursor, Cursor(0));
    assert_eq!(store.ticket_count().unwrap(), 50);

    let gone = Client::new("http://127.0.0.1:9", &token);
    match pull(&gone, &mut store).await.unwrap_err() {
        SyncError::Client(e) => {
            assert_eq!(e.code(), "offline");
            assert!(e.is_transient());
        }
        other => panic!("expected offline, got {other}"),
    }
}

/// An app's store (a real file in a temp folder, kept while the folder lives), bootstrapped.
async fn synced_store(client: &Client) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    bootstrap(client, &mut store, &mut |_| {}).await.unwrap();
    (store, dir)
}

/// A teammate's id, as the app knows itself.
fn teammate_id(records: &[serde_json::Value], email: &str) -> inbox_core::TeammateId {
    data(records, "teammate")
        .find(|t| t["email"] == email)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn queued_changes_reach_the_server_once_and_refusals_are_kept_with_their_reason() {
    let server = TestServer::start(Some(200));
    let f = fixture(&server, 180).await;
    let client = Client::new(&server.url, f.admin.token.as_deref().unwrap());
    let (mut store, _dir) = synced_store(&client).await;
    let me = inbox_core::Author::Teammate(teammate_id(&f.records, server::DEMO_ADMIN));
    let ticket: inbox_core::TicketId = f.ticket.parse().unwrap();
    let trackers: Vec<inbox_core::TicketId> = data(&f.records, "ticket")
        .filter(|t| t["category"] == "tracker")
        .map(|t| t["id"].as_str().unwrap().parse().unwrap())
        .take(2)
        .collect();
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };

    // Offline: applied locally at once, queued.
    let now = 1_800_000_000_000;
    let note = inbox_core::Mutation::Note {
        attachments: Vec::new(),
        ticket,
        body: "Written offline".into(),
        keep_private: false,
    };
    store.apply_and_queue(&note, me, now, &mut random).unwrap();
    let link = inbox_core::Mutation::LinkTracker {
        ticket,
        tracker: trackers[0],
    };
    store.apply_and_queue(&link, me, now, &mut random).unwrap();
    assert_eq!(store.outbox_len().unwrap(), 2);
    assert_eq!(store.ticket(ticket).unwrap().tracker, Some(trackers[0]));
    let offline = Client::new("http://127.0.0.1:9", f.admin.token.as_deref().unwrap());
    let err = push_outbox(&offline, &mut store, now).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Client(ref e) if e.is_transient()),
        "{err}"
    );
    assert_eq!(store.outbox_len().unwrap(), 2, "kept for later");

    // Meanwhile another teammate links the ticket to the other tracker on the server.
    f.admin
        .post(
            &format!("/tickets/{}/tracker", f.ticket),
            json!({"tracker_id": trackers[1].to_string()}),
        )
        .await
        .ok();

    // The first push reaches the server but its answer is lost (the app dies): the server has
    // applied both; the outbox still holds them.
    let pending = store.outbox(10).unwrap();
    let client_id = store.client_id().unwrap();
    let lost = client
        .push(&inbox_sync::PushRequest {
            client_id: client_id.clone(),
            mutations: pending,
        })
        .await
        .unwrap();
    assert_eq!(store.outbox_len().unwrap(), 2);

    // A pull before the next push: the note came back as the app's own applied change, so it
    // is no longer pending (replaying it too would show it twice).
    pull(&client, &mut store).await.unwrap();
    assert_eq!(store.outbox_len().unwrap(), 1);
    let written = |store: &Store| {
        notes(store, ticket)
            .iter()
            .filter(|n| *n == "Written offline")
            .count()
    };
    assert_eq!(written(&store), 1, "the note once, before the push too");

    // Back online: the link goes again and gets its first answer back.
    let pushed = push_outbox(&client, &mut store, now).await.unwrap();
    assert_eq!(
        pushed,
        Pushed {
            applied: 0,
            rejected: 1
        }
    );
    assert_eq!(store.outbox_len().unwrap(), 0);
    let issues = store.sync_issues().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].error.code, "already_linked_to_tracker");
    assert_eq!(issues[0].mutation, link, "the refused change is kept");
    assert_eq!(issues[0].seq, lost.results[1].seq());

    // On the server: the note once, the other teammate's link stands.
    let changes = f.admin.get("/sync/pull?after=0").await.ok();
    let mine = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["origin"]["client_id"] == client_id.as_str())
        .count();
    assert_eq!(mine, 1, "applied exactly once");
    pull(&client, &mut store).await.unwrap();
    assert_eq!(store.ticket(ticket).unwrap().tracker, Some(trackers[1]));
    // The rebase: the server's note replaced the optimistic one, the refused link is gone.
    assert_eq!(written(&store), 1, "the note once");
    let links = store
        .timeline(ticket)
        .unwrap()
        .into_iter()
        .filter(|p| matches!(&p.kind, inbox_core::PartKind::LinkChanged { target, .. } if *target == trackers[0].to_string()))
        .count();
    assert_eq!(links, 0, "the refused link left no trace");
    assert!(!store.has_optimistic_changes().unwrap());
}

fn notes(store: &Store, ticket: inbox_core::TicketId) -> Vec<String> {
    store
        .timeline(ticket)
        .unwrap()
        .iter()
        .filter_map(|p| match &p.kind {
            inbox_core::PartKind::Note { body } => Some(body.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn pending_changes_stay_on_screen_over_the_servers_changes() {
    let server = TestServer::start(Some(200));
    let f = fixture(&server, 180).await;
    let client = Client::new(&server.url, f.admin.token.as_deref().unwrap());
    let (mut store, _dir) = synced_store(&client).await;
    let me = inbox_core::Author::Teammate(teammate_id(&f.records, server::DEMO_ADMIN));
    let ticket: inbox_core::TicketId = f.ticket.parse().unwrap();
    let before = notes(&store, ticket);
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };
    let note = inbox_core::Mutation::Note {
        attachments: Vec::new(),
        ticket,
        body: "Not sent yet".into(),
        keep_private: false,
    };
    store
        .apply_and_queue(&note, me, 1_800_000_000_000, &mut random)
        .unwrap();
    // Someone else moves the ticket on the server; the app pulls (without pushing).
    push(
        &f.admin,
        json!({"type": "set_state", "ticket": f.ticket, "state": f.other_state}),
    )
    .await;
    pull(&client, &mut store).await.unwrap();
    assert_eq!(
        store.ticket(ticket).unwrap().state_id.to_string(),
        f.other_state,
        "the server's change"
    );
    let mut expected = before.clone();
    expected.push("Not sent yet".into());
    assert_eq!(
        notes(&store, ticket),
        expected,
        "plus the pending note, once"
    );
    assert_eq!(store.outbox_len().unwrap(), 1);
    // Pulling again changes nothing.
    pull(&client, &mut store).await.unwrap();
    assert_eq!(notes(&store, ticket), expected);
    // Synced: the note is the server's now, still once.
    let (pushed, _) = sync(&client, &mut store, 1_800_000_000_001).await.unwrap();
    assert_eq!(pushed.applied, 1);
    assert_eq!(notes(&store, ticket), expected);
    assert_eq!(store.outbox_len().unwrap(), 0);
    assert!(!store.has_optimistic_changes().unwrap());
}

#[tokio::test]
async fn what_other_teammates_do_to_my_tickets_becomes_desktop_alerts() {
    let server = TestServer::start(Some(60));
    let f = fixture(&server, 180).await;
    let client = Client::new(&server.url, f.admin.token.as_deref().unwrap());
    let (mut store, _dir) = synced_store(&client).await;
    store
        .set_me(teammate_id(&f.records, server::DEMO_ADMIN))
        .unwrap();
    let me = teammate_id(&f.records, server::DEMO_ADMIN);
    let sam = server.client(&server.token(server::DEMO_TEAMMATE));

    // Sam assigns a ticket to me and mentions me; I write a note myself.
    push(
        &sam,
        json!({"type": "assign", "ticket": f.ticket, "teammate": me.to_string(), "team": null}),
    )
    .await;
    push(
        &sam,
        json!({"type": "note", "ticket": f.ticket, "body": "@Alex could you call them?"}),
    )
    .await;
    push(
        &f.admin,
        json!({"type": "note", "ticket": f.ticket, "body": "@Alex note to self"}),
    )
    .await;
    pull(&client, &mut store).await.unwrap();
    let kinds: Vec<inbox_core::alerts::AlertKind> =
        store.take_alerts().into_iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            inbox_core::alerts::AlertKind::AssignedToYou,
            inbox_core::alerts::AlertKind::Mentioned
        ]
    );
    assert!(store.take_alerts().is_empty(), "each alert once");
    pull(&client, &mut store).await.unwrap();
    assert!(
        store.take_alerts().is_empty(),
        "nothing new, nothing to tell"
    );
}

#[tokio::test]
async fn a_reply_written_offline_in_a_conversation_reaches_the_customer_once() {
    use inbox_core::{ConversationId, MessageChannel, Mutation, PartKind, Workspace};
    let server = TestServer::start(Some(20));
    let f = fixture(&server, 180).await;
    let customer = customer(&server, &f, &f.contact).await;
    let started = customer
        .post(
            "/messenger/conversations",
            json!({"body": "Is the API down?"}),
        )
        .await
        .ok();
    let conversation: ConversationId = started["id"].as_str().unwrap().parse().unwrap();

    let client = Client::new(&server.url, f.admin.token.as_deref().unwrap());
    let (mut store, _dir) = synced_store(&client).await;
    let me_id = teammate_id(&f.records, server::DEMO_ADMIN);
    let me = inbox_core::Author::Teammate(me_id);
    assert_eq!(
        store.conversation(conversation).unwrap().subject,
        "Is the API down?"
    );
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };

    // Offline: read, assigned to me and answered at once, on screen, queued.
    let now = 1_800_000_000_000;
    for mutation in [
        Mutation::MarkConversationRead { conversation },
        Mutation::AssignConversation {
            conversation,
            teammate: Some(me_id),
            team: None,
        },
        Mutation::ConversationReply {
            attachments: Vec::new(),
            conversation,
            body: "It is back up.".into(),
            channel: MessageChannel::Messenger,
        },
    ] {
        store
            .apply_and_queue(&mutation, me, now, &mut random)
            .unwrap();
    }
    let replies = |store: &Store| {
        store
            .conversation_parts(conversation)
            .unwrap()
            .into_iter()
            .filter(|p| matches!(&p.kind, PartKind::Reply { body } if body == "It is back up."))
            .count()
    };
    assert_eq!(replies(&store), 1);
    assert_eq!(
        store.conversation(conversation).unwrap().assignee_teammate,
        Some(me_id)
    );
    let offline = Client::new("http://127.0.0.1:9", f.admin.token.as_deref().unwrap());
    assert!(push_outbox(&offline, &mut store, now).await.is_err());
    assert_eq!(store.outbox_len().unwrap(), 3, "kept for later");

    // Back online, the push's answer is lost once, then it goes again: applied once.
    let pending = store.outbox(10).unwrap();
    client
        .push(&inbox_sync::PushRequest {
            client_id: store.client_id().unwrap(),
            mutations: pending,
        })
        .await
        .unwrap();
    push_outbox(&client, &mut store, now).await.unwrap();
    pull(&client, &mut store).await.unwrap();
    assert_eq!(store.outbox_len().unwrap(), 0);
    assert!(!store.has_optimistic_changes().unwrap());
    assert_eq!(
        replies(&store),
        1,
        "the server's copy replaced the optimistic one"
    );
    assert_eq!(
        store.conversation(conversation).unwrap().assignee_teammate,
        Some(me_id)
    );

    // The customer got it once.
    let seen = customer
        .get(&format!("/messenger/conversations/{conversation}"))
        .await
        .ok();
    let answers = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body"] == "It is back up.")
        .count();
    assert_eq!(answers, 1);
}

#[tokio::test]
async fn a_bulk_action_made_offline_goes_out_as_one_intent_per_ticket() {
    use inbox_core::{Mutation, TicketId};
    let server = TestServer::start(Some(200));
    let f = fixture(&server, 180).await;
    let client = Client::new(&server.url, f.admin.token.as_deref().unwrap());
    let (mut store, _dir) = synced_store(&client).await;
    let me = inbox_core::Author::Teammate(teammate_id(&f.records, server::DEMO_ADMIN));
    let id = |t: &serde_json::Value| -> TicketId { t["id"].as_str().unwrap().parse().unwrap() };
    let tickets: Vec<&serde_json::Value> = data(&f.records, "ticket").collect();
    let tracker = id(tickets.iter().find(|t| t["category"] == "tracker").unwrap());
    let mut selection: Vec<TicketId> = tickets
        .iter()
        .filter(|t| t["category"] == "customer" && t["open"] == true && t["tracker"].is_null())
        .map(|t| id(t))
        .take(4)
        .collect();
    let back_office = id(tickets
        .iter()
        .find(|t| t["category"] == "back_office")
        .unwrap());
    selection.push(back_office);
    let link: Vec<Mutation> = selection
        .iter()
        .map(|&ticket| Mutation::LinkTracker { ticket, tracker })
        .collect();
    let now = 1_800_000_000_000;

    // The preview names the one ticket that cannot follow, and tells no customer anything:
    // linking is internal.
    let preview = store.preview_bulk(&link, me, now).unwrap();
    assert!(preview.preview.deliveries.is_empty());
    assert_eq!(preview.refused.len(), 1);
    assert_eq!(preview.refused[0].ticket, back_office);
    assert_eq!(
        preview.refused[0].error.code,
        "only_customer_tickets_link_to_trackers"
    );

    // Closing them, resolved, reaches each customer: one combined preview.
    let close: Vec<Mutation> = selection[..4]
        .iter()
        .map(|&ticket| Mutation::Close {
            ticket,
            resolved: true,
        })
        .collect();
    let preview = store.preview_bulk(&close, me, now).unwrap();
    assert!(preview.refused.is_empty());
    assert_eq!(preview.preview.tickets_affected, 4);
    let notified: std::collections::HashSet<_> = preview
        .preview
        .deliveries
        .iter()
        .map(|d| d.ticket.as_ref().unwrap().id)
        .collect();
    assert_eq!(notified, selection[..4].iter().copied().collect());

    // Offline: each accepted change is applied at once and queued as its own intent; the
    // refused one changes nothing and holds nobody back.
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };
    let done = store.apply_bulk(&link, me, now, &mut random).unwrap();
    assert_eq!(done.applied, selection[..4]);
    assert_eq!(done.refused.len(), 1);
    assert_eq!(store.outbox_len().unwrap(), 4);
    assert_eq!(store.ticket(back_office).unwrap().tracker, None);

    // Held for the undo window: nothing goes out yet.
    let held = push_outbox(&client, &mut store, now).await.unwrap();
    assert_eq!(held, Pushed::default());
    assert_eq!(store.outbox_len().unwrap(), 4);

    // Online again, the window passed: every intent lands once.
    let now = now + inbox_core::undo::UNDO_WINDOW_MS;
    let pushed = push_outbox(&client, &mut store, now).await.unwrap();
    assert_eq!(
        pushed,
        Pushed {
            applied: 4,
            rejected: 0
        }
    );
    let records = records(&f.admin).await;
    for ticket in &selection[..4] {
        let on_server = find(&records, "ticket", &json!(ticket.to_string()));
        assert_eq!(on_server["tracker"], json!(tracker.to_string()));
    }
    let tracker_on_server = find(&records, "ticket", &json!(tracker.to_string()));
    assert_eq!(tracker_on_server["category"], "tracker");
    let back_office_on_server = find(&records, "ticket", &json!(back_office.to_string()));
    assert!(back_office_on_server["tracker"].is_null());
}

#[tokio::test]
async fn an_action_is_held_for_its_undo_window_and_undone_without_a_trace() {
    use inbox_core::undo::UNDO_WINDOW_MS;
    use inbox_core::Mutation;
    let server = TestServer::start(Some(200));
    let f = fixture(&server, 180).await;
    let client = Client::new(&server.url, f.admin.token.as_deref().unwrap());
    let (mut store, _dir) = synced_store(&client).await;
    let me = inbox_core::Author::Teammate(teammate_id(&f.records, server::DEMO_ADMIN));
    let ticket: inbox_core::TicketId = f.ticket.parse().unwrap();
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };
    let now = 1_800_000_000_000;
    let parts_before = store.timeline(ticket).unwrap().len();
    let server_before = timeline_text(&f.admin, &f.ticket).await;

    // A reply shows at once, and is held: a push sends nothing, the customer hears nothing.
    let reply = Mutation::Reply {
        attachments: Vec::new(),
        ticket,
        body: "Sent by mistake".into(),
    };
    let (_, token) = store.apply_held(&reply, me, now, &mut random).unwrap();
    let token = token.expect("a reply can be undone");
    assert_eq!(token.until, now + UNDO_WINDOW_MS);
    assert!(store.timeline(ticket).unwrap().len() > parts_before);
    // A read mark queued behind it waits its turn.
    let read = Mutation::MarkRead { ticket };
    let (_, none) = store.apply_held(&read, me, now, &mut random).unwrap();
    assert_eq!(none, None, "read marks are not held");
    assert_eq!(
        push_outbox(&client, &mut store, now + 1_000).await.unwrap(),
        Pushed::default()
    );
    assert_eq!(store.next_release(now).unwrap(), Some(token.until));

    // Undo: gone from the screen and the queue; the server never saw it.
    let undone = store.undo(&token, now + 2_000).unwrap();
    assert_eq!(undone, vec![reply]);
    assert_eq!(store.timeline(ticket).unwrap().len(), parts_before);
    let pushed = push_outbox(&client, &mut store, now + 2_000).await.unwrap();
    assert_eq!(
        pushed,
        Pushed {
            applied: 1,
            rejected: 0
        },
        "the read mark"
    );
    assert_eq!(timeline_text(&f.admin, &f.ticket).await, server_before);

    // An action left alone goes out once its window closes, and then cannot be undone.
    let note = Mutation::Note {
        attachments: Vec::new(),
        ticket,
        body: "Kept".into(),
        keep_private: false,
    };
    let (_, token) = store.apply_held(&note, me, now, &mut random).unwrap();
    let token = token.unwrap();
    let pushed = push_outbox(&client, &mut store, token.until).await.unwrap();
    assert_eq!(
        pushed,
        Pushed {
            applied: 1,
            rejected: 0
        }
    );
    assert!(timeline_text(&f.admin, &f.ticket).await.contains("Kept"));
    let late = store.undo(&token, token.until).unwrap_err();
    assert_eq!(late.code(), "undo_too_late");
}
