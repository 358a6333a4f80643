// Names shown to teammates: categories, views, states, and the one-line text of timeline events.
import type {
  AttributeValue,
  Category,
  PartKind,
  StateCategory,
  Teammate,
  TicketType,
  TimelineEntry,
  View,
  ViewCounts,
  Workspace,
} from './bindings';
import { channelLabel } from './preview';
import { dateTime, formatAttributeValue } from './format';

export const CATEGORIES: readonly Category[] = ['customer', 'back_office', 'tracker'];

export const CATEGORY_LABEL: Record<Category, string> = {
  customer: 'Customer',
  back_office: 'Back-office',
  tracker: 'Tracker',
};

export const STATE_CATEGORY_LABEL: Record<StateCategory, string> = {
  submitted: 'Submitted',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
};

export const STATE_CATEGORY_ORDER: Record<StateCategory, number> = {
  submitted: 0,
  in_progress: 1,
  waiting_on_customer: 2,
  resolved: 3,
};

export function categoryLabel(category: Category): string {
  return CATEGORY_LABEL[category] ?? category;
}

/** A stable string for a view: used as a key and in test ids ("all", "category-customer"). */
export function viewKey(view: View): string {
  switch (view.kind) {
    case 'all':
    case 'mine':
    case 'unassigned':
      return view.kind;
    case 'category':
      return `category-${view.category}`;
    case 'state':
      return `state-${view.state_id}`;
    case 'team':
      return `team-${view.team_id}`;
    case 'brand':
      return `brand-${view.brand_id}`;
    case 'contact':
      return `contact-${view.contact_id}`;
    case 'company':
      return `company-${view.company_id}`;
  }
}

export function sameView(a: View, b: View): boolean {
  return viewKey(a) === viewKey(b);
}

/** The view's name as the sidebar and the list header show it. */
export function viewName(view: View, workspace: Pick<Workspace, 'states' | 'teams' | 'brands'> | null): string {
  switch (view.kind) {
    case 'all':
      return 'All';
    case 'mine':
      return 'Mine';
    case 'unassigned':
      return 'Unassigned';
    case 'category':
      return categoryLabel(view.category);
    case 'state':
      return stateLabel(workspace, view.state_id);
    case 'team':
      return teamName(workspace, view.team_id);
    case 'brand':
      return workspace?.brands.find((b) => b.id === view.brand_id)?.name ?? 'Brand';
    case 'contact':
    case 'company':
      return 'Tickets';
  }
}

/** What the empty list says: what would appear in this view. */
export function emptyViewMessage(view: View, workspace: Pick<Workspace, 'states' | 'teams' | 'brands'> | null): string {
  switch (view.kind) {
    case 'all':
      return 'every ticket in the workspace will appear here.';
    case 'mine':
      return 'tickets assigned to you will appear here.';
    case 'unassigned':
      return 'tickets with no teammate or team assigned will appear here.';
    case 'category':
      return `${categoryLabel(view.category)} tickets will appear here.`;
    case 'state':
      return `tickets in “${stateLabel(workspace, view.state_id)}” will appear here.`;
    case 'team':
      return `tickets assigned to ${viewName(view, workspace)} will appear here.`;
    case 'brand':
      return `${viewName(view, workspace)} tickets will appear here.`;
    case 'contact':
      return 'tickets this person is on will appear here.';
    case 'company':
      return "tickets of this company and its people will appear here.";
  }
}

/** The count the sidebar shows for a view, or null while counts are unknown. */
export function viewCount(view: View, counts: ViewCounts | null): number | null {
  if (!counts) return null;
  switch (view.kind) {
    case 'all':
      return counts.all;
    case 'mine':
      return counts.mine;
    case 'unassigned':
      return counts.unassigned;
    case 'category':
      return counts.by_category[view.category] ?? 0;
    case 'state':
      return counts.by_state[view.state_id] ?? 0;
    case 'team':
      return counts.by_team[view.team_id] ?? 0;
    case 'brand':
      return counts.by_brand[view.brand_id] ?? 0;
    case 'contact':
    case 'company':
      return null;
  }
}

/** A state's internal label, or a neutral placeholder when the id is unknown. */
export function stateLabel(workspace: Pick<Workspace, 'states'> | null, stateId: string): string {
  return workspace?.states.find((s) => s.id === stateId)?.internal_label ?? 'Unknown state';
}

export function stateCategoryOf(workspace: Pick<Workspace, 'states'> | null, stateId: string): StateCategory | null {
  return workspace?.states.find((s) => s.id === stateId)?.category ?? null;
}

/**
 * The states the sidebar lists: the workspace order, grouped by state category; archived states
 * only while tickets still use them.
 */
export function sidebarStates(workspace: Pick<Workspace, 'states'>, counts: ViewCounts | null) {
  return workspace.states
    .map((state, i) => ({ state, i }))
    .filter(({ state }) => !state.archived || (counts?.by_state[state.id] ?? 0) > 0)
    .sort(
      (a, b) => STATE_CATEGORY_ORDER[a.state.category] - STATE_CATEGORY_ORDER[b.state.category] || a.i - b.i,
    )
    .map(({ state }) => state);
}

/** A teammate where they hold something now (an assignee, a team member): "Sam Lee
 *  (deactivated)" once they left, so nobody waits on them. Past events keep the bare name. */
