//! Undo: a teammate's action can be taken back for a few seconds, like an email client's undo
//! send. Until then it is shown at once but held: nothing reaches the server, so no customer,
//! webhook or colleague hears of it. Afterwards it has gone out and can only be reversed by
//! another action, which everyone sees.

use crate::{Millis, Mutation};

/// How long an action stays held, undoable.
pub const UNDO_WINDOW_MS: Millis = 6_000;

/// Whether `mutation` is an action a teammate may want back. Read marks are bookkeeping, not
/// actions; holding them would only delay other teammates' unread counts.
pub fn is_undoable(mutation: &Mutation) -> bool {
    !matches!(
        mutation,
        Mutation::MarkRead { .. } | Mutation::MarkConversationRead { .. }
    )
}
