import { z } from 'zod';
import {
  CalendarDate,
  DeveloperOrgId,
  PackageId,
  PackageVersionId,
  SubscriberOrgId,
  Timestamp,
  UserId,
  VersionNumber,
} from './ids';

/** Inbound topic and event types published by the marketplace (docs/events.md, "Inbound"). */
export const MARKETPLACE_EVENTS_TOPIC = 'marketplace.events';
export const MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC = 'marketplace.snapshot-requests';

export const MarketplaceEventType = {
  PackageRegistered: 'marketplace.package.registered',
  PackageVersionUploaded: 'marketplace.package-version.uploaded',
  PackageInstalled: 'marketplace.package.installed',
  PackageUpgraded: 'marketplace.package.upgraded',
  PackageUninstalled: 'marketplace.package.uninstalled',
  OrgChanged: 'marketplace.org.changed',
  UserLicenseChanged: 'marketplace.user-license.changed',
  SnapshotRequested: 'marketplace.installations.snapshot-requested',
  SnapshotPage: 'marketplace.installations.snapshot-page',
} as const;
export type MarketplaceEventType = (typeof MarketplaceEventType)[keyof typeof MarketplaceEventType];

const NonEmpty = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

export const DefaultLicense = z.object({
  status: z.enum(['Trial', 'Active']),
  lengthDays: z.number().int().min(1).max(3650).nullable(),
  seats: z.number().int().min(1).max(99_000_000).nullable(),
});
export type DefaultLicense = z.infer<typeof DefaultLicense>;

export const PackageRegisteredV1 = z.object({
  packageId: PackageId,
  packageName: NonEmpty,
  developerName: NonEmpty,
  developerOrgId: DeveloperOrgId,
  registeredAt: Timestamp,
  defaultLicense: DefaultLicense,
});
export type PackageRegisteredV1 = z.infer<typeof PackageRegisteredV1>;

export const PackageVersionUploadedV1 = z.object({
  packageId: PackageId,
  packageVersionId: PackageVersionId,
  versionName: NonEmpty,
  versionNumber: VersionNumber,
  beta: z.boolean(),
  releasedAt: Timestamp,
});
export type PackageVersionUploadedV1 = z.infer<typeof PackageVersionUploadedV1>;

export const Installer = z.object({
  firstName: NonEmpty,
  lastName: NonEmpty,
  email: z.string().trim().email('must be an email address').max(254),
  company: NonEmpty,
  phone: z.string().trim().max(40).optional(),
  country: z.string().trim().max(80).optional(),
  state: z.string().trim().max(80).optional(),
});
export type Installer = z.infer<typeof Installer>;

export const OrgStatus = z.enum(['Trial', 'Active', 'Free']);
export const Org = z.object({
  name: NonEmpty,
  edition: NonEmpty,
  status: OrgStatus,
  instance: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, 'must be an instance name like NA42'),
  sandbox: z.boolean(),
  trialExpiresOn: CalendarDate.optional(),
});
export type Org = z.infer<typeof Org>;

export const PackageInstalledV1 = z.object({
  packageId: PackageId,
  packageVersionId: PackageVersionId,
  versionNumber: VersionNumber,
  subscriberOrgId: SubscriberOrgId,
  installedAt: Timestamp,
  installer: Installer,
  org: Org,
});
export type PackageInstalledV1 = z.infer<typeof PackageInstalledV1>;

export const PackageUpgradedV1 = z.object({
  packageId: PackageId,
  packageVersionId: PackageVersionId,
  versionNumber: VersionNumber,
  subscriberOrgId: SubscriberOrgId,
  upgradedAt: Timestamp,
});
export type PackageUpgradedV1 = z.infer<typeof PackageUpgradedV1>;

export const PackageUninstalledV1 = z.object({
  packageId: PackageId,
  subscriberOrgId: SubscriberOrgId,
  uninstalledAt: Timestamp,
});
export type PackageUninstalledV1 = z.infer<typeof PackageUninstalledV1>;

export const OrgLifecycle = z.enum(['active', 'locked', 'deleted']);
export const OrgChangedV1 = Org.partial().extend({
  subscriberOrgId: SubscriberOrgId,
  observedAt: Timestamp,
  lifecycle: OrgLifecycle,
});
export type OrgChangedV1 = z.infer<typeof OrgChangedV1>;

export const UserLicenseChangedV1 = z.object({
  packageId: PackageId,
  subscriberOrgId: SubscriberOrgId,
  userId: UserId,
  action: z.enum(['assigned', 'revoked']),
  changedAt: Timestamp,
});
export type UserLicenseChangedV1 = z.infer<typeof UserLicenseChangedV1>;

export const SnapshotRequestedV1 = z.object({
  requestId: z.string().min(1).max(100),
  packageId: PackageId,
});
export type SnapshotRequestedV1 = z.infer<typeof SnapshotRequestedV1>;

export const SnapshotInstallation = PackageInstalledV1.omit({ installer: true }).extend({
  installer: Installer.optional(),
  uninstalled: z.boolean(),
  usedLicenses: z.number().int().min(0).nullable(),
});
export type SnapshotInstallation = z.infer<typeof SnapshotInstallation>;

export const SnapshotPageV1 = z.object({
  requestId: z.string().min(1).max(100),
  packageId: PackageId,
  page: z.number().int().min(1),
  lastPage: z.boolean(),
  installations: z.array(SnapshotInstallation),
});
export type SnapshotPageV1 = z.infer<typeof SnapshotPageV1>;

/** Schema of `data` for every inbound marketplace event type. */
export const marketplaceDataSchemas = {
  [MarketplaceEventType.PackageRegistered]: PackageRegisteredV1,
  [MarketplaceEventType.PackageVersionUploaded]: PackageVersionUploadedV1,
  [MarketplaceEventType.PackageInstalled]: PackageInstalledV1,
  [MarketplaceEventType.PackageUpgraded]: PackageUpgradedV1,
  [MarketplaceEventType.PackageUninstalled]: PackageUninstalledV1,
  [MarketplaceEventType.OrgChanged]: OrgChangedV1,
  [MarketplaceEventType.UserLicenseChanged]: UserLicenseChangedV1,
  [MarketplaceEventType.SnapshotPage]: SnapshotPageV1,
} as const;
export type InboundMarketplaceType = keyof typeof marketplaceDataSchemas;

export type MarketplaceData = {
  [K in InboundMarketplaceType]: z.infer<(typeof marketplaceDataSchemas)[K]>;
};
