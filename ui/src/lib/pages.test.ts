import { describe, expect, it } from 'vitest';
import { PageCache, type Page } from './pages';

interface Row {
  i: number;
}

/** A fake backend of `total` rows whose responses are released by hand. */
function backend(total: number) {
  const calls: { offset: number; limit: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const fetch = (offset: number, limit: number) =>
    new Promise<Page<Row>>((resolve, reject) => {
      calls.push({
        offset,
        limit,
        resolve: () => {
          const rows: Row[] = [];
          for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push({ i });
          resolve({ total, offset, rows });
        },
        reject,
      });
    });
  return { calls, fetch };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('PageCache', () => {
  it('fetches the wanted pages, caches them by offset and learns the total', async () => {
    const b = backend(250);
    let changes = 0;
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100 }, () => changes++);
    cache.want([0]);
    expect(b.calls.map((c) => [c.offset, c.limit])).toEqual([[0, 100]]);
    expect(cache.row(5)).toBeUndefined();
    expect(cache.total).toBeNull();
    b.calls[0].resolve();
    await flush();
    expect(cache.total).toBe(250);
    expect(cache.row(5)).toEqual({ i: 5 });
    expect(changes).toBe(1);
    // Already cached: wanting it again fetches nothing.
    cache.want([0]);
    expect(b.calls).toHaveLength(1);
    cache.want([200]);
    b.calls[1].resolve();
    await flush();
    expect(cache.row(249)).toEqual({ i: 249 });
    expect(cache.row(150)).toBeUndefined();
  });

  it('limits requests in flight and drops pages no longer wanted', async () => {
    const b = backend(100_000);
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100, maxInFlight: 2 });
    cache.want([0]);
    b.calls[0].resolve();
    await flush();
    // The user drags the scrollbar through the list: each position wants different pages.
    cache.want([1000, 1100]);
    cache.want([20_000, 20_100]);
    cache.want([50_000, 50_100]);
    expect(b.calls.map((c) => c.offset)).toEqual([0, 1000, 1100]);
    b.calls[1].resolve();
    b.calls[2].resolve();
    await flush();
    // The pages passed over are not fetched; the ones under the viewport now are.
    expect(b.calls.map((c) => c.offset)).toEqual([0, 1000, 1100, 50_000, 50_100]);
  });

  it('does not fetch a page twice while it is loading', () => {
    const b = backend(1000);
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100 });
    cache.want([0]);
    cache.want([0]);
    expect(b.calls).toHaveLength(1);
    expect(cache.isLoading(0)).toBe(true);
  });

  it('reports a failure as an ApiError and fetches again on retry', async () => {
    const b = backend(1000);
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100 });
    cache.want([0]);
    b.calls[0].reject({ code: 'db', message: 'The local database is busy' });
    await flush();
    expect(cache.error).toEqual({ code: 'db', message: 'The local database is busy' });
    cache.want([0]);
    expect(b.calls).toHaveLength(1);
    cache.retry();
    expect(b.calls).toHaveLength(2);
    b.calls[1].resolve();
    await flush();
    expect(cache.error).toBeNull();
    expect(cache.row(0)).toEqual({ i: 0 });
  });

  it('turns anything thrown into an ApiError', async () => {
    const b = backend(10);
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100 });
    cache.want([0]);
    b.calls[0].reject('boom');
    await flush();
    expect(cache.error).toEqual({ code: 'unexpected', message: 'boom' });
  });

  it('evicts the pages farthest from what is wanted', async () => {
    const b = backend(100_000);
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100, maxPages: 3, maxInFlight: 10 });
    for (const offset of [0, 100, 200, 5000]) {
      cache.want([offset]);
      b.calls[b.calls.length - 1].resolve();
      await flush();
    }
    expect(cache.loadedPageCount).toBe(3);
    expect(cache.isLoaded(5000)).toBe(true);
    expect(cache.isLoaded(0)).toBe(false);
    expect(cache.isLoaded(200)).toBe(true);
  });

  it('ignores responses after dispose', async () => {
    const b = backend(10);
    let changes = 0;
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100 }, () => changes++);
    cache.want([0]);
    cache.dispose();
    b.calls[0].resolve();
    await flush();
    expect(changes).toBe(0);
    expect(cache.row(0)).toBeUndefined();
  });

  it('finds the index of a loaded row', async () => {
    const b = backend(300);
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100, maxInFlight: 3 });
    cache.want([0, 200]);
    b.calls[0].resolve();
    b.calls[1].resolve();
    await flush();
    expect(cache.findIndex((r) => r.i === 234)).toBe(234);
    expect(cache.findIndex((r) => r.i === 150)).toBe(-1);
  });

  it('lists the loaded rows with their indexes', async () => {
    const b = backend(230);
    const cache = new PageCache<Row>(b.fetch, { pageSize: 100, maxInFlight: 3 });
    cache.want([200]);
    b.calls[0].resolve();
    await flush();
    expect(cache.loadedRows()).toEqual(Array.from({ length: 30 }, (_, i) => ({ index: 200 + i, row: { i: 200 + i } })));
  });
});

