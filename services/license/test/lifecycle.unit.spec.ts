import { describe, expect, it } from 'vitest';
import {
  LicenseEventType,
  examplePackageInstalled,
  examplePackageUninstalled,
  examplePackageUpgraded,
  exampleUserLicenseChanged,
  type OrgChangedV1,
  type PackageInstalledV1,
} from '@lma/contracts';
import { ConflictError, NotFoundError } from '@lma/core';
import { newLicense, type License, type PackageDefaults } from '../src/domain/license';
import {
  DEFER,
  assertModifiable,
  decideLink,
  decideOrgChanged,
  decideReinstall,
  decideSeatsUsed,
  decideUninstall,
  decideUpgrade,
  isAfter,
  seatChangeOutcome,
  type Decision,
} from '../src/domain/lifecycle';

const now = new Date('2026-05-01T12:00:00Z');
const defaults: PackageDefaults = { defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 }, sandboxSiteLicense: true };

/** A named license installed 2026-02-01T10:15:00Z (the example install), revision 1. */
function license(overrides: Partial<License> = {}): License {
  const l = newLicense(defaults, examplePackageInstalled, { leadId: 'lead-1', contactId: null }, null, new Date('2026-02-01T10:15:01Z'));
  return { ...l, licenseNumber: 1, licenseName: 'L-000001', revision: 1, ...overrides };
}

const uninstalled = (at = examplePackageUninstalled.uninstalledAt) =>
  license({ status: 'Uninstalled', usedLicenses: null, presenceAt: at });

const upgrade = (overrides: Partial<typeof examplePackageUpgraded> = {}, id = 'evt-upgrade') => ({ id, data: { ...examplePackageUpgraded, ...overrides } });
const uninstall = (overrides: Partial<typeof examplePackageUninstalled> = {}, id = 'evt-uninstall') => ({ id, data: { ...examplePackageUninstalled, ...overrides } });
const orgChange = (data: Partial<OrgChangedV1>, id = 'evt-org') => ({
  id,
  data: { subscriberOrgId: examplePackageInstalled.subscriberOrgId, observedAt: '2026-03-15T00:00:00Z', lifecycle: 'active' as const, ...data },
});
const reinstall = (install: Partial<PackageInstalledV1> = {}, commandId = 'onb:evt-2:create-license:1') => ({
  commandId,
  install: { ...examplePackageInstalled, installedAt: '2026-04-10T09:00:00Z', packageVersionId: '04t000000000VER160', versionNumber: '1.6.0', ...install },
});

function decision(d: unknown): Decision {
  expect(d).not.toBeNull();
  expect(d).not.toBe(DEFER);
  return d as Decision;
}

describe('isAfter', () => {
  it('given timestamps with and without fractional seconds, when compared, then they compare as instants, not as text', () => {
    expect(isAfter('2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00Z')).toBe(true);
    expect(isAfter('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.5Z')).toBe(false);
    expect(isAfter('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z')).toBe(false);
  });
});

describe('decideUpgrade', () => {
  it('given an installed license, when the package is upgraded, then the license has the new version and publishes lma.license.upgraded', () => {
    const d = decision(decideUpgrade(license(), upgrade()));
    expect(d.set).toEqual({ packageVersionId: '04t000000000VER150', versionNumber: '1.5.0', versionAt: examplePackageUpgraded.upgradedAt });
    expect(d.event).toEqual({ type: LicenseEventType.Upgraded, changedBy: 'marketplace', reason: 'package upgraded' });
  });

  it('given the upgrade was applied, when the same event is delivered again, then nothing changes', () => {
    expect(decideUpgrade(license({ appliedEventIds: ['evt-upgrade'] }), upgrade())).toBeNull();
  });

  it('given a newer upgrade was applied, when an older one arrives late, then nothing changes', () => {
    const l = license({ packageVersionId: '04t000000000VER160', versionNumber: '1.6.0', versionAt: '2026-03-20T00:00:00Z' });
    expect(decideUpgrade(l, upgrade({ upgradedAt: '2026-03-01T10:15:00Z' }, 'evt-older'))).toBeNull();
  });

  it('given an upgrade older than the install, when it arrives, then nothing changes', () => {
    expect(decideUpgrade(license(), upgrade({ upgradedAt: '2026-01-20T00:00:00Z' }))).toBeNull();
  });

  it('given the license already has that version, when an upgrade to it arrives, then only its time is recorded, without an event', () => {
    const d = decision(decideUpgrade(license(), upgrade({ packageVersionId: examplePackageInstalled.packageVersionId })));
    expect(d.event).toBeNull();
    expect(d.set).toEqual({ versionAt: examplePackageUpgraded.upgradedAt });
  });

  it('given an uninstalled license, when an upgrade older than the uninstall arrives, then nothing changes', () => {
    expect(decideUpgrade(uninstalled(), upgrade({ upgradedAt: '2026-03-01T00:00:00Z' }))).toBeNull();
  });

  it('given an uninstalled license, when an upgrade newer than the uninstall arrives, then it waits for the reinstall', () => {
    expect(decideUpgrade(uninstalled(), upgrade({ upgradedAt: '2026-04-20T00:00:00Z' }))).toBe(DEFER);
  });

  it('given a deleted license, when an upgrade arrives, then nothing changes', () => {
    expect(decideUpgrade(license({ deletedAt: now }), upgrade())).toBeNull();
  });
});

