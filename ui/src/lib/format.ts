// Formatting of times, numbers and attribute values for display.
import type { AttributeDef, AttributeValue } from './bindings';

/** A point in time: milliseconds since the Unix epoch, as every time from the backend is. */
export type Millis = number;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * Compact relative time for dense lists: "now", "5m", "3h", "2d"; older than a week a short
 * date ("Mar 4"), with the year when it is not the current one ("Mar 4, 2023").
 */
export function relativeTime(at: Millis, now: Millis, locale?: string): string {
  const diff = now - at;
  if (diff < MINUTE) return 'now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)}h`;
  if (diff < 7 * DAY) return `${Math.floor(diff / DAY)}d`;
  return shortDate(at, now, locale);
}

/** "Mar 4", or "Mar 4, 2023" when not in the year of `now`. */
export function shortDate(at: Millis, now: Millis, locale?: string): string {
  const d = new Date(at);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString(locale, {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** A timestamp for the timeline: "14:05" today, "Mar 4, 14:05" this year, else with the year. */
export function timelineTime(at: Millis, now: Millis, locale?: string): string {
  const d = new Date(at);
  const n = new Date(now);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (sameDay(d, n)) return time;
  return `${shortDate(at, now, locale)}, ${time}`;
}

/** Date and time, the year only when it is not the current one: "Mar 4, 14:05". */
export function dateTime(at: Millis, now: Millis, locale?: string): string {
  const d = new Date(at);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleString(locale, {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The full date and time, for tooltips. */
export function fullDateTime(at: Millis, locale?: string): string {
  return new Date(at).toLocaleString(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

const countFormats = new Map<string, Intl.NumberFormat>();

/** A count in the locale's grouping: "100,000" (en), "100.000" (de), "100 000" (fr); the
 *  window's own locale unless one is given. */
export function formatCount(n: number, locale?: string): string {
  const key = locale ?? '';
  let format = countFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    countFormats.set(key, format);
  }
  return format.format(n);
}

/** "#123", or "New" for a ticket that has no number yet (created offline, not yet synced). */
export function ticketNumber(n: number | null): string {
  return n === null ? 'New' : `#${n}`;
}

/** Up to two initials of a name, for avatars. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = [...parts[0]][0] ?? '';
  const last = parts.length > 1 ? ([...parts[parts.length - 1]][0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** An attribute value as text, "—" when empty. `def` refines booleans and dates. */
export function formatAttributeValue(
  value: AttributeValue | null | undefined,
  def?: Pick<AttributeDef, 'data_type'>,
  locale?: string,
): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (def?.data_type.kind === 'date') {
    // A bare "YYYY-MM-DD" is a calendar date: show that day whatever the local time zone.
    const calendarDay = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    const ms = typeof value === 'number' ? value : Date.parse(value);
    if (Number.isFinite(ms)) {
      return new Date(ms).toLocaleDateString(locale, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        ...(calendarDay ? { timeZone: 'UTC' } : {}),
      });
    }
  }
  if (typeof value === 'number') return value.toLocaleString(locale, { maximumFractionDigits: 6 });
  return value;
}
