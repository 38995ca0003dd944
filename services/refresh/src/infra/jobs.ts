import { randomUUID } from 'node:crypto';
import { MarketplaceEventType, eventOf, type SnapshotRequestedV1, type TraceContext } from '@lma/contracts';
import { ConflictError, LmaError, RetryableError } from '@lma/core';
import type { Store } from '@lma/store';
import { decideRefresh, jobIdFor, recordJob, unusedGrantIds, type PackageRefreshes } from '../domain/allowance';
import { emptyProgress, emptySummary, type JobKind, type RefreshJob } from '../domain/job';
import { RETRY_CLAIMS, type Aggregates, type Models } from './models';

/** 429 with `Retry-After` and the time the package's next refresh is available. */
export class RefreshRefusedError extends LmaError {
  constructor(retryAfterSeconds: number, nextAvailableAt: Date) {
    super('rate_limited', `This package was refreshed less than 7 days ago; the next refresh is available at ${nextAvailableAt.toISOString()}`, {
      problem: 'refresh-allowance-used',
      extra: { retryAfterSeconds, nextAvailableAt: nextAvailableAt.toISOString() },
    });
  }
}

export interface JobDeps {
  models: Models;
  store: Store;
  aggregates: Aggregates;
}

const ATTEMPTS = 50;

function newJob(packageId: string, seq: number, kind: JobKind, extra: Pick<RefreshJob, 'grantId' | 'retryOf' | 'requestedBy'>, now: Date): RefreshJob {
  return {
    _id: jobIdFor(packageId, seq),
    packageId,
    seq,
    kind,
    ...extra,
    retriedBy: null,
    acceptedAt: now,
    state: 'requested',
    lastProgressAt: now,
    finishedAt: null,
    progress: emptyProgress(),
    summary: emptySummary(),
    failures: [],
    missingUpstreamLicenses: [],
    incomplete: null,
  };
}

/** The snapshot request a new job publishes (written with it): the job id is the request id. */
const snapshotRequested = (job: RefreshJob, trace: TraceContext) =>
  eventOf(MarketplaceEventType.SnapshotRequested, { requestId: job._id, packageId: job.packageId } satisfies SnapshotRequestedV1, {
    id: `${job._id}:snapshot-requested`,
    key: job.packageId,
    time: job.acceptedAt,
    ...trace,
  });

/**
 * The package's record with every job that exists recorded: a request that inserted its job and
 * stopped before recording it (or jobs from before the record existed) are caught up here, by
 * reading the next job number by `_id` until there is none.
 */
export async function packageRecord(deps: JobDeps, packageId: string): Promise<PackageRefreshes | null> {
  const { jobs, packages } = deps.aggregates;
  let record = await packages.get(packageId);
  for (;;) {
    const next = await jobs.get(jobIdFor(packageId, (record?.lastSeq ?? 0) + 1));
    if (!next) return record;
    record = (await packages.update(packageId, (p) => {
      const recorded = recordJob(p, next);
      return recorded && { state: recorded };
    })).state;
  }
}

/**
 * Inserts the job with its snapshot request (filed as in flight first, for the sweeper) and
 * records it in its package's record; false when another request took its number first.
 */
async function insertJob(deps: JobDeps, job: RefreshJob, trace: TraceContext): Promise<boolean> {
  await deps.store.claimKey(deps.models.JobInFlight.collection.collectionName, { _id: job._id, since: job.acceptedAt });
  if (!(await deps.aggregates.jobs.insertOnce(job, [snapshotRequested(job, trace)]))) return false;
  await deps.aggregates.packages.update(job.packageId, (p) => {
    const recorded = recordJob(p, job);
    return recorded && { state: recorded };
  });
  return true;
}

/**
 * Accepts a refresh request when the allowance allows it (domain/allowance.ts), atomically on any
 * number of replicas: the decision is made on the package's record of jobs 1..n and written as
 * the insert of job n + 1 (a unique `_id`), so of two requests deciding on the same record only
 * one is accepted; the other decides again on the record with that job in it (and is refused, or
 * takes the next grant). A grant is used by the job that names it: the record marks it used.
 */
export async function acceptRefresh(deps: JobDeps, packageId: string, requestedBy: string, now: Date, trace: TraceContext): Promise<RefreshJob> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const record = await packageRecord(deps, packageId);
    const d = decideRefresh(record?.lastWeeklyAcceptedAt ?? null, unusedGrantIds(record), now);
    if (d.kind === 'refused') throw new RefreshRefusedError(d.retryAfterSeconds, d.nextAvailableAt);
    const job = newJob(packageId, (record?.lastSeq ?? 0) + 1, d.kind, { grantId: d.kind === 'grant' ? d.grantId : null, retryOf: null, requestedBy }, now);
    if (await insertJob(deps, job, trace)) return job;
  }
  throw new RetryableError(`too many concurrent refresh requests for package ${packageId}`);
}

/**
 * Runs an incomplete job again as a new job (kind `retry`) that uses no allowance; each incomplete
 * job can be retried once (its claim is a unique key).
 */
export async function acceptRetry(deps: JobDeps, jobId: string, requestedBy: string, now: Date, trace: TraceContext): Promise<RefreshJob | null> {
  const of = await deps.aggregates.jobs.get(jobId);
  if (!of) return null;
  if (of.state !== 'incomplete') throw new ConflictError('refresh-not-retryable', `Only an incomplete refresh can be retried; ${jobId} is ${of.state}`);
  if (!(await deps.store.claimKey(RETRY_CLAIMS, { _id: `retry:${jobId}`, claimedAt: now, holder: randomUUID() }))) {
    throw new ConflictError('refresh-not-retryable', `${jobId} has been retried already${of.retriedBy ? ` (${of.retriedBy})` : ''}`);
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const record = await packageRecord(deps, of.packageId);
    const job = newJob(of.packageId, (record?.lastSeq ?? 0) + 1, 'retry', { grantId: null, retryOf: jobId, requestedBy }, now);
    if (!(await insertJob(deps, job, trace))) continue;
    await deps.aggregates.jobs.update(jobId, (j) => (j && !j.retriedBy ? { state: { ...j, retriedBy: job._id } } : null));
    return job;
  }
  throw new RetryableError(`too many concurrent refresh requests for package ${of.packageId}`);
}
