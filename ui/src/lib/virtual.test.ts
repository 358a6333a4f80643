import { describe, expect, it } from 'vitest';
import { clampIndex, moveIndex, pagesForRange, scrollTopToReveal, visibleRange, wantedPages } from './virtual';

const ROW = 56;

describe('visibleRange', () => {
  it('is empty without rows', () => {
    expect(visibleRange(0, 800, ROW, 0)).toEqual({ start: 0, end: 0 });
  });

  it('covers the rows intersecting the viewport', () => {
    // 800 / 56 = 14.28: rows 0..14 are (partly) visible.
    expect(visibleRange(0, 800, ROW, 100_000)).toEqual({ start: 0, end: 15 });
    // Scrolled to the middle of row 10: rows 10..24 are visible.
    expect(visibleRange(10 * ROW + 28, 800, ROW, 100_000)).toEqual({ start: 10, end: 25 });
  });

  it('does not count a row that starts exactly at the bottom edge', () => {
    expect(visibleRange(0, 10 * ROW, ROW, 100)).toEqual({ start: 0, end: 10 });
  });

  it('adds overscan on both sides, clamped to the list', () => {
    expect(visibleRange(0, 800, ROW, 100_000, 5)).toEqual({ start: 0, end: 20 });
    expect(visibleRange(50 * ROW, 560, ROW, 100_000, 5)).toEqual({ start: 45, end: 65 });
    expect(visibleRange(99_995 * ROW, 800, ROW, 100_000, 5)).toEqual({ start: 99_990, end: 100_000 });
  });

  it('clamps a scroll position past the end (rubber-banding, shrinking lists)', () => {
    expect(visibleRange(1_000_000, 800, ROW, 10)).toEqual({ start: 9, end: 10 });
    expect(visibleRange(-40, 800, ROW, 10)).toEqual({ start: 0, end: 10 });
  });

  it('stays small at 100,000 rows whatever the position', () => {
    for (const top of [0, 123_456, 2_800_000, 5_599_000]) {
      const r = visibleRange(top, 900, ROW, 100_000, 8);
      expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil(900 / ROW) + 1 + 16);
      expect(r.start).toBeGreaterThanOrEqual(0);
      expect(r.end).toBeLessThanOrEqual(100_000);
    }
  });

  it('renders at least the first row of a zero-height viewport', () => {
    expect(visibleRange(0, 0, ROW, 5)).toEqual({ start: 0, end: 1 });
  });
});

describe('pagesForRange', () => {
  it('lists the page offsets that hold the range', () => {
    expect(pagesForRange({ start: 0, end: 15 }, 100)).toEqual([0]);
    expect(pagesForRange({ start: 95, end: 110 }, 100)).toEqual([0, 100]);
    expect(pagesForRange({ start: 100, end: 200 }, 100)).toEqual([100]);
    expect(pagesForRange({ start: 199, end: 401 }, 100)).toEqual([100, 200, 300, 400]);
  });

  it('is empty for an empty range', () => {
    expect(pagesForRange({ start: 10, end: 10 }, 100)).toEqual([]);
  });
});

describe('wantedPages', () => {
  it('wants only the first page while the total is unknown', () => {
    expect(wantedPages(0, 800, ROW, null, 100, 200)).toEqual([0]);
  });

  it('wants nothing for an empty view', () => {
    expect(wantedPages(0, 800, ROW, 0, 100, 200)).toEqual([]);
  });

  it('puts the pages under the viewport first, then the prefetch margin', () => {
    // Rows 290..304 visible: pages 200 and 300; 200 holds the middle row.
    const pages = wantedPages(290 * ROW, 800, ROW, 100_000, 100, 150);
    expect(pages.slice(0, 2)).toEqual([200, 300]);
    // Rows 295..309: the middle is in page 300.
    expect(wantedPages(295 * ROW, 800, ROW, 100_000, 100, 0)).toEqual([300, 200]);
    expect(new Set(pages)).toEqual(new Set([100, 200, 300, 400]));
  });

  it('never wants a page past the end', () => {
    const pages = wantedPages(95 * ROW, 800, ROW, 120, 100, 500);
    expect(pages).toEqual([100, 0]);
  });

  it('jumping to the middle of a huge list wants the pages there, not the ones in between', () => {
    const pages = wantedPages(50_000 * ROW, 800, ROW, 100_000, 100, 100);
    expect(pages[0]).toBe(50_000);
    expect(Math.min(...pages)).toBeGreaterThanOrEqual(49_900);
    expect(Math.max(...pages)).toBeLessThanOrEqual(50_100);
  });
});

describe('scrollTopToReveal', () => {
  it('does not move when the row is fully visible', () => {
    expect(scrollTopToReveal(3, 0, 800, ROW)).toBe(0);
    expect(scrollTopToReveal(12, 5 * ROW, 800, ROW)).toBe(5 * ROW);
  });

  it('scrolls up just enough to show a row above', () => {
    expect(scrollTopToReveal(4, 10 * ROW, 800, ROW)).toBe(4 * ROW);
  });

  it('scrolls down just enough to show a row below', () => {
    expect(scrollTopToReveal(20, 0, 800, ROW)).toBe(21 * ROW - 800);
  });

  it('reveals a partly hidden row at the bottom edge', () => {
    // Row 14 spans 784..840, viewport 0..800.
    expect(scrollTopToReveal(14, 0, 800, ROW)).toBe(40);
  });

  it('reveals a far away row (a jump)', () => {
    expect(scrollTopToReveal(99_999, 0, 800, ROW)).toBe(100_000 * ROW - 800);
  });
});

describe('clampIndex and moveIndex', () => {
  it('clamps into the list', () => {
    expect(clampIndex(-3, 10)).toBe(0);
    expect(clampIndex(42, 10)).toBe(9);
    expect(clampIndex(4, 10)).toBe(4);
    expect(clampIndex(0, 0)).toBe(-1);
  });

  it('moves by delta and stops at the ends', () => {
    expect(moveIndex(5, 1, 10)).toBe(6);
    expect(moveIndex(5, -1, 10)).toBe(4);
    expect(moveIndex(9, 1, 10)).toBe(9);
    expect(moveIndex(0, -1, 10)).toBe(0);
  });

  it('starts at the first row when nothing is selected', () => {
    expect(moveIndex(null, 1, 10)).toBe(0);
    expect(moveIndex(null, -1, 10)).toBe(0);
    expect(moveIndex(null, 1, 0)).toBe(-1);
  });
});
