import { describe, expect, it } from 'vitest';
import type { InboxRow, SearchHit } from './bindings';
import {
  MATCH_END as E,
  MATCH_START as S,
  highlightSegments,
  isSearchable,
  moveSelection,
  plainText,
  resultCount,
  snippetLine,
  titleSegments,
} from './search';

const row: InboxRow = {
  id: 't1',
  number: 42,
  title: 'Refund for order 1234',
  category: 'customer',
  type_name: 'Refund request',
  type_icon: '💸',
  state_id: 's1',
  state_label: 'Submitted',
  state_category: 'submitted',
  open: true,
  shared: true,
  assignee_teammate: null,
  assignee_name: null,
  assignee_active: true,
  assignee_team: null,
  team_name: null,
  contact_name: 'Ava Chen',
  last_activity_at: 0,
  unread: false,
  snoozed_until: null,
};

function hit(field: SearchHit['field'], snippet: string): SearchHit {
  return { row, field, snippet };
}

describe('highlightSegments', () => {
  it('splits a snippet into plain and matched runs, in order', () => {
    expect(highlightSegments(`…send the ${S}screenshot${E} you ${S}see${E}…`)).toEqual([
      { text: '…send the ', match: false },
      { text: 'screenshot', match: true },
      { text: ' you ', match: false },
      { text: 'see', match: true },
      { text: '…', match: false },
    ]);
  });

  it('handles matches at the edges, and text without any', () => {
    expect(highlightSegments(`${S}Refund${E}`)).toEqual([{ text: 'Refund', match: true }]);
    expect(highlightSegments('no match here')).toEqual([{ text: 'no match here', match: false }]);
    expect(highlightSegments('')).toEqual([]);
    expect(highlightSegments(`${S}${E}`)).toEqual([]);
  });

  it('merges touching matches and never yields empty runs', () => {
    expect(highlightSegments(`${S}19${E}${S}.9${E} EUR`)).toEqual([
      { text: '19.9', match: true },
      { text: ' EUR', match: false },
    ]);
  });

  it('is robust to unbalanced markers', () => {
    // An end without a start is dropped.
    expect(highlightSegments(`a${E}b`)).toEqual([{ text: 'ab', match: false }]);
    // A start never ended marks the rest.
    expect(highlightSegments(`a ${S}bc`)).toEqual([
      { text: 'a ', match: false },
      { text: 'bc', match: true },
    ]);
    // A second start is ignored.
    expect(highlightSegments(`${S}a${S}b${E}c`)).toEqual([
      { text: 'ab', match: true },
      { text: 'c', match: false },
    ]);
    for (const s of [E, S, `${E}${E}${S}`, `${S}${S}${E}${E}`]) {
      expect(highlightSegments(s)).toEqual([]);
    }
  });

  it('keeps markup as text, never HTML', () => {
    const segments = highlightSegments(`<b>${S}x${E}</b> & "y"`);
    expect(segments.map((s) => s.text).join('')).toBe('<b>x</b> & "y"');
  });

  it('keeps characters outside the basic plane whole', () => {
    expect(highlightSegments(`😀 ${S}café${E} 😀`)).toEqual([
      { text: '😀 ', match: false },
      { text: 'café', match: true },
      { text: ' 😀', match: false },
    ]);
  });
});

describe('what a hit shows', () => {
  it('marks the title when the title matched, and shows no snippet line then', () => {
    const h = hit('title', `${S}Refund${E} for order 1234`);
    expect(titleSegments(h)).toEqual([
      { text: 'Refund', match: true },
      { text: ' for order 1234', match: false },
    ]);
    expect(snippetLine(h)).toBeNull();
  });

  it('shows the plain title and a labelled snippet for other fields', () => {
    const h = hit('note', `…the ${S}pangolin${E} cache…`);
    expect(titleSegments(h)).toEqual([{ text: 'Refund for order 1234', match: false }]);
    expect(snippetLine(h)).toEqual({
      field: 'note',
      label: 'Note',
      segments: [
        { text: '…the ', match: false },
        { text: 'pangolin', match: true },
        { text: ' cache…', match: false },
      ],
    });
    expect(snippetLine(hit('attribute', `${S}High${E}`))?.label).toBe('Attribute');
    expect(snippetLine(hit('reply', 'x'))?.label).toBe('Reply');
    expect(snippetLine(hit('description', ''))).toBeNull();
  });

  it('shows only the row for a ticket found by its number', () => {
    const h = hit('number', 'Refund for order 1234');
    expect(titleSegments(h)).toEqual([{ text: 'Refund for order 1234', match: false }]);
    expect(snippetLine(h)).toBeNull();
  });

  it('falls back to the row title when a title snippet is empty', () => {
    expect(titleSegments(hit('title', ''))).toEqual([{ text: 'Refund for order 1234', match: false }]);
  });
});

