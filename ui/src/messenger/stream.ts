// The live stream (`GET /messenger/stream`): server-sent events read with `fetch`, since an
// EventSource cannot send the Authorization header. It reconnects with a growing delay when it
// drops, and stops for good on `stop()` or when the token is refused.

export interface SseEvent {
  /** The `event:` field; "message" when absent. */
  event: string;
  data: string;
  id: string | null;
}

/** An incremental parser of a text/event-stream body: feed it chunks, get whole events back. */
export class SseParser {
  private buffer = '';
  private eventName = '';
  private data: string[] = [];
  private id: string | null = null;
  private hasFields = false;

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.buffer);
      if (!m) break;
      // A lone CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (!this.hasFields) return null;
      const event: SseEvent = { event: this.eventName || 'message', data: this.data.join('\n'), id: this.id };
      this.eventName = '';
      this.data = [];
      this.hasFields = false;
      return event;
    }
    if (line.startsWith(':')) return null; // a comment: keep-alive
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (name) {
      case 'event':
        this.eventName = value;
        this.hasFields = true;
        break;
      case 'data':
        this.data.push(value);
        this.hasFields = true;
        break;
      case 'id':
        this.id = value;
        break;
      default:
        break; // `retry` and unknown fields are ignored
    }
    return null;
  }
}

/** The wait before reconnection attempt `attempt` (0-based): 1 s, 2 s, 4 s… up to `max`. */
export function backoffDelay(attempt: number, base = 1000, max = 30_000, jitter = 0): number {
  const d = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(d * (1 + jitter));
}

/** A function that runs `fn` once, `ms` after the last of a burst of calls. */
export function debounce(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    call() {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

export interface StreamOptions {
  url: string;
  token: () => string | null;
  onEvent: (e: SseEvent) => void;
  /** Connected (again): what was missed while down should be refetched. */
  onOpen?: (reconnected: boolean) => void;
  /** The token was refused: the session ended. The stream stops. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  /** No byte for this long (the server sends keep-alive comments) means a dead connection. */
  idleMs?: number;
}

export function startStream(options: StreamOptions): { stop: () => void } {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const idleMs = options.idleMs ?? 45_000;
  let stopped = false;
  let controller: AbortController | null = null;
  let wake: (() => void) | null = null;
  let sleepTimer: ReturnType<typeof setTimeout> | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      sleepTimer = setTimeout(resolve, ms);
    });

  async function run() {
    let attempt = 0;
    let connectedBefore = false;
    while (!stopped) {
      const token = options.token();
      if (!token) return;
      const ctrl = new AbortController();
      controller = ctrl;
      let idle: ReturnType<typeof setTimeout> | null = null;
      const touch = () => {
        if (idle !== null) clearTimeout(idle);
        idle = setTimeout(() => ctrl.abort(), idleMs);
      };
      try {
        touch();
        const res = await doFetch(options.url, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal: ctrl.signal,
        });
        if (res.status === 401) {
          if (!stopped) options.onUnauthorized?.();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
        attempt = 0;
        options.onOpen?.(connectedBefore);
        connectedBefore = true;
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        const parser = new SseParser();
        for (;;) {
          const { done, value } = await reader.read();
          if (done || stopped) break;
          touch();
          for (const e of parser.push(decoder.decode(value, { stream: true }))) options.onEvent(e);
        }
      } catch {
        // Dropped, refused or aborted: retried below unless stopped.
      } finally {
        if (idle !== null) clearTimeout(idle);
      }
      if (stopped) return;
      await sleep(backoffDelay(attempt++, 1000, 30_000, Math.random() * 0.2));
    }
  }

  void run();

  return {
    stop() {
      stopped = true;
      controller?.abort();
      if (sleepTimer !== null) clearTimeout(sleepTimer);
      wake?.();
    },
  };
}
