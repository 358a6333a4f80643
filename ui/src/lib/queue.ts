// A teammate's queue: the tickets and conversations of a view in one list ("Both" in the kind
// switch). Which kind a view opens with, what the merged list's rows are, its status filter,
// and which of its rows is selected. Plain functions; the store merges and pages the list.
import type { QueueRow, View } from './bindings';
import { holdsConversations, type ListKind } from './conversations';

/** What one row of the queue is: a ticket or a conversation, by id. */
export interface QueueItem {
  kind: 'ticket' | 'conversation';
  id: string;
}

/** The queue's status filter: open work, closed work, or everything. */
export type QueueStatus = 'open' | 'closed' | 'all';

export const QUEUE_STATUSES: readonly QueueStatus[] = ['open', 'closed', 'all'];

export const QUEUE_STATUS_LABEL: Record<QueueStatus, string> = {
  open: 'Open',
  closed: 'Closed',
  all: 'All',
};

/** The store's `open` for a status: open only, closed only, or either (null). */
export function queueOpen(status: QueueStatus): boolean | null {
  return status === 'all' ? null : status === 'open';
}

/** The ticket or conversation a row stands for. */
export function queueItem(row: QueueRow): QueueItem {
  return row.kind === 'ticket' ? { kind: 'ticket', id: row.row.id } : { kind: 'conversation', id: row.row.conversation.id };
}

export function sameItem(a: QueueItem | null, b: QueueItem | null): boolean {
  return a !== null && b !== null && a.kind === b.kind && a.id === b.id;
}

/** Whether the row has something I have not read. */
export function queueUnread(row: QueueRow): boolean {
  return row.row.unread;
}

/** The count next to "Both": the view's tickets plus its conversations; null while either is
 *  unknown. */
export function bothCount(tickets: number | null, conversations: number | null): number | null {
  return tickets === null || conversations === null ? null : tickets + conversations;
}

/**
 * What the middle column lists once `next` is opened, coming from `previous` with `current`
 * shown. Mine opens with both (a teammate's queue is both), unless conversations were shown:
 * they stay. Elsewhere the kind shown carries over, but Mine's both does not follow you out.
 * A view holding no conversation lists tickets.
 */
export function kindForView(next: View, previous: View, current: ListKind): ListKind {
  if (!holdsConversations(next)) return 'tickets';
  if (next.kind === 'mine') return current === 'conversations' ? 'conversations' : 'both';
  if (previous.kind === 'mine' && current === 'both') return 'tickets';
  return current;
}

/** What an empty queue says. */
export function emptyQueueMessage(view: View, status: QueueStatus, unread: boolean): string {
  const which =
    view.kind === 'mine'
      ? ' assigned to you'
      : view.kind === 'unassigned'
        ? ' with no teammate or team'
        : view.kind === 'team'
          ? ' of this team'
          : '';
  const state = status === 'all' ? '' : `${QUEUE_STATUS_LABEL[status].toLowerCase()} `;
  return `No ${unread ? 'unread ' : ''}${state}tickets or conversations${which}`;
}
