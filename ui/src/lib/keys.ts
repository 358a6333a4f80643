// Keyboard helpers shared by the window's shortcuts.

/** Whether a key press goes to a text field (then single-letter shortcuts stay out of the way). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** A plain key press, with no modifier that would make it another shortcut. */
export function isPlainKey(e: KeyboardEvent): boolean {
  return !e.defaultPrevented && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target);
}
