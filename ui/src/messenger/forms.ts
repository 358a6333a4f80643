// The Messenger's forms: email sign-in, the new-ticket form built from a ticket type, and the
// message composer. Checks here mirror the server's (it checks again and has the last word).
import type {
  AttributeValue,
  DataTypeKind,
  DataTypeWire,
  MessengerAttribute,
  MessengerTicketType,
  NewTicket,
} from './types';

const KINDS: DataTypeKind[] = ['text', 'long_text', 'integer', 'decimal', 'boolean', 'list', 'date'];

/** A data type as sent (a bare name or `{kind, options}`), as kind and options. */
export function dataType(wire: DataTypeWire, extraOptions: string[] = []): { kind: DataTypeKind; options: string[] } {
  const kind = typeof wire === 'string' ? wire : wire?.kind;
  const options = (typeof wire === 'object' && wire?.options) || extraOptions;
  return { kind: KINDS.includes(kind) ? kind : 'text', options: [...options] };
}

export interface TicketField {
  key: string;
  label: string;
  kind: DataTypeKind;
  /** The choices of a list. */
  options: string[];
  required: boolean;
}

/** What an input holds: text, a checkbox's state, or a number input's number (null when empty). */
export type FieldValue = string | boolean | number | null;

/** An input's value as trimmed text ('' for empty, and for a checkbox). */
function asText(value: FieldValue | undefined): string {
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return value.trim();
}

function field(a: MessengerAttribute): TicketField {
  const { kind, options } = dataType(a.data_type, a.options ?? []);
  return { key: a.key, label: a.name, kind, options, required: Boolean(a.required) };
}

/** The form's fields: title, then description, then the type's other attributes in order. */
export function ticketFields(type: Pick<MessengerTicketType, 'attributes' | 'fields'>): TicketField[] {
  const rank = (key: string) => (key === 'title' ? 0 : key === 'description' ? 1 : 2);
  return (type.attributes ?? type.fields ?? [])
    .map((a, i) => ({ a, i }))
    .sort((x, y) => rank(x.a.key) - rank(y.a.key) || x.i - y.i)
    .map(({ a }) => field(a));
}

/** Empty inputs, unchecked boxes. */
export function initialValues(fields: TicketField[]): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const f of fields) values[f.key] = f.kind === 'boolean' ? false : '';
  return values;
}

function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** What is wrong with one field's value, or null. */
export function validateField(f: TicketField, value: FieldValue | undefined): string | null {
  if (f.kind === 'boolean') return null; // unchecked is an answer too
  const text = asText(value);
  if (text === '') return f.required ? `${f.label} is required.` : null;
  switch (f.kind) {
    case 'text':
      return /[\r\n]/.test(text) ? `${f.label} must fit on one line.` : null;
    case 'integer':
      return /^[-+]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? null : `${f.label} must be a whole number.`;
    case 'decimal':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) && Number.isFinite(Number(text))
        ? null
        : `${f.label} must be a number.`;
    case 'list':
      return f.options.includes(text) ? null : `Choose one of the options for ${f.label}.`;
    case 'date':
      return isIsoDate(text) ? null : `${f.label} must be a date (YYYY-MM-DD).`;
    default:
      return null;
  }
}

/** The problems of the form, by field key; empty when it can be sent. */
export function validateTicket(fields: TicketField[], values: Record<string, FieldValue>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const e = validateField(f, values[f.key]);
    if (e !== null) errors[f.key] = e;
  }
  return errors;
}

/** One value as sent: numbers as numbers, booleans as booleans, empty ones left out (null). */
export function attributeValue(f: TicketField, value: FieldValue | undefined): AttributeValue | null {
  if (f.kind === 'boolean') return value === true || value === 'true';
  const text = asText(value);
  if (text === '') return null;
  if (f.kind === 'integer' || f.kind === 'decimal') {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  // Long text keeps its inner layout; only the ends are trimmed.
  return f.kind === 'long_text' && typeof value === 'string' ? value.trim() : text;
}

/** The body of `POST /messenger/tickets`. */
export function ticketPayload(typeId: string, fields: TicketField[], values: Record<string, FieldValue>): NewTicket {
  const attributes: Record<string, AttributeValue> = {};
  for (const f of fields) {
    const v = attributeValue(f, values[f.key]);
    if (v !== null) attributes[f.key] = v;
  }
  return { type_id: typeId, attributes };
}

/** What is wrong with an email address, or null. */
export function validateEmail(email: string): string | null {
  const e = email.trim();
  if (e === '') return 'Enter your email address.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return 'Enter a valid email address, like name@example.com.';
  return null;
}

/** The digits of a typed or pasted code ("123 456" → "123456"), at most six. */
export function normalizeCode(code: string): string {
  return code.replace(/\D/g, '').slice(0, 6);
}

/** What is wrong with a sign-in code, or null. */
export function validateCode(code: string): string | null {
  return normalizeCode(code).length === 6 ? null : 'Enter the 6-digit code from the email.';
}

/** What is wrong with a message, or null. */
export function validateMessage(body: string): string | null {
  return body.trim() === '' ? 'Write a message first.' : null;
}
