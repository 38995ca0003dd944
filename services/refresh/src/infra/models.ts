import { Schema, type Connection, type Model } from 'mongoose';
import { storedPaths, type Aggregates as StoreAggregates, type Store } from '@lma/store';
import type { PackageRefreshes, RefreshGrant } from '../domain/allowance';
import type { RefreshJob, RefreshPage } from '../domain/job';

export type { PackageRefreshes, RefreshGrant, RefreshJob, RefreshPage };

/** The jobs (domain/job.ts), written through the store with their events. */
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
    progress: Schema.Types.Mixed,
    summary: Schema.Types.Mixed,
    failures: [Schema.Types.Mixed],
    missingUpstreamLicenses: [Schema.Types.Mixed],
    incomplete: Schema.Types.Mixed,
    ...storedPaths,
  },
  { versionKey: false, collection: 'refresh_jobs', minimize: false },
);

/** The snapshot pages of the jobs (domain/job.ts), written through the store with their commands. */
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
    ...storedPaths,
  },
  { versionKey: false, collection: 'refresh_pages', minimize: false },
);

/** Per package, what its allowance is decided on: its jobs as numbered, the last weekly one, its grants (domain/allowance.ts). */
const PackageRefreshesSchema = new Schema<PackageRefreshes>(
  { _id: String, lastSeq: Number, lastWeeklyAcceptedAt: Date, grants: [Schema.Types.Mixed], ...storedPaths },
  { versionKey: false, collection: 'refresh_packages', minimize: false },
);

/**
 * The jobs in flight (`_id` the job id): filed before the job is inserted, removed once it ended.
 * The sweeper reads these, never the history of jobs.
 */
export interface JobInFlight {
  _id: string;
  since: Date;
}
const JobInFlightSchema = new Schema<JobInFlight>({ _id: String, since: Date }, { versionKey: false, collection: 'refresh_jobs_in_flight' });
JobInFlightSchema.index({ since: 1 });

/** Single-use claims (`retry:<jobId>`, store.claimKey): an incomplete job is retried at most once, whatever the number of replicas. */
export const RETRY_CLAIMS = 'refresh_claims';

export interface Models {
  RefreshJob: Model<RefreshJob>;
  RefreshPage: Model<RefreshPage>;
  PackageRefreshes: Model<PackageRefreshes>;
  JobInFlight: Model<JobInFlight>;
}

export function registerModels(db: Connection): void {
  db.model('RefreshJob', RefreshJobSchema);
  db.model('RefreshPage', RefreshPageSchema);
  db.model('PackageRefreshes', PackageRefreshesSchema);
  db.model('JobInFlight', JobInFlightSchema);
}

export const models = (db: Connection): Models => ({
  RefreshJob: db.model<RefreshJob>('RefreshJob'),
  RefreshPage: db.model<RefreshPage>('RefreshPage'),
  PackageRefreshes: db.model<PackageRefreshes>('PackageRefreshes'),
  JobInFlight: db.model<JobInFlight>('JobInFlight'),
});

/** The documents written through the store (version-conditional writes, libs/store). */
export interface Aggregates {
  jobs: StoreAggregates<RefreshJob>;
  pages: StoreAggregates<RefreshPage>;
  packages: StoreAggregates<PackageRefreshes>;
}

export const aggregatesOf = (store: Store, m: Models): Aggregates => ({
  jobs: store.aggregates<RefreshJob>(m.RefreshJob),
  pages: store.aggregates<RefreshPage>(m.RefreshPage),
  packages: store.aggregates<PackageRefreshes>(m.PackageRefreshes),
});
