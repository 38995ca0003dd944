import { describe, expect, it } from 'vitest';
import { LicenseEventType, examplePackageInstalled } from '@lma/contracts';
import { ConflictError, NotFoundError, UnprocessableError } from '@lma/core';
import { decideCheck, needsSeat, type CheckState } from '../src/domain/check';
import { newLicense, type License } from '../src/domain/license';
import { decideModify, hasBeenActive } from '../src/domain/modify';

const TODAY = '2026-05-01';
const license = (over: Partial<License> = {}): License => ({
  ...newLicense({ defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 }, sandboxSiteLicense: true }, examplePackageInstalled, { leadId: null, contactId: null }, null, new Date()),
  licenseNumber: 1,
  licenseName: 'L-000001',
  revision: 1,
  ...over,
});
const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    return (err as UnprocessableError).errors[0]?.field;
  }
  return undefined;
};

describe('decideModify', () => {
  it('changes expiration and seats with one modified event by the caller, with the reason', () => {
    const d = decideModify(license({ status: 'Active' }), { reason: 'renewal', expiresOn: '2027-01-01', seats: 50 }, TODAY, 'alice');
    expect(d).toEqual({ set: { expiresOn: '2027-01-01', seats: 50 }, event: { type: LicenseEventType.Modified, changedBy: 'alice', reason: 'renewal' } });
  });

  it('a status change is one status-changed event (with any other field); Active is remembered', () => {
    const d = decideModify(license(), { reason: 'bought', status: 'Active', seats: null }, TODAY, 'alice');
    expect(d).toEqual({ set: { status: 'Active', seats: null, everActive: true }, event: { type: LicenseEventType.StatusChanged, changedBy: 'alice', reason: 'bought' } });
  });

  it('the same values are no change (no event)', () => {
    const l = license({ status: 'Active', seats: 10, expiresOn: null });
    expect(decideModify(l, { reason: 'r', seats: 10, expiresOn: null, status: 'Active' }, TODAY, 'alice')).toBeNull();
  });

  it('a Trial needs an expiration at most 90 days from today (422 naming expiresOn)', () => {
    const trial = license({ status: 'Trial', expiresOn: '2026-05-10' });
    expect(decideModify(trial, { reason: 'r', expiresOn: '2026-07-30' }, TODAY, 'a')?.set).toEqual({ expiresOn: '2026-07-30' });
    expect(fieldOf(() => decideModify(trial, { reason: 'r', expiresOn: '2026-07-31' }, TODAY, 'a'))).toBe('body.expiresOn');
    expect(fieldOf(() => decideModify(trial, { reason: 'r', expiresOn: null }, TODAY, 'a'))).toBe('body.expiresOn');
    const suspended = license({ status: 'Suspended', expiresOn: null });
    expect(fieldOf(() => decideModify(suspended, { reason: 'r', status: 'Trial' }, TODAY, 'a'))).toBe('body.expiresOn');
    expect(decideModify(suspended, { reason: 'r', status: 'Trial', expiresOn: '2026-06-01' }, TODAY, 'a')?.set).toEqual({ status: 'Trial', expiresOn: '2026-06-01' });
    // seats alone on a Trial with a far expiration (set before) are not refused
    expect(decideModify(license({ status: 'Trial', expiresOn: '2030-01-01' }), { reason: 'r', seats: 3 }, TODAY, 'a')?.set).toEqual({ seats: 3 });
  });

  it('a license that has been Active (or is) never goes back to Trial (422 naming status)', () => {
    expect(fieldOf(() => decideModify(license({ status: 'Active' }), { reason: 'r', status: 'Trial', expiresOn: '2026-05-05' }, TODAY, 'a'))).toBe('body.status');
    const wasActive = license({ status: 'Suspended', everActive: true });
    expect(fieldOf(() => decideModify(wasActive, { reason: 'r', status: 'Trial', expiresOn: '2026-05-05' }, TODAY, 'a'))).toBe('body.status');
    expect(hasBeenActive({ status: 'Active' })).toBe(true);
    expect(hasBeenActive({ status: 'Suspended', everActive: false })).toBe(false);
    const createdActive = newLicense({ defaultLicense: { status: 'Active', lengthDays: null, seats: 1 }, sandboxSiteLicense: true }, examplePackageInstalled, { leadId: null, contactId: null }, null, new Date());
    expect(createdActive.everActive).toBe(true);
  });

  it('lowering seats below the seats in use is allowed', () => {
    expect(decideModify(license({ status: 'Active', seats: 10, usedLicenses: 8 }), { reason: 'r', seats: 2 }, TODAY, 'a')?.set).toEqual({ seats: 2 });
  });

  it('refuses uninstalled (409), locked-org (409), deleted (404) licenses and a stale revision (409)', () => {
    expect(() => decideModify(license({ status: 'Uninstalled' }), { reason: 'r', seats: 2 }, TODAY, 'a')).toThrow(ConflictError);
    expect(() => decideModify(license({ status: 'Uninstalled' }), { reason: 'r', seats: 2 }, TODAY, 'a')).toThrow("Uninstalled licenses can't be modified");
    expect(() => decideModify(license({ orgLocked: true }), { reason: 'r', seats: 2 }, TODAY, 'a')).toThrow(/locked/);
    expect(() => decideModify(license({ deletedAt: new Date() }), { reason: 'r', seats: 2 }, TODAY, 'a')).toThrow(NotFoundError);
    expect(() => decideModify(license({ revision: 3 }), { reason: 'r', seats: 2, revision: 2 }, TODAY, 'a')).toThrow(ConflictError);
    expect(decideModify(license({ revision: 3 }), { reason: 'r', seats: 2, revision: 3 }, TODAY, 'a')?.set).toEqual({ seats: 2 });
  });
});

