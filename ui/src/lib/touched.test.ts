import { describe, expect, it } from 'vitest';
import { rereads } from './touched';

describe('rereads', () => {
  it('reads everything again when the workspace itself changed', () => {
    expect(rereads({ everything: true, tickets: [], conversations: [] }, 't1', null)).toEqual({
      workspace: true,
      lists: true,
      ticket: true,
      conversation: true,
    });
  });

  it('leaves the open ticket alone when only another one changed', () => {
    expect(rereads({ everything: false, tickets: ['t2'], conversations: [] }, 't1', null)).toEqual({
      workspace: false,
      lists: true,
      ticket: false,
      conversation: false,
    });
    expect(rereads({ everything: false, tickets: ['t1'], conversations: [] }, 't1', null).ticket).toBe(true);
  });

  it('reads a conversation again when a ticket changed (it shows its tickets), and the other way round', () => {
    expect(rereads({ everything: false, tickets: ['t9'], conversations: [] }, null, 'c1').conversation).toBe(true);
    expect(rereads({ everything: false, tickets: [], conversations: ['c9'] }, 't1', null).ticket).toBe(true);
  });

  it('reads nothing for nothing', () => {
    expect(rereads({ everything: false, tickets: [], conversations: [] }, 't1', 'c1')).toEqual({
      workspace: false,
      lists: false,
      ticket: false,
      conversation: false,
    });
  });
});
