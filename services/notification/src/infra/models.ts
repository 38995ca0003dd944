import { Schema, type Connection, type Model } from 'mongoose';
import { LICENSE_V1_STORED_PATHS, type LicenseV1 } from '@lma/contracts';
import type { Channel, NotificationStatus } from '../domain/delivery';
import type { Rule, RuleKind } from '../domain/rules';

const RuleSchema = new Schema<Rule>(
  {
    _id: String,
    name: String,
    kind: String,
    packageId: String,
    enabled: Boolean,
    stages: [Number],
    parkedMinutes: Number,
    recipients: Schema.Types.Mixed,
    subject: String,
    body: String,
    revision: Number,
    createdAt: Date,
    createdBy: String,
    updatedAt: Date,
    updatedBy: String,
    deletedAt: Date,
    deletedBy: String,
  },
  { versionKey: false, collection: 'rules', minimize: false },
);
RuleSchema.index({ kind: 1, enabled: 1 });
RuleSchema.index({ packageId: 1, _id: 1 });

/**
 * The read model of one license, from `lma.license.events` (whole license per event, kept only
 * when its revision is newer). `uninstalledSince` / `suspendedSince`: the revision at which the
 * current uninstall / suspension began, the occasion key of its alert (the same on a redelivery,
 * a new one after a reinstall or reactivation).
 */
export type LicenseView = Omit<LicenseV1, 'licenseId' | 'changedBy' | 'reason'> & {
  _id: string;
  uninstalledSince: number | null;
  suspendedSince: number | null;
  updatedAt: Date;
};
const LicenseSchema = new Schema<LicenseView>(
  {
    _id: String,
    ...LICENSE_V1_STORED_PATHS,
    uninstalledSince: Number,
    suspendedSince: Number,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'licenses', minimize: false },
);
LicenseSchema.index({ expiresOn: 1 });

/** The team directory, from `lma.lead.team-member-changed`. */
export interface TeamMemberView {
  _id: string;
  active: boolean;
  name: string | null;
  email: string | null;
  roles: string[];
  updatedAt: Date;
}
const TeamMemberSchema = new Schema<TeamMemberView>(
  { _id: String, active: Boolean, name: String, email: String, roles: [String], updatedAt: Date },
  { versionKey: false, collection: 'team_members', minimize: false },
);
TeamMemberSchema.index({ roles: 1, active: 1 });

/** A package's lead manager, from `lma.lead.routing-changed`. */
export interface PackageRouting {
  _id: string;
  leadManagerId: string | null;
}
const PackageRoutingSchema = new Schema<PackageRouting>({ _id: String, leadManagerId: String }, { versionKey: false, collection: 'package_routing' });

/** Leads, from `lma.lead.created`: their company fills the `company` field of license alerts. */
export interface LeadView {
  _id: string;
  company: string;
  ownerId: string;
}
const LeadSchema = new Schema<LeadView>({ _id: String, company: String, ownerId: String }, { versionKey: false, collection: 'leads' });

/** A parked onboarding (deleted when it goes on), for "parked longer than" alerts. */
export interface ParkedOnboarding {
  _id: string;
  packageId: string;
  subscriberOrgId: string;
  reason: string;
  detail: string;
  parkedSince: Date;
}
const ParkedSchema = new Schema<ParkedOnboarding>(
  { _id: String, packageId: String, subscriberOrgId: String, reason: String, detail: String, parkedSince: Date },
  { versionKey: false, collection: 'parked_onboardings' },
);
ParkedSchema.index({ parkedSince: 1 });

export interface DeliveryAttempt {
  round: number;
  attempt: number;
  at: Date;
  outcome: 'sent' | 'failed' | 'abandoned';
  durationMs: number;
  response: string | null;
  error: string | null;
}

/**
 * One alert to one target (`email`: every address of the rule in one mail; `webhook:<id>`: one
 * endpoint). `_id` is derived from rule, occasion and target (notificationId), so inserting it
 * twice is a duplicate key: one notification per occasion however often it is raised.
 */
