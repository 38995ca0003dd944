import { Schema, type Connection, type Model } from 'mongoose';
import { LICENSE_V1_STORED_PATHS } from '@lma/contracts';
import { storedPaths, type StoredFields } from '@lma/store';
import type { AuditEntry } from '../domain/audit';
import type { Account, Contact, Lead } from '../domain/lead';
import type { LicenseCopy } from '../domain/licenses';
import type { PackageSettings, TeamMember } from '../domain/team';

/*
 * Every aggregate is written through the store (infra/aggregates.ts), by `_id`; these schemas
 * serve the reads of the API's list pages (infra/queries.ts declares them with their indexes).
 * The email of a team member, the open lead of an email and company, the contacts of an email
 * and the licenses of a lead, account or contact are key documents, not indexes. Contacts,
 * accounts and license copies never publish events and their schemas leave out the store's
 * fields (list pages project them away, HIDDEN), so that nothing scans them for an outbox.
 */

export type TeamMemberDoc = TeamMember & StoredFields;
const TeamMemberSchema = new Schema<TeamMemberDoc>(
  { _id: String, name: String, email: String, active: Boolean, roles: [String], permissions: { type: [String], default: undefined }, revision: Number, createdAt: Date, updatedAt: Date, ...storedPaths },
  { versionKey: false, collection: 'team_members', minimize: false },
);
TeamMemberSchema.index({ active: 1, _id: 1 });
TeamMemberSchema.index({ roles: 1, _id: 1 });

export type PackageSettingsDoc = PackageSettings & StoredFields;
const PackageSettingsSchema = new Schema<PackageSettingsDoc>(
  { _id: String, leadManagerId: String, contactMatching: Boolean, revision: Number, updatedAt: Date, updatedBy: String, ...storedPaths },
  { versionKey: false, collection: 'package_settings', minimize: false },
);

export type LeadDoc = Lead & StoredFields;
const LeadSchema = new Schema<LeadDoc>(
  {
    _id: String,
    firstName: String,
    lastName: String,
    company: String,
    email: String,
    phone: String,
    country: String,
    state: String,
    leadSource: String,
    ownerId: String,
    status: String,
    packageId: String,
    subscriberOrgId: String,
    orgName: String,
    createdBySagaId: String,
    openKey: String,
    convertedAccountId: String,
    convertedContactId: String,
    convertedAt: Date,
    withdrawnAt: Date,
    withdrawnReason: String,
    createdAt: Date,
    updatedAt: Date,
    ...storedPaths,
  },
  { versionKey: false, collection: 'leads', minimize: false },
);
// list filters, each with the creation-time keyset order (createdAt, _id)
LeadSchema.index({ createdAt: 1, _id: 1 });
LeadSchema.index({ leadSource: 1, createdAt: 1, _id: 1 });
LeadSchema.index({ status: 1, createdAt: 1, _id: 1 });
LeadSchema.index({ ownerId: 1, createdAt: 1, _id: 1 });
LeadSchema.index({ packageId: 1, createdAt: 1, _id: 1 });
LeadSchema.index({ subscriberOrgId: 1, createdAt: 1, _id: 1 });

const ContactSchema = new Schema<Contact>(
  { _id: String, firstName: String, lastName: String, email: String, phone: String, country: String, state: String, accountId: String, ownerId: String, leadId: String, createdAt: Date },
  { versionKey: false, collection: 'contacts', minimize: false },
);
ContactSchema.index({ createdAt: 1, _id: 1 });
ContactSchema.index({ email: 1, createdAt: 1, _id: 1 });
ContactSchema.index({ accountId: 1, createdAt: 1, _id: 1 });
ContactSchema.index({ ownerId: 1, createdAt: 1, _id: 1 });

const AccountSchema = new Schema<Account>({ _id: String, name: String, ownerId: String, createdAt: Date }, { versionKey: false, collection: 'accounts' });
AccountSchema.index({ createdAt: 1, _id: 1 });
AccountSchema.index({ ownerId: 1, createdAt: 1, _id: 1 });
AccountSchema.index({ name: 1, createdAt: 1, _id: 1 });

/** The license fields the lead service shows with its leads, accounts and contacts, typed as the license service stores them. */
const { licenseName, packageId, subscriberOrgId, status, seats, expiresOn, leadId, accountId, contactId, revision } = LICENSE_V1_STORED_PATHS;
const licenseCopyPaths = { licenseName, packageId, subscriberOrgId, status, seats, expiresOn, leadId, accountId, contactId, revision };

/** Read model of the license service's licenses (from lma.license.events), read by `_id` only (the license links list them per owner). */
const LicenseCopySchema = new Schema<LicenseCopy>(
  {
    _id: String,
    ...licenseCopyPaths,
    deleted: Boolean,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'licenses', minimize: false },
);

const AuditEntrySchema = new Schema<AuditEntry>(
  {
    _id: String,
    resourceType: String,
    resourceId: String,
    action: String,
    actor: String,
    at: Date,
    revision: Number,
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed },
  },
  { versionKey: false, collection: 'audit_entries', minimize: false },
);
AuditEntrySchema.index({ resourceType: 1, resourceId: 1, at: 1, _id: 1 });

export interface Models {
  TeamMember: Model<TeamMemberDoc>;
  PackageSettings: Model<PackageSettingsDoc>;
  Lead: Model<LeadDoc>;
  Contact: Model<Contact>;
  Account: Model<Account>;
  License: Model<LicenseCopy>;
  AuditEntry: Model<AuditEntry>;
}

export function registerModels(db: Connection): void {
  db.model('TeamMember', TeamMemberSchema);
  db.model('PackageSettings', PackageSettingsSchema);
  db.model('Lead', LeadSchema);
  db.model('Contact', ContactSchema);
  db.model('Account', AccountSchema);
  db.model('License', LicenseCopySchema);
  db.model('AuditEntry', AuditEntrySchema);
}

export const models = (db: Connection): Models => ({
  TeamMember: db.model<TeamMemberDoc>('TeamMember'),
  PackageSettings: db.model<PackageSettingsDoc>('PackageSettings'),
  Lead: db.model<LeadDoc>('Lead'),
  Contact: db.model<Contact>('Contact'),
  Account: db.model<Account>('Account'),
  License: db.model<LicenseCopy>('License'),
  AuditEntry: db.model<AuditEntry>('AuditEntry'),
});
