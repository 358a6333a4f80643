import { describe, expect, it } from 'vitest';
import type { AttributeDef, TicketType } from './bindings';
import {
  attributeValues,
  buildCreateTicket,
  coerceValue,
  creatableTypes,
  fieldOfError,
  formFields,
  formTouched,
  initialValues,
  inputKind,
  missingRequired,
  typeStates,
} from './ticketForm';

const attr = (key: string, data_type: AttributeDef['data_type'], extra: Partial<AttributeDef> = {}): AttributeDef => ({
  key,
  name: key.charAt(0).toUpperCase() + key.slice(1),
  data_type,
  required_to_create: false,
  visible_to_customer: true,
  built_in: false,
  ...extra,
});

const type: TicketType = {
  id: 'bug',
  name: 'Bug',
  icon: 'bug',
  description: '',
  category: 'back_office',
  states: [],
  archived: false,
  attributes: [
    attr('severity', { kind: 'list', options: ['Low', 'High'] }, { required_to_create: true, visible_to_customer: false }),
    attr('title', { kind: 'text' }, { required_to_create: true, built_in: true }),
    attr('count', { kind: 'integer' }),
    attr('amount', { kind: 'decimal' }),
    attr('urgent', { kind: 'boolean' }),
    attr('due', { kind: 'date' }),
    attr('description', { kind: 'long_text' }, { built_in: true }),
  ],
};

describe('inputKind', () => {
  it('maps each data type to its input', () => {
    expect(inputKind({ kind: 'text' })).toBe('text');
    expect(inputKind({ kind: 'long_text' })).toBe('textarea');
    expect(inputKind({ kind: 'integer' })).toBe('number');
    expect(inputKind({ kind: 'decimal' })).toBe('number');
    expect(inputKind({ kind: 'boolean' })).toBe('checkbox');
    expect(inputKind({ kind: 'list', options: ['a'] })).toBe('select');
    expect(inputKind({ kind: 'date' })).toBe('date');
  });
});

describe('formFields', () => {
  it('puts title and description first, then the attributes in order', () => {
    const fields = formFields(type);
    expect(fields.map((f) => f.key)).toEqual(['title', 'description', 'severity', 'count', 'amount', 'urgent', 'due']);
    const severity = fields.find((f) => f.key === 'severity')!;
    expect(severity).toMatchObject({ kind: 'select', options: ['Low', 'High'], required: true, internal: true });
    expect(fields.find((f) => f.key === 'count')!.step).toBe('1');
    expect(fields.find((f) => f.key === 'amount')!.step).toBe('any');
    expect(fields[0]).toMatchObject({ required: true, internal: false });
  });
});

describe('creatableTypes', () => {
  it('keeps the non-archived types of the category', () => {
    const types = [
      type,
      { ...type, id: 'old', archived: true },
      { ...type, id: 'q', category: 'customer' as const },
    ];
    expect(creatableTypes({ ticket_types: types }, 'back_office').map((t) => t.id)).toEqual(['bug']);
    expect(creatableTypes({ ticket_types: types }, 'customer').map((t) => t.id)).toEqual(['q']);
    expect(creatableTypes({ ticket_types: types }, null).length).toBe(types.filter((t) => !t.archived).length);
  });
});

describe('coerceValue', () => {
  it('turns number inputs into numbers and leaves unparseable text for the backend', () => {
    expect(coerceValue('number', '42')).toBe(42);
    expect(coerceValue('number', ' 19.9 ')).toBe(19.9);
    expect(coerceValue('number', '12abc')).toBe('12abc');
  });
  it('treats empty inputs as absent', () => {
    expect(coerceValue('text', '')).toBeNull();
    expect(coerceValue('textarea', '   ')).toBeNull();
    expect(coerceValue('number', '')).toBeNull();
    expect(coerceValue('select', '')).toBeNull();
    expect(coerceValue('date', undefined)).toBeNull();
  });
  it('keeps checkboxes as booleans, unchecked included', () => {
    expect(coerceValue('checkbox', true)).toBe(true);
    expect(coerceValue('checkbox', false)).toBe(false);
    expect(coerceValue('checkbox', 'true')).toBe(true);
  });
  it('keeps text as typed', () => {
    expect(coerceValue('text', 'Card declined ')).toBe('Card declined ');
    expect(coerceValue('date', '2026-11-23')).toBe('2026-11-23');
  });
});

