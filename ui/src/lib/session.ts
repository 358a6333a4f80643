// Signing in and out, and the first download of a server's workspace: the words the screens
// show, kept here so they can be tested without a window.
import type { Session } from './bindings';
import { formatCount } from './format';

/** Whether a window showing `shown` shows `now` already: the same server, teammate and
 *  workspace, ready. */
export function showsSession(shown: Session | null, now: Session): boolean {
  return (
    shown !== null &&
    shown.server === now.server &&
    shown.email === now.email &&
    shown.has_workspace &&
    now.has_workspace &&
    now.preparing === null
  );
}

/** "12,000 of 100,000 tickets", or what is known before the first page arrives. */
export function downloadProgress(progress: { tickets: number; total_tickets: number } | null): string {
  if (!progress || progress.total_tickets === 0) return 'Starting the download…';
  const n = (x: number) => formatCount(x);
  return `${n(Math.min(progress.tickets, progress.total_tickets))} of ${n(progress.total_tickets)} tickets`;
}

/** What signing out now would leave behind, if anything: the teammate confirms knowingly. */
export function signOutWarning(pending: number): string | null {
  if (pending <= 0) return null;
  const changes = pending === 1 ? '1 change has' : `${pending} changes have`;
  return `${changes} not reached the server yet. ${pending === 1 ? 'It stays' : 'They stay'} on this computer and ${pending === 1 ? 'goes' : 'go'} out the next time you sign in.`;
}
