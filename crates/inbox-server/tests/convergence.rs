//! Three apps edit the same tickets while going on- and offline at random; once all are back
//! online and synced, every app holds exactly the server's state (a fresh bootstrap's).

#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use fixture::*;
use inbox_core::{Author, Mutation, Part, StateId, TeammateId, Ticket, TicketId};
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, sync};
use server::TestServer;

const TEAMMATES: [&str; 3] = [
    "alex@northwind.example",
    "sam@northwind.example",
    "mei@northwind.example",
];

/// A small deterministic generator (the test must replay the same way every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

struct App {
    store: Store,
    client: Client,
    me: Author,
    online: bool,
    _dir: tempfile::TempDir,
}

/// Every ticket with its timeline, in id order.
fn snapshot(store: &Store) -> Vec<(Ticket, Vec<Part>)> {
    store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| (store.ticket(id).unwrap(), store.timeline(id).unwrap()))
        .collect()
}

async fn new_app(server: &TestServer, email: &str, teammate: TeammateId) -> App {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let client = Client::new(&server.url, &server.token(email));
    bootstrap(&client, &mut store, &mut |_| {}).await.unwrap();
    App {
        store,
        client,
        me: Author::Teammate(teammate),
        online: true,
        _dir: dir,
    }
}

async fn run(seed: u64) {
    let server = TestServer::start(Some(40));
    let f = fixture(&server, 180).await;
    let mut rng = Lcg(seed);
    let ids = |kind: &str, filter: &dyn Fn(&serde_json::Value) -> bool| -> Vec<String> {
        data(&f.records, kind)
            .filter(|v| filter(v))
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let tickets: Vec<TicketId> = ids("ticket", &|t| t["category"] == "customer")
        .iter()
        .take(6)
        .map(|id| id.parse().unwrap())
        .collect();
    let trackers: Vec<TicketId> = ids("ticket", &|t| t["category"] == "tracker")
        .iter()
        .take(2)
        .map(|id| id.parse().unwrap())
        .collect();
    let states: Vec<StateId> = ids("ticket_state", &|_| true)
        .iter()
        .map(|id| id.parse().unwrap())
        .collect();
    let teammates: Vec<TeammateId> = TEAMMATES
        .iter()
        .map(|email| {
            data(&f.records, "teammate")
                .find(|t| t["email"] == *email)
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let mut apps = Vec::new();
    for (email, id) in TEAMMATES.iter().zip(&teammates) {
        apps.push(new_app(&server, email, *id).await);
    }

    let mut now = 1_800_000_000_000;
    let mut n = seed as u128 * 1_000_000;
    for step in 0..60 {
        now += 1_000;
        let app = &mut apps[rng.next() as usize % 3];
        let ticket = *rng.pick(&tickets);
        let mutation = match rng.next() % 8 {
            0 => {
                app.online = !app.online;
                continue;
            }
            1 => Mutation::SetState {
                ticket,
                state: *rng.pick(&states),
            },
            2 => Mutation::Assign {
                ticket,
                teammate: Some(*rng.pick(&teammates)),
                team: None,
            },
            3 => Mutation::LinkTracker {
                ticket,
                tracker: *rng.pick(&trackers),
            },
            4 => Mutation::UnlinkTracker { ticket },
            5 => Mutation::Reply {
                ticket,
                body: format!("reply {seed}/{step}"),
            },
            _ => Mutation::Note {
                ticket,
                body: format!("note {seed}/{step}"),
                keep_private: false,
            },
        };
        let mut random = || {
            n += 1;
            n
        };
        // Refused locally (a state the type does not offer…): the teammate sees the error at
        // once and nothing is queued.
        let _ = app
            .store
            .apply_and_queue(&mutation, app.me, now, &mut random);
        if app.online && rng.next().is_multiple_of(3) {
            sync(&app.client, &mut app.store, now).await.unwrap();
        }
    }

    // Everyone back online: two rounds, so each app also pulls what the others pushed last.
    for _ in 0..2 {
        for app in &mut apps {
            sync(&app.client, &mut app.store, now).await.unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    let observer = Client::new(&server.url, &server.token(TEAMMATES[0]));
    bootstrap(&observer, &mut fresh, &mut |_| {}).await.unwrap();
    let truth = snapshot(&fresh);
    for (i, app) in apps.iter().enumerate() {
        assert_eq!(app.store.outbox_len().unwrap(), 0);
        assert!(!app.store.has_optimistic_changes().unwrap());
        let mine = snapshot(&app.store);
        assert_eq!(mine.len(), truth.len());
        for (a, b) in mine.iter().zip(&truth) {
            assert_eq!(a, b, "seed {seed}: app {i} differs on ticket {}", b.0.id);
        }
    }
}

#[tokio::test]
async fn three_apps_on_and_offline_converge_to_the_servers_state() {
    for seed in [1, 2, 3] {
        run(seed).await;
    }
}
