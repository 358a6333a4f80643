// The typed IPC contract with the Rust side (src-tauri/commands.rs). Every command either
// resolves with its result or rejects with an `ApiError` ({code, message}).
import { invoke } from '@tauri-apps/api/core';

export type Millis = number;
export type Category = 'customer' | 'back_office' | 'tracker';
export type StateCategory = 'submitted' | 'in_progress' | 'waiting_on_customer' | 'resolved';
export type Role = 'admin' | 'teammate';

export interface ApiError {
  code: string;
  message: string;
}

export interface Teammate {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** False once deactivated (they left the team): their name stays on past work, but they
   *  cannot sign in, be given tickets or join a team. */
  active: boolean;
}

export interface Team {
  id: string;
  name: string;
  members: string[];
}

export interface Brand {
  id: string;
  name: string;
  logo_url: string;
  is_default: boolean;
}

export interface Company {
  id: string;
  name: string;
}

export interface Contact {
  id: string;
  name: string;
  email: string;
  company: string | null;
}

export interface TicketState {
  id: string;
  internal_label: string;
  customer_label: string;
  category: StateCategory;
  archived: boolean;
}

export type DataType =
  | { kind: 'text' }
  | { kind: 'long_text' }
  | { kind: 'integer' }
  | { kind: 'decimal' }
  | { kind: 'boolean' }
  | { kind: 'list'; options: string[] }
  | { kind: 'date' };

export interface AttributeDef {
  key: string;
  name: string;
  data_type: DataType;
  required_to_create: boolean;
  visible_to_customer: boolean;
  built_in: boolean;
}

export interface TicketType {
  id: string;
  name: string;
  icon: string;
  description: string;
  category: Category;
  attributes: AttributeDef[];
  states: string[];
  archived: boolean;
}

export type AttributeValue = boolean | number | string;

export interface Ticket {
  id: string;
  number: number | null;
  type_id: string;
  category: Category;
  title: string;
  description: string;
  attributes: Record<string, AttributeValue>;
  state_id: string;
  open: boolean;
  assignee_teammate: string | null;
  assignee_team: string | null;
  contacts: string[];
  company: string | null;
  brand: string;
  shared: boolean;
  tracker: string | null;
  conversation: string | null;
  origin_ticket: string | null;
  created_at: Millis;
  updated_at: Millis;
  last_activity_at: Millis;
}

export type Author =
  | { kind: 'teammate'; id: string }
  | { kind: 'contact'; id: string }
  | { kind: 'system' };

export type PartKind =
  | { kind: 'reply'; body: string }
  | { kind: 'note'; body: string }
  | { kind: 'state_changed'; from: string; to: string }
  | { kind: 'closed'; resolved: boolean }
  | { kind: 'reopened' }
  | { kind: 'assignment_changed'; teammate: string | null; team: string | null }
  | { kind: 'share_changed'; shared: boolean }
  | { kind: 'attribute_changed'; key: string; from: AttributeValue | null; to: AttributeValue | null }
  | { kind: 'link_changed'; link: string; target: string; label: string; linked: boolean }
  | { kind: 'brand_changed'; brand: string; name: string }
  | { kind: 'customers_notified'; contacts: string[]; channels: Channel[]; email: EmailDue | null }
  | { kind: 'cross_post'; from_ticket: string; body: string };

export interface TimelineEntry {
  id: string;
  author: Author;
  /** The author's display name, resolved by the backend ("System" for rules). */
  author_name: string;
  kind: PartKind;
  created_at: Millis;
}

/** The workspace as the signed-in teammate sees it. */
export interface Workspace {
  me: Teammate;
  teammates: Teammate[];
  teams: Team[];
  brands: Brand[];
  states: TicketState[];
  ticket_types: TicketType[];
}

