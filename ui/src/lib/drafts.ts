// Composer drafts, one per ticket: kept in memory and mirrored to localStorage so that neither
// switching tickets nor reloading the app loses a word. A draft is cleared only once the backend
// has accepted what was sent from it.

import type { Attachment } from './bindings';

export type ComposerMode = 'reply' | 'note';

export interface Draft {
  text: string;
  /** Kept with the text: a note's draft must never come back as a customer reply. */
  mode: ComposerMode;
  /** For back-office notes: keep the note off the ticket it came from. */
  keepPrivate: boolean;
  /** The files attached so far (kept by the app until the message that names them is sent). */
  files: Attachment[];
}

function isAttachment(value: unknown): value is Attachment {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.name === 'string' && typeof v.size === 'number' && typeof v.content_type === 'string';
}

/** The subset of the Web Storage API the store needs (localStorage, or a stand-in in tests). */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const DRAFT_KEY_PREFIX = 'teammate-inbox:draft:';

function parse(raw: string | null): Draft | null {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== 'object') return null;
    const v = value as Record<string, unknown>;
    if (typeof v.text !== 'string') return null;
    return {
      text: v.text,
      mode: v.mode === 'reply' ? 'reply' : 'note',
      keepPrivate: v.keepPrivate === true,
      files: Array.isArray(v.files) ? v.files.filter(isAttachment) : [],
    };
  } catch {
    return null;
  }
}

export class DraftStore {
  private readonly memory = new Map<string, Draft>();

  constructor(private readonly storage: DraftStorage | null) {}

  private key(ticketId: string): string {
    return DRAFT_KEY_PREFIX + ticketId;
  }

  /** The ticket's draft, or null when there is none (or only an empty one). */
  get(ticketId: string): Draft | null {
    const known = this.memory.get(ticketId);
    if (known) return { ...known };
    let stored: Draft | null = null;
    try {
      stored = parse(this.storage?.getItem(this.key(ticketId)) ?? null);
    } catch {
      stored = null;
    }
    if (stored) this.memory.set(ticketId, stored);
    return stored ? { ...stored } : null;
  }

  /** Saves the draft as it is now; an empty text with default settings removes it. */
  set(ticketId: string, draft: Draft): void {
    if (draft.text === '' && !draft.keepPrivate && draft.files.length === 0) {
      // Nothing typed: keep the mode in memory only, so the composer stays where it was.
      this.memory.set(ticketId, { ...draft });
      this.removeStored(ticketId);
      return;
    }
    this.memory.set(ticketId, { ...draft });
    try {
      this.storage?.setItem(this.key(ticketId), JSON.stringify(draft));
    } catch {
      // Storage full or unavailable: the in-memory copy still survives ticket switches.
    }
  }

  /** Forgets the draft: call only after the backend accepted what was sent. */
  clear(ticketId: string): void {
    this.memory.delete(ticketId);
    this.removeStored(ticketId);
  }

  private removeStored(ticketId: string): void {
    try {
      this.storage?.removeItem(this.key(ticketId));
    } catch {
      // Nothing more to do: the memory copy is gone already.
    }
  }
}

function browserStorage(): DraftStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The app's drafts. */
export const drafts = new DraftStore(browserStorage());
