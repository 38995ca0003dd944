import { describe, expect, it } from 'vitest';
import type { PackageRegisteredV1 } from '@lma/contracts';
import { decideDefaultsChange, registeredPackage, withLatestVersion, withLeadManager, type Package } from '../src/domain/packages';

const now = new Date('2026-05-01T12:00:00Z');
const registration: PackageRegisteredV1 = {
  packageId: '033000000000PKG001',
  packageName: 'Engines',
  developerName: 'Vendor',
  developerOrgId: '00D000000000DEV001',
  registeredAt: '2026-01-01T00:00:00Z',
  defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 },
};
const latest = { _id: registration.packageId, packageVersionId: 'v2', versionNumber: '2.0.0', releasedAt: '2026-02-01T00:00:00Z' };

describe('registeredPackage', () => {
  it('given a new package, when registered, then it has the marketplace fields, its defaults and blank partner fields, and the latest version uploaded before', () => {
    expect(registeredPackage(null, registration, 'evt-1', now, latest)).toEqual({
      _id: registration.packageId,
      packageName: 'Engines',
      developerName: 'Vendor',
      developerOrgId: '00D000000000DEV001',
      registeredAt: '2026-01-01T00:00:00Z',
      defaultLicense: registration.defaultLicense,
      sandboxSiteLicense: true,
      leadManagerId: null,
      ownerId: null,
      latestVersionId: 'v2',
      latestVersionNumber: '2.0.0',
      latestReleasedAt: '2026-02-01T00:00:00Z',
      registrationEventId: 'evt-1',
      updatedAt: now,
      revision: 0,
      lastAudit: null,
    });
  });

  it('given a package changed by its partner, when registered again, then the marketplace fields follow and the partner fields stay', () => {
    const p = { ...registeredPackage(null, registration, 'evt-1', now, null)!, leadManagerId: 'lm-1', defaultLicense: { status: 'Active' as const, lengthDays: null, seats: null } };
    const again = registeredPackage(p, { ...registration, packageName: 'Engines 2', defaultLicense: { status: 'Trial', lengthDays: 5, seats: 1 } }, 'evt-2', now, null)!;
    expect(again).toMatchObject({ packageName: 'Engines 2', leadManagerId: 'lm-1', defaultLicense: { status: 'Active', lengthDays: null, seats: null }, revision: 1 });
    expect(registeredPackage(again, registration, 'evt-2', now, null)).toBeNull();
  });

  it('given a registered package, when a newer version arrives, then it is the latest in the next revision (its ETag changes)', () => {
    const p = registeredPackage(null, registration, 'evt-1', now, null)!;
    expect(withLatestVersion(p, latest)).toMatchObject({ latestVersionId: 'v2', latestVersionNumber: '2.0.0', revision: 1 });
  });

  it('given the package has the latest version, when it is offered again, then nothing changes', () => {
    const p = registeredPackage(null, registration, 'evt-1', now, latest)!;
    expect(withLatestVersion(p, latest)).toBeNull();
    expect(withLatestVersion(p, null)).toBeNull();
  });

  it('given a lead manager, when routing changes, then the package mirrors it; the same one again changes nothing', () => {
    const p = registeredPackage(null, registration, 'evt-1', now, null)!;
    expect(withLeadManager(p, 'lm-2')).toMatchObject({ leadManagerId: 'lm-2', revision: 1 });
    expect(withLeadManager(p, null)).toBeNull();
    expect(withLeadManager(null, 'lm-2')).toBeNull();
  });
});

describe('decideDefaultsChange', () => {
  const p: Package = registeredPackage(null, registration, 'evt-1', now, null)!;

  it('given new defaults, when changed by hand, then the next revision carries its audit entry of the changed values', () => {
    const next = decideDefaultsChange(p, { reason: 'longer trials', defaultLicense: { lengthDays: 60, seats: null }, sandboxSiteLicense: false }, 'alice', now)!;
    expect(next).toMatchObject({ defaultLicense: { status: 'Trial', lengthDays: 60, seats: null }, sandboxSiteLicense: false, revision: 1, updatedAt: now });
    expect(next.lastAudit).toEqual({
      _id: `${p._id}:1`,
      packageId: p._id,
      revision: 1,
      at: now,
      changedBy: 'alice',
      reason: 'longer trials',
      before: { defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 }, sandboxSiteLicense: true },
      after: { defaultLicense: { status: 'Trial', lengthDays: 60, seats: null }, sandboxSiteLicense: false },
    });
  });

  it('given the same values, when changed by hand, then nothing changes', () => {
    expect(decideDefaultsChange(p, { reason: 'same', defaultLicense: { lengthDays: 30 }, sandboxSiteLicense: true }, 'alice', now)).toBeNull();
  });
});