export type View =
  | { kind: 'all' }
  | { kind: 'mine' }
  | { kind: 'unassigned' }
  | { kind: 'category'; category: Category }
  | { kind: 'state'; state_id: string }
  | { kind: 'team'; team_id: string }
  | { kind: 'brand'; brand_id: string }
  | { kind: 'contact'; contact_id: string }
  | { kind: 'company'; company_id: string };

export type Sort = 'last_activity' | 'created' | 'state';

/** Narrowing a view: every filter given must hold; within one, any of its values. */
export interface Filters {
  categories: Category[];
  states: string[];
  brands: string[];
  /** Open (true) or closed (false) only; null for both. */
  open: boolean | null;
  /** Only tickets with something I have not read. */
  unread: boolean;
}

export interface ViewCounts {
  all: number;
  mine: number;
  unassigned: number;
  /** Open tickets assigned to me with something I have not read. */
  unread: number;
  by_category: Record<Category, number>;
  /** Keyed by state id; states with no tickets are present with 0. */
  by_state: Record<string, number>;
  /** Keyed by team id, every team present. */
  by_team: Record<string, number>;
  by_brand: Record<string, number>;
}

export interface InboxRow {
  id: string;
  number: number | null;
  title: string;
  category: Category;
  type_name: string;
  type_icon: string;
  state_id: string;
  state_label: string;
  state_category: StateCategory;
  open: boolean;
  shared: boolean;
  assignee_name: string | null;
  /** False when the assignee was deactivated. */
  assignee_active: boolean;
  team_name: string | null;
  contact_name: string | null;
  last_activity_at: Millis;
  /** Something from someone else since I last opened it. */
  unread: boolean;
}

export interface InboxPage {
  /** How many tickets the view holds in all, whatever the page. */
  total: number;
  offset: number;
  rows: InboxRow[];
}

export interface LinkedTicketSummary {
  id: string;
  number: number | null;
  title: string;
  category: Category;
  state_label: string;
  state_category: StateCategory;
}

export interface TicketDetail {
  ticket: Ticket;
  ticket_type: TicketType;
  state: TicketState;
  brand: Brand;
  contacts: Contact[];
  company: Company | null;
  assignee: Teammate | null;
  team: Team | null;
  /** The tracker this ticket is linked to. */
  tracker: LinkedTicketSummary | null;
  /** For a tracker: the customer tickets linked to it. */
  linked_tickets: LinkedTicketSummary[];
  /** For a back-office ticket: the customer ticket it was raised from (R12). */
  origin_ticket: LinkedTicketSummary | null;
  /** The back-office tickets raised from this ticket (R12). */
  back_office_tickets: LinkedTicketSummary[];
  /** Why the share toggle is locked (Customer and Tracker tickets), or null. */
  share_locked_reason: string | null;
  timeline: TimelineEntry[];
}

/** An intent; the backend validates and applies it (crates/inbox-core/src/mutation.rs). */
/** What creating a ticket takes; `attributes` holds raw form values by key, title included. */
export interface CreateTicket {
  id: string;
  type_id: string;
  fields: { attributes: Record<string, AttributeValue | null> };
  state_id: string | null;
  contacts: string[];
  company: string | null;
  brand: string | null;
  assignee_teammate: string | null;
  assignee_team: string | null;
  shared: boolean | null;
  conversation: string | null;
  origin_ticket: string | null;
}

export type Mutation =
  | ({ type: 'create_ticket' } & CreateTicket)
  | { type: 'convert_conversation'; conversation: string; ticket: CreateTicket }
  | { type: 'link_conversation'; conversation: string; ticket: string }
  | { type: 'set_state'; ticket: string; state: string }
  | { type: 'close'; ticket: string; resolved: boolean }
  | { type: 'reopen'; ticket: string }
  | { type: 'assign'; ticket: string; teammate: string | null; team: string | null }
  | { type: 'set_brand'; ticket: string; brand: string }
  | { type: 'set_shared'; ticket: string; shared: boolean }
  | { type: 'reply'; ticket: string; body: string }
  | { type: 'note'; ticket: string; body: string; keep_private: boolean }
  | { type: 'link_tracker'; ticket: string; tracker: string }
  | { type: 'unlink_tracker'; ticket: string }
  | { type: 'update_attributes'; ticket: string; attributes: Record<string, AttributeValue | null> }
  | { type: 'mark_read'; ticket: string };

