// What the ticket actions show: the states a ticket can move to, grouped by state category, the
// composer's modes, the assignee's label. Nothing here decides whether an action is allowed: the
// backend validates every mutation; these only choose what to offer and how to word it.
import type {
  Category,
  MessageChannel,
  StateCategory,
  Team,
  Teammate,
  TicketDetail,
  TicketState,
  TicketType,
  Workspace,
} from './bindings';
import type { ComposerMode } from './drafts';
import { formatCount } from './format';
import type { TargetMutation } from './mutations.svelte';
import { STATE_CATEGORY_LABEL, STATE_CATEGORY_ORDER, teammateLabel } from './labels';

export interface StateGroup {
  category: StateCategory;
  label: string;
  states: TicketState[];
}

/**
 * The states the ticket's type offers, grouped by state category (submitted, in progress, waiting
 * on customer, resolved), in the type's order within a group. Archived states are left out unless
 * the ticket is in one; ids the workspace does not know are skipped.
 */
export function stateGroups(
  workspace: Pick<Workspace, 'states'>,
  ticketType: Pick<TicketType, 'states'>,
  currentStateId: string | null = null,
): StateGroup[] {
  const byId = new Map(workspace.states.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const groups = new Map<StateCategory, TicketState[]>();
  for (const id of ticketType.states) {
    const state = byId.get(id);
    if (!state || seen.has(id)) continue;
    if (state.archived && id !== currentStateId) continue;
    seen.add(id);
    const list = groups.get(state.category) ?? [];
    list.push(state);
    groups.set(state.category, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => STATE_CATEGORY_ORDER[a] - STATE_CATEGORY_ORDER[b])
    .map(([category, states]) => ({ category, label: STATE_CATEGORY_LABEL[category], states }));
}

/** "12 linked tickets follow its state" beside a tracker's state menu (what its preview counts
 *  too: "Moves 4 of its 12 linked tickets", those in the state already staying); null when
 *  nothing follows. */
export function followText(linked: number): string | null {
  if (linked <= 0) return null;
  return `${formatCount(linked)} linked ${linked === 1 ? 'ticket follows' : 'tickets follow'} its state`;
}

/** "1 customer reported this", "1,204 customers reported this". */
export function reportedText(count: number): string {
  if (count <= 0) return 'No customer has reported this yet';
  return `${formatCount(count)} ${count === 1 ? 'customer' : 'customers'} reported this`;
}

export const REPLY_BLOCKED_REASON = 'Internal ticket: replies would reach no customer';

export interface ComposerRules {
  /** A reply reaches a customer only on a shared ticket. */
  replyAllowed: boolean;
  /** Why Reply is off, shown next to it; null when replying is possible. */
  replyBlockedReason: string | null;
  /** The mode a fresh composer opens in. */
  defaultMode: ComposerMode;
  /** Back-office notes are cross-posted to where the ticket came from unless kept to it. */
  offersKeepPrivate: boolean;
}

export function composerRules(ticket: { shared: boolean; category: Category }): ComposerRules {
  const replyAllowed = ticket.shared;
  return {
    replyAllowed,
    replyBlockedReason: replyAllowed ? null : REPLY_BLOCKED_REASON,
    defaultMode: replyAllowed ? 'reply' : 'note',
    offersKeepPrivate: ticket.category === 'back_office',
  };
}

/** A conversation always takes replies: the customer is on the other end. */
export const CONVERSATION_COMPOSER_RULES: ComposerRules = {
  replyAllowed: true,
  replyBlockedReason: null,
  defaultMode: 'reply',
  offersKeepPrivate: false,
};

/** What the composer writes to. */
export type ComposeTarget =
  | { kind: 'ticket'; id: string; offersKeepPrivate: boolean }
  | { kind: 'conversation'; id: string; channel: MessageChannel };

/** The mutation sending `body` from the composer in `mode`. */
export function composeMutation(
  target: ComposeTarget,
  mode: ComposerMode,
  body: string,
  keepPrivate = false,
  attachments: string[] = [],
): TargetMutation {
  // Only a message with files names them: the mutation stays as it was without.
  const files = attachments.length > 0 ? { attachments } : {};
  if (target.kind === 'conversation') {
    return mode === 'reply'
      ? { type: 'conversation_reply', conversation: target.id, body, channel: target.channel, ...files }
      : { type: 'conversation_note', conversation: target.id, body, ...files };
  }
  return mode === 'reply'
    ? { type: 'reply', ticket: target.id, body, ...files }
    : { type: 'note', ticket: target.id, body, keep_private: target.offersKeepPrivate && keepPrivate, ...files };
}

/** The mode to open the composer in: the draft's if it is still possible, else the default. */
export function initialMode(rules: ComposerRules, draftMode: ComposerMode | null): ComposerMode {
  if (draftMode === 'note') return 'note';
  if (draftMode === 'reply' && rules.replyAllowed) return 'reply';
  return rules.defaultMode;
}

/** The assignee as the header shows it: "Ana Silva · Billing", "Billing", "Unassigned"; a
 *  deactivated assignee is named as such ("Sam Lee (deactivated)"). */
export function assigneeLabel(
  teammate: Pick<Teammate, 'name' | 'active'> | null,
  team: Pick<Team, 'name'> | null,
): string {
  const name = teammate ? teammateLabel(teammate) : null;
  if (name && team) return `${name} · ${team.name}`;
  return name ?? team?.name ?? 'Unassigned';
}

/** Case- and accent-insensitive "contains" for the pickers' filter boxes. */
export function matchesFilter(text: string, filter: string): boolean {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  const f = fold(filter.trim());
  return f === '' || fold(text).includes(f);
}

/**
 * Teammates for the assignee menu: the signed-in teammate first, then by name. Deactivated
 * teammates cannot be given tickets, so they are left out, except `current` (the ticket's
 * assignee), last, so the menu still shows who holds the ticket.
 */
export function teammateOptions(
  workspace: Pick<Workspace, 'teammates' | 'me'>,
  filter = '',
  current: string | null = null,
): Teammate[] {
  const matching = workspace.teammates.filter((t) => matchesFilter(`${t.name} ${t.email}`, filter));
  const active = matching
    .filter((t) => t.active)
    .sort((a, b) => (a.id === workspace.me.id ? -1 : b.id === workspace.me.id ? 1 : a.name.localeCompare(b.name)));
  const held = matching.filter((t) => !t.active && t.id === current);
  return [...active, ...held];
}

export function teamOptions(workspace: Pick<Workspace, 'teams'>, filter = ''): Team[] {
  return workspace.teams.filter((t) => matchesFilter(t.name, filter)).sort((a, b) => a.name.localeCompare(b.name));
}

/** The linked tickets a tracker would carry along, for the state menu's note. */
export function linkedCount(detail: Pick<TicketDetail, 'ticket' | 'linked_tickets'>): number {
  return detail.ticket.category === 'tracker' ? detail.linked_tickets.length : 0;
}

/**
 * The index the focus moves to in a list of `count` items for a navigation key, or null when
 * the key is not one of them. Arrows wrap around; Home and End jump to the ends.
 */
export function menuStep(current: number, key: string, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : (current + 1) % count;
    case 'ArrowUp':
      return current < 0 ? count - 1 : (current - 1 + count) % count;
    case 'Home':
    case 'PageUp':
      return 0;
    case 'End':
    case 'PageDown':
      return count - 1;
    default:
      return null;
  }
}
