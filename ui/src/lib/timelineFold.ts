// The record of whom an action notified ("customers notified", a system part written with the
// action) is no news of its own: it is shown under the action it belongs to, not as a row.
import type { TimelineEntry } from './bindings';

export interface FoldedEntry {
  entry: TimelineEntry;
  /** The notification records that went with this entry's action. */
  notified: TimelineEntry[];
}

/**
 * Each "customers notified" entry joins the entry before it when both were made at the same
 * moment (one action); one with nothing to join (its action is older than what is loaded)
 * stays a row of its own.
 */
export function foldNotifications(entries: readonly TimelineEntry[]): FoldedEntry[] {
  const out: FoldedEntry[] = [];
  for (const entry of entries) {
    const previous = out.at(-1);
    if (
      entry.kind.kind === 'customers_notified' &&
      previous &&
      previous.entry.kind.kind !== 'customers_notified' &&
      previous.entry.created_at === entry.created_at
    ) {
      previous.notified.push(entry);
    } else {
      out.push({ entry, notified: [] });
    }
  }
  return out;
}
