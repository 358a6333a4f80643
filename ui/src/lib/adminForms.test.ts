import { describe, expect, it } from 'vitest';
import type { TicketType } from './api';
import { attributeKey, canMove, dataType, moved, newAttribute, parseOptions } from './adminForms';

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
});
