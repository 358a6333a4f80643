//! What a live stream waits on: the next change anywhere, while its token still works.

use std::time::Duration;

use super::AppState;

/// How often a live stream checks that its token still works, for revocations made by another
/// server process or the command line (this process's own wake it at once).
const STREAM_RECHECK: Duration = Duration::from_secs(15);

pub(super) struct Live {
    state: AppState,
    token: String,
    pokes: tokio::sync::broadcast::Receiver<i64>,
    auth: tokio::sync::watch::Receiver<u64>,
    first: Option<i64>,
}

impl Live {
    /// The next cursor to tell the client, or None when the stream is over.
    pub async fn next_poke(&mut self) -> Option<i64> {
        use tokio::sync::broadcast::error::RecvError;
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        let mut recheck = tokio::time::interval(STREAM_RECHECK);
        recheck.reset();
        loop {
            tokio::select! {
                poke = self.pokes.recv() => match poke {
                    Ok(cursor) => return Some(cursor),
                    // Missed pokes only matter for their newest cursor, which comes next.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                },
                changed = self.auth.changed() => {
                    changed.ok()?;
                    self.still_signed_in().await?;
                }
                _ = recheck.tick() => self.still_signed_in().await?,
            }
        }
    }

    async fn still_signed_in(&self) -> Option<()> {
        self.state
            .check_token(self.token.clone())
            .await
            .ok()
            .map(drop)
    }
}

impl Live {
    /// Waits for pokes from now on, starting with the current cursor.
    pub fn new(state: &AppState, token: String) -> Live {
        let (current, pokes) = state.subscribe();
        Live {
            state: state.clone(),
            token,
            pokes,
            auth: state.watch_auth(),
            first: Some(current),
        }
    }
}
