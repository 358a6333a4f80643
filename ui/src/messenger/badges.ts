// Badge numbers as shown: nothing for zero, "99+" past 99, and the words for screen readers.

/** The text of a badge, or '' when there is none to show. */
export function badgeText(count: number | null | undefined): string {
  if (!count || !Number.isFinite(count) || count <= 0) return '';
  return count > 99 ? '99+' : String(Math.floor(count));
}

/** "3 unread", or '' for none. */
export function unreadWords(count: number | null | undefined): string {
  const text = badgeText(count);
  return text === '' ? '' : `${text} unread`;
}

/** The launcher's accessible name: "Open messages, 2 unread"; "Close messages" when open. */
export function launcherLabel(count: number | null | undefined, open: boolean): string {
  if (open) return 'Close messages';
  const unread = unreadWords(count);
  return unread === '' ? 'Open messages' : `Open messages, ${unread}`;
}

/** A space tab's accessible name: "Tickets, 1 unread". */
export function spaceLabel(name: string, count: number | null | undefined): string {
  const unread = unreadWords(count);
  return unread === '' ? name : `${name}, ${unread}`;
}
