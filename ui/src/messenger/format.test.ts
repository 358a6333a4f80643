import { describe, expect, it } from 'vitest';
import { actionText, firstName, greeting, preview, relativeTime, ticketNumber } from './format';

describe('relativeTime', () => {
  const now = new Date(2026, 10, 20, 15, 0, 0).getTime(); // Friday 20 Nov 2026, 15:00 local

  it('counts minutes and hours of today', () => {
    expect(relativeTime(now - 10_000, now)).toBe('Just now');
    expect(relativeTime(now + 5_000, now)).toBe('Just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5m ago');
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe('3h ago');
  });

  it('says yesterday, then a weekday, then a date', () => {
    expect(relativeTime(new Date(2026, 10, 19, 20, 0).getTime(), now)).toBe('Yesterday');
    expect(relativeTime(new Date(2026, 10, 17, 9, 0).getTime(), now, 'en-GB')).toBe('Tue');
    expect(relativeTime(new Date(2026, 9, 2, 9, 0).getTime(), now, 'en-GB')).toBe('2 Oct');
    expect(relativeTime(new Date(2024, 9, 2, 9, 0).getTime(), now, 'en-GB')).toBe('2 Oct 2024');
  });
});

describe('names and numbers', () => {
  it('formats ticket numbers', () => {
    expect(ticketNumber(123)).toBe('#123');
    expect(ticketNumber(null)).toBe('');
  });

  it('greets by first name', () => {
    expect(firstName('Ada Lovelace')).toBe('Ada');
    expect(greeting('  Ada   Lovelace ')).toBe('Hi Ada');
    expect(greeting(null)).toBe('Hi there');
    expect(greeting('')).toBe('Hi there');
  });

  it('previews a message on one line', () => {
    expect(preview('Hello\n\nthere')).toBe('Hello there');
    expect(preview('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  });
});

describe('actionText', () => {
  it('words what each ticket offers', () => {
    expect(actionText('send_message')).toBe('Send us a message');
    expect(actionText('continue_conversation')).toBe('Continue the conversation');
    expect(actionText('view_closed_conversation')).toBe('View the conversation');
  });
});
