// The create-ticket form, generated from a ticket type's attributes: which input each attribute
// gets, and how the raw input values become the `CreateTicket` the backend validates. Only a
// missing required value is caught here (to say so at its field at once); the rest (options,
// number formats) the backend judges, and its answer is shown at the field it names.
import type {
  ApiError,
  AttributeDef,
  AttributeValue,
  Category,
  CreateTicket,
  DataType,
  TicketState,
  TicketType,
  Workspace,
} from './bindings';

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
  /** Who holds the new ticket; nobody when absent. */
  assignee_teammate?: string | null;
  assignee_team?: string | null;
  /** The state it starts in; the type's first "submitted" state when absent. */
  state_id?: string | null;
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
    state_id: ctx.state_id ?? null,
    contacts: [...ctx.contacts],
    company: ctx.company ?? null,
    brand: ctx.brand ?? null,
    assignee_teammate: ctx.assignee_teammate ?? null,
    assignee_team: ctx.assignee_team ?? null,
    shared: null,
    conversation: ctx.conversation,
    origin_ticket: ctx.origin_ticket,
  };
}

/** Whether a field holds nothing (an unchecked box counts as a value: "no"). */
function isEmpty(f: FormField, raw: RawValue | undefined): boolean {
  if (f.kind === 'checkbox') return false;
  return raw === undefined || (typeof raw === 'string' ? raw.trim() === '' : false);
}

/** The required fields left empty, each with what to say at it, in form order. */
export function missingRequired(fields: FormField[], values: Record<string, RawValue>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) if (f.required && isEmpty(f, values[f.key])) errors[f.key] = `${f.label} is required.`;
  return errors;
}

/** The backend's refusals that are about one attribute's value; their message names it in quotes. */
const ATTRIBUTE_CODES = new Set(['attribute_required', 'attribute_wrong_type', 'attribute_not_an_option']);

/** The field a refusal of the backend is about, or null for one that belongs to no field (shown
 *  in the form's banner). */
export function fieldOfError(fields: FormField[], error: Pick<ApiError, 'code' | 'message'>): string | null {
  if (!ATTRIBUTE_CODES.has(error.code)) return null;
  const named = [...error.message.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const f = fields.find((f) => named.includes(f.label)) ?? fields.find((f) => named.includes(f.key));
  return f?.key ?? null;
}

/** Whether the teammate typed or chose anything: what Esc would throw away. */
export function formTouched(
  fields: FormField[],
  values: Record<string, RawValue>,
  initial: Record<string, RawValue>,
  chosen: unknown[] = [],
): boolean {
  if (chosen.some((c) => (Array.isArray(c) ? c.length > 0 : c !== null && c !== undefined && c !== ''))) return true;
  return fields.some((f) => {
    const now = values[f.key] ?? (f.kind === 'checkbox' ? false : '');
    const was = initial[f.key] ?? (f.kind === 'checkbox' ? false : '');
    return typeof now === 'string' && typeof was === 'string' ? now.trim() !== was.trim() : now !== was;
  });
}

/** The states a new ticket of `type` may start in, in the type's menu order (archived ones left out). */
export function typeStates(states: TicketState[], type: Pick<TicketType, 'states'> | null): TicketState[] {
  if (!type) return [];
  return type.states
    .map((id) => states.find((s) => s.id === id))
    .filter((s): s is TicketState => !!s && !s.archived);
}
