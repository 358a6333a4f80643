import { describe, expect, it } from 'vitest';
import type { Delivery, Preview } from './bindings';
import { channelLabel, delayMinutes, emailWhen, inDuration, movesText, moreText, summaryText } from './preview';

function delivery(contact: string): Delivery {
  return {
    notification: { contact, ticket: 't', reasons: [], channels: ['email'], email: null },
    contact: { id: contact, name: contact, email: `${contact}@x.test`, company: null },
    ticket: {
      id: 't',
      number: 1,
      title: 'T',
      state_label: 'Open',
      state_category: 'submitted',
      attributes: [],
      last_activity_at: 0,
      action: 'send_message',
    },
    subject: 'T',
    email: null,
    messenger: null,
  };
}

describe('channelLabel', () => {
  it('names every channel readably', () => {
    expect(channelLabel('messenger_badge')).toBe('Messenger badge');
    expect(channelLabel('recent_tickets')).toBe('Recent tickets');
    expect(channelLabel('tickets_space_badge')).toBe('Tickets space badge');
    expect(channelLabel('messages_space_badge')).toBe('Messages space badge');
    expect(channelLabel('thread_event')).toBe('Messenger thread event');
    expect(channelLabel('email')).toBe('Email');
  });
});

describe('emailWhen', () => {
  it('says at once for immediate email', () => {
    expect(emailWhen({ when: 'now', at: 1000 }, 1000)).toBe('at once');
  });
  it('says in N min unless seen', () => {
    expect(emailWhen({ when: 'unless_seen', at: 180_000, parts: [] }, 0)).toBe(
      'in 3 min unless they see it in the Messenger',
    );
  });
  it('formats durations', () => {
    expect(inDuration(30_000)).toBe('in less than a minute');
    expect(inDuration(60 * 60_000)).toBe('in 1 h');
    expect(inDuration(65 * 60_000)).toBe('in 1 h 5 min');
  });
});

describe('summaryText', () => {
  const p = (n: number, affected = 1): Preview => ({
    deliveries: Array.from({ length: n }, (_, i) => delivery(`c${i}`)),
    tickets_affected: affected,
  });
  it('counts customers', () => {
    expect(summaryText(p(1), false)).toBe('1 customer will be notified');
    expect(summaryText(p(2), false)).toBe('2 customers will be notified');
    expect(summaryText(p(0), false)).toBe('Internal: no customer is notified.');
  });
  it('counts distinct customers', () => {
    expect(summaryText({ deliveries: [delivery('a'), delivery('a')], tickets_affected: 2 }, false)).toBe(
      '1 customer will be notified',
    );
  });
  it('words a tracker move', () => {
    expect(summaryText(p(9, 12), true)).toBe('Moves 12 linked tickets — 9 customers will be notified');
    expect(summaryText(p(10000, 10000), true)).toBe(
      'Moves 10,000 linked tickets — 10,000 customers will be notified',
    );
  });
  it('counts the linked tickets the header counts, and says how many of them move', () => {
    // The header says "7 linked tickets follow its state"; 3 are in the target state already.
    expect(summaryText(p(4, 4), true, 7)).toBe(
      'Moves 4 of its 7 linked tickets (3 are in that state already) — 4 customers will be notified',
    );
    expect(movesText(6, 7)).toBe('Moves 6 of its 7 linked tickets (1 is in that state already)');
    expect(movesText(7, 7)).toBe('Moves 7 linked tickets');
    expect(movesText(1, null)).toBe('Moves 1 linked ticket');
    expect(movesText(0, 100000)).toBe('Moves 0 of its 100,000 linked tickets (100,000 are in that state already)');
  });
  it('words the rest and delays', () => {
    expect(moreText(1)).toBe('and 1 more customer');
    expect(moreText(9980)).toBe('and 9,980 more customers');
    expect(delayMinutes(180_000)).toBe(3);
  });
});
