import { describe, expect, it } from 'vitest';
import { LicenseV1, examplePackageInstalled, type DefaultLicense, type PackageInstalledV1 } from '@lma/contracts';
import { addDays, licenseIdFor, newLicense, termsFromDefaults, toLicenseV1, type License, type PackageDefaults } from '../src/domain/license';

const now = new Date('2026-02-01T10:15:05Z');

function defaults(license: Partial<DefaultLicense> = {}, sandboxSiteLicense = true): PackageDefaults {
  return { defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10, ...license }, sandboxSiteLicense };
}

function install(overrides: Partial<PackageInstalledV1> = {}, org: Partial<PackageInstalledV1['org']> = {}): PackageInstalledV1 {
  return { ...examplePackageInstalled, ...overrides, org: { ...examplePackageInstalled.org, ...org } };
}

const noLinks = { leadId: null, contactId: null };

/** The license as it is after naming, the first state ever published. */
function named(l: License): License {
  return { ...l, licenseNumber: 1, licenseName: 'L-000001', revision: 1 };
}

describe('addDays', () => {
  it.each([
    ['2026-02-01', 30, '2026-03-03'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-01-31', 1, '2026-02-01'],
    ['2026-04-30', 1, '2026-05-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-29', 365, '2029-02-28'],
    ['2026-01-01', 3650, '2035-12-30'],
  ])('given %s, when %i days are added, then the date is %s', (from, days, expected) => {
    expect(addDays(from, days)).toBe(expected);
  });

  it('given a UTC timestamp late in the day, when a day is added, then the result is the next UTC calendar date', () => {
    expect(addDays('2028-02-28T23:59:59Z', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31T00:00:00.000Z', 1)).toBe('2027-01-01');
  });

  it('given a process running in a zone with daylight saving, when a day is added across the change, then the result is still the UTC date', () => {
    const tz = process.env['TZ'];
    process.env['TZ'] = 'America/Los_Angeles';
    try {
      expect(addDays('2026-03-08T00:00:00Z', 1)).toBe('2026-03-09');
      expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
    } finally {
      if (tz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = tz;
    }
  });
});

describe('termsFromDefaults', () => {
  it('given a 30-day default, when installed on 2026-02-01, then the license expires 30 days after the install date', () => {
    const terms = termsFromDefaults(defaults({ lengthDays: 30 }), install({ installedAt: '2026-02-01T10:15:00Z' }));
    expect(terms.expiresOn).toBe('2026-03-03');
  });

  it('given a 1-day default, when installed on 2028-02-28 (leap year), then the license expires on 2028-02-29', () => {
    const terms = termsFromDefaults(defaults({ lengthDays: 1 }), install({ installedAt: '2028-02-28T23:30:00Z' }));
    expect(terms.expiresOn).toBe('2028-02-29');
  });

  it('given a 1-day default, when installed on the last day of a year, then the license expires on New Year', () => {
    const terms = termsFromDefaults(defaults({ lengthDays: 1 }), install({ installedAt: '2026-12-31T08:00:00Z' }));
    expect(terms.expiresOn).toBe('2027-01-01');
  });

  it('given a default without a length, when installed, then the license does not expire', () => {
    expect(termsFromDefaults(defaults({ lengthDays: null }), install()).expiresOn).toBeNull();
  });

  it('given default seats, when installed in a production org, then the license has those seats and none used', () => {
    const terms = termsFromDefaults(defaults({ seats: 25 }), install({}, { sandbox: false }));
    expect(terms.seats).toBe(25);
    expect(terms.usedLicenses).toBe(0);
  });

  it('given no default seats, when installed, then the license is a site license', () => {
    expect(termsFromDefaults(defaults({ seats: null }, false), install({}, { sandbox: false })).seats).toBeNull();
  });

  it('given a package giving sandboxes a site license, when installed in a sandbox, then the license is a site license', () => {
    expect(termsFromDefaults(defaults({ seats: 25 }, true), install({}, { sandbox: true })).seats).toBeNull();
  });

  it('given a package not giving sandboxes a site license, when installed in a sandbox, then the license has the default seats', () => {
    expect(termsFromDefaults(defaults({ seats: 25 }, false), install({}, { sandbox: true })).seats).toBe(25);
  });

  it.each(['Trial', 'Active'] as const)('given a %s default, when installed, then the license has that status', (status) => {
    expect(termsFromDefaults(defaults({ status }), install()).status).toBe(status);
  });
});

describe('newLicense', () => {
  it('given an install, when a license is made, then it carries the install and org details, unnamed, at revision 0', () => {
    const createdFor = { sagaId: 'onb:evt-1', commandId: 'onb:evt-1:create-license:1' };
    const l = newLicense(defaults({ status: 'Active', lengthDays: null, seats: 5 }), install(), { leadId: 'lead-1', contactId: 'contact-1' }, createdFor, now);
    expect(l).toMatchObject({
      _id: licenseIdFor(examplePackageInstalled.packageId, examplePackageInstalled.subscriberOrgId),
      licenseNumber: null,
      licenseName: null,
      packageId: '033000000000ABCDEF',
      packageVersionId: '04t000000000VER142',
      versionNumber: '1.4.2',
      subscriberOrgId: '00D000000CUST01',
      status: 'Active',
      seats: 5,
      usedLicenses: 0,
      expiresOn: null,
      installDate: '2026-02-01T10:15:00Z',
      orgEdition: 'Enterprise',
      orgStatus: 'Trial',
      instance: 'NA42',
      sandbox: false,
      leadId: 'lead-1',
      accountId: null,
      contactId: 'contact-1',
      revision: 0,
      createdFor,
      createdAt: now,
      updatedAt: now,
    });
  });

  it('given a Trial org with a trial end date, when a license is made, then it carries the org expiration', () => {
    const l = newLicense(defaults(), install({}, { status: 'Trial', trialExpiresOn: '2026-03-01' }), noLinks, null, now);
    expect(l.orgExpiresOn).toBe('2026-03-01');
  });

  it.each(['Active', 'Free'] as const)('given a %s org that still reports a trial end date, when a license is made, then it has no org expiration', (status) => {
    const l = newLicense(defaults(), install({}, { status, trialExpiresOn: '2026-03-01' }), noLinks, null, now);
    expect(l.orgExpiresOn).toBeNull();
  });

  it('given a Trial org without a trial end date, when a license is made, then it has no org expiration', () => {
    const { trialExpiresOn: _omitted, ...org } = examplePackageInstalled.org;
    const l = newLicense(defaults(), { ...examplePackageInstalled, org: { ...org, status: 'Trial' } }, noLinks, null, now);
    expect(l.orgExpiresOn).toBeNull();
  });

  it('given the same package and org installed twice, when licenses are made, then both have the same id', () => {
    const first = newLicense(defaults(), install(), noLinks, null, now);
    const again = newLicense(defaults(), install({ installedAt: '2026-05-01T00:00:00Z', packageVersionId: '04t000000000VER150' }), noLinks, null, now);
    expect(again._id).toBe(first._id);
  });

  it('given another org or another package, when a license is made, then its id differs', () => {
    const base = newLicense(defaults(), install(), noLinks, null, now)._id;
    expect(newLicense(defaults(), install({ subscriberOrgId: '00D000000CUST02' }), noLinks, null, now)._id).not.toBe(base);
    expect(newLicense(defaults(), install({ packageId: '033000000000ABCDEG' }), noLinks, null, now)._id).not.toBe(base);
  });
});

describe('toLicenseV1', () => {
  it('given a named license, when published, then the data validates against LicenseV1 and carries the whole license', () => {
    const l = named(newLicense(defaults(), install(), noLinks, null, now));
    const data = toLicenseV1(l);
    expect(LicenseV1.safeParse(data).success).toBe(true);
    expect(data).toMatchObject({ licenseId: l._id, licenseName: 'L-000001', status: 'Trial', seats: 10, expiresOn: '2026-03-03', orgExpiresOn: '2026-03-01', revision: 1 });
    expect(data).not.toHaveProperty('changedBy');
  });

  it('given a named site license that does not expire, when published, then the data validates against LicenseV1', () => {
    const l = named(newLicense(defaults({ status: 'Active', lengthDays: null, seats: null }), install({}, { status: 'Active' }), noLinks, null, now));
    const data = LicenseV1.parse(toLicenseV1(l));
    expect(data.seats).toBeNull();
    expect(data.expiresOn).toBeNull();
  });

  it('given a change made by a person, when published, then it names who and why', () => {
    const l = named(newLicense(defaults(), install(), noLinks, null, now));
    const data = LicenseV1.parse(toLicenseV1(l, { changedBy: 'user-7', reason: 'extended trial' }));
    expect(data.changedBy).toBe('user-7');
    expect(data.reason).toBe('extended trial');
  });

  it('given a license not named yet, when published, then it is refused', () => {
    const l = newLicense(defaults(), install(), noLinks, null, now);
    expect(() => toLicenseV1(l)).toThrow(/has no name yet/);
  });
});
