import { describe, expect, it } from 'vitest';
import { downloadProgress, showsSession, signOutWarning } from './session';

describe('session', () => {
  it('starts the window over only on another workspace than the one it shows', () => {
    const local = { server: null, email: null, has_workspace: true, preparing: null, last_server: null };
    expect(showsSession(local, local)).toBe(true);
    expect(showsSession(null, local)).toBe(false);
    expect(showsSession({ ...local, has_workspace: false }, local)).toBe(false);
    expect(showsSession({ ...local, preparing: { tickets: 10, total: 300 }, has_workspace: false }, local)).toBe(false);
    expect(showsSession(local, { ...local, server: 'https://inbox.example.com', email: 'a@example.com' })).toBe(false);
    expect(showsSession(local, { ...local, has_workspace: false, last_server: 'https://inbox.example.com' })).toBe(false);
  });

  it('counts the download in tickets', () => {
    expect(downloadProgress(null)).toBe('Starting the download…');
    expect(downloadProgress({ tickets: 0, total_tickets: 0 })).toBe('Starting the download…');
    expect(downloadProgress({ tickets: 12000, total_tickets: 100000 })).toBe('12,000 of 100,000 tickets');
    // The last page may carry more records than tickets left.
    expect(downloadProgress({ tickets: 5200, total_tickets: 5000 })).toBe('5,000 of 5,000 tickets');
  });

  it('warns before signing out with changes waiting', () => {
    expect(signOutWarning(0)).toBeNull();
    expect(signOutWarning(1)).toBe(
      '1 change has not reached the server yet. It stays on this computer and goes out the next time you sign in.',
    );
    expect(signOutWarning(3)).toMatch(/^3 changes have not reached .* They stay .* go out/);
  });
});
