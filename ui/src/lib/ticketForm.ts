// The create-ticket form, generated from a ticket type's attributes: which input each attribute
// gets, and how the raw input values become the `CreateTicket` the backend validates. Nothing is
// judged here (required fields, options, number formats): the backend answers with an error.
import type { AttributeDef, AttributeValue, Category, CreateTicket, DataType, TicketType, Workspace } from './bindings';

export type InputKind = 'text' | 'textarea' | 'number' | 'checkbox' | 'select' | 'date';

/** What the form holds for one attribute: text inputs give strings, checkboxes booleans. */
export type RawValue = string | boolean;

export interface FormField {
  key: string;
  label: string;
  kind: InputKind;
  /** For `number` inputs: the step (1 for integers, "any" for decimals). */
  step: string | null;
  options: string[];
  required: boolean;
  /** Not shown to the customer. */
  internal: boolean;
}

export function inputKind(dataType: DataType): InputKind {
  switch (dataType.kind) {
    case 'text':
      return 'text';
    case 'long_text':
      return 'textarea';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'boolean':
      return 'checkbox';
    case 'list':
      return 'select';
    case 'date':
      return 'date';
  }
}

/** The ticket types one can create in `category`, in workspace order (archived ones left out). */
/** The types a ticket can be created with: of `category`, or of any category when null. */
export function creatableTypes(workspace: Pick<Workspace, 'ticket_types'>, category: Category | null): TicketType[] {
  return workspace.ticket_types.filter((t) => (category === null || t.category === category) && !t.archived);
}

function field(a: AttributeDef): FormField {
  return {
    key: a.key,
    label: a.name,
    kind: inputKind(a.data_type),
    step: a.data_type.kind === 'integer' ? '1' : a.data_type.kind === 'decimal' ? 'any' : null,
    options: a.data_type.kind === 'list' ? a.data_type.options : [],
    required: a.required_to_create,
    internal: !a.visible_to_customer,
  };
}

/** The form's fields: title, then description, then the type's own attributes in order. */
export function formFields(type: Pick<TicketType, 'attributes'>): FormField[] {
  const rank = (key: string) => (key === 'title' ? 0 : key === 'description' ? 1 : 2);
  return type.attributes
    .map((a, i) => ({ a, i }))
    .sort((x, y) => rank(x.a.key) - rank(y.a.key) || x.i - y.i)
    .map(({ a }) => field(a));
}

/** The initial value of each field: empty strings, unchecked boxes; `prefill` wins. */
export function initialValues(fields: FormField[], prefill: Record<string, RawValue> = {}): Record<string, RawValue> {
  const values: Record<string, RawValue> = {};
  for (const f of fields) values[f.key] = prefill[f.key] ?? (f.kind === 'checkbox' ? false : '');
  return values;
}

/**
 * One raw input value as sent to the backend, or null for an empty one (left out). Numbers that
 * parse become numbers; anything else stays the typed string so the backend can name the problem.
 */
export function coerceValue(kind: InputKind, raw: RawValue | undefined): AttributeValue | null {
  if (raw === undefined) return null;
  if (kind === 'checkbox') return typeof raw === 'boolean' ? raw : raw === 'true';
  const text = typeof raw === 'string' ? raw : String(raw);
  if (text.trim() === '') return null;
  if (kind === 'number') {
    const n = Number(text.trim());
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

/** The attribute values of the form, keyed by attribute key, empty ones left out. */
export function attributeValues(fields: FormField[], values: Record<string, RawValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const f of fields) {
    const v = coerceValue(f.kind, values[f.key]);
    if (v !== null) out[f.key] = v;
  }
  return out;
}

/** Where the new ticket comes from and whom it is about; everything else is left to the backend. */
export interface CreateContext {
  contacts: string[];
  conversation: string | null;
  origin_ticket: string | null;
  /** Chosen in the form; the backend's defaults when absent (the workspace's default brand). */
  company?: string | null;
  brand?: string | null;
}

export function buildCreateTicket(
  id: string,
  typeId: string,
  fields: FormField[],
  values: Record<string, RawValue>,
  ctx: CreateContext,
): CreateTicket {
  return {
    id,
    type_id: typeId,
    fields: { attributes: attributeValues(fields, values) },
    state_id: null,
    contacts: [...ctx.contacts],
    company: ctx.company ?? null,
    brand: ctx.brand ?? null,
    assignee_teammate: null,
    assignee_team: null,
    shared: null,
    conversation: ctx.conversation,
    origin_ticket: ctx.origin_ticket,
  };
}
