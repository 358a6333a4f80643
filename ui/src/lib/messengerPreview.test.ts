import { describe, expect, it } from 'vitest';
import type { CustomerEntry, Delivery, MessengerPreview, MessengerTicket } from './bindings';
import {
  badgeWords,
  brandVars,
  conversationMessages,
  customerCanSee,
  customerTimeline,
  launcherWords,
  messengerParts,
  spacesWords,
  timelineEntry,
} from './messengerPreview';

function ticket(id: string, over: Partial<MessengerTicket> = {}): MessengerTicket {
  return {
    id,
    number: 7,
    title: `Ticket ${id}`,
    state_label: 'In progress',
    state_category: 'in_progress',
    attributes: [],
    last_activity_at: 1000,
    action: 'send_message',
    ...over,
  };
}

function messenger(over: Partial<MessengerPreview> = {}): MessengerPreview {
  return {
    brand_name: 'Northwind',
    brand_color: '#3b5bdb',
    badges: { messenger: 1, tickets_space: 0, messages_space: 1 },
    recent_tickets: [ticket('t'), ticket('u')],
    tickets_space: [ticket('u'), ticket('t', { state_label: 'Waiting on you', state_category: 'waiting_on_customer' })],
    entries: [{ id: 'p1', at: 5, kind: 'message', body: 'Hello', from_customer: false, author_name: 'Sam Okafor' }],
    ...over,
  };
}

function ticketDelivery(m: MessengerPreview | null, channels: Delivery['notification']['channels'] = ['recent_tickets']): Delivery {
  return {
    notification: { contact: 'c', ticket: 't', reasons: [], channels, email: null },
    contact: { id: 'c', name: 'Ada', email: 'ada@x.test', company: null },
    ticket: ticket('t'),
    subject: 'Ticket t',
    email: null,
    messenger: m,
  };
}

function conversationDelivery(entries: CustomerEntry[]): Delivery {
  return {
    notification: { contact: 'c', conversation: 'v', reasons: [], channels: ['messages_space_badge'], email: null },
    contact: { id: 'c', name: 'Ada', email: 'ada@x.test', company: null },
    ticket: null,
    subject: 'Help',
    email: null,
    messenger: messenger({ entries, recent_tickets: [], tickets_space: null, badges: { messenger: 1, tickets_space: 0, messages_space: 1 } }),
  };
}

describe('messengerParts', () => {
  it('is null past the deliveries the backend previews in full', () => {
    expect(messengerParts(ticketDelivery(null))).toBeNull();
  });

  it("arranges a ticket's badges, Home card, Tickets space row and new entries", () => {
    const parts = messengerParts(ticketDelivery(messenger()))!;
    expect(parts.brandName).toBe('Northwind');
    expect(parts.badges).toEqual({ messenger: 1, tickets_space: 0, messages_space: 1 });
    expect(parts.showTicketsSpace).toBe(true);
    expect(parts.recent.map((t) => t.id)).toEqual(['t', 'u']);
    expect(parts.recentHighlight).toBe('t');
    expect(parts.recentChanged).toBe(true);
    expect(parts.unseen).toEqual(['t']);
    // The Tickets space's own copy of the ticket, unseen: the change badges its thread.
    expect(parts.ticketsSpaceRow).toEqual({
      ticket: ticket('t', { state_label: 'Waiting on you', state_category: 'waiting_on_customer' }),
      unseen: true,
    });
    expect(parts.thread).toEqual({
      kind: 'ticket',
      entries: [{ id: 'p1', at: 5, kind: 'message', body: 'Hello', from_customer: false, author_name: 'Sam Okafor' }],
      stateLabel: 'In progress',
      stateCategory: 'in_progress',
    });
  });

  it('highlights nothing when the ticket is not on the card (a resolved one never is)', () => {
    const parts = messengerParts(ticketDelivery(messenger({ recent_tickets: [ticket('u')] }), ['tickets_space_badge']))!;
    expect(parts.recentHighlight).toBeNull();
    expect(parts.recentChanged).toBe(false);
  });

  it('has no Tickets space row without a Tickets space, and no thread without new entries', () => {
    const parts = messengerParts(ticketDelivery(messenger({ tickets_space: null, entries: [] })))!;
    expect(parts.showTicketsSpace).toBe(false);
    expect(parts.ticketsSpaceRow).toBeNull();
    expect(parts.thread).toBeNull();
  });

  it('marks nothing unseen when the change adds no badge', () => {
    const none = { messenger: 0, tickets_space: 0, messages_space: 0 };
    const parts = messengerParts(ticketDelivery(messenger({ badges: none })))!;
    expect(parts.unseen).toEqual([]);
    expect(parts.ticketsSpaceRow?.unseen).toBe(false);
  });

  it("turns a conversation's entries into messages", () => {
    const parts = messengerParts(
      conversationDelivery([
        { id: 'm1', at: 9, kind: 'message', body: 'On it', from_customer: false, author_name: 'Sam Okafor' },
        { id: 's1', at: 10, kind: 'state_changed', label: 'Resolved' },
      ]),
    )!;
    expect(parts.ticketsSpaceRow).toBeNull();
    expect(parts.recentHighlight).toBeNull();
    expect(parts.unseen).toEqual([]);
    expect(parts.thread).toEqual({
      kind: 'conversation',
      messages: [{ id: 'm1', at: 9, body: 'On it', from_customer: false, author_name: 'Sam Okafor' }],
    });
  });
});

