//! What the sync engine writes into: the app's local database implements [`Replica`].

use crate::{ChangeSet, Cursor, Record};

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
}
