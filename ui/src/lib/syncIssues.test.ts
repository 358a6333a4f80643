import { describe, expect, it } from 'vitest';
import type { Mutation } from './bindings';
import { describeMutation, issueSubject, issueTracker, mayPassAgain, mutationText, subjectLabel } from './syncIssues';

describe('refused changes', () => {
  it('say what they were and keep what was written', () => {
    const reply = { type: 'reply', ticket: 't', body: 'Hello there' } as const;
    expect(describeMutation(reply)).toBe('Reply');
    expect(mutationText(reply)).toBe('Hello there');
    const link = { type: 'link_tracker', ticket: 't', tracker: 'x' } as const;
    expect(describeMutation(link)).toBe('Link to a tracker');
    expect(mutationText(link)).toBeNull();
    expect(describeMutation({ type: 'close', ticket: 't', resolved: true })).toBe('Resolve');
  });
});

describe('what a refused change concerns', () => {
  it('names its ticket or conversation, and the tracker of a link', () => {
    const link = { type: 'link_tracker', ticket: 't', tracker: 'x' } as const;
    expect(issueSubject(link)).toEqual({ kind: 'ticket', id: 't', title: null });
    expect(issueTracker(link)).toBe('x');
    expect(issueSubject({ type: 'close_conversation', conversation: 'c' })).toEqual({ kind: 'conversation', id: 'c', title: null });
    expect(issueTracker({ type: 'close', ticket: 't', resolved: false })).toBeNull();
  });
  it('keeps the title of a ticket whose creation was refused', () => {
    const create: Mutation = {
      type: 'create_ticket',
      id: 'n',
      type_id: 'bug',
      fields: { attributes: { title: 'Export fails' } },
      state_id: null,
      contacts: [],
      company: null,
      brand: null,
      assignee_teammate: null,
      assignee_team: null,
      shared: null,
      conversation: null,
      origin_ticket: null,
    };
    expect(issueSubject(create)).toEqual({ kind: 'ticket', id: 'n', title: 'Export fails' });
  });
  it('labels a ticket with its number when it has one', () => {
    expect(subjectLabel(42, 'Export fails')).toBe('#42 Export fails');
    expect(subjectLabel(null, 'Export fails')).toBe('Export fails');
  });
});

describe('trying a refused change again', () => {
  it('is offered for network and server failures', () => {
    expect(mayPassAgain({ code: 'storage_failed', message: 'x' })).toBe(true);
    expect(mayPassAgain({ code: 'busy', message: 'x' })).toBe(true);
    expect(mayPassAgain({ code: 'http_error', message: 'The server answered 503 Service Unavailable.' })).toBe(true);
  });
  it("is not offered for the rules' refusals, which would fail the same way", () => {
    expect(mayPassAgain({ code: 'already_linked_to_tracker', message: 'This ticket is already linked to tracker 7.' })).toBe(false);
    expect(mayPassAgain({ code: 'attribute_required', message: '"Title" is required.' })).toBe(false);
    expect(mayPassAgain({ code: 'http_error', message: 'The server answered 413 Payload Too Large.' })).toBe(false);
  });
});
