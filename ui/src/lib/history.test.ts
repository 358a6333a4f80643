import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, History } from './history';

describe('History', () => {
  it('goes back and forward like a browser', () => {
    const h = new History<string>();
    expect(h.back('a')).toBeNull();
    h.leave('a'); // a → b
    h.leave('b'); // b → c
    expect(h.back('c')).toBe('b');
    expect(h.back('b')).toBe('a');
    expect(h.back('a')).toBeNull();
    expect(h.forward('a')).toBe('b');
    expect(h.forward('b')).toBe('c');
    expect(h.forward('c')).toBeNull();
  });

  it('forgets what was ahead when going somewhere new', () => {
    const h = new History<string>();
    h.leave('a');
    expect(h.back('b')).toBe('a');
    h.leave('a'); // a → d
    expect(h.forward('d')).toBeNull();
    expect(h.back('d')).toBe('a');
  });

  it('keeps a bounded past', () => {
    const h = new History<number>();
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) h.leave(i);
    let steps = 0;
    let here = -1;
    for (let to = h.back(here); to !== null; to = h.back(here)) {
      here = to;
      steps++;
    }
    expect(steps).toBe(HISTORY_LIMIT);
    expect(here).toBe(10);
  });
});
