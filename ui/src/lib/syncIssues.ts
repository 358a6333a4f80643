import type { Mutation } from './bindings';

/** What a refused change was, in a teammate's words. */
export function describeMutation(m: Mutation): string {
  switch (m.type) {
    case 'create_ticket':
      return 'Create a ticket';
    case 'convert_conversation':
      return 'Convert a conversation into a ticket';
    case 'link_conversation':
      return 'Link a conversation';
    case 'set_state':
      return 'Change the state';
    case 'close':
      return m.resolved ? 'Resolve' : 'Close';
    case 'reopen':
      return 'Reopen';
    case 'assign':
      return 'Assign';
    case 'set_brand':
      return 'Change the brand';
    case 'set_shared':
      return m.shared ? 'Share with the customer' : 'Make internal';
    case 'reply':
      return 'Reply';
    case 'note':
      return 'Note';
    case 'link_tracker':
      return 'Link to a tracker';
    case 'unlink_tracker':
      return 'Unlink from its tracker';
    case 'update_attributes':
      return 'Edit the fields';
    case 'mark_read':
    case 'mark_conversation_read':
      return 'Mark as read';
    case 'start_conversation':
      return 'Start a conversation';
    case 'conversation_reply':
      return 'Reply in a conversation';
    case 'conversation_note':
      return 'Note in a conversation';
    case 'assign_conversation':
      return 'Assign a conversation';
    case 'close_conversation':
      return 'Close a conversation';
    case 'reopen_conversation':
      return 'Reopen a conversation';
    case 'snooze_conversation':
      return 'Snooze a conversation';
    case 'wake_conversation':
      return 'End the snooze of a conversation';
  }
}

/** The text the teammate wrote, kept so it can be copied or sent again. */
export function mutationText(m: Mutation): string | null {
  switch (m.type) {
    case 'reply':
    case 'note':
    case 'conversation_reply':
    case 'conversation_note':
    case 'start_conversation':
      return m.body;
    default:
      return null;
  }
}
