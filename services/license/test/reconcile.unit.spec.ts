import { describe, expect, it } from 'vitest';
import { LicenseEventType, examplePackageInstalled, type SnapshotInstallation } from '@lma/contracts';
import { newLicense, type License, type PackageDefaults } from '../src/domain/license';
import { detectDrift, eventTypeFor } from '../src/domain/reconcile';

const now = new Date('2026-06-01T12:00:00Z');
const defaults: PackageDefaults = { defaultLicense: { status: 'Active', lengthDays: null, seats: 10 }, sandboxSiteLicense: true };
const by = 'refresh:rj_1';

/** A named license made from the example install, 3 seats in use. */
function license(overrides: Partial<License> = {}): License {
  const l = newLicense(defaults, examplePackageInstalled, { leadId: 'lead-1', contactId: null }, null, new Date('2026-02-01T10:15:01Z'));
  return { ...l, licenseNumber: 1, licenseName: 'L-000001', revision: 1, usedLicenses: 3, ...overrides };
}

/** The snapshot of the same installation, as the license knows it. */
function snapshot(overrides: Partial<SnapshotInstallation> = {}): SnapshotInstallation {
  const { installer: _installer, ...install } = examplePackageInstalled;
  return { ...install, uninstalled: false, usedLicenses: 3, ...overrides };
}

describe('detectDrift', () => {
  it('given a license that matches its snapshot, when compared, then nothing drifted', () => {
    expect(detectDrift(license(), snapshot(), defaults, by, now)).toBeNull();
  });

  it('given another version in the snapshot, then the version is corrected as an upgrade', () => {
    const d = detectDrift(license(), snapshot({ packageVersionId: '04tAAAAAAAAAAAAAA9', versionNumber: '9.9.9' }), defaults, by, now)!;
    expect(d.fields).toEqual(['version']);
    expect(d.decision.set).toMatchObject({ packageVersionId: '04tAAAAAAAAAAAAAA9', versionNumber: '9.9.9', versionAt: now.toISOString() });
    expect(d.decision.event).toEqual({ type: LicenseEventType.Upgraded, changedBy: by, reason: 'refresh' });
  });

  it('given other org fields, then each drifted org field is corrected in one modified event', () => {
    const s = snapshot({ org: { ...examplePackageInstalled.org, edition: 'Unlimited', instance: 'EU9', status: 'Active' } });
    const d = detectDrift(license(), s, defaults, by, now)!;
    // a Trial org that became Active: its trial end no longer applies
    expect(d.fields).toEqual(['orgEdition', 'orgStatus', 'orgExpiresOn', 'instance']);
    expect(d.decision.set).toMatchObject({ orgEdition: 'Unlimited', instance: 'EU9', orgStatus: 'Active', orgExpiresOn: null, orgInfoCurrentAsOf: now.toISOString() });
    expect(d.decision.event?.type).toBe(LicenseEventType.Modified);
  });

  it('given an uninstalled snapshot of an installed license, then it becomes Uninstalled with no seats in use', () => {
    const d = detectDrift(license(), snapshot({ uninstalled: true, usedLicenses: null }), defaults, by, now)!;
    expect(d.fields).toEqual(['uninstalled']);
    expect(d.decision.set).toMatchObject({ status: 'Uninstalled', usedLicenses: null, presenceAt: now.toISOString() });
    expect(d.decision.event?.type).toBe(LicenseEventType.Uninstalled);
  });

  it('given an installed snapshot of an uninstalled license, then it is reinstalled with the default status', () => {
    const d = detectDrift(license({ status: 'Uninstalled', usedLicenses: null }), snapshot({ usedLicenses: 2 }), defaults, by, now)!;
    expect(d.fields).toEqual(['uninstalled']);
    expect(d.decision.set).toMatchObject({ status: 'Active', usedLicenses: 2 });
    expect(d.decision.event?.type).toBe(LicenseEventType.Reinstalled);
  });

  it('given other seats in use, then they are corrected as a seats-used change', () => {
    const d = detectDrift(license(), snapshot({ usedLicenses: 7 }), defaults, by, now)!;
    expect(d.fields).toEqual(['usedLicenses']);
    expect(d.decision.set).toEqual({ usedLicenses: 7 });
    expect(d.decision.event?.type).toBe(LicenseEventType.SeatsUsedChanged);
  });

  it('given an uninstalled license and snapshot, then seats in use are not compared', () => {
    expect(detectDrift(license({ status: 'Uninstalled', usedLicenses: null }), snapshot({ uninstalled: true, usedLicenses: 0 }), defaults, by, now)).toBeNull();
  });

  it('given several drifted fields, then one event: modified, unless the presence changed', () => {
    const both = detectDrift(license(), snapshot({ usedLicenses: 9, versionNumber: '2.0.0' }), defaults, by, now)!;
    expect(both.fields).toEqual(['version', 'usedLicenses']);
    expect(both.decision.event?.type).toBe(LicenseEventType.Modified);
    expect(eventTypeFor(['version', 'orgEdition', 'uninstalled'], true)).toBe(LicenseEventType.Uninstalled);
  });
});
