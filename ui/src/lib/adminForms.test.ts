import { describe, expect, it } from 'vitest';
import type { TicketType } from './bindings';
import {
  attributeKey,
  canMove,
  dataType,
  deactivationWarning,
  memberChoices,
  moved,
  newAttribute,
  parseOptions,
  teammateOrder,
} from './adminForms';

describe('settings forms', () => {
  it('make attribute keys from names', () => {
    expect(attributeKey('Order ID', [])).toBe('order_id');
    expect(attributeKey('Numéro de série', [])).toBe('numero_de_serie');
    expect(attributeKey('Order ID', ['order_id'])).toBe('order_id_2');
    expect(attributeKey('!!!', [])).toBe('attribute');
    expect(newAttribute(' Plan ', 'list', []).data_type).toEqual({ kind: 'list', options: [] });
    expect(dataType('date')).toEqual({ kind: 'date' });
  });

  it('move items within a list', () => {
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });

  it('read list options', () => {
    expect(parseOptions(' Free, Pro,,Pro , Enterprise ')).toEqual(['Free', 'Pro', 'Enterprise']);
  });

  it('keep title and description first', () => {
    const type = {
      attributes: [
        { key: 'title', built_in: true },
        { key: 'description', built_in: true },
        { key: 'a', built_in: false },
        { key: 'b', built_in: false },
      ],
    } as unknown as TicketType;
    expect(canMove(type, 2, -1)).toBe(false);
    expect(canMove(type, 2, 1)).toBe(true);
    expect(canMove(type, 3, 1)).toBe(false);
    expect(canMove(type, 0, 1)).toBe(false);
  });

  const people = [
    { id: 'z', name: 'Zoé Martin', active: true },
    { id: 's', name: 'Sam Lee', active: false },
    { id: 'b', name: 'Bruno Díaz', active: true },
    { id: 'a', name: 'Ana Silva', active: false },
  ];

  it('list active teammates first, then those who left, by name', () => {
    expect(teammateOrder(people).map((t) => t.id)).toEqual(['b', 'z', 'a', 's']);
    expect(people[0].id).toBe('z');
  });

  it('say what deactivating does before doing it', () => {
    expect(deactivationWarning('Sam Lee')).toBe(
      'Sam Lee will be signed out everywhere, their API tokens stop working, and they can no longer be given tickets. Their past work keeps their name.',
    );
    expect(deactivationWarning('  ')).toMatch(/^This teammate will be signed out everywhere/);
  });

  it('offer deactivated teammates to a team only to take them off', () => {
    expect(memberChoices(people, []).map((t) => t.id)).toEqual(['b', 'z']);
    expect(memberChoices(people, ['s', 'z']).map((t) => t.id)).toEqual(['b', 'z', 's']);
  });
});
