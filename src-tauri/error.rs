//! The error every command returns: `{code, message}`, never a debug string.

use inbox_core::{CoreError, ErrorBody};
use inbox_store::StoreError;
use serde::Serialize;

/// In the UI's bindings it is `ApiError` (a name JSON never carries): a rejected command's
/// promise carries one.
#[derive(Debug, Serialize, specta::Type)]
#[serde(transparent, rename = "ApiError")]
pub struct CommandError(ErrorBody);

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        CommandError(e.body())
    }
}

impl From<CoreError> for CommandError {
    fn from(e: CoreError) -> Self {
        CommandError(e.body())
    }
}

impl From<inbox_sync::client::ClientError> for CommandError {
    fn from(e: inbox_sync::client::ClientError) -> Self {
        CommandError(e.body())
    }
}

impl From<crate::startup::StartupError> for CommandError {
    fn from(e: crate::startup::StartupError) -> Self {
        CommandError(ErrorBody {
            code: "cannot_open_workspace".into(),
            message: e.to_string(),
        })
    }
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> CommandError {
        CommandError(ErrorBody {
            code: code.into(),
            message: message.into(),
        })
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
