// What decides whether a thread on screen really changed: a `changed` event refetches it, and
// only when its content differs is it marked seen again (marking seen may itself cause a
// `changed` event; comparing keeps that from looping).
import type { CustomerConversation, CustomerTicket } from './types';

export function ticketSignature(t: CustomerTicket | null): string {
  if (!t) return '';
  return [t.id, t.state_label, t.title, ...t.timeline.map((e) => e.id)].join('|');
}

export function conversationSignature(c: CustomerConversation | null): string {
  if (!c) return '';
  return [c.id, c.open ? 'open' : 'closed', ...c.messages.map((m) => m.id)].join('|');
}
