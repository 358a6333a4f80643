// Webhooks in Settings: pure helpers for how endpoints, topics and deliveries read. The server
// checks every change; these only decide what the admin sees.
import type { Webhook, WebhookDelivery } from './bindings';
import { formatCount, type Millis } from './format';

export type WebhookStatusKind = 'active' | 'off' | 'paused';

export interface WebhookStatus {
  kind: WebhookStatusKind;
  label: string;
  /** Why it is paused, or that the current event keeps failing; null when all is well. */
  detail: string | null;
}

/** Active, Off (an admin turned it off) or Paused (the server gave up after failures). */
export function webhookStatus(w: Pick<Webhook, 'active' | 'paused_reason' | 'failures'>): WebhookStatus {
  if (!w.active && w.paused_reason) return { kind: 'paused', label: 'Paused', detail: sentence(w.paused_reason) };
  if (!w.active) return { kind: 'off', label: 'Off', detail: null };
  const detail = w.failures > 0 ? `${failuresLabel(w.failures)} in a row; retrying with growing pauses` : null;
  return { kind: 'active', label: 'Active', detail };
}

/** The server's reasons are phrases ("paused after 10 failed deliveries…"); shown alone,
 *  they read as sentences. */
function sentence(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function failuresLabel(n: number): string {
  return n === 1 ? '1 failure' : `${formatCount(n)} failures`;
}

/** What each topic means, in the app's words; the topic's own name is shown beside it. */
const TOPIC_LABELS: Record<string, string> = {
  'ticket.created': 'Ticket created',
  'ticket.state.updated': 'State changed',
  'ticket.closed': 'Ticket closed',
  'ticket.reopened': 'Ticket reopened',
  'ticket.admin.assigned': 'Assigned to a teammate',
  'ticket.team.assigned': 'Assigned to a team',
  'ticket.contact.replied': 'Customer replied',
  'ticket.admin.replied': 'Teammate replied',
  'ticket.note.created': 'Note added',
};

export function topicLabel(topic: string): string {
  return TOPIC_LABELS[topic] ?? topic;
}

const GROUPS: { label: string; topics: string[] }[] = [
  { label: 'Tickets', topics: ['ticket.created', 'ticket.state.updated', 'ticket.closed', 'ticket.reopened'] },
  { label: 'Assignment', topics: ['ticket.admin.assigned', 'ticket.team.assigned'] },
  { label: 'Conversation', topics: ['ticket.contact.replied', 'ticket.admin.replied', 'ticket.note.created'] },
];

export interface TopicGroup {
  label: string;
  topics: string[];
}

/**
 * The server's topics in groups for the checkboxes. Only topics the server offers appear, so a
 * newer server's topics still show (under "Other") and an older one's missing ones do not.
 */
export function topicGroups(offered: string[]): TopicGroup[] {
  const groups = GROUPS.map((g) => ({ label: g.label, topics: g.topics.filter((t) => offered.includes(t)) }));
  const known = new Set(GROUPS.flatMap((g) => g.topics));
  groups.push({ label: 'Other', topics: offered.filter((t) => !known.has(t)) });
  return groups.filter((g) => g.topics.length > 0);
}

/** `topics` with `topic` on or off, in the server's order (so a saved list reads the same). */
export function withTopic(topics: string[], topic: string, on: boolean, offered: string[]): string[] {
  const chosen = new Set(topics);
  if (on) chosen.add(topic);
  else chosen.delete(topic);
  const ordered = offered.filter((t) => chosen.has(t));
  // Topics the server no longer offers stay, for the server to refuse with its reason.
  return [...ordered, ...topics.filter((t) => chosen.has(t) && !offered.includes(t))];
}

export function sameTopics(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}

export interface DeliveryOutcome {
  ok: boolean;
  /** The receiver's status ("200", "500"), or why no answer came. */
  text: string;
  /** The server's full account of a failure, for a tooltip; null when there is nothing more. */
  detail: string | null;
}

export function deliveryOutcome(d: Pick<WebhookDelivery, 'status' | 'error'>): DeliveryOutcome {
  if (d.status !== null) {
    const ok = d.status >= 200 && d.status < 300 && !d.error;
    return { ok, text: String(d.status), detail: d.error ? sentence(d.error) : null };
  }
  const error = d.error?.trim();
  return { ok: false, text: error ? sentence(error) : 'No answer', detail: null };
}

/** A delivery's time to the second (attempts come seconds apart): "14:05:09", or with the
 *  date when not today. */
export function deliveryTime(at: Millis, now: Millis, locale?: string): string {
  const d = new Date(at);
  const n = new Date(now);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const today = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  if (today) return time;
  return `${d.toLocaleDateString(locale, { month: 'short', day: 'numeric' })}, ${time}`;
}

/** Whether a typed URL is worth sending: the server has the last word on what it accepts. */
export function plausibleUrl(url: string): boolean {
  return /^https?:\/\/[^\s/]/i.test(url.trim());
}
