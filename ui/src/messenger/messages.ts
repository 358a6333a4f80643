// The Messages space lists every thread the customer has with the team, as Intercom's does:
// their conversations and their tickets' threads, most recent first. A teammate's reply on a
// ticket badges this space (R8), so the ticket it came on has to be here to be found.
import type { CustomerConversation, MessengerTicket } from './types';

export type MessageThread =
  | { kind: 'conversation'; id: string; at: number; conversation: CustomerConversation }
  | { kind: 'ticket'; id: string; at: number; ticket: MessengerTicket };

export function messageThreads(
  conversations: readonly CustomerConversation[],
  tickets: readonly MessengerTicket[],
): MessageThread[] {
  const threads: MessageThread[] = [
    ...conversations.map((c) => ({ kind: 'conversation' as const, id: c.id, at: c.last_activity_at, conversation: c })),
    ...tickets.map((t) => ({ kind: 'ticket' as const, id: t.id, at: t.last_activity_at, ticket: t })),
  ];
  return threads.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
}
