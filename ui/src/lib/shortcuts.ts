// How keyboard shortcuts are written in tooltips and in the "?" sheet: each key as it is typed
// (`a`, not `A`, which would mean Shift+A), named keys short (`Esc`, `↓`).

const NAMED: Record<string, string> = {
  Escape: 'Esc',
  ArrowDown: '↓',
  ArrowUp: '↑',
  ArrowLeft: '←',
  ArrowRight: '→',
  ' ': 'Space',
  Control: 'Ctrl',
};

/** A key as the teammate types it: letters keep their case, named keys get their short name. */
export function keyLabel(key: string): string {
  return NAMED[key] ?? key;
}

/** "Assign (a)": a control's tooltip with the key that does the same. */
export function withKey(title: string, ...keys: string[]): string {
  return keys.length === 0 ? title : `${title} (${keys.map(keyLabel).join('+')})`;
}

export interface ShortcutRow {
  keys: string[];
  what: string;
}

/** The "?" sheet's rows: the fixed ones, then the commands' own, each key combination once
 *  (the first description of it wins), keys written as typed. */
export function shortcutRows(...lists: ShortcutRow[][]): ShortcutRow[] {
  const seen = new Set<string>();
  const rows: ShortcutRow[] = [];
  for (const row of lists.flat()) {
    if (row.keys.length === 0) continue;
    const keys = row.keys.map(keyLabel);
    const id = keys.join('+');
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push({ keys, what: row.what });
  }
  return rows;
}