export type CustomerEvent =
  | { event: 'submitted'; ticket: string }
  | { event: 'teammate_replied'; ticket: string; part: string }
  | { event: 'state_changed'; ticket: string; from: string; to: string };

export type Effect =
  | { type: 'state_propagated'; tracker: string; ticket: string; from: string; to: string }
  | { type: 'cross_posted'; from: string; to: string }
  | ({ type: 'customer' } & CustomerEvent);

export interface Outcome {
  /** The writes made; opaque to the UI beyond their count. */
  changes: unknown[];
  effects: Effect[];
}

export interface Applied {
  /** The ticket the mutation named, as it is now. */
  detail: TicketDetail;
  outcome: Outcome;
}

export interface Conversation {
  id: string;
  contact: string;
  subject: string;
  linked_ticket: string | null;
  open: boolean;
  created_at: Millis;
  last_activity_at: Millis;
}

export interface ConversationRow {
  conversation: Conversation;
  contact_name: string;
  /** Its one ticket shared with the customer (R11). */
  linked_ticket: LinkedTicketSummary | null;
  /** Back-office tickets raised from it (R12). */
  back_office_tickets: LinkedTicketSummary[];
}

export type Channel =
  | 'messenger_badge'
  | 'recent_tickets'
  | 'tickets_space_badge'
  | 'messages_space_badge'
  | 'thread_event'
  | 'email';

export type Reason =
  | { reason: 'submitted' }
  | { reason: 'teammate_replied'; parts: string[] }
  | { reason: 'state_changed'; from: string; to: string };

export type EmailDue =
  | { when: 'now'; at: Millis }
  /** Sent at `at` unless the customer has seen the reply in the Messenger by then. */
  | { when: 'unless_seen'; at: Millis; parts: string[] };

export interface Notification {
  contact: string;
  ticket: string;
  reasons: Reason[];
  channels: Channel[];
  email: EmailDue | null;
}

export interface Email {
  to: string;
  reply_to: string;
  subject: string;
  text: string;
  html: string;
}

/** A ticket as its customer sees it in the Messenger (customer-facing labels only). */
export interface MessengerTicket {
  id: string;
  number: number | null;
  title: string;
  state_label: string;
  state_category: StateCategory;
  attributes: [string, string][];
  last_activity_at: Millis;
  action: 'send_message' | 'continue_conversation' | 'view_closed_conversation';
}

export interface Delivery {
  notification: Notification;
  contact: Contact;
  ticket: MessengerTicket;
  email: Email | null;
}

/** What a mutation would send; `deliveries` is empty when no customer is notified. */
export interface Preview {
  deliveries: Delivery[];
  tickets_affected: number;
}

export interface NotificationSettings {
  /** Milliseconds a teammate's reply waits to be seen in the Messenger before it is emailed. */
  reply_email_delay: number;
}

