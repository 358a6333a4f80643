import { describe, expect, it } from 'vitest';
import { keyLabel, shortcutRows, withKey } from './shortcuts';

describe('key labels', () => {
  it('shows letters as typed, never capitalised', () => {
    expect(keyLabel('a')).toBe('a');
    expect(keyLabel('?')).toBe('?');
    expect(keyLabel('/')).toBe('/');
    expect(withKey('Assign', 'a')).toBe('Assign (a)');
    expect(withKey('Change state', 's')).toBe('Change state (s)');
    expect(withKey('Command palette', 'Ctrl', 'k')).toBe('Command palette (Ctrl+k)');
    expect(withKey('Close')).toBe('Close');
  });
  it('names the keys without a character briefly', () => {
    expect(keyLabel('Escape')).toBe('Esc');
    expect(keyLabel('ArrowDown')).toBe('↓');
    expect(keyLabel(' ')).toBe('Space');
    expect(keyLabel('Enter')).toBe('Enter');
  });
});

describe('the shortcuts sheet', () => {
  it('lists each key once, the first description winning', () => {
    const rows = shortcutRows(
      [
        { keys: ['?'], what: 'This list' },
        { keys: ['Ctrl', 'k'], what: 'Command palette' },
      ],
      [
        { keys: ['?'], what: 'Keyboard shortcuts' },
        { keys: ['c'], what: 'New ticket' },
        { keys: [], what: 'Use the dark theme' },
        { keys: ['c'], what: 'New ticket again' },
      ],
    );
    expect(rows).toEqual([
      { keys: ['?'], what: 'This list' },
      { keys: ['Ctrl', 'k'], what: 'Command palette' },
      { keys: ['c'], what: 'New ticket' },
    ]);
  });
  it('writes the keys as typed', () => {
    expect(shortcutRows([{ keys: ['Escape'], what: 'Close' }])).toEqual([{ keys: ['Esc'], what: 'Close' }]);
  });
});
