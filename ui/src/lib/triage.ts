// Triage: the one-key actions' words, the state menu's "who gets what" line, when a state change
// still asks in the preview dialog, the composer's "Send and …" steps, and the next unread row.
// Nothing here decides what is allowed: the backend validates every mutation.
import type { Category, Delivery, NotificationChannel, Preview, StateCategory, TicketState, Workspace } from './bindings';
import type { TargetMutation } from './mutations.svelte';

/** Short channel names for the one-line consequence ("Messenger badge + email"). */
const SHORT_CHANNEL: Record<NotificationChannel, string> = {
  messenger_badge: 'Messenger badge',
  recent_tickets: 'Recent tickets',
  tickets_space_badge: 'Tickets badge',
  messages_space_badge: 'Messages badge',
  thread_event: 'thread update',
  email: 'email',
};

export interface Consequence {
  /** "Noah Ivanova: Messenger badge + email", one per customer, at most `limit`. */
  lines: string[];
  /** Customers left out of `lines`. */
  more: number;
  /** No customer hears about it. */
  internal: boolean;
}

/**
 * Who gets what, one line per customer, their channels merged across their deliveries in the
 * order the backend gave them: "Noah Ivanova: Messenger badge + Recent tickets + email".
 */
export function consequence(deliveries: Delivery[], limit = 3): Consequence {
  const byContact = new Map<string, { name: string; channels: NotificationChannel[] }>();
  for (const d of deliveries) {
    const entry = byContact.get(d.contact.id) ?? { name: d.contact.name, channels: [] };
    for (const c of d.notification.channels) if (!entry.channels.includes(c)) entry.channels.push(c);
    byContact.set(d.contact.id, entry);
  }
  const all = [...byContact.values()];
  const lines = all.slice(0, limit).map(({ name, channels }) => {
    const what = channels.map((c) => SHORT_CHANNEL[c] ?? c).join(' + ');
    return what ? `${name}: ${what}` : `${name}: nothing visible`;
  });
  return { lines, more: Math.max(0, all.length - limit), internal: all.length === 0 };
}

/** Past this many customers, a single ticket's state change is unusual enough to ask. */
export const ASK_ABOVE_CUSTOMERS = 10;

/**
 * Whether a state change picked in the state menu still asks in the preview dialog rather than
 * applying at once: always for a tracker (it moves its linked tickets, many customers); when the
 * preview is not known yet (the teammate has not seen who gets what); when it moves other
 * tickets or reaches more than `ASK_ABOVE_CUSTOMERS` customers.
 */
export function stateChangeAsks(category: Category, preview: Preview | null): boolean {
  if (category === 'tracker') return true;
  if (!preview) return true;
  if (preview.tickets_affected > 1) return true;
  return new Set(preview.deliveries.map((d) => d.contact.id)).size > ASK_ABOVE_CUSTOMERS;
}

/** The preview dialog's title, naming what happens: "Move to Waiting on customer?". */
export function confirmTitle(
  mutation: TargetMutation,
  states: Pick<TicketState, 'id' | 'internal_label'>[],
  then: TargetMutation[] = [],
): string {
  if (then.length > 0 && (mutation.type === 'reply' || mutation.type === 'conversation_reply')) {
    const next = then[0];
    if (next.type === 'close') return next.resolved ? 'Send and resolve?' : 'Send and close?';
    if (next.type === 'set_state') return `Send and move to ${stateLabel(next.state, states)}?`;
    if (next.type === 'close_conversation') return 'Send and close?';
    return 'Send and continue?';
  }
  if (then.length > 0 && (mutation.type === 'note' || mutation.type === 'conversation_note')) {
    const next = then[0];
    if (next.type === 'set_state') return `Add the note and move to ${stateLabel(next.state, states)}?`;
    return 'Add the note and continue?';
  }
  switch (mutation.type) {
    case 'set_state':
      return `Move to ${stateLabel(mutation.state, states)}?`;
    case 'close':
      return mutation.resolved ? 'Resolve this ticket?' : 'Close without resolving?';
    case 'set_shared':
      return mutation.shared ? 'Share with the customer?' : 'Stop sharing with the customer?';
    default:
      return 'Confirm';
  }
}

function stateLabel(id: string, states: Pick<TicketState, 'id' | 'internal_label'>[]): string {
  return states.find((s) => s.id === id)?.internal_label ?? 'the new state';
}

/** What a step of a combined action is called in the preview ("Then: Resolve"). */
export function stepLabel(mutation: TargetMutation, states: Pick<TicketState, 'id' | 'internal_label'>[]): string {
  switch (mutation.type) {
    case 'reply':
    case 'conversation_reply':
      return 'The reply';
    case 'set_state':
      return `Then: move to ${stateLabel(mutation.state, states)}`;
    case 'close':
      return mutation.resolved ? 'Then: resolve' : 'Then: close';
    case 'close_conversation':
      return 'Then: close';
    case 'note':
    case 'conversation_note':
      return 'Then: add a note';
    case 'assign':
    case 'assign_conversation':
      return 'Then: assign';
    case 'link_tracker':
      return 'Then: link to a tracker';
    default:
      return 'Then';
  }
}

/** What the composer can do after sending a reply. */
export type SendThen = 'resolve' | 'waiting' | 'close';

/** The first state of `category` the ticket's type offers (not archived), if any. */
export function firstStateOf(
  workspace: Pick<Workspace, 'states'>,
  typeStates: string[],
  category: StateCategory,
): TicketState | null {
  for (const id of typeStates) {
    const s = workspace.states.find((x) => x.id === id);
    if (s && !s.archived && s.category === category) return s;
  }
  return null;
}

/**
 * The state change that follows a reply: resolving closes the ticket (its type's first resolved
 * state), "waiting" moves it to its type's first waiting-on-customer state; null when the type
 * has no such state or the ticket is there already.
 */
export function followUp(
  then: SendThen,
  ticket: { id: string; state_id: string; open: boolean },
  waiting: TicketState | null,
): TargetMutation | null {
  if (then === 'resolve') return ticket.open ? { type: 'close', ticket: ticket.id, resolved: true } : null;
  if (!waiting || waiting.id === ticket.state_id) return null;
  return { type: 'set_state', ticket: ticket.id, state: waiting.id };
}

/**
 * The index of the next unread row after `from` (wrapping around to the top), or null when no
 * row of the view is unread. Rows not loaded yet are fetched a page at a time through `load`.
 */
export async function nextUnread<Row extends { unread: boolean }>(
  from: number | null,
  total: number,
  rowAt: (index: number) => Row | undefined,
  load: (offset: number, limit: number) => Promise<Row[]>,
  pageSize = 100,
): Promise<number | null> {
  if (total <= 0) return null;
  const start = from === null ? 0 : from + 1;
  const fetched = new Map<number, Row[]>();
  for (let step = 0; step < total; step++) {
    const i = (start + step) % total;
    if (from !== null && i === from) continue;
    let row = rowAt(i);
    if (!row) {
      const offset = Math.floor(i / pageSize) * pageSize;
      let page = fetched.get(offset);
      if (!page) {
        page = await load(offset, pageSize);
        fetched.set(offset, page);
      }
      row = page[i - offset];
    }
    if (row?.unread) return i;
  }
  return null;
}
