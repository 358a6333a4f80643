// Windowing math for the virtualised ticket list. Plain functions, no DOM: the list component
// feeds them the scroll position and the viewport size and renders what they return.

/** A half-open range of row indices: `start` included, `end` excluded. */
export interface IndexRange {
  start: number;
  end: number;
}

export const EMPTY_RANGE: IndexRange = { start: 0, end: 0 };

/** Clamps a row index into `[0, total - 1]`; -1 when there are no rows. */
export function clampIndex(index: number, total: number): number {
  if (total <= 0) return -1;
  return Math.min(total - 1, Math.max(0, Math.trunc(index)));
}

/**
 * The rows that intersect the viewport, widened by `overscan` rows on each side and clamped to
 * `[0, total)`.
 */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 0,
): IndexRange {
  if (total <= 0 || rowHeight <= 0) return EMPTY_RANGE;
  const top = Math.max(0, scrollTop);
  const height = Math.max(0, viewportHeight);
  const first = Math.min(total - 1, Math.floor(top / rowHeight));
  // A row is visible when any of its pixels is: the last one starts before top + height.
  const last = height === 0 ? first : Math.min(total - 1, Math.ceil((top + height) / rowHeight) - 1);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(total, Math.max(first, last) + 1 + overscan),
  };
}

/** Offsets of the pages (of `pageSize` rows) that hold any row of `range`, ascending. */
export function pagesForRange(range: IndexRange, pageSize: number): number[] {
  if (range.end <= range.start || pageSize <= 0) return [];
  const out: number[] = [];
  const first = Math.floor(range.start / pageSize) * pageSize;
  for (let offset = first; offset < range.end; offset += pageSize) out.push(offset);
  return out;
}

/**
 * The pages the list wants, most urgent first: the pages under the viewport (nearest its middle
 * first), then those within `prefetchRows` rows above or below it. While the total is unknown
 * (nothing loaded yet) only the first page is wanted.
 */
export function wantedPages(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number | null,
  pageSize: number,
  prefetchRows = 0,
): number[] {
  if (total === null) return [0];
  const visible = visibleRange(scrollTop, viewportHeight, rowHeight, total);
  if (visible.end <= visible.start) return [];
  const middle = (visible.start + visible.end) / 2;
  // How far a page's rows are from the middle of the viewport (0 when the page holds it).
  const distance = (offset: number) => Math.max(0, offset - middle, middle - (offset + pageSize));
  const byDistance = (a: number, b: number) => distance(a) - distance(b) || a - b;
  const urgent = pagesForRange(visible, pageSize).sort(byDistance);
  const widened: IndexRange = {
    start: Math.max(0, visible.start - prefetchRows),
    end: Math.min(total, visible.end + prefetchRows),
  };
  const extra = pagesForRange(widened, pageSize)
    .filter((offset) => !urgent.includes(offset))
    .sort(byDistance);
  return [...urgent, ...extra];
}

/**
 * The scrollTop that brings row `index` fully into view while moving as little as possible:
 * unchanged when the row is already fully visible.
 */
export function scrollTopToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return scrollTop;
}

/** The index `delta` rows away from `current`, or the first row when nothing is selected. */
export function moveIndex(current: number | null, delta: number, total: number): number {
  if (total <= 0) return -1;
  if (current === null || current < 0) return 0;
  return clampIndex(current + delta, total);
}