export const api = {
  workspace: () => invoke<Workspace>('get_workspace'),
  viewCounts: () => invoke<ViewCounts>('get_view_counts'),
  listTickets: (view: View, filters: Filters, sort: Sort, offset: number, limit: number) =>
    invoke<InboxPage>('list_tickets', { query: { view, filters, sort, offset, limit } }),
  ticket: (id: string) => invoke<TicketDetail>('get_ticket', { id }),
  apply: (mutation: Mutation) => invoke<Applied>('apply_mutation', { mutation }),
  /** What the mutation would send each customer; nothing is written. */
  preview: (mutation: Mutation) => invoke<Preview>('preview_mutation', { mutation }),
  notificationSettings: () => invoke<NotificationSettings>('get_notification_settings'),
  setReplyEmailDelay: (delayMs: number) => invoke<NotificationSettings>('set_reply_email_delay', { delay: delayMs }),
  /** Tickets by title or number ("#123"), at most 20, optionally of one category. */
  findTickets: (text: string, category: Category | null = null) =>
    invoke<LinkedTicketSummary[]>('find_tickets', { text, category }),
  conversations: () => invoke<ConversationRow[]>('list_conversations'),
  conversationTimeline: (conversation: string) =>
    invoke<TimelineEntry[]>('get_conversation_timeline', { conversation }),
  /** The teammate opened a conversation: its linked shared ticket counts as read (R11). */
  readConversation: (conversation: string) => invoke<void>('read_conversation', { conversation }),
  /** A fresh id for a ticket about to be created. */
  newTicketId: () => invoke<string>('new_ticket_id'),
  syncStatus: () => invoke<SyncStatus | null>('get_sync_status'),
  syncIssues: () => invoke<SyncIssue[]>('list_sync_issues'),
  setWorkOffline: (offline: boolean) => invoke<SyncStatus | null>('set_work_offline', { offline }),
  desktopNotifications: () => invoke<boolean>('get_desktop_notifications'),
  setDesktopNotifications: (on: boolean) => invoke<boolean>('set_desktop_notifications', { on }),
  dismissSyncIssue: (seq: number) => invoke<void>('dismiss_sync_issue', { seq }),
  resendSyncIssue: (seq: number) => invoke<void>('resend_sync_issue', { seq }),
  /** The teammate is looking at the ticket: it counts as read. True if it was unread. */
  readTicket: (id: string) => invoke<boolean>('read_ticket', { id }),
  session: () => invoke<Session>('get_session'),
  signIn: (server: string, email: string, password: string) =>
    invoke<Session>('sign_in', { server, email, password }),
  signOut: () => invoke<Session>('sign_out'),
  directory: (text: string) => invoke<DirectoryEntry[]>('list_directory', { text }),
  contactProfile: (id: string) => invoke<ContactProfile>('get_contact_profile', { id }),
  companyProfile: (id: string) => invoke<CompanyProfile>('get_company_profile', { id }),
  /** An admin's settings change; on a synced workspace it needs the server. */
  saveSettings: (change: AdminChange) => invoke<AdminSaved>('save_settings', { change }),
  /** A fresh id (a ULID) for a new ticket type, state, brand, team or teammate. */
  newId: () => invoke<string>('new_ticket_id'),
  /** Fills the empty workspace on this computer with the demo. */
  openDemo: () => invoke<Session>('open_demo'),
  /** Tickets of `view` matching `text` (every word, the last one as a prefix; "#123" or "123"
   *  also finds that ticket), best first. Blank text gives an empty page. */
  search: (text: string, view: View, filters: Filters, limit: number, offset: number) =>
    invoke<SearchPage>('search_tickets', { query: { text, view, filters, limit, offset } }),
  /** Webhooks live on the server: these reject with `needs_server` on a workspace of this
   *  computer's own, and with `offline` when the server cannot be asked. */
  webhooks: () => invoke<WebhookList>('list_webhooks'),
  webhook: (id: string) => invoke<Webhook>('get_webhook', { id }),
  createWebhook: (url: string, topics: string[]) => invoke<NewWebhook>('create_webhook', { url, topics }),
  /** What is left out stays as it is; `active: true` turns on again one that was paused. */
  updateWebhook: (id: string, change: WebhookEdit) =>
    invoke<Webhook>('update_webhook', {
      id,
      url: change.url ?? null,
      topics: change.topics ?? null,
      active: change.active ?? null,
    }),
  /** Delivers again every event after `after` (null: every event the server still keeps). */
  replayWebhook: (id: string, after: string | null) => invoke<Webhook>('replay_webhook', { id, after }),
  deleteWebhook: (id: string) => invoke<void>('delete_webhook', { id }),
};

