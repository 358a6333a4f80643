import { describe, expect, it } from 'vitest';
import type { Team, Teammate } from './bindings';
import {
  MAX_CANDIDATES,
  insertMention,
  matchScore,
  mentionCandidates,
  mentionQuery,
  mentionSegments,
  mentionableNames,
  moveActive,
} from './mentions';

const mate = (id: string, name: string, email: string, active = true): Teammate =>
  ({ id, name, email, role: 'teammate', active }) as Teammate;
const team = (id: string, name: string, members: string[]): Team => ({ id, name, members }) as Team;

const teammates = [
  mate('1', 'Alex Rivera', 'alex@northwind.example'),
  mate('2', 'Sam Okafor', 'sam@northwind.example'),
  mate('3', 'Priya Natarajan', 'priya@northwind.example'),
  mate('4', 'Mei Lin', 'mei@northwind.example'),
  mate('5', 'Samira Haddad', 'samira@northwind.example', false),
  mate('6', 'Tomás Novak', 'tomas@northwind.example'),
  mate('7', 'Jo Sampson', 'jsampson@northwind.example'),
];
const teams = [team('t1', 'Support', ['1', '2']), team('t2', 'Sales', ['3'])];

describe('mentionQuery', () => {
  it('finds the @ being typed and what follows it', () => {
    expect(mentionQuery('Please check @sa', 16)).toEqual({ start: 13, query: 'sa' });
    expect(mentionQuery('@Mei L', 6)).toEqual({ start: 0, query: 'Mei L' });
    expect(mentionQuery('(@pri', 5)).toEqual({ start: 1, query: 'pri' });
  });

  it('needs a letter after the @, no line break, and no word just before it', () => {
    expect(mentionQuery('Please check @', 14)).toBeNull();
    expect(mentionQuery('mail ana@example', 16)).toBeNull();
    expect(mentionQuery('@sam\nthanks', 11)).toBeNull();
    expect(mentionQuery('@1234', 5)).toBeNull();
    expect(mentionQuery('no at sign', 10)).toBeNull();
    expect(mentionQuery('@sam  and', 9)).toBeNull();
  });

  it('only looks before the caret', () => {
    expect(mentionQuery('@sam is here', 4)).toEqual({ start: 0, query: 'sam' });
    expect(mentionQuery('hi @sam', 2)).toBeNull();
  });
});

describe('mentionCandidates', () => {
  it('ranks a name prefix first, then a later word, then the email, then a fuzzy match', () => {
    expect(matchScore('sam', 'Sam Okafor', 'sam@x')).toBe(0);
    expect(matchScore('oka', 'Sam Okafor')).toBe(1);
    expect(matchScore('jsam', 'Jo Sampson', 'jsampson@x')).toBe(2);
    expect(matchScore('smo', 'Sam Okafor')).toBe(3);
    expect(matchScore('zz', 'Sam Okafor')).toBeNull();
    expect(matchScore('tomas', 'Tomás Novak')).toBe(0);
  });

  it('offers active teammates other than me, and teams, labelled', () => {
    const found = mentionCandidates('sa', teammates, teams, '1');
    expect(found.map((c) => [c.kind, c.name])).toEqual([
      ['team', 'Sales'],
      ['teammate', 'Sam Okafor'],
      ['teammate', 'Jo Sampson'],
      ['teammate', 'Tomás Novak'],
    ]);
    expect(found.find((c) => c.kind === 'team')?.detail).toBe('1 member');
    // Samira is deactivated; I am not offered to myself.
    expect(mentionCandidates('samira', teammates, teams, '1')).toEqual([]);
    expect(mentionCandidates('alex', teammates, teams, '1')).toEqual([]);
    expect(mentionCandidates('alex', teammates, teams, null).map((c) => c.name)).toEqual(['Alex Rivera']);
  });

  it('offers at most a handful', () => {
    const many = Array.from({ length: 20 }, (_, i) => mate(`m${i}`, `Sam ${i}`, `sam${i}@x`));
    expect(mentionCandidates('sam', many, [], null)).toHaveLength(MAX_CANDIDATES);
  });
});

describe('insertMention', () => {
  it('replaces the typed @query with the full name and a space, caret after it', () => {
    const text = 'Please check @sa';
    expect(insertMention(text, 13, text.length, 'Sam Okafor')).toEqual({ text: 'Please check @Sam Okafor ', caret: 25 });
  });

  it('keeps what follows the caret, without doubling a space', () => {
    const text = 'Ask @me about it';
    expect(insertMention(text, 4, 7, 'Mei Lin')).toEqual({ text: 'Ask @Mei Lin about it', caret: 13 });
  });
});

describe('moveActive', () => {
  it('moves and wraps', () => {
    expect(moveActive(0, 1, 3)).toBe(1);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
    expect(moveActive(0, 1, 0)).toBe(-1);
  });
});

describe('mentionSegments', () => {
  const names = mentionableNames(teammates, teams);

  it('marks the mentions the core recognises: full name, first name, team; any case', () => {
    expect(mentionSegments('Thanks @Sam Okafor and @mei, cc @support.', names)).toEqual([
      { text: 'Thanks ', mention: false },
      { text: '@Sam Okafor', mention: true },
      { text: ' and ', mention: false },
      { text: '@mei', mention: true },
      { text: ', cc ', mention: false },
      { text: '@support', mention: true },
      { text: '.', mention: false },
    ]);
  });

  it('leaves a longer word and unknown names alone', () => {
    expect(mentionSegments('@samuel and @nobody', names)).toEqual([{ text: '@samuel and @nobody', mention: false }]);
  });

  it('follows the core even after a letter, as its alert does', () => {
    expect(mentionSegments('a@sam', names)).toEqual([
      { text: 'a', mention: false },
      { text: '@sam', mention: true },
    ]);
  });
});
