// Search results: a snippet split into plain and matched text, and what each hit shows. The
// store marks each match with two private-use characters (never HTML), so the UI can render
// matches with <mark> while every bit of text stays text.
import type { SearchField, SearchHit } from './bindings';
import { formatCount } from './format';

/** Where a match starts in a snippet. */
export const MATCH_START = '\uE000';
/** Where a match ends in a snippet. */
export const MATCH_END = '\uE001';

export interface Segment {
  text: string;
  match: boolean;
}

/**
 * The snippet as runs of plain and matched text, in order, without the markers. Never an
 * empty run, and never two runs of the same kind in a row. Unbalanced markers do no harm: an
 * end without a start is dropped, a second start is ignored, and a start never ended marks the
 * rest.
 */
export function highlightSegments(snippet: string): Segment[] {
  const segments: Segment[] = [];
  let match = false;
  let from = 0;
  const push = (to: number) => {
    if (to <= from) return;
    const text = snippet.slice(from, to);
    const last = segments[segments.length - 1];
    if (last && last.match === match) last.text += text;
    else segments.push({ text, match });
  };
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    if (c !== MATCH_START && c !== MATCH_END) continue;
    push(i);
    from = i + 1;
    match = c === MATCH_START;
  }
  push(snippet.length);
  return segments;
}

/** The snippet's text without its markers. */
export function plainText(snippet: string): string {
  return snippet.replace(/[\uE000\uE001]/g, '');
}

export const FIELD_LABEL: Record<SearchField, string> = {
  number: 'Number',
  title: 'Title',
  description: 'Description',
  attribute: 'Attribute',
  reply: 'Reply',
  note: 'Note',
};

/** The hit's title, its matches marked when the title is where the best match is. */
export function titleSegments(hit: Pick<SearchHit, 'row' | 'field' | 'snippet'>): Segment[] {
  if (hit.field === 'title') {
    const segments = highlightSegments(hit.snippet);
    if (segments.length > 0) return segments;
  }
  return hit.row.title ? [{ text: hit.row.title, match: false }] : [];
}

/**
 * The line under a hit's title: which field matched and the text around the match. None when
 * the title or the number is the match (the row already shows it).
 */
export function snippetLine(
  hit: Pick<SearchHit, 'field' | 'snippet'>,
): { field: SearchField; label: string; segments: Segment[] } | null {
  if (hit.field === 'title' || hit.field === 'number') return null;
  const segments = highlightSegments(hit.snippet);
  if (segments.length === 0) return null;
  return { field: hit.field, label: FIELD_LABEL[hit.field], segments };
}

/** "No tickets", "1 ticket", "1,234 tickets". */
export function resultCount(total: number, locale?: string): string {
  if (total === 0) return 'No tickets';
  return `${formatCount(total, locale)} ${total === 1 ? 'ticket' : 'tickets'}`;
}

/** How long typing pauses before the search runs: a keystroke costs no search and no redraw
 *  of its own, and what was typed shows at once. */
export const SEARCH_PAUSE_MS = 150;

/** Whether the search box holds anything to search for (blank text finds nothing). */
export function isSearchable(text: string): boolean {
  return text.trim() !== '';
}

/** The index of the hit `delta` rows from the selected one, within the list (the first or
 *  last when nothing is selected yet); -1 for an empty list. */
export function moveSelection(ids: string[], selectedId: string | null, delta: number): number {
  if (ids.length === 0) return -1;
  const current = selectedId === null ? -1 : ids.indexOf(selectedId);
  if (current < 0) return delta >= 0 ? 0 : ids.length - 1;
  return Math.min(ids.length - 1, Math.max(0, current + delta));
}
