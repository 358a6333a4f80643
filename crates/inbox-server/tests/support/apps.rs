//! What the multi-app sync tests share: the workspace the apps edit, the random edits they
//! make, and the server's state as a fresh app would see it.

#![allow(dead_code)]

use inbox_core::{Mutation, Part, PartKind, StateId, TeammateId, Ticket, TicketId};
use inbox_store::{Store, DATABASE_FILE};
use inbox_sync::client::Client;
use inbox_sync::engine::{bootstrap, PULL_PAGE};
use inbox_sync::{Cursor, Record};
use serde_json::Value;

use super::fixture::data;

/// The demo teammates the apps sign in as.
pub const TEAMMATES: [&str; 3] = [
    "alex@northwind.example",
    "sam@northwind.example",
    "mei@northwind.example",
];

/// A small deterministic generator (the test must replay the same way every run).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

/// The part of the demo workspace the apps fight over.
pub struct Workspace {
    pub tickets: Vec<TicketId>,
    pub trackers: Vec<TicketId>,
    pub states: Vec<StateId>,
    /// The ids of [`TEAMMATES`], in that order.
    pub teammates: Vec<TeammateId>,
}

impl Workspace {
    /// The first `tickets` customer tickets of the bootstrap `records`, and what to do to them.
    pub fn of(records: &[Value], tickets: usize) -> Workspace {
        let ids = |kind: &str, filter: &dyn Fn(&Value) -> bool| -> Vec<String> {
            data(records, kind)
                .filter(|v| filter(v))
                .map(|v| v["id"].as_str().unwrap().to_owned())
                .collect()
        };
        Workspace {
            tickets: parse(ids("ticket", &|t| t["category"] == "customer"), tickets),
            trackers: parse(ids("ticket", &|t| t["category"] == "tracker"), 2),
            states: parse(ids("ticket_state", &|_| true), usize::MAX),
            teammates: TEAMMATES
                .iter()
                .map(|email| {
                    data(records, "teammate")
                        .find(|t| t["email"] == *email)
                        .unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .parse()
                        .unwrap()
                })
                .collect(),
        }
    }

    /// A random edit of `ticket`; replies and notes say `text`.
    pub fn edit(&self, rng: &mut Lcg, ticket: TicketId, text: String) -> Mutation {
        match rng.next() % 7 {
            0 => Mutation::SetState {
                ticket,
                state: *rng.pick(&self.states),
            },
            1 => Mutation::Assign {
                ticket,
                teammate: Some(*rng.pick(&self.teammates)),
                team: None,
            },
            2 => Mutation::LinkTracker {
                ticket,
                tracker: *rng.pick(&self.trackers),
            },
            3 => Mutation::UnlinkTracker { ticket },
            4 => Mutation::Reply {
                attachments: Vec::new(),
                ticket,
                body: text,
            },
            _ => Mutation::Note {
                attachments: Vec::new(),
                ticket,
                body: text,
                keep_private: false,
            },
        }
    }
}

fn parse<T: std::str::FromStr>(ids: Vec<String>, n: usize) -> Vec<T>
where
    T::Err: std::fmt::Debug,
{
    ids.iter().take(n).map(|id| id.parse().unwrap()).collect()
}

/// Every ticket with its timeline, in id order.
pub fn snapshot(store: &Store) -> Vec<(Ticket, Vec<Part>)> {
    store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| (store.ticket(id).unwrap(), store.timeline(id).unwrap()))
        .collect()
}

/// The server's state: what a new app bootstrapping now would hold.
pub async fn server_snapshot(base: &str, token: &str) -> Vec<(Ticket, Vec<Part>)> {
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    bootstrap(&Client::new(base, token), &mut fresh, &mut |_| {})
        .await
        .unwrap();
    snapshot(&fresh)
}

/// Asserts that `store` holds exactly `truth`, with nothing left to send or take back.
pub fn assert_same(store: &Store, truth: &[(Ticket, Vec<Part>)], who: &str) {
    assert_eq!(store.outbox_len().unwrap(), 0, "{who}: outbox");
    assert!(!store.has_optimistic_changes().unwrap(), "{who}");
    let mine = snapshot(store);
    assert_eq!(mine.len(), truth.len(), "{who}: tickets");
    for (a, b) in mine.iter().zip(truth) {
        assert_eq!(a, b, "{who} differs on ticket {}", b.0.id);
    }
}

/// The text of every note in `snapshot`.
pub fn notes(snapshot: &[(Ticket, Vec<Part>)]) -> Vec<&str> {
    snapshot
        .iter()
        .flat_map(|(_, parts)| parts)
        .filter_map(|p| match &p.kind {
            PartKind::Note { body } => Some(body.as_str()),
            _ => None,
        })
        .collect()
}

/// The notes the server has taken so far, in the order it took them, read from its change log
/// directly (never through a proxy).
pub struct ServerNotes {
    client: Client,
    cursor: Cursor,
    pub taken: Vec<String>,
}

impl ServerNotes {
    pub fn new(base: &str, token: &str) -> ServerNotes {
        ServerNotes {
            client: Client::new(base, token),
            cursor: Cursor(0),
            taken: Vec::new(),
        }
    }

    /// Catches up with the change log; returns every note taken so far.
    pub async fn update(&mut self) -> &[String] {
        loop {
            let page = self.client.pull(self.cursor, PULL_PAGE).await.unwrap();
            for record in page.changes.into_iter().flat_map(|c| c.records) {
                if let Record::TicketPart(Part {
                    kind: PartKind::Note { body },
                    ..
                }) = record
                {
                    self.taken.push(body);
                }
            }
            self.cursor = page.cursor;
            if !page.more {
                return &self.taken;
            }
        }
    }
}

/// The text of every note waiting in `store`'s outbox.
pub fn queued_notes(store: &Store) -> Vec<String> {
    store
        .outbox(100_000)
        .unwrap()
        .into_iter()
        .filter_map(|p| match p.mutation {
            Mutation::Note { body, .. } => Some(body),
            _ => None,
        })
        .collect()
}
