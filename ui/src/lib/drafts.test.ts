import { describe, expect, it, vi } from 'vitest';
import { DRAFT_KEY_PREFIX, DRAFT_SAVE_DELAY_MS, DraftStore, type DraftStorage } from './drafts';

function memoryStorage(): DraftStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('DraftStore', () => {
  it('keeps one draft per ticket', () => {
    const store = new DraftStore(memoryStorage());
    store.set('a', { text: 'Hello', mode: 'reply', keepPrivate: false, files: [] });
    store.set('b', { text: 'Internal', mode: 'note', keepPrivate: true, files: [] });
    expect(store.get('a')).toEqual({ text: 'Hello', mode: 'reply', keepPrivate: false, files: [] });
    expect(store.get('b')).toEqual({ text: 'Internal', mode: 'note', keepPrivate: true, files: [] });
    expect(store.get('c')).toBeNull();
  });

  it('survives a reload through storage', () => {
    const storage = memoryStorage();
    const store = new DraftStore(storage);
    store.set('t1', { text: 'Half a reply', mode: 'reply', keepPrivate: false, files: [] });
    store.flush();
    expect(storage.data.has(DRAFT_KEY_PREFIX + 't1')).toBe(true);
    const reloaded = new DraftStore(storage);
    expect(reloaded.get('t1')).toEqual({ text: 'Half a reply', mode: 'reply', keepPrivate: false, files: [] });
  });

  it('keeps the attached files with the draft, even with no text yet, and drops broken ones', () => {
    const storage = memoryStorage();
    const file = {
      id: '01J0000000000000000000000A',
      sha256: 'ab'.repeat(32),
      name: 'screen.png',
      content_type: 'image/png',
      size: 1234,
      uploader: { kind: 'teammate', id: 't1' },
      created_at: 1,
    } as const;
    const store = new DraftStore(storage);
    store.set('t1', { text: '', mode: 'reply', keepPrivate: false, files: [file] });
    store.flush();
    expect(new DraftStore(storage).get('t1')?.files).toEqual([file]);
    storage.setItem(DRAFT_KEY_PREFIX + 't2', JSON.stringify({ text: 'x', mode: 'reply', files: [file, { id: 3 }, null] }));
    expect(new DraftStore(storage).get('t2')?.files).toEqual([file]);
  });

  it('keeps a note a note: the mode is stored with the text', () => {
    const storage = memoryStorage();
    const store = new DraftStore(storage);
    store.set('t1', { text: 'Not for the customer', mode: 'note', keepPrivate: false, files: [] });
    store.flush();
    expect(new DraftStore(storage).get('t1')?.mode).toBe('note');
  });

  it('clears a draft everywhere', () => {
    const storage = memoryStorage();
    const store = new DraftStore(storage);
    store.set('t1', { text: 'Sent', mode: 'reply', keepPrivate: false, files: [] });
    store.clear('t1');
    expect(store.get('t1')).toBeNull();
    expect(storage.data.size).toBe(0);
  });

  it('does not store an empty draft but remembers its mode for the session', () => {
    const storage = memoryStorage();
    const store = new DraftStore(storage);
    store.set('t1', { text: 'x', mode: 'note', keepPrivate: false, files: [] });
    store.flush();
    store.set('t1', { text: '', mode: 'note', keepPrivate: false, files: [] });
    store.flush();
    expect(storage.data.size).toBe(0);
    expect(store.get('t1')).toEqual({ text: '', mode: 'note', keepPrivate: false, files: [] });
  });

  it('returns copies, so editing a result does not edit the store', () => {
    const store = new DraftStore(memoryStorage());
    store.set('t1', { text: 'a', mode: 'reply', keepPrivate: false, files: [] });
    const d = store.get('t1')!;
    d.text = 'changed';
    expect(store.get('t1')?.text).toBe('a');
  });

  it('ignores corrupt stored values and failing storage', () => {
    const storage = memoryStorage();
    storage.data.set(DRAFT_KEY_PREFIX + 'bad', '{not json');
    storage.data.set(DRAFT_KEY_PREFIX + 'odd', '{"text": 3}');
    const store = new DraftStore(storage);
    expect(store.get('bad')).toBeNull();
    expect(store.get('odd')).toBeNull();

    const failing: DraftStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const kept = new DraftStore(failing);
    kept.set('t1', { text: 'still here', mode: 'reply', keepPrivate: false, files: [] });
    kept.flush();
    expect(kept.get('t1')?.text).toBe('still here');
    kept.clear('t1');
    expect(kept.get('t1')).toBeNull();
  });

  it('writes to storage once a pause in typing, not per keystroke', () => {
    vi.useFakeTimers();
    try {
      const storage = memoryStorage();
      let writes = 0;
      const counting: DraftStorage = { ...storage, setItem: (k, v) => void (writes++, storage.setItem(k, v)) };
      const store = new DraftStore(counting);
      for (const text of ['H', 'He', 'Hel', 'Hell', 'Hello']) store.set('t1', { text, mode: 'reply', keepPrivate: false, files: [] });
      expect(writes).toBe(0);
      expect(store.get('t1')?.text).toBe('Hello');
      vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS);
      expect(writes).toBe(1);
      expect(new DraftStore(storage).get('t1')?.text).toBe('Hello');
    } finally {
      vi.useRealTimers();
    }
  });

  it('works without any storage', () => {
    const store = new DraftStore(null);
    store.set('t1', { text: 'memory only', mode: 'note', keepPrivate: false, files: [] });
    expect(store.get('t1')?.text).toBe('memory only');
  });
});
