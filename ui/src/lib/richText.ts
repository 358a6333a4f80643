// Rich text in replies and notes, as the app and the Messenger page show it: the same small
// Markdown subset, rendered to the same HTML, as inbox-core's `rich_text` (the customer's
// email). The fixtures in crates/inbox-core/tests/fixtures/rich_text.json hold both to it.
//
// Raw HTML is never interpreted: every character of the input reaches the output escaped, so
// the output is safe to give to {@html} by construction. A marker that does not open a valid
// span is kept as text. Closing markers are found through tables built once per line, so
// rendering is linear in the input however its markers are arranged.
//
// Positions count code points (Array.from), as the Rust side counts chars.

type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'link'; url: string; children: Inline[] }
  | { kind: 'autolink'; url: string };

type Block =
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'code'; lines: string[] }
  | { kind: 'list'; ordered: boolean; start: number; items: string[] };

/** How text runs become HTML: escaped, or with mentions marked (the timeline's notes). */
export type TextRenderer = (text: string) => string;

/** The HTML of `text`: block elements only, no newline between them. `renderText` turns each
 *  run of plain text into HTML; it must escape what it is given (see `escapeHtml`). */
export function toHtml(text: string, renderText: TextRenderer = escapeHtml): string {
  let out = '';
  for (const block of blocks(text)) {
    if (block.kind === 'paragraph') {
      out += `<p>${block.lines.map((l) => htmlInlines(inlines(l), renderText)).join('<br>')}</p>`;
    } else if (block.kind === 'code') {
      out += `<pre><code>${escapeHtml(block.lines.join('\n'))}</code></pre>`;
    } else {
      out += !block.ordered ? '<ul>' : block.start === 1 ? '<ol>' : `<ol start="${block.start}">`;
      for (const item of block.items) out += `<li>${htmlInlines(inlines(item), renderText)}</li>`;
      out += block.ordered ? '</ol>' : '</ul>';
    }
  }
  return out;
}

/** The plain text of `text`: markers removed, links as "text (url)", lists as "- item" or
 *  "1. item", blocks separated by a blank line. */
export function toPlain(text: string): string {
  return blocks(text)
    .map((block) => {
      if (block.kind === 'paragraph') return block.lines.map((l) => plainInlines(inlines(l))).join('\n');
      if (block.kind === 'code') return block.lines.join('\n');
      return block.items
        .map((item, i) => `${block.ordered ? `${block.start + i}.` : '-'} ${plainInlines(inlines(item))}`)
        .join('\n');
    })
    .join('\n\n');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const FENCE = '```';

function blocks(text: string): Block[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
    } else if (isFenceOpen(line)) {
      i++;
      const from = i;
      while (i < lines.length && lines[i].replace(/[ \t]+$/, '') !== FENCE) i++;
      out.push({ kind: 'code', lines: lines.slice(from, i) });
      i++;
    } else {
      const first = listItem(line);
      if (first) {
        const items = [first.content];
        i++;
        for (let next = listItem(lines[i] ?? ''); i < lines.length && next && next.ordered === first.ordered; next = listItem(lines[i] ?? '')) {
          items.push(next.content);
          i++;
        }
        out.push({ kind: 'list', ordered: first.ordered, start: first.number, items });
      } else {
        const from = i;
        i++;
        while (i < lines.length && !isBlank(lines[i]) && !isFenceOpen(lines[i]) && listItem(lines[i]) === null) i++;
        out.push({ kind: 'paragraph', lines: lines.slice(from, i) });
      }
    }
  }
  return out;
}

function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

function isFenceOpen(line: string): boolean {
  return line.startsWith(FENCE) && !line.slice(FENCE.length).includes('`');
}

function listItem(line: string): { ordered: boolean; number: number; content: string } | null {
  const l = line.replace(/^ +/, '');
  if (l.startsWith('- ') || l.startsWith('* ')) return { ordered: false, number: 0, content: l.slice(2) };
  const m = /^([0-9]{1,9})\. /.exec(l);
  if (m) return { ordered: true, number: parseInt(m[1], 10), content: l.slice(m[0].length) };
  return null;
}

interface Allowed {
  strong: boolean;
  emStar: boolean;
  emUnder: boolean;
  link: boolean;
}

interface Closers {
  tick: Int32Array;
  strong: Int32Array;
  star: Int32Array;
  under: Int32Array;
  bracket: Int32Array;
  paren: Int32Array;
}

const NONE = 0x7fffffff;

function closers(c: string[]): Closers {
  const table = (is: (i: number) => boolean) => {
    const next = new Int32Array(c.length + 1).fill(NONE);
    for (let i = c.length - 1; i >= 0; i--) next[i] = is(i) ? i : next[i + 1];
    return next;
  };
  const prevOk = (i: number, not: string) => i > 0 && !isSpace(c[i - 1]) && c[i - 1] !== not;
  return {
    tick: table((i) => c[i] === '`'),
    strong: table((i) => c[i] === '*' && c[i + 1] === '*' && i > 0 && !isSpace(c[i - 1])),
    star: table((i) => c[i] === '*' && prevOk(i, '*') && c[i + 1] !== '*'),
    under: table((i) => c[i] === '_' && prevOk(i, '_') && !(i + 1 < c.length && isWord(c[i + 1]))),
    bracket: table((i) => c[i] === ']'),
    paren: table((i) => c[i] === ')'),
  };
}

