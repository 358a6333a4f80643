// Light and dark themes: the teammate's choice, or the system's when they chose "system".
// The choice lives in localStorage (it is this computer's, not the workspace's).

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'teammate-inbox.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light';
  return choice;
}

export function parseChoice(value: string | null | undefined): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function savedChoice(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ThemeChoice {
  return parseChoice(storage?.getItem(KEY));
}

let current: ThemeChoice = 'system';
let listening = false;

function paint() {
  const dark = globalThis.matchMedia?.(DARK_QUERY).matches ?? false;
  document.documentElement.dataset.theme = resolveTheme(current, dark);
}

/** Applies `choice` now and keeps following the system while it is "system". */
export function applyTheme(choice: ThemeChoice) {
  current = choice;
  paint();
  if (!listening && globalThis.matchMedia) {
    globalThis.matchMedia(DARK_QUERY).addEventListener('change', paint);
    listening = true;
  }
}

/** Remembers and applies the teammate's choice. */
export function chooseTheme(choice: ThemeChoice, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage) {
  storage?.setItem(KEY, choice);
  applyTheme(choice);
}

/** The theme on screen now. */
export function shownTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}
