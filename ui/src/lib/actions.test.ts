import { describe, expect, it } from 'vitest';
import {
  composeMutation,
  REPLY_BLOCKED_REASON,
  assigneeLabel,
  composerRules,
  followText,
  initialMode,
  matchesFilter,
  menuStep,
  reportedText,
  stateGroups,
  teamOptions,
  teammateOptions,
} from './actions';
import type { StateCategory, TicketState } from './bindings';

function st(id: string, category: StateCategory, archived = false): TicketState {
  return { id, internal_label: id.toUpperCase(), customer_label: id, category, archived };
}

const states = [
  st('resolved', 'resolved'),
  st('submitted', 'submitted'),
  st('progress', 'in_progress'),
  st('waiting', 'waiting_on_customer'),
  st('triage', 'in_progress'),
  st('old', 'in_progress', true),
];

describe('stateGroups', () => {
  it('groups the type’s states by state category, in category order, keeping the type’s order', () => {
    const groups = stateGroups({ states }, { states: ['resolved', 'triage', 'waiting', 'submitted', 'progress'] });
    expect(groups.map((g) => g.category)).toEqual(['submitted', 'in_progress', 'waiting_on_customer', 'resolved']);
    expect(groups.map((g) => g.label)).toEqual(['Submitted', 'In progress', 'Waiting on customer', 'Resolved']);
    expect(groups[1].states.map((s) => s.id)).toEqual(['triage', 'progress']);
  });

  it('offers only what the type offers', () => {
    const groups = stateGroups({ states }, { states: ['submitted', 'resolved'] });
    expect(groups.flatMap((g) => g.states.map((s) => s.id))).toEqual(['submitted', 'resolved']);
  });

  it('leaves archived states out unless the ticket is in one', () => {
    const type = { states: ['submitted', 'old', 'resolved'] };
    expect(stateGroups({ states }, type, 'submitted').flatMap((g) => g.states.map((s) => s.id))).toEqual([
      'submitted',
      'resolved',
    ]);
    expect(stateGroups({ states }, type, 'old').flatMap((g) => g.states.map((s) => s.id))).toEqual([
      'submitted',
      'old',
      'resolved',
    ]);
  });

  it('skips unknown and repeated ids', () => {
    const groups = stateGroups({ states }, { states: ['ghost', 'submitted', 'submitted'] });
    expect(groups).toHaveLength(1);
    expect(groups[0].states).toHaveLength(1);
  });
});

describe('texts', () => {
  it('says how many linked tickets follow a tracker', () => {
    expect(followText(0)).toBeNull();
    expect(followText(1)).toBe('1 linked ticket follows its state');
    expect(followText(12)).toBe('12 linked tickets follow its state');
    expect(followText(10000)).toBe('10,000 linked tickets follow its state');
  });

  it('says how many customers reported a tracker', () => {
    expect(reportedText(0)).toBe('No customer has reported this yet');
    expect(reportedText(1)).toBe('1 customer reported this');
    expect(reportedText(2500)).toBe('2,500 customers reported this');
  });

  it('labels the assignee', () => {
    expect(assigneeLabel({ name: 'Ana', active: true }, { name: 'Billing' })).toBe('Ana · Billing');
    expect(assigneeLabel({ name: 'Ana', active: true }, null)).toBe('Ana');
    expect(assigneeLabel({ name: 'Sam', active: false }, null)).toBe('Sam (deactivated)');
    expect(assigneeLabel({ name: 'Sam', active: false }, { name: 'Billing' })).toBe('Sam (deactivated) · Billing');
    expect(assigneeLabel(null, { name: 'Billing' })).toBe('Billing');
    expect(assigneeLabel(null, null)).toBe('Unassigned');
  });
});

describe('composer rules', () => {
  it('replies on shared tickets, notes only on internal ones', () => {
    expect(composerRules({ shared: true, category: 'customer' })).toEqual({
      replyAllowed: true,
      replyBlockedReason: null,
      defaultMode: 'reply',
      offersKeepPrivate: false,
    });
    const tracker = composerRules({ shared: false, category: 'tracker' });
    expect(tracker.replyAllowed).toBe(false);
    expect(tracker.replyBlockedReason).toBe(REPLY_BLOCKED_REASON);
    expect(tracker.defaultMode).toBe('note');
    expect(tracker.offersKeepPrivate).toBe(false);
    const backOffice = composerRules({ shared: false, category: 'back_office' });
    expect(backOffice.defaultMode).toBe('note');
    expect(backOffice.offersKeepPrivate).toBe(true);
    expect(composerRules({ shared: true, category: 'back_office' }).defaultMode).toBe('reply');
  });

  it('reopens a draft in its own mode, never as a reply that cannot be sent', () => {
    const shared = composerRules({ shared: true, category: 'customer' });
    const internal = composerRules({ shared: false, category: 'back_office' });
    expect(initialMode(shared, null)).toBe('reply');
    expect(initialMode(shared, 'note')).toBe('note');
    expect(initialMode(internal, 'reply')).toBe('note');
    expect(initialMode(internal, null)).toBe('note');
  });
});

