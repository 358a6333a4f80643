// After a pull, the window reads again only what the changes touched (the backend names the
// tickets and conversations, or says "everything" when the workspace itself changed).
import type { Touched } from './bindings';

export interface Rereads {
  /** Teammates, teams, brands, states and types. */
  workspace: boolean;
  /** The lists and their counts. */
  lists: boolean;
  /** The open ticket. */
  ticket: boolean;
  /** The open conversation. */
  conversation: boolean;
}

/** What to read again for `touched`, with `ticketId` and `conversationId` open. A conversation
 *  shows its tickets and a ticket its conversation, so either changing reads both again. */
export function rereads(touched: Touched, ticketId: string | null, conversationId: string | null): Rereads {
  if (touched.everything) return { workspace: true, lists: true, ticket: true, conversation: true };
  const anything = touched.tickets.length > 0 || touched.conversations.length > 0;
  const ticket = ticketId !== null && touched.tickets.includes(ticketId);
  const conversation = conversationId !== null && touched.conversations.includes(conversationId);
  return {
    workspace: false,
    lists: anything,
    ticket: ticket || (ticketId !== null && touched.conversations.length > 0),
    conversation: conversation || (conversationId !== null && touched.tickets.length > 0),
  };
}
