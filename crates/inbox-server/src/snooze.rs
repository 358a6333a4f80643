//! Snoozes that run out. Each snoozed conversation or ticket has its wake-up time under
//! `Kind::Snooze`, kept with it in the same transaction; a scheduler in every server process
//! wakes those that are due. A wake-up is a `WakeConversation` or `WakeTicket` mutation by the
//! system, applied like any other (the change log carries it to every app), which changes
//! nothing when the snooze is no longer due: writers take turns (one database lock), so however
//! many processes try, and after any crash, each snooze ends exactly once.

use std::time::Duration;

use inbox_core::{Author, Conversation, ConversationId, Millis, Mutation, Ticket, TicketId};

use crate::authority::{apply_one, Apply};
use crate::error::{Result, ServerError};
use crate::storage::{Kind, SharedStorage, StorageExt};
use crate::workspace::Db;

/// Wake-up times read per page while looking for due ones.
const PAGE: usize = 1_000;

/// Tickets' keys start with this; conversations' are their bare ids (ULIDs never hold a `/`).
const TICKET: &str = "ticket/";

/// Keeps the ticket's wake-up time: set while it is open and snoozed, gone otherwise.
pub fn index_ticket(db: &Db, ticket: &Ticket) -> Result<()> {
    let key = format!("{TICKET}{}", ticket.id);
    match ticket.snoozed_until {
        Some(until) if ticket.open => db.put(Kind::Snooze, &key, &until),
        _ => db.tx().delete(Kind::Snooze, &key),
    }
}

/// What a wake-up key names.
enum Sleeper {
    Ticket(TicketId),
    Conversation(ConversationId),
}

impl Sleeper {
    fn parse(key: &str) -> Option<Sleeper> {
        match key.strip_prefix(TICKET) {
            Some(id) => id.parse().ok().map(Sleeper::Ticket),
            None => key.parse().ok().map(Sleeper::Conversation),
        }
    }

    /// Whether it is still there to wake.
    fn exists(&self, db: &Db) -> Result<bool> {
        Ok(match self {
            Sleeper::Ticket(id) => db.find_ticket(*id)?.is_some(),
            Sleeper::Conversation(id) => db
                .get::<Conversation>(Kind::Conversation, &id.to_string())?
                .is_some(),
        })
    }

    fn wake(&self) -> Mutation {
        match *self {
            Sleeper::Ticket(ticket) => Mutation::WakeTicket { ticket },
            Sleeper::Conversation(conversation) => Mutation::WakeConversation { conversation },
        }
    }
}

/// Keeps the conversation's wake-up time: set while it is open and snoozed, gone otherwise.
pub fn index(db: &Db, conversation: &Conversation) -> Result<()> {
    let key = conversation.id.to_string();
    match conversation.snoozed_until {
        Some(until) if conversation.open => db.put(Kind::Snooze, &key, &until),
        _ => db.tx().delete(Kind::Snooze, &key),
    }
}

/// The conversations and tickets whose snooze is due at `now`, by key.
fn due(storage: &SharedStorage, now: Millis) -> Result<Vec<String>> {
    let mut due = Vec::new();
    let mut after = String::new();
    loop {
        let page = storage.reading(|tx| tx.list(Kind::Snooze, &after, PAGE))?;
        let Some((last, _)) = page.last() else {
            return Ok(due);
        };
        after = last.clone();
        let full = page.len() == PAGE;
        for (id, doc) in page {
            // A time that does not read is due: waking re-checks the conversation itself.
            if doc.parse::<Millis>().map_or(true, |until| until <= now) {
                due.push(id);
            }
        }
        if !full {
            return Ok(due);
        }
    }
}

/// Wakes every conversation and ticket due at `now`, each in its own transaction, so one that
/// cannot be woken (deleted, unreadable) is logged and dropped without holding up the others.
/// Returns how many woke.
pub fn run_once(storage: &SharedStorage, now: Millis) -> Result<usize> {
    let mut woke = 0;
    for id in due(storage, now)? {
        let attempt = storage.writing(|tx| {
            let db = Db::new(tx);
            let sleeper = match Sleeper::parse(&id) {
                Some(s) if s.exists(&db)? => s,
                _ => return db.tx().delete(Kind::Snooze, &id).map(|_| false),
            };
            let how = Apply {
                actor: Author::System,
                now,
                origin: None,
                skip_notifications: false,
            };
            let (outcome, _) = apply_one(&db, &sleeper.wake(), how)?;
            Ok(!outcome.changes.is_empty())
        });
        match attempt {
            Ok(true) => woke += 1,
            Ok(false) => {}
            Err(e @ ServerError::Storage(_)) => return Err(e),
            Err(e) => {
                tracing::error!(key = %id, error = %e, "a snooze cannot end; dropping it");
                storage.writing(|tx| tx.delete(Kind::Snooze, &id))?;
            }
        }
    }
    Ok(woke)
}

/// Wakes due conversations and tickets every `interval` until the process ends.
pub async fn run(storage: SharedStorage, interval: Duration) {
    loop {
        let storage2 = storage.clone();
        let round =
            tokio::task::spawn_blocking(move || run_once(&storage2, crate::authority::now())).await;
        match round {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(woke = n, "snoozes ended"),
            Ok(Err(e)) => tracing::error!(error = %e, "a snooze round failed"),
            Err(e) => tracing::error!(error = %e, "a snooze round panicked"),
        }
        tokio::time::sleep(interval).await;
    }
}
