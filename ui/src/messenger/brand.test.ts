import { describe, expect, it } from 'vitest';
import { brandStyle, contrast, DARK_TEXT, DEFAULT_COLOR, inkOn, initials, LIGHT_TEXT, normalizeBrand, normalizeColor, textOn } from './brand';

describe('brand colour', () => {
  it('normalises colours, with the default for anything else', () => {
    expect(normalizeColor('#AABBCC')).toBe('#aabbcc');
    expect(normalizeColor(' #abc ')).toBe('#aabbcc');
    expect(normalizeColor('')).toBe(DEFAULT_COLOR);
    expect(normalizeColor(null)).toBe(DEFAULT_COLOR);
    expect(normalizeColor('red')).toBe(DEFAULT_COLOR);
    expect(normalizeColor('#12345')).toBe(DEFAULT_COLOR);
  });

  it('puts white text on dark colours and dark text on light ones', () => {
    expect(textOn('#3b5bdb')).toBe(LIGHT_TEXT);
    expect(textOn('#000000')).toBe(LIGHT_TEXT);
    expect(textOn('#ffd43b')).toBe(DARK_TEXT);
    expect(textOn('#ffffff')).toBe(DARK_TEXT);
    expect(textOn('#40c057')).toBe(DARK_TEXT);
  });

  it('always reads: text on the brand colour has at least 4.5:1 for usual colours', () => {
    for (const c of ['#3b5bdb', '#e03131', '#2f9e44', '#f08c00', '#ae3ec9', '#1098ad', '#868e96', '#ffd43b', '#111111']) {
      expect(contrast(c, textOn(c))).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('darkens a light colour until it reads as text on white', () => {
    expect(inkOn('#1b1b1f')).toBe('#1b1b1f');
    const ink = inkOn('#ffd43b');
    expect(contrast(ink, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#ffd43b', '#ffffff')).toBeLessThan(4.5);
  });

  it('makes CSS variables', () => {
    expect(brandStyle('')).toContain(`--brand: ${DEFAULT_COLOR}`);
    expect(brandStyle('#ffd43b')).toContain(`--brand-text: ${DARK_TEXT}`);
  });

  it('fills in a brand', () => {
    expect(normalizeBrand({ id: 'b1', name: ' ', color: '', logo_url: '' })).toEqual({
      id: 'b1',
      name: 'Support',
      color: DEFAULT_COLOR,
      logo_url: null,
    });
    expect(normalizeBrand(null).name).toBe('Support');
    expect(initials('Northwind Support Team')).toBe('NS');
    expect(initials('acme')).toBe('A');
  });
});
