// The list's filters: pure helpers for the filter bar (the backend applies them).
import type { Filters } from './bindings';

/** The filters as the list holds them: every group present (the backend defaults absent ones). */
export type ListFilters = Required<Filters>;

export function emptyFilters(): ListFilters {
  return { categories: [], states: [], brands: [], open: null, unread: false };
}

/** How many filters narrow the list (each group with a value counts once). */
export function activeCount(f: ListFilters): number {
  return [f.categories.length > 0, f.states.length > 0, f.brands.length > 0, f.open !== null, f.unread].filter(Boolean)
    .length;
}

/** `list` with `value` added, or removed if it was there. */
export function toggled<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** A stable string for a set of filters: the list remounts when it changes. */
export function filtersKey(f: ListFilters): string {
  const sorted = (xs: string[]) => [...xs].sort().join(',');
  return [sorted(f.categories), sorted(f.states), sorted(f.brands), String(f.open), String(f.unread)].join('|');
}
