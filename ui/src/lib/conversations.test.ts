import { describe, expect, it } from 'vitest';
import type { ConversationCounts, ConversationDetail, TimelineEntry } from './bindings';
import {
  conversationCount,
  conversationState,
  emptyConversationsMessage,
  fromDateTimeLocal,
  holdsConversations,
  nextMondayAtNine,
  replyChannel,
  snoozePresets,
  toDateTimeLocal,
  tomorrowAtNine,
  wakeTime,
} from './conversations';

// Wednesday, June 18 2025, 15:20 local time.
const NOW = new Date(2025, 5, 18, 15, 20, 0).getTime();
const HOUR = 3_600_000;

const counts: ConversationCounts = {
  all: 9,
  mine: 3,
  unassigned: 2,
  by_team: { g1: 4 },
  unread: 1,
  mine_snoozed: 1,
};

describe('views', () => {
  it('all, mine, unassigned and teams hold conversations; ticket-only views do not', () => {
    expect(holdsConversations({ kind: 'all' })).toBe(true);
    expect(holdsConversations({ kind: 'mine' })).toBe(true);
    expect(holdsConversations({ kind: 'unassigned' })).toBe(true);
    expect(holdsConversations({ kind: 'team', team_id: 'g1' })).toBe(true);
    expect(holdsConversations({ kind: 'category', category: 'tracker' })).toBe(false);
    expect(holdsConversations({ kind: 'state', state_id: 's1' })).toBe(false);
  });

  it('counts open conversations per view for the sidebar', () => {
    expect(conversationCount({ kind: 'all' }, counts)).toBe(9);
    expect(conversationCount({ kind: 'mine' }, counts)).toBe(3);
    expect(conversationCount({ kind: 'unassigned' }, counts)).toBe(2);
    expect(conversationCount({ kind: 'team', team_id: 'g1' }, counts)).toBe(4);
    expect(conversationCount({ kind: 'team', team_id: 'gone' }, counts)).toBe(0);
    expect(conversationCount({ kind: 'brand', brand_id: 'b' }, counts)).toBeNull();
    expect(conversationCount({ kind: 'mine' }, null)).toBeNull();
  });

  it('says what an empty list would hold', () => {
    expect(emptyConversationsMessage({ kind: 'mine' }, 'open')).toBe('No open conversations assigned to you');
    expect(emptyConversationsMessage({ kind: 'all' }, 'all')).toBe('No conversations');
    expect(emptyConversationsMessage({ kind: 'unassigned' }, 'snoozed')).toBe(
      'No snoozed conversations with no teammate or team',
    );
  });
});

describe('state', () => {
  it('a conversation snoozed until later is snoozed; its time come, open again', () => {
    expect(conversationState({ open: true, snoozed_until: null }, NOW)).toBe('open');
    expect(conversationState({ open: true, snoozed_until: NOW + 1 }, NOW)).toBe('snoozed');
    expect(conversationState({ open: true, snoozed_until: NOW }, NOW)).toBe('open');
    expect(conversationState({ open: false, snoozed_until: NOW + 1 }, NOW)).toBe('closed');
  });
});

describe('snooze presets', () => {
  it('an hour, tomorrow at 9:00, next Monday at 9:00', () => {
    const [hour, tomorrow, monday] = snoozePresets(NOW);
    expect(hour.until).toBe(NOW + HOUR);
    expect(new Date(tomorrow.until)).toEqual(new Date(2025, 5, 19, 9, 0, 0));
    expect(new Date(monday.until)).toEqual(new Date(2025, 5, 23, 9, 0, 0));
  });

  it('next Monday from a Monday is a week on, and from a Sunday the day after', () => {
    const monday = new Date(2025, 5, 23, 8, 0).getTime();
    expect(new Date(nextMondayAtNine(monday))).toEqual(new Date(2025, 5, 30, 9, 0));
    const sunday = new Date(2025, 5, 22, 22, 0).getTime();
    expect(new Date(nextMondayAtNine(sunday))).toEqual(new Date(2025, 5, 23, 9, 0));
    // The end of a month.
    expect(new Date(tomorrowAtNine(new Date(2025, 5, 30, 18, 0).getTime()))).toEqual(new Date(2025, 6, 1, 9, 0));
  });

  it('reads and writes the date-time picker in local time', () => {
    const at = new Date(2025, 0, 5, 7, 3).getTime();
    expect(toDateTimeLocal(at)).toBe('2025-01-05T07:03');
    expect(fromDateTimeLocal('2025-01-05T07:03')).toBe(at);
    expect(fromDateTimeLocal('')).toBeNull();
    expect(fromDateTimeLocal('tomorrow')).toBeNull();
  });

  it('says when a snoozed conversation wakes', () => {
    const time = (h: number, m: number) =>
      new Date(2025, 0, 1, h, m).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    expect(wakeTime(new Date(2025, 5, 18, 17, 0).getTime(), NOW)).toBe(time(17, 0));
    expect(wakeTime(tomorrowAtNine(NOW), NOW)).toBe(`tomorrow ${time(9, 0)}`);
    expect(wakeTime(nextMondayAtNine(NOW), NOW)).toMatch(new RegExp(`${time(9, 0)}$`));
  });
});

describe('reply channel', () => {
  const entry = (author: TimelineEntry['author'], channel: TimelineEntry['channel']): TimelineEntry => ({
    id: Math.random().toString(),
    author,
    author_name: 'x',
    kind: { kind: 'reply', body: 'hi' },
    created_at: 0,
    channel,
  });
  const detail = (timeline: TimelineEntry[]) =>
    ({
      conversation: { channel: 'messenger' },
      timeline,
    }) as unknown as ConversationDetail;

  it('answers where the customer last wrote from', () => {
    expect(replyChannel(detail([]))).toBe('messenger');
    expect(
      replyChannel(
        detail([
          entry({ kind: 'contact', id: 'c' }, 'messenger'),
          entry({ kind: 'contact', id: 'c' }, 'email'),
          entry({ kind: 'teammate', id: 't' }, 'messenger'),
        ]),
      ),
    ).toBe('email');
  });
});
