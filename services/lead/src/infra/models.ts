import { Schema, type Connection, type Model } from 'mongoose';
import { outboxPaths, type OutboxFields } from '@lma/kafka';
import type { Account, Contact, Lead } from '../domain/lead';
import type { PackageSettings, TeamMember } from '../domain/team';


export type TeamMemberDoc = TeamMember & OutboxFields;
const TeamMemberSchema = new Schema<TeamMemberDoc>(
  { _id: String, name: String, email: String, active: Boolean, roles: [String], revision: Number, createdAt: Date, updatedAt: Date, ...outboxPaths },
  { versionKey: false, collection: 'team_members', minimize: false },
);
TeamMemberSchema.index({ email: 1 }, { unique: true });
TeamMemberSchema.index({ active: 1, _id: 1 });
TeamMemberSchema.index({ roles: 1, _id: 1 });

export type PackageSettingsDoc = PackageSettings & OutboxFields;
const PackageSettingsSchema = new Schema<PackageSettingsDoc>(
  { _id: String, leadManagerId: String, contactMatching: Boolean, revision: Number, updatedAt: Date, updatedBy: String, ...outboxPaths },
  { versionKey: false, collection: 'package_settings', minimize: false },
);
PackageSettingsSchema.index({ leadManagerId: 1 });

export type LeadDoc = Lead & OutboxFields;
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
    ...outboxPaths,
  },
  { versionKey: false, collection: 'leads', minimize: false },
);
// one Open lead per email and company, across replicas (see Lead.openKey)
LeadSchema.index({ openKey: 1 }, { unique: true });
LeadSchema.index({ email: 1, company: 1, status: 1 });
LeadSchema.index({ status: 1, _id: 1 });
LeadSchema.index({ leadSource: 1, status: 1, _id: 1 });

const ContactSchema = new Schema<Contact>(
  { _id: String, firstName: String, lastName: String, email: String, phone: String, country: String, state: String, accountId: String, ownerId: String, leadId: String, createdAt: Date },
  { versionKey: false, collection: 'contacts', minimize: false },
);
ContactSchema.index({ email: 1, _id: 1 });
ContactSchema.index({ accountId: 1, _id: 1 });

const AccountSchema = new Schema<Account>({ _id: String, name: String, ownerId: String, createdAt: Date }, { versionKey: false, collection: 'accounts' });

export interface Models {
  TeamMember: Model<TeamMemberDoc>;
  PackageSettings: Model<PackageSettingsDoc>;
  Lead: Model<LeadDoc>;
  Contact: Model<Contact>;
  Account: Model<Account>;
}

export function registerModels(db: Connection): void {
  db.model('TeamMember', TeamMemberSchema);
  db.model('PackageSettings', PackageSettingsSchema);
  db.model('Lead', LeadSchema);
  db.model('Contact', ContactSchema);
  db.model('Account', AccountSchema);
}

export const models = (db: Connection): Models => ({
  TeamMember: db.model<TeamMemberDoc>('TeamMember'),
  PackageSettings: db.model<PackageSettingsDoc>('PackageSettings'),
  Lead: db.model<LeadDoc>('Lead'),
  Contact: db.model<Contact>('Contact'),
  Account: db.model<Account>('Account'),
});
