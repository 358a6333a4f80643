//! What pulled changes touched, so that the window reads again only that: the tickets and
//! conversations whose rows, timelines or read marks changed, or everything when the workspace
//! itself did (its people, teams, brands, states, types, settings) or too much changed at once
//! to name.

use std::collections::BTreeSet;

use inbox_core::{ConversationId, TicketId};
use serde::Serialize;

use crate::{ChangeSet, Record};

/// Past this many tickets and conversations, the window reads everything again: naming
/// 10,000 tickets a tracker moved costs more than reading the screen anew.
pub const MAX_NAMED: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Touched {
    /// Read everything again; the lists below are then empty.
    pub everything: bool,
    pub tickets: BTreeSet<TicketId>,
    pub conversations: BTreeSet<ConversationId>,
}

impl Touched {
    pub fn everything() -> Touched {
        Touched {
            everything: true,
            ..Touched::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.everything && self.tickets.is_empty() && self.conversations.is_empty()
    }

    /// Adds what `changes` touched.
    pub fn add(&mut self, changes: &[ChangeSet]) {
        for record in changes.iter().flat_map(|c| &c.records) {
            if self.everything {
                return;
            }
            match record {
                Record::Ticket(t) => {
                    self.tickets.insert(t.id);
                }
                Record::TicketPart(p) => {
                    self.tickets.insert(p.ticket);
                }
                Record::Read { ticket, .. } => {
                    self.tickets.insert(*ticket);
                }
                Record::Conversation(c) => {
                    self.conversations.insert(c.id);
                }
                Record::ConversationPart(p) => {
                    self.conversations.insert(p.conversation);
                }
                Record::ConversationRead { conversation, .. } => {
                    self.conversations.insert(*conversation);
                }
                // Opened from the composer when needed: nothing on screen shows them.
                Record::Macro(_) => {}
                Record::Brand(_)
                | Record::Teammate(_)
                | Record::Team(_)
                | Record::Company(_)
                | Record::Contact(_)
                | Record::TicketState(_)
                | Record::TicketType(_)
                | Record::Settings(_) => *self = Touched::everything(),
            }
            if self.tickets.len() + self.conversations.len() > MAX_NAMED {
                *self = Touched::everything();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use inbox_core::notify::NotificationSettings;
    use inbox_core::TeammateId;

    use super::*;
    use crate::Cursor;

    fn changes(records: Vec<Record>) -> Vec<ChangeSet> {
        vec![ChangeSet {
            cursor: Cursor(1),
            at: 0,
            origin: None,
            records,
        }]
    }

    fn read(n: u128) -> Record {
        Record::Read {
            ticket: TicketId::from_parts(1, n),
            teammate: TeammateId::from_parts(1, 0),
            at: 0,
        }
    }

    #[test]
    fn names_the_tickets_and_conversations_touched_until_there_are_too_many() {
        let mut touched = Touched::default();
        assert!(touched.is_empty());
        touched.add(&changes(vec![
            read(1),
            read(1),
            Record::ConversationRead {
                conversation: ConversationId::from_parts(1, 2),
                teammate: TeammateId::from_parts(1, 0),
                at: 0,
            },
        ]));
        assert!(!touched.everything);
        assert_eq!(touched.tickets.len(), 1);
        assert_eq!(touched.conversations.len(), 1);

        touched.add(&changes((0..MAX_NAMED as u128).map(read).collect()));
        assert_eq!(touched, Touched::everything());
    }

    #[test]
    fn the_workspace_itself_changing_touches_everything() {
        let mut touched = Touched::default();
        touched.add(&changes(vec![
            read(1),
            Record::Settings(NotificationSettings::default()),
        ]));
        assert_eq!(touched, Touched::everything());
    }
}
