// A cache of list pages keyed by offset, fetched lazily as the list scrolls. Plain TS: the list
// component tells it which pages it wants (most urgent first) and re-renders on `onChange`.
import type { ApiError } from './bindings';
import { asApiError } from './errors';

export interface Page<Row> {
  total: number;
  offset: number;
  rows: Row[];
}

export type FetchPage<Row> = (offset: number, limit: number) => Promise<Page<Row>>;

export interface PageCacheOptions {
  /** Rows per page; offsets are multiples of it. */
  pageSize: number;
  /** How many pages may be loading at once; the rest wait and are dropped if no longer wanted. */
  maxInFlight?: number;
  /** How many pages to keep; the ones farthest from what is wanted are evicted first. */
  maxPages?: number;
}

export class PageCache<Row> {
  readonly pageSize: number;
  private readonly maxInFlight: number;
  private readonly maxPages: number;
  private readonly pages = new Map<number, Row[]>();
  private readonly inFlight = new Set<number>();
  private readonly failed = new Map<number, ApiError>();
  /** Pages still shown but known to be out of date: refetched when wanted, dropped otherwise. */
  private readonly stale = new Set<number>();
  /** Bumped by `invalidate`; a response started under an older generation is ignored. */
  private generation = 0;
  private wanted: number[] = [0];
  private disposed = false;
  /** The view's total row count, known once any page has loaded. */
  total: number | null = null;

  constructor(
    private readonly fetchPage: FetchPage<Row>,
    options: PageCacheOptions,
    private readonly onChange: () => void = () => {},
  ) {
    this.pageSize = options.pageSize;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.maxPages = Math.max(1, options.maxPages ?? 50);
  }

  /** The page offset holding row `index`. */
  pageOf(index: number): number {
    return Math.floor(index / this.pageSize) * this.pageSize;
  }

  /** The row at `index`, or undefined while its page is not loaded. */
  row(index: number): Row | undefined {
    const offset = this.pageOf(index);
    return this.pages.get(offset)?.[index - offset];
  }

  /** Finds a loaded row; returns its index or -1. */
  findIndex(predicate: (row: Row) => boolean): number {
    for (const [offset, rows] of this.pages) {
      const i = rows.findIndex(predicate);
      if (i >= 0) return offset + i;
    }
    return -1;
  }

  /** Every loaded row with its index. */
  loadedRows(): { index: number; row: Row }[] {
    const out: { index: number; row: Row }[] = [];
    for (const [offset, rows] of this.pages) rows.forEach((row, i) => out.push({ index: offset + i, row }));
    return out;
  }

  isLoaded(offset: number): boolean {
    return this.pages.has(offset);
  }

  isLoading(offset: number): boolean {
    return this.inFlight.has(offset);
  }

  /** The first error among the pages still wanted, if any. */
  get error(): ApiError | null {
    for (const offset of this.wanted) {
      const e = this.failed.get(offset);
      if (e) return e;
    }
    return null;
  }

  get loadedPageCount(): number {
    return this.pages.size;
  }

  /** Declares which pages are needed now, most urgent first, and starts fetching them. */
  want(offsets: number[]): void {
    this.wanted = offsets;
    this.pump();
  }

  /** Forgets failures so the wanted pages are fetched again. */
  retry(): void {
    this.failed.clear();
    this.pump();
    this.onChange();
  }

  /**
   * The data changed (a mutation moved rows): refetches the pages wanted now, keeping their old
   * rows on screen until the new ones arrive so the list neither flickers nor loses its scroll
   * position, and forgets every other page. Responses already on their way are ignored.
   */
  invalidate(): void {
    if (this.disposed) return;
    this.generation++;
    const keep = new Set(this.wanted);
    for (const offset of [...this.pages.keys()]) {
      if (keep.has(offset)) this.stale.add(offset);
      else this.pages.delete(offset);
    }
    this.failed.clear();
    this.pump();
    this.onChange();
  }

  /** Whether the page at `offset` is shown from before the last `invalidate`. */
  isStale(offset: number): boolean {
    return this.stale.has(offset);
  }

  /** Stops reporting; responses still on their way are ignored. */
  dispose(): void {
    this.disposed = true;
  }

  private pump(): void {
    if (this.disposed) return;
    for (const offset of this.wanted) {
      if (this.inFlight.size >= this.maxInFlight) break;
      const fresh = this.pages.has(offset) && !this.stale.has(offset);
      if (fresh || this.inFlight.has(offset) || this.failed.has(offset)) continue;
      if (this.total !== null && offset >= this.total && offset !== 0) continue;
      this.start(offset);
    }
  }

  private start(offset: number): void {
    const generation = this.generation;
    this.inFlight.add(offset);
    this.fetchPage(offset, this.pageSize).then(
      (page) => {
        if (this.disposed) return;
        this.inFlight.delete(offset);
        if (generation !== this.generation) {
          // Fetched before the data changed: fetch it again if it is still wanted.
          this.pump();
          return;
        }
        this.pages.set(offset, page.rows);
        this.stale.delete(offset);
        this.total = page.total;
        this.evict();
        this.onChange();
        this.pump();
      },
      (e: unknown) => {
        if (this.disposed) return;
        this.inFlight.delete(offset);
        if (generation !== this.generation) {
          this.pump();
          return;
        }
        this.failed.set(offset, asApiError(e));
        this.onChange();
        this.pump();
      },
    );
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    const keep = new Set(this.wanted);
    const anchor = this.wanted.length > 0 ? this.wanted[0] : 0;
    const candidates = [...this.pages.keys()]
      .filter((offset) => !keep.has(offset))
      .sort((a, b) => Math.abs(b - anchor) - Math.abs(a - anchor));
    for (const offset of candidates) {
      if (this.pages.size <= this.maxPages) break;
      this.pages.delete(offset);
      this.stale.delete(offset);
    }
  }
}
