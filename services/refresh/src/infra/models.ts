import { Schema, type Connection, type Model } from 'mongoose';
import { outboxPaths, type OutboxFields } from '@lma/kafka';
import type { JobKind, JobState, PageCounts, PageState, Summary } from '../domain/job';

/**
 * A refresh job, `_id` `rj_<packageId>_<seq>`: `seq` numbers the package's jobs. Accepting a
 * refresh is inserting the next `seq` (a unique `_id`), so two replicas deciding at once on the
 * same history get one success and one duplicate key, and the loser decides again on the new
 * history. Its embedded outbox carries the snapshot request, then the unseen-licenses command.
 */
export interface RefreshJob extends OutboxFields {
  _id: string;
  packageId: string;
  seq: number;
  kind: JobKind;
  grantId: string | null;
  retryOf: string | null;
  retriedBy: string | null;
  requestedBy: string;
  acceptedAt: Date;
  state: JobState;
  lastProgressAt: Date;
  finishedAt: Date | null;
  /** Set when the job ends (computed from its pages while it runs). */
  summary: Summary | null;
  missingUpstreamLicenses: { licenseId: string; licenseName: string | null; subscriberOrgId: string }[];
  incomplete: { reason: string; missingPages: number[] } | null;
}
const RefreshJobSchema = new Schema<RefreshJob>(
  {
    _id: String,
    packageId: String,
    seq: Number,
    kind: String,
    grantId: String,
    retryOf: String,
    retriedBy: String,
    requestedBy: String,
    acceptedAt: Date,
    state: String,
    lastProgressAt: Date,
    finishedAt: Date,
    summary: Schema.Types.Mixed,
    missingUpstreamLicenses: [Schema.Types.Mixed],
    incomplete: Schema.Types.Mixed,
    ...outboxPaths,
  },
  { versionKey: false, collection: 'refresh_jobs', minimize: false },
);
RefreshJobSchema.index({ packageId: 1, seq: -1 });
RefreshJobSchema.index({ packageId: 1, kind: 1, acceptedAt: -1 });
RefreshJobSchema.index({ state: 1, lastProgressAt: 1 });

/**
 * One snapshot page of a job, `_id` `<jobId>:<page>`: inserting it is the de-duplication of
 * redelivered and duplicated pages. It holds the page's counts (never its installations) and, in
 * its outbox, the commands that reconcile it.
 */
export interface RefreshPage extends OutboxFields {
  _id: string;
  jobId: string;
  page: number;
  lastPage: boolean;
  installations: number;
  state: PageState;
  receivedAt: Date;
  counts: PageCounts;
  failures: { subscriberOrgId: string; reason: string }[];
}
const RefreshPageSchema = new Schema<RefreshPage>(
  {
    _id: String,
    jobId: String,
    page: Number,
    lastPage: Boolean,
    installations: Number,
    state: String,
    receivedAt: Date,
    counts: Schema.Types.Mixed,
    failures: [Schema.Types.Mixed],
    ...outboxPaths,
  },
  { versionKey: false, collection: 'refresh_pages', minimize: false },
);
RefreshPageSchema.index({ jobId: 1, page: 1 });

/** An administrator's extra refresh for a package: who, when, why, and the job that used it. */
export interface RefreshGrant {
  _id: string;
  packageId: string;
  grantedBy: string;
  grantedAt: Date;
  reason: string;
  usedByJobId: string | null;
  usedAt: Date | null;
}
const RefreshGrantSchema = new Schema<RefreshGrant>(
  { _id: String, packageId: String, grantedBy: String, grantedAt: Date, reason: String, usedByJobId: String, usedAt: Date },
  { versionKey: false, collection: 'refresh_grants', minimize: false },
);
RefreshGrantSchema.index({ packageId: 1, grantedAt: -1 });

/**
 * Single-use claims, `_id` `grant:<grantId>` or `retry:<jobId>`: a grant is used, and an incomplete
 * job retried, at most once, whatever the number of replicas (the insert is the claim).
 */
export interface RefreshClaim {
  _id: string;
  claimedAt: Date;
  /** Who holds it: the request that made it (and, once accepted, its job). */
  holder: string;
  jobId: string | null;
}
const RefreshClaimSchema = new Schema<RefreshClaim>(
  { _id: String, claimedAt: Date, holder: String, jobId: String },
  { versionKey: false, collection: 'refresh_claims', minimize: false },
);

export interface Models {
  RefreshJob: Model<RefreshJob>;
  RefreshPage: Model<RefreshPage>;
  RefreshGrant: Model<RefreshGrant>;
  RefreshClaim: Model<RefreshClaim>;
}

export function registerModels(db: Connection): void {
  db.model('RefreshJob', RefreshJobSchema);
  db.model('RefreshPage', RefreshPageSchema);
  db.model('RefreshGrant', RefreshGrantSchema);
  db.model('RefreshClaim', RefreshClaimSchema);
}

export const models = (db: Connection): Models => ({
  RefreshJob: db.model<RefreshJob>('RefreshJob'),
  RefreshPage: db.model<RefreshPage>('RefreshPage'),
  RefreshGrant: db.model<RefreshGrant>('RefreshGrant'),
  RefreshClaim: db.model<RefreshClaim>('RefreshClaim'),
});
