//! kill -9 of the app in the middle of a push. The test binary runs itself as the app (the
//! `child_client` test, which does nothing unless the environment says so), kills it at varied
//! moments while its pushes crawl through a slow proxy, and starts it again on the same store
//! file. Once it is let finish, the server has each of its notes exactly once and its store is
//! the server's state.

#[path = "support/apps.rs"]
mod apps;
#[path = "support/fixture.rs"]
mod fixture;
#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/server.rs"]
mod server;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use apps::{assert_same, queued_notes, server_snapshot, ServerNotes, Workspace};
use fixture::fixture;
use inbox_core::{Author, Mutation, PartKind, TeammateId, TicketId};
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, sync, PUSH_BATCH};
use proxy::{Mode, Proxy};
use server::TestServer;

/// The store file; set, it makes `child_client` the app.
const STORE: &str = "INBOX_CRASH_STORE";
const URL: &str = "INBOX_CRASH_URL";
const TOKEN: &str = "INBOX_CRASH_TOKEN";
const ME: &str = "INBOX_CRASH_ME";
/// The tickets to write on, comma-separated.
const TICKETS: &str = "INBOX_CRASH_TICKETS";
const NOTES: &str = "INBOX_CRASH_NOTES";
/// Set: exit once everything is on the server and pulled back, instead of syncing forever.
const FINISH: &str = "INBOX_CRASH_FINISH";

/// Enough pushes (of `PUSH_BATCH`) that the kills land before the last one.
const NOTE_COUNT: usize = 6 * PUSH_BATCH;
/// Every chunk either way waits this long: a push is in flight for at least twice this.
const SLOW: Duration = Duration::from_millis(100);