describe('decideUninstall', () => {
  it('given an installed license with seats in use, when the package is uninstalled, then it is Uninstalled with no seats in use', () => {
    const d = decision(decideUninstall(license({ usedLicenses: 4 }), uninstall()));
    expect(d.set).toEqual({ status: 'Uninstalled', usedLicenses: null, presenceAt: examplePackageUninstalled.uninstalledAt });
    expect(d.event).toEqual({ type: LicenseEventType.Uninstalled, changedBy: 'marketplace', reason: 'package uninstalled' });
  });

  it('given the uninstall was applied, when it is delivered again, then nothing changes', () => {
    expect(decideUninstall(uninstalled(), uninstall())).toBeNull();
    expect(decideUninstall(license({ appliedEventIds: ['evt-uninstall'] }), uninstall())).toBeNull();
  });

  it('given a reinstall after the uninstall was applied, when the uninstall arrives late, then nothing changes', () => {
    expect(decideUninstall(license({ presenceAt: '2026-04-10T09:00:00Z' }), uninstall())).toBeNull();
  });

  it('given an uninstalled license, when a newer uninstall arrives, then it waits for the reinstall in between', () => {
    expect(decideUninstall(uninstalled(), uninstall({ uninstalledAt: '2026-06-01T00:00:00Z' }, 'evt-uninstall-2'))).toBe(DEFER);
  });
});

describe('decideReinstall', () => {
  it('given an uninstalled license, when the package is installed again, then it is back at the default status with no seats used and the install version and org fields', () => {
    const l = uninstalled();
    const d = decision(decideReinstall({ ...l, orgLocked: true }, reinstall({ org: { ...examplePackageInstalled.org, status: 'Active', edition: 'Unlimited' } }), {
      ...defaults,
      defaultLicense: { status: 'Active', lengthDays: null, seats: 5 },
    }));
    expect(d.set).toMatchObject({
      status: 'Active',
      usedLicenses: 0,
      packageVersionId: '04t000000000VER160',
      versionNumber: '1.6.0',
      presenceAt: '2026-04-10T09:00:00Z',
      versionAt: '2026-04-10T09:00:00Z',
      orgEdition: 'Unlimited',
      orgStatus: 'Active',
      orgExpiresOn: null,
      orgLocked: false,
      orgInfoCurrentAsOf: '2026-04-10T09:00:00Z',
    });
    expect(d.set).not.toHaveProperty('seats');
    expect(d.set).not.toHaveProperty('expiresOn');
    expect(d.event).toEqual({ type: LicenseEventType.Reinstalled, changedBy: 'marketplace', reason: 'package reinstalled' });
  });

  it('given the org fields were observed after the reinstall, when the reinstall applies, then the newer org fields stay', () => {
    const l = { ...uninstalled(), orgEdition: 'Unlimited', orgInfoCurrentAsOf: '2026-04-20T00:00:00Z' };
    const d = decision(decideReinstall(l, reinstall(), defaults));
    expect(d.set).not.toHaveProperty('orgEdition');
    expect(d.set).not.toHaveProperty('orgInfoCurrentAsOf');
  });

  it('given the reinstall was applied, when the same command arrives again, then nothing changes', () => {
    const l = { ...license({ presenceAt: '2026-04-10T09:00:00Z' }), appliedEventIds: ['onb:evt-2:create-license:1'] };
    expect(decideReinstall(l, reinstall(), defaults)).toBeNull();
    expect(decideReinstall(uninstalled(), reinstall({}, 'cmd-a'), defaults)).not.toBeNull();
    expect(decideReinstall({ ...uninstalled(), appliedEventIds: ['cmd-a'] }, reinstall({}, 'cmd-a'), defaults)).toBeNull();
  });

  it('given an uninstall after this install was applied, when the install command arrives late, then nothing changes', () => {
    expect(decideReinstall(uninstalled('2026-04-20T00:00:00Z'), reinstall(), defaults)).toBeNull();
  });

  it('given an installed license, when a newer install arrives, then only its time is recorded, without an event', () => {
    expect(decideReinstall(license(), reinstall(), defaults)).toEqual({ set: { presenceAt: '2026-04-10T09:00:00Z' }, event: null });
  });

  it('given the original install, when it is delivered again, then nothing changes', () => {
    expect(decideReinstall(license(), { commandId: 'other', install: examplePackageInstalled }, defaults)).toBeNull();
  });

  it('given a deleted license, when an install arrives, then nothing changes', () => {
    expect(decideReinstall({ ...uninstalled(), deletedAt: now }, reinstall(), defaults)).toBeNull();
  });
});

