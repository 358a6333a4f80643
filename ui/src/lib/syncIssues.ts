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
    case 'save_macro':
      return `Save the macro “${m.name}”`;
    case 'delete_macro':
      return 'Delete a macro';
    case 'snooze':
      return 'Snooze';
    case 'unsnooze':
    case 'wake_ticket':
      return 'End the snooze';
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
    case 'save_macro':
      return m.body || null;
    default:
      return null;
  }
}

/** What a refused change was about: a ticket or a conversation (by id), with the title the change
 *  itself carries when it created it (a refused creation leaves nothing to look up). */
export interface IssueSubject {
  kind: 'ticket' | 'conversation';
  id: string;
  title: string | null;
}

export function issueSubject(m: Mutation): IssueSubject | null {
  switch (m.type) {
    case 'create_ticket': {
      const title = m.fields.attributes.title;
      return { kind: 'ticket', id: m.id, title: typeof title === 'string' ? title : null };
    }
    case 'convert_conversation':
    case 'link_conversation':
      return { kind: 'conversation', id: m.conversation, title: null };
    case 'start_conversation':
      return { kind: 'conversation', id: m.id, title: m.subject?.trim() || null };
    default:
      if ('ticket' in m && typeof m.ticket === 'string') return { kind: 'ticket', id: m.ticket, title: null };
      if ('conversation' in m && typeof m.conversation === 'string') return { kind: 'conversation', id: m.conversation, title: null };
      return null;
  }
}

/** The tracker a refused change named, besides its ticket. */
export function issueTracker(m: Mutation): string | null {
  return m.type === 'link_tracker' ? m.tracker : null;
}

/** Refusals that are not about the change itself: the server or the way to it failed, or was too
 *  busy. Sent again, the change may pass. */
const PASSING_CODES = new Set([
  'storage_failed',
  'delivery_failed',
  'busy',
  'rate_limited',
  'too_many_requests',
  'body_timeout',
  'timeout',
  'network',
  'network_error',
  'server_error',
  'internal',
  'internal_error',
  'unavailable',
]);

/**
 * Whether "Try again" makes sense for a refusal: yes for network and server failures (an HTTP
 * error counts when its status is 5xx, 408 or 429); no for the rules' refusals (422-type codes
 * from the domain, such as `already_linked_to_tracker`), which would fail the same way again.
 */
export function mayPassAgain(error: { code: string; message: string }): boolean {
  if (PASSING_CODES.has(error.code)) return true;
  if (error.code === 'http_error') return /\b(5\d\d|408|429)\b/.test(error.message);
  return false;
}

/** How an issue names its ticket or conversation: "#123 Title", or the title alone before a
 *  number is given. */
export function subjectLabel(number: number | null, title: string): string {
  return number === null ? title : `#${number} ${title}`;
}
