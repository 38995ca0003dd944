import { describe, expect, it } from 'vitest';
import { LicenseEventType, examplePackageInstalled, exampleUserLicenseChanged } from '@lma/contracts';
import { ConflictError, NotFoundError } from '@lma/core';
import { licenseAfter } from '../src/domain/changes';
import { newLicense, type License } from '../src/domain/license';
import { DEFER, type Decision } from '../src/domain/lifecycle';
import {
  decideSeatByHand,
  decideSeatChange,
  decideUserLicenseChange,
  holdsSeat,
  seatAssignmentOf,
  seatRecordOf,
  seatWriteIsNewer,
  type SeatRecord,
} from '../src/domain/seats';

const now = new Date('2026-05-01T12:00:00Z');
const at = (s: string) => new Date(`2026-04-01T${s}Z`);
const license = (over: Partial<License> = {}): License => ({
  ...newLicense({ defaultLicense: { status: 'Active', lengthDays: null, seats: 3 }, sandboxSiteLicense: true }, examplePackageInstalled, { leadId: null, contactId: null }, null, now),
  licenseNumber: 1,
  licenseName: 'L-000001',
  revision: 1,
  ...over,
});
const record = (over: Partial<SeatRecord> = {}): SeatRecord => ({ assigned: true, changedAt: at('09:00:00'), epoch: 0, seq: 1, ...over });
/** The license and the user's record after a decision, as the two writes leave them. */
function applied(l: License, d: Decision | null): { license: License; record: SeatRecord | null } {
  expect(d).not.toBeNull();
  const next = licenseAfter(l, d!, null, now);
  return { license: next, record: seatAssignmentOf(l._id, next.seatWrite!) };
}

describe('decideSeatChange', () => {
  it('given no record, when a user is assigned, then the count and usedLicenses go up by one with seats-used-changed, and the seat write is numbered', () => {
    const d = decideSeatChange(license(), null, { userId: 'ada', assigned: true, changedAt: at('09:00:00') });
    expect(d).toEqual({
      set: { seatsAssigned: 1, seatSeq: 1, usedLicenses: 1, seatWrite: { userId: 'ada', assigned: true, changedAt: at('09:00:00'), epoch: 0, seq: 1 } },
      event: { type: LicenseEventType.SeatsUsedChanged, changedBy: 'marketplace', reason: 'seat assignments changed' },
    });
  });

  it('given a user assigned, when assigned again later, then the count stays and only the record moves (no event)', () => {
    const first = applied(license(), decideSeatChange(license(), null, { userId: 'ada', assigned: true, changedAt: at('09:00:00') }));
    const d = decideSeatChange(first.license, first.record, { userId: 'ada', assigned: true, changedAt: at('09:05:00') });
    expect(d?.event).toBeNull();
    expect(d?.set).toMatchObject({ seatsAssigned: 1, seatSeq: 2 });
  });

  it('given the same change recorded, when it is delivered again, then nothing is written', () => {
    const first = applied(license(), decideSeatChange(license(), null, { userId: 'ada', assigned: true, changedAt: at('09:00:00') }));
    expect(decideSeatChange(first.license, first.record, { userId: 'ada', assigned: true, changedAt: at('09:00:00') })).toBeNull();
  });

  it('given a revocation recorded, when an older assignment arrives late, then nothing changes', () => {
    const l = license({ seatsAssigned: 0, usedLicenses: 0, seatSeq: 4 });
    expect(decideSeatChange(l, record({ assigned: false, changedAt: at('10:00:00'), seq: 4 }), { userId: 'ada', assigned: true, changedAt: at('09:59:00') })).toBeNull();
  });

  it('given two holders, when one is revoked, then the count goes down by one', () => {
    const l = license({ seatsAssigned: 2, usedLicenses: 2, seatSeq: 2 });
    const d = decideSeatChange(l, record({ seq: 1 }), { userId: 'ada', assigned: false, changedAt: at('10:00:00') });
    expect(d?.set).toMatchObject({ seatsAssigned: 1, usedLicenses: 1, seatSeq: 3 });
  });

  it('given a record of an earlier seat epoch (before an uninstall), when the user is assigned, then it counts as a new holder whatever that record said', () => {
    const l = license({ seatEpoch: 1, seatsAssigned: 0, usedLicenses: 0, seatSeq: 5 });
    const d = decideSeatChange(l, record({ epoch: 0, changedAt: at('23:00:00') }), { userId: 'ada', assigned: true, changedAt: at('09:00:00') });
    expect(d?.set).toMatchObject({ seatsAssigned: 1, usedLicenses: 1, seatWrite: { epoch: 1, seq: 6 } });
  });

  it('given a license from before the count was kept, when a user is assigned, then the count starts from its seats in use', () => {
    const l = license({ usedLicenses: 4, seatsAssigned: undefined, seats: null });
    expect(decideSeatChange(l, null, { userId: 'ada', assigned: true, changedAt: at('09:00:00') })?.set.usedLicenses).toBe(5);
  });

  it('given the license\'s last seat write has not landed yet, when that user changes again, then it is decided on that write, not on the older record', () => {
    const first = applied(license(), decideSeatChange(license(), null, { userId: 'ada', assigned: true, changedAt: at('09:00:00') }));
    // the record still says nothing: the write after the license was lost
    const d = decideSeatChange(first.license, null, { userId: 'ada', assigned: true, changedAt: at('09:00:00') });
    expect(d).toBeNull();
  });
});

