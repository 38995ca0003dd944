import type { UserLicenseChangedV1 } from '@lma/contracts';
import { ConflictError } from '@lma/core';
import type { License } from './license';
import { assertModifiable, decideSeatsUsed, seatChangeOutcome, type Decision, type Outcome } from './lifecycle';

/**
 * Who holds a seat of a license. Each user has one seat record, `_id` `<licenseId>:<userId>`, read
 * by `_id` only; the license keeps the count (`seatsAssigned`), so no query ever counts or lists
 * the seats of a license to change one.
 *
 * - A revocation keeps the record with `assigned: false` and its time, so a late or redelivered
 *   older assignment cannot bring the seat back.
 * - An uninstall or a reinstall resets the assignments by starting a new seat epoch: a record of
 *   an earlier epoch holds no seat and counts as no record at all (nothing is deleted).
 * - A seat change is one license write (the count, `usedLicenses` and its event, and the change
 *   itself as `seatWrite`, numbered `seatSeq`), then the record is written from `seatWrite`. A
 *   record is only replaced by a later write (`seq`), and whoever changes a seat next first makes
 *   sure the license's last seat write landed: a crash between the two writes loses nothing, and
 *   until it landed the license's `seatWrite` is the newer record (seatRecordOf).
 */
export interface SeatAssignment {
  _id: string;
  licenseId: string;
  userId: string;
  assigned: boolean;
  changedAt: Date;
  /** The license's seat epoch it belongs to; absent: 0. */
  epoch?: number;
  /** The license's seat write it came from; absent: 0. */
  seq?: number;
}

/** A seat change as the license carries it until its record is written. */
export interface SeatWrite {
  userId: string;
  assigned: boolean;
  changedAt: Date;
  epoch: number;
  seq: number;
}

export type SeatRecord = Pick<SeatAssignment, 'assigned' | 'changedAt' | 'epoch' | 'seq'>;

export const seatIdOf = (licenseId: string, userId: string): string => `${licenseId}:${userId}`;

/** The record a seat write leaves. */
export const seatAssignmentOf = (licenseId: string, w: SeatWrite): SeatAssignment => ({
  _id: seatIdOf(licenseId, w.userId),
  licenseId,
  userId: w.userId,
  assigned: w.assigned,
  changedAt: w.changedAt,
  epoch: w.epoch,
  seq: w.seq,
});

/** Whether a seat write still has to be written over the stored record (false: it landed, or a later one did). */
export const seatWriteIsNewer = (w: SeatWrite, stored: Pick<SeatAssignment, 'seq'> | null): boolean => w.seq > (stored?.seq ?? 0);

/** The user's seat record: the stored one, or the license's last seat write when it is newer (not landed yet). */
export function seatRecordOf(l: Pick<License, 'seatWrite'>, userId: string, stored: SeatRecord | null): SeatRecord | null {
  const w = l.seatWrite;
  return w && w.userId === userId && seatWriteIsNewer(w, stored) ? w : stored;
}

/** The record when it belongs to the license's current seat epoch; earlier epochs were reset. */
const inEpoch = (l: Pick<License, 'seatEpoch'>, r: SeatRecord | null): SeatRecord | null => (r && (r.epoch ?? 0) === (l.seatEpoch ?? 0) ? r : null);

/** Whether the record gives its user a seat of the license now. */
export const holdsSeat = (l: Pick<License, 'seatEpoch'>, r: SeatRecord | null): boolean => inEpoch(l, r)?.assigned === true;

/** The users holding a seat (licenses written before the count was kept: their seats in use). */
export const seatsAssignedOf = (l: Pick<License, 'seatsAssigned' | 'usedLicenses'>): number => l.seatsAssigned ?? l.usedLicenses ?? 0;

export interface SeatChange {
  userId: string;
  assigned: boolean;
  changedAt: Date;
}

/**
 * One assignment or revocation of a user's seat, given the user's stored record. Nothing when a
 * later change of that user is recorded in this epoch. Otherwise the record changes and
 * the count moves by the difference; usedLicenses follows the count with
 * `lma.license.seats-used-changed` when it changed (decideSeatsUsed), else the write is bookkeeping.
 */
export function decideSeatChange(l: License, stored: SeatRecord | null, c: SeatChange, by?: { changedBy: string; reason: string }): Decision | null {
  const previous = inEpoch(l, seatRecordOf(l, c.userId, stored));
  if (previous && previous.changedAt.getTime() > c.changedAt.getTime()) return null;
  const had = previous?.assigned === true;
  if (previous && had === c.assigned && previous.changedAt.getTime() === c.changedAt.getTime()) return null;
  const seatsAssigned = seatsAssignedOf(l) + (c.assigned ? 1 : 0) - (had ? 1 : 0);
  const seatSeq = (l.seatSeq ?? 0) + 1;
  const seatWrite: SeatWrite = { userId: c.userId, assigned: c.assigned, changedAt: c.changedAt, epoch: l.seatEpoch ?? 0, seq: seatSeq };
  const set: Partial<License> = { seatsAssigned, seatSeq, seatWrite };
  const used = decideSeatsUsed(l, seatsAssigned, by);
  return used ? { set: { ...set, ...used.set }, event: used.event } : { set, event: null };
}

/** What assigning or revoking a seat by hand does: nothing when the user already is as asked, else the change. */
export type SeatByHand = { changed: false } | { changed: true; decision: Decision | null };

/**
 * Assigning or revoking a seat by hand (the seats API): refused for a license that cannot be
 * modified (assertModifiable), and an assignment beyond the seats (409 with the numbers); a
 * user already as asked changes nothing. The change is timed after the user's recorded one
 * whatever its time (a marketplace change may carry a later one), so it always applies.
 */
export function decideSeatByHand(
  l: License,
  stored: SeatRecord | null,
  userId: string,
  assign: boolean,
  now: Date,
  by: { changedBy: string; reason: string },
): SeatByHand {
  assertModifiable(l);
  const current = inEpoch(l, seatRecordOf(l, userId, stored));
  if ((current?.assigned === true) === assign) return { changed: false };
  const used = l.usedLicenses ?? 0;
  if (assign && l.seats !== null && used >= l.seats) {
    throw new ConflictError('no-seat-available', `All ${l.seats} seats of license ${l.licenseName} are taken (${used} in use): revoke a seat or raise the seats first`, {
      seats: l.seats,
      usedLicenses: used,
    });
  }
  const changedAt = current && current.changedAt.getTime() >= now.getTime() ? new Date(current.changedAt.getTime() + 1) : now;
  return { changed: true, decision: decideSeatChange(l, stored, { userId, assigned: assign, changedAt }, by) };
}

/** `marketplace.user-license.changed`, given the user's stored record (see seatChangeOutcome for when it applies). */
export function decideUserLicenseChange(l: License, stored: SeatRecord | null, c: { id: string; data: UserLicenseChangedV1 }): Outcome {
  const may = seatChangeOutcome(l, c);
  if (may !== 'apply') return may;
  return decideSeatChange(l, stored, { userId: c.data.userId, assigned: c.data.action === 'assigned', changedAt: new Date(c.data.changedAt) });
}