describe('decideCheck', () => {
  const state = (over: Partial<CheckState> = {}): CheckState => ({
    _id: 'lic', licenseName: 'L-000001', status: 'Active', seats: 5, expiresOn: '2026-05-01', orgLocked: false, revision: 2, deleted: false, ...over,
  });
  const reason = (s: CheckState | null, seat = true) => decideCheck(s, seat, TODAY).reason;

  it('answers in order: not-installed, uninstalled, org-locked, suspended, expired, no-seat', () => {
    expect(reason(null)).toBe('not-installed');
    expect(reason(state({ licenseName: null }))).toBe('not-installed');
    expect(reason(state({ deleted: true }))).toBe('not-installed');
    expect(reason(state({ status: 'Uninstalled', orgLocked: true }))).toBe('uninstalled');
    expect(reason(state({ orgLocked: true, status: 'Suspended' }))).toBe('org-locked');
    expect(reason(state({ status: 'Suspended', expiresOn: '2020-01-01' }))).toBe('suspended');
    expect(reason(state({ expiresOn: '2026-04-30' }))).toBe('expired');
    expect(reason(state(), false)).toBe('no-seat');
    expect(decideCheck(state(), true, TODAY)).toEqual({ licensed: true, reason: null, licenseId: 'lic', status: 'Active', expiresOn: '2026-05-01', siteLicense: false, revision: 2 });
  });

  it('a site license licenses every user; a Trial is licensed until its expiration day; the seat is needed only when it decides', () => {
    expect(decideCheck(state({ seats: null }), false, TODAY).licensed).toBe(true);
    expect(decideCheck(state({ status: 'Trial', expiresOn: null }), true, TODAY).licensed).toBe(true);
    expect(needsSeat(state(), TODAY)).toBe(true);
    expect(needsSeat(state({ seats: null }), TODAY)).toBe(false);
    expect(needsSeat(state({ status: 'Suspended' }), TODAY)).toBe(false);
  });
});
