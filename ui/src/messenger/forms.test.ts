import { describe, expect, it } from 'vitest';
import {
  attributeValue,
  dataType,
  initialValues,
  normalizeCode,
  ticketFields,
  ticketPayload,
  validateCode,
  validateEmail,
  validateField,
  validateMessage,
  validateTicket,
  type TicketField,
} from './forms';
import type { MessengerTicketType } from './types';

const bug: MessengerTicketType = {
  id: 'tt1',
  name: 'Bug report',
  description: 'Something broken',
  icon: '🐞',
  attributes: [
    { key: 'severity', name: 'Severity', data_type: { kind: 'list', options: ['Low', 'High'] }, required: true },
    { key: 'description', name: 'Description', data_type: 'long_text', required: false },
    { key: 'title', name: 'Title', data_type: { kind: 'text' }, required: true },
    { key: 'count', name: 'Users affected', data_type: 'integer', required: false },
    { key: 'amount', name: 'Amount', data_type: 'decimal', required: false },
    { key: 'urgent', name: 'Urgent', data_type: 'boolean', required: true },
    { key: 'since', name: 'Since', data_type: 'date', required: false },
    { key: 'plan', name: 'Plan', data_type: 'list', options: ['Free', 'Pro'], required: false },
  ],
};

const field = (kind: TicketField['kind'], required = false, options: string[] = []): TicketField => ({
  key: 'k',
  label: 'Field',
  kind,
  options,
  required,
});

describe('ticket form', () => {
  it('reads both shapes of data type', () => {
    expect(dataType('integer')).toEqual({ kind: 'integer', options: [] });
    expect(dataType({ kind: 'list', options: ['a'] })).toEqual({ kind: 'list', options: ['a'] });
    expect(dataType('list', ['x'])).toEqual({ kind: 'list', options: ['x'] });
    expect(dataType('weird' as never)).toEqual({ kind: 'text', options: [] });
  });

  it('puts title and description first, the rest in order', () => {
    const fields = ticketFields(bug);
    expect(fields.map((f) => f.key)).toEqual(['title', 'description', 'severity', 'count', 'amount', 'urgent', 'since', 'plan']);
    expect(fields.find((f) => f.key === 'plan')?.options).toEqual(['Free', 'Pro']);
    expect(initialValues(fields)).toMatchObject({ title: '', urgent: false });
  });

  it('reads the attributes under `fields` too (as the server names them)', () => {
    const asServer = { fields: bug.attributes };
    expect(ticketFields(asServer).map((f) => f.key)).toEqual(ticketFields(bug).map((f) => f.key));
    expect(ticketFields({})).toEqual([]);
  });

  it('enforces required fields, but an unchecked box is an answer', () => {
    const fields = ticketFields(bug);
    const errors = validateTicket(fields, initialValues(fields));
    expect(Object.keys(errors).sort()).toEqual(['severity', 'title']);
    expect(errors.title).toBe('Title is required.');
  });

  it('checks values by type', () => {
    expect(validateField(field('integer'), '12')).toBeNull();
    expect(validateField(field('integer'), '1.5')).toMatch(/whole number/);
    expect(validateField(field('decimal'), '-1.25')).toBeNull();
    expect(validateField(field('decimal'), '1e3')).toBeNull();
    expect(validateField(field('decimal'), 'abc')).toMatch(/number/);
    expect(validateField(field('date'), '2026-02-28')).toBeNull();
    expect(validateField(field('date'), '2026-02-30')).toMatch(/date/);
    expect(validateField(field('date'), '28/02/2026')).toMatch(/date/);
    expect(validateField(field('list', false, ['A']), 'B')).toMatch(/options/);
    expect(validateField(field('list', false, ['A']), 'A')).toBeNull();
    expect(validateField(field('text'), 'two\nlines')).toMatch(/one line/);
    expect(validateField(field('text'), '   ')).toBeNull();
    expect(validateField(field('text', true), '   ')).toMatch(/required/);
  });

  it('takes the numbers of number inputs as well as their text', () => {
    expect(validateField(field('integer'), 1.5)).toMatch(/whole number/);
    expect(validateField(field('integer'), 3)).toBeNull();
    expect(validateField(field('integer', true), null)).toMatch(/required/);
    expect(attributeValue(field('integer'), 3)).toBe(3);
    expect(attributeValue(field('decimal'), null)).toBeNull();
  });

  it('sends typed values and leaves empty ones out', () => {
    const fields = ticketFields(bug);
    const values = {
      ...initialValues(fields),
      title: '  Crash on save ',
      description: '  Line 1\n  Line 2  ',
      severity: 'High',
      count: '12',
      amount: '',
      urgent: true,
    };
    expect(ticketPayload('tt1', fields, values)).toEqual({
      type_id: 'tt1',
      attributes: {
        title: 'Crash on save',
        description: 'Line 1\n  Line 2',
        severity: 'High',
        count: 12,
        urgent: true,
      },
    });
    expect(attributeValue(field('boolean'), false)).toBe(false);
    expect(attributeValue(field('decimal'), '0.5')).toBe(0.5);
  });
});

describe('sign-in and message checks', () => {
  it('checks the email', () => {
    expect(validateEmail('')).toMatch(/Enter your email/);
    expect(validateEmail('ada')).toMatch(/valid/);
    expect(validateEmail(' ada@example.com ')).toBeNull();
  });

  it('keeps six digits of a code', () => {
    expect(normalizeCode('123 456')).toBe('123456');
    expect(normalizeCode('12-34-56-78')).toBe('123456');
    expect(validateCode('12345')).toMatch(/6-digit/);
    expect(validateCode('123-456')).toBeNull();
  });

  it('refuses a blank message', () => {
    expect(validateMessage('  \n ')).toMatch(/Write/);
    expect(validateMessage('Hi')).toBeNull();
  });
});
