//! A demo workspace on a test server, seen through the API: the records, a customer ticket to
//! act on, pushes, customer tokens and the emails that went out.

#![allow(dead_code)]

use serde_json::{json, Value};

use super::server::{eventually, Client, TestServer, DEMO_ADMIN};

/// A customer ticket of the demo, with what the tests need to act on it.
pub struct Fixture {
    pub admin: Client,
    pub ticket: String,
    pub contact: String,
    pub contact_email: String,
    /// A state the ticket's type offers whose customer label differs from the current one.
    pub other_state: String,
    pub records: Vec<Value>,
}

pub async fn records(client: &Client) -> Vec<Value> {
    let mut records = Vec::new();
    let mut path = "/sync/bootstrap".to_owned();
    loop {
        let page = client.get(&path).await.ok();
        records.extend(page["records"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(token) => path = format!("/sync/bootstrap?page={token}"),
            None => return records,
        }
    }
}

pub fn data<'a>(records: &'a [Value], kind: &str) -> impl Iterator<Item = &'a Value> + 'a {
    let kind = kind.to_owned();
    records
        .iter()
        .filter(move |r| r["type"] == kind.as_str())
        .map(|r| &r["data"])
}

pub fn find<'a>(records: &'a [Value], kind: &str, id: &Value) -> &'a Value {
    data(records, kind).find(|d| d["id"] == *id).unwrap()
}

pub async fn fixture(server: &TestServer, delay_seconds: i64) -> Fixture {
    let admin = server.client(&server.token(DEMO_ADMIN));
    admin
        .put(
            "/settings",
            json!({"reply_email_delay_seconds": delay_seconds}),
        )
        .await
        .ok();
    let records = records(&admin).await;
    let label = |state: &Value| find(&records, "ticket_state", state)["customer_label"].clone();
    let (ticket, other_state) = data(&records, "ticket")
        .filter(|t| {
            t["category"] == "customer" && t["open"] == true && t["contacts"][0].is_string()
        })
        .find_map(|t| {
            let ticket_type = find(&records, "ticket_type", &t["type_id"]);
            let other = ticket_type["states"].as_array().unwrap().iter().find(|s| {
                let state = find(&records, "ticket_state", s);
                state["category"] != "resolved" && label(s) != label(&t["state_id"])
            })?;
            Some((t.clone(), other.as_str().unwrap().to_owned()))
        })
        .expect("an open customer ticket with another state");
    let contact = find(&records, "contact", &ticket["contacts"][0]);
    Fixture {
        admin,
        ticket: ticket["id"].as_str().unwrap().to_owned(),
        contact: contact["id"].as_str().unwrap().to_owned(),
        contact_email: contact["email"].as_str().unwrap().to_owned(),
        other_state,
        records,
    }
}

pub static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A client id of the token's own: the server binds a client id to the teammate who first
/// pushed with it.
pub fn client_id(client: &Client) -> String {
    let token = client.token.as_deref().unwrap_or_default();
    format!("tests-{}", token.get(4..20).unwrap_or(token))
}

pub async fn push(client: &Client, mutation: Value) -> Value {
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let res = client
        .post(
            "/sync/push",
            json!({"client_id": client_id(client), "mutations": [{"seq": seq, "mutation": mutation}]}),
        )
        .await
        .ok();
    assert_eq!(res["results"][0]["status"], "applied", "{res}");
    res
}

pub async fn reply(f: &Fixture, body: &str) {
    push(
        &f.admin,
        json!({"type": "reply", "ticket": f.ticket, "body": body}),
    )
    .await;
}

pub async fn customer(server: &TestServer, f: &Fixture, contact: &str) -> Client {
    let res = f
        .admin
        .post(&format!("/contacts/{contact}/messenger_token"), json!({}))
        .await
        .ok();
    let _ = f;
    server.client(res["token"].as_str().expect("a customer token"))
}

pub async fn emails_settle(server: &TestServer, n: usize) -> Vec<String> {
    eventually(15, async || {
        let emails = server.emails();
        (emails.len() >= n).then_some(emails)
    })
    .await
}

/// Quoted-printable and line folding aside, does the email say `text`?
pub fn says(email: &str, text: &str) -> bool {
    let unfolded = email.replace("=\r\n", "").replace("=\n", "");
    unfolded.contains(text)
}

/// The reply+TOKEN address an email asks customers to answer to.
pub fn reply_to(email: &str) -> String {
    let line = email
        .lines()
        .find(|l| l.starts_with("Reply-To:"))
        .expect("a Reply-To header");
    let start = line.find("reply+").unwrap();
    line[start..].trim_end_matches('>').trim().to_owned()
}

/// A ticket's timeline as JSON text, for looking for what a test wrote.
pub async fn timeline_text(client: &Client, ticket: &str) -> String {
    client
        .get(&format!("/tickets/{ticket}/parts"))
        .await
        .ok()
        .to_string()
}