/** Where the open workspace comes from (`get_session`, event `session-changed`). */
export interface Session {
  /** The server synced with; null for a workspace only on this computer. */
  server: string | null;
  /** Who signed in, when they did so in the app. */
  email: string | null;
  /** False until a server's workspace has been downloaded, or when there is none at all. */
  has_workspace: boolean;
}

/** Turns whatever a command rejected with into an ApiError the UI can show. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    return e as ApiError;
  }
  return { code: 'unexpected', message: String(e) };
}

/** Where syncing with the server stands (`get_sync_status`, event `sync-status`). */
export type SyncState = 'working_offline' | 'bootstrapping' | 'syncing' | 'online' | 'offline';

export interface SyncStatus {
  state: SyncState;
  server: string;
  /** Changes waiting for the server. */
  pending: number;
  /** Changes the server refused, kept with their reason. */
  issues: number;
  last_sync_at: number | null;
  progress: { tickets: number; total_tickets: number } | null;
  error: { code: string; message: string } | null;
}

/** A change the server refused: what it was (its content kept), and why. */
export interface SyncIssue {
  seq: number;
  mutation: Mutation;
  error: { code: string; message: string };
  at: number;
}

/** A profile's tickets (R15): all of them, and how many are open. */
export interface TicketCounts {
  total: number;
  open: number;
}

export interface ContactProfile {
  contact: Contact;
  company: Company | null;
  tickets: TicketCounts;
  conversations: number;
}

export interface CompanyProfile {
  company: Company;
  contacts: Contact[];
  tickets: TicketCounts;
}

export type DirectoryEntry =
  | { kind: 'contact'; contact: Contact; company_name: string | null }
  | { kind: 'company'; company: Company; contacts: number };

/** Where a search hit's best match is: the number typed, or the field the words are in. */
export type SearchField = 'number' | 'title' | 'description' | 'attribute' | 'reply' | 'note';

/** A ticket a search found: its inbox row and its best match. */
export interface SearchHit {
  row: InboxRow;
  field: SearchField;
  /** The text around the best match (the whole title for a title match), each match between
   *  U+E000 and U+E001 (split it with `highlightSegments` of lib/search.ts). Never HTML. */
  snippet: string;
}

export interface SearchPage {
  /** How many tickets of the view match, whatever the page. */
  total: number;
  hits: SearchHit[];
}

/** An admin's settings change: a whole entity, created or replaced by id. */
export type AdminChange =
  | { type: 'save_ticket_type'; value: TicketType }
  | { type: 'save_state'; value: TicketState }
  | { type: 'save_brand'; value: Brand }
  | { type: 'save_team'; value: Team }
  | { type: 'save_teammate'; value: Teammate };

/** What a settings change saved (a new default brand also saves the old default). */
export interface AdminSaved {
  ticket_types: TicketType[];
  states: TicketState[];
  brands: Brand[];
  teams: Team[];
  teammates: Teammate[];
}

/** A webhook endpoint as admins see it (its secret only ever in `NewWebhook`). */
export interface Webhook {
  id: string;
  url: string;
  topics: string[];
  /** False when turned off, or paused by the server (then `paused_reason` says why). */
  active: boolean;
  paused_reason: string | null;
  /** In seconds, as Intercom's timestamps are. */
  created_at: number;
  last_event_id: string;
  /** Failed attempts at the current event, in a row. */
  failures: number;
  /** Newest first. */
  recent_deliveries: WebhookDelivery[];
}

/** One attempt at delivering one event. */
export interface WebhookDelivery {
  event_id: string;
  topic: string;
  at: Millis;
  /** The receiver's HTTP status, when it answered at all. */
  status: number | null;
  error: string | null;
}

export interface WebhookList {
  webhooks: Webhook[];
  /** Every topic an endpoint may subscribe to. */
  topics: string[];
}

export interface NewWebhook extends Webhook {
  /** Signs every delivery; shown in this answer only. */
  secret: string;
}

export interface WebhookEdit {
  url?: string;
  topics?: string[];
  active?: boolean;
}
