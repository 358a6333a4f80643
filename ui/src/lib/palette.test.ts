import { describe, expect, it } from 'vitest';
import type { Command } from './commands.svelte';
import { filterCommands, matchScore } from './palette';

const command = (title: string, group = 'Ticket'): Command => ({ id: title, title, group, run: () => {} });

describe('the command palette', () => {
  it('matches every word, anywhere in the title', () => {
    expect(matchScore('Assign to…', 'ass')).not.toBeNull();
    expect(matchScore('Change the state', 'state change')).not.toBeNull();
    expect(matchScore('Reply', 'note')).toBeNull();
  });

  it('ranks word starts first and keeps the order otherwise', () => {
    const list = [command('Go to Unassigned', 'Go to'), command('Assign to…'), command('Reassign')];
    expect(filterCommands(list, 'assign').map((c) => c.title)).toEqual(['Assign to…', 'Go to Unassigned', 'Reassign']);
    expect(filterCommands(list, '  ')).toEqual(list);
    expect(filterCommands(list, 'zzz')).toEqual([]);
  });

  it('finds a command by its group too', () => {
    const list = [command('Mine', 'Go to'), command('Reply')];
    expect(filterCommands(list, 'go mine').map((c) => c.title)).toEqual(['Mine']);
  });
});

describe('the command registry', () => {
  it('keeps each source until it unregisters, and only its own list', async () => {
    const { allCommands, registerCommands } = await import('./commands.svelte');
    const a = registerCommands('a', [command('One')]);
    const b = registerCommands('b', [command('Two')]);
    expect(allCommands().map((c) => c.title)).toEqual(['One', 'Two']);
    const a2 = registerCommands('a', [command('Three')]);
    a(); // the first list was replaced: nothing to undo
    expect(allCommands().map((c) => c.title)).toEqual(['Three', 'Two']);
    a2();
    b();
    expect(allCommands()).toEqual([]);
  });
});