describe('brand and entries', () => {
  it('gives light brand colours dark text', () => {
    expect(brandVars('#ffd43b')).toContain('--brand-text: #16161a');
    expect(brandVars('#1d3a8a')).toContain('--brand-text: #ffffff');
    expect(brandVars('')).toContain('--brand: #3b5bdb');
  });

  it('keeps every field of an entry', () => {
    expect(timelineEntry({ id: 'a', at: 1, kind: 'submitted', title: 'T', number: null })).toEqual({
      id: 'a',
      at: 1,
      kind: 'submitted',
      title: 'T',
      number: null,
    });
    expect(timelineEntry({ id: 'b', at: 2, kind: 'state_changed', label: 'Resolved' })).toEqual({
      id: 'b',
      at: 2,
      kind: 'state_changed',
      label: 'Resolved',
    });
    expect(conversationMessages([{ id: 'c', at: 3, kind: 'message', body: 'Hi', from_customer: true, author_name: null }])).toEqual([
      { id: 'c', at: 3, body: 'Hi', from_customer: true, author_name: null },
    ]);
  });

  it('starts the customer timeline with the submission, or asks for a pill', () => {
    expect(customerTimeline([{ id: 'a', at: 1, kind: 'submitted', title: 'T', number: 3 }]).pillFirst).toBe(false);
    expect(customerTimeline([{ id: 'b', at: 2, kind: 'message', body: 'x', from_customer: true, author_name: null }]).pillFirst).toBe(true);
    expect(customerTimeline([]).pillFirst).toBe(true);
  });
});

describe('words', () => {
  it('describes the badges for screen readers', () => {
    expect(badgeWords(0)).toBe('no badge');
    expect(badgeWords(3)).toBe('3 new');
    expect(badgeWords(120)).toBe('99+ new');
    expect(launcherWords(0)).toBe('Launcher: no badge');
    expect(launcherWords(2)).toBe('Launcher badge: 2 new (if the Messenger is collapsed)');
    expect(spacesWords({ messenger: 1, tickets_space: 1, messages_space: 0 }, true)).toBe(
      'Tickets space: 1 new. Messages space: no badge.',
    );
    expect(spacesWords({ messenger: 1, tickets_space: 0, messages_space: 1 }, false)).toBe('Messages space: 1 new.');
  });
});

describe('customerCanSee', () => {
  it('is Customer tickets always, back-office ones while shared, trackers never', () => {
    expect(customerCanSee('customer', true)).toBe(true);
    expect(customerCanSee('customer', false)).toBe(true);
    expect(customerCanSee('back_office', true)).toBe(true);
    expect(customerCanSee('back_office', false)).toBe(false);
    expect(customerCanSee('tracker', true)).toBe(false);
  });
});
