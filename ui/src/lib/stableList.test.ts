import { describe, expect, it } from 'vitest';
import { PageCache } from './pages';
import { MARGIN, MAX_FETCH, StableList, bringUpToDate, pendingLabel, showNow, stableFetch } from './stableList';

interface Row {
  id: string;
  v: number;
}

const row = (id: string, v = 0): Row => ({ id, v });
const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => row(`t${from + i}`));

/** A list shown from `view` (one page), with the view then changed to `now`: the merge's result. */
function shownThenChanged(view: Row[], now: Row[]) {
  const list = new StableList<Row>((r) => r.id);
  list.loaded(view, view.length);
  const windows = list.freshWindows(0, view.length, 100);
  const fresh = windows.map((w) => ({ offset: w.offset, rows: now.slice(w.offset, w.offset + w.limit) }));
  const merged = list.merge(
    list.begin(),
    view.map((r, index) => ({ index, row: r })),
    fresh,
    now.length,
  );
  return { list, merged };
}

describe('StableList', () => {
  it('keeps a row in its place when activity moves it to the top, with its new content', () => {
    const view = ids(5);
    const now = [row('t2', 1), row('t0'), row('t1'), row('t3'), row('t4')];
    const { list, merged } = shownThenChanged(view, now);
    expect(merged).toBe(true);
    // The shown order is the cache's; the list only overlays content.
    expect(view.map((r) => list.shown(r))).toEqual([
      { row: row('t0'), gone: false },
      { row: row('t1'), gone: false },
      { row: row('t2', 1), gone: false },
      { row: row('t3'), gone: false },
      { row: row('t4'), gone: false },
    ]);
    expect(list.pending).toBe(false);
    expect(list.total).toBe(5);
    expect(pendingLabel(list.arrivals, list.gone)).toBeNull();
  });

  it('keeps a row that left the view, marked gone, and fetches later pages one place up', () => {
    const view = ids(5);
    const now = [row('t1'), row('t2'), row('t3'), row('t4')];
    const { list } = shownThenChanged(view, now);
    expect(list.shown(view[0])).toEqual({ row: view[0], gone: true });
    expect(list.shown(view[1]).gone).toBe(false);
    expect(list.gone).toBe(1);
    expect(list.total).toBe(5);
    expect(list.freshTotal).toBe(4);
    expect(list.shift).toBe(-1);
    expect(list.fetchOffset(100)).toBe(99);
    expect(pendingLabel(list.arrivals, list.gone)).toBe('1 no longer in this view — refresh');
  });

  it('counts new arrivals without showing them, and the next pages continue after them', () => {
    const view = ids(5);
    const now = [row('n1'), row('n2'), row('n3'), ...view];
    const { list } = shownThenChanged(view, now);
    expect(list.arrivals).toBe(3);
    expect(list.gone).toBe(0);
    expect(list.total).toBe(5);
    expect(list.fetchOffset(100)).toBe(103);
    expect(pendingLabel(list.arrivals, list.gone)).toBe('3 new — show');
  });

  it('applies everything on reset: the fresh total, no overlay, nothing pending', () => {
    const view = ids(5);
    const now = [row('n1'), row('t2', 7), row('t0'), row('t1'), row('t3')];
    const { list } = shownThenChanged(view, now);
    expect(list.arrivals).toBe(1);
    expect(list.gone).toBe(1);
    list.reset();
    expect(list.total).toBe(5);
    expect(list.pending).toBe(false);
    expect(list.shift).toBe(0);
    expect(list.shown(row('t2'))).toEqual({ row: row('t2'), gone: false });
    // After the reset the view's rows are shown again: none is an arrival.
    list.loaded(now, now.length);
    const token = list.begin();
    list.merge(
      token,
      now.map((r, index) => ({ index, row: r })),
      [{ offset: 0, rows: now }],
      now.length,
    );
    expect(list.pending).toBe(false);
  });

  it('a page loaded after a merge brings newer content than the merge did', () => {
    const view = ids(3);
    const { list } = shownThenChanged(view, [row('t0', 1), row('t1'), row('t2')]);
    expect(list.shown(view[0]).row.v).toBe(1);
    list.loaded([row('t0', 2)], 3);
    expect(list.shown(view[0]).row.v).toBe(0);
  });

  it('does not call a row gone where the view was not looked at', () => {
    const list = new StableList<Row>((r) => r.id);
    const shown = ids(1000);
    list.loaded(shown, 1000);
    // Only the top was fetched: rows 0..99 are judged, 900 is not.
    const fresh = [{ offset: 0, rows: ids(100, 1) }];
    list.merge(
      list.begin(),
      [
        { index: 0, row: shown[0] },
        { index: 900, row: shown[900] },
      ],
      fresh,
      999,
    );
    expect(list.shown(shown[0]).gone).toBe(true);
    expect(list.shown(shown[900]).gone).toBe(false);
  });

  it('finds a row pushed down past the shown range by arrivals', () => {
    const view = ids(10);
    const now = [row('n1'), row('n2'), ...view];
    const { list } = shownThenChanged(view, now);
    expect(list.gone).toBe(0);
    expect(list.arrivals).toBe(2);
  });

  it('does not count the rows past the loaded pages as arrivals', () => {
    const list = new StableList<Row>((r) => r.id);
    const all = ids(300);
    list.loaded(all.slice(0, 100), 300);
    const shown = all.slice(0, 100).map((r, index) => ({ index, row: r }));
    const [w] = list.freshWindows(0, 100, 100);
    const now = [row('n1'), ...all];
    list.merge(list.begin(), shown, [{ offset: w.offset, rows: now.slice(w.offset, w.offset + w.limit) }], 301);
    expect(list.arrivals).toBe(1);
    expect(list.gone).toBe(0);
  });

  it('counts an arrival at the end of a list shown to its end, and one between shown rows', () => {
    const view = ids(4);
    const { list } = shownThenChanged(view, [row('t0'), row('n1'), row('t1'), row('t2'), row('t3'), row('n2')]);
    expect(list.arrivals).toBe(2);
  });

  it('ignores a refresh overtaken by a later one', () => {
    const list = new StableList<Row>((r) => r.id);
    const view = ids(3);
    list.loaded(view, 3);
    const shown = view.map((r, index) => ({ index, row: r }));
    const fresh = [{ offset: 0, rows: [row('n'), ...view] }];
    const first = list.begin();
    const second = list.begin();
    expect(list.merge(first, shown, fresh, 4)).toBe(false);
    expect(list.arrivals).toBe(0);
    expect(list.merge(second, shown, fresh, 4)).toBe(true);
    expect(list.arrivals).toBe(1);
  });

  it('asks for the top and the shown rows with a margin, in fetches the store allows', () => {
    const list = new StableList<Row>((r) => r.id);
    expect(list.freshWindows(0, 120, 100)).toEqual([{ offset: 0, limit: 120 + MARGIN }]);
    expect(list.freshWindows(2000, 2200, 100)).toEqual([
      { offset: 0, limit: 100 },
      { offset: 2000 - MARGIN, limit: 200 + 2 * MARGIN },
    ]);
    expect(list.freshWindows(0, 1000, 100)).toEqual([
      { offset: 0, limit: MAX_FETCH },
      { offset: MAX_FETCH, limit: MAX_FETCH },
      { offset: 2 * MAX_FETCH, limit: MARGIN },
    ]);
  });
});

