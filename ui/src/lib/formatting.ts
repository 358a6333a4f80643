// The composer's formatting keys and buttons: each puts the rich-text subset's markers
// (lib/richText.ts) around or before the selection, or takes them off again, and says what to
// select afterwards. Pure, so the composer only applies the result.

export interface Edit {
  text: string;
  /** The selection afterwards. */
  start: number;
  end: number;
}

export type Format = 'bold' | 'italic' | 'code' | 'link' | 'bullets' | 'numbers';

export function applyFormat(format: Format, text: string, start: number, end: number): Edit {
  switch (format) {
    case 'bold':
      return wrap(text, start, end, '**');
    case 'italic':
      return wrap(text, start, end, '*');
    case 'code':
      return text.slice(start, end).includes('\n') ? fence(text, start, end) : wrap(text, start, end, '`');
    case 'link':
      return link(text, start, end);
    case 'bullets':
      return list(text, start, end, false);
    case 'numbers':
      return list(text, start, end, true);
  }
}

/**
 * `marker` around the selection, or off it when it is already there. Spaces at the selection's
 * ends stay outside (a marker after a space closes nothing), and each line is wrapped alone
 * (spans end with their line). With nothing selected, the markers go in with the caret between.
 */
export function wrap(text: string, start: number, end: number, marker: string): Edit {
  const m = marker.length;
  if (start >= m && text.slice(start - m, start) === marker && text.slice(end, end + m) === marker && !sameMarkerAround(text, start, end, marker)) {
    return { text: text.slice(0, start - m) + text.slice(start, end) + text.slice(end + m), start: start - m, end: end - m };
  }
  const selected = text.slice(start, end);
  if (selected === '') {
    return { text: text.slice(0, start) + marker + marker + text.slice(end), start: start + m, end: start + m };
  }
  const wrapped = selected
    .split('\n')
    .map((line) => {
      const lead = /^[ \t]*/.exec(line)![0];
      const trail = /[ \t]*$/.exec(line.slice(lead.length))![0];
      const core = line.slice(lead.length, line.length - trail.length);
      return core === '' ? line : lead + marker + core + marker + trail;
    })
    .join('\n');
  const next = text.slice(0, start) + wrapped + text.slice(end);
  if (!selected.includes('\n') && /^[ \t]*/.exec(selected)![0] === '' && /[ \t]*$/.exec(selected)![0] === '') {
    return { text: next, start: start + m, end: end + m };
  }
  return { text: next, start, end: start + wrapped.length };
}

/** `*x*` inside `**x**`: italic's marker next to bold's is not italic's to take off. */
function sameMarkerAround(text: string, start: number, end: number, marker: string): boolean {
  const m = marker.length;
  const c = marker[0];
  return marker.length === 1 && text[start - m - 1] === c && text[end + m] === c && !(text[start - m - 2] === c && text[end + m + 1] === c);
}

function fence(text: string, start: number, end: number): Edit {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const nl = text.indexOf('\n', Math.max(end - 1, lineStart));
  const lineEnd = end > lineStart && text[end - 1] === '\n' ? end - 1 : nl < 0 ? text.length : nl;
  const body = text.slice(lineStart, lineEnd);
  const block = '```\n' + body + '\n```';
  return { text: text.slice(0, lineStart) + block + text.slice(lineEnd), start: lineStart + 4, end: lineStart + 4 + body.length };
}

const URL_LIKE = /^(https?:\/\/|mailto:)\S+$/i;

/**
 * A link: the selected words become its text and the address is selected to be typed over;
 * a selected address becomes its target and the text is to be typed.
 */
export function link(text: string, start: number, end: number): Edit {
  const selected = text.slice(start, end);
  const before = text.slice(0, start);
  const after = text.slice(end);
  if (URL_LIKE.test(selected)) {
    return { text: `${before}[](${selected})${after}`, start: start + 1, end: start + 1 };
  }
  const label = selected === '' || selected.includes('\n') ? 'link text' : selected;
  const inserted = `[${label}](https://)`;
  if (label !== selected) {
    return { text: before + inserted + after, start: start + 1, end: start + 1 + label.length };
  }
  const url = start + label.length + 3;
  return { text: before + inserted + after, start: url, end: url + 'https://'.length };
}

const ITEM = /^( *)(- |\* |[0-9]{1,9}\. )/;

/** The selected lines as list items, or back to lines when they all are items of that kind. */
export function list(text: string, start: number, end: number, ordered: boolean): Edit {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const stop = end > start && text[end - 1] === '\n' ? end - 1 : end;
  const nl = text.indexOf('\n', stop);
  const lineEnd = nl < 0 ? text.length : nl;
  const lines = text.slice(lineStart, lineEnd).split('\n');
  const isKind = (line: string) => {
    const m = ITEM.exec(line);
    return m !== null && /^[0-9]/.test(m[2]) === ordered;
  };
  // Blank lines between items stay blank; a blank line alone is where a list starts.
  const blanksStay = lines.length > 1;
  const all = lines.some((l) => l.trim() !== '') && lines.every((l) => l.trim() === '' || isKind(l));
  let n = 0;
  const changed = lines
    .map((line) => {
      if (all) return line.replace(ITEM, '$1');
      if (line.trim() === '' && blanksStay) return line;
      n++;
      const marker = ordered ? `${n}. ` : '- ';
      const m = ITEM.exec(line);
      return m ? m[1] + marker + line.slice(m[0].length) : marker + line;
    })
    .join('\n');
  const next = text.slice(0, lineStart) + changed + text.slice(lineEnd);
  if (lines.length === 1 && start === end) {
    const caret = start + (changed.length - lines[0].length);
    return { text: next, start: Math.max(lineStart, caret), end: Math.max(lineStart, caret) };
  }
  return { text: next, start: lineStart, end: lineStart + changed.length };
}
