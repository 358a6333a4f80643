// Profiles (R15): whose page is open, and the directory's words.
import type { DirectoryEntry, View } from './bindings';

/** A contact's or a company's profile. */
export type Profile = { kind: 'contact' | 'company'; id: string };

/** The profile's Tickets tab, as an inbox view. */
export function profileView(profile: Profile): View {
  return profile.kind === 'contact' ? { kind: 'contact', contact_id: profile.id } : { kind: 'company', company_id: profile.id };
}

export function entryProfile(entry: DirectoryEntry): Profile {
  return entry.kind === 'contact' ? { kind: 'contact', id: entry.contact.id } : { kind: 'company', id: entry.company.id };
}

export function sameProfile(a: Profile | null, b: Profile | null): boolean {
  return a?.kind === b?.kind && a?.id === b?.id;
}

/** "3 open of 12 tickets", "No tickets". */
export function ticketSummary(counts: { total: number; open: number }): string {
  if (counts.total === 0) return 'No tickets';
  const tickets = counts.total === 1 ? '1 ticket' : `${counts.total} tickets`;
  return counts.open === 0 ? `${tickets}, none open` : `${counts.open} open of ${tickets}`;
}
