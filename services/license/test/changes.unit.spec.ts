import { describe, expect, it } from 'vitest';
import { LICENSE_EVENTS_TOPIC, LicenseEventType, examplePackageInstalled } from '@lma/contracts';
import { auditEntryOf, withCarriedEntry } from '../src/domain/audit';
import { APPLIED_IDS_KEPT, licenseAfter, licenseEventOf } from '../src/domain/changes';
import { newLicense, type License } from '../src/domain/license';
import type { Decision } from '../src/domain/lifecycle';

const now = new Date('2026-05-01T12:00:00Z');
const license = (over: Partial<License> = {}): License => ({
  ...newLicense({ defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 }, sandboxSiteLicense: true }, examplePackageInstalled, { leadId: 'lead-1', contactId: null }, null, new Date('2026-02-01T10:15:01Z')),
  licenseNumber: 7,
  licenseName: 'L-000007',
  revision: 3,
  ...over,
});
const modified = (set: Decision['set']): Decision => ({ set, event: { type: LicenseEventType.Modified, changedBy: 'alice', reason: 'renewal' } });

describe('licenseAfter', () => {
  it('given a publishing decision, when applied, then the license has its fields, the next revision, the time and the audit entry of that revision', () => {
    const next = licenseAfter(license(), modified({ seats: 25 }), null, now);
    expect(next).toMatchObject({ seats: 25, revision: 4, updatedAt: now });
    expect(next.lastAudit).toEqual({
      _id: `${next._id}:4`,
      licenseId: next._id,
      revision: 4,
      at: now,
      eventType: LicenseEventType.Modified,
      changedBy: 'alice',
      reason: 'renewal',
      before: { seats: 10 },
      after: { seats: 25 },
    });
  });

  it('given a bookkeeping decision (no event), when applied, then the revision and the audit entry stay', () => {
    const l = license({ lastAudit: auditEntryOf(license(), { seats: 5 }, 3, { type: LicenseEventType.Modified, changedBy: 'a', reason: 'r' }, now) });
    const next = licenseAfter(l, { set: { versionAt: '2026-04-01T00:00:00Z' }, event: null }, 'evt-1', now);
    expect(next.revision).toBe(3);
    expect(next.lastAudit).toBe(l.lastAudit);
    expect(next.appliedEventIds).toEqual(['evt-1']);
  });

  it('given many applied ids, when another is applied, then only the latest are kept', () => {
    const ids = Array.from({ length: APPLIED_IDS_KEPT }, (_, i) => `evt-${i}`);
    const next = licenseAfter(license({ appliedEventIds: ids }), { set: {}, event: null }, 'evt-new', now);
    expect(next.appliedEventIds).toHaveLength(APPLIED_IDS_KEPT);
    expect(next.appliedEventIds.at(-1)).toBe('evt-new');
    expect(next.appliedEventIds[0]).toBe('evt-1');
  });

  it('given a change to Active (by hand, a reinstall, a refresh), when applied, then the license has been Active for good', () => {
    expect(licenseAfter(license({ everActive: false }), modified({ status: 'Active' }), null, now).everActive).toBe(true);
  });

  it('given a reinstall, when applied, then the seat assignments start a new epoch', () => {
    const d: Decision = { set: { status: 'Trial', usedLicenses: 0 }, event: { type: LicenseEventType.Reinstalled, changedBy: 'marketplace', reason: 'package reinstalled' } };
    expect(licenseAfter(license({ seatEpoch: 2, seatsAssigned: 3 }), d, 'cmd-1', now)).toMatchObject({ seatEpoch: 3, seatsAssigned: 0 });
  });
});

describe('licenseEventOf', () => {
  it('given a change, when its event is built, then it is on the license topic with ce_id <licenseId>:<revision>, the installation key and the whole license', () => {
    const next = licenseAfter(license(), modified({ seats: 25 }), null, now);
    const e = licenseEventOf(next, LicenseEventType.Modified, now, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, { changedBy: 'alice', reason: 'renewal' });
    expect(e).toMatchObject({
      topic: LICENSE_EVENTS_TOPIC,
      id: `${next._id}:4`,
      key: `${next.packageId}:${next.subscriberOrgId}`,
      type: LicenseEventType.Modified,
      time: now.toISOString(),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      data: { licenseId: next._id, licenseName: 'L-000007', seats: 25, revision: 4, changedBy: 'alice', reason: 'renewal' },
    });
  });
});

describe('the audit', () => {
  it('given a change that sets a field to its value, when audited, then only changed fields are shown', () => {
    const e = auditEntryOf(license(), { seats: 10, expiresOn: '2027-01-01' }, 4, { type: LicenseEventType.Modified, changedBy: 'a', reason: 'r' }, now);
    expect(e.before).toEqual({ expiresOn: '2026-03-03' });
    expect(e.after).toEqual({ expiresOn: '2027-01-01' });
  });

  it('given the latest entry is carried by the license and not stored yet, when the first page is read, then it comes first; later pages never show it', () => {
    const stored = [{ revision: 3 }, { revision: 2 }];
    expect(withCarriedEntry(stored, { revision: 4 }, true).map((e) => e.revision)).toEqual([4, 3, 2]);
    expect(withCarriedEntry(stored, { revision: 3 }, true).map((e) => e.revision)).toEqual([3, 2]);
    expect(withCarriedEntry(stored, { revision: 4 }, false).map((e) => e.revision)).toEqual([3, 2]);
    expect(withCarriedEntry(stored, null, true)).toEqual(stored);
  });
});
