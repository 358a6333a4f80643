import { describe, expect, it } from 'vitest';
import type { TicketState, TicketType, ViewCounts } from './bindings';
import {
  attributeName,
  describeEvent,
  emptyViewMessage,
  sidebarStates,
  stateLabel,
  viewCount,
  viewKey,
  viewName,
  type EventContext,
} from './labels';

const states: TicketState[] = [
  { id: 's1', internal_label: 'Submitted', customer_label: 'Submitted', category: 'submitted', archived: false },
  { id: 's4', internal_label: 'Resolved', customer_label: 'Resolved', category: 'resolved', archived: false },
  { id: 's2', internal_label: 'In progress', customer_label: 'In progress', category: 'in_progress', archived: false },
  { id: 's3', internal_label: 'Waiting on customer', customer_label: 'Waiting on you', category: 'waiting_on_customer', archived: false },
  { id: 's5', internal_label: 'With engineering', customer_label: 'In progress', category: 'in_progress', archived: false },
  { id: 's6', internal_label: 'Old triage', customer_label: 'Submitted', category: 'submitted', archived: true },
];

const workspace = {
  states,
  teammates: [
    { id: 't1', name: 'Alex Morgan', email: 'alex@example.test', role: 'admin' as const, active: true },
    { id: 't2', name: 'Sam Lee', email: 'sam@example.test', role: 'teammate' as const, active: true },
  ],
  teams: [{ id: 'g1', name: 'Billing', members: ['t2'] }],
  brands: [{ id: 'b1', name: 'Northwind', logo_url: '', is_default: true }],
};

const ticketType: Pick<TicketType, 'attributes'> = {
  attributes: [
    { key: 'title', name: 'Title', data_type: { kind: 'text' }, required_to_create: true, visible_to_customer: true, built_in: true },
    { key: 'plan', name: 'Plan', data_type: { kind: 'list', options: ['Free', 'Pro'] }, required_to_create: false, visible_to_customer: true, built_in: false },
    { key: 'refund', name: 'Refund approved', data_type: { kind: 'boolean' }, required_to_create: false, visible_to_customer: false, built_in: false },
  ],
};

const ctx: EventContext = {
  workspace,
  ticketType,
  describeTicket: (id) => (id === 'tr1' ? '#88 Checkout fails on Safari' : null),
};

const counts: ViewCounts = {
  all: 120,
  mine: 7,
  unassigned: 30,
  by_category: { customer: 100, back_office: 15, tracker: 5 },
  by_state: { s1: 10, s2: 50, s3: 20, s4: 40, s5: 0, s6: 0 },
  unread: 3,
  by_team: { g1: 12 },
  by_brand: { b1: 120 },
};

describe('views', () => {
  it('have stable keys used by test ids', () => {
    expect(viewKey({ kind: 'all' })).toBe('all');
    expect(viewKey({ kind: 'mine' })).toBe('mine');
    expect(viewKey({ kind: 'unassigned' })).toBe('unassigned');
    expect(viewKey({ kind: 'category', category: 'back_office' })).toBe('category-back_office');
    expect(viewKey({ kind: 'state', state_id: 's2' })).toBe('state-s2');
    expect(viewKey({ kind: 'team', team_id: 'g1' })).toBe('team-g1');
    expect(viewKey({ kind: 'brand', brand_id: 'b1' })).toBe('brand-b1');
  });

  it('have names', () => {
    expect(viewName({ kind: 'all' }, workspace)).toBe('All');
    expect(viewName({ kind: 'category', category: 'back_office' }, workspace)).toBe('Back-office');
    expect(viewName({ kind: 'category', category: 'tracker' }, workspace)).toBe('Tracker');
    expect(viewName({ kind: 'state', state_id: 's3' }, workspace)).toBe('Waiting on customer');
    expect(viewName({ kind: 'team', team_id: 'g1' }, workspace)).toBe('Billing');
    expect(viewName({ kind: 'brand', brand_id: 'b1' }, workspace)).toBe('Northwind');
    expect(emptyViewMessage({ kind: 'team', team_id: 'g1' }, workspace)).toBe('tickets assigned to Billing will appear here.');
  });

  it('read their counts', () => {
    expect(viewCount({ kind: 'all' }, counts)).toBe(120);
    expect(viewCount({ kind: 'mine' }, counts)).toBe(7);
    expect(viewCount({ kind: 'category', category: 'tracker' }, counts)).toBe(5);
    expect(viewCount({ kind: 'state', state_id: 's2' }, counts)).toBe(50);
    expect(viewCount({ kind: 'team', team_id: 'g1' }, counts)).toBe(12);
    expect(viewCount({ kind: 'brand', brand_id: 'b1' }, counts)).toBe(120);
    expect(viewCount({ kind: 'team', team_id: 'gone' }, counts)).toBe(0);
    expect(viewCount({ kind: 'state', state_id: 'missing' }, counts)).toBe(0);
    expect(viewCount({ kind: 'all' }, null)).toBeNull();
  });

  it('say what would appear when empty', () => {
    expect(emptyViewMessage({ kind: 'mine' }, workspace)).toBe('tickets assigned to you will appear here.');
    expect(emptyViewMessage({ kind: 'state', state_id: 's2' }, workspace)).toBe('tickets in “In progress” will appear here.');
    expect(emptyViewMessage({ kind: 'category', category: 'tracker' }, workspace)).toBe('Tracker tickets will appear here.');
  });
});

