import { Schema, type Connection, type Model } from 'mongoose';
import { LICENSE_V1_STORED_PATHS } from '@lma/contracts';
import { storedPaths, type Aggregates as StoreAggregates, type Store } from '@lma/store';
import type { Channel, DeliveryAttempt, InFlight, NotificationStatus, PendingDelivery } from '../domain/delivery';
import type { CalendarBucket, ExpiryDay, ScannerState } from '../domain/expiryCalendar';
import type { LicenseView } from '../domain/licenseState';
import type { Rule, RuleKind } from '../domain/rules';

export type { DeliveryAttempt, LicenseView, PendingDelivery };

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
    ...storedPaths,
  },
  { versionKey: false, collection: 'rules', minimize: false },
);
RuleSchema.index({ kind: 1, enabled: 1 });
RuleSchema.index({ packageId: 1, _id: 1 });

/** The read model of the licenses (domain/licenseState.ts), written through the store. */
const LicenseSchema = new Schema<LicenseView>(
  {
    _id: String,
    ...LICENSE_V1_STORED_PATHS,
    uninstalledSince: Number,
    suspendedSince: Number,
    updatedAt: Date,
    ...storedPaths,
  },
  { versionKey: false, collection: 'licenses', minimize: false },
);
// only the one-off filling of the expiry calendar reads by date (queries.ts)
LicenseSchema.index({ expiresOn: 1 });

/** The expiry calendar (domain/expiryCalendar.ts): per expiration day and bucket, the licenses expiring then. */
const CalendarBucketSchema = new Schema<CalendarBucket>(
  { _id: String, day: String, licenseIds: [String], ...storedPaths },
  { versionKey: false, collection: 'expiry_calendar', minimize: false },
);

/** Per expiration day, its buckets that list licenses and the rule stages the scanner raised for them. */
const ExpiryDaySchema = new Schema<ExpiryDay>({ _id: String, buckets: [Number], done: [String], ...storedPaths }, { versionKey: false, collection: 'expiry_days', minimize: false });

/** The scanner's shared state: one document (`_id` `scanner`). */
const ScannerSchema = new Schema<ScannerState>(
  { _id: String, window: Number, owner: String, startedAt: Date, calendarFrom: String, backfilled: Boolean, ...storedPaths },
  { versionKey: false, collection: 'scanner_state', minimize: false },
);

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

/**
 * One alert to one target (`email`: every address of the rule in one mail; `webhook:<id>`: one
 * endpoint). `_id` is derived from rule, occasion and target (notificationId) and it is inserted
 * once (the store's insertOnce): one notification per occasion however often it is raised. Its
 * delivery state changes through the store (domain/delivery.ts).
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
  /** The attempt a sender holds (with its lease), null between attempts. */
  inFlight: InFlight | null;
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
    inFlight: Schema.Types.Mixed,
    createdAt: Date,
    sortKey: String,
    occurredAt: Date,
    sentAt: Date,
    lastError: String,
    lastResponse: String,
    log: [Schema.Types.Mixed],
    resends: [Schema.Types.Mixed],
    ...storedPaths,
  },
  { versionKey: false, collection: 'notifications', minimize: false },
);
NotificationSchema.index({ sortKey: -1, _id: -1 });
NotificationSchema.index({ licenseId: 1, sortKey: -1, _id: -1 });
NotificationSchema.index({ packageId: 1, sortKey: -1, _id: -1 });
NotificationSchema.index({ ruleId: 1, sortKey: -1, _id: -1 });
NotificationSchema.index({ status: 1, sortKey: -1, _id: -1 });

/** The notifications awaiting delivery (domain/delivery.ts): what the deliverer reads. */
const PendingDeliverySchema = new Schema<PendingDelivery>(
  { _id: String, notificationId: String, round: Number, nextAttemptAt: Date, since: Date },
  { versionKey: false, collection: 'pending_deliveries' },
);
PendingDeliverySchema.index({ nextAttemptAt: 1 });

export interface Models {
  Rule: Model<Rule>;
  License: Model<LicenseView>;
  TeamMember: Model<TeamMemberView>;
  PackageRouting: Model<PackageRouting>;
  Lead: Model<LeadView>;
  Parked: Model<ParkedOnboarding>;
  Notification: Model<Notification>;
  PendingDelivery: Model<PendingDelivery>;
  CalendarBucket: Model<CalendarBucket>;
  ExpiryDay: Model<ExpiryDay>;
  Scanner: Model<ScannerState>;
}

const SCHEMAS = {
  Rule: RuleSchema,
  License: LicenseSchema,
  TeamMember: TeamMemberSchema,
  PackageRouting: PackageRoutingSchema,
  Lead: LeadSchema,
  Parked: ParkedSchema,
  Notification: NotificationSchema,
  PendingDelivery: PendingDeliverySchema,
  CalendarBucket: CalendarBucketSchema,
  ExpiryDay: ExpiryDaySchema,
  Scanner: ScannerSchema,
} as const;

export function registerModels(db: Connection): void {
  for (const [name, schema] of Object.entries(SCHEMAS)) db.model(name, schema as Schema);
}

export const models = (db: Connection): Models =>
  Object.fromEntries(Object.keys(SCHEMAS).map((name) => [name, db.model(name)])) as unknown as Models;

/** The documents written through the store (version-conditional writes, libs/store). */
export interface Aggregates {
  rules: StoreAggregates<Rule>;
  licenses: StoreAggregates<LicenseView>;
  notifications: StoreAggregates<Notification>;
  calendar: StoreAggregates<CalendarBucket>;
  days: StoreAggregates<ExpiryDay>;
  scanner: StoreAggregates<ScannerState>;
}

export const aggregatesOf = (store: Store, m: Models): Aggregates => ({
  rules: store.aggregates<Rule>(m.Rule),
  licenses: store.aggregates<LicenseView>(m.License),
  notifications: store.aggregates<Notification>(m.Notification),
  calendar: store.aggregates<CalendarBucket>(m.CalendarBucket),
  days: store.aggregates<ExpiryDay>(m.ExpiryDay),
  scanner: store.aggregates<ScannerState>(m.Scanner),
});