export interface Notification {
  _id: string;
  ruleId: string;
  ruleName: string;
  kind: RuleKind;
  occasion: string;
  target: string;
  channel: Channel;
  licenseId: string | null;
  packageId: string | null;
  subscriberOrgId: string | null;
  leadId: string | null;
  sagaId: string | null;
  subject: string;
  body: string;
  /** Email: the addresses; webhook: the endpoint URL. */
  to: string[];
  /** Recipients of the rule that resolved to no address (inactive, no email known, no lead manager). */
  unresolved: string[];
  webhookId: string | null;
  payload: Record<string, unknown>;
  status: NotificationStatus;
  /** 0 for the automatic delivery; +1 per manual resend. */
  round: number;
  /** Attempts made in the current round. */
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  /** createdAt as an ISO string: the history's keyset sort (newest first). */
  sortKey: string;
  occurredAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  lastResponse: string | null;
  log: DeliveryAttempt[];
  resends: { by: string; at: Date }[];
}
const NotificationSchema = new Schema<Notification>(
  {
    _id: String,
    ruleId: String,
    ruleName: String,
    kind: String,
    occasion: String,
    target: String,
    channel: String,
    licenseId: String,
    packageId: String,
    subscriberOrgId: String,
    leadId: String,
    sagaId: String,
    subject: String,
    body: String,
    to: [String],
    unresolved: [String],
    webhookId: String,
    payload: Schema.Types.Mixed,
    status: String,
    round: Number,
    attempts: Number,
    nextAttemptAt: Date,
    createdAt: Date,
    sortKey: String,
    occurredAt: Date,
    sentAt: Date,
    lastError: String,
    lastResponse: String,
    log: [Schema.Types.Mixed],
    resends: [Schema.Types.Mixed],
  },
  { versionKey: false, collection: 'notifications', minimize: false },
);
NotificationSchema.index({ status: 1, nextAttemptAt: 1 });
NotificationSchema.index({ sortKey: -1, _id: -1 });
NotificationSchema.index({ licenseId: 1, sortKey: -1, _id: -1 });
NotificationSchema.index({ packageId: 1, sortKey: -1, _id: -1 });
NotificationSchema.index({ ruleId: 1, sortKey: -1, _id: -1 });
NotificationSchema.index({ status: 1, sortKey: -1, _id: -1 });

/** The claim of one delivery attempt (see claimId): inserted before sending, never updated. */
export interface DeliveryClaim {
  _id: string;
  notificationId: string;
  claimedAt: Date;
  owner: string;
}
const ClaimSchema = new Schema<DeliveryClaim>({ _id: String, notificationId: String, claimedAt: Date, owner: String }, { versionKey: false, collection: 'delivery_claims' });

/** One scheduler window (`_id` `scan:<window start>`): the replica that inserts it runs that scan. */
export interface ScanLease {
  _id: string;
  owner: string;
  startedAt: Date;
}
const ScanSchema = new Schema<ScanLease>({ _id: String, owner: String, startedAt: Date }, { versionKey: false, collection: 'scan_leases' });

export interface Models {
  Rule: Model<Rule>;
  License: Model<LicenseView>;
  TeamMember: Model<TeamMemberView>;
  PackageRouting: Model<PackageRouting>;
  Lead: Model<LeadView>;
  Parked: Model<ParkedOnboarding>;
  Notification: Model<Notification>;
  Claim: Model<DeliveryClaim>;
  Scan: Model<ScanLease>;
}

const SCHEMAS = {
  Rule: RuleSchema,
  License: LicenseSchema,
  TeamMember: TeamMemberSchema,
  PackageRouting: PackageRoutingSchema,
  Lead: LeadSchema,
  Parked: ParkedSchema,
  Notification: NotificationSchema,
  Claim: ClaimSchema,
  Scan: ScanSchema,
} as const;

export function registerModels(db: Connection): void {
  for (const [name, schema] of Object.entries(SCHEMAS)) db.model(name, schema as Schema);
}

export const models = (db: Connection): Models =>
  Object.fromEntries(Object.keys(SCHEMAS).map((name) => [name, db.model(name)])) as unknown as Models;
