import type {
  PackageInstalledV1,
  PackageRegisteredV1,
  PackageUninstalledV1,
  PackageUpgradedV1,
  PackageVersionUploadedV1,
  OrgChangedV1,
  UserLicenseChangedV1,
} from './marketplace';

/** Example payloads per event type (version 1), used by docs, the demo and tests. */
export const examplePackageRegistered: PackageRegisteredV1 = {
  packageId: '033000000000ABCDEF',
  packageName: 'Acme Billing',
  developerName: 'Acme Software',
  developerOrgId: '00D000000000ACMEAA',
  registeredAt: '2026-01-05T09:00:00Z',
  defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 },
};

export const examplePackageVersionUploaded: PackageVersionUploadedV1 = {
  packageId: '033000000000ABCDEF',
  packageVersionId: '04t000000000VER142',
  versionName: 'Spring release',
  versionNumber: '1.4.2',
  beta: false,
  releasedAt: '2026-01-06T09:00:00Z',
};

export const examplePackageInstalled: PackageInstalledV1 = {
  packageId: '033000000000ABCDEF',
  packageVersionId: '04t000000000VER142',
  versionNumber: '1.4.2',
  subscriberOrgId: '00D000000CUST01',
  installedAt: '2026-02-01T10:15:00Z',
  installer: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', company: 'Analytical Engines', country: 'GB' },
  org: { name: 'Analytical Engines', edition: 'Enterprise', status: 'Trial', instance: 'NA42', sandbox: false, trialExpiresOn: '2026-03-01' },
};

export const examplePackageUpgraded: PackageUpgradedV1 = {
  packageId: '033000000000ABCDEF',
  packageVersionId: '04t000000000VER150',
  versionNumber: '1.5.0',
  subscriberOrgId: '00D000000CUST01',
  upgradedAt: '2026-03-01T10:15:00Z',
};

export const examplePackageUninstalled: PackageUninstalledV1 = {
  packageId: '033000000000ABCDEF',
  subscriberOrgId: '00D000000CUST01',
  uninstalledAt: '2026-04-01T10:15:00Z',
};

export const exampleOrgChanged: OrgChangedV1 = {
  subscriberOrgId: '00D000000CUST01',
  observedAt: '2026-03-15T00:00:00Z',
  status: 'Active',
  lifecycle: 'active',
};

export const exampleUserLicenseChanged: UserLicenseChangedV1 = {
  packageId: '033000000000ABCDEF',
  subscriberOrgId: '00D000000CUST01',
  userId: '005000000000USR',
  action: 'assigned',
  changedAt: '2026-02-02T08:00:00Z',
};
