// The tickets picked for a bulk action (x, Ctrl/Shift+click, select all), kept while the
// teammate works in one view; the list draws them checked and the bulk bar acts on them.
import { MAX_BULK, type Picked } from './bulk';

export class TicketSelection {
  /** Picked tickets in the order picked, by id. */
  picked = $state.raw<ReadonlyMap<string, Picked>>(new Map());
  /** The list index a Shift+click extends from: the last row toggled. */
  anchor: number | null = null;

  get size(): number {
    return this.picked.size;
  }

  get ids(): string[] {
    return [...this.picked.keys()];
  }

  get rows(): Picked[] {
    return [...this.picked.values()];
  }

  has(id: string): boolean {
    return this.picked.has(id);
  }

  /** Picks or unpicks one row; it becomes the anchor of the next Shift+click. */
  toggle(row: Picked, index: number | null): void {
    const next = new Map(this.picked);
    if (next.has(row.id)) next.delete(row.id);
    else if (next.size < MAX_BULK) next.set(row.id, pick(row));
    this.picked = next;
    this.anchor = index;
  }

  /** Adds rows (a Shift+click range, select all), up to the bulk limit. Returns whether all fit. */
  add(rows: Picked[]): boolean {
    const next = new Map(this.picked);
    let fit = true;
    for (const row of rows) {
      if (next.has(row.id)) continue;
      if (next.size >= MAX_BULK) {
        fit = false;
        break;
      }
      next.set(row.id, pick(row));
    }
    this.picked = next;
    return fit;
  }

  /** Keeps only `ids` (after a bulk action: the tickets that refused it). */
  keep(ids: string[]): void {
    const keep = new Set(ids);
    this.picked = new Map([...this.picked].filter(([id]) => keep.has(id)));
  }

  clear(): void {
    if (this.picked.size > 0) this.picked = new Map();
    this.anchor = null;
  }
}

function pick(row: Picked): Picked {
  const { id, number, title, assignee_teammate, assignee_team } = row;
  return { id, number, title, assignee_teammate, assignee_team };
}
