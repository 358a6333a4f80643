// The Messenger's typed API client: every call returns the data or throws an `ApiError`
// (`{code, message}`, as the server words it). Nothing else in the Messenger calls `fetch` for the
// JSON API (the live stream is read in stream.ts).
import type { Identity } from './embed';
import type {
  ApiErrorBody,
  Contact,
  CustomerConversation,
  CustomerFile,
  CustomerTicket,
  MessengerConfig,
  MessengerHome,
  MessengerTicketType,
  NewConversation,
  NewTicket,
  Session,
} from './types';

export class ApiError extends Error implements ApiErrorBody {
  readonly code: string;
  /** The HTTP status, or 0 when the server could not be reached. */
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export const NETWORK_MESSAGE = "Couldn't reach the server. Check your connection and try again.";

/** A generic message per status, for error bodies that are not the API's JSON. */
function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session ended; sign in again.';
  if (status === 404) return "This isn't available (any more).";
  if (status === 429) return 'Too many attempts; wait a minute and try again.';
  if (status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return `The request failed (HTTP ${status}).`;
}

/** The error an unsuccessful response stands for, from its status and body text. */
export function errorFromResponse(status: number, text: string): ApiError {
  let code = `http_${status}`;
  let message = fallbackMessage(status);
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object') {
      const b = body as { code?: unknown; message?: unknown; errors?: unknown };
      const first =
        Array.isArray(b.errors) && b.errors.length > 0 && typeof b.errors[0] === 'object' && b.errors[0] !== null
          ? (b.errors[0] as { code?: unknown; message?: unknown })
          : null;
      const c = typeof b.code === 'string' ? b.code : typeof first?.code === 'string' ? first.code : null;
      const m = typeof b.message === 'string' ? b.message : typeof first?.message === 'string' ? first.message : null;
      if (c) code = c;
      if (m) message = m;
    }
  } catch {
    // Not JSON (a proxy's error page): the generic message stands.
  }
  return new ApiError(status, code, message);
}

/** Whether an error means the customer's token no longer works. */
export function isUnauthorized(e: unknown): boolean {
  return isApiError(e) && e.status === 401;
}

export interface ApiOptions {
  /** Prefix of every path (the server's origin), '' for the page's own. */
  base?: string;
  /** The customer's token, or null when signed out. */
  token: () => string | null;
  /** Called when a request made with a token is refused with 401 (the session ended). */
  onUnauthorized?: (e: ApiError) => void;
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'PUT';

/** A message's body, naming its files only when there are some. */
function withFiles(body: string, attachments: string[]): { body: string; attachments?: string[] } {
  return attachments.length > 0 ? { body, attachments } : { body };
}

export function createApi(options: ApiOptions) {
  const base = options.base ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request<T>(
    method: Method,
    path: string,
    body?: unknown,
    auth = true,
    extra: Pick<RequestInit, 'keepalive'> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = auth ? options.token() : null;
    if (auth) {
      if (!token) {
        const e = new ApiError(401, 'unauthorized', 'Your session ended; sign in again.');
        options.onUnauthorized?.(e);
        throw e;
      }
      headers.Authorization = `Bearer ${token}`;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        ...extra,
      });
    } catch {
      throw new ApiError(0, 'network', NETWORK_MESSAGE);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const e = errorFromResponse(response.status, text);
      if (auth && response.status === 401) options.onUnauthorized?.(e);
      throw e;
    }
    if (response.status === 204 || text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, 'bad_response', 'The server sent an answer this page does not understand.');
    }
  }

  const id = (s: string) => encodeURIComponent(s);

  return {
    // No token needed.
    config: (brand: string | null) =>
      request<MessengerConfig>('GET', `/messenger/config${brand ? `?brand=${id(brand)}` : ''}`, undefined, false),
    sessionLink: (token: string) => request<Session>('POST', '/messenger/session/link', { token }, false),
    sessionCode: (email: string) => request<{ sent: boolean }>('POST', '/messenger/session/code', { email }, false),
    sessionVerify: (email: string, code: string) =>
      request<Session>('POST', '/messenger/session/verify', { email, code }, false),
    sessionIdentify: (identity: Identity) => request<Session>('POST', '/messenger/session/identify', identity, false),

    // With the customer's token.
    /** Uploads a file for the customer's next message. */
    upload: async (file: File): Promise<CustomerFile> => {
      const token = options.token();
      if (!token) throw new ApiError(401, 'unauthorized', 'Your session ended; sign in again.');
      let response: Response;
      try {
        response = await doFetch(`${base}/messenger/attachments?name=${encodeURIComponent(file.name)}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': file.type || 'application/octet-stream' },
          body: file,
        });
      } catch {
        throw new ApiError(0, 'network', NETWORK_MESSAGE);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) throw errorFromResponse(response.status, text);
      return JSON.parse(text) as CustomerFile;
    },
    /** A file of a message the customer sees, as a blob (links cannot carry the token). */
    file: async (path: string): Promise<Blob> => {
      const token = options.token();
      if (!token) throw new ApiError(401, 'unauthorized', 'Your session ended; sign in again.');
      let response: Response;
      try {
        response = await doFetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
      } catch {
        throw new ApiError(0, 'network', NETWORK_MESSAGE);
      }
      if (!response.ok) throw errorFromResponse(response.status, await response.text().catch(() => ''));
      return response.blob();
    },
    me: () => request<Contact>('GET', '/messenger/me'),
    home: () => request<MessengerHome>('GET', '/messenger/home'),
    /** `keepalive` lets the request outlive the page (sent while it unloads). */
    setOpen: (open: boolean, keepalive = false) =>
      request<{ open: boolean }>('PUT', '/messenger/state', { open }, true, keepalive ? { keepalive } : {}),
    ticket: (ticketId: string) => request<CustomerTicket>('GET', `/messenger/tickets/${id(ticketId)}`),
    ticketSeen: (ticketId: string) => request<CustomerTicket>('POST', `/messenger/tickets/${id(ticketId)}/seen`),
    ticketReply: (ticketId: string, body: string, attachments: string[] = []) =>
      request<CustomerTicket>('POST', `/messenger/tickets/${id(ticketId)}/reply`, withFiles(body, attachments)),
    ticketTypes: () => request<MessengerTicketType[]>('GET', '/messenger/ticket_types'),
    createTicket: (ticket: NewTicket) => request<CustomerTicket>('POST', '/messenger/tickets', ticket),
    conversations: () => request<CustomerConversation[]>('GET', '/messenger/conversations'),
    startConversation: (c: NewConversation) => request<CustomerConversation>('POST', '/messenger/conversations', c),
    conversation: (conversationId: string) =>
      request<CustomerConversation>('GET', `/messenger/conversations/${id(conversationId)}`),
    conversationReply: (conversationId: string, body: string, attachments: string[] = []) =>
      request<CustomerConversation>('POST', `/messenger/conversations/${id(conversationId)}/reply`, withFiles(body, attachments)),
    conversationSeen: (conversationId: string) =>
      request<CustomerConversation>('POST', `/messenger/conversations/${id(conversationId)}/seen`),
    logout: () => request<void>('POST', '/messenger/logout'),
  };
}

export type Api = ReturnType<typeof createApi>;
