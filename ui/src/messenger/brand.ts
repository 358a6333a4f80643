// The brand's look: its colour as CSS variables, with text on it readable whatever the colour
// (white on dark colours, near-black on light ones), and a darker shade of it for text on white.
import type { Brand } from './types';

export const DEFAULT_COLOR = '#3b5bdb';
export const DARK_TEXT = '#16161a';
export const LIGHT_TEXT = '#ffffff';

/** `#rrggbb` (lower case) from `#rrggbb` or `#rgb`; the default colour for anything else. */
export function normalizeColor(color: string | null | undefined): string {
  const c = (color ?? '').trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(c)) return c;
  if (/^#[0-9a-f]{3}$/.test(c)) return `#${c[1]}${c[1]}${c[2]}${c[2]}${c[3]}${c[3]}`;
  return DEFAULT_COLOR;
}

function channels(color: string): [number, number, number] {
  const c = normalizeColor(color);
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG relative luminance of a colour, 0 (black) to 1 (white). */
export function luminance(color: string): number {
  const [r, g, b] = channels(color).map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The text colour for text on `color`: white or near-black, whichever contrasts more. */
export function textOn(color: string): string {
  return contrast(color, LIGHT_TEXT) >= contrast(color, DARK_TEXT) ? LIGHT_TEXT : DARK_TEXT;
}

function hex(rgb: number[]): string {
  return `#${rgb.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The colour itself when it reads on `background` with at least `ratio` contrast (links,
 * selected tabs), else the colour darkened step by step until it does.
 */
export function inkOn(color: string, background = '#ffffff', ratio = 4.5): string {
  let rgb = channels(color);
  for (let i = 0; i < 40; i++) {
    const c = hex(rgb);
    if (contrast(c, background) >= ratio) return c;
    rgb = rgb.map((v) => v * 0.92) as [number, number, number];
  }
  return DARK_TEXT;
}

/** The CSS custom properties of a brand, as an inline `style` value. */
export function brandStyle(color: string | null | undefined): string {
  const c = normalizeColor(color);
  return `--brand: ${c}; --brand-text: ${textOn(c)}; --brand-ink: ${inkOn(c)};`;
}

/** The default brand, used until (or when) the server's configuration is known. */
export function defaultBrand(): Brand {
  return { id: '', name: 'Support', color: DEFAULT_COLOR, logo_url: null };
}

/** A brand as received, with the blanks filled in. */
export function normalizeBrand(brand: Partial<Brand> | null | undefined): Brand {
  const d = defaultBrand();
  if (!brand) return d;
  return {
    id: brand.id ?? d.id,
    name: brand.name?.trim() || d.name,
    color: normalizeColor(brand.color),
    logo_url: brand.logo_url?.trim() || null,
  };
}

/** The initials shown when a brand has no logo ("Northwind Support" → "NS"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');
}
