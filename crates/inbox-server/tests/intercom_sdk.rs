//! Intercom's official Node SDK (`intercom-client`, pinned in tests/intercom-sdk/package.json)
//! runs a whole support workflow against the real server: tests/intercom-sdk/workflow.ts,
//! type-checked by `tsc --strict` with no casts, then run by node. `make deps` installs the
//! SDK and TypeScript there (`npm ci`).

#[path = "support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use server::{TestServer, DEMO_ADMIN};

fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/intercom-sdk")
}

fn run(command: &mut Command, what: &str) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what} could not start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[tokio::test]
async fn intercoms_node_sdk_runs_a_support_workflow_type_checked_strictly() {
    let dir = sdk_dir();
    let tsc = dir.join("node_modules/.bin/tsc");
    assert!(
        tsc.exists(),
        "{} is missing: run `make deps` (or `npm --prefix {} ci`)",
        tsc.display(),
        dir.display()
    );
    let out = tempfile::tempdir().unwrap();
    // Compiled into a temporary folder so the source tree stays clean; `--strict` is also in
    // tsconfig.json, repeated here so the check cannot be loosened there by accident.
    run(
        Command::new(&tsc)
            .current_dir(&dir)
            .args(["-p", "tsconfig.json", "--strict", "--outDir"])
            .arg(out.path()),
        "tsc --strict",
    );
    // The SDK resolves from the package's node_modules, beside the compiled script.
    let script = dir.join(".workflow.cjs");
    std::fs::copy(out.path().join("workflow.js"), &script).unwrap();
    let server = TestServer::start(Some(20));
    let token = server.token(DEMO_ADMIN);
    let output = run(
        Command::new("node")
            .arg(&script)
            .env("INBOX_URL", &server.url)
            .env("INBOX_TOKEN", &token),
        "the SDK workflow",
    );
    let _ = std::fs::remove_file(&script);
    println!("{output}");
    assert!(output.contains("workflow passed"), "{output}");

    // What the SDK did is what the server holds: the reply and the note by the token's
    // admin, on a ticket of the contact the SDK created.
    let client = server.client(&token);
    let me = client.get("/me").await.ok();
    let number = output
        .rsplit("tickets ")
        .next()
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap();
    let parts = client.get(&format!("/tickets/{number}/parts")).await.ok();
    let by_me = |kind: &str| {
        parts["ticket_parts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p: &Value| p["part_type"] == kind && p["author"]["id"] == me["id"])
    };
    assert!(by_me("comment") && by_me("note"), "{parts}");
}
