// The customer's session in localStorage: the token (sent as `Authorization: Bearer`) and who
// they are, so the greeting has a name before `/messenger/me` answers.
import type { Contact, Session } from './types';

const TOKEN_KEY = 'teammate-inbox.messenger.token';
const CONTACT_KEY = 'teammate-inbox.messenger.contact';

export interface StoredSession {
  token: string;
  contact: Contact | null;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage blocked (third-party iframe with strict settings)
  }
}

let memory: StoredSession | null = null;

export function loadSession(): StoredSession | null {
  const s = storage();
  if (!s) return memory;
  try {
    const token = s.getItem(TOKEN_KEY);
    if (!token) return null;
    let contact: Contact | null = null;
    const raw = s.getItem(CONTACT_KEY);
    if (raw) {
      try {
        contact = JSON.parse(raw) as Contact;
      } catch {
        contact = null;
      }
    }
    return { token, contact };
  } catch {
    return memory;
  }
}

export function saveSession(session: Pick<Session, 'token' | 'contact'>): StoredSession {
  const stored: StoredSession = { token: session.token, contact: session.contact ?? null };
  memory = stored;
  const s = storage();
  try {
    s?.setItem(TOKEN_KEY, stored.token);
    if (stored.contact) s?.setItem(CONTACT_KEY, JSON.stringify(stored.contact));
    else s?.removeItem(CONTACT_KEY);
  } catch {
    // Kept in memory only.
  }
  return stored;
}

export function clearSession(): void {
  memory = null;
  const s = storage();
  try {
    s?.removeItem(TOKEN_KEY);
    s?.removeItem(CONTACT_KEY);
  } catch {
    // Nothing stored.
  }
}
