//! Starts Xvfb, a session D-Bus and tauri-driver, and opens a WebDriver session on the real app.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// The programs the harness runs, and the Debian package or command that provides each.
const REQUIRED: &[(&str, &str)] = &[
    ("Xvfb", "apt-get install xvfb"),
    ("dbus-run-session", "apt-get install dbus"),
    ("WebKitWebDriver", "apt-get install webkit2gtk-driver"),
    ("tauri-driver", "cargo install tauri-driver --locked"),
    ("import", "apt-get install imagemagick"),
    ("dbus-monitor", "apt-get install dbus-bin"),
    ("xdotool", "apt-get install xdotool"),
];

/// WebDriver's codes for keys without a character.
pub const CTRL: char = '\u{E009}';
pub const SHIFT: char = '\u{E008}';
pub const ESCAPE: char = '\u{E00C}';
pub const ENTER: char = '\u{E007}';
pub const ALT: char = '\u{E00A}';
pub const LEFT: char = '\u{E012}';
pub const RIGHT: char = '\u{E014}';
const MODIFIERS: [char; 3] = [CTRL, ALT, SHIFT];

/// Debian's notification server (package notification-daemon).
const NOTIFICATION_DAEMON: &str = "/usr/lib/notification-daemon/notification-daemon";

/// A running app under test. Dropping it ends the WebDriver session's processes.
/// Where the fake browser writes the links it was given.
const OPENED_LINKS: &str = "opened-links.log";

/// The desktop's browser and mail app, for the app's user: a script noting each link it is
/// given (in `dir`), so a test sees what the app opened and no real browser starts.
fn fake_browser(dir: &Path, xdg_data: &Path, xdg_config: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("open-link");
    let log = dir.join(OPENED_LINKS);
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
    )
    .expect("write the fake browser");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .expect("make the fake browser runnable");
    let applications = xdg_data.join("applications");
    std::fs::create_dir_all(&applications).expect("create the applications folder");
    let schemes = ["http", "https", "mailto"].map(|s| format!("x-scheme-handler/{s}"));
    std::fs::write(
        applications.join("inbox-test-browser.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Test browser\nExec={} %u\nMimeType={};\n",
            script.display(),
            schemes.join(";")
        ),
    )
    .expect("write the fake browser's desktop entry");
    let defaults: String = schemes
        .iter()
        .map(|s| format!("{s}=inbox-test-browser.desktop\n"))
        .collect();
    std::fs::write(
        xdg_config.join("mimeapps.list"),
        format!("[Default Applications]\n{defaults}"),
    )
    .expect("write mimeapps.list");
}

pub struct App {
    pub client: Client,
    /// One app at a time: two WebKit windows on a 2-core machine make each other flaky.
    _turn: tokio::sync::MutexGuard<'static, ()>,
    pub data_dir: tempfile::TempDir,
    display: String,
    xvfb: Child,
    driver: Child,
}

impl App {
    /// Launches the app binary with `args` (plus `--data-dir` of a fresh temp dir) and waits for
    /// its inbox to be on screen.
    pub async fn launch(args: &[&str]) -> App {
        App::launch_until(args, "[data-testid=inbox]").await
    }

    /// Launches the app and waits for an element matching `ready` to be on screen.
    pub async fn launch_until(args: &[&str], ready: &str) -> App {
        App::launch_in(tempfile::tempdir().expect("temp dir"), args, ready).await
    }

    /// Quits the app and starts it again on the same data directory, as a teammate would.
    pub async fn relaunch(mut self, args: &[&str], ready: &str) -> App {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        self.stop();
        let data_dir =
            std::mem::replace(&mut self.data_dir, tempfile::tempdir().expect("temp dir"));
        drop(self);
        App::launch_in(data_dir, args, ready).await
    }

