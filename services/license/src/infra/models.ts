import { Schema, type Connection, type Model } from 'mongoose';
import type { DefaultLicense } from '@lma/contracts';
import type { OutboxFields, OutboxItem } from '@lma/kafka';
import type { License } from '../domain/license';

const OutboxItemSchema = new Schema<OutboxItem>(
  { id: String, topic: String, type: String, source: String, time: String, key: String, data: String, traceparent: String, tracestate: String },
  { _id: false },
);
const outboxPaths = { outbox: { type: [OutboxItemSchema], default: [] }, outboxAt: Date };

/** Created only from `marketplace.package.registered`; partner-editable fields start blank. */
export interface Package {
  _id: string;
  packageName: string;
  developerName: string;
  developerOrgId: string;
  registeredAt: string;
  defaultLicense: DefaultLicense;
  sandboxSiteLicense: boolean;
  leadManagerId: string | null;
  ownerId: string | null;
  latestVersionId: string | null;
  latestVersionNumber: string | null;
  latestReleasedAt: string | null;
  registrationEventId: string;
  updatedAt: Date;
}
const PackageSchema = new Schema<Package>(
  {
    _id: String,
    packageName: String,
    developerName: String,
    developerOrgId: String,
    registeredAt: String,
    defaultLicense: { status: String, lengthDays: Number, seats: Number },
    sandboxSiteLicense: Boolean,
    leadManagerId: String,
    ownerId: String,
    latestVersionId: String,
    latestVersionNumber: String,
    latestReleasedAt: String,
    registrationEventId: String,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'packages', minimize: false },
);

/** Created only from `marketplace.package-version.uploaded`; read-only for everyone. */
export interface PackageVersion {
  _id: string;
  packageId: string;
  versionName: string;
  versionNumber: string;
  beta: boolean;
  releasedAt: string;
}
const PackageVersionSchema = new Schema<PackageVersion>(
  { _id: String, packageId: String, versionName: String, versionNumber: String, beta: Boolean, releasedAt: String },
  { versionKey: false, collection: 'package_versions' },
);
PackageVersionSchema.index({ packageId: 1, releasedAt: -1 });

export type LicenseDoc = License & OutboxFields;
const LicenseSchema = new Schema<LicenseDoc>(
  {
    _id: String,
    licenseNumber: Number,
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
    createdFor: { sagaId: String, commandId: String },
    createdAt: Date,
    updatedAt: Date,
    ...outboxPaths,
  },
  { versionKey: false, collection: 'licenses', minimize: false },
);
LicenseSchema.index({ packageId: 1, subscriberOrgId: 1 }, { unique: true });
LicenseSchema.index({ licenseNumber: 1 });
LicenseSchema.index({ outboxAt: 1 }, { sparse: true });

/**
 * License numbers taken: `_id` is the number, `licenseId` (unique) who took it. Taking a number is
 * an insert, atomic on every MongoDB-compatible database, so two replicas can never take the same
 * one, and a retry finds the number it took before.
 */
export interface LicenseNumberClaim {
  _id: number;
  licenseId: string;
  claimedAt: Date;
}
const LicenseNumberClaimSchema = new Schema<LicenseNumberClaim>(
  { _id: Number, licenseId: String, claimedAt: Date },
  { versionKey: false, collection: 'license_numbers' },
);
LicenseNumberClaimSchema.index({ licenseId: 1 }, { unique: true });

export interface Models {
  Package: Model<Package>;
  PackageVersion: Model<PackageVersion>;
  License: Model<LicenseDoc>;
  LicenseNumberClaim: Model<LicenseNumberClaim>;
}

export function registerModels(db: Connection): void {
  db.model('Package', PackageSchema);
  db.model('PackageVersion', PackageVersionSchema);
  db.model('License', LicenseSchema);
  db.model('LicenseNumberClaim', LicenseNumberClaimSchema);
}

export const models = (db: Connection): Models => ({
  Package: db.model<Package>('Package'),
  PackageVersion: db.model<PackageVersion>('PackageVersion'),
  License: db.model<LicenseDoc>('License'),
  LicenseNumberClaim: db.model<LicenseNumberClaim>('LicenseNumberClaim'),
});