describe('states', () => {
  it('resolve ids to internal labels', () => {
    expect(stateLabel(workspace, 's3')).toBe('Waiting on customer');
    expect(stateLabel(workspace, 'nope')).toBe('Unknown state');
    expect(stateLabel(null, 's1')).toBe('Unknown state');
  });

  it('are listed by category, in workspace order, archived ones only while used', () => {
    expect(sidebarStates(workspace, counts).map((s) => s.id)).toEqual(['s1', 's2', 's5', 's3', 's4']);
    const used = { ...counts, by_state: { ...counts.by_state, s6: 3 } };
    expect(sidebarStates(workspace, used).map((s) => s.id)).toEqual(['s1', 's6', 's2', 's5', 's3', 's4']);
  });
});

describe('attributeName', () => {
  it('uses the type definition, or makes the key readable', () => {
    expect(attributeName(ticketType, 'refund')).toBe('Refund approved');
    expect(attributeName(ticketType, 'order_id')).toBe('Order id');
    expect(attributeName(null, 'plan')).toBe('Plan');
  });
});

describe('describeEvent', () => {
  const ev = (kind: Parameters<typeof describeEvent>[0]['kind'], author_name = 'Alex Morgan') =>
    describeEvent({ author_name, kind }, ctx);

  it('resolves state ids to labels', () => {
    expect(ev({ kind: 'state_changed', from: 's1', to: 's2' })).toBe(
      'Alex Morgan changed the state from Submitted to In progress',
    );
  });

  it('describes closing and reopening', () => {
    expect(ev({ kind: 'closed', resolved: true })).toBe('Alex Morgan closed the ticket as resolved');
    expect(ev({ kind: 'closed', resolved: false })).toBe('Alex Morgan closed the ticket');
    expect(ev({ kind: 'reopened' }, 'System')).toBe('System reopened the ticket');
  });

  it('resolves teammate and team names in assignments', () => {
    expect(ev({ kind: 'assignment_changed', teammate: 't2', team: 'g1' })).toBe(
      'Alex Morgan assigned the ticket to Sam Lee (Billing)',
    );
    expect(ev({ kind: 'assignment_changed', teammate: 't2', team: null })).toBe('Alex Morgan assigned the ticket to Sam Lee');
    expect(ev({ kind: 'assignment_changed', teammate: null, team: 'g1' })).toBe(
      'Alex Morgan assigned the ticket to the Billing team',
    );
    expect(ev({ kind: 'assignment_changed', teammate: null, team: null })).toBe('Alex Morgan unassigned the ticket');
    expect(ev({ kind: 'assignment_changed', teammate: 'gone', team: null })).toBe(
      'Alex Morgan assigned the ticket to a former teammate',
    );
  });

  it('describes sharing', () => {
    expect(ev({ kind: 'share_changed', shared: true })).toBe('Alex Morgan shared the ticket with the customer');
    expect(ev({ kind: 'share_changed', shared: false })).toBe('Alex Morgan made the ticket internal');
  });

  it('describes attribute changes with names and formatted values', () => {
    expect(ev({ kind: 'attribute_changed', key: 'plan', from: 'Free', to: 'Pro' })).toBe(
      'Alex Morgan changed Plan from “Free” to “Pro”',
    );
    expect(ev({ kind: 'attribute_changed', key: 'refund', from: null, to: true })).toBe(
      'Alex Morgan set Refund approved to “Yes”',
    );
    expect(ev({ kind: 'attribute_changed', key: 'plan', from: 'Pro', to: null })).toBe('Alex Morgan cleared Plan');
  });

  it('describes links, naming the target when known', () => {
    expect(ev({ kind: 'link_changed', link: 'tracker', target: 'tr1', label: '', linked: true })).toBe(
      'Alex Morgan linked tracker #88 Checkout fails on Safari',
    );
    expect(ev({ kind: 'link_changed', link: 'tracker', target: 'x', label: '', linked: false })).toBe('Alex Morgan unlinked a tracker');
    expect(ev({ kind: 'link_changed', link: 'tracker', target: 'x', label: '#9 Outage', linked: false })).toBe(
      'Alex Morgan unlinked tracker #9 Outage',
    );
    expect(ev({ kind: 'brand_changed', brand: 'b', name: 'Northwind Pay' })).toBe('Alex Morgan changed the brand to Northwind Pay');
    expect(
      ev({ kind: 'customers_notified', contacts: ['c'], channels: ['messenger_badge', 'recent_tickets', 'email'], email: { when: 'now', at: 0 } }),
    ).toBe('Notified the customer: messenger badge, recent tickets, email sent at once');
    expect(ev({ kind: 'link_changed', link: 'origin_conversation', target: 'x', label: '', linked: true })).toBe(
      'Alex Morgan linked an origin conversation',
    );
  });

  it('names a conversation as such, and says until when it is snoozed', () => {
    const now = new Date(2025, 5, 18, 15, 0).getTime();
    const conv = (kind: Parameters<typeof describeEvent>[0]['kind']) =>
      describeEvent({ author_name: 'Alex Morgan', kind }, { ...ctx, noun: 'conversation', now });
    expect(conv({ kind: 'closed', resolved: false })).toBe('Alex Morgan closed the conversation');
    expect(conv({ kind: 'reopened' })).toBe('Alex Morgan reopened the conversation');
    expect(conv({ kind: 'assignment_changed', teammate: 't2', team: null })).toBe(
      'Alex Morgan assigned the conversation to Sam Lee',
    );
    const until = new Date(2025, 5, 19, 9, 0).getTime();
    expect(conv({ kind: 'snoozed', until })).toMatch(/^Alex Morgan snoozed the conversation until Jun 19/);
    expect(conv({ kind: 'snooze_ended' })).toBe('The snooze ended: the conversation is back');
  });

  it('tells a ticket snoozed, unsnoozed and woken', () => {
    const now = new Date(2025, 5, 18, 15, 0).getTime();
    const ticket = (kind: Parameters<typeof describeEvent>[0]['kind']) =>
      describeEvent({ author_name: 'Alex Morgan', kind }, { ...ctx, now });
    const until = new Date(2025, 5, 19, 9, 0).getTime();
    expect(ticket({ kind: 'snoozed', until })).toMatch(/^Alex Morgan snoozed the ticket until Jun 19/);
    expect(ticket({ kind: 'unsnoozed' })).toBe('Alex Morgan ended the snooze: the ticket is back');
    expect(ticket({ kind: 'snooze_ended' })).toBe('The snooze ended: the ticket is back');
  });

  it('leaves messages to the message renderer', () => {
    expect(ev({ kind: 'reply', body: 'Hi' })).toBeNull();
    expect(ev({ kind: 'note', body: 'Hi' })).toBeNull();
    expect(ev({ kind: 'cross_post', from_ticket: 'b1', body: 'Hi' })).toBeNull();
  });
});
