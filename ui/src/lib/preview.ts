// Wording of the notification preview: channel names, when the email goes out, the summary line.
// What is sent is the backend's call (`commands.previewMutation`); this only puts it into words.
import type { Delivery, EmailDue, NotificationChannel, Preview } from './bindings';
import { formatCount, type Millis } from './format';

/** How many deliveries are shown in full; the rest are listed by name, collapsed. */
export const PREVIEW_FULL_LIMIT = 20;

export const CHANNEL_LABELS: Record<NotificationChannel, string> = {
  messenger_badge: 'Messenger badge',
  recent_tickets: 'Recent tickets',
  tickets_space_badge: 'Tickets space badge',
  messages_space_badge: 'Messages space badge',
  thread_event: 'Messenger thread event',
  email: 'Email',
};

/** A hint shown on hover, for the channels whose delivery has a condition. */
export const CHANNEL_HINTS: Partial<Record<NotificationChannel, string>> = {
  messenger_badge: 'Shown if the Messenger is collapsed',
};

export function channelLabel(channel: NotificationChannel): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

/** "in 3 min", "in 1 h 5 min", "in less than a minute". */
export function inDuration(ms: number): string {
  if (ms < 60_000) return 'in less than a minute';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `in ${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `in ${h} h` : `in ${h} h ${m} min`;
}

/** When the email goes out: "at once" or "in 3 min unless they see it in the Messenger". */
export function emailWhen(due: EmailDue, now: Millis): string {
  if (due.when === 'now' || due.at <= now) return due.when === 'now' ? 'at once' : 'at once unless they have seen it';
  return `${inDuration(due.at - now)} unless they see it in the Messenger`;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Distinct customers among the deliveries. */
export function customerCount(deliveries: Delivery[]): number {
  return new Set(deliveries.map((d) => d.contact.id)).size;
}

/**
 * "2 customers will be notified"; for a tracker "Moves 12 linked tickets — 9 customers will be
 * notified", or, when some of its `linked` tickets are in that state already (they do not move),
 * "Moves 4 of its 7 linked tickets (3 are in that state already) — …"; "Internal: no customer is
 * notified." when nobody is.
 */
export function summaryText(preview: Preview, tracker: boolean, linked?: number | null): string {
  const customers = customerCount(preview.deliveries);
  const notified =
    customers === 0
      ? 'no customer is notified'
      : `${plural(customers, 'customer', 'customers')} will be notified`;
  if (tracker) return `${movesText(preview.tickets_affected, linked)} — ${notified}`;
  return customers === 0 ? 'Internal: no customer is notified.' : notified;
}

/** What a tracker's state change moves: its linked tickets, those already in the state staying. */
export function movesText(moved: number, linked?: number | null): string {
  if (linked == null || linked <= moved) return `Moves ${plural(moved, 'linked ticket', 'linked tickets')}`;
  const staying = linked - moved;
  return `Moves ${formatCount(moved)} of its ${plural(linked, 'linked ticket', 'linked tickets')} (${formatCount(staying)} ${
    staying === 1 ? 'is' : 'are'
  } in that state already)`;
}

/** "and 9,980 more customers". */
export function moreText(count: number): string {
  return `and ${plural(count, 'more customer', 'more customers')}`;
}

/** Minutes in the settings input ↔ milliseconds in the backend. */
export function delayMinutes(ms: number): number {
  return Math.round(ms / 60_000);
}
