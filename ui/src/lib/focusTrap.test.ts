import { describe, expect, it } from 'vitest';
import { trapStep } from './focusTrap';

describe('the focus trap of a modal dialog', () => {
  it('goes round its controls with Tab, never out', () => {
    expect(trapStep(0, 3, false)).toBe(1);
    expect(trapStep(2, 3, false)).toBe(0);
    expect(trapStep(0, 1, false)).toBe(0);
  });
  it('goes round backwards with Shift+Tab', () => {
    expect(trapStep(0, 3, true)).toBe(2);
    expect(trapStep(2, 3, true)).toBe(1);
  });
  it('starts at an end when the focus is on none of them (the dialog itself)', () => {
    expect(trapStep(-1, 3, false)).toBe(0);
    expect(trapStep(-1, 3, true)).toBe(2);
    expect(trapStep(-1, 0, false)).toBe(-1);
  });
});
