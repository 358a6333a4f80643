// The window's Undo: every action the backend holds comes back with an undo token; the last
// one is offered ("Reply sent · Undo") until its window closes. Undoing takes it back before
// anything went out, and a reply or note taken back returns to its composer as a draft.
import { commands, type Mutation, type UndoToken } from './bindings';
import { drafts } from './drafts';
import { asApiError } from './errors';
import type { ApiError, Applied, Attachment } from './bindings';

/** The event a composer listens to: its draft came back from an undone reply or note. */
export const DRAFT_RESTORED = 'inbox-draft-restored';

export interface UndoOffer {
  label: string;
  token: UndoToken;
}

/** What an action is called in the Undo line: "Reply sent", "Resolved", "Assigned". */
export function actionLabel(mutation: Mutation): string {
  switch (mutation.type) {
    case 'reply':
    case 'conversation_reply':
      return 'Reply sent';
    case 'note':
    case 'conversation_note':
      return 'Note added';
    case 'set_state':
      return 'State changed';
    case 'close':
      return mutation.resolved ? 'Resolved' : 'Closed';
    case 'close_conversation':
      return 'Conversation closed';
    case 'reopen':
    case 'reopen_conversation':
      return 'Reopened';
    case 'assign':
    case 'assign_conversation':
      return 'Assigned';
    case 'snooze':
    case 'snooze_conversation':
      return 'Snoozed';
    case 'unsnooze':
      return 'Snooze ended';
    case 'link_tracker':
      return 'Linked to the tracker';
    case 'unlink_tracker':
      return 'Unlinked from the tracker';
    case 'set_shared':
      return mutation.shared ? 'Shared with the customer' : 'Made internal';
    case 'set_brand':
      return 'Brand changed';
    case 'create_ticket':
      return 'Ticket created';
    case 'update_attributes':
      return 'Details saved';
    case 'save_macro':
      return 'Macro saved';
    case 'delete_macro':
      return 'Macro deleted';
    default:
      return 'Done';
  }
}

/** A reply or note taken back: its text, where it was written and how. */
export function draftOf(
  mutation: Mutation,
): { id: string; text: string; mode: 'reply' | 'note'; keepPrivate: boolean; files: string[] } | null {
  switch (mutation.type) {
    case 'reply':
      return { id: mutation.ticket, text: mutation.body, mode: 'reply', keepPrivate: false, files: mutation.attachments ?? [] };
    case 'note':
      return {
        id: mutation.ticket,
        text: mutation.body,
        mode: 'note',
        keepPrivate: mutation.keep_private ?? false,
        files: mutation.attachments ?? [],
      };
    case 'conversation_reply':
      return { id: mutation.conversation, text: mutation.body, mode: 'reply', keepPrivate: false, files: mutation.attachments ?? [] };
    case 'conversation_note':
      return { id: mutation.conversation, text: mutation.body, mode: 'note', keepPrivate: false, files: mutation.attachments ?? [] };
    default:
      return null;
  }
}

class Undo {
  /** The action on offer, until its window closes or another action replaces it. */
  offer = $state.raw<UndoOffer | null>(null);
  /** Why the last undo failed ("Too late to undo…"), until the next action. */
  error = $state.raw<ApiError | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Offers `token` as the latest action's undo. */
  show(label: string, token: UndoToken | null | undefined): void {
    if (!token) return;
    this.error = null;
    this.offer = { label, token };
    clearTimeout(this.timer);
    const offered = this.offer;
    this.timer = setTimeout(() => {
      if (this.offer === offered) this.offer = null;
    }, Math.max(0, token.until - Date.now()));
  }

  dismiss(): void {
    clearTimeout(this.timer);
    this.offer = null;
    this.error = null;
  }

  /** Takes the offered action back. Resolves with whether it was. */
  async take(): Promise<boolean> {
    const offered = this.offer;
    if (!offered) return false;
    this.offer = null;
    clearTimeout(this.timer);
    try {
      const undone = await commands.undo(offered.token);
      for (const m of undone) {
        const draft = draftOf(m);
        if (!draft) continue;
        const files = await Promise.all(draft.files.map((id) => commands.loadAttachment(id).then((v) => v.attachment, () => null)));
        drafts.set(draft.id, {
          text: draft.text,
          mode: draft.mode,
          keepPrivate: draft.keepPrivate,
          files: files.filter((f): f is Attachment => f !== null),
        });
        window.dispatchEvent(new CustomEvent(DRAFT_RESTORED, { detail: draft.id }));
      }
      return true;
    } catch (e) {
      this.error = asApiError(e);
      return false;
    }
  }
}

/** The window's one Undo. */
export const undo = new Undo();

/** Applies a mutation made outside a pane's actions (creating a ticket) and offers its Undo. */
export async function applyOffered(mutation: Mutation): Promise<Applied> {
  const applied = await commands.applyMutation(mutation);
  undo.show(actionLabel(mutation), applied.undo);
  return applied;
}
