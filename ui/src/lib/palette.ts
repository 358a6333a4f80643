// Matching what is typed in the command palette against command titles.
import type { Command } from './commands.svelte';

/** How well `title` matches `query`: every word must appear; a word starting the title or a
 *  word of it ranks higher. Null when it does not match. */
export function matchScore(title: string, query: string): number | null {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const text = title.toLowerCase();
  let score = 0;
  for (const word of words) {
    const at = text.indexOf(word);
    if (at < 0) return null;
    score += at === 0 ? 3 : /\s/.test(text[at - 1] ?? '') ? 2 : 1;
  }
  return score;
}

/** The commands matching `query`, best first; all of them, in order, for an empty query. */
export function filterCommands(commands: Command[], query: string): Command[] {
  if (!query.trim()) return commands;
  return commands
    .map((command, index) => ({ command, index, score: matchScore(`${command.group} ${command.title}`, query) ?? matchScore(command.title, query) }))
    .filter((m): m is { command: Command; index: number; score: number } => m.score !== null)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((m) => m.command);
}
