import { describe, expect, it } from 'vitest';
import fixtures from '../../../crates/inbox-core/tests/fixtures/rich_text.json?raw';
import { escapeHtml, toHtml, toPlain } from './richText';

// The same fixtures inbox-core's renderer is held to (crates/inbox-core/tests/rich_text.rs):
// the app, the Messenger and the customer's email show a body alike.
interface Case {
  name: string;
  input: string;
  repeat?: number;
  unit_html?: string;
  unit_plain?: string;
  html: string;
  plain: string;
}

const cases: Case[] = JSON.parse(fixtures);

function expanded(c: Case): { input: string; html: string; plain: string } {
  if (c.repeat === undefined) return c;
  return {
    input: c.input.repeat(c.repeat),
    html: c.html.replace('{}', () => (c.unit_html ?? c.input).repeat(c.repeat as number)),
    plain: c.plain.replace('{}', () => (c.unit_plain ?? c.input).repeat(c.repeat as number)),
  };
}

describe('rich text', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(40));

  for (const c of cases) {
    it(`renders "${c.name}" as inbox-core does`, () => {
      const { input, html, plain } = expanded(c);
      expect(toHtml(input)).toBe(html);
      expect(toPlain(input)).toBe(plain);
    });
  }

  it('hands plain runs to the text renderer, never code or link addresses', () => {
    const mark = (t: string) => escapeHtml(t).replace(/@Ana/g, '<mark>@Ana</mark>');
    expect(toHtml('@Ana see `@Ana` and **@Ana** https://x.io/@Ana', mark)).toBe(
      '<p><mark>@Ana</mark> see <code>@Ana</code> and <strong><mark>@Ana</mark></strong> ' +
        '<a href="https://x.io/@Ana" target="_blank" rel="noopener noreferrer">https://x.io/@Ana</a></p>',
    );
  });
});