describe('seat records and the license check', () => {
  it('given the license\'s seat write is newer than the stored record, when the record is read, then the write is the record', () => {
    const l = license({ seatWrite: { userId: 'ada', assigned: true, changedAt: at('09:00:00'), epoch: 0, seq: 3 } });
    expect(seatRecordOf(l, 'ada', record({ assigned: false, seq: 2 }))?.assigned).toBe(true);
    expect(seatRecordOf(l, 'ada', record({ assigned: false, seq: 3 }))?.assigned).toBe(false);
    expect(seatRecordOf(l, 'bob', null)).toBeNull();
  });

  it('given a record of an earlier epoch, when asked, then it holds no seat', () => {
    expect(holdsSeat(license({ seatEpoch: 1 }), record({ epoch: 0 }))).toBe(false);
    expect(holdsSeat(license({ seatEpoch: 1 }), record({ epoch: 1 }))).toBe(true);
    expect(holdsSeat(license(), record({ epoch: undefined }))).toBe(true);
  });

  it('given a record, when a seat write is compared with it, then only a later write replaces it', () => {
    const w = { userId: 'ada', assigned: true, changedAt: at('09:00:00'), epoch: 0, seq: 3 };
    expect(seatWriteIsNewer(w, null)).toBe(true);
    expect(seatWriteIsNewer(w, { seq: 2 })).toBe(true);
    expect(seatWriteIsNewer(w, { seq: 3 })).toBe(false);
    expect(seatWriteIsNewer(w, { seq: 4 })).toBe(false);
  });

  it('given seats assigned, when the license is uninstalled, then a new seat epoch starts with no holders', () => {
    const l = license({ seatsAssigned: 2, usedLicenses: 2 });
    const next = licenseAfter(l, { set: { status: 'Uninstalled', usedLicenses: null }, event: { type: LicenseEventType.Uninstalled, changedBy: 'marketplace', reason: 'package uninstalled' } }, 'evt', now);
    expect(next).toMatchObject({ seatEpoch: 1, seatsAssigned: 0, usedLicenses: null });
    expect(holdsSeat(next, record())).toBe(false);
  });
});

describe('decideUserLicenseChange', () => {
  it('given an uninstalled license, when a newer seat change arrives, then it waits for the reinstall', () => {
    const l = license({ status: 'Uninstalled', presenceAt: '2026-02-01T00:00:00Z' });
    expect(decideUserLicenseChange(l, null, { id: 'evt-seat', data: { ...exampleUserLicenseChanged, changedAt: '2026-03-01T00:00:00Z' } })).toBe(DEFER);
  });

  it('given the event applied, when it is delivered again, then nothing changes', () => {
    const l = license({ appliedEventIds: ['evt-seat'] });
    expect(decideUserLicenseChange(l, null, { id: 'evt-seat', data: exampleUserLicenseChanged })).toBeNull();
  });
});

describe('decideSeatByHand', () => {
  const by = { changedBy: 'alice', reason: 'new hire' };

  it('given a free seat, when a user is assigned by hand, then the count goes up with the caller and reason', () => {
    const s = decideSeatByHand(license(), null, 'ada', true, now, by);
    expect(s).toMatchObject({ changed: true, decision: { set: { usedLicenses: 1 }, event: { changedBy: 'alice', reason: 'new hire' } } });
  });

  it('given the user holds a seat, when assigned again, then nothing changes', () => {
    expect(decideSeatByHand(license({ seatsAssigned: 1, usedLicenses: 1 }), record(), 'ada', true, now, by)).toEqual({ changed: false });
  });

  it('given every seat taken, when another user is assigned, then 409 with the numbers', () => {
    const l = license({ seats: 2, seatsAssigned: 2, usedLicenses: 2 });
    expect(() => decideSeatByHand(l, null, 'bob', true, now, by)).toThrow(ConflictError);
    expect(() => decideSeatByHand(l, null, 'bob', true, now, by)).toThrow(/All 2 seats/);
  });

  it('given a recorded change later than now (a marketplace clock ahead), when revoked by hand, then the revocation is timed after it', () => {
    const s = decideSeatByHand(license({ seatsAssigned: 1, usedLicenses: 1 }), record({ changedAt: new Date(now.getTime() + 60_000) }), 'ada', false, now, by);
    expect(s.changed && s.decision?.set.seatWrite?.changedAt.getTime()).toBe(now.getTime() + 60_001);
  });

  it('given an uninstalled, locked or deleted license, when a seat is changed by hand, then it is refused', () => {
    expect(() => decideSeatByHand(license({ status: 'Uninstalled' }), null, 'ada', true, now, by)).toThrow(ConflictError);
    expect(() => decideSeatByHand(license({ orgLocked: true }), null, 'ada', true, now, by)).toThrow(ConflictError);
    expect(() => decideSeatByHand(license({ deletedAt: now }), null, 'ada', true, now, by)).toThrow(NotFoundError);
  });
});
