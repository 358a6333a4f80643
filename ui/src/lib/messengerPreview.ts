// What the preview's "In the Messenger" column and the ticket pane's "See as customer" show, from
// the backend's data: which of the customer's Messenger pieces a delivery changes, the brand's
// CSS variables, and the words screen readers get for the pieces drawn by the Messenger's own
// components. Which changes happen is the backend's call (`Delivery.messenger`); this only
// arranges them.
import { brandStyle } from '../messenger/brand';
import { badgeText } from '../messenger/badges';
import type { CustomerMessage, TimelineEntryData } from '../messenger/types';
import type { Badges, Category, CustomerEntry, Delivery, MessengerTicket, StateCategory } from './bindings';

/** A ticket's thread: its new entries, drawn with the ticket's current customer-facing state. */
export interface TicketThreadPart {
  kind: 'ticket';
  entries: TimelineEntryData[];
  stateLabel: string;
  stateCategory: StateCategory;
}

/** A conversation's thread: its new messages. */
export interface ConversationThreadPart {
  kind: 'conversation';
  messages: CustomerMessage[];
}

/** The pieces of one customer's Messenger a change shows, in the order the column draws them. */
export interface MessengerParts {
  brandName: string;
  /** The brand's colour as sent (`#rrggbb`). */
  color: string;
  /** The brand's CSS variables (`--brand`, `--brand-text`, `--brand-ink`), as an inline style. */
  style: string;
  /** The badges the change adds: the launcher's, the Tickets and Messages spaces'. */
  badges: Badges;
  /** The customer has a Tickets space (R8): its tab shows in the space navigation. */
  showTicketsSpace: boolean;
  /** The Recent tickets card of Messenger home after the change (R9); empty: no card. */
  recent: MessengerTicket[];
  /** The ticket of this delivery when it is on the card (drawn highlighted). */
  recentHighlight: string | null;
  /** The change puts (or moves) the ticket on the card. */
  recentChanged: boolean;
  /** Tickets left with something unseen by the change (a dot on their rows): this delivery's, when it badges. */
  unseen: string[];
  /** The ticket's entry in the Tickets space after the change; null for a conversation, or without a Tickets space. */
  ticketsSpaceRow: { ticket: MessengerTicket; unseen: boolean } | null;
  /** What the change adds to the ticket's or conversation's thread; null when nothing. */
  thread: TicketThreadPart | ConversationThreadPart | null;
}

/** The brand's CSS variables for a `style` attribute (white or near-black text, readable ink). */
export function brandVars(color: string | null | undefined): string {
  return brandStyle(color);
}

/** A backend entry as the Messenger's components take it (the same fields, one union). */
export function timelineEntry(entry: CustomerEntry): TimelineEntryData {
  switch (entry.kind) {
    case 'submitted':
      return { id: entry.id, at: entry.at, kind: 'submitted', title: entry.title, number: entry.number };
    case 'message':
      return {
        id: entry.id,
        at: entry.at,
        kind: 'message',
        body: entry.body,
        from_customer: entry.from_customer,
        author_name: entry.author_name,
      };
    case 'state_changed':
      return { id: entry.id, at: entry.at, kind: 'state_changed', label: entry.label };
  }
}

/** A conversation's message entries as the Messenger's messages, with their writers' names. */
export function conversationMessages(entries: CustomerEntry[]): CustomerMessage[] {
  return entries.flatMap((e) =>
    e.kind === 'message'
      ? [{ id: e.id, at: e.at, body: e.body, from_customer: e.from_customer, author_name: e.author_name }]
      : [],
  );
}

/** The Messenger pieces of a delivery, or null when the backend sent none (past the first 20). */
export function messengerParts(delivery: Delivery): MessengerParts | null {
  const m = delivery.messenger;
  if (!m) return null;
  const ticket = delivery.ticket;
  const onCard = ticket !== null && m.recent_tickets.some((t) => t.id === ticket.id);
  // The backend counts this one notification as unseen: the launcher's badge is its thread.
  const unseen = ticket && m.badges.messenger > 0 ? [ticket.id] : [];
  let ticketsSpaceRow: MessengerParts['ticketsSpaceRow'] = null;
  if (ticket && m.tickets_space !== null) {
    const row = m.tickets_space.find((t) => t.id === ticket.id) ?? ticket;
    ticketsSpaceRow = { ticket: row, unseen: m.badges.tickets_space > 0 || unseen.includes(ticket.id) };
  }
  let thread: MessengerParts['thread'] = null;
  if (delivery.notification.ticket != null) {
    if (ticket && m.entries.length > 0) {
      thread = {
        kind: 'ticket',
        entries: m.entries.map(timelineEntry),
        stateLabel: ticket.state_label,
        stateCategory: ticket.state_category,
      };
    }
  } else {
    const messages = conversationMessages(m.entries);
    if (messages.length > 0) thread = { kind: 'conversation', messages };
  }
  return {
    brandName: m.brand_name,
    color: m.brand_color,
    style: brandVars(m.brand_color),
    badges: m.badges,
    showTicketsSpace: m.tickets_space !== null,
    recent: m.recent_tickets,
    recentHighlight: onCard && ticket ? ticket.id : null,
    recentChanged: delivery.notification.channels.includes('recent_tickets'),
    unseen,
    ticketsSpaceRow,
    thread,
  };
}

/** "2 new" for a badge the change adds, or "no badge". */
export function badgeWords(count: number): string {
  const text = badgeText(count);
  return text === '' ? 'no badge' : `${text} new`;
}

/** The launcher's description: "Launcher badge: 2 new (if the Messenger is collapsed)". */
export function launcherWords(count: number): string {
  const text = badgeText(count);
  return text === '' ? 'Launcher: no badge' : `Launcher badge: ${text} new (if the Messenger is collapsed)`;
}

/** The space navigation's description: "Tickets space: 1 new. Messages space: no badge." */
export function spacesWords(badges: Badges, showTicketsSpace: boolean): string {
  const parts = [];
  if (showTicketsSpace) parts.push(`Tickets space: ${badgeWords(badges.tickets_space)}.`);
  parts.push(`Messages space: ${badgeWords(badges.messages_space)}.`);
  return parts.join(' ');
}

/** Whether the customer sees this ticket in their Messenger: Customer tickets always, back-office ones while shared, trackers never (R1–R3). */
export function customerCanSee(category: Category, shared: boolean): boolean {
  if (category === 'customer') return true;
  if (category === 'back_office') return shared;
  return false;
}

/** The thread as the customer's page draws it: the submission first (a ticket pill when the timeline lacks it). */
export function customerTimeline(entries: CustomerEntry[]): { entries: TimelineEntryData[]; pillFirst: boolean } {
  const mapped = entries.map(timelineEntry);
  return { entries: mapped, pillFirst: mapped[0]?.kind !== 'submitted' };
}
