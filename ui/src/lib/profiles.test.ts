import { describe, expect, it } from 'vitest';
import { entryProfile, profileView, sameProfile, ticketSummary } from './profiles';

describe('profiles', () => {
  it('show their tickets as a view', () => {
    expect(profileView({ kind: 'contact', id: 'c1' })).toEqual({ kind: 'contact', contact_id: 'c1' });
    expect(profileView({ kind: 'company', id: 'k1' })).toEqual({ kind: 'company', company_id: 'k1' });
  });

  it('come from directory entries', () => {
    const contact = { id: 'c1', name: 'Ada', email: 'ada@x.test', company: null };
    expect(entryProfile({ kind: 'contact', contact, company_name: null })).toEqual({ kind: 'contact', id: 'c1' });
    expect(entryProfile({ kind: 'company', company: { id: 'k1', name: 'X' }, contacts: 2 })).toEqual({ kind: 'company', id: 'k1' });
    expect(sameProfile({ kind: 'company', id: 'k1' }, { kind: 'company', id: 'k1' })).toBe(true);
    expect(sameProfile({ kind: 'company', id: 'k1' }, { kind: 'contact', id: 'k1' })).toBe(false);
    expect(sameProfile(null, { kind: 'contact', id: 'k1' })).toBe(false);
  });

  it('sum their tickets up', () => {
    expect(ticketSummary({ total: 0, open: 0 })).toBe('No tickets');
    expect(ticketSummary({ total: 1, open: 1 })).toBe('1 open of 1 ticket');
    expect(ticketSummary({ total: 12, open: 0 })).toBe('12 tickets, none open');
    expect(ticketSummary({ total: 12, open: 3 })).toBe('3 open of 12 tickets');
  });
});
