import { describe, expect, it } from 'vitest';
import type { Delivery, NotificationChannel, Preview, TicketState } from './bindings';
import {
  ASK_ABOVE_CUSTOMERS,
  confirmTitle,
  consequence,
  firstStateOf,
  followUp,
  nextUnread,
  stateChangeAsks,
  stepLabel,
} from './triage';

function delivery(contact: string, channels: NotificationChannel[], ticket = 't'): Delivery {
  return {
    notification: { contact, ticket, reasons: [], channels, email: null },
    contact: { id: contact, name: `Name ${contact}`, email: `${contact}@x.test`, company: null },
    ticket: null,
    subject: 'T',
    email: null,
    messenger: null,
  } as unknown as Delivery;
}

const preview = (deliveries: Delivery[], tickets_affected = 1): Preview => ({ deliveries, tickets_affected });

const state = (id: string, category: TicketState['category'], archived = false): TicketState =>
  ({ id, internal_label: `Label ${id}`, customer_label: id, category, archived }) as TicketState;

describe('consequence', () => {
  it('says who gets what, one line per customer, channels merged in order', () => {
    const c = consequence([
      delivery('a', ['messenger_badge', 'email']),
      delivery('b', ['thread_event']),
      delivery('a', ['recent_tickets', 'email'], 't2'),
    ]);
    expect(c.lines).toEqual(['Name a: Messenger badge + email + Recent tickets', 'Name b: thread update']);
    expect(c.more).toBe(0);
    expect(c.internal).toBe(false);
  });
  it('names at most `limit` customers and counts the rest', () => {
    const c = consequence(['a', 'b', 'c', 'd', 'e'].map((x) => delivery(x, ['email'])), 3);
    expect(c.lines).toHaveLength(3);
    expect(c.more).toBe(2);
  });
  it('is internal when nobody hears about it', () => {
    expect(consequence([])).toEqual({ lines: [], more: 0, internal: true });
  });
});

describe('stateChangeAsks', () => {
  it('applies an everyday change at once once its consequence is known', () => {
    expect(stateChangeAsks('customer', preview([delivery('a', ['email'])]))).toBe(false);
    expect(stateChangeAsks('back_office', preview([]))).toBe(false);
  });
  it('always asks for a tracker', () => {
    expect(stateChangeAsks('tracker', preview([]))).toBe(true);
  });
  it('asks when the consequence is not known yet', () => {
    expect(stateChangeAsks('customer', null)).toBe(true);
  });
  it('asks when it moves other tickets or reaches many customers', () => {
    expect(stateChangeAsks('customer', preview([], 2))).toBe(true);
    const many = Array.from({ length: ASK_ABOVE_CUSTOMERS + 1 }, (_, i) => delivery(`c${i}`, ['email']));
    expect(stateChangeAsks('customer', preview(many))).toBe(true);
    expect(stateChangeAsks('customer', preview(many.slice(1)))).toBe(false);
  });
});

describe('confirmTitle and stepLabel', () => {
  const states = [state('w', 'waiting_on_customer')];
  it('names the target state', () => {
    expect(confirmTitle({ type: 'set_state', ticket: 't', state: 'w' }, states)).toBe('Move to Label w?');
    expect(confirmTitle({ type: 'close', ticket: 't', resolved: true }, states)).toBe('Resolve this ticket?');
    expect(confirmTitle({ type: 'close', ticket: 't', resolved: false }, states)).toBe('Close without resolving?');
    expect(confirmTitle({ type: 'set_shared', ticket: 't', shared: true }, states)).toBe('Share with the customer?');
  });
  it('names both steps of a combined send', () => {
    const reply = { type: 'reply', ticket: 't', body: 'x' } as const;
    expect(confirmTitle(reply, states, [{ type: 'close', ticket: 't', resolved: true }])).toBe('Send and resolve?');
    expect(confirmTitle(reply, states, [{ type: 'set_state', ticket: 't', state: 'w' }])).toBe('Send and move to Label w?');
    expect(stepLabel(reply, states)).toBe('The reply');
    expect(stepLabel({ type: 'close', ticket: 't', resolved: true }, states)).toBe('Then: resolve');
    expect(stepLabel({ type: 'set_state', ticket: 't', state: 'w' }, states)).toBe('Then: move to Label w');
  });
  it('names a macro’s steps after a reply or a note', () => {
    const note = { type: 'note', ticket: 't', body: 'x', keep_private: false } as const;
    expect(confirmTitle(note, states, [{ type: 'set_state', ticket: 't', state: 'w' }])).toBe('Add the note and move to Label w?');
    expect(confirmTitle(note, states, [{ type: 'assign', ticket: 't', teammate: null, team: 'e' }])).toBe('Add the note and continue?');
    expect(stepLabel({ type: 'assign', ticket: 't', teammate: null, team: 'e' }, states)).toBe('Then: assign');
    expect(stepLabel(note, states)).toBe('Then: add a note');
    expect(stepLabel({ type: 'link_tracker', ticket: 't', tracker: 'k' }, states)).toBe('Then: link to a tracker');
  });
});

describe('firstStateOf and followUp', () => {
  const workspace = { states: [state('s', 'submitted'), state('w0', 'waiting_on_customer', true), state('w', 'waiting_on_customer')] };
  it('finds the type’s first live state of a category', () => {
    expect(firstStateOf(workspace, ['s', 'w0', 'w'], 'waiting_on_customer')?.id).toBe('w');
    expect(firstStateOf(workspace, ['s'], 'waiting_on_customer')).toBeNull();
  });
  it('resolves an open ticket, sets waiting unless it is waiting already', () => {
    const open = { id: 't', state_id: 's', open: true };
    const waiting = state('w', 'waiting_on_customer');
    expect(followUp('resolve', open, waiting)).toEqual({ type: 'close', ticket: 't', resolved: true });
    expect(followUp('resolve', { ...open, open: false }, waiting)).toBeNull();
    expect(followUp('waiting', open, waiting)).toEqual({ type: 'set_state', ticket: 't', state: 'w' });
    expect(followUp('waiting', { ...open, state_id: 'w' }, waiting)).toBeNull();
    expect(followUp('waiting', open, null)).toBeNull();
  });
});

describe('nextUnread', () => {
  const rows = (flags: boolean[]) => flags.map((unread) => ({ unread }));
  it('finds the next unread row after the selection, wrapping around', async () => {
    const all = rows([true, false, false, true, false]);
    const at = (i: number) => all[i];
    const none = async () => [];
    expect(await nextUnread(0, 5, at, none)).toBe(3);
    expect(await nextUnread(3, 5, at, none)).toBe(0);
    expect(await nextUnread(null, 5, at, none)).toBe(0);
  });
  it('skips the selected row itself and answers null when nothing else is unread', async () => {
    const all = rows([false, true, false]);
    expect(await nextUnread(1, 3, (i) => all[i], async () => [])).toBeNull();
    expect(await nextUnread(0, 0, () => undefined, async () => [])).toBeNull();
  });
  it('fetches pages not loaded yet, each once', async () => {
    const all = rows(Array.from({ length: 25 }, (_, i) => i === 22));
    const loaded = new Set([0, 1, 2, 3, 4]);
    const calls: number[] = [];
    const found = await nextUnread(
      2,
      25,
      (i) => (loaded.has(i) ? all[i] : undefined),
      async (offset, limit) => {
        calls.push(offset);
        return all.slice(offset, offset + limit);
      },
      10,
    );
    expect(found).toBe(22);
    expect(calls).toEqual([0, 10, 20]);
  });
});
