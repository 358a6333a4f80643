// Macros (saved replies) in the UI: finding one by a fuzzy name, turning its actions into the
// mutations the app already sends, and describing them in words. The text's placeholders are
// filled by the backend (`commands.renderMacro`), which also refuses unknown ones.
import type { Macro, MacroAction, Workspace } from './bindings';
import type { TargetMutation } from './mutations.svelte';

/** How well `name` matches `query` as a fuzzy search: every character of the query in order,
 *  ranked by how many follow each other and start words. Null when it does not match. */
export function fuzzyScore(name: string, query: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (q === '') return 0;
  const text = name.toLowerCase();
  let score = 0;
  let at = -1;
  let run = 0;
  for (const ch of q) {
    const found = text.indexOf(ch, at + 1);
    if (found < 0) return null;
    run = found === at + 1 ? run + 1 : 0;
    const wordStart = found === 0 || /[\s\-_/.,'"]/.test(text[found - 1]);
    score += 1 + run * 2 + (wordStart ? 3 : 0) - Math.min(found - at - 1, 5) * 0.1;
    at = found;
  }
  return score;
}

/** The macros matching `query`, best first; all of them, by name, for an empty query. */
export function findMacros(macros: Macro[], query: string): Macro[] {
  if (!query.trim()) return macros;
  return macros
    .map((m, index) => ({ m, index, score: fuzzyScore(m.name, query) }))
    .filter((x): x is { m: Macro; index: number; score: number } => x.score !== null)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((x) => x.m);
}

export type MacroTarget = { kind: 'ticket'; id: string } | { kind: 'conversation'; id: string };

/** The mutations a macro's actions make on `target`, in order; on a conversation only those a
 *  conversation has (assigning, a note). */
export function actionMutations(actions: MacroAction[], target: MacroTarget): TargetMutation[] {
  const out: TargetMutation[] = [];
  for (const a of actions) {
    if (target.kind === 'ticket') {
      const ticket = target.id;
      switch (a.type) {
        case 'set_state':
          out.push({ type: 'set_state', ticket, state: a.state });
          break;
        case 'assign':
          out.push({ type: 'assign', ticket, teammate: a.teammate, team: a.team });
          break;
        case 'note':
          out.push({ type: 'note', ticket, body: a.body, keep_private: false });
          break;
        case 'link_tracker':
          if (a.tracker !== ticket) out.push({ type: 'link_tracker', ticket, tracker: a.tracker });
          break;
      }
    } else {
      const conversation = target.id;
      if (a.type === 'assign') out.push({ type: 'assign_conversation', conversation, teammate: a.teammate, team: a.team });
      else if (a.type === 'note') out.push({ type: 'conversation_note', conversation, body: a.body });
    }
  }
  return out;
}

/** "Set Waiting on customer", "Assign to Engineering", "Add a note", in words. */
export function describeAction(action: MacroAction, workspace: Pick<Workspace, 'states' | 'teammates' | 'teams'>): string {
  switch (action.type) {
    case 'set_state':
      return `Set ${workspace.states.find((s) => s.id === action.state)?.internal_label ?? 'a state'}`;
    case 'assign': {
      const who = [
        action.teammate ? workspace.teammates.find((t) => t.id === action.teammate)?.name : null,
        action.team ? workspace.teams.find((t) => t.id === action.team)?.name : null,
      ].filter(Boolean);
      return who.length ? `Assign to ${who.join(' · ')}` : 'Unassign';
    }
    case 'note':
      return 'Add a note';
    case 'link_tracker':
      return 'Link to a tracker';
  }
}

/** `text` with `insert` put where the selection was (replacing it), and where the caret goes. */
export function insertAt(text: string, insert: string, start: number, end: number): { text: string; caret: number } {
  const before = text.slice(0, start);
  const after = text.slice(end);
  return { text: before + insert + after, caret: before.length + insert.length };
}
