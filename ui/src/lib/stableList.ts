// A list that holds still while the teammate works in it. Its rows come in pages from a view
// that keeps changing under them (activity re-sorts it, a read ticket leaves the Unread filter,
// a customer writes): once shown, a row keeps its place and only its content follows the view;
// a row that no longer matches stays (marked gone) and new arrivals are counted, not inserted.
// Everything is applied at once on `reset` (the teammate asked for it, or left the view).
//
// Plain TS: the list component loads pages through `fetchOffset`/`loaded`, and on a change asks
// for `freshWindows`, fetches them and hands them to `merge` (`bringUpToDate` does all that).

import type { FetchPage, PageCache } from './pages';

/** A run of the view as it is now: rows from `offset` on. */
export interface FreshWindow<Row> {
  offset: number;
  rows: Row[];
}

/** A shown row as it is drawn: its content now, and whether it has left the view. */
export interface ShownRow<Row> {
  row: Row;
  gone: boolean;
}

/** How far around a shown row the fresh view is looked at before calling it gone: a row
 *  pushed down by up to this many arrivals is still found. */
export const MARGIN = 50;
/** The most rows one fetch may ask for (the store's page limit). */
export const MAX_FETCH = 500;

export class StableList<Row> {
  /** The row count shown: the view's when the list (re)started, until the next reset. */
  total: number | null = null;
  /** The view's row count now. */
  freshTotal: number | null = null;
  /** Where a shown index sits in the view now: arrivals above it push it down, rows gone
   *  pull it up. Pages loaded later are fetched this far off so they continue the shown rows. */
  shift = 0;
  private readonly updated = new Map<string, Row>();
  private readonly goneKeys = new Set<string>();
  private arrivalKeys = new Set<string>();
  /** Every key ever shown since the last reset (evicted pages included): never an arrival. */
  private readonly seen = new Set<string>();
  private generation = 0;
  /** Reset: the next page loaded sets the total again. */
  private retotal = false;

  constructor(private readonly keyOf: (row: Row) => string) {}

  /** How many rows of the view now are not shown yet. */
  get arrivals(): number {
    return this.arrivalKeys.size;
  }

  /** How many shown rows no longer belong to the view. */
  get gone(): number {
    return this.goneKeys.size;
  }

  /** Whether refreshing would change what is shown. */
  get pending(): boolean {
    return this.arrivalKeys.size > 0 || this.goneKeys.size > 0;
  }

  /** Where in the view to fetch the page shown at `offset`. */
  fetchOffset(offset: number): number {
    return Math.max(0, offset + this.shift);
  }

  /** A page was loaded to be shown: its rows are seen; the first page sets the shown total,
   *  which the returned total then stays at. */
  loaded(rows: Row[], viewTotal: number): number {
    if (this.total === null || this.retotal) this.total = viewTotal;
    if (this.freshTotal === null || this.retotal) this.freshTotal = viewTotal;
    this.retotal = false;
    for (const row of rows) {
      const key = this.keyOf(row);
      this.seen.add(key);
      this.arrivalKeys.delete(key);
      // Fetched just now: newer than any content merged before, and in the view.
      this.updated.delete(key);
      this.goneKeys.delete(key);
    }
    return this.total;
  }

  /** A shown row as it is to be drawn. */
  shown(row: Row): ShownRow<Row> {
    const key = this.keyOf(row);
    return { row: this.updated.get(key) ?? row, gone: this.goneKeys.has(key) };
  }