    async fn launch_in(data_dir: tempfile::TempDir, args: &[&str], ready: &str) -> App {
        if !cfg!(feature = "custom-protocol") {
            panic!(
                "the end-to-end tests need the UI embedded in the binary: run them with \
                 `cargo test --features custom-protocol` (make test does)"
            );
        }
        for (program, install) in REQUIRED {
            assert!(
                find_program(program).is_some(),
                "{program} is missing: `{install}` (make test installs it)"
            );
        }
        assert!(
            Path::new(NOTIFICATION_DAEMON).exists(),
            "{NOTIFICATION_DAEMON} is missing: `apt-get install notification-daemon` (make test installs it)"
        );
        static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let turn = TURN.lock().await;
        // WebKit keeps caches and storage under the XDG folders: keep them out of $HOME.
        let xdg = |name: &str| {
            let dir = data_dir.path().join("xdg").join(name);
            std::fs::create_dir_all(&dir).expect("create an XDG folder");
            dir
        };
        fake_browser(data_dir.path(), &xdg("data"), &xdg("config"));
        let (xvfb, display) = start_xvfb();
        let port = free_port();
        let native_port = free_port();
        // The session bus also gets a notification server and a monitor recording what is
        // sent to it, so tests can see the app's desktop notifications.
        let session = format!(
            "dbus-monitor --session \"interface='org.freedesktop.Notifications'\" >> '{log}' 2>&1 &
             {NOTIFICATION_DAEMON} > /dev/null 2>&1 &
             echo \"$DBUS_SESSION_BUS_ADDRESS\" > '{bus}'
             exec tauri-driver --port {port} --native-port {native_port}",
            log = data_dir.path().join("dbus.log").display(),
            bus = data_dir.path().join("bus").display(),
        );
        let driver = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", &session])
            .env("DISPLAY", &display)
            .env("NO_AT_BRIDGE", "1")
            .env("XDG_DATA_HOME", xdg("data"))
            .env("XDG_CONFIG_HOME", xdg("config"))
            .env("XDG_CACHE_HOME", xdg("cache"))
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tauri-driver");

        let mut app_args: Vec<String> =
            vec!["--data-dir".into(), data_dir.path().display().to_string()];
        app_args.extend(args.iter().map(|s| s.to_string()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": env!("CARGO_BIN_EXE_teammate-inbox"), "args": app_args }),
        );
        let client = connect(port, caps).await;
        let app = App {
            client,
            _turn: turn,
            data_dir,
            display,
            xvfb,
            driver,
        };
        app.client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(ready))
            .await
            .unwrap_or_else(|e| panic!("{ready} appears: {e}"));
        app
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// What the app sent the desktop's notification server, as `dbus-monitor` printed it.
    /// The links the app asked the desktop to open, oldest first.
    pub fn opened_links(&self) -> Vec<String> {
        std::fs::read_to_string(self.data_dir.path().join(OPENED_LINKS))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    pub fn notifications_log(&self) -> String {
        std::fs::read_to_string(self.data_dir.path().join("dbus.log")).unwrap_or_default()
    }

    /// Runs xdotool on the app's display and returns what it printed.
    pub fn xdotool(&self, args: &[&str]) -> String {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("run xdotool");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// The title of the app's window, as the desktop shows it.
    pub fn window_title(&self) -> String {
        let window = self.xdotool(&["search", "--name", "^Teammate Inbox"]);
        let window = window.lines().next().unwrap_or_default().to_owned();
        self.xdotool(&["getwindowname", &window])
    }

    /// Waits until the window's title passes `check`; returns it.
    pub async fn until_title(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let title = self.window_title();
            if check(&title) {
                return title;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; title: {title:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Starts the app binary again beside the running one, on the same display, session bus
    /// and data folder (plus `args`), as a teammate launching it twice would; returns it.
    pub fn launch_another(&self, args: &[&str]) -> Child {
        let bus =
            std::fs::read_to_string(self.data_dir().join("bus")).expect("the session bus address");
        let xdg = |name: &str| self.data_dir().join("xdg").join(name);
        Command::new(env!("CARGO_BIN_EXE_teammate-inbox"))
            .arg("--data-dir")
            .arg(self.data_dir())
            .args(args)
            .env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", bus.trim())
            .env("NO_AT_BRIDGE", "1")
            .env("XDG_DATA_HOME", xdg("data"))
            .env("XDG_CONFIG_HOME", xdg("config"))
            .env("XDG_CACHE_HOME", xdg("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start a second instance")
    }

    /// The main window's size in pixels, as X sees it.
    pub fn window_size(&self) -> (u32, u32) {
        let window = self.xdotool(&["search", "--name", "^Teammate Inbox"]);
        let window = window.lines().next().unwrap_or_default().to_owned();
        let geometry = self.xdotool(&["getwindowgeometry", "--shell", &window]);
        let value = |key: &str| -> u32 {
            geometry
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{key} in {geometry}"))
        };
        (value("WIDTH="), value("HEIGHT="))
    }

    /// Clicks the desktop notification on screen: Debian's notification-daemon draws each as a
    /// small window, and a click on it invokes the notification's default action.
    pub async fn click_notification(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let window = loop {
            let found =
                self.xdotool(&["search", "--onlyvisible", "--class", "notification-daemon"]);
            if let Some(window) = found.lines().next() {
                break window.to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no desktop notification on screen within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        self.xdotool(&["mousemove", "--window", &window, "60", "30", "click", "1"]);
    }

    /// Waits up to a minute for an element matching `css`, across page loads.
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} appears: {e}"));
    }

    /// Presses keys as a keyboard would: each of `keys` down then up, in turn; modifiers
    /// (`CTRL`) stay down until the end of the chord.
    pub async fn press(&self, keys: &[char]) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        let (modifiers, plain): (Vec<char>, Vec<char>) =
            keys.iter().partition(|k| MODIFIERS.contains(k));
        for m in &modifiers {
            actions = actions.then(KeyAction::Down { value: *m });
        }
        for k in &plain {
            actions = actions
                .then(KeyAction::Down { value: *k })
                .then(KeyAction::Up { value: *k });
        }
        for m in modifiers.iter().rev() {
            actions = actions.then(KeyAction::Up { value: *m });
        }
        within("key presses", self.client.perform_actions(actions))
            .await
            .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    }

    /// Runs `script` in the window and returns what it returned.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        within("a script", self.client.execute(script, args))
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `script` until it returns something other than null or false.
    pub async fn until(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let value = self.js(script, args.clone()).await;
            if !value.is_null() && value != Value::Bool(false) {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the sync indicator to show `state` (online, working_offline…).
    pub async fn until_sync_state(&self, state: &str) {
        self.until(
            &format!("the sync indicator to say {state}"),
            "const s = document.querySelector('[data-testid=sync-indicator]');
             return s && s.dataset.state === arguments[0];",
            vec![serde_json::json!(state)],
        )
        .await;
    }

    /// Clicks the first element matching `css`, once there is one.
    pub async fn click(&self, css: &str) {
        within("a click", async {
            self.client
                .wait()
                .for_element(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css} appears: {e}"))
                .click()
                .await
                .unwrap_or_else(|e| panic!("click {css}: {e}"))
        })
        .await
    }

    /// Clicks the first element matching `css` with `modifier` (CTRL, SHIFT) held, as a mouse
    /// and keyboard together would.
    pub async fn click_with(&self, modifier: char, css: &str) {
        use fantoccini::actions::{
            Actions, InputSource, KeyAction, KeyActions, MouseActions, PointerAction,
            MOUSE_BUTTON_LEFT,
        };
        let element = within("an element", async {
            self.client
                .wait()
                .for_element(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css} appears: {e}"))
        })
        .await;
        let pause = Duration::from_millis(0);
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: modifier })
            .then(KeyAction::Pause { duration: pause })
            .then(KeyAction::Pause { duration: pause })
            .then(KeyAction::Pause { duration: pause })
            .then(KeyAction::Up { value: modifier });
        let mouse = MouseActions::new("mouse".into())
            .then(PointerAction::Pause { duration: pause })
            .then(PointerAction::MoveToElement {
                element,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Pause { duration: pause });
        within(
            "a click with a key held",
            self.client.perform_actions(Actions::from(keys).and(mouse)),
        )
        .await
        .unwrap_or_else(|e| panic!("click {css} with {modifier:?}: {e}"));
    }

    /// Types `text` into the first element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} appears: {e}"));
        field.click().await.unwrap();
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The text of the first element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> String {
        let script =
            "const e = document.querySelector(arguments[0]); return e && e.textContent.trim();";
        let value = self
            .until(&format!("{css} to appear"), script, vec![json!(css)])
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Saves a screenshot of the window under `target/e2e/NAME.png`, for a person to look at.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("e2e");
        std::fs::create_dir_all(&dir).expect("create target/e2e");
        let path = dir.join(format!("{name}.png"));
        // WebKitWebDriver's own screenshot command hangs under Xvfb; the X server's picture of
        // the window is what a person would see anyway: the app's window at its own size (the
        // screen around it would show as black bands), else the whole screen.
        let window = self
            .xdotool(&["search", "--onlyvisible", "--class", "teammate-inbox"])
            .lines()
            .last()
            .map(str::to_owned)
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| "root".to_owned());
        let status = Command::new("import")
            .args(["-display", &self.display, "-window", &window])
            .arg(&path)
            .status()
            .expect("run import (imagemagick)");
        assert!(status.success(), "import failed to take a screenshot");
        eprintln!("screenshot: {}", path.display());
        path
    }

    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        self.stop();
    }

    fn stop(&mut self) {
        // tauri-driver, WebKitWebDriver and the app run in the driver's process group.
        let group = -(self.driver.id() as i32);
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
        unsafe { libc::kill(group, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.driver.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        // SAFETY: as above.
        unsafe { libc::kill(group, libc::SIGKILL) };
        let _ = self.driver.wait();
        // SIGTERM, so Xvfb removes its lock file and socket; SIGKILL if it lingers.
        // SAFETY: kill(2) on the Xvfb child's pid; no memory is involved.
        unsafe { libc::kill(self.xvfb.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(3);
        while matches!(self.xvfb.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if matches!(self.driver.try_wait(), Ok(None)) {
            self.stop();
        }
    }
}

use std::os::unix::process::CommandExt;

/// The top row of a view in the app's database, by last activity: what the app lists first.
pub fn first_in_view(store: &inbox_store::Store, view: inbox_store::View) -> inbox_store::InboxRow {
    let query = inbox_store::InboxQuery {
        filters: Default::default(),
        view,
        sort: inbox_store::Sort::LastActivity,
        offset: 0,
        limit: 1,
    };
    let mut page = store.list_tickets(&query).expect("list the view");
    assert!(!page.rows.is_empty(), "the view has tickets");
    page.rows.remove(0)
}

/// The number in "Teammate Inbox — N unread tickets[, M unread conversations]" (0 when no
/// ticket is unread).
pub fn unread_in(title: &str) -> u64 {
    title
        .split(" — ")
        .nth(1)
        .into_iter()
        .flat_map(|rest| rest.split(", "))
        .find(|count| count.contains("unread ticket"))
        .and_then(|count| count.split(' ').next())
        .map_or(0, |n| n.parse().expect("a count in the title"))
}

/// Bounds a WebDriver call, so a wedged driver fails the test instead of hanging it.
pub async fn within<T>(what: &str, call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .unwrap_or_else(|_| panic!("WebDriver did not answer {what} within 30 s"))
}

fn find_program(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain(dirs_home_cargo_bin())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn dirs_home_cargo_bin() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo").join("bin"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}

/// Whether an X lock file names a process that no longer runs.
fn left_by_a_dead_server(lock: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(lock) else {
        return false;
    };
    let Ok(pid) = text.trim().parse::<i32>() else {
        return false;
    };
    // SAFETY: kill(2) with signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    !alive
}

/// Starts Xvfb on the first free display number from a random start, and waits for its socket.
fn start_xvfb() -> (Child, String) {
    let start = 100 + (std::process::id() % 400);
    for n in start..start + 200 {
        let lock = format!("/tmp/.X{n}-lock");
        let socket = format!("/tmp/.X11-unix/X{n}");
        if Path::new(&lock).exists() || Path::new(&socket).exists() {
            if !left_by_a_dead_server(&lock) {
                continue;
            }
            // An X server killed without a chance to clean up left these behind.
            let _ = std::fs::remove_file(&lock);
            let _ = std::fs::remove_file(&socket);
        }
        let mut child = Command::new("Xvfb")
            .args([
                &format!(":{n}"),
                "-screen",
                "0",
                "1440x900x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                return (child, format!(":{n}"));
            }
            if let Ok(Some(_)) = child.try_wait() {
                break; // Lost a race for this display; try the next.
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("could not start Xvfb on any display");
}

async fn connect(port: u16, caps: serde_json::Map<String, Value>) -> Client {
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("could not open a WebDriver session on tauri-driver at {url}: {e}"),
        }
    }
}
