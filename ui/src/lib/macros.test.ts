import { describe, expect, it } from 'vitest';
import type { Macro, Workspace } from './bindings';
import { actionMutations, describeAction, findMacros, fuzzyScore, insertAt } from './macros';

const macro = (name: string): Macro => ({ id: name, name, body: '', visibility: { kind: 'shared' }, actions: [], deleted: false });

describe('finding a macro', () => {
  it('matches the typed letters in order, anywhere in the name', () => {
    expect(fuzzyScore('Ask for a screenshot', 'scrn')).not.toBeNull();
    expect(fuzzyScore('Ask for a screenshot', 'ask shot')).not.toBeNull();
    expect(fuzzyScore('Refund approved', 'xyz')).toBeNull();
    expect(fuzzyScore('Refund approved', 'devorppa')).toBeNull();
  });

  it('ranks word starts and runs of letters first, and keeps the order otherwise', () => {
    const list = [macro('Password reset steps'), macro('Refund approved'), macro('Thanks, closing')];
    expect(findMacros(list, 'ref').map((m) => m.name)).toEqual(['Refund approved']);
    expect(findMacros(list, 're')[0].name).toBe('Refund approved');
    expect(findMacros(list, 'rs').map((m) => m.name)).toEqual(['Password reset steps']);
    expect(findMacros(list, '  ')).toEqual(list);
  });
});

describe('a macro’s actions', () => {
  const actions = [
    { type: 'set_state' as const, state: 'S1' },
    { type: 'assign' as const, teammate: null, team: 'T1' },
    { type: 'note' as const, body: 'Refund sent' },
    { type: 'link_tracker' as const, tracker: 'K1' },
  ];

  it('become the ticket’s mutations in order', () => {
    expect(actionMutations(actions, { kind: 'ticket', id: 'X' })).toEqual([
      { type: 'set_state', ticket: 'X', state: 'S1' },
      { type: 'assign', ticket: 'X', teammate: null, team: 'T1' },
      { type: 'note', ticket: 'X', body: 'Refund sent', keep_private: false },
      { type: 'link_tracker', ticket: 'X', tracker: 'K1' },
    ]);
  });

  it('on a conversation, only those a conversation has', () => {
    expect(actionMutations(actions, { kind: 'conversation', id: 'C' })).toEqual([
      { type: 'assign_conversation', conversation: 'C', teammate: null, team: 'T1' },
      { type: 'conversation_note', conversation: 'C', body: 'Refund sent' },
    ]);
  });

  it('are described in words', () => {
    const ws = {
      states: [{ id: 'S1', internal_label: 'Waiting on customer' }],
      teammates: [],
      teams: [{ id: 'T1', name: 'Engineering', members: [] }],
    } as unknown as Workspace;
    expect(actions.map((a) => describeAction(a, ws))).toEqual(['Set Waiting on customer', 'Assign to Engineering', 'Add a note', 'Link to a tracker']);
    expect(describeAction({ type: 'assign', teammate: null, team: null }, ws)).toBe('Unassign');
  });
});

describe('inserting a macro’s text', () => {
  it('replaces the selection and puts the caret after the text', () => {
    expect(insertAt('Hello world', 'there', 6, 11)).toEqual({ text: 'Hello there', caret: 11 });
    expect(insertAt('', 'Hi Ava', 0, 0)).toEqual({ text: 'Hi Ava', caret: 6 });
  });
});
