// Modal dialogs (aria-modal): Tab and Shift+Tab cycle through the dialog's own controls and never
// walk out to the window behind it; closing the dialog gives the focus back to what had it before.

const TABBABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]',
  '[contenteditable="true"]',
].join(', ');

/** The index Tab (or Shift+Tab when `back`) moves to among `count` controls, from `current`
 *  (-1 when the focus is on none of them): round and round, never out. */
export function trapStep(current: number, count: number, back: boolean): number {
  if (count <= 0) return -1;
  if (current < 0) return back ? count - 1 : 0;
  return back ? (current - 1 + count) % count : (current + 1) % count;
}

/** The controls Tab stops on inside `root`, in document order (visible, enabled, not inert). */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (el) =>
      el.tabIndex >= 0 &&
      !el.closest('[inert]') &&
      el.getClientRects().length > 0 &&
      // A group of radio buttons is one stop: its checked one (or its first).
      !(el instanceof HTMLInputElement && el.type === 'radio' && !radioStop(root, el)),
  );
}

function radioStop(root: HTMLElement, radio: HTMLInputElement): boolean {
  if (!radio.name) return true;
  const group = [...root.querySelectorAll<HTMLInputElement>('input[type="radio"]')].filter((r) => r.name === radio.name);
  const checked = group.find((r) => r.checked);
  return checked ? checked === radio : group[0] === radio;
}

// What lost the focus last: the opener of a dialog that takes the focus before its trap starts.
let lastBlurred: Element | null = null;
if (typeof document !== 'undefined') {
  document.addEventListener('focusout', (e) => (lastBlurred = e.target as Element | null), true);
}

/** Svelte action for a modal dialog's element. */
export function trapFocus(node: HTMLElement) {
  const active = document.activeElement;
  const opener = active && node.contains(active) ? lastBlurred : active;

  function onKeydown(e: KeyboardEvent) {
    // An inner dialog (or a menu) handled it already.
    // (GTK's Shift+Tab is ISO_Left_Tab: WebKitGTK may name it so.)
    const tab = e.key === 'Tab' || e.key === 'ISO_Left_Tab' || e.code === 'Tab' || e.keyCode === 9;
    if (!tab || e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
    const items = tabbables(node);
    e.preventDefault();
    if (items.length === 0) {
      node.focus();
      return;
    }
    const current = items.indexOf(document.activeElement as HTMLElement);
    items[trapStep(current, items.length, e.shiftKey)].focus();
  }

  node.addEventListener('keydown', onKeydown);
  return {
    destroy() {
      node.removeEventListener('keydown', onKeydown);
      const now = document.activeElement;
      // Back to the opener, unless something else took the focus on purpose meanwhile.
      if (
        opener instanceof HTMLElement &&
        opener !== document.body &&
        opener.isConnected &&
        (!now || now === document.body || node.contains(now))
      ) {
        opener.focus();
      }
    },
  };
}
