//! Headless Chromium for the pages customers use (the Messenger): Debian's chromedriver on a free
//! port, one WebDriver session on a fresh profile, and helpers to read the page as a person (and
//! a screen reader, through axe-core) would. No Xvfb, no tauri-driver.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::harness::within;

/// Debian's packages chromium and chromium-driver (`make test` installs both).
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// axe-core, a devDependency of the UI (`npm --prefix ui ci` installs it).
const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/ui/node_modules/axe-core/axe.min.js"
);

/// Runs before any of the page's own scripts, in every frame: keeps the text of every response
/// the page fetches (but the endless live stream), so tests can look through what it received.
const RECORDER: &str = r#"
(() => {
  if (window.__received) return;
  const received = [];
  Object.defineProperty(window, '__received', { value: received });
  const original = window.fetch;
  // A test may hold the live stream back (a slow network) until it calls __releaseStream().
  let release = null;
  const held = sessionStorage.getItem('e2e.holdStream') === '1'
    ? new Promise((resolve) => (release = resolve))
    : null;
  Object.defineProperty(window, '__releaseStream', {
    value: () => {
      sessionStorage.removeItem('e2e.holdStream');
      if (release) release();
    },
  });
  window.fetch = async function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    if (held && /\/stream(\?|$)/.test(url)) await held;
    const response = await original.call(this, input, init);
    const method = (init && init.method) || (input && input.method) || 'GET';
    if (!/\/stream(\?|$)/.test(url)) {
      response.clone().text().then(
        (body) => received.push({ url, method, status: response.status, body }),
        () => {},
      );
    } else if (response.body) {
      // The live stream never ends: its chunks are kept as they come, with their time.
      const streamed = window.__streamed || (window.__streamed = []);
      streamed.push({ at: Date.now(), chunk: `(open ${response.status})` });
      const reader = response.clone().body.getReader();
      const decoder = new TextDecoder();
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          streamed.push({ at: Date.now(), chunk: decoder.decode(value, { stream: true }) });
        }
      })().catch(() => {});
    }
    return response;
  };
})();
"#;

/// How long the helpers wait for the page to show something.
const WAIT: Duration = Duration::from_secs(20);

