// The protocol between embed.js (on the company's page) and the Messenger in its iframe:
// `{source: "teammate-inbox", type: "resize", open}` up, `{source: "teammate-inbox", type:
// "identify", ...}` down (docs/messenger.md), plus `ready` up so a late identity is sent again.

export const SOURCE = 'teammate-inbox';

/** What the embedding page tells about its signed-in user (`window.teammateInbox`). */
export interface Identity {
  user_id?: string;
  email?: string;
  name?: string;
  user_hash: string;
}

export type UpMessage = { source: typeof SOURCE; type: 'resize'; open: boolean } | { source: typeof SOURCE; type: 'ready' };

export function resizeMessage(open: boolean): UpMessage {
  return { source: SOURCE, type: 'resize', open };
}

export function readyMessage(): UpMessage {
  return { source: SOURCE, type: 'ready' };
}

function optionalString(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * The identity in an `identify` message, or null when the message is not one (another script's
 * message, or one without a hash or anyone to identify).
 */
export function identityOf(data: unknown): Identity | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.source !== SOURCE || d.type !== 'identify') return null;
  const user_hash = optionalString(d.user_hash);
  const user_id = optionalString(d.user_id);
  const email = optionalString(d.email);
  const name = optionalString(d.name);
  if (!user_hash || (!user_id && !email)) return null;
  const identity: Identity = { user_hash };
  if (user_id) identity.user_id = user_id;
  if (email) identity.email = email;
  if (name) identity.name = name;
  return identity;
}

/** The embedding page's user signed out (its identity was cleared with `update`). */
export function isSignOut(data: unknown): boolean {
  if (!data || typeof data !== 'object') return false;
  const d = data as Record<string, unknown>;
  return d.source === SOURCE && d.type === 'signout';
}

/** A stable key of an identity, to skip one already handled. */
export function identityKey(identity: Identity): string {
  return JSON.stringify([identity.user_id ?? '', identity.email ?? '', identity.name ?? '', identity.user_hash]);
}

/** The page's options from its query string. */
export interface PageParams {
  embed: boolean;
  brand: string | null;
  /** embed.js had an identity to pass when it made the iframe: wait for it. */
  expectIdentity: boolean;
}

export function pageParams(search: string): PageParams {
  const q = new URLSearchParams(search);
  const flag = (v: string | null) => v !== null && v !== '0' && v !== 'false';
  return {
    embed: flag(q.get('embed')),
    brand: q.get('brand') || null,
    expectIdentity: flag(q.get('identity')),
  };
}
