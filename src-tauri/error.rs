//! The error every command returns: `{code, message}`, never a debug string.

use inbox_core::{CoreError, ErrorBody};
use inbox_store::StoreError;
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(transparent)]
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

pub type CommandResult<T> = Result<T, CommandError>;
