import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearSession, loadSession, saveSession } from './session';

function fakeStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

describe('session', () => {
  afterEach(() => {
    clearSession();
    vi.unstubAllGlobals();
  });

  it('keeps the token and contact in localStorage, and forgets them', () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    expect(loadSession()).toBeNull();
    saveSession({ token: 'tok', contact: { id: 'c1', name: 'Ada', email: 'ada@example.com' } });
    expect(storage.getItem('teammate-inbox.messenger.token')).toBe('tok');
    expect(loadSession()).toEqual({ token: 'tok', contact: { id: 'c1', name: 'Ada', email: 'ada@example.com' } });
    clearSession();
    expect(loadSession()).toBeNull();
    expect(storage.length).toBe(0);
  });

  it('survives a corrupt contact, and works in memory without storage', () => {
    const storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
    storage.setItem('teammate-inbox.messenger.token', 'tok');
    storage.setItem('teammate-inbox.messenger.contact', '{not json');
    expect(loadSession()).toEqual({ token: 'tok', contact: null });
    vi.unstubAllGlobals();
    vi.stubGlobal('localStorage', undefined);
    saveSession({ token: 'mem', contact: { id: 'c', name: null, email: null } });
    expect(loadSession()?.token).toBe('mem');
  });
});
