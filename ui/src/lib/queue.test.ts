import { describe, expect, it } from 'vitest';
import type { ConversationRow, InboxRow, QueueRow, View } from './bindings';
import { bothCount, emptyQueueMessage, kindForView, queueItem, queueOpen, queueUnread, sameItem } from './queue';

const mine: View = { kind: 'mine' };
const all: View = { kind: 'all' };
const team: View = { kind: 'team', team_id: 't1' };
const tracker: View = { kind: 'category', category: 'tracker' };

const ticket = { kind: 'ticket', row: { id: 'T1', unread: true } as InboxRow } satisfies QueueRow;
const conversation = {
  kind: 'conversation',
  row: { conversation: { id: 'C1' }, unread: false } as ConversationRow,
} satisfies QueueRow;

describe('the kind a view opens with', () => {
  it('is both for Mine, unless conversations were shown', () => {
    expect(kindForView(mine, all, 'tickets')).toBe('both');
    expect(kindForView(mine, team, 'both')).toBe('both');
    expect(kindForView(mine, all, 'conversations')).toBe('conversations');
  });

  it('carries over elsewhere, but Mine’s both stays in Mine', () => {
    expect(kindForView(team, all, 'conversations')).toBe('conversations');
    expect(kindForView(team, all, 'both')).toBe('both');
    expect(kindForView(all, mine, 'both')).toBe('tickets');
    expect(kindForView(all, mine, 'conversations')).toBe('conversations');
  });

  it('is tickets for a view without conversations', () => {
    expect(kindForView(tracker, mine, 'both')).toBe('tickets');
    expect(kindForView(tracker, all, 'conversations')).toBe('tickets');
  });
});

describe('rows', () => {
  it('stand for their ticket or conversation, with their unread mark', () => {
    expect(queueItem(ticket)).toEqual({ kind: 'ticket', id: 'T1' });
    expect(queueItem(conversation)).toEqual({ kind: 'conversation', id: 'C1' });
    expect(queueUnread(ticket)).toBe(true);
    expect(queueUnread(conversation)).toBe(false);
  });

  it('are the same only with the same kind and id', () => {
    expect(sameItem({ kind: 'ticket', id: 'X' }, { kind: 'ticket', id: 'X' })).toBe(true);
    expect(sameItem({ kind: 'ticket', id: 'X' }, { kind: 'conversation', id: 'X' })).toBe(false);
    expect(sameItem(null, { kind: 'ticket', id: 'X' })).toBe(false);
    expect(sameItem(null, null)).toBe(false);
  });
});

describe('filters and counts', () => {
  it('asks the store for open, closed or either', () => {
    expect(queueOpen('open')).toBe(true);
    expect(queueOpen('closed')).toBe(false);
    expect(queueOpen('all')).toBeNull();
  });

  it('counts tickets plus conversations once both are known', () => {
    expect(bothCount(12, 3)).toBe(15);
    expect(bothCount(0, 0)).toBe(0);
    expect(bothCount(null, 3)).toBeNull();
    expect(bothCount(12, null)).toBeNull();
  });

  it('says what an empty queue lacks', () => {
    expect(emptyQueueMessage(mine, 'open', false)).toBe('No open tickets or conversations assigned to you');
    expect(emptyQueueMessage(all, 'all', true)).toBe('No unread tickets or conversations');
    expect(emptyQueueMessage(team, 'closed', false)).toBe('No closed tickets or conversations of this team');
  });
});
