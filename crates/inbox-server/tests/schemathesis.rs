//! Schemathesis (pinned in tests/schemathesis/constraints.txt, installed by `make deps` into
//! tests/schemathesis/.venv) fuzzes the real server from its own `GET /openapi.json`: every
//! operation but the two never-ending live streams, the teammate, admin and customer APIs
//! alike, with all of its checks and all of
//! its phases (examples, coverage, fuzzing, and stateful sequences through the document's
//! links). It passes only if every answer is documented and matches its schema, every request
//! the schema allows is accepted (or refused by a workspace rule: 422) and every request it
//! forbids is refused.
//!
//! The run is bounded (`SCHEMATHESIS_EXAMPLES` per operation, 10 by default) and reproducible
//! (`SCHEMATHESIS_SEED`, fixed by default); set either to explore further.

#[path = "support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use server::{TestServer, DEMO_ADMIN};

const DEFAULT_SEED: &str = "20261207";
const DEFAULT_EXAMPLES: &str = "10";

fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis")
}

/// The run's configuration: who each security scheme of the document is, and the statuses that
/// count as accepting valid data.
fn config(hooks: &Path, teammate: &str, customer: &str, ending: &[(&str, &str)]) -> String {
    let mut config = format!(
        r#"hooks = "{hooks}"

[auth.openapi.teammateToken]
bearer = "{teammate}"

[auth.openapi.customerToken]
bearer = "{customer}"

# A schema promises which requests are well formed; a well-formed request can still break a
# workspace rule (an archived type, a state the type does not offer…): that is a 422.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
"#,
        hooks = hooks.display()
    );
    // The live streams never end (server-sent events with keep-alives): each call would wait
    // out the request timeout. Their own tests cover them (sync_api, messenger_identity).
    for path in ["/sync/stream", "/messenger/stream"] {
        config.push_str(&format!(
            "\n[[operations]]\ninclude-path = \"{path}\"\nenabled = false\n"
        ));
    }
    // Signing out ends the token it is called with: those operations get tokens of their own,
    // so the rest of the run keeps working.
    for (path, token) in ending {
        config.push_str(&format!(
            "\n[[operations]]\ninclude-path = \"{path}\"\nheaders = {{ Authorization = \"Bearer {token}\" }}\n"
        ));
    }
    config
}

#[tokio::test]
async fn schemathesis_finds_the_server_true_to_its_openapi_document() {
    let dir = harness_dir();
    let schemathesis = dir.join(".venv/bin/schemathesis");
    assert!(
        schemathesis.exists(),
        "{} is missing: run `make deps`",
        schemathesis.display()
    );
    let server = TestServer::start(Some(30));
    let admin = server.token(DEMO_ADMIN);
    let client = server.client(&admin);
    let contacts = client.get("/contacts").await.ok();
    let contact = contacts["data"][0]["id"].as_str().unwrap().to_owned();
    let customer_token = || async {
        let path = format!("/contacts/{contact}/messenger_token");
        let answer = client.post(&path, json!({})).await.ok();
        answer["token"].as_str().unwrap().to_owned()
    };
    let customer = customer_token().await;
    // The run's admin and its own token are spared (see hooks.py): deactivating, demoting or
    // revoking them would leave the rest of the run answered 401/403, testing nothing.
    let me = client.get("/me").await.ok();
    let mut spared = vec![me["id"].as_str().unwrap().to_owned()];
    let tokens = client.get("/tokens").await.ok();
    spared.extend(
        tokens["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned()),
    );
    let signs_out_teammate = server.token(DEMO_ADMIN);
    let signs_out_customer = customer_token().await;

    let work = tempfile::tempdir().unwrap();
    let config_path = work.path().join("schemathesis.toml");
    std::fs::write(
        &config_path,
        config(
            &dir.join("hooks.py"),
            &admin,
            &customer,
            &[
                ("/sync/logout", &signs_out_teammate),
                ("/messenger/logout", &signs_out_customer),
            ],
        ),
    )
    .unwrap();
    let seed = std::env::var("SCHEMATHESIS_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let examples =
        std::env::var("SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| DEFAULT_EXAMPLES.into());
    let output = Command::new(&schemathesis)
        .arg("--config-file")
        .arg(&config_path)
        .args(["--no-color", "run"])
        .arg(format!("{}/openapi.json", server.url))
        .env("INBOX_SPARED_IDS", spared.join(","))
        .args(["--checks", "all", "--workers", "1", "--seed", &seed])
        .args(["--max-examples", &examples, "--request-timeout", "30"])
        .arg("--report-dir")
        .arg(work.path().join("report"))
        // Its example database and cache stay out of the source tree.
        .current_dir(work.path())
        .output()
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis failed ({}) with seed {seed}:\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    // A run that tested nothing would also exit 0.
    assert!(stdout.contains("Tested:"), "{stdout}");
}
