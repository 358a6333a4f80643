// One thread on screen (a ticket or a conversation): fetched when opened, fetched again when
// the customer's Messenger changed, marked seen when the customer is looking (opened, a change
// while visible, or coming back to it), scrolled to its newest entry, and answered. The ticket
// and conversation screens differ only in what they draw.
import { tick, untrack } from 'svelte';
import { errorMessage, isNotFound } from './errors';

/** How a screen reads, marks seen and answers its kind of thread. */
export interface ThreadSource<T> {
  fetch(id: string): Promise<T>;
  /** Marks it seen and answers with it. */
  seen(id: string): Promise<T>;
  reply(id: string, body: string, attachments: string[]): Promise<T>;
  /** What, when it differs, means the thread really changed (see ../threads.ts). */
  signature(thread: T): string;
  /** How many entries it shows (a new one scrolls to the bottom). */
  entries(thread: T): number;
}

export interface ThreadProps {
  id: string;
  /** Bumped when something the customer can see changed. */
  version: number;
  /** The customer can see the screen (tab visible, panel open). */
  visible: boolean;
  /** It was marked seen or replied to: the badges may have changed. */
  onseen: () => void;
}

export class ThreadScreen<T> {
  value = $state<T | null>(null);
  error = $state<string | null>(null);
  missing = $state(false);
  sending = $state(false);
  sendError = $state<string | null>(null);
  scroller = $state<HTMLElement | null>(null);
  #request = 0;
  #source: ThreadSource<T>;
  #props: () => ThreadProps;

  /** Call while the screen's component initialises: it sets up the screen's effects. */
  constructor(source: ThreadSource<T>, props: () => ThreadProps) {
    this.#source = source;
    this.#props = props;

    // Opened (a new id): fetch, marking seen when the customer is looking; a change: fetch.
    let loadedId: string | null = null;
    $effect(() => {
      const { id, version, visible } = props();
      void version;
      untrack(() => {
        const opened = id !== loadedId;
        loadedId = id;
        if (opened) this.value = null;
        void this.load(opened && visible);
      });
    });

    // Coming back to a thread left open in a hidden tab or a closed panel: seen now.
    let wasVisible = untrack(() => props().visible);
    $effect(() => {
      const { visible } = props();
      if (visible && !wasVisible) untrack(() => void this.load(true));
      wasVisible = visible;
    });

    let shown = 0;
    $effect(() => {
      const n = this.value ? source.entries(this.value) : 0;
      if (n !== shown) {
        shown = n;
        void tick().then(() => this.scroller?.scrollTo({ top: this.scroller.scrollHeight }));
      }
    });
  }

  /**
   * Fetches the thread; marks it seen first when `markSeen` ('seen' answers with it too), or
   * afterwards when it changed while the customer is looking at it.
   */
  async load(markSeen: boolean) {
    const mine = ++this.#request;
    const { id, visible, onseen } = this.#props();
    const source = this.#source;
    try {
      let thread = markSeen ? await source.seen(id) : await source.fetch(id);
      if (mine !== this.#request) return;
      const before = this.value;
      const changed = before !== null && source.signature(before) !== source.signature(thread);
      if (!markSeen && changed && visible) {
        thread = await source.seen(id);
        if (mine !== this.#request) return;
        markSeen = true;
      }
      this.value = thread;
      this.error = null;
      this.missing = false;
      if (markSeen) onseen();
    } catch (e) {
      if (mine !== this.#request) return;
      this.missing = isNotFound(e);
      this.error = errorMessage(e);
    }
  }

  /** Sends the customer's answer; true when it went. */
  reply = async (body: string, attachments: string[] = []): Promise<boolean> => {
    const { id, onseen } = this.#props();
    this.sending = true;
    this.sendError = null;
    try {
      this.value = await this.#source.reply(id, body, attachments);
      onseen();
      return true;
    } catch (e) {
      this.sendError = errorMessage(e);
      return false;
    } finally {
      this.sending = false;
    }
  };
}