describe('PageCache.invalidate', () => {
  /** A backend whose rows carry the data version they were read at. */
  function versioned(total: { n: number }) {
    let version = 0;
    const calls: { offset: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
    const fetch = (offset: number, limit: number) =>
      new Promise<Page<{ i: number; v: number }>>((resolve, reject) => {
        const v = version;
        calls.push({
          offset,
          resolve: () => {
            const rows = [];
            for (let i = offset; i < Math.min(total.n, offset + limit); i++) rows.push({ i, v });
            resolve({ total: total.n, offset, rows });
          },
          reject,
        });
      });
    return { calls, fetch, bump: () => version++ };
  }

  it('refetches the wanted pages, keeping their old rows until the new ones arrive', async () => {
    const total = { n: 250 };
    const b = versioned(total);
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    cache.want([0, 100]);
    b.calls[0].resolve();
    b.calls[1].resolve();
    await flush();
    cache.want([200]);
    b.calls[2].resolve();
    await flush();
    cache.want([0, 100]);
    expect(b.calls).toHaveLength(3);

    b.bump();
    total.n = 240;
    cache.invalidate();
    // The two wanted pages are fetched again; the one scrolled away is forgotten.
    expect(b.calls.slice(3).map((c) => c.offset)).toEqual([0, 100]);
    expect(cache.row(5)).toEqual({ i: 5, v: 0 });
    expect(cache.isStale(0)).toBe(true);
    expect(cache.row(205)).toBeUndefined();
    expect(cache.total).toBe(250);

    b.calls[3].resolve();
    b.calls[4].resolve();
    await flush();
    expect(cache.row(5)).toEqual({ i: 5, v: 1 });
    expect(cache.row(105)).toEqual({ i: 105, v: 1 });
    expect(cache.isStale(0)).toBe(false);
    expect(cache.total).toBe(240);
  });

  it('ignores a response that was on its way when the data changed, and fetches again', async () => {
    const b = versioned({ n: 50 });
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    cache.want([0]);
    expect(b.calls).toHaveLength(1);
    b.bump();
    cache.invalidate();
    // Still one request for offset 0 in flight: no duplicate yet.
    expect(b.calls).toHaveLength(1);
    b.calls[0].resolve();
    await flush();
    expect(cache.row(0)).toBeUndefined();
    expect(b.calls).toHaveLength(2);
    b.calls[1].resolve();
    await flush();
    expect(cache.row(0)).toEqual({ i: 0, v: 1 });
  });

  it('forgets failures so a page that failed before is tried again', async () => {
    const b = versioned({ n: 50 });
    const cache = new PageCache(b.fetch, { pageSize: 100 });
    cache.want([0]);
    b.calls[0].reject({ code: 'storage', message: 'Busy' });
    await flush();
    expect(cache.error?.code).toBe('storage');
    cache.invalidate();
    expect(cache.error).toBeNull();
    expect(b.calls).toHaveLength(2);
  });

  it('reports the change so the list re-renders', () => {
    const b = versioned({ n: 50 });
    let changes = 0;
    const cache = new PageCache(b.fetch, { pageSize: 100 }, () => changes++);
    cache.invalidate();
    expect(changes).toBe(1);
    cache.dispose();
    cache.invalidate();
    expect(changes).toBe(1);
  });
});
