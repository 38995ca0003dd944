import { LicenseEventType } from '@lma/contracts';
import { ConflictError, UnprocessableError } from '@lma/core';
import { addDays, type License } from './license';
import { assertModifiable, type Decision } from './lifecycle';

/** What a person may change by hand (Modify License): any of these, with a reason. */
export interface LicenseModification {
  expiresOn?: string | null;
  seats?: number | null;
  status?: 'Trial' | 'Active' | 'Suspended';
  reason: string;
  /** Optimistic concurrency: the revision the caller last saw. */
  revision?: number;
}

/** A Trial license must expire at most this many days after the change. */
export const TRIAL_MAX_DAYS = 90;

/** Whether the license is or has ever been Active (licenses from before the flag count by their status). */
export const hasBeenActive = (l: Pick<License, 'status' | 'everActive'>): boolean => l.everActive === true || l.status === 'Active';

/**
 * The Modify License rules (pure): refused for deleted, uninstalled and org-locked licenses
 * (assertModifiable), on a revision mismatch (409), for a Trial without an expiration within
 * TRIAL_MAX_DAYS of today or for a license that has been Active going back to Trial (422 naming
 * the field). Seats may go below the seats in use (holders keep their seat). Returns null when
 * nothing changes (no event); otherwise one status-changed (when the status changes) or
 * modified event, by `changedBy` with the caller's reason.
 */
export function decideModify(l: License, m: LicenseModification, today: string, changedBy: string): Decision | null {
  assertModifiable(l);
  if (m.revision !== undefined && m.revision !== l.revision) {
    throw new ConflictError('revision-conflict', `License ${l.licenseName ?? l._id} is at revision ${l.revision}, not ${m.revision}`, { revision: l.revision });
  }
  const set: Partial<License> = {};
  if (m.expiresOn !== undefined && m.expiresOn !== l.expiresOn) set.expiresOn = m.expiresOn;
  if (m.seats !== undefined && m.seats !== l.seats) set.seats = m.seats;
  if (m.status !== undefined && m.status !== l.status) set.status = m.status;
  if (Object.keys(set).length === 0) return null;

  const status = set.status ?? l.status;
  const expiresOn = set.expiresOn !== undefined ? set.expiresOn : l.expiresOn;
  if (set.status === 'Trial' && hasBeenActive(l)) {
    throw new UnprocessableError('license-rule-violated', 'A license that has been Active can never go back to Trial', [
      { field: 'body.status', reason: 'cannot be Trial: the license has been Active' },
    ]);
  }
  if (status === 'Trial' && (set.status !== undefined || set.expiresOn !== undefined)) {
    const latest = addDays(today, TRIAL_MAX_DAYS);
    if (expiresOn === null || expiresOn > latest) {
      throw new UnprocessableError('license-rule-violated', `A Trial license must expire within ${TRIAL_MAX_DAYS} days`, [
        { field: 'body.expiresOn', reason: `must be a date on or before ${latest} (a Trial lasts at most ${TRIAL_MAX_DAYS} days)` },
      ]);
    }
  }
  if (set.status === 'Active') set.everActive = true;
  const type = set.status !== undefined ? LicenseEventType.StatusChanged : LicenseEventType.Modified;
  return { set, event: { type, changedBy, reason: m.reason } };
}
