// What the conversations' list and pane show and offer: which views hold conversations, their
// counts in the sidebar, the status filter, snooze presets, and the channel a reply goes by.
// Nothing here decides what is allowed: the backend validates every mutation.
import type {
  Conversation,
  ConversationCounts,
  ConversationDetail,
  ConversationStatus,
  MessageChannel,
  View,
  Workspace,
} from './bindings';
import type { Millis } from './format';
import { viewName } from './labels';

/** What the middle column lists for a view that can hold both: one kind, or both in one list. */
export type ListKind = 'tickets' | 'conversations' | 'both';

/** Whether a view lists conversations as well as tickets: all, mine, unassigned, a team's. */
export function holdsConversations(view: View): boolean {
  return view.kind === 'all' || view.kind === 'mine' || view.kind === 'unassigned' || view.kind === 'team';
}

/** The open conversations of a view, as the sidebar counts them; null when unknown or when the
 *  view holds no conversation. */
export function conversationCount(view: View, counts: ConversationCounts | null): number | null {
  if (!counts) return null;
  switch (view.kind) {
    case 'all':
      return counts.all;
    case 'mine':
      return counts.mine;
    case 'unassigned':
      return counts.unassigned;
    case 'team':
      return counts.by_team[view.team_id] ?? 0;
    default:
      return null;
  }
}

export const STATUSES: readonly ConversationStatus[] = ['open', 'snoozed', 'closed', 'all'];

export const STATUS_LABEL: Record<ConversationStatus, string> = {
  open: 'Open',
  snoozed: 'Snoozed',
  closed: 'Closed',
  all: 'All',
};

/** Where a conversation stands at `now`. */
export function conversationState(c: Pick<Conversation, 'open' | 'snoozed_until'>, now: Millis): 'open' | 'snoozed' | 'closed' {
  if (!c.open) return 'closed';
  return c.snoozed_until != null && c.snoozed_until > now ? 'snoozed' : 'open';
}

/** The list's name: "Mine", "Billing", "All conversations". */
export function conversationListTitle(view: View, workspace: Pick<Workspace, 'states' | 'teams' | 'brands'> | null): string {
  return view.kind === 'all' ? 'All conversations' : viewName(view, workspace);
}

/** What an empty list says. */
export function emptyConversationsMessage(view: View, status: ConversationStatus): string {
  const which =
    view.kind === 'mine'
      ? 'assigned to you'
      : view.kind === 'unassigned'
        ? 'with no teammate or team'
        : view.kind === 'team'
          ? 'of this team'
          : '';
  const what = status === 'all' ? 'conversations' : `${STATUS_LABEL[status].toLowerCase()} conversations`;
  return `No ${what}${which ? ` ${which}` : ''}`;
}

const HOUR = 3_600_000;

/** The next 9:00 after `now`'s day, `days` days later (local time). */
function nineOClock(now: Millis, days: number): Millis {
  const d = new Date(now);
  d.setDate(d.getDate() + days);
  d.setHours(9, 0, 0, 0);
  return d.getTime();
}

/** Tomorrow at 9:00, local time. */
export function tomorrowAtNine(now: Millis): Millis {
  return nineOClock(now, 1);
}

/** Next Monday at 9:00, local time: a week on when today is Monday. */
export function nextMondayAtNine(now: Millis): Millis {
  const day = new Date(now).getDay(); // 0 Sunday … 6 Saturday
  const days = ((8 - day) % 7) || 7;
  return nineOClock(now, days);
}

export interface SnoozePreset {
  id: 'hour' | 'tomorrow' | 'monday';
  label: string;
  until: Millis;
}

/** The snooze menu's presets at `now`. */
export function snoozePresets(now: Millis): SnoozePreset[] {
  return [
    { id: 'hour', label: '1 hour', until: now + HOUR },
    { id: 'tomorrow', label: 'Tomorrow, 9:00', until: tomorrowAtNine(now) },
    { id: 'monday', label: 'Next Monday, 9:00', until: nextMondayAtNine(now) },
  ];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A time as an `<input type="datetime-local">` value (local time, to the minute). */
export function toDateTimeLocal(at: Millis): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An `<input type="datetime-local">` value as a time; null when blank or not a time. */
export function fromDateTimeLocal(value: string): Millis | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number);
  const at = new Date(y, mo - 1, d, h, mi, 0, 0);
  return Number.isNaN(at.getTime()) ? null : at.getTime();
}

/** "14:30" today, "tomorrow 9:00", "Mon 9:00" within a week, else "Mar 4, 9:00". */
export function wakeTime(at: Millis, now: Millis, locale?: string): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const dayStart = (t: Millis) => {
    const x = new Date(t);
    x.setHours(0, 0, 0, 0);
    return x.getTime();
  };
  const days = Math.round((dayStart(at) - dayStart(now)) / (24 * HOUR));
  if (days === 0) return time;
  if (days === 1) return `tomorrow ${time}`;
  if (days > 1 && days < 7) return `${d.toLocaleDateString(locale, { weekday: 'short' })} ${time}`;
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  const date = d.toLocaleDateString(locale, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
  return `${date}, ${time}`;
}

/** The channel a teammate's reply goes by: where the customer last wrote from, else where
 *  the conversation started. */
export function replyChannel(detail: Pick<ConversationDetail, 'conversation' | 'timeline'>): MessageChannel {
  for (let i = detail.timeline.length - 1; i >= 0; i--) {
    const e = detail.timeline[i];
    if (e.kind.kind === 'reply' && e.author.kind === 'contact' && e.channel) return e.channel;
  }
  return detail.conversation.channel ?? 'messenger';
}

export const CHANNEL_NAME: Record<MessageChannel, string> = {
  messenger: 'Messenger',
  email: 'Email',
};
