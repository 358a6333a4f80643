// Bulk actions on the selected tickets: what each action is as one mutation per ticket, and how
// it is put into words (the confirmation's title, the result line). The backend previews and
// applies them (`commands.previewBulk`, `commands.applyBulk`), one intent per ticket.
import type { BulkRefusal, Mutation, TicketState } from './bindings';
import { formatCount } from './format';

/** The most tickets one bulk action takes (the backend's `bulk::MAX_BULK`). */
export const MAX_BULK = 1000;

export type BulkAction =
  | { kind: 'state'; state: string }
  | { kind: 'close'; resolved: boolean }
  | { kind: 'reopen' }
  /** A teammate or a team (or none of either): the other assignee each ticket has stays. */
  | { kind: 'assign'; to: 'teammate' | 'team'; id: string | null; name: string }
  | { kind: 'link'; tracker: string; name: string }
  | { kind: 'read' }
  /** A macro: its reply and actions, filled in for each ticket (`commands.renderMacro`). */
  | { kind: 'macro'; name: string; steps: Mutation[] };

/** A selected ticket as the list showed it: named in a refusal, its assignees kept when only
 *  the other one changes. */
export interface Picked {
  id: string;
  number: number | null;
  title: string;
  assignee_teammate: string | null;
  assignee_team: string | null;
}

/** One mutation per ticket, in the order they were picked. */
export function bulkMutations(action: BulkAction, picked: Picked[]): Mutation[] {
  if (action.kind === 'macro') return action.steps;
  return picked.map((p): Mutation => {
    const ticket = p.id;
    switch (action.kind) {
      case 'state':
        return { type: 'set_state', ticket, state: action.state };
      case 'close':
        return { type: 'close', ticket, resolved: action.resolved };
      case 'reopen':
        return { type: 'reopen', ticket };
      case 'assign':
        return action.to === 'teammate'
          ? { type: 'assign', ticket, teammate: action.id, team: p.assignee_team }
          : { type: 'assign', ticket, teammate: p.assignee_teammate, team: action.id };
      case 'link':
        return { type: 'link_tracker', ticket, tracker: action.tracker };
      case 'read':
        return { type: 'mark_read', ticket };
    }
  });
}

export function ticketsText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'ticket' : 'tickets'}`;
}

function stateName(states: Pick<TicketState, 'id' | 'internal_label'>[], id: string): string {
  return states.find((s) => s.id === id)?.internal_label ?? 'another state';
}

/** "Resolve 12 tickets", "Move 3 tickets to Waiting on customer": the confirmation's title. */
export function bulkTitle(action: BulkAction, count: number, states: Pick<TicketState, 'id' | 'internal_label'>[]): string {
  const n = ticketsText(count);
  switch (action.kind) {
    case 'state':
      return `Move ${n} to ${stateName(states, action.state)}`;
    case 'close':
      return action.resolved ? `Resolve ${n}` : `Close ${n} without resolving`;
    case 'reopen':
      return `Reopen ${n}`;
    case 'assign':
      return `Assign ${n} to ${action.name}`;
    case 'link':
      return `Link ${n} to ${action.name}`;
    case 'read':
      return `Mark ${n} as read`;
    case 'macro':
      return `Apply “${action.name}” to ${n}`;
  }
}

/** "Resolved 10 tickets." with, when some refused, "2 were not changed." */
export function bulkDoneText(action: BulkAction, applied: number, refused: number): string {
  const n = ticketsText(applied);
  const done = {
    state: `Moved ${n}.`,
    close: (action.kind === 'close' && action.resolved ? 'Resolved ' : 'Closed ') + `${n}.`,
    reopen: `Reopened ${n}.`,
    assign: `Assigned ${n}.`,
    link: `Linked ${n}.`,
    read: `Marked ${n} as read.`,
    macro: `Applied ${action.kind === 'macro' ? `“${action.name}” ` : ''}to ${n}.`,
  }[action.kind];
  if (refused === 0) return done;
  return `${done} ${formatCount(refused)} ${refused === 1 ? 'was' : 'were'} not changed.`;
}

/** "#123 Printer on fire": a refused ticket, by what the list showed. */
export function pickedName(picked: Picked | undefined, id: string): string {
  if (!picked) return id;
  return picked.number === null ? picked.title : `#${picked.number} ${picked.title}`;
}

/** The refusals with their tickets' names, in the order picked. */
export function namedRefusals(refused: BulkRefusal[], picked: ReadonlyMap<string, Picked>): { id: string; name: string; message: string }[] {
  return refused.map((r) => ({ id: r.ticket, name: pickedName(picked.get(r.ticket), r.ticket), message: r.error.message }));
}

/** The indices from `anchor` to `to`, both included, in list order. */
export function indexRange(anchor: number, to: number): number[] {
  const [from, end] = anchor <= to ? [anchor, to] : [to, anchor];
  return Array.from({ length: end - from + 1 }, (_, i) => from + i);
}
