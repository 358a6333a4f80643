use inbox_core::{CoreError, ErrorBody};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A domain rule refused the change.
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("The local database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database has no workspace: nobody has set one up or seeded the demo into it.
    #[error("This data folder has no workspace yet. Start Teammate Inbox with --demo to explore a demo workspace.")]
    NoWorkspace,
    /// A row that does not decode: the file was changed by something else, or is damaged.
    #[error("The local database holds data this version cannot read ({0}).")]
    Corrupt(String),
    /// What the server sent does not fit together.
    #[error("Syncing with the server failed: {0}")]
    Sync(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Core(e) => e.code(),
            StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows) => "not_found",
            StoreError::Sqlite(_) => "storage_error",
            StoreError::NoWorkspace => "workspace_not_set_up",
            StoreError::Corrupt(_) => "storage_corrupt",
            StoreError::Sync(_) => "sync_inconsistent",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
        }
    }

    pub(crate) fn not_found(kind: &'static str, id: impl ToString) -> StoreError {
        StoreError::Core(CoreError::NotFound {
            kind,
            id: id.to_string(),
        })
    }
}