fn note(i: usize) -> String {
    format!("crash note {i}")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The client process the test kills: run only by the test, as its child.
#[test]
#[ignore = "the child process of an_app_killed_mid_push_…, started by it"]
fn child_client() {
    let store = std::env::var(STORE).expect("started by the crash test, which names the store");
    let var = |name| std::env::var(name).unwrap();
    let tickets: Vec<TicketId> = var(TICKETS)
        .split(',')
        .map(|t| t.parse().unwrap())
        .collect();
    let me: TeammateId = var(ME).parse().unwrap();
    let count: usize = var(NOTES).parse().unwrap();
    let finish = std::env::var(FINISH).is_ok();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            // The parent is the one that kills; if it died itself, nobody would.
            let parent = unsafe { libc::getppid() };
            let mut store = Store::open(Path::new(&store)).unwrap();
            let client = Client::new(&var(URL), &var(TOKEN));
            // A note queued by a run that was killed is on its ticket's timeline, whether
            // still pending, acknowledged, or pulled back from the server: queue the rest.
            let mut written = HashSet::new();
            for ticket in &tickets {
                for part in store.timeline(*ticket).unwrap() {
                    if let PartKind::Note { body } = part.kind {
                        written.insert(body);
                    }
                }
            }
            for i in (0..count).filter(|i| !written.contains(&note(*i))) {
                let mutation = Mutation::Note {
                    attachments: Vec::new(),
                    ticket: tickets[i % tickets.len()],
                    body: note(i),
                    keep_private: false,
                };
                // Unique per note (within the 80 random bits of an id), so a restarted run
                // never makes an id an earlier run made.
                let mut n = (i as u128 + 1) << 32;
                let mut random = || {
                    n += 1;
                    n
                };
                store
                    .apply_and_queue(&mutation, Author::Teammate(me), now(), &mut random)
                    .unwrap();
            }
            while unsafe { libc::getppid() } == parent {
                let synced = sync(&client, &mut store, now()).await;
                if finish && synced.is_ok() && store.outbox_len().unwrap() == 0 {
                    return;
                }
                if let Err(e) = synced {
                    eprintln!("child_client: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        });
}

/// When the parent kills the app.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// As soon as the server applied a push the app has not had the answer to yet.
    Applied,
    /// This long after starting it: opening the store, queueing, mid-upload…
    After(Duration),
}

/// What one kill left behind.
#[derive(Debug)]
struct Kill {
    /// Notes the server had just before the kill.
    on_server: usize,
    /// Notes in the app's outbox after it.
    queued: usize,
    /// Of those, the ones the server already has: their answer was lost with the app.
    unanswered: usize,
}

struct App {
    exe: std::path::PathBuf,
    env: Vec<(&'static str, String)>,
}

/// The app's process, killed should the test fail while it runs.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl App {
    fn start(&self, finish: bool) -> Running {
        let mut cmd = Command::new(&self.exe);
        cmd.args([
            "--exact",
            "child_client",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .envs(self.env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
        if finish {
            cmd.env(FINISH, "1");
        }
        Running(cmd.spawn().expect("start the app"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_killed_mid_push_sends_every_note_exactly_once_when_started_again() {
    let server = TestServer::start(Some(40));
    let f = fixture(&server, 180).await;
    let token = f.admin.token.clone().unwrap();
    let ws = Workspace::of(&f.records, 5);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    {
        let mut store = Store::open(&path).unwrap();
        let client = Client::new(&server.url, &token);
        bootstrap(&client, &mut store, &mut |_| {}).await.unwrap();
    }
    let proxy = Proxy::start(&server.url).await;
    proxy.set(Mode::Delay(SLOW));
    let tickets: Vec<String> = ws.tickets.iter().map(|t| t.to_string()).collect();
    let app = App {
        exe: std::env::current_exe().unwrap(),
        env: vec![
            (STORE, path.to_str().unwrap().to_owned()),
            (URL, proxy.url.clone()),
            (TOKEN, token.clone()),
            (ME, ws.teammates[0].to_string()),
            (TICKETS, tickets.join(",")),
            (NOTES, NOTE_COUNT.to_string()),
        ],
    };
    let mut server_notes = ServerNotes::new(&server.url, &token);

    let ms = Duration::from_millis;
    let moments = [
        Moment::After(ms(80)),
        Moment::Applied,
        Moment::After(ms(250)),
        Moment::Applied,
        Moment::After(ms(40)),
        Moment::After(ms(700)),
        Moment::Applied,
        Moment::After(ms(450)),
    ];
    let mut kills = Vec::new();
    for moment in moments {
        let before = server_notes.update().await.len();
        let mut child = app.start(false);
        match moment {
            Moment::After(wait) => tokio::time::sleep(wait).await,
            Moment::Applied => {
                let deadline = Instant::now() + Duration::from_secs(20);
                while server_notes.update().await.len() == before
                    && before < NOTE_COUNT
                    && Instant::now() < deadline
                {
                    tokio::time::sleep(ms(5)).await;
                }
            }
        }
        let on_server = server_notes.update().await.len();
        child.0.kill().unwrap();
        child.0.wait().unwrap();

        let store = Store::open(&path).unwrap();
        let queued = queued_notes(&store);
        let taken = server_notes.update().await;
        let kill = Kill {
            on_server,
            queued: queued.len(),
            unanswered: queued.iter().filter(|q| taken.contains(q)).count(),
        };
        eprintln!("killed at {moment:?}: {kill:?}");
        kills.push(kill);
    }
    assert!(
        kills
            .iter()
            .any(|k| k.on_server < NOTE_COUNT && k.queued > 0),
        "no kill left anything to send"
    );
    assert!(
        kills.iter().any(|k| k.unanswered > 0),
        "no kill landed between the server applying a push and the app hearing of it"
    );

    // The network is fine again; this run is let finish.
    proxy.set(Mode::Pass);
    let mut child = app.start(true);
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the app did not finish syncing within 60 s"
        );
        tokio::time::sleep(ms(20)).await;
    };
    assert!(status.success(), "the app failed: {status}");

    let truth = server_snapshot(&server.url, &token).await;
    let store = Store::open(&path).unwrap();
    assert_same(&store, &truth, "the app");
    assert!(store.sync_issues().unwrap().is_empty());
    let on_server = apps::notes(&truth);
    for i in 0..NOTE_COUNT {
        let times = on_server.iter().filter(|n| **n == note(i)).count();
        assert_eq!(times, 1, "`{}` is on the server {times} times", note(i));
    }
    let logged = server_notes.update().await;
    assert_eq!(
        logged.len(),
        NOTE_COUNT,
        "each note applied once: {logged:?}"
    );
}
