import { describe, expect, it } from 'vitest';
import { activeCount, emptyFilters, filtersKey, toggled } from './filters';

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
});
