import { Schema, type Connection, type Model } from 'mongoose';
import { LICENSE_V1_STORED_PATHS, type DefaultLicense } from '@lma/contracts';
import { outboxPaths, type OutboxFields } from '@lma/kafka';
import type { License } from '../domain/license';


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
  /** Changes of the default license values by hand (PATCH /packages/{packageId}); absent = 0. */
  revision?: number;
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
    revision: Number,
  },
  { versionKey: false, collection: 'packages', minimize: false },
);
PackageSchema.index({ packageName: 1, _id: 1 });

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
PackageVersionSchema.index({ packageId: 1, releasedAt: -1, _id: -1 });

export type LicenseDoc = License & OutboxFields;
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
    ...outboxPaths,
  },
  { versionKey: false, collection: 'licenses', minimize: false },
);
LicenseSchema.index({ packageId: 1, subscriberOrgId: 1 }, { unique: true });
LicenseSchema.index({ licenseNumber: 1 });
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

/**
 * Changes for a license that cannot apply yet: the license does not exist yet (an upgrade or seat
 * change before the onboarding saga created it) or is uninstalled and the change is newer than
 * the uninstall (the reinstall has not arrived yet). Applied and removed right after the license
 * is created or reinstalled. `_id` is `<licenseId>:<ce_id>`, so a redelivery stores nothing new.
 */
export interface PendingChange {
  _id: string;
  licenseId: string;
  kind: string;
  eventId: string;
  /** The change's own time (upgradedAt, changedAt...): pending changes apply in this order. */
  at: Date;
  /** JSON text of the event's data. */
  data: string;
  receivedAt: Date;
}
const PendingChangeSchema = new Schema<PendingChange>(
  { _id: String, licenseId: String, kind: String, eventId: String, at: Date, data: String, receivedAt: Date },
  { versionKey: false, collection: 'pending_changes' },
);
PendingChangeSchema.index({ licenseId: 1 });

/**
 * The latest changes of each subscriber org (`_id` is the org id, at most ORG_CHANGES_KEPT). An org
 * change applies to the licenses that exist; a license created or reinstalled later applies those
 * newer than its own org fields (an install parked for a while may be older than them).
 */
export interface OrgChangeLog {
  _id: string;
  changes: { eventId: string; at: Date; data: string }[];
}
const OrgChangeLogSchema = new Schema<OrgChangeLog>(
  { _id: String, changes: { type: [{ _id: false, eventId: String, at: Date, data: String }], default: [] } },
  { versionKey: false, collection: 'org_changes' },
);

/** Converted leads (`_id` is the lead id): a license created later for such a lead is linked at once. */
export interface LeadConversion {
  _id: string;
  eventId: string;
  accountId: string;
  contactId: string;
  convertedAt: string;
}
const LeadConversionSchema = new Schema<LeadConversion>(
  { _id: String, eventId: String, accountId: String, contactId: String, convertedAt: String },
  { versionKey: false, collection: 'lead_conversions' },
);

/**
 * Who uses a seat of a license, `_id` `<licenseId>:<userId>`. A revoke keeps the document with
 * `assigned: false` and its time, so a late or redelivered older assignment cannot bring it back.
 */
export interface SeatAssignment {
  _id: string;
  licenseId: string;
  userId: string;
  assigned: boolean;
  changedAt: Date;
}
const SeatAssignmentSchema = new Schema<SeatAssignment>(
  { _id: String, licenseId: String, userId: String, assigned: Boolean, changedAt: Date },
  { versionKey: false, collection: 'seat_assignments' },
);
SeatAssignmentSchema.index({ licenseId: 1, assigned: 1 });
SeatAssignmentSchema.index({ licenseId: 1, assigned: 1, userId: 1 });

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

/**
 * One entry per change of a license that published an event, `_id` `<licenseId>:<revision>`:
 * written just before the revision-guarded license update; readers show only entries whose
 * revision is at most the license's (see writeDecision).
 */
export interface LicenseAudit {
  _id: string;
  licenseId: string;
  revision: number;
  at: Date;
  eventType: string;
  changedBy: string;
  reason: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}
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
  { versionKey: false, collection: 'license_audit', minimize: false },
);
LicenseAuditSchema.index({ licenseId: 1, revision: -1 });

/** Changes of a package's default license values (PATCH /packages/{packageId}), `_id` `<packageId>:<revision>`. */
export interface PackageAudit {
  _id: string;
  packageId: string;
  revision: number;
  at: Date;
  changedBy: string;
  reason: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}
const PackageAuditSchema = new Schema<PackageAudit>(
  { _id: String, packageId: String, revision: Number, at: Date, changedBy: String, reason: String, before: Schema.Types.Mixed, after: Schema.Types.Mixed },
  { versionKey: false, collection: 'package_audit', minimize: false },
);
PackageAuditSchema.index({ packageId: 1, revision: -1 });

export interface Models {
  Package: Model<Package>;
  PackageVersion: Model<PackageVersion>;
  License: Model<LicenseDoc>;
  LicenseNumberClaim: Model<LicenseNumberClaim>;
  PendingChange: Model<PendingChange>;
  OrgChangeLog: Model<OrgChangeLog>;
  LeadConversion: Model<LeadConversion>;
  SeatAssignment: Model<SeatAssignment>;
  LicenseAudit: Model<LicenseAudit>;
  PackageAudit: Model<PackageAudit>;
}

export function registerModels(db: Connection): void {
  db.model('Package', PackageSchema);
  db.model('PackageVersion', PackageVersionSchema);
  db.model('License', LicenseSchema);
  db.model('LicenseNumberClaim', LicenseNumberClaimSchema);
  db.model('PendingChange', PendingChangeSchema);
  db.model('OrgChangeLog', OrgChangeLogSchema);
  db.model('LeadConversion', LeadConversionSchema);
  db.model('SeatAssignment', SeatAssignmentSchema);
  db.model('LicenseAudit', LicenseAuditSchema);
  db.model('PackageAudit', PackageAuditSchema);
}

export const models = (db: Connection): Models => ({
  Package: db.model<Package>('Package'),
  PackageVersion: db.model<PackageVersion>('PackageVersion'),
  License: db.model<LicenseDoc>('License'),
  LicenseNumberClaim: db.model<LicenseNumberClaim>('LicenseNumberClaim'),
  PendingChange: db.model<PendingChange>('PendingChange'),
  OrgChangeLog: db.model<OrgChangeLog>('OrgChangeLog'),
  LeadConversion: db.model<LeadConversion>('LeadConversion'),
  SeatAssignment: db.model<SeatAssignment>('SeatAssignment'),
  LicenseAudit: db.model<LicenseAudit>('LicenseAudit'),
  PackageAudit: db.model<PackageAudit>('PackageAudit'),
});
