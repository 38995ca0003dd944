import type { License } from './license';

export const CHECK_REASONS = ['not-installed', 'uninstalled', 'org-locked', 'suspended', 'expired', 'no-seat'] as const;
export type CheckReason = (typeof CHECK_REASONS)[number];

/** What a license check needs of a license (the read model keeps exactly this in memory). */
export type CheckState = Pick<License, '_id' | 'licenseName' | 'status' | 'seats' | 'expiresOn' | 'orgLocked' | 'revision' | 'seatEpoch' | 'seatWrite'> & { deleted: boolean };

export interface CheckAnswer {
  licensed: boolean;
  reason: CheckReason | null;
  licenseId: string | null;
  status: License['status'] | null;
  expiresOn: string | null;
  siteLicense: boolean | null;
  revision: number | null;
}

export const checkStateOf = (l: License): CheckState => ({
  _id: l._id,
  licenseName: l.licenseName,
  status: l.status,
  seats: l.seats,
  expiresOn: l.expiresOn,
  orgLocked: l.orgLocked,
  revision: l.revision,
  seatEpoch: l.seatEpoch ?? 0,
  seatWrite: l.seatWrite ?? null,
  deleted: l.deletedAt !== null,
});

/**
 * Whether a user of a subscriber org may use a package (pure). In this order: no (named, not
 * deleted) license -> not-installed; uninstalled; the org is locked; suspended; expired (the
 * license is valid through its `expiresOn` day, UTC); then a site license (no seat count) licenses
 * every user of the org, otherwise the user needs a seat.
 */
export function decideCheck(l: CheckState | null, hasSeat: boolean, today: string): CheckAnswer {
  if (!l || !l.licenseName || l.deleted) {
    return { licensed: false, reason: 'not-installed', licenseId: null, status: null, expiresOn: null, siteLicense: null, revision: null };
  }
  const base = { licenseId: l._id, status: l.status, expiresOn: l.expiresOn, siteLicense: l.seats === null, revision: l.revision };
  const no = (reason: CheckReason): CheckAnswer => ({ licensed: false, reason, ...base });
  if (l.status === 'Uninstalled') return no('uninstalled');
  if (l.orgLocked) return no('org-locked');
  if (l.status === 'Suspended') return no('suspended');
  if (l.expiresOn !== null && l.expiresOn < today) return no('expired');
  if (l.seats !== null && !hasSeat) return no('no-seat');
  return { licensed: true, reason: null, ...base };
}

/** Whether the answer depends on the user's seat (only then is the seat looked up). */
export const needsSeat = (l: CheckState | null, today: string): boolean =>
  decideCheck(l, false, today).reason === 'no-seat';
