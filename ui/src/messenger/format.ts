// Times, ticket numbers and names as the customer reads them.
import type { TicketAction } from './types';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "Just now", "5m ago", "3h ago", "Yesterday", "Mon", "12 Nov", "12 Nov 2024". */
export function relativeTime(at: number, now: number = Date.now(), locale?: string): string {
  const diff = now - at;
  if (diff < MINUTE) return 'Just now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m ago`;
  const then = new Date(at);
  const today = new Date(now);
  if (diff < DAY && sameDay(then, today)) return `${Math.floor(diff / HOUR)}h ago`;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (sameDay(then, yesterday)) return 'Yesterday';
  if (diff < 6 * DAY) return then.toLocaleDateString(locale, { weekday: 'short' });
  if (then.getFullYear() === today.getFullYear())
    return then.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
  return then.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** The full date and time, for a tooltip and a `<time>` element's title. */
export function fullTime(at: number, locale?: string): string {
  return new Date(at).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The ISO form for `<time datetime>`. */
export function isoTime(at: number): string {
  return new Date(at).toISOString();
}

/** "#123", or '' for a ticket without a number. */
export function ticketNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : `#${n}`;
}

/** The first name of a contact, for the greeting ("Ada Lovelace" → "Ada"); '' when unknown. */
export function firstName(name: string | null | undefined): string {
  const n = (name ?? '').trim();
  if (n === '') return '';
  return n.split(/\s+/)[0];
}

/** "Hi Ada 👋"-style greeting without the emoji: "Hi Ada", or "Hi there". */
export function greeting(name: string | null | undefined): string {
  const first = firstName(name);
  return first === '' ? 'Hi there' : `Hi ${first}`;
}

/** A one-line preview of a message body. */
export function preview(body: string, max = 80): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** What the customer can do from a ticket in the Tickets space (R8), as its link reads. */
export function actionText(action: TicketAction): string {
  switch (action) {
    case 'send_message':
      return 'Send us a message';
    case 'continue_conversation':
      return 'Continue the conversation';
    case 'view_closed_conversation':
      return 'View the conversation';
  }
}
