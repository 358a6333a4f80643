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

/** How long after the last keystroke a draft reaches storage: typing costs no write per key. */
export const DRAFT_SAVE_DELAY_MS = 400;

export class DraftStore {
  private readonly memory = new Map<string, Draft>();
  /** Drafts changed in memory and not yet in storage. */
  private readonly unsaved = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly storage: DraftStorage | null,
    private readonly delayMs = DRAFT_SAVE_DELAY_MS,
  ) {}

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

  /** Keeps the draft as it is now: in memory at once, in storage after a pause in typing (or
   *  at `flush`). An empty text with default settings removes the stored one. */
  set(ticketId: string, draft: Draft): void {
    this.memory.set(ticketId, { ...draft });
    this.unsaved.add(ticketId);
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  /** Writes every draft changed since the last write to storage (the window is closing, say). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const ticketId of this.unsaved) {
      const draft = this.memory.get(ticketId);
      if (!draft || (draft.text === '' && !draft.keepPrivate && draft.files.length === 0)) {
        // Nothing typed: the mode stays in memory only, so the composer stays where it was.
        this.removeStored(ticketId);
        continue;
      }
      try {
        this.storage?.setItem(this.key(ticketId), JSON.stringify(draft));
      } catch {
        // Storage full or unavailable: the in-memory copy still survives ticket switches.
      }
    }
    this.unsaved.clear();
  }

  /** Forgets the draft: call only after the backend accepted what was sent. */
  clear(ticketId: string): void {
    this.memory.delete(ticketId);
    this.unsaved.delete(ticketId);
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

/** The app's drafts; what is not in storage yet goes there before the window goes away. */
export const drafts = new DraftStore(browserStorage());
if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => drafts.flush());
  window.addEventListener('beforeunload', () => drafts.flush());
}
