import { describe, expect, it } from 'vitest';
import type { PartKind, TimelineEntry } from './bindings';
import { foldNotifications } from './timelineFold';

const entry = (id: string, at: number, kind: PartKind): TimelineEntry => ({
  id,
  author: { kind: 'system' } as TimelineEntry['author'],
  author_name: 'System',
  kind,
  created_at: at,
  channel: null,
});
const notified: PartKind = { kind: 'customers_notified', contacts: ['c'], channels: ['email'], email: null };

describe('foldNotifications', () => {
  it('puts a notification record under the action made with it', () => {
    const folded = foldNotifications([
      entry('r', 10, { kind: 'reply', body: 'Hi' }),
      entry('n', 10, notified),
      entry('s', 20, { kind: 'reopened' }),
    ]);
    expect(folded.map((f) => [f.entry.id, f.notified.map((n) => n.id)])).toEqual([
      ['r', ['n']],
      ['s', []],
    ]);
  });

  it('keeps a record whose action is not there, or was made at another moment', () => {
    const folded = foldNotifications([entry('n1', 5, notified), entry('r', 10, { kind: 'reply', body: 'Hi' }), entry('n2', 11, notified)]);
    expect(folded.map((f) => f.entry.id)).toEqual(['n1', 'r', 'n2']);
  });
});
