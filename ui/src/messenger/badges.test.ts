import { describe, expect, it } from 'vitest';
import { badgeText, launcherLabel, spaceLabel, unreadWords } from './badges';

describe('badges', () => {
  it('shows nothing for zero or nonsense, caps at 99+', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(-2)).toBe('');
    expect(badgeText(null)).toBe('');
    expect(badgeText(undefined)).toBe('');
    expect(badgeText(Number.NaN)).toBe('');
    expect(badgeText(1)).toBe('1');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
  });

  it('names the launcher with its unread count', () => {
    expect(launcherLabel(0, false)).toBe('Open messages');
    expect(launcherLabel(3, false)).toBe('Open messages, 3 unread');
    expect(launcherLabel(3, true)).toBe('Close messages');
    expect(unreadWords(150)).toBe('99+ unread');
  });

  it('names the spaces with theirs', () => {
    expect(spaceLabel('Tickets', 2)).toBe('Tickets, 2 unread');
    expect(spaceLabel('Messages', 0)).toBe('Messages');
  });
});
