// The list's filters: pure helpers for the filter bar (the backend applies them).
import type { Filters } from './bindings';

/** The filters as the list holds them: every group present (the backend defaults absent ones). */
export type ListFilters = Required<Filters>;

export function emptyFilters(): ListFilters {
  return { categories: [], states: [], brands: [], open: null, snoozed: false, unread: false };
}

/** The status segment: everything, open (snoozed ones left out), snoozed, or closed. */
export type ListStatus = 'all' | 'open' | 'snoozed' | 'closed';

export const LIST_STATUSES: readonly { status: ListStatus; label: string }[] = [
  { status: 'all', label: 'All' },
  { status: 'open', label: 'Open' },
  { status: 'snoozed', label: 'Snoozed' },
  { status: 'closed', label: 'Closed' },
];

export function listStatus(f: Pick<ListFilters, 'open' | 'snoozed'>): ListStatus {
  if (f.snoozed) return 'snoozed';
  return f.open === null ? 'all' : f.open ? 'open' : 'closed';
}

/** The filters with the status segment set to `status` (the others kept). */
export function withStatus(f: ListFilters, status: ListStatus): ListFilters {
  const open = status === 'open' ? true : status === 'closed' ? false : null;
  return { ...f, open, snoozed: status === 'snoozed' };
}

/** How many filters narrow the list (each group with a value counts once). */
export function activeCount(f: ListFilters): number {
  return [f.categories.length > 0, f.states.length > 0, f.brands.length > 0, listStatus(f) !== 'all', f.unread].filter(
    Boolean,
  ).length;
}

/** `list` with `value` added, or removed if it was there. */
export function toggled<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** A stable string for a set of filters: the list remounts when it changes. */
export function filtersKey(f: ListFilters): string {
  const sorted = (xs: string[]) => [...xs].sort().join(',');
  return [sorted(f.categories), sorted(f.states), sorted(f.brands), listStatus(f), String(f.unread)].join('|');
}
