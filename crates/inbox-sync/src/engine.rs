//! The sync engine's network side: bootstrap a replica, then keep it up to date by pulling.
//! The replica (the app's local store) is behind [`Replica`], so the engine runs, and is
//! tested, without a window.

use crate::client::{Client, ClientError};
use std::collections::HashMap;

use inbox_core::{AttachmentId, ErrorBody, Millis};

use crate::{Cursor, PendingMutation, PushRequest, PushResult, Record, Replica};

/// Changes pulled per request.
pub const PULL_PAGE: usize = 500;
/// Mutations pushed per request, at most.
pub const PUSH_BATCH: usize = 100;
/// The largest push body the app sends: well under the server's 4 MiB body limit
/// (`inbox_server::http::BODY_LIMIT`, which this crate cannot see), so that a push of ours is
/// never refused for its size by our own server.
pub const MAX_PUSH_BYTES: usize = 3 * 1024 * 1024;

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
///
/// No request carries more than [`MAX_PUSH_BYTES`]. A request the server (or a proxy before
/// it) refuses for what it carries, too large or unreadable, is split in halves until the
/// mutation at fault is alone; that one becomes a sync issue with the server's reason, as if
/// the server had rejected it in a result, and the others go through. Otherwise one such
/// mutation would be sent, and refused, again and again, ahead of everything queued after it.
pub async fn push<R: Replica>(
    client: &Client,
    replica: &mut R,
    now: Millis,
) -> Result<Pushed, SyncError<R::Error>> {
    let client_id = replica.client_id().map_err(SyncError::Replica)?;
    let mut pushed = Pushed::default();
    loop {
        let pending = replica
            .pending(PUSH_BATCH, now)
            .map_err(SyncError::Replica)?;
        if pending.is_empty() {
            return Ok(pushed);
        }
        let mut pending = upload_files(client, replica, pending, now, &mut pushed).await?;
        if pending.is_empty() {
            continue;
        }
        let fits = fitting(&client_id, &pending, MAX_PUSH_BYTES);
        // Batches still to send, the next one last: the left half of a split goes first, so
        // the server sees every mutation in the order it was made.
        let mut batches = Vec::new();
        if fits == 0 {
            // Not sent at all: no change the server accepts is this large (its limits on texts
            // are far smaller), and a body over its 4 MiB limit gets its 413 before the server
            // has read it all; the connection closed under the rest of it often reaches the
            // app as a reset, which looks like being offline and would be retried forever.
            let refused = PushResult::Rejected {
                seq: pending[0].seq,
                error: too_large(json_size(&pending[0]), MAX_PUSH_BYTES),
            };
            acknowledge(replica, vec![refused], now, &mut pushed)?;
        } else {
            pending.truncate(fits);
            batches.push(pending);
        }
        while let Some(mutations) = batches.pop() {
            let request = PushRequest {
                client_id: client_id.clone(),
                mutations,
            };
            let results = match client.push(&request).await {
                Ok(response) => response.results,
                Err(e) if refused_for_its_content(&e) => {
                    let mut left = request.mutations;
                    if left.len() > 1 {
                        let right = left.split_off(left.len() / 2);
                        batches.push(right);
                        batches.push(left);
                        continue;
                    }
                    vec![PushResult::Rejected {
                        seq: left[0].seq,
                        error: e.body(),
                    }]
                }
                Err(e) => return Err(e.into()),
            };
            acknowledge(replica, results, now, &mut pushed)?;
        }
    }
}

/// Uploads the files `pending` names that are still only here, before the mutations naming
/// them go. A file the server refuses for what it is (its type, size or id) turns the
/// mutations naming it into sync issues that say so, and the others go on; any other failure
/// ends the push, to be tried again with nothing dropped.
async fn upload_files<R: Replica>(
    client: &Client,
    replica: &mut R,
    pending: Vec<PendingMutation>,
    now: Millis,
    pushed: &mut Pushed,
) -> Result<Vec<PendingMutation>, SyncError<R::Error>> {
    let mut refused: HashMap<AttachmentId, ErrorBody> = HashMap::new();
    let mut rejected = Vec::new();
    let mut ready = Vec::with_capacity(pending.len());
    for pending in pending {
        for &id in pending.mutation.attachments() {
            if refused.contains_key(&id) {
                continue;
            }
            let Some((file, bytes)) = replica.local_file(id).map_err(SyncError::Replica)? else {
                continue;
            };
            match client.put_attachment(&file, bytes).await {
                Ok(_) => replica.file_sent(id).map_err(SyncError::Replica)?,
                Err(e) if refused_file(&e) => {
                    let body = e.body();
                    let error = ErrorBody {
                        code: body.code,
                        message: format!(
                            "The file \u{201c}{}\u{201d} was not accepted: {}",
                            file.name, body.message
                        ),
                    };
                    refused.insert(id, error);
                }
                Err(e) => return Err(e.into()),
            }
        }
        match pending
            .mutation
            .attachments()
            .iter()
            .find_map(|id| refused.get(id))
        {
            Some(error) => rejected.push(PushResult::Rejected {
                seq: pending.seq,
                error: error.clone(),
            }),
            None => ready.push(pending),
        }
    }
    if !rejected.is_empty() {
        acknowledge(replica, rejected, now, pushed)?;
    }
    Ok(ready)
}

