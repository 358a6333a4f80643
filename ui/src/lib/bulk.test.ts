import { describe, expect, it } from 'vitest';
import { bulkDoneText, bulkMutations, bulkTitle, indexRange, MAX_BULK, namedRefusals } from './bulk';
import { TicketSelection } from './selection.svelte';

const states = [{ id: 'S1', internal_label: 'Waiting on customer' }];
const p = (id: string, assignee_teammate: string | null = null, assignee_team: string | null = null) => ({
  id,
  number: null,
  title: id,
  assignee_teammate,
  assignee_team,
});

describe('bulk actions', () => {
  it('are one mutation per ticket', () => {
    expect(bulkMutations({ kind: 'close', resolved: true }, [p('a'), p('b')])).toEqual([
      { type: 'close', ticket: 'a', resolved: true },
      { type: 'close', ticket: 'b', resolved: true },
    ]);
    // Assigning a teammate keeps each ticket's team, and a team each ticket's teammate.
    const held = [p('a', null, 'Billing'), p('b', 'Bo', null)];
    expect(bulkMutations({ kind: 'assign', to: 'teammate', id: 'T', name: 'Ana' }, held)).toEqual([
      { type: 'assign', ticket: 'a', teammate: 'T', team: 'Billing' },
      { type: 'assign', ticket: 'b', teammate: 'T', team: null },
    ]);
    expect(bulkMutations({ kind: 'assign', to: 'team', id: 'Support', name: 'Support' }, held)).toEqual([
      { type: 'assign', ticket: 'a', teammate: null, team: 'Support' },
      { type: 'assign', ticket: 'b', teammate: 'Bo', team: 'Support' },
    ]);
    expect(bulkMutations({ kind: 'link', tracker: 'K', name: '#9 Outage' }, [p('a')])).toEqual([
      { type: 'link_tracker', ticket: 'a', tracker: 'K' },
    ]);
    expect(bulkMutations({ kind: 'state', state: 'S1' }, [p('a')])).toEqual([{ type: 'set_state', ticket: 'a', state: 'S1' }]);
  });

  it('take a macro as its steps, filled in per ticket', () => {
    const steps = [
      { type: 'reply' as const, ticket: 'a', body: 'Hi Ana' },
      { type: 'close' as const, ticket: 'a', resolved: true },
    ];
    expect(bulkMutations({ kind: 'macro', name: 'Refund approved', steps }, [p('a')])).toBe(steps);
    expect(bulkTitle({ kind: 'macro', name: 'Refund approved', steps }, 2, states)).toBe('Apply “Refund approved” to 2 tickets');
    expect(bulkDoneText({ kind: 'macro', name: 'Refund approved', steps }, 2, 0)).toBe('Applied “Refund approved” to 2 tickets.');
  });

  it('are named with their count and target', () => {
    expect(bulkTitle({ kind: 'state', state: 'S1' }, 3, states)).toBe('Move 3 tickets to Waiting on customer');
    expect(bulkTitle({ kind: 'close', resolved: true }, 1, states)).toBe('Resolve 1 ticket');
    expect(bulkTitle({ kind: 'close', resolved: false }, 1200, states)).toBe('Close 1,200 tickets without resolving');
    expect(bulkDoneText({ kind: 'close', resolved: true }, 10, 0)).toBe('Resolved 10 tickets.');
    expect(bulkDoneText({ kind: 'link', tracker: 'K', name: 'x' }, 4, 1)).toBe('Linked 4 tickets. 1 was not changed.');
  });

  it('name refused tickets as the list showed them', () => {
    const picked = new Map([['a', { ...p('a'), number: 12, title: 'Printer' }]]);
    const refused = [
      { ticket: 'a', error: { code: 'x', message: 'No.' } },
      { ticket: 'b', error: { code: 'y', message: 'Never.' } },
    ];
    expect(namedRefusals(refused, picked)).toEqual([
      { id: 'a', name: '#12 Printer', message: 'No.' },
      { id: 'b', name: 'b', message: 'Never.' },
    ]);
  });

  it('take a Shift+click range either way', () => {
    expect(indexRange(2, 5)).toEqual([2, 3, 4, 5]);
    expect(indexRange(5, 3)).toEqual([3, 4, 5]);
  });
});

describe('the selection', () => {
  const row = (id: string) => p(id);

  it('toggles rows and keeps the anchor', () => {
    const s = new TicketSelection();
    s.toggle(row('a'), 0);
    s.toggle(row('b'), 1);
    s.toggle(row('a'), 4);
    expect(s.ids).toEqual(['b']);
    expect(s.anchor).toBe(4);
  });

  it('stops at the bulk limit and says so', () => {
    const s = new TicketSelection();
    const rows = Array.from({ length: MAX_BULK + 5 }, (_, i) => row(`t${i}`));
    expect(s.add(rows)).toBe(false);
    expect(s.size).toBe(MAX_BULK);
    expect(s.add([row('t1')])).toBe(true);
  });

  it('keeps only the refused after an action, and clears', () => {
    const s = new TicketSelection();
    s.add([row('a'), row('b'), row('c')]);
    s.keep(['b']);
    expect(s.ids).toEqual(['b']);
    s.clear();
    expect(s.size).toBe(0);
    expect(s.anchor).toBeNull();
  });
});
