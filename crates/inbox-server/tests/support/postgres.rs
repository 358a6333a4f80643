//! A throwaway PostgreSQL server for integration tests: a fresh cluster in a temporary folder,
//! listening on a free loopback port, stopped and deleted afterwards.
//!
//! Uses Debian's binaries (`/usr/lib/postgresql/VERSION/bin`). PostgreSQL refuses to run as
//! root, so as root (CI) the cluster belongs to the `postgres` system user and its programs run
//! through `runuser`.
//!
//! Include it with `#[path = "support/postgres.rs"] mod postgres_support;`.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const SUPERUSER: &str = "postgres";
const START_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

pub struct TestPostgres {
    /// The superuser's URL to the cluster's `postgres` database.
    pub url: String,
    port: u16,
    dir: tempfile::TempDir,
    /// The server: `postgres` itself, or `runuser` running it.
    server: Mutex<Option<Child>>,
    next_database: AtomicUsize,
}

static SHARED: OnceLock<TestPostgres> = OnceLock::new();

impl TestPostgres {
    /// Creates and starts a cluster; panics (never skips) if PostgreSQL is missing or fails.
    pub fn start() -> TestPostgres {
        let bin = binaries();
        let run_as = if is_root() { Some(system_user()) } else { None };
        let dir = cluster_dir(run_as.as_ref());
        let data = dir.path().join("data");
        initdb(&bin, &data, run_as.is_some());
        let port = free_port();
        let server = spawn_server(&bin, dir.path(), port, run_as.is_some());
        let pg = TestPostgres {
            url: format!("postgres://{SUPERUSER}@127.0.0.1:{port}/postgres"),
            port,
            dir,
            server: Mutex::new(Some(server)),
            next_database: AtomicUsize::new(1),
        };
        pg.wait_until_ready();
        pg
    }

    /// One cluster for the whole test binary, stopped when the process exits (a static is
    /// never dropped, so an exit hook does it).
    pub fn shared() -> &'static TestPostgres {
        SHARED.get_or_init(|| {
            let pg = TestPostgres::start();
            // SAFETY: registers a plain function that takes no arguments.
            unsafe { libc::atexit(stop_shared) };
            pg
        })
    }

    /// The URL of a new, empty database on this cluster.
    ///
    /// Its default collation is ICU's English rather than the cluster's "C", as on a typical
    /// production server, so tests notice code that relies on the database's sort order.
    pub fn new_database(&self) -> String {
        let name = format!(
            "inbox_test_{}",
            self.next_database.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = postgres::Client::connect(&self.url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL: {e}"));
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
                 LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
            ))
            .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e:?}"));
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Stops the server at once (no checkpoint: the data is thrown away) and deletes its
    /// folder. Safe to call twice; never panics, as it also runs at process exit.
    pub fn stop(&self) {
        let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(mut server) = server {
            if let Some(pid) = self.postmaster_pid() {
                // SIGQUIT is PostgreSQL's immediate shutdown. As root this reaches the
                // `postgres` user's process; `runuser` then exits with it.
                unsafe { libc::kill(pid, libc::SIGQUIT) };
            }
            wait_or_kill(&mut server);
        }
        let _ = std::fs::remove_dir_all(self.dir.path());
    }

    fn postmaster_pid(&self) -> Option<libc::pid_t> {
        let pid_file = self.dir.path().join("data/postmaster.pid");
        let text = std::fs::read_to_string(pid_file).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if postgres::Client::connect(&self.url, postgres::NoTls).is_ok() {
                return;
            }
            self.panic_if_exited();
            if Instant::now() > deadline {
                self.stop_and_panic(&format!(
                    "the test PostgreSQL did not accept connections within {START_TIMEOUT:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn panic_if_exited(&self) {
        let exited = match self.server.lock().unwrap().as_mut() {
            Some(server) => server.try_wait().ok().flatten(),
            None => None,
        };
        if let Some(status) = exited {
            self.stop_and_panic(&format!("the test PostgreSQL exited ({status})"));
        }
    }

    fn stop_and_panic(&self, what: &str) -> ! {
        let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
        self.stop();
        panic!("{what}; its log:\n{log}");
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

extern "C" fn stop_shared() {
    if let Some(pg) = SHARED.get() {
        pg.stop();
    }
}

/// The newest installed PostgreSQL's `bin` folder.
fn binaries() -> PathBuf {
    let versions = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten();
    versions
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .max()
        .map(|(_, bin)| bin)
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); \
                 these tests need it: run `make deps`"
            )
        })
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The `postgres` system user's (uid, gid), which Debian's package creates.
fn system_user() -> (libc::uid_t, libc::gid_t) {
    let name = std::ffi::CString::new(SUPERUSER).unwrap();
    // SAFETY: a valid C string; the returned record is read at once, before any other call.
    let entry = unsafe { libc::getpwnam(name.as_ptr()) };
    if entry.is_null() {
        panic!(
            "the tests run as root, so PostgreSQL must run as the `postgres` system user, \
             which does not exist: run `make deps` (Debian's postgresql package creates it)"
        );
    }
    // SAFETY: checked non-null above.
    unsafe { ((*entry).pw_uid, (*entry).pw_gid) }
}

/// A fresh folder for the cluster, owned by `owner` if given.
fn cluster_dir(owner: Option<&(libc::uid_t, libc::gid_t)>) -> tempfile::TempDir {
    let builder = tempfile::Builder::new().prefix("inbox-test-pg-").clone();
    let dir = match owner {
        // /tmp rather than $TMPDIR: the `postgres` user must be able to reach the folder, and
        // a TMPDIR under root's home would be out of its reach.
        Some(_) => builder.tempdir_in("/tmp"),
        None => builder.tempdir(),
    }
    .expect("a temporary folder for the test PostgreSQL");
    if let Some(&(uid, gid)) = owner {
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
            .expect("giving the test PostgreSQL folder to the postgres user");
    }
    dir
}

/// `program` from `bin`, run as the `postgres` user when we are root.
fn command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    let program = bin.join(program);
    let mut command = if as_postgres {
        let mut runuser = Command::new("runuser");
        runuser.args(["-u", SUPERUSER, "--"]).arg(program);
        runuser
    } else {
        Command::new(program)
    };
    // PostgreSQL's programs look up the working folder, which the `postgres` user may not be
    // allowed to read.
    command.current_dir("/");
    command
}

fn initdb(bin: &Path, data: &Path, as_postgres: bool) {
    let output = command(bin, "initdb", as_postgres)
        .arg("-D")
        .arg(data)
        .args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        ])
        .arg("--no-sync")
        .output()
        .unwrap_or_else(|e| panic!("cannot run initdb: {e}"));
    if !output.status.success() {
        panic!(
            "initdb failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().unwrap().port()
}

fn spawn_server(bin: &Path, dir: &Path, port: u16, as_postgres: bool) -> Child {
    let log = File::create(dir.join("server.log")).expect("the test PostgreSQL log file");
    let log_err = log.try_clone().unwrap();
    command(bin, "postgres", as_postgres)
        .arg("-D")
        .arg(dir.join("data"))
        .arg("-p")
        .arg(port.to_string())
        .arg("-k")
        .arg(dir)
        .args(["-c", "listen_addresses=127.0.0.1"])
        // Durability is pointless for data deleted at the end.
        .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
        .args(["-c", "full_page_writes=off"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the test PostgreSQL: {e}"))
}

fn wait_or_kill(server: &mut Child) {
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = server.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = server.kill();
    let _ = server.wait();
}