/// Whether the server refused an upload for the file itself, which sending it again cannot
/// change.
fn refused_file(e: &ClientError) -> bool {
    matches!(
        e,
        ClientError::Server {
            status: 400 | 409 | 413 | 415 | 422,
            ..
        }
    )
}

fn acknowledge<R: Replica>(
    replica: &mut R,
    results: Vec<PushResult>,
    now: Millis,
    pushed: &mut Pushed,
) -> Result<(), SyncError<R::Error>> {
    for result in &results {
        match result {
            PushResult::Applied { .. } => pushed.applied += 1,
            PushResult::Rejected { .. } => pushed.rejected += 1,
        }
    }
    replica
        .acknowledge(&results, now)
        .map_err(SyncError::Replica)
}

/// Whether the server refused a push for the mutations in it, so that fewer of them may go
/// through. Refusals about the sender (its token, rights, client id or protocol), about the
/// address (no push endpoint there) or about the moment (busy, timed out, down) are not: split,
/// they would turn every queued change into a sync issue; they end the push, and the next
/// round tries again with nothing dropped.
fn refused_for_its_content(e: &ClientError) -> bool {
    let ClientError::Server { status, body } = e else {
        return false;
    };
    if e.is_transient() {
        return false;
    }
    match status {
        413 => true,
        401 | 403 | 404 | 405 | 409 => false,
        400..=499 => !matches!(
            body.code.as_str(),
            "protocol_mismatch" | "invalid_client_id" | "expected_json"
        ),
        _ => false,
    }
}

/// How many of the oldest of `pending` fit in one push body of at most `max_bytes`.
fn fitting(client_id: &str, pending: &[PendingMutation], max_bytes: usize) -> usize {
    let mut size = json_size(&PushRequest {
        client_id: client_id.to_owned(),
        mutations: Vec::new(),
    });
    let mut fits = 0;
    for mutation in pending {
        // One more for the comma between two mutations.
        size += json_size(mutation) + usize::from(fits > 0);
        if size > max_bytes {
            break;
        }
        fits += 1;
    }
    fits
}

fn too_large(bytes: usize, max_bytes: usize) -> ErrorBody {
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    ErrorBody {
        code: "body_too_large".into(),
        message: format!(
            "This change is too large to send to the server ({:.1} MiB; at most {:.1} MiB).",
            mib(bytes),
            mib(max_bytes)
        ),
    }
}

/// The length of `value` as JSON, counted without building it.
fn json_size(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).expect("mutations serialise");
    count.0
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

#[cfg(test)]
mod tests {
    use super::*;
    use inbox_core::{Mutation, TicketId};

    fn note(seq: u64, bytes: usize) -> PendingMutation {
        PendingMutation {
            seq,
            mutation: Mutation::Note {
                attachments: Vec::new(),
                ticket: TicketId::from_parts(1, 1),
                body: "x".repeat(bytes),
                keep_private: false,
            },
        }
    }

    fn body_len(mutations: &[PendingMutation]) -> usize {
        serde_json::to_vec(&PushRequest {
            client_id: "c1".into(),
            mutations: mutations.to_vec(),
        })
        .unwrap()
        .len()
    }

    #[test]
    fn a_batch_stops_before_the_mutation_that_would_pass_the_byte_budget() {
        let pending: Vec<_> = (1..=5).map(|seq| note(seq, 1_000)).collect();
        let three = body_len(&pending[..3]);
        assert_eq!(fitting("c1", &pending, three), 3, "the body's exact size");
        assert_eq!(fitting("c1", &pending, three - 1), 2);
        assert_eq!(fitting("c1", &pending, usize::MAX), 5);
        assert_eq!(fitting("c1", &[note(1, 10_000), note(2, 10)], 1_000), 0);
        assert!(body_len(&[note(1, MAX_PUSH_BYTES)]) > MAX_PUSH_BYTES);
        assert_eq!(
            too_large(5 * 1024 * 1024 + 100, MAX_PUSH_BYTES).message,
            "This change is too large to send to the server (5.0 MiB; at most 3.0 MiB)."
        );
    }

    #[test]
    fn only_refusals_of_what_a_push_carries_split_it() {
        let server = |status: u16, code: &str| ClientError::Server {
            status,
            body: ErrorBody {
                code: code.into(),
                message: "refused".into(),
            },
        };
        for splits in [
            server(413, "body_too_large"),
            server(400, "invalid_body"),
            server(400, "push_too_large"),
            server(422, "text_too_long"),
            server(400, "http_error"),
        ] {
            assert!(refused_for_its_content(&splits), "{splits:?}");
        }
        for stays in [
            ClientError::Offline("connection refused".into()),
            ClientError::Protocol("not JSON".into()),
            server(500, "storage_failed"),
            server(502, "server_unavailable"),
            server(503, "busy"),
            server(429, "too_many_requests"),
            server(408, "request_timeout"),
            server(401, "unauthorized"),
            server(403, "forbidden"),
            server(404, "no_such_endpoint"),
            server(405, "method_not_allowed"),
            server(409, "client_id_taken"),
            server(400, "protocol_mismatch"),
            server(400, "invalid_client_id"),
        ] {
            assert!(!refused_for_its_content(&stays), "{stays:?}");
        }
    }
}