describe('bringUpToDate and showNow', () => {
  /** A view whose rows can be changed between fetches. */
  function view(initial: Row[]) {
    let rows = initial;
    const fetch = async (offset: number, limit: number) => ({ total: rows.length, rows: rows.slice(offset, offset + limit) });
    return { fetch, set: (next: Row[]) => (rows = next) };
  }
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('holds the shown rows through a change, and shows the view as it is on showNow', async () => {
    const v = view(ids(4));
    const stable = new StableList<Row>((r) => r.id);
    const cache = new PageCache<Row>(stableFetch(stable, v.fetch), { pageSize: 100 });
    cache.want([0]);
    await flush();
    expect(cache.total).toBe(4);
    // t2 gets activity (to the top), t0 leaves, n1 arrives.
    v.set([row('n1'), row('t2', 1), row('t1'), row('t3')]);
    expect(await bringUpToDate(stable, cache, v.fetch)).toBe(true);
    const drawn = [0, 1, 2, 3].map((i) => stable.shown(cache.row(i)!));
    expect(drawn.map((d) => [d.row.id, d.row.v, d.gone])).toEqual([
      ['t0', 0, true],
      ['t1', 0, false],
      ['t2', 1, false],
      ['t3', 0, false],
    ]);
    expect([stable.arrivals, stable.gone]).toEqual([1, 1]);
    showNow(stable, cache);
    await flush();
    expect([0, 1, 2, 3].map((i) => cache.row(i)!.id)).toEqual(['n1', 't2', 't1', 't3']);
    expect(stable.pending).toBe(false);
    expect(cache.total).toBe(4);
  });

  it('loads afresh when nothing was shown yet', async () => {
    const v = view([]);
    const stable = new StableList<Row>((r) => r.id);
    const cache = new PageCache<Row>(stableFetch(stable, v.fetch), { pageSize: 100 });
    cache.want([0]);
    await flush();
    expect(cache.total).toBe(0);
    v.set([row('n1')]);
    await bringUpToDate(stable, cache, v.fetch);
    await flush();
    expect(cache.total).toBe(1);
    expect(cache.row(0)?.id).toBe('n1');
  });
});
