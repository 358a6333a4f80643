import { describe, expect, it } from 'vitest';
import { activeCount, emptyFilters, filtersKey, listStatus, toggled, withStatus, type ListStatus } from './filters';

describe('list filters', () => {
  it('count what narrows the list', () => {
    expect(activeCount(emptyFilters())).toBe(0);
    expect(activeCount({ ...emptyFilters(), open: false })).toBe(1);
    expect(activeCount({ ...emptyFilters(), categories: ['customer', 'tracker'], unread: true })).toBe(2);
  });

  it('toggle values in and out', () => {
    expect(toggled(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggled(['a', 'b'], 'a')).toEqual(['b']);
  });

  it('have a key that ignores order', () => {
    const a = { ...emptyFilters(), states: ['s1', 's2'] };
    const b = { ...emptyFilters(), states: ['s2', 's1'] };
    expect(filtersKey(a)).toBe(filtersKey(b));
    expect(filtersKey(a)).not.toBe(filtersKey(emptyFilters()));
    expect(filtersKey({ ...emptyFilters(), open: true })).not.toBe(filtersKey({ ...emptyFilters(), open: false }));
  });

  it('set one status at a time: everything, open, snoozed or closed', () => {
    const base = { ...emptyFilters(), unread: true, states: ['s1'] };
    const all: ListStatus[] = ['all', 'open', 'snoozed', 'closed'];
    for (const status of all) {
      const f = withStatus(withStatus(base, 'closed'), status);
      expect(listStatus(f)).toBe(status);
      expect(f.unread && f.states[0] === 's1').toBe(true);
    }
    expect(withStatus(base, 'snoozed')).toMatchObject({ open: null, snoozed: true });
    expect(withStatus(base, 'open')).toMatchObject({ open: true, snoozed: false });
    expect(activeCount(withStatus(emptyFilters(), 'snoozed'))).toBe(1);
    expect(activeCount(withStatus(emptyFilters(), 'all'))).toBe(0);
    expect(new Set(all.map((s) => filtersKey(withStatus(emptyFilters(), s)))).size).toBe(4);
  });
});