describe('decideOrgChanged', () => {
  it('given a license, when the org changes edition and status, then the org fields and their time change and lma.license.modified says "org changed"', () => {
    const d = decision(decideOrgChanged(license(), orgChange({ edition: 'Unlimited', status: 'Active', instance: 'NA99', sandbox: false }), now));
    expect(d.set).toEqual({ orgEdition: 'Unlimited', orgStatus: 'Active', orgExpiresOn: null, instance: 'NA99', orgInfoCurrentAsOf: '2026-03-15T00:00:00Z' });
    expect(d.event).toEqual({ type: LicenseEventType.Modified, changedBy: 'marketplace', reason: 'org changed' });
  });

  it('given a Trial org, when a new trial end date is observed, then the org expiration moves', () => {
    const d = decision(decideOrgChanged(license(), orgChange({ trialExpiresOn: '2026-04-30' }), now));
    expect(d.set).toEqual({ orgExpiresOn: '2026-04-30', orgInfoCurrentAsOf: '2026-03-15T00:00:00Z' });
  });

  it('given nothing of the org changed, when it is observed again, then only "current as of" moves, without an event', () => {
    expect(decideOrgChanged(license(), orgChange({ edition: 'Enterprise' }), now)).toEqual({ set: { orgInfoCurrentAsOf: '2026-03-15T00:00:00Z' }, event: null });
  });

  it('given a newer observation was applied, when an older one arrives, then nothing changes', () => {
    expect(decideOrgChanged(license({ orgInfoCurrentAsOf: '2026-03-20T00:00:00Z' }), orgChange({ edition: 'Unlimited' }), now)).toBeNull();
    expect(decideOrgChanged(license(), orgChange({ edition: 'Unlimited', observedAt: '2026-01-01T00:00:00Z' }), now)).toBeNull();
  });

  it('given an unlocked org, when it is locked, then the license is locked (lma.license.modified, "org locked")', () => {
    const d = decision(decideOrgChanged(license(), orgChange({ lifecycle: 'locked' }), now));
    expect(d.set).toEqual({ orgLocked: true, orgInfoCurrentAsOf: '2026-03-15T00:00:00Z' });
    expect(d.event).toMatchObject({ type: LicenseEventType.Modified, reason: 'org locked' });
  });

  it('given a locked org, when it is active again, then the license is unlocked', () => {
    const d = decision(decideOrgChanged(license({ orgLocked: true }), orgChange({ lifecycle: 'active' }), now));
    expect(d.set).toEqual({ orgLocked: false, orgInfoCurrentAsOf: '2026-03-15T00:00:00Z' });
    expect(d.event).toMatchObject({ type: LicenseEventType.Modified, reason: 'org unlocked' });
  });

  it('given a locked org, when it is observed locked again, then only "current as of" moves', () => {
    expect(decision(decideOrgChanged(license({ orgLocked: true }), orgChange({ lifecycle: 'locked' }), now)).event).toBeNull();
  });

  it('given an org, when it is deleted, then the license is deleted (lma.license.deleted)', () => {
    const d = decision(decideOrgChanged(license(), orgChange({ lifecycle: 'deleted' }), now));
    expect(d.set).toEqual({ deletedAt: now, orgInfoCurrentAsOf: '2026-03-15T00:00:00Z' });
    expect(d.event).toEqual({ type: LicenseEventType.Deleted, changedBy: 'marketplace', reason: 'org deleted' });
  });

  it('given an uninstalled license, when the org changes, then it stays as it was; when the org is deleted, then it is deleted', () => {
    const l = { ...uninstalled(), orgInfoCurrentAsOf: examplePackageInstalled.installedAt };
    expect(decideOrgChanged(l, orgChange({ edition: 'Unlimited', observedAt: '2026-04-05T00:00:00Z' }), now)).toBeNull();
    expect(decision(decideOrgChanged(l, orgChange({ lifecycle: 'deleted', observedAt: '2026-04-05T00:00:00Z' }), now)).event?.type).toBe(LicenseEventType.Deleted);
  });

  it('given a deleted license, when the org changes again, then nothing changes', () => {
    expect(decideOrgChanged(license({ deletedAt: now }), orgChange({ lifecycle: 'active', observedAt: '2026-04-05T00:00:00Z' }), now)).toBeNull();
  });

  it('given the change was applied, when it is delivered again, then nothing changes', () => {
    expect(decideOrgChanged(license({ appliedEventIds: ['evt-org'] }), orgChange({ edition: 'Unlimited' }), now)).toBeNull();
  });
});

