import { describe, expect, it } from 'vitest';
import { conversationSignature, ticketSignature } from './threads';
import type { CustomerConversation, CustomerTicket } from './types';

const ticket: CustomerTicket = {
  id: 't1',
  number: 1,
  title: 'T',
  state_label: 'Submitted',
  state_category: 'submitted',
  attributes: [],
  last_activity_at: 1,
  action: 'send_message',
  timeline: [{ id: 'p1', at: 1, kind: 'submitted', title: 'T', number: 1 }],
};

describe('thread signatures', () => {
  it('change with a new entry or state, not with a refetch of the same', () => {
    expect(ticketSignature({ ...ticket })).toBe(ticketSignature(ticket));
    expect(ticketSignature({ ...ticket, state_label: 'In progress' })).not.toBe(ticketSignature(ticket));
    const more = { ...ticket, timeline: [...ticket.timeline, { id: 'p2', at: 2, kind: 'message' as const, body: 'x', from_customer: false }] };
    expect(ticketSignature(more)).not.toBe(ticketSignature(ticket));
    expect(ticketSignature(null)).toBe('');
  });

  it('for conversations too', () => {
    const c: CustomerConversation = { id: 'c', subject: 's', open: true, created_at: 1, last_activity_at: 1, messages: [] };
    expect(conversationSignature({ ...c, open: false })).not.toBe(conversationSignature(c));
    expect(conversationSignature({ ...c, last_activity_at: 5 })).toBe(conversationSignature(c));
  });
});