  /**
   * The runs of the view to fetch to bring the shown rows `[start, end)` up to date: the top
   * (where arrivals land in most sorts) and the shown rows' places now with a margin, each at
   * most MAX_FETCH rows.
   */
  freshWindows(start: number, end: number, top: number): { offset: number; limit: number }[] {
    const spans: [number, number][] = [[0, top]];
    if (end > start) spans.push([Math.max(0, start + this.shift - MARGIN), Math.max(0, end + this.shift + MARGIN)]);
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [from, to] of spans) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    const out: { offset: number; limit: number }[] = [];
    for (const [from, to] of merged) {
      for (let offset = from; offset < to; offset += MAX_FETCH) out.push({ offset, limit: Math.min(MAX_FETCH, to - offset) });
    }
    return out;
  }

  /** Starts a refresh; only the latest one's `merge` counts. */
  begin(): number {
    return ++this.generation;
  }

  /**
   * The view now, in `fresh` runs, against the rows shown (`shown`, by index): shown rows found
   * take the fresh content; shown rows whose place now was looked at and not found are gone;
   * rows of the view never shown are arrivals. Returns false for a refresh overtaken by a later
   * one (nothing changes then).
   */
  merge(token: number, shown: { index: number; row: Row }[], fresh: FreshWindow<Row>[], freshTotal: number): boolean {
    if (token !== this.generation) return false;
    const byKey = new Map<string, Row>();
    for (const w of fresh) for (const row of w.rows) byKey.set(this.keyOf(row), row);
    // A row now at `i` would be found in a window holding its margin on both sides (or up to
    // the view's end).
    const covered = (i: number) => {
      const from = Math.max(0, i - MARGIN);
      const to = Math.min(freshTotal, i + MARGIN + 1);
      return fresh.some((w) => w.offset <= from && w.offset + w.rows.length >= to);
    };
    for (const { index, row } of shown) {
      const key = this.keyOf(row);
      const now = byKey.get(key);
      if (now !== undefined) {
        this.updated.set(key, now);
        this.goneKeys.delete(key);
      } else if (covered(index + this.shift)) {
        this.goneKeys.add(key);
      }
    }
    // An arrival is a row never shown that sits among shown ones (or above them at the top, or
    // below them at the end when the list was shown to its end): rows merely past the loaded
    // pages are not news.
    const shownToEnd = this.total !== null && shown.some((s) => s.index === this.total! - 1);
    const arrivals = new Set<string>();
    for (const w of fresh) {
      const keys = w.rows.map((r) => this.keyOf(r));
      const seenAt = keys.flatMap((k, i) => (this.seen.has(k) ? [i] : []));
      const first = seenAt.length > 0 ? seenAt[0] : Infinity;
      const last = seenAt.length > 0 ? seenAt[seenAt.length - 1] : -Infinity;
      const reachesEnd = w.offset + w.rows.length >= freshTotal;
      keys.forEach((key, i) => {
        if (this.seen.has(key)) return;
        const below = i > first || w.offset === 0;
        const above = i < last || (shownToEnd && reachesEnd);
        if (below && above) arrivals.add(key);
      });
    }
    this.arrivalKeys = arrivals;
    this.freshTotal = freshTotal;
    this.shift = arrivals.size - this.goneKeys.size;
    return true;
  }

  /** Shows the view as it is now: nothing gone, nothing pending, the fresh total. */
  reset(): void {
    this.generation++;
    this.updated.clear();
    this.goneKeys.clear();
    this.arrivalKeys.clear();
    this.seen.clear();
    this.shift = 0;
    // Until the view's pages come again, the count known last.
    this.total = this.freshTotal;
    this.retotal = true;
  }
}

/** What the banner over a list says, or null when nothing waits. */
export function pendingLabel(arrivals: number, gone: number): string | null {
  if (arrivals > 0) return `${arrivals} new — show`;
  if (gone > 0) return `${gone} no longer in this view — refresh`;
  return null;
}

/** A fetch of `limit` rows of the view from `offset`. */
export type FetchRows<Row> = (offset: number, limit: number) => Promise<{ total: number; rows: Row[] }>;

/** A page cache's fetch that continues the rows shown (see `fetchOffset`) at the shown total. */
export function stableFetch<Row>(stable: StableList<Row>, fetch: FetchRows<Row>): FetchPage<Row> {
  return async (offset, limit) => {
    const page = await fetch(stable.fetchOffset(offset), limit);
    return { total: stable.loaded(page.rows, page.total), offset, rows: page.rows };
  };
}

/**
 * The view changed: the rows `cache` shows take their new content in place, those that left
 * are marked, arrivals are counted. Nothing shown yet (or only an error): the cache loads
 * afresh. Returns whether what is drawn changed.
 */
export async function bringUpToDate<Row>(stable: StableList<Row>, cache: PageCache<Row>, fetch: FetchRows<Row>): Promise<boolean> {
  const shown = cache.loadedRows();
  if (cache.total === null || shown.length === 0) {
    stable.reset();
    cache.invalidate();
    return false;
  }
  const token = stable.begin();
  let start = Infinity;
  let end = 0;
  for (const { index } of shown) {
    start = Math.min(start, index);
    end = Math.max(end, index + 1);
  }
  const windows = stable.freshWindows(start, end, cache.pageSize);
  const pages = await Promise.all(windows.map((w) => fetch(w.offset, w.limit)));
  const fresh = pages.map((p, i) => ({ offset: windows[i].offset, rows: p.rows }));
  return stable.merge(token, shown, fresh, pages[0].total);
}

/** The list as the view is now: arrivals in, rows that left out. */
export function showNow<Row>(stable: StableList<Row>, cache: PageCache<Row>): void {
  stable.reset();
  cache.invalidate();
}