/// A headless Chromium under chromedriver. Dropping it ends both (their process group).
pub struct Browser {
    pub client: Client,
    _driver: Driver,
    driver_url: String,
    session: String,
    /// axe-core's serious and critical findings so far: the test goes on (to check what the
    /// customer sees) and `close` fails it with all of them.
    inaccessible: std::sync::Mutex<Vec<String>>,
    /// The browser's profile (`--user-data-dir`): nothing is shared between browsers.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and opens a session on a fresh Chromium profile.
    pub async fn start() -> Browser {
        for (program, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: `apt-get install {package}` (make test installs it)"
            );
        }
        assert!(
            Path::new(AXE).exists(),
            "{AXE} is missing: `npm --prefix ui ci` (make test runs it)"
        );
        let profile = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let driver = Driver(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg(format!(
                    "--log-path={}",
                    profile.path().join("chromedriver.log").display()
                ))
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let driver_url = format!("http://127.0.0.1:{port}");
        wait_ready(&driver_url).await;
        let user_data = profile.path().join("chromium");
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--window-size=1280,900",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-search-engine-choice-screen",
                    format!("--user-data-dir={}", user_data.display()),
                ],
            }),
        );
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = within(
            "a new session",
            ClientBuilder::native()
                .capabilities(caps)
                .connect(&driver_url),
        )
        .await
        .unwrap_or_else(|e| {
            panic!("could not open a Chromium session on chromedriver at {driver_url}: {e}")
        });
        let session = within("the session id", client.session_id())
            .await
            .expect("the session id")
            .expect("a session");
        let browser = Browser {
            client,
            _driver: driver,
            driver_url,
            session,
            inaccessible: Default::default(),
            _profile: profile,
        };
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": RECORDER }),
            )
            .await;
        browser
    }

    /// A Chrome DevTools Protocol command, through chromedriver's `goog/cdp/execute`.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let res = reqwest::Client::new()
            .post(format!(
                "{}/session/{}/goog/cdp/execute",
                self.driver_url, self.session
            ))
            .json(&json!({ "cmd": cmd, "params": params }))
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"));
        let status = res.status();
        let body: Value = res.json().await.unwrap_or_default();
        assert!(status.is_success(), "CDP {cmd}: {status} {body}");
        body["value"].clone()
    }

    /// What the page wrote to its console (errors, warnings, logs), since the last call.
    pub async fn console(&self) -> Vec<String> {
        let res = reqwest::Client::new()
            .post(format!(
                "{}/session/{}/se/log",
                self.driver_url, self.session
            ))
            .json(&json!({ "type": "browser" }))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        let Ok(res) = res else { return Vec::new() };
        let body: Value = res.json().await.unwrap_or_default();
        body["value"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| format!("{} {}", e["level"], e["message"]))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub async fn goto(&self, url: &str) {
        within("a page load", self.client.goto(url))
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Runs `script` in the current frame and returns what it returned.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        within("a script", self.client.execute(script, args))
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `script` until it returns something other than null or false.
    pub async fn until(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let value = self.js(script, args.clone()).await;
            if !value.is_null() && value != Value::Bool(false) {
                return value;
            }
            if Instant::now() >= deadline {
                let shot = self.screenshot(&format!("timeout-{}", slug(what))).await;
                let streamed = self.js("return window.__streamed || null;", vec![]).await;
                panic!(
                    "timed out after {WAIT:?} waiting for {what} (screenshot: {})\nconsole: {:#?}\n\
                     live stream: {streamed}\npage: {}",
                    shot.display(),
                    self.console().await,
                    self.body_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for an element matching `css` in the current frame.
    pub async fn wait_for(&self, css: &str) {
        self.until(
            &format!("{css} to appear"),
            "return document.querySelector(arguments[0]) !== null;",
            vec![json!(css)],
        )
        .await;
    }

    /// Clicks the first element matching `css`, once there is one.
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await;
        let element = within("a lookup", self.client.find(Locator::Css(css)))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        within("a click", element.click())
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks the button or link a person would name `name`: its text, or its aria-label.
    pub async fn click_named(&self, name: &str) {
        let xpath = named(name);
        self.until(
            &format!("a button or link named {name:?}"),
            "return document.evaluate(arguments[0], document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue !== null;",
            vec![json!(xpath)],
        )
        .await;
        let element = within("a lookup", self.client.find(Locator::XPath(&xpath)))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        within("a click", element.click())
            .await
            .unwrap_or_else(|e| panic!("click {name:?}: {e}"));
    }

    /// Clicks the first `tag` element (button, a…) whose text contains `text`.
    pub async fn click_text(&self, tag: &str, text: &str) {
        let xpath = format!(
            "//{tag}[contains(normalize-space(.), {})]",
            xpath_string(text)
        );
        self.until(
            &format!("a {tag} saying {text:?}"),
            "return document.evaluate(arguments[0], document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue !== null;",
            vec![json!(xpath)],
        )
        .await;
        let element = within("a lookup", self.client.find(Locator::XPath(&xpath)))
            .await
            .unwrap_or_else(|e| panic!("{tag} {text:?}: {e}"));
        within("a click", element.click())
            .await
            .unwrap_or_else(|e| panic!("click {tag} {text:?}: {e}"));
    }

    /// Types `text` into the first field matching `css`, as a keyboard would.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.wait_for(css).await;
        let field = within("a lookup", self.client.find(Locator::Css(css)))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        within("a click", field.click())
            .await
            .unwrap_or_else(|e| panic!("focus {css}: {e}"));
        within("a clear", field.clear())
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        within("typing", field.send_keys(text))
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The text of the first element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> String {
        let value = self
            .until(
                &format!("{css} to appear"),
                "const e = document.querySelector(arguments[0]); return e && e.textContent.trim();",
                vec![json!(css)],
            )
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// The texts of every element matching `css`, in document order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let value = self
            .js(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.replace(/\\s+/g, ' ').trim());",
                vec![json!(css)],
            )
            .await;
        serde_json::from_value(value).unwrap_or_default()
    }

    /// The visible text of the current frame's body.
    pub async fn body_text(&self) -> String {
        let value = self
            .js(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// The whole DOM of the current frame, as markup (`document.documentElement.outerHTML`).
    pub async fn page_source(&self) -> String {
        let value = self
            .js("return document.documentElement.outerHTML;", vec![])
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Every response the current frame's page fetched so far: `{url, method, status, body}`.
    pub async fn responses(&self) -> Vec<Value> {
        let value = self
            .js(
                "return window.__received ? [...window.__received] : null;",
                vec![],
            )
            .await;
        assert!(
            !value.is_null(),
            "the response recorder is not in this page (Page.addScriptToEvaluateOnNewDocument)"
        );
        serde_json::from_value(value).unwrap_or_default()
    }

    /// Enters the iframe matching `css` (later calls act inside it).
    pub async fn enter_frame(&self, css: &str) {
        self.wait_for(css).await;
        let frame = within("a lookup", self.client.find(Locator::Css(css)))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        within("entering a frame", frame.enter_frame())
            .await
            .unwrap_or_else(|e| panic!("enter {css}: {e}"));
    }

    /// Back to the page around the current frame.
    pub async fn leave_frames(&self) {
        within("leaving frames", self.client.enter_parent_frame())
            .await
            .unwrap_or_else(|e| panic!("back to the page: {e}"));
    }

    /// Saves a screenshot of the viewport under `target/e2e/messenger-NAME.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("e2e");
        std::fs::create_dir_all(&dir).expect("create target/e2e");
        let path = dir.join(format!("messenger-{name}.png"));
        match within("a screenshot", self.client.screenshot()).await {
            Ok(png) => {
                std::fs::write(&path, png).expect("write the screenshot");
                eprintln!("screenshot: {}", path.display());
            }
            Err(e) => eprintln!("no screenshot {name}: {e}"),
        }
        path
    }

    /// Runs axe-core on the current frame's document and returns its violations.
    pub async fn axe(&self) -> Vec<Value> {
        let loaded = self
            .js("return typeof window.axe === 'object';", vec![])
            .await;
        if loaded != Value::Bool(true) {
            let source = std::fs::read_to_string(AXE).expect("read axe.min.js");
            self.js(&source, vec![]).await;
        }
        let result = within(
            "axe-core",
            self.client.execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'], iframes: false })
                   .then((r) => done({ violations: r.violations }),
                         (e) => done({ error: String((e && e.stack) || e) }));",
                vec![],
            ),
        )
        .await
        .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
        assert!(
            result["error"].is_null(),
            "axe.run failed: {}",
            result["error"]
        );
        serde_json::from_value(result["violations"].clone()).unwrap_or_default()
    }

    /// Checks with axe-core that the current frame's page has nothing serious or critical;
    /// every such violation is printed in full, and `close` fails the test with them.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.axe().await;
        let bad: Vec<&Value> = violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        if !bad.is_empty() {
            let shot = self.screenshot(&format!("axe-{}", slug(what))).await;
            let ids: Vec<&str> = bad.iter().filter_map(|v| v["id"].as_str()).collect();
            eprintln!(
                "axe-core: {} serious or critical violation(s) on {what} (screenshot: {}):\n{}",
                bad.len(),
                shot.display(),
                serde_json::to_string_pretty(&bad).unwrap()
            );
            self.inaccessible
                .lock()
                .unwrap()
                .push(format!("{what}: {ids:?}"));
        }
        let minor: Vec<&str> = violations.iter().filter_map(|v| v["id"].as_str()).collect();
        if bad.is_empty() && !minor.is_empty() {
            eprintln!("axe-core on {what}: minor or moderate: {minor:?}");
        }
    }

    /// Ends the session; fails the test if axe-core found serious or critical violations.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        let inaccessible = std::mem::take(&mut *self.inaccessible.lock().unwrap());
        assert!(
            inaccessible.is_empty(),
            "axe-core found serious or critical violations (printed above) on: {inaccessible:#?}"
        );
    }
}

/// chromedriver, and the Chromium it starts, in their own process group: dropped, both end.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = -(self.0.id() as i32);
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
        unsafe { libc::kill(group, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; whatever is left of the group goes too.
        unsafe { libc::kill(group, libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

/// Waits for chromedriver to answer that it is ready for a session.
async fn wait_ready(driver_url: &str) {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = http
            .get(format!("{driver_url}/status"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if let Ok(res) = ready {
            if let Ok(status) = res.json::<Value>().await {
                if status["value"]["ready"] == true {
                    return;
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver did not get ready within 20 s on {driver_url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An XPath for a button or link a person would call `name` (its text or its aria-label).
fn named(name: &str) -> String {
    let quoted = xpath_string(name);
    format!(
        "//*[self::button or self::a or @role='button' or @role='link']\
         [normalize-space(.)={quoted} or @aria-label={quoted}]"
    )
}

/// `text` as an XPath string literal.
fn xpath_string(text: &str) -> String {
    if text.contains('\'') {
        format!("concat('{}')", text.replace('\'', "', \"'\", '"))
    } else {
        format!("'{text}'")
    }
}

fn slug(what: &str) -> String {
    let s: String = what
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}