describe('helpers', () => {
  it('strips markers for plain text', () => {
    expect(plainText(`a ${S}b${E} c${E}`)).toBe('a b c');
  });

  it('counts results', () => {
    expect(resultCount(0)).toBe('No tickets');
    expect(resultCount(1)).toBe('1 ticket');
    expect(resultCount(1234, 'en-US')).toBe('1,234 tickets');
  });

  it('knows blank text finds nothing', () => {
    expect(isSearchable('')).toBe(false);
    expect(isSearchable('  \n')).toBe(false);
    expect(isSearchable(' re')).toBe(true);
  });

  it('moves the selection within the hits', () => {
    const ids = ['a', 'b', 'c'];
    expect(moveSelection(ids, null, 1)).toBe(0);
    expect(moveSelection(ids, null, -1)).toBe(2);
    expect(moveSelection(ids, 'a', 1)).toBe(1);
    expect(moveSelection(ids, 'c', 1)).toBe(2);
    expect(moveSelection(ids, 'a', -1)).toBe(0);
    expect(moveSelection(ids, 'gone', 1)).toBe(0);
    expect(moveSelection([], 'a', 1)).toBe(-1);
  });
});

describe('SearchResults', () => {
  /** The server-rendered markup without hydration comments and scoped-style classes. */
  const html = (body: string) => body.replace(/<!--.*?-->/g, '').replace(/ class="[^"]*svelte-[^"]*"/g, '');

  it('renders each hit as a row with its matches in <mark>, never the markers', async () => {
    const { render } = await import('svelte/server');
    const SearchResults = (await import('../components/SearchResults.svelte')).default;
    const hits: SearchHit[] = [
      hit('title', `${S}Refund${E} for order 1234`),
      { row: { ...row, id: 't2', number: 7, title: 'Printer <jams>' }, field: 'note', snippet: `…the ${S}refund${E} <b>went</b>…` },
    ];
    const body = html(
      render(SearchResults, {
        props: { hits, selectedId: 't2', onselect: () => {}, now: 0, total: 40, loading: false, error: null },
      }).body,
    );
    expect(body).toContain('<mark>Refund</mark> for order 1234');
    expect(body).toContain('<mark>refund</mark> &lt;b>went&lt;/b>…');
    expect(body).toContain('Printer &lt;jams>');
    expect(body).toContain('#42');
    expect(body).toContain('40 tickets');
    expect(body).toContain('best 2 shown');
    expect(body).not.toMatch(/[\uE000\uE001]/);
    expect(body.match(/data-testid="search-hit-snippet"/g)).toHaveLength(1);
    expect(body).toMatch(/aria-selected="true"[^>]*data-ticket-id="t2"/);
  });

  it('says when nothing matches, and what went wrong', async () => {
    const { render } = await import('svelte/server');
    const SearchResults = (await import('../components/SearchResults.svelte')).default;
    const base = { hits: [], selectedId: null, onselect: () => {}, now: 0 };
    const empty = html(render(SearchResults, { props: { ...base, total: 0, loading: false, error: null } }).body);
    expect(empty).toContain('No tickets match');
    const failed = html(
      render(SearchResults, {
        props: { ...base, total: null, loading: false, error: { code: 'storage_error', message: 'Disk full.' } },
      }).body,
    );
    expect(failed).toContain("Couldn't search the tickets");
    expect(failed).toContain('Disk full.');
  });
});
