import { describe, expect, it } from 'vitest';
import { describeMutation, mutationText } from './syncIssues';

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
