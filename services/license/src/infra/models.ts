import { Schema, type Connection, type Model } from 'mongoose';
import { LICENSE_V1_STORED_PATHS } from '@lma/contracts';
import { storedPaths, type StoredFields } from '@lma/store';
import type { LicenseAuditEntry } from '../domain/audit';
import type { License } from '../domain/license';
import type { Package, PackageAuditEntry, PackageVersion } from '../domain/packages';
import type { SeatAssignment } from '../domain/seats';

export type { Package, PackageVersion, SeatAssignment };

/** Collections of documents inserted once each (store.claimKey) and never changed. */
export const ClaimCollection = {
  LicenseNumbers: 'license_numbers',
  LicenseAudit: 'license_audit',
  PackageAudit: 'package_audit',
} as const;

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
    revision: Number,
    lastAudit: Schema.Types.Mixed,
    ...storedPaths,
  },
  { versionKey: false, collection: 'packages', minimize: false },
);
PackageSchema.index({ packageName: 1, _id: 1 });

const PackageVersionSchema = new Schema<PackageVersion>(
  { _id: String, packageId: String, versionName: String, versionNumber: String, beta: Boolean, releasedAt: String, ...storedPaths },
  { versionKey: false, collection: 'package_versions' },
);
PackageVersionSchema.index({ packageId: 1, releasedAt: -1, _id: -1 });

export type LicenseDoc = License & StoredFields;
const LicenseSchema = new Schema<LicenseDoc>(
  {
    _id: String,
    licenseNumber: Number,
    ...LICENSE_V1_STORED_PATHS,
    createdFor: { sagaId: String, commandId: String },
    createdAt: Date,
    updatedAt: Date,
    orgLocked: Boolean,
    orgInfoCurrentAsOf: String,
    deletedAt: Date,
    presenceAt: String,
    versionAt: String,
    appliedEventIds: { type: [String], default: [] },
    everActive: Boolean,
    seatEpoch: Number,
    seatsAssigned: Number,
    seatSeq: Number,
    seatWrite: Schema.Types.Mixed,
    lastAudit: Schema.Types.Mixed,
    ...storedPaths,
  },
  { versionKey: false, collection: 'licenses', minimize: false },
);
LicenseSchema.index({ packageId: 1, subscriberOrgId: 1 }, { unique: true });
LicenseSchema.index({ subscriberOrgId: 1 });
LicenseSchema.index({ leadId: 1 });
LicenseSchema.index({ accountId: 1 });
LicenseSchema.index({ contactId: 1 });
LicenseSchema.index({ packageVersionId: 1 });
/** The sorts of GET /licenses (each then by _id, for keyset pagination); see api/licenses.ts. */
export const LICENSE_SORT_FIELDS = ['licenseName', 'expiresOn', 'installDate', 'updatedAt'] as const;
/**
 * Filters of GET /licenses that select many licenses get one index per sort; the selective ones
 * (an org, a lead, an account, a contact, a version) use their single-field index and the few
 * licenses they select are sorted in memory. expiringBefore is a range on expiresOn.
 */
const BROAD_FILTERS = ['packageId', 'status', 'sandbox'] as const;
for (const sort of LICENSE_SORT_FIELDS) {
  LicenseSchema.index({ [sort]: 1, _id: 1 });
  for (const f of BROAD_FILTERS) LicenseSchema.index({ [f]: 1, [sort]: 1, _id: 1 });
}

/** Seat records (domain/seats.ts): read by `_id`; listed (GET /licenses/{id}/seats) by license and epoch. */
const SeatAssignmentSchema = new Schema<SeatAssignment>(
  { _id: String, licenseId: String, userId: String, assigned: Boolean, changedAt: Date, epoch: Number, seq: Number, ...storedPaths },
  { versionKey: false, collection: 'seat_assignments' },
);
SeatAssignmentSchema.index({ licenseId: 1, epoch: 1, assigned: 1, _id: 1 });

/** License numbers taken (domain/sequence.ts): `_id` is the number, `licenseId` who took it; inserted once (store.claimKey), read by `_id`. */
export interface LicenseNumberClaim {
  _id: number;
  licenseId: string;
  claimedAt: Date;
}
const LicenseNumberClaimSchema = new Schema<LicenseNumberClaim>(
  { _id: Number, licenseId: String, claimedAt: Date },
  { versionKey: false, collection: ClaimCollection.LicenseNumbers },
);

/** License audit entries (domain/audit.ts): inserted once each (store.claimKey), listed by license. */
export type LicenseAudit = LicenseAuditEntry;
const LicenseAuditSchema = new Schema<LicenseAudit>(
  {
    _id: String,
    licenseId: String,
    revision: Number,
    at: Date,
    eventType: String,
    changedBy: String,
    reason: String,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
  },
  { versionKey: false, collection: ClaimCollection.LicenseAudit, minimize: false },
);
LicenseAuditSchema.index({ licenseId: 1, revision: -1 });

/** Package audit entries (domain/packages.ts): inserted once each (store.claimKey). */
export type PackageAudit = PackageAuditEntry;
const PackageAuditSchema = new Schema<PackageAudit>(
  { _id: String, packageId: String, revision: Number, at: Date, changedBy: String, reason: String, before: Schema.Types.Mixed, after: Schema.Types.Mixed },
  { versionKey: false, collection: ClaimCollection.PackageAudit, minimize: false },
);

/**
 * The models of the collections read by mongoose (pages of the API, the check read model, the
 * refresh pass). Every write goes through the store (infra/aggregates.ts).
 */
export interface Models {
  Package: Model<Package>;
  PackageVersion: Model<PackageVersion>;
  License: Model<LicenseDoc>;
  LicenseNumberClaim: Model<LicenseNumberClaim>;
  SeatAssignment: Model<SeatAssignment>;
  LicenseAudit: Model<LicenseAudit>;
  PackageAudit: Model<PackageAudit>;
}

export function registerModels(db: Connection): void {
  db.model('Package', PackageSchema);
  db.model('PackageVersion', PackageVersionSchema);
  db.model('License', LicenseSchema);
  db.model('LicenseNumberClaim', LicenseNumberClaimSchema);
  db.model('SeatAssignment', SeatAssignmentSchema);
  db.model('LicenseAudit', LicenseAuditSchema);
  db.model('PackageAudit', PackageAuditSchema);
}

export const models = (db: Connection): Models => ({
  Package: db.model<Package>('Package'),
  PackageVersion: db.model<PackageVersion>('PackageVersion'),
  License: db.model<LicenseDoc>('License'),
  LicenseNumberClaim: db.model<LicenseNumberClaim>('LicenseNumberClaim'),
  SeatAssignment: db.model<SeatAssignment>('SeatAssignment'),
  LicenseAudit: db.model<LicenseAudit>('LicenseAudit'),
  PackageAudit: db.model<PackageAudit>('PackageAudit'),
});
