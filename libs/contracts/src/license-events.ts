import { z } from 'zod';
import { CalendarDate, PackageId, PackageVersionId, SubscriberOrgId, Timestamp, VersionNumber } from './ids';

/** Outbound topic consumed by systems outside LMA (docs/events.md, "Outbound"). */
export const LICENSE_EVENTS_TOPIC = 'lma.license.events';
export const LICENSE_EVENTS_SOURCE = 'lma/license';

export const LicenseEventType = {
  Created: 'lma.license.created',
  Modified: 'lma.license.modified',
  StatusChanged: 'lma.license.status-changed',
  Uninstalled: 'lma.license.uninstalled',
  Reinstalled: 'lma.license.reinstalled',
  Upgraded: 'lma.license.upgraded',
  SeatsUsedChanged: 'lma.license.seats-used-changed',
  Linked: 'lma.license.linked',
  Deleted: 'lma.license.deleted',
} as const;
export type LicenseEventType = (typeof LicenseEventType)[keyof typeof LicenseEventType];

/**
 * The `reason` of a license event that publishes a license again, unchanged, at its current
 * revision (an administrator's republish): consumers that have that revision drop it.
 */
export const REPUBLISH_REASON = 'republish';

export const LicenseStatus = z.enum(['Trial', 'Active', 'Suspended', 'Uninstalled']);
export type LicenseStatus = z.infer<typeof LicenseStatus>;

export const LicenseName = z.string().regex(/^L-\d{6,}$/, 'must be formatted L-000001');

/** `data` of every license event: the whole license after the change. */
export const LicenseV1 = z.object({
  licenseId: z.string().min(1),
  licenseName: LicenseName,
  packageId: PackageId,
  packageVersionId: PackageVersionId,
  versionNumber: VersionNumber,
  subscriberOrgId: SubscriberOrgId,
  status: LicenseStatus,
  seats: z.number().int().min(1).nullable(),
  usedLicenses: z.number().int().min(0).nullable(),
  expiresOn: CalendarDate.nullable(),
  installDate: Timestamp,
  orgEdition: z.string(),
  orgStatus: z.string(),
  orgExpiresOn: CalendarDate.nullable(),
  instance: z.string(),
  sandbox: z.boolean(),
  leadId: z.string().nullable(),
  accountId: z.string().nullable(),
  contactId: z.string().nullable(),
  revision: z.number().int().min(1),
  changedBy: z.string().optional(),
  reason: z.string().optional(),
});
export type LicenseV1 = z.infer<typeof LicenseV1>;

/**
 * How a stored license keeps each field of LicenseV1 (the license itself, and the read models of
 * the services that consume license events): the types of a mongoose schema's paths, declared
 * once. `licenseId` is the document's `_id`; who changed it and why travel in events only.
 */
export const LICENSE_V1_STORED_PATHS = {
  licenseName: String,
  packageId: String,
  packageVersionId: String,
  versionNumber: String,
  subscriberOrgId: String,
  status: String,
  seats: Number,
  usedLicenses: Number,
  expiresOn: String,
  installDate: String,
  orgEdition: String,
  orgStatus: String,
  orgExpiresOn: String,
  instance: String,
  sandbox: Boolean,
  leadId: String,
  accountId: String,
  contactId: String,
  revision: Number,
} as const satisfies Record<Exclude<keyof LicenseV1, 'licenseId' | 'changedBy' | 'reason'>, StringConstructor | NumberConstructor | BooleanConstructor>;

/** The license name format: an increasing number, `L-000001`. */
export const formatLicenseName = (n: number): string => `L-${String(n).padStart(6, '0')}`;

export const licenseEventKey = (l: Pick<LicenseV1, 'packageId' | 'subscriberOrgId'>): string =>
  `${l.packageId}:${l.subscriberOrgId}`;
