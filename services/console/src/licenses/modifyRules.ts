/**
 * The Modify License rules as the license service applies them (services/license/src/domain/modify.ts),
 * checked in the dialog before submit so a person learns them before the API refuses. The API stays
 * the authority: what the console cannot know (a Suspended license that was once Active) it refuses
 * with 422, and the dialog shows that answer.
 */
export const TRIAL_MAX_DAYS = 90;
export const MAX_SEATS = 99_000_000;

export type ModifiableStatus = 'Trial' | 'Active' | 'Suspended';

export interface LicenseFacts {
  status: 'Trial' | 'Active' | 'Suspended' | 'Uninstalled';
  seats: number | null;
  usedLicenses: number | null;
  expiresOn: string | null;
}

export interface ModifyDraft {
  status: ModifiableStatus;
  /** YYYY-MM-DD; null: does not expire. */
  expiresOn: string | null;
  /** null: site license (every user of the org). */
  seats: number | null;
  reason: string;
}

export interface RuleProblem {
  field: 'status' | 'expiresOn' | 'seats' | 'reason' | 'license';
  message: string;
}

export interface RuleCheck {
  /** Refusals the API would answer: submit is not offered while there are any. */
  problems: RuleProblem[];
  /** What the change means, accepted as it is. */
  notes: string[];
  /** The body to send: only what changes, with the reason. */
  body: { reason: string; status?: ModifiableStatus; expiresOn?: string | null; seats?: number | null } | null;
}

/** The rules, said before submit. */
export const RULES: readonly string[] = [
  `A Trial license must expire within ${TRIAL_MAX_DAYS} days of today.`,
  'A license that has been Active never goes back to Trial.',
  'A site license (no seat limit) licenses every user of the subscriber org.',
  'Seats may go below the seats in use: their holders keep them, nobody new gets one until seats are freed.',
  'Uninstalled licenses and licenses of a locked org cannot be modified.',
  'Every change needs a reason; it is kept in the audit timeline with who made it.',
];

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const todayUtc = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

export function checkModification(license: LicenseFacts, draft: ModifyDraft, today: string): RuleCheck {
  const problems: RuleProblem[] = [];
  const notes: string[] = [];
  if (license.status === 'Uninstalled') problems.push({ field: 'license', message: "Uninstalled licenses can't be modified." });

  const reason = draft.reason.trim();
  if (!reason) problems.push({ field: 'reason', message: 'Say why you change it (kept in the audit timeline).' });
  else if (reason.length > 500) problems.push({ field: 'reason', message: 'The reason must be at most 500 characters.' });

  if (draft.seats !== null && (!Number.isInteger(draft.seats) || draft.seats < 1 || draft.seats > MAX_SEATS)) {
    problems.push({ field: 'seats', message: `Seats must be a whole number from 1 to ${MAX_SEATS.toLocaleString('en')}, or a site license.` });
  }
  if (draft.expiresOn !== null && !/^\d{4}-\d{2}-\d{2}$/.test(draft.expiresOn)) problems.push({ field: 'expiresOn', message: 'The expiration must be a date (YYYY-MM-DD).' });

  const changes: NonNullable<RuleCheck['body']> = { reason };
  if (draft.status !== license.status) changes.status = draft.status;
  if (draft.expiresOn !== license.expiresOn) changes.expiresOn = draft.expiresOn;
  if (draft.seats !== license.seats) changes.seats = draft.seats;
  const changed = Object.keys(changes).length > 1;
  if (!changed) problems.push({ field: 'license', message: 'Nothing changes: pick a new status, expiration or seats.' });

  if (changes.status === 'Trial' && license.status === 'Active') {
    problems.push({ field: 'status', message: 'A license that has been Active can never go back to Trial.' });
  } else if (changes.status === 'Trial' && license.status === 'Suspended') {
    notes.push('If this license has ever been Active, the API refuses Trial.');
  }
  if (draft.status === 'Trial' && (changes.status !== undefined || changes.expiresOn !== undefined)) {
    const latest = addDays(today, TRIAL_MAX_DAYS);
    if (draft.expiresOn === null) problems.push({ field: 'expiresOn', message: `A Trial must expire: pick a date on or before ${latest} (at most ${TRIAL_MAX_DAYS} days).` });
    else if (draft.expiresOn > latest) problems.push({ field: 'expiresOn', message: `A Trial lasts at most ${TRIAL_MAX_DAYS} days: pick a date on or before ${latest}.` });
  }
  if (changes.seats === null) notes.push('Site license: every user of the subscriber org is licensed.');
  if (typeof draft.seats === 'number' && license.usedLicenses !== null && draft.seats < license.usedLicenses) {
    notes.push(`${license.usedLicenses} seats are in use, more than ${draft.seats}: their holders keep them; nobody new gets a seat until ${license.usedLicenses - draft.seats + 1} are freed.`);
  }
  if (changes.expiresOn !== undefined && draft.expiresOn !== null && draft.expiresOn < today) notes.push('The date is in the past: the license is expired at once.');
  if (changes.status === 'Suspended') notes.push('Suspended: license checks answer not licensed until it is Active again.');

  return { problems, notes, body: problems.length === 0 ? changes : null };
}