export function teammateLabel(teammate: Pick<Teammate, 'name' | 'active'>): string {
  return teammate.active ? teammate.name : `${teammate.name} (deactivated)`;
}

export function teammateName(workspace: Pick<Workspace, 'teammates'> | null, id: string): string {
  return workspace?.teammates.find((t) => t.id === id)?.name ?? 'a former teammate';
}

export function teamName(workspace: Pick<Workspace, 'teams'> | null, id: string): string {
  return workspace?.teams.find((t) => t.id === id)?.name ?? 'a former team';
}

/** The attribute's display name from the ticket type, or its key made readable. */
export function attributeName(ticketType: Pick<TicketType, 'attributes'> | null, key: string): string {
  const def = ticketType?.attributes.find((a) => a.key === key);
  if (def) return def.name;
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Timeline parts that render as a compact one-line event rather than a message. */
export type EventKind = Exclude<PartKind['kind'], 'reply' | 'note' | 'cross_post'>;

export function isEventKind(kind: PartKind['kind']): kind is EventKind {
  return kind !== 'reply' && kind !== 'note' && kind !== 'cross_post';
}

export interface EventContext {
  workspace: Pick<Workspace, 'states' | 'teammates' | 'teams'> | null;
  ticketType: Pick<TicketType, 'attributes'> | null;
  /** Resolves a linked ticket id to "#12 Title" when known. */
  describeTicket?: (id: string) => string | null;
  /** What the timeline is of: events say "the ticket" or "the conversation". */
  noun?: 'ticket' | 'conversation';
  /** The clock times are told against ("until tomorrow 9:00"); the wall clock when absent. */
  now?: number;
}

function quoteValue(value: AttributeValue | null, ctx: EventContext, key: string): string {
  const def = ctx.ticketType?.attributes.find((a) => a.key === key);
  const text = formatAttributeValue(value, def);
  return text.length > 80 ? `“${text.slice(0, 79)}…”` : `“${text}”`;
}

function humanizeLink(link: string): string {
  return link.replace(/[_-]+/g, ' ').trim().toLowerCase() || 'link';
}

/**
 * The sentence for a system event: "Alex changed the state from Submitted to In progress".
 * Returns null for replies, notes and cross-posts, which render as messages.
 */
export function describeEvent(entry: Pick<TimelineEntry, 'author_name' | 'kind'>, ctx: EventContext): string | null {
  const who = entry.author_name || 'Someone';
  const part = entry.kind;
  const it = `the ${ctx.noun ?? 'ticket'}`;
  switch (part.kind) {
    case 'reply':
    case 'note':
    case 'cross_post':
      return null;
    case 'state_changed':
      return `${who} changed the state from ${stateLabel(ctx.workspace, part.from)} to ${stateLabel(ctx.workspace, part.to)}`;
    case 'closed':
      return part.resolved ? `${who} closed ${it} as resolved` : `${who} closed ${it}`;
    case 'reopened':
      return `${who} reopened ${it}`;
    case 'snoozed':
      return `${who} snoozed ${it} until ${dateTime(part.until, ctx.now ?? Date.now())}`;
    case 'snooze_ended':
      return `The snooze ended: ${it} is back`;
    case 'unsnoozed':
      return `${who} ended the snooze: ${it} is back`;
    case 'assignment_changed': {
      const teammate = part.teammate ? teammateName(ctx.workspace, part.teammate) : null;
      const team = part.team ? teamName(ctx.workspace, part.team) : null;
      if (teammate && team) return `${who} assigned ${it} to ${teammate} (${team})`;
      if (teammate) return `${who} assigned ${it} to ${teammate}`;
      if (team) return `${who} assigned ${it} to the ${team} team`;
      return `${who} unassigned ${it}`;
    }
    case 'share_changed':
      return part.shared ? `${who} shared the ticket with the customer` : `${who} made the ticket internal`;
    case 'attribute_changed': {
      const name = attributeName(ctx.ticketType, part.key);
      if (part.to === null || part.to === '') return `${who} cleared ${name}`;
      if (part.from === null || part.from === '') {
        return `${who} set ${name} to ${quoteValue(part.to, ctx, part.key)}`;
      }
      return `${who} changed ${name} from ${quoteValue(part.from, ctx, part.key)} to ${quoteValue(part.to, ctx, part.key)}`;
    }
    case 'customers_notified': {
      const who = part.contacts.length === 1 ? 'the customer' : `${part.contacts.length} customers`;
      const email = part.email ? (part.email.when === 'now' ? ', email sent at once' : ', email unless they see it in the Messenger') : '';
      return `Notified ${who}: ${part.channels.filter((c) => c !== 'email').map((c) => channelLabel(c).toLowerCase()).join(', ')}${email}`;
    }
    case 'brand_changed':
      return `${who} changed the brand to ${part.name}`;
    case 'link_changed': {
      const link = humanizeLink(part.link);
      const target = part.label || ctx.describeTicket?.(part.target) || null;
      const what = target ? `${link} ${target}` : `${/^[aeiou]/.test(link) ? 'an' : 'a'} ${link}`;
      return part.linked ? `${who} linked ${what}` : `${who} unlinked ${what}`;
    }
  }
}
