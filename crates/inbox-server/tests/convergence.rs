//! Three apps edit the same tickets while going on- and offline at random; once all are back
//! online and synced, every app holds exactly the server's state (a fresh bootstrap's).

#[path = "support/apps.rs"]
mod apps;
#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/server.rs"]
mod server;

use apps::{assert_same, server_snapshot, Lcg, Workspace, TEAMMATES};
use fixture::*;
use inbox_core::{Author, TeammateId};
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, sync};
use server::TestServer;

struct App {
    store: Store,
    client: Client,
    me: Author,
    online: bool,
    _dir: tempfile::TempDir,
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
    let ws = Workspace::of(&f.records, 6);
    let mut apps = Vec::new();
    for (email, id) in TEAMMATES.iter().zip(&ws.teammates) {
        apps.push(new_app(&server, email, *id).await);
    }

    let mut now = 1_800_000_000_000;
    let mut n = seed as u128 * 1_000_000;
    for step in 0..60 {
        now += 1_000;
        let app = &mut apps[rng.next() as usize % 3];
        let ticket = *rng.pick(&ws.tickets);
        if rng.next().is_multiple_of(8) {
            app.online = !app.online;
            continue;
        }
        let mutation = ws.edit(&mut rng, ticket, format!("edit {seed}/{step}"));
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
    let truth = server_snapshot(&server.url, &server.token(TEAMMATES[0])).await;
    for (i, app) in apps.iter().enumerate() {
        assert_same(&app.store, &truth, &format!("seed {seed}: app {i}"));
    }
}

#[tokio::test]
async fn three_apps_on_and_offline_converge_to_the_servers_state() {
    for seed in [1, 2, 3] {
        run(seed).await;
    }
}
