// Editing settings: pure helpers for the admin screens (the backend checks every change with
// the same rules as the server).
import type { AttributeDef, DataType, Teammate, TicketType } from './bindings';

export const DATA_TYPES: { kind: DataType['kind']; label: string }[] = [
  { kind: 'text', label: 'Text' },
  { kind: 'long_text', label: 'Long text' },
  { kind: 'integer', label: 'Whole number' },
  { kind: 'decimal', label: 'Decimal number' },
  { kind: 'boolean', label: 'Yes / no' },
  { kind: 'list', label: 'List' },
  { kind: 'date', label: 'Date' },
];

export function dataType(kind: DataType['kind'], options: string[] = []): DataType {
  return kind === 'list' ? { kind, options } : { kind };
}

/** A stable key from an attribute's name: "Order ID" → "order_id", unique within `taken`. */
export function attributeKey(name: string, taken: string[]): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'attribute';
  let key = base;
  for (let n = 2; taken.includes(key); n++) key = `${base}_${n}`;
  return key;
}

export function newAttribute(name: string, kind: DataType['kind'], taken: string[]): AttributeDef {
  return {
    key: attributeKey(name, taken),
    name: name.trim(),
    data_type: dataType(kind),
    required_to_create: false,
    visible_to_customer: true,
    built_in: false,
  };
}

/** `list` with the item at `index` moved by `delta` (kept inside the list). */
export function moved<T>(list: T[], index: number, delta: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, index + delta));
  if (to === index) return list;
  const out = [...list];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item);
  return out;
}

/** List options as typed, one per comma: trimmed, blanks and repeats dropped. */
export function parseOptions(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o && !seen.has(o) && seen.add(o));
}

/** Title and description stay first: only the custom attributes move among themselves. */
export function canMove(type: TicketType, index: number, delta: number): boolean {
  const to = index + delta;
  const attrs = type.attributes;
  return !attrs[index].built_in && to >= 0 && to < attrs.length && !attrs[to].built_in;
}

/** The Teammates list: active teammates first, then those who left; by name within each. */
export function teammateOrder<T extends Pick<Teammate, 'name' | 'active'>>(teammates: T[]): T[] {
  return [...teammates].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
}

/** What deactivating a teammate does, said before it is done. */
export function deactivationWarning(name: string): string {
  const who = name.trim() || 'This teammate';
  return (
    `${who} will be signed out everywhere, their API tokens stop working, and they can no longer ` +
    'be given tickets. Their past work keeps their name.'
  );
}

/**
 * The teammates a team's member checkboxes offer: every active one, and those deactivated who
 * are already members (`saved`, the team as saved) so they can be taken off; a deactivated
 * teammate cannot join a team.
 */
export function memberChoices<T extends Pick<Teammate, 'id' | 'name' | 'active'>>(teammates: T[], saved: string[]): T[] {
  return teammateOrder(teammates.filter((t) => t.active || saved.includes(t.id)));
}

/** A brand's colour when it has none of its own (the server's `Brand::DEFAULT_COLOR`). */
export const BRAND_DEFAULT_COLOR = '#3b5bdb';
