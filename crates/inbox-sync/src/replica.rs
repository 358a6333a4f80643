//! What the sync engine writes into: the app's local database implements [`Replica`].

use inbox_core::{Attachment, AttachmentId, Millis};

use crate::{ChangeSet, Cursor, PendingMutation, PushResult, Record};

/// Where synced records go.
pub trait Replica {
    type Error: std::fmt::Display;
    /// The cursor the replica has caught up to; None until a bootstrap finished.
    fn cursor(&mut self) -> Result<Option<Cursor>, Self::Error>;
    /// Writes one bootstrap page; `finished` carries the snapshot's cursor with the last page.
    fn apply_bootstrap(
        &mut self,
        records: &[Record],
        finished: Option<Cursor>,
    ) -> Result<(), Self::Error>;
    /// Writes pulled change sets, and the cursor they reach, together.
    fn apply_changes(&mut self, changes: &[ChangeSet], cursor: Cursor) -> Result<(), Self::Error>;

    /// This replica's client id for the sync API (made once, kept for good).
    fn client_id(&mut self) -> Result<String, Self::Error>;
    /// The oldest mutations that may go to the server at `now`, at most `limit`, in order (an
    /// action still in its undo window holds back itself and what follows it).
    fn pending(&mut self, limit: usize, now: Millis) -> Result<Vec<PendingMutation>, Self::Error>;
    /// What the server made of pushed mutations: applied ones are done, refused ones are kept
    /// with their reason.
    fn acknowledge(&mut self, results: &[PushResult], at: Millis) -> Result<(), Self::Error>;

    /// A file attached here (offline perhaps) that the server does not have yet, with its
    /// bytes; None once it was sent, or for a file that was never only here.
    fn local_file(
        &mut self,
        id: AttachmentId,
    ) -> Result<Option<(Attachment, Vec<u8>)>, Self::Error>;
    /// The server stored the file: this copy is no longer needed.
    fn file_sent(&mut self, id: AttachmentId) -> Result<(), Self::Error>;
}