function next(table: Int32Array, from: number): number {
  return from < table.length ? table[from] : NONE;
}

function inlines(line: string): Inline[] {
  const c = Array.from(line);
  return parse(c, closers(c), 0, c.length, { strong: true, emStar: true, emUnder: true, link: true });
}

const AUTOLINK_PREFIXES = ['https://', 'http://'];

function parse(c: string[], cl: Closers, start: number, end: number, allowed: Allowed): Inline[] {
  const out: Inline[] = [];
  let run = '';
  const flush = () => {
    if (run !== '') out.push({ kind: 'text', text: run });
    run = '';
  };
  const opens = (i: number, marker: string) => i < end && !isSpace(c[i]) && c[i] !== marker;
  let i = start;
  while (i < end) {
    const ch = c[i];
    if (ch === '`') {
      const j = next(cl.tick, i + 1);
      if (j < end && j > i + 1) {
        flush();
        out.push({ kind: 'code', text: c.slice(i + 1, j).join('') });
        i = j + 1;
        continue;
      }
    } else if (ch === '*' && i + 1 < end && c[i + 1] === '*') {
      if (allowed.strong && opens(i + 2, '*')) {
        const j = next(cl.strong, i + 3);
        if (j < end && j + 2 <= end) {
          flush();
          out.push({ kind: 'strong', children: parse(c, cl, i + 2, j, { ...allowed, strong: false }) });
          i = j + 2;
          continue;
        }
      }
      run += '**';
      i += 2;
      continue;
    } else if (ch === '*') {
      if (allowed.emStar && opens(i + 1, '*')) {
        const j = next(cl.star, i + 2);
        if (j < end) {
          flush();
          out.push({ kind: 'em', children: parse(c, cl, i + 1, j, { ...allowed, emStar: false }) });
          i = j + 1;
          continue;
        }
      }
    } else if (ch === '_') {
      if (allowed.emUnder && (i === 0 || !isWord(c[i - 1])) && opens(i + 1, '_')) {
        const j = next(cl.under, i + 2);
        if (j < end) {
          flush();
          out.push({ kind: 'em', children: parse(c, cl, i + 1, j, { ...allowed, emUnder: false }) });
          i = j + 1;
          continue;
        }
      }
    } else if (ch === '[' && allowed.link) {
      const j = next(cl.bracket, i + 1);
      if (j < end && j > i + 1 && j + 1 < end && c[j + 1] === '(') {
        const k = next(cl.paren, j + 2);
        if (k < end && k > j + 2) {
          const url = c.slice(j + 2, k).join('');
          if (isSafeUrl(url)) {
            flush();
            out.push({ kind: 'link', url, children: parse(c, cl, i + 1, j, { ...allowed, link: false }) });
            i = k + 1;
            continue;
          }
        }
      }
    } else if (ch === 'h' && allowed.link && (i === 0 || !isWord(c[i - 1]))) {
      const prefix = AUTOLINK_PREFIXES.find((p) => startsWith(c, i, end, p));
      if (prefix !== undefined) {
        let j = i;
        while (j < end && !isSpace(c[j])) j++;
        while (j > i && `.,;:!?'")]`.includes(c[j - 1])) j--;
        if (j > i + prefix.length) {
          flush();
          out.push({ kind: 'autolink', url: c.slice(i, j).join('') });
          i = j;
          continue;
        }
      }
    }
    run += ch;
    i++;
  }
  flush();
  return out;
}

function startsWith(c: string[], i: number, end: number, prefix: string): boolean {
  if (i + prefix.length > end) return false;
  for (let k = 0; k < prefix.length; k++) if (c[i + k] !== prefix[k]) return false;
  return true;
}

function isSafeUrl(url: string): boolean {
  if (/[ \t]/.test(url)) return false;
  const lower = url.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  return ['http://', 'https://', 'mailto:'].some((p) => lower.length > p.length && lower.startsWith(p));
}

const LINK_ATTRS = 'target="_blank" rel="noopener noreferrer"';

function htmlInlines(nodes: Inline[], renderText: TextRenderer): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += renderText(node.text);
        break;
      case 'code':
        out += `<code>${escapeHtml(node.text)}</code>`;
        break;
      case 'strong':
        out += `<strong>${htmlInlines(node.children, renderText)}</strong>`;
        break;
      case 'em':
        out += `<em>${htmlInlines(node.children, renderText)}</em>`;
        break;
      case 'link':
        out += `<a href="${escapeHtml(node.url)}" ${LINK_ATTRS}>${htmlInlines(node.children, renderText)}</a>`;
        break;
      case 'autolink': {
        const url = escapeHtml(node.url);
        out += `<a href="${url}" ${LINK_ATTRS}>${url}</a>`;
        break;
      }
    }
  }
  return out;
}

function plainInlines(nodes: Inline[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text' || node.kind === 'code') out += node.text;
    else if (node.kind === 'autolink') out += node.url;
    else if (node.kind === 'link') {
      const text = plainInlines(node.children);
      out += text === node.url ? node.url : `${text} (${node.url})`;
    } else out += plainInlines(node.children);
  }
  return out;
}

// Only these two are spaces to the rules, so that both renderers agree exactly.
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t';
}

function isWord(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c);
}
