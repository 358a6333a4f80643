import { describe, expect, it } from 'vitest';
import { downloadProgress, signOutWarning } from './session';

describe('session', () => {
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
