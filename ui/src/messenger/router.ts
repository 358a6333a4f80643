// The Messenger's hash routes (docs/messenger.md): `#/` home, `#/messages`, `#/messages/ID`,
// `#/messages/new`, `#/tickets`, `#/tickets/ID`, `#/tickets/new`.
import type { SessionThread } from './types';

export type Route =
  | { name: 'home' }
  | { name: 'messages' }
  | { name: 'conversation'; id: string }
  | { name: 'new_conversation' }
  | { name: 'tickets' }
  | { name: 'ticket'; id: string }
  | { name: 'new_ticket' };

export type Space = 'home' | 'messages' | 'tickets';

/** The route a location hash names; anything unknown is home. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0];
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [space, id, extra] = parts;
  if (extra !== undefined) return { name: 'home' };
  if (space === 'messages') {
    if (id === undefined) return { name: 'messages' };
    return id === 'new' ? { name: 'new_conversation' } : { name: 'conversation', id };
  }
  if (space === 'tickets') {
    if (id === undefined) return { name: 'tickets' };
    return id === 'new' ? { name: 'new_ticket' } : { name: 'ticket', id };
  }
  return { name: 'home' };
}

/** The hash of a route (`#/tickets/ID`). */
export function routeHash(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'messages':
      return '#/messages';
    case 'conversation':
      return `#/messages/${encodeURIComponent(route.id)}`;
    case 'new_conversation':
      return '#/messages/new';
    case 'tickets':
      return '#/tickets';
    case 'ticket':
      return `#/tickets/${encodeURIComponent(route.id)}`;
    case 'new_ticket':
      return '#/tickets/new';
  }
}

/** The bottom-navigation space a route belongs to. */
export function spaceOf(route: Route): Space {
  switch (route.name) {
    case 'home':
      return 'home';
    case 'messages':
    case 'conversation':
    case 'new_conversation':
      return 'messages';
    case 'tickets':
    case 'ticket':
    case 'new_ticket':
      return 'tickets';
  }
}

/** Where a screen's back button leads. */
export function parentRoute(route: Route): Route {
  switch (route.name) {
    case 'conversation':
    case 'new_conversation':
      return { name: 'messages' };
    case 'ticket':
    case 'new_ticket':
      return { name: 'tickets' };
    default:
      return { name: 'home' };
  }
}

/** The route of the thread a signed link names. */
export function threadRoute(thread: SessionThread | null | undefined): Route {
  if (thread && 'ticket' in thread && thread.ticket) return { name: 'ticket', id: String(thread.ticket) };
  if (thread && 'conversation' in thread && thread.conversation)
    return { name: 'conversation', id: String(thread.conversation) };
  return { name: 'home' };
}

/**
 * The page's URL without the `link` query parameter (a signed link is used once, then removed so
 * a reload or a shared URL does not carry it), or null when it has none.
 */
export function withoutLink(href: string): { link: string; url: string } | null {
  const url = new URL(href);
  const link = url.searchParams.get('link');
  if (link === null) return null;
  url.searchParams.delete('link');
  return { link, url: url.pathname + url.search + url.hash };
}

/** A short name for the document title of a route. */
export function routeTitle(route: Route): string {
  switch (route.name) {
    case 'home':
      return 'Home';
    case 'messages':
      return 'Messages';
    case 'conversation':
      return 'Conversation';
    case 'new_conversation':
      return 'New message';
    case 'tickets':
      return 'Tickets';
    case 'ticket':
      return 'Ticket';
    case 'new_ticket':
      return 'New ticket';
  }
}
