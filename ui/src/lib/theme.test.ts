import { describe, expect, it } from 'vitest';
import { parseChoice, resolveTheme, savedChoice } from './theme';

describe('themes', () => {
  it('follow the system unless the teammate chose one', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('read back what was saved, defaulting to the system', () => {
    expect(parseChoice('dark')).toBe('dark');
    expect(parseChoice('purple')).toBe('system');
    expect(parseChoice(null)).toBe('system');
    expect(savedChoice({ getItem: () => 'light' })).toBe('light');
    expect(savedChoice(undefined)).toBe('system');
  });
});
