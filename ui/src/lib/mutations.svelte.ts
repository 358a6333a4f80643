// Runs the ticket and conversation actions: every one is a `Mutation` sent through
// `commands.applyMutation`; the backend validates it and answers with the ticket or conversation
// as it is now, or with an `{code, message}` error. This class only tracks which control is
// waiting and which error to show where.
import type { ApiError, Applied, Mutation, UndoToken } from './bindings';
import { asApiError } from './errors';
import { actionLabel, undo } from './undo.svelte';

/** Where an action was started from: its control is disabled while it runs, its error shown there. */
export type ActionArea = 'state' | 'close' | 'assign' | 'brand' | 'share' | 'compose' | 'tracker' | 'snooze';

/** The mutations that act on one existing ticket (named by `ticket`). */
export type TicketMutation = Extract<Mutation, { ticket: string }>;

/** The mutations that act on one existing conversation (named by `conversation`). */
export type ConversationMutation = Extract<
  Mutation,
  {
    type:
      | 'conversation_reply'
      | 'conversation_note'
      | 'assign_conversation'
      | 'close_conversation'
      | 'reopen_conversation'
      | 'snooze_conversation';
  }
>;

/** A mutation on one ticket or one conversation. */
export type TargetMutation = TicketMutation | ConversationMutation;

/** The id of the ticket or conversation a mutation acts on. */
export function targetOf(mutation: TargetMutation): string {
  return 'ticket' in mutation && typeof mutation.ticket === 'string' ? mutation.ticket : (mutation as ConversationMutation).conversation;
}

export interface ActionFailure {
  /** The ticket's or conversation's id. */
  ticket: string;
  area: ActionArea;
  error: ApiError;
}

/** An action waiting for the teammate to confirm it after seeing what customers will get. */
export interface PendingAction {
  area: ActionArea;
  mutation: TargetMutation;
  /** Applied after `mutation`, in order, each once the one before it was accepted ("Send and
   *  resolve": the reply, then the state change); one preview shows them all. */
  then: TargetMutation[];
  settle: (applied: Applied | null) => void;
}

interface Running {
  ticket: string;
  area: ActionArea;
  seq: number;
}

export class TicketActions {
  /** The actions on their way to the backend. */
  running = $state.raw<Running[]>([]);
  /** The last action that failed, until dismissed or another action starts. */
  failure = $state.raw<ActionFailure | null>(null);

  /** The action shown in the notification preview, waiting for Confirm or Cancel. */
  pending = $state.raw<PendingAction | null>(null);

  private seq = 0;
  private lastApplied = 0;

  constructor(
    private readonly apply: (mutation: Mutation) => Promise<Applied>,
    /** Called with each accepted result; `latest` is false for one overtaken by a later action. */
    private readonly onapplied: (applied: Applied, mutation: Mutation, latest: boolean) => void,
  ) {}

  isBusy(ticket: string, area: ActionArea): boolean {
    return this.running.some((r) => r.ticket === ticket && r.area === area);
  }

  errorFor(ticket: string, area: ActionArea): ApiError | null {
    const f = this.failure;
    return f && f.ticket === ticket && f.area === area ? f.error : null;
  }

  dismiss(): void {
    this.failure = null;
  }

  /**
   * Asks before applying: the preview of `mutation` (and of the steps `then` that follow it) is
   * shown (see `pending`); resolves with the result of `mutation` once confirmed and applied, or
   * null when cancelled or refused.
   */
  ask(area: ActionArea, mutation: TargetMutation, then: TargetMutation[] = []): Promise<Applied | null> {
    this.pending?.settle(null);
    if (this.failure?.ticket === targetOf(mutation)) this.failure = null;
    return new Promise((resolve) => {
      this.pending = { area, mutation, then, settle: resolve };
    });
  }

  /** Applies the pending action, then its following steps (a refused step stops the rest, its
   *  error shown at the state menu); one Undo takes back all that was applied. Resolves with the
   *  first mutation's result. */
  async confirm(): Promise<Applied | null> {
    const p = this.pending;
    if (!p) return null;
    this.pending = null;
    const applied = await this.run(p.area, p.mutation, false);
    p.settle(applied);
    if (!applied) return null;
    const tokens: UndoToken[] = applied.undo ? [applied.undo] : [];
    for (const step of p.then) {
      const next = await this.run('state', step, false);
      if (!next) break;
      if (next.undo) tokens.push(next.undo);
    }
    const label = [actionLabel(p.mutation), ...p.then.map((m) => actionLabel(m).toLowerCase())].join(' and ');
    undo.show(label, mergeTokens(tokens));
    return applied;
  }

  /** Drops the pending action without applying it. */
  cancel(): void {
    const p = this.pending;
    this.pending = null;
    p?.settle(null);
  }

  /**
   * Applies `mutation`, started from `area`, and offers its Undo (unless `offerUndo` is false:
   * a combined action offers one for all its steps). Resolves with the result, or null when the
   * backend refused it (the error is then in `failure`) or the same control is still waiting.
   */
  async run(area: ActionArea, mutation: TargetMutation, offerUndo = true): Promise<Applied | null> {
    const ticket = targetOf(mutation);
    if (this.isBusy(ticket, area)) return null;
    const seq = ++this.seq;
    this.running = [...this.running, { ticket, area, seq }];
    if (this.failure?.ticket === ticket) this.failure = null;
    try {
      const applied = await this.apply(mutation);
      const latest = seq > this.lastApplied;
      if (latest) this.lastApplied = seq;
      this.onapplied(applied, mutation, latest);
      if (offerUndo) undo.show(actionLabel(mutation), applied.undo);
      return applied;
    } catch (e) {
      this.failure = { ticket, area, error: asApiError(e) };
      return null;
    } finally {
      this.running = this.running.filter((r) => r.seq !== seq);
    }
  }
}

/** One token for the steps of a combined action; null when none can be undone. */
export function mergeTokens(tokens: UndoToken[]): UndoToken | null {
  if (tokens.length === 0) return null;
  return { seqs: tokens.flatMap((t) => t.seqs), until: Math.max(...tokens.map((t) => t.until)) };
}
