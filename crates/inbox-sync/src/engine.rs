//! The sync engine's network side: bootstrap a replica, then keep it up to date by pulling.
//! The replica (the app's local store) is behind [`Replica`], so the engine runs, and is
//! tested, without a window.

use crate::client::{Client, ClientError};
use inbox_core::Millis;

use crate::{Cursor, PushRequest, PushResult, Record, Replica};

/// Changes pulled per request.
pub const PULL_PAGE: usize = 500;
/// Mutations pushed per request.
pub const PUSH_BATCH: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum SyncError<E: std::fmt::Display> {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("The local database failed: {0}")]
    Replica(E),
}

/// How far a bootstrap is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub tickets: u64,
    pub total_tickets: u64,
}

/// Copies the whole workspace into `replica`, page by page; returns the cursor to pull from.
pub async fn bootstrap<R: Replica>(
    client: &Client,
    replica: &mut R,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Cursor, SyncError<R::Error>> {
    let mut page_token: Option<String> = None;
    let mut tickets = 0;
    loop {
        let page = client.bootstrap_page(page_token.as_deref()).await?;
        tickets += page
            .records
            .iter()
            .filter(|r| matches!(r, Record::Ticket(_)))
            .count() as u64;
        let finished = page.next.is_none().then_some(page.cursor);
        replica
            .apply_bootstrap(&page.records, finished)
            .map_err(SyncError::Replica)?;
        progress(Progress {
            tickets,
            total_tickets: page.total_tickets,
        });
        match page.next {
            Some(next) => page_token = Some(next),
            None => return Ok(page.cursor),
        }
    }
}

/// Pulls everything after the replica's cursor (bootstrapping first if it has none); returns
/// the cursor reached.
pub async fn pull<R: Replica>(
    client: &Client,
    replica: &mut R,
) -> Result<Cursor, SyncError<R::Error>> {
    let mut cursor = match replica.cursor().map_err(SyncError::Replica)? {
        Some(cursor) => cursor,
        None => bootstrap(client, replica, &mut |_| {}).await?,
    };
    loop {
        let page = client.pull(cursor, PULL_PAGE).await?;
        // Even with nothing new: the rebase also takes back what the server refused.
        replica
            .apply_changes(&page.changes, page.cursor)
            .map_err(SyncError::Replica)?;
        cursor = page.cursor;
        if !page.more {
            return Ok(cursor);
        }
    }
}

/// What a push did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pushed {
    pub applied: usize,
    pub rejected: usize,
}

/// Pushes the replica's outbox, oldest first, until it is empty. A mutation is acknowledged
/// only once the server answered for it, so a push cut short (or a crash) is simply sent again
/// and the server, which remembers every (client, seq), applies nothing twice.
pub async fn push<R: Replica>(
    client: &Client,
    replica: &mut R,
    now: Millis,
) -> Result<Pushed, SyncError<R::Error>> {
    let client_id = replica.client_id().map_err(SyncError::Replica)?;
    let mut pushed = Pushed::default();
    loop {
        let mutations = replica.pending(PUSH_BATCH).map_err(SyncError::Replica)?;
        if mutations.is_empty() {
            return Ok(pushed);
        }
        let response = client
            .push(&PushRequest {
                client_id: client_id.clone(),
                mutations,
            })
            .await?;
        for result in &response.results {
            match result {
                PushResult::Applied { .. } => pushed.applied += 1,
                PushResult::Rejected { .. } => pushed.rejected += 1,
            }
        }
        replica
            .acknowledge(&response.results, now)
            .map_err(SyncError::Replica)?;
    }
}

/// One round: the outbox to the server, then the server's changes back, rebased.
pub async fn sync<R: Replica>(
    client: &Client,
    replica: &mut R,
    now: Millis,
) -> Result<(Pushed, Cursor), SyncError<R::Error>> {
    let pushed = push(client, replica, now).await?;
    let cursor = pull(client, replica).await?;
    Ok((pushed, cursor))
}
