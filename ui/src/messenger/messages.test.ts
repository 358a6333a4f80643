import { describe, expect, it } from 'vitest';
import { messageThreads } from './messages';
import type { CustomerConversation, MessengerTicket } from './types';

const conversation = (id: string, at: number): CustomerConversation => ({
  id,
  subject: id,
  open: true,
  created_at: 0,
  last_activity_at: at,
  messages: [],
});

const ticket = (id: string, at: number): MessengerTicket => ({
  id,
  number: 1,
  title: id,
  state_label: 'In progress',
  state_category: 'in_progress',
  attributes: [],
  last_activity_at: at,
  action: 'send_message',
});

describe('messageThreads', () => {
  it('merges conversations and tickets, most recent first', () => {
    const threads = messageThreads([conversation('c1', 10), conversation('c2', 30)], [ticket('t1', 20)]);
    expect(threads.map((t) => [t.kind, t.id])).toEqual([
      ['conversation', 'c2'],
      ['ticket', 't1'],
      ['conversation', 'c1'],
    ]);
  });

  it('is empty when the customer has nothing', () => {
    expect(messageThreads([], [])).toEqual([]);
  });
});