describe('seat assignments', () => {
  const seat = (changedAt: string, id = 'evt-seat') => ({ id, data: { ...exampleUserLicenseChanged, changedAt } });

  it('given an installed license, when a seat change newer than the install arrives, then it applies', () => {
    expect(seatChangeOutcome(license(), seat('2026-02-02T08:00:00Z'))).toBe('apply');
  });

  it('given an uninstall or reinstall after it, when a seat change arrives late, then it is ignored', () => {
    expect(seatChangeOutcome(license({ presenceAt: '2026-04-10T09:00:00Z' }), seat('2026-02-02T08:00:00Z'))).toBeNull();
    expect(seatChangeOutcome(uninstalled(), seat('2026-02-02T08:00:00Z'))).toBeNull();
  });

  it('given an uninstalled license, when a seat change newer than the uninstall arrives, then it waits for the reinstall', () => {
    expect(seatChangeOutcome(uninstalled(), seat('2026-04-20T00:00:00Z'))).toBe(DEFER);
  });

  it('given the change was applied or the license deleted, when it arrives again, then it is ignored', () => {
    expect(seatChangeOutcome(license({ appliedEventIds: ['evt-seat'] }), seat('2026-02-02T08:00:00Z'))).toBeNull();
    expect(seatChangeOutcome(license({ deletedAt: now }), seat('2026-02-02T08:00:00Z'))).toBeNull();
  });

  it('given 2 seats used, when 3 users are assigned, then seats used is 3 (lma.license.seats-used-changed)', () => {
    expect(decideSeatsUsed(license({ usedLicenses: 2 }), 3)).toEqual({
      set: { usedLicenses: 3 },
      event: { type: LicenseEventType.SeatsUsedChanged, changedBy: 'marketplace', reason: 'seat assignments changed' },
    });
  });

  it('given 3 seats used, when the count stays 3 (a duplicate assignment), then nothing changes', () => {
    expect(decideSeatsUsed(license({ usedLicenses: 3 }), 3)).toBeNull();
  });
});

describe('decideLink', () => {
  const converted = (leadId = 'lead-1', id = 'evt-conv') => ({ id, data: { leadId, accountId: 'acc-1', contactId: 'con-1', convertedAt: '2026-03-01T00:00:00Z' } });

  it('given a license of a lead, when the lead is converted, then it is linked to the account and contact (lma.license.linked)', () => {
    const d = decision(decideLink(license(), converted()));
    expect(d.set).toEqual({ accountId: 'acc-1', contactId: 'con-1' });
    expect(d.event).toMatchObject({ type: LicenseEventType.Linked });
  });

  it('given a license of another lead, already linked, or deleted, when a lead is converted, then nothing changes', () => {
    expect(decideLink(license(), converted('lead-2'))).toBeNull();
    expect(decideLink(license({ accountId: 'acc-1', contactId: 'con-1' }), converted())).toBeNull();
    expect(decideLink(license({ deletedAt: now }), converted())).toBeNull();
  });

  it('given an uninstalled license, when its lead is converted, then it is still linked', () => {
    expect(decision(decideLink(uninstalled(), converted())).set).toEqual({ accountId: 'acc-1', contactId: 'con-1' });
  });
});

describe('assertModifiable', () => {
  it('given an installed license of an active org, when checked, then it may be modified', () => {
    expect(() => assertModifiable(license())).not.toThrow();
  });

  it('given an uninstalled license, when checked, then it is refused', () => {
    expect(() => assertModifiable(uninstalled())).toThrow(ConflictError);
    expect(() => assertModifiable(uninstalled())).toThrow("Uninstalled licenses can't be modified");
  });

  it('given a license of a locked org, when checked, then it is refused', () => {
    expect(() => assertModifiable(license({ orgLocked: true }))).toThrow(ConflictError);
    expect(() => assertModifiable(license({ orgLocked: true }))).toThrow('the subscriber org is locked');
  });

  it('given a deleted license, when checked, then it is not found', () => {
    expect(() => assertModifiable(license({ deletedAt: now }))).toThrow(NotFoundError);
  });
});
