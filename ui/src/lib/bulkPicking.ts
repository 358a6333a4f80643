// Picking a list's tickets for a bulk action, the same way in every list that offers it: a
// Ctrl+click toggles one row, a Shift+click adds the rows from the last one toggled, Ctrl+A
// takes the whole view (up to the bulk limit). Lists holding conversations too pick their
// tickets only.
import { indexRange, MAX_BULK, type Picked } from './bulk';
import type { TicketSelection } from './selection.svelte';

/** How a list gives its rows: as shown at an index (undefined when not loaded), fetched by
 *  offset, and the ticket a row is (null for a conversation). */
export interface PickSource<R> {
  shown: (index: number) => R | undefined;
  fetch: (offset: number, limit: number) => Promise<R[]>;
  ticket: (row: R) => Picked | null;
}

/** The tickets at `indices`, in order, fetching runs of rows that are not loaded. */
export async function ticketsAt<R>(source: PickSource<R>, indices: number[]): Promise<Picked[]> {
  const rows: R[] = [];
  let missing: number[] = [];
  const fetchMissing = async () => {
    if (missing.length === 0) return;
    rows.push(...(await source.fetch(missing[0], missing.length)));
    missing = [];
  };
  for (const i of indices) {
    const row = source.shown(i);
    if (row) {
      await fetchMissing();
      rows.push(row);
    } else {
      missing.push(i);
    }
  }
  await fetchMissing();
  return rows.map(source.ticket).filter((t): t is Picked => t !== null);
}

/** A click with Ctrl (toggle one) or Shift (from the anchor to this row): returns whether it
 *  picked (else the click opens the row as usual). */
export async function pickByClick<R>(
  selection: TicketSelection,
  source: PickSource<R>,
  e: MouseEvent,
  index: number,
  row: R,
): Promise<boolean> {
  if (!(e.ctrlKey || e.metaKey || e.shiftKey)) return false;
  e.preventDefault();
  if (e.shiftKey && selection.anchor !== null) {
    selection.add(await ticketsAt(source, indexRange(selection.anchor, index)));
    return true;
  }
  const ticket = source.ticket(row);
  if (ticket) selection.toggle(ticket, index);
  return true;
}

/** Picks every ticket of the view (its `total` rows), up to the bulk limit. Resolves with how
 *  many are picked. */
export async function pickAll<R>(selection: TicketSelection, source: PickSource<R>, total: number): Promise<number> {
  for (let offset = 0; offset < total && selection.size < MAX_BULK; offset += 500) {
    const rows = await source.fetch(offset, Math.min(500, total - offset));
    selection.add(rows.map(source.ticket).filter((t): t is Picked => t !== null));
  }
  return selection.size;
}
