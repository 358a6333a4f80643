// Every action of the window as a command: the command palette (Ctrl+K) lists them and the
// shortcuts help (?) shows their keys. Components register what they can do while they can do
// it (the open ticket registers reply, note, assign…) and unregister when they go.
import { untrack } from 'svelte';

export interface Command {
  id: string;
  title: string;
  /** Where the palette lists it: "Ticket", "Go to", "App"… */
  group: string;
  /** The keys that do the same, as shown to the teammate ("r", "Ctrl+K"). */
  keys?: string[];
  run: () => void;
}

let sources = $state.raw<Record<string, Command[]>>({});

/** Registers `list` under `source` (replacing what it had); returns the unregistration.
 *  Components call it from an effect: the registry is read untracked, so one source
 *  registering does not re-run the others' effects. */
export function registerCommands(source: string, list: Command[]): () => void {
  untrack(() => (sources = { ...sources, [source]: list }));
  return () =>
    untrack(() => {
      if (sources[source] !== list) return;
      const { [source]: _gone, ...rest } = sources;
      sources = rest;
    });
}

/** Every registered command, in registration order. */
export function allCommands(): Command[] {
  return Object.values(sources).flat();
}
