// Links in rendered messages open in the teammate's browser (or mail app), through the app:
// the window itself must never navigate away from the inbox, and a new window is not offered.
import { commands } from './bindings';

/** A Svelte action for an element showing messages: clicks (and Enter) on their links. */
export function externalLinks(node: HTMLElement): { destroy(): void } {
  const onClick = (e: MouseEvent) => {
    const link = e.target instanceof Element ? e.target.closest('a[href]') : null;
    if (!link || !node.contains(link)) return;
    e.preventDefault();
    void commands.openLink(link.getAttribute('href') ?? '').catch(() => {
      link.setAttribute('title', 'This link cannot be opened from here.');
    });
  };
  node.addEventListener('click', onClick);
  return { destroy: () => node.removeEventListener('click', onClick) };
}
