import { describe, expect, it } from 'vitest';
import { dateTime, formatAttributeValue, formatCount, initials, relativeTime, shortDate, ticketNumber, timelineTime } from './format';

const NOW = new Date(2025, 5, 15, 12, 0, 0).getTime(); // Jun 15 2025, 12:00 local
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('relativeTime', () => {
  it('says "now" under a minute, and for times slightly in the future', () => {
    expect(relativeTime(NOW, NOW)).toBe('now');
    expect(relativeTime(NOW - 59_000, NOW)).toBe('now');
    expect(relativeTime(NOW + 5_000, NOW)).toBe('now');
  });

  it('uses minutes, hours and days', () => {
    expect(relativeTime(NOW - 5 * MIN, NOW)).toBe('5m');
    expect(relativeTime(NOW - 59 * MIN, NOW)).toBe('59m');
    expect(relativeTime(NOW - 60 * MIN, NOW)).toBe('1h');
    expect(relativeTime(NOW - 3 * HOUR - 20 * MIN, NOW)).toBe('3h');
    expect(relativeTime(NOW - 23 * HOUR, NOW)).toBe('23h');
    expect(relativeTime(NOW - DAY, NOW)).toBe('1d');
    expect(relativeTime(NOW - 6 * DAY, NOW)).toBe('6d');
  });

  it('uses a short date after a week, with the year only when it differs', () => {
    expect(relativeTime(new Date(2025, 2, 4, 9, 30).getTime(), NOW, 'en-US')).toBe('Mar 4');
    expect(relativeTime(new Date(2023, 2, 4, 9, 30).getTime(), NOW, 'en-US')).toBe('Mar 4, 2023');
    expect(shortDate(new Date(2025, 11, 31).getTime(), NOW, 'en-US')).toBe('Dec 31');
  });
});

describe('timelineTime and dateTime', () => {
  it('shows only the time today, the date otherwise, the year only when it differs', () => {
    const today = new Date(2025, 5, 15, 9, 5).getTime();
    expect(timelineTime(today, NOW, 'en-GB')).toBe('09:05');
    expect(timelineTime(new Date(2025, 2, 4, 14, 30).getTime(), NOW, 'en-GB')).toBe('4 Mar, 14:30');
    expect(timelineTime(new Date(2023, 2, 4, 14, 30).getTime(), NOW, 'en-GB')).toBe('4 Mar 2023, 14:30');
    expect(dateTime(new Date(2025, 2, 4, 14, 30).getTime(), NOW, 'en-GB')).toBe('4 Mar, 14:30');
    expect(dateTime(new Date(2023, 2, 4, 14, 30).getTime(), NOW, 'en-GB')).toBe('4 Mar 2023, 14:30');
  });
});

describe('ticketNumber', () => {
  it('prefixes a hash, and names tickets not yet numbered', () => {
    expect(ticketNumber(123)).toBe('#123');
    expect(ticketNumber(null)).toBe('New');
  });
});

describe('initials', () => {
  it('takes the first and last initials', () => {
    expect(initials('Alex Morgan')).toBe('AM');
    expect(initials('  maria   de la cruz ')).toBe('MC');
    expect(initials('Zoë')).toBe('Z');
    expect(initials('')).toBe('?');
  });
});

describe('formatAttributeValue', () => {
  it('shows a dash for empty values', () => {
    expect(formatAttributeValue(undefined)).toBe('—');
    expect(formatAttributeValue(null)).toBe('—');
    expect(formatAttributeValue('')).toBe('—');
  });

  it('formats booleans, numbers, text', () => {
    expect(formatAttributeValue(true)).toBe('Yes');
    expect(formatAttributeValue(false)).toBe('No');
    expect(formatAttributeValue(1234.5, { data_type: { kind: 'decimal' } }, 'en-US')).toBe('1,234.5');
    expect(formatAttributeValue('Pro plan', { data_type: { kind: 'list', options: ['Pro plan'] } })).toBe('Pro plan');
  });

  it('formats dates given as calendar days or millis', () => {
    const date = { data_type: { kind: 'date' as const } };
    expect(formatAttributeValue('2024-03-04', date, 'en-US')).toBe('Mar 4, 2024');
    expect(formatAttributeValue(new Date(2024, 2, 4, 10).getTime(), date, 'en-US')).toBe('Mar 4, 2024');
    expect(formatAttributeValue('not a date', date, 'en-US')).toBe('not a date');
  });
});

describe('formatCount', () => {
  it("groups thousands the locale's way", () => {
    expect(formatCount(100000, 'en-US')).toBe('100,000');
    expect(formatCount(1234567, 'en-US')).toBe('1,234,567');
    expect(formatCount(100000, 'de-DE')).toBe('100.000');
    // French groups with a (narrow) no-break space.
    expect(formatCount(100000, 'fr-FR').replace(/\s/g, ' ')).toBe('100 000');
  });
  it('leaves small counts as they are', () => {
    expect(formatCount(0, 'en-US')).toBe('0');
    expect(formatCount(999, 'en-US')).toBe('999');
  });
  it("uses the window's locale when none is given", () => {
    expect(formatCount(100000)).toBe(new Intl.NumberFormat().format(100000));
  });
});
