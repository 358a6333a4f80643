// The Messenger API's JSON shapes, written by hand from docs/messenger.md (and the server's
// `inbox_core::messenger` types). Ids are strings (ULIDs); times are milliseconds since the epoch.

export type StateCategory = 'submitted' | 'in_progress' | 'waiting_on_customer' | 'resolved';

/** What the customer can do from a ticket in the Tickets space (R8). */
export type TicketAction = 'send_message' | 'continue_conversation' | 'view_closed_conversation';

export interface Brand {
  id: string;
  name: string;
  /** `#rrggbb`, or empty for the default colour. */
  color: string;
  /** The server's PNG (`/brands/ID/logo.png`), or empty/null when the brand has none. */
  logo_url: string | null;
}

export interface MessengerConfig {
  brand: Brand;
}

export interface Contact {
  id: string;
  name: string | null;
  email: string | null;
}

/** Which thread a signed link opens. */
export type SessionThread = { ticket: string } | { conversation: string };

export interface Session {
  token: string;
  expires_at: number | string | null;
  contact: Contact;
  thread?: SessionThread | null;
}

export interface MessengerTicket {
  id: string;
  number: number | null;
  title: string;
  /** The customer-facing label ("Waiting on you"), never the internal one. */
  state_label: string;
  state_category: StateCategory;
  /** Customer-visible attributes, as [name, value]. */
  attributes: [string, string][];
  last_activity_at: number;
  action: TicketAction;
}

export interface Badges {
  /** Threads with something unseen: the count on the collapsed launcher. */
  messenger: number;
  tickets_space: number;
  messages_space: number;
}

export interface MessengerHome {
  /** At most three, most recent activity first, never a resolved ticket (R9). */
  recent_tickets: MessengerTicket[];
  /** Null when the customer has no active or resolved ticket (R8): no Tickets space then. */
  tickets_space: MessengerTicket[] | null;
  badges: Badges;
  /** Tickets with something the customer has not seen yet (a dot on their rows). */
  unseen_tickets?: string[];
  /** Conversations with a team message the customer has not seen yet. */
  unseen_conversations?: string[];
}

export type TimelineEntryData =
  | { id: string; at: number; kind: 'submitted'; title: string; number: number | null }
  | {
      id: string;
      at: number;
      kind: 'message';
      body: string;
      from_customer: boolean;
      /** The teammate who wrote a team message. */
      author_name?: string | null;
      attachments?: CustomerFile[];
    }
  | { id: string; at: number; kind: 'state_changed'; label: string };

export interface CustomerTicket extends MessengerTicket {
  /** Oldest first; the first entry is the submission. */
  timeline: TimelineEntryData[];
}

export interface CustomerMessage {
  id: string;
  at: number;
  body: string;
  from_customer: boolean;
  /** The teammate who wrote a team message, as customers see their name. */
  author_name: string | null;
  attachments?: CustomerFile[];
}

/** A file of a message: fetched from `url` with the customer's token. */
export interface CustomerFile {
  id: string;
  name: string;
  content_type: string;
  size: number;
  url: string;
}

export interface CustomerConversation {
  id: string;
  subject: string;
  open: boolean;
  created_at: number;
  last_activity_at: number;
  /** Oldest first. */
  messages: CustomerMessage[];
}

export type DataTypeKind = 'text' | 'long_text' | 'integer' | 'decimal' | 'boolean' | 'list' | 'date';

/** A data type as the server may send it: the tagged form (`{kind, options}`) or a bare name. */
export type DataTypeWire = DataTypeKind | { kind: DataTypeKind; options?: string[] };

export interface MessengerAttribute {
  key: string;
  name: string;
  data_type: DataTypeWire;
  required: boolean;
  /** For lists, when the server sends the options beside the data type. */
  options?: string[];
}

export interface MessengerTicketType {
  id: string;
  name: string;
  description: string | null;
  /** An emoji shown beside the type's name. */
  icon: string | null;
  /** The customer-visible attributes, as docs/messenger.md names them… */
  attributes?: MessengerAttribute[];
  /** …and as the server sends them (`CustomerTicketForm.fields`). */
  fields?: MessengerAttribute[];
}

export type AttributeValue = string | number | boolean;

export interface NewTicket {
  type_id: string;
  attributes: Record<string, AttributeValue>;
}

export interface NewConversation {
  subject?: string;
  body: string;
}

/** An error as the API sends it (`{code, message, errors}`), or as the client makes one up. */
export interface ApiErrorBody {
  code: string;
  message: string;
}
