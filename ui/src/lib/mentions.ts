// @mentions in notes: what the teammate is typing after an `@`, the teammates and teams that
// match it, the mention put in its place, and the mentions in a note's text to highlight.
//
// A mention is written `@` + a teammate's full name (or a team's name), the form the core's
// mention rule (inbox-core `alerts::mentions`) recognises: `@` then the name in any case, not
// followed by a letter or digit. A teammate's first name alone mentions them too; the list
// inserts the full name, which no other teammate shares.
import type { Team, Teammate } from './bindings';

/** An `@` being typed: where it is and what follows it up to the caret. */
export interface MentionQuery {
  /** The index of the `@`. */
  start: number;
  query: string;
}

export interface MentionCandidate {
  kind: 'teammate' | 'team';
  id: string;
  /** What the mention reads (after the `@`). */
  name: string;
  /** A teammate's email; a team's member count. */
  detail: string;
}

/** How many names the list offers at most. */
export const MAX_CANDIDATES = 8;
/** Longer than any name worth completing: past it, the `@` is not a mention being typed. */
const MAX_QUERY = 40;

const WORD = /[\p{L}\p{N}]/u;

/**
 * The mention being typed at `caret`: an `@` at the start or after a character that is not a
 * letter or digit (so `ana@example.com` is not one), followed by at least one letter and no
 * line break. Null when the caret is not in one.
 */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && WORD.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (query.length === 0 || query.length > MAX_QUERY) return null;
  if (!/^\p{L}/u.test(query) || /[\n\r@]/.test(query)) return null;
  if (/\s\s/.test(query)) return null;
  return { start: at, query };
}

/** How well `name` (and `email`) match `query`: lower is better, null for no match. */
export function matchScore(query: string, name: string, email = ''): number | null {
  const q = fold(query.trim());
  if (q === '') return null;
  const n = fold(name);
  if (n.startsWith(q)) return 0;
  if (n.split(/\s+/).some((word) => word.startsWith(q))) return 1;
  const local = fold(email.split('@')[0] ?? '');
  if (local !== '' && local.startsWith(q)) return 2;
  if (!q.includes(' ') && isSubsequence(q, n.replace(/\s+/g, ''))) return 3;
  return null;
}

/**
 * The teammates and teams matching `query`, best first (then by name), at most MAX_CANDIDATES:
 * active teammates other than `me`, and every team.
 */
export function mentionCandidates(query: string, teammates: Teammate[], teams: Team[], me: string | null): MentionCandidate[] {
  const scored: { score: number; candidate: MentionCandidate }[] = [];
  for (const t of teammates) {
    if (!t.active || t.id === me) continue;
    const score = matchScore(query, t.name, t.email);
    if (score !== null) scored.push({ score, candidate: { kind: 'teammate', id: t.id, name: t.name, detail: t.email } });
  }
  for (const team of teams) {
    const score = matchScore(query, team.name);
    const members = team.members.length;
    if (score !== null)
      scored.push({
        score,
        candidate: { kind: 'team', id: team.id, name: team.name, detail: `${members} ${members === 1 ? 'member' : 'members'}` },
      });
  }
  scored.sort((a, b) => a.score - b.score || a.candidate.name.localeCompare(b.candidate.name));
  return scored.slice(0, MAX_CANDIDATES).map((s) => s.candidate);
}

/** `text` with the typed `@query` (from `start` to `caret`) replaced by the mention of `name`
 *  and a space; the caret goes after it. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const mention = `@${name}`;
  const rest = text.slice(caret);
  const space = rest.startsWith(' ') ? '' : ' ';
  const head = text.slice(0, start) + mention + space;
  return { text: head + rest, caret: head.length + (space === '' ? 1 : 0) };
}

/** The next option's index, `delta` away from `index`, wrapping. */
export function moveActive(index: number, delta: number, count: number): number {
  if (count === 0) return -1;
  return (((index + delta) % count) + count) % count;
}

export interface Segment {
  text: string;
  mention: boolean;
}

/**
 * A note's text cut into plain runs and mentions of `names` (teammates' full and first names,
 * teams' names), by the core's rule; the longest name wins where several start alike.
 */
export function mentionSegments(text: string, names: string[]): Segment[] {
  const candidates = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))].sort((a, b) => b.length - a.length);
  const lower = text.toLowerCase();
  const out: Segment[] = [];
  let plain = 0;
  let i = text.indexOf('@');
  while (i >= 0) {
    const found = candidates.find((name) => {
      const end = i + 1 + name.length;
      return lower.startsWith(name.toLowerCase(), i + 1) && (end >= text.length || !WORD.test(text[end]));
    });
    if (found) {
      if (i > plain) out.push({ text: text.slice(plain, i), mention: false });
      const end = i + 1 + found.length;
      out.push({ text: text.slice(i, end), mention: true });
      plain = end;
      i = text.indexOf('@', end);
    } else {
      i = text.indexOf('@', i + 1);
    }
  }
  if (plain < text.length) out.push({ text: text.slice(plain), mention: false });
  return out;
}

/** The names a note can mention: each teammate's full and first name, each team's name. */
export function mentionableNames(teammates: Teammate[], teams: Team[]): string[] {
  return [...teammates.flatMap((t) => [t.name, t.name.split(/\s+/)[0]]), ...teams.map((t) => t.name)];
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function isSubsequence(needle: string, hay: string): boolean {
  let j = 0;
  for (const c of hay) if (c === needle[j]) j++;
  return j === needle.length;
}