describe('pickers', () => {
  const workspace = {
    me: { id: 'm', name: 'Zoé Martin', email: 'zoe@x.io', role: 'teammate' as const, active: true },
    teammates: [
      { id: 'b', name: 'Bruno Díaz', email: 'bruno@x.io', role: 'teammate' as const, active: true },
      { id: 'm', name: 'Zoé Martin', email: 'zoe@x.io', role: 'teammate' as const, active: true },
      { id: 'a', name: 'Ana Silva', email: 'ana@x.io', role: 'admin' as const, active: true },
      { id: 's', name: 'Sam Lee', email: 'sam@x.io', role: 'teammate' as const, active: false },
    ],
    teams: [
      { id: 't2', name: 'Support', members: [] },
      { id: 't1', name: 'Billing', members: [] },
    ],
  };

  it('lists me first, then by name, and filters ignoring case and accents', () => {
    expect(teammateOptions(workspace).map((t) => t.id)).toEqual(['m', 'a', 'b']);
    expect(teammateOptions(workspace, 'diaz').map((t) => t.id)).toEqual(['b']);
    expect(teammateOptions(workspace, 'ZOE').map((t) => t.id)).toEqual(['m']);
    expect(teamOptions(workspace).map((t) => t.name)).toEqual(['Billing', 'Support']);
    expect(teamOptions(workspace, 'sup').map((t) => t.name)).toEqual(['Support']);
    expect(matchesFilter('anything', '  ')).toBe(true);
  });

  it('offers no deactivated teammate, except the one who holds the ticket, last', () => {
    expect(teammateOptions(workspace, '', 'b').map((t) => t.id)).toEqual(['m', 'a', 'b']);
    expect(teammateOptions(workspace, 'sam').map((t) => t.id)).toEqual([]);
    expect(teammateOptions(workspace, '', 's').map((t) => t.id)).toEqual(['m', 'a', 'b', 's']);
    expect(teammateOptions(workspace, 'sam', 's').map((t) => t.id)).toEqual(['s']);
    expect(teammateOptions(workspace, 'ana', 's').map((t) => t.id)).toEqual(['a']);
  });
});

describe('menuStep', () => {
  it('moves with wrapping arrows and jumps with Home and End', () => {
    expect(menuStep(-1, 'ArrowDown', 3)).toBe(0);
    expect(menuStep(-1, 'ArrowUp', 3)).toBe(2);
    expect(menuStep(0, 'ArrowDown', 3)).toBe(1);
    expect(menuStep(2, 'ArrowDown', 3)).toBe(0);
    expect(menuStep(0, 'ArrowUp', 3)).toBe(2);
    expect(menuStep(1, 'Home', 3)).toBe(0);
    expect(menuStep(1, 'End', 3)).toBe(2);
    expect(menuStep(1, 'Enter', 3)).toBeNull();
    expect(menuStep(0, 'ArrowDown', 0)).toBeNull();
  });
});

describe('composeMutation', () => {
  it('names the files of a reply or note, and only when there are some', () => {
    const ticket = { kind: 'ticket' as const, id: 't1', offersKeepPrivate: false };
    expect(composeMutation(ticket, 'reply', 'Hi', false, ['A1'])).toEqual({ type: 'reply', ticket: 't1', body: 'Hi', attachments: ['A1'] });
    expect(composeMutation(ticket, 'reply', 'Hi', false, [])).toEqual({ type: 'reply', ticket: 't1', body: 'Hi' });
    const conversation = { kind: 'conversation' as const, id: 'c1', channel: 'email' as const };
    expect(composeMutation(conversation, 'note', 'n', false, ['A2'])).toEqual({ type: 'conversation_note', conversation: 'c1', body: 'n', attachments: ['A2'] });
  });

  it('replies and notes on a ticket, keeping a back-office note private only when asked', () => {
    const ticket = { kind: 'ticket' as const, id: 't1', offersKeepPrivate: true };
    expect(composeMutation(ticket, 'reply', 'Hi')).toEqual({ type: 'reply', ticket: 't1', body: 'Hi' });
    expect(composeMutation(ticket, 'note', 'x', true)).toEqual({ type: 'note', ticket: 't1', body: 'x', keep_private: true });
    expect(composeMutation({ ...ticket, offersKeepPrivate: false }, 'note', 'x', true)).toEqual({
      type: 'note',
      ticket: 't1',
      body: 'x',
      keep_private: false,
    });
  });

  it('replies in a conversation by its channel, and notes on it', () => {
    const conversation = { kind: 'conversation' as const, id: 'c1', channel: 'email' as const };
    expect(composeMutation(conversation, 'reply', 'Hi')).toEqual({
      type: 'conversation_reply',
      conversation: 'c1',
      body: 'Hi',
      channel: 'email',
    });
    expect(composeMutation(conversation, 'note', 'x', true)).toEqual({ type: 'conversation_note', conversation: 'c1', body: 'x' });
  });
});
