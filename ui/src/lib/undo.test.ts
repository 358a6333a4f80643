import { describe, expect, it } from 'vitest';
import { actionLabel, draftOf } from './undo.svelte';
import { mergeTokens } from './mutations.svelte';

describe('undo', () => {
  it('names the action taken back', () => {
    expect(actionLabel({ type: 'reply', ticket: 't', body: 'x' })).toBe('Reply sent');
    expect(actionLabel({ type: 'close', ticket: 't', resolved: true })).toBe('Resolved');
    expect(actionLabel({ type: 'set_shared', ticket: 't', shared: false })).toBe('Made internal');
  });

  it('gives a reply or note back to its composer, a note never as a reply', () => {
    expect(draftOf({ type: 'reply', ticket: 't', body: 'Hello' })).toEqual({ id: 't', text: 'Hello', mode: 'reply', keepPrivate: false, files: [] });
    expect(draftOf({ type: 'note', ticket: 't', body: 'Psst', keep_private: true, attachments: ['f1', 'f2'] })).toEqual({
      id: 't',
      text: 'Psst',
      mode: 'note',
      keepPrivate: true,
      files: ['f1', 'f2'],
    });
    expect(draftOf({ type: 'conversation_note', conversation: 'c', body: 'n' })?.mode).toBe('note');
    expect(draftOf({ type: 'close', ticket: 't', resolved: false })).toBeNull();
  });

  it('takes back every step of a combined action with one token', () => {
    expect(mergeTokens([])).toBeNull();
    expect(
      mergeTokens([
        { seqs: [3], until: 100 },
        { seqs: [4], until: 160 },
      ]),
    ).toEqual({ seqs: [3, 4], until: 160 });
  });
});