describe('building the request', () => {
  it('keys values by attribute, leaves empty ones out and everything else null', () => {
    const fields = formFields(type);
    const values = { ...initialValues(fields, { title: 'Broken export' }), count: '3', severity: 'High' };
    expect(attributeValues(fields, values)).toEqual({ title: 'Broken export', severity: 'High', count: 3, urgent: false });
    const req = buildCreateTicket('t9', 'bug', fields, values, { contacts: ['c1'], conversation: null, origin_ticket: 't1' });
    expect(req).toEqual({
      id: 't9',
      type_id: 'bug',
      fields: { attributes: { title: 'Broken export', severity: 'High', count: 3, urgent: false } },
      state_id: null,
      contacts: ['c1'],
      company: null,
      brand: null,
      assignee_teammate: null,
      assignee_team: null,
      shared: null,
      conversation: null,
      origin_ticket: 't1',
    });
    const chosen = buildCreateTicket('t10', 'bug', fields, values, {
      contacts: [],
      conversation: null,
      origin_ticket: null,
      company: 'k1',
      brand: 'b2',
    });
    expect([chosen.company, chosen.brand]).toEqual(['k1', 'b2']);
  });
  it('prefills and defaults the initial values', () => {
    const fields = formFields(type);
    const values = initialValues(fields, { title: 'Subject' });
    expect(values.title).toBe('Subject');
    expect(values.urgent).toBe(false);
    expect(values.count).toBe('');
  });
});

describe('errors at their field', () => {
  const fields = formFields(type);
  it('names each required field left empty, in form order', () => {
    const values = initialValues(fields, { title: '  ' });
    expect(missingRequired(fields, values)).toEqual({ title: 'Title is required.', severity: 'Severity is required.' });
    expect(missingRequired(fields, { ...values, title: 'Export fails', severity: 'Low' })).toEqual({});
  });
  it("finds the field a backend refusal names, and none for the others", () => {
    expect(fieldOfError(fields, { code: 'attribute_required', message: '"Severity" is required to create a ticket of this type.' })).toBe('severity');
    expect(fieldOfError(fields, { code: 'attribute_wrong_type', message: '"Count" must be a whole number.' })).toBe('count');
    expect(fieldOfError(fields, { code: 'attribute_not_an_option', message: '"Huge" is not one of the options of "Severity".' })).toBe('severity');
    expect(fieldOfError(fields, { code: 'not_found', message: 'No contact with id "x" exists.' })).toBeNull();
    expect(fieldOfError(fields, { code: 'attribute_required', message: '"Something else" is required.' })).toBeNull();
  });
});

describe('what Esc would throw away', () => {
  const fields = formFields(type);
  const initial = initialValues(fields, { title: 'From the conversation' });
  it('is nothing until something is typed or chosen', () => {
    expect(formTouched(fields, { ...initial }, initial)).toBe(false);
    expect(formTouched(fields, { ...initial }, initial, [[], null, '', undefined])).toBe(false);
  });
  it('is a typed value, a ticked box or a chosen person', () => {
    expect(formTouched(fields, { ...initial, title: 'From the conversation!' }, initial)).toBe(true);
    expect(formTouched(fields, { ...initial, urgent: true }, initial)).toBe(true);
    expect(formTouched(fields, { ...initial }, initial, [[{ id: 'c1' }]])).toBe(true);
    expect(formTouched(fields, { ...initial }, initial, ['teammate-1'])).toBe(true);
  });
});

describe('states offered at creation', () => {
  const state = (id: string, archived = false) => ({
    id,
    internal_label: id,
    customer_label: id,
    category: 'submitted' as const,
    archived,
  });
  it("are the type's, in its order, archived ones left out", () => {
    const all = [state('a'), state('b'), state('c', true), state('d')];
    expect(typeStates(all, { states: ['d', 'c', 'a'] }).map((s) => s.id)).toEqual(['d', 'a']);
    expect(typeStates(all, null)).toEqual([]);
  });
  it('travel in the request with the assignee', () => {
    const fields = formFields(type);
    const req = buildCreateTicket('t11', 'bug', fields, initialValues(fields), {
      contacts: [],
      conversation: null,
      origin_ticket: null,
      assignee_teammate: 'm1',
      assignee_team: 'team1',
      state_id: 's2',
    });
    expect([req.assignee_teammate, req.assignee_team, req.state_id]).toEqual(['m1', 'team1', 's2']);
  });
});
