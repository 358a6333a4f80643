import { describe, expect, it } from 'vitest';
import { applyFormat, type Format } from './formatting';
import { toHtml } from './richText';

/** `text` with the selection written as [ and ] (a caret as |), formatted, written back. */
function fmt(format: Format, marked: string): string {
  const caret = marked.indexOf('|');
  const start = caret >= 0 ? caret : marked.indexOf('[');
  const end = caret >= 0 ? caret : marked.indexOf(']') - 1;
  const text = marked.replace(caret >= 0 ? '|' : /[[\]]/g, '');
  const edit = applyFormat(format, text, start, end);
  if (edit.start === edit.end) return edit.text.slice(0, edit.start) + '|' + edit.text.slice(edit.start);
  return edit.text.slice(0, edit.start) + '[' + edit.text.slice(edit.start, edit.end) + ']' + edit.text.slice(edit.end);
}

describe('formatting', () => {
  it('wraps the selection in bold and italic markers, and takes them off again', () => {
    expect(fmt('bold', 'a [word] b')).toBe('a **[word]** b');
    expect(fmt('bold', 'a **[word]** b')).toBe('a [word] b');
    expect(fmt('italic', 'a [word] b')).toBe('a *[word]* b');
    expect(fmt('italic', 'a *[word]* b')).toBe('a [word] b');
    expect(fmt('italic', 'a **[word]** b')).toBe('a ***[word]*** b');
    expect(fmt('code', 'run [npm i] now')).toBe('run `[npm i]` now');
  });

  it('puts the markers in with the caret between when nothing is selected', () => {
    expect(fmt('bold', 'a |')).toBe('a **|**');
    expect(fmt('italic', '|')).toBe('*|*');
  });

  it('keeps spaces outside the markers and wraps each line alone, so it renders', () => {
    expect(fmt('bold', 'a [word ]b')).toBe('a [**word** ]b');
    expect(fmt('bold', '[one\n\ntwo]')).toBe('[**one**\n\n**two**]');
    expect(toHtml('**one**\n\n**two**')).toBe('<p><strong>one</strong></p><p><strong>two</strong></p>');
  });

  it('fences several lines of code', () => {
    expect(fmt('code', 'see:\n[a = 1\nb = 2]\nok')).toBe('see:\n```\n[a = 1\nb = 2]\n```\nok');
  });

  it('makes a link of the selected words with the address to type, or of a selected address', () => {
    expect(fmt('link', 'see [the docs] now')).toBe('see [the docs]([https://]) now');
    expect(fmt('link', 'see [https://x.io] now')).toBe('see [|](https://x.io) now');
    expect(fmt('link', 'see |')).toBe('see [[link text]](https://)');
  });

  it('turns the selected lines into list items, numbered in order, and back', () => {
    expect(fmt('bullets', 'Steps:\n[one\ntwo]')).toBe('Steps:\n[- one\n- two]');
    expect(fmt('bullets', '[- one\n- two]')).toBe('[one\ntwo]');
    expect(fmt('numbers', '[one\n\ntwo]')).toBe('[1. one\n\n2. two]');
    expect(fmt('numbers', '[- one\n- two]')).toBe('[1. one\n2. two]');
    expect(fmt('bullets', 'start|')).toBe('- start|');
    expect(fmt('bullets', '|')).toBe('- |');
  });
});
