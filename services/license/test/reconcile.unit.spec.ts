import { describe, expect, it } from 'vitest';
import { LicenseEventType, examplePackageInstalled, type SnapshotInstallation } from '@lma/contracts';
import { newLicense, type License, type PackageDefaults } from '../src/domain/license';
import { detectDrift, eventTypeFor, installationDriftKey, licenseDriftKey } from '../src/domain/reconcile';

const now = '2026-06-01T12:00:00.000Z';
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
    expect(d.decision.set).toMatchObject({ packageVersionId: '04tAAAAAAAAAAAAAA9', versionNumber: '9.9.9', versionAt: now });
    expect(d.decision.event).toEqual({ type: LicenseEventType.Upgraded, changedBy: by, reason: 'refresh' });
  });

  it('given other org fields, then each drifted org field is corrected in one modified event', () => {
    const s = snapshot({ org: { ...examplePackageInstalled.org, edition: 'Unlimited', instance: 'EU9', status: 'Active' } });
    const d = detectDrift(license(), s, defaults, by, now)!;
    // a Trial org that became Active: its trial end no longer applies
    expect(d.fields).toEqual(['orgEdition', 'orgStatus', 'orgExpiresOn', 'instance']);
    expect(d.decision.set).toMatchObject({ orgEdition: 'Unlimited', instance: 'EU9', orgStatus: 'Active', orgExpiresOn: null, orgInfoCurrentAsOf: now });
    expect(d.decision.event?.type).toBe(LicenseEventType.Modified);
  });

  it('given an uninstalled snapshot of an installed license, then it becomes Uninstalled with no seats in use', () => {
    const d = detectDrift(license(), snapshot({ uninstalled: true, usedLicenses: null }), defaults, by, now)!;
    expect(d.fields).toEqual(['uninstalled']);
    expect(d.decision.set).toMatchObject({ status: 'Uninstalled', usedLicenses: null, presenceAt: now });
    expect(d.decision.event?.type).toBe(LicenseEventType.Uninstalled);
  });

  it('given an installed snapshot of an uninstalled license, then it is reinstalled with the default status', () => {
    const d = detectDrift(license({ status: 'Uninstalled', usedLicenses: null }), snapshot({ usedLicenses: 2 }), defaults, by, now)!;
    expect(d.fields).toEqual(['uninstalled']);
    expect(d.decision.set).toMatchObject({ status: 'Active', usedLicenses: 2 });
    expect(d.decision.event?.type).toBe(LicenseEventType.Reinstalled);
  });

  it('given a snapshot older than what the license learned since (a reinstall, an upgrade, an org change after the page), then those fields are left alone', () => {
    const after = '2026-06-01T12:00:05.000Z';
    // uninstalled in the snapshot, reinstalled after it: stays installed, seats in use untouched
    expect(detectDrift(license({ presenceAt: after }), snapshot({ uninstalled: true, usedLicenses: null }), defaults, by, now)).toBeNull();
    expect(detectDrift(license({ status: 'Uninstalled', usedLicenses: null, presenceAt: after }), snapshot({ usedLicenses: 2 }), defaults, by, now)).toBeNull();
    expect(detectDrift(license({ versionAt: after }), snapshot({ packageVersionId: '04tAAAAAAAAAAAAAA9', versionNumber: '9.9.9' }), defaults, by, now)).toBeNull();
    expect(detectDrift(license({ orgInfoCurrentAsOf: after }), snapshot({ org: { ...examplePackageInstalled.org, edition: 'Unlimited' } }), defaults, by, now)).toBeNull();
    // the same snapshot taken after those facts corrects them
    expect(detectDrift(license({ presenceAt: after }), snapshot({ uninstalled: true, usedLicenses: null }), defaults, by, '2026-06-01T12:00:06.000Z')?.fields).toEqual(['uninstalled']);
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

describe('drift keys', () => {
  /** Every combination of two values of each field the comparison involves (three where it matters). */
  function* pairs(): Generator<[License, SnapshotInstallation]> {
    const versions = [
      ['04tAAAAAAAAAAAAAA1', '1.0.0'],
      ['04tAAAAAAAAAAAAAA2', '1.1.0'],
    ] as const;
    const orgs = [
      { status: 'Active', trialExpiresOn: undefined },
      { status: 'Trial', trialExpiresOn: '2026-07-01' },
      { status: 'Trial', trialExpiresOn: '2026-08-01' },
    ] as const;
    const editions = ['Enterprise', 'Unlimited'];
    const instances = ['NA1', 'EU9'];
    const used = [null, 3, 4];
    for (const [lv, ln] of versions)
      for (const lo of orgs)
        for (const le of editions)
          for (const li of instances)
            for (const ls of ['Active', 'Trial', 'Uninstalled'] as const)
              for (const lu of used) {
                const l = license({
                  packageVersionId: lv,
                  versionNumber: ln,
                  orgEdition: le,
                  orgStatus: lo.status,
                  orgExpiresOn: lo.trialExpiresOn ?? null,
                  instance: li,
                  status: ls,
                  usedLicenses: lu,
                });
                for (const [sv, sn] of versions)
                  for (const so of orgs)
                    for (const se of editions)
                      for (const si of instances)
                        for (const su of [false, true])
                          for (const sUsed of used) {
                            const org = { ...examplePackageInstalled.org, edition: se, instance: si, status: so.status, trialExpiresOn: so.trialExpiresOn };
                            yield [l, snapshot({ packageVersionId: sv, versionNumber: sn, org, uninstalled: su, usedLicenses: sUsed })];
                          }
              }
  }

  it('given any license and snapshot, when their keys are compared, then they are equal exactly when detectDrift finds nothing', () => {
    let equal = 0;
    let total = 0;
    for (const [l, i] of pairs()) {
      const same = licenseDriftKey(l) === installationDriftKey(i);
      expect(same, `${licenseDriftKey(l)} vs ${installationDriftKey(i)}`).toBe(detectDrift(l, i, defaults, by, now) === null);
      if (same) equal++;
      total++;
    }
    // both outcomes occur many times over
    expect(total).toBe(216 * 144);
    expect(equal).toBeGreaterThan(100);
  });
});
