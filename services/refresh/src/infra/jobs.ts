import { randomUUID } from 'node:crypto';
import {
  MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC,
  MarketplaceEventType,
  RefreshSource,
  type SnapshotRequestedV1,
  type TraceContext,
} from '@lma/contracts';
import { ConflictError, LmaError, RetryableError, isDuplicateKey } from '@lma/core';
import { outboxOnInsert } from '@lma/kafka';
import { decideRefresh, jobIdFor } from '../domain/allowance';
import type { JobKind } from '../domain/job';
import type { Models, RefreshJob } from './models';

/** 429 with `Retry-After` and the time the package's next refresh is available. */
export class RefreshRefusedError extends LmaError {
  constructor(retryAfterSeconds: number, nextAvailableAt: Date) {
    super('rate_limited', `This package was refreshed less than 7 days ago; the next refresh is available at ${nextAvailableAt.toISOString()}`, {
      extra: { retryAfterSeconds, nextAvailableAt: nextAvailableAt.toISOString() },
    });
  }
}

export interface JobDeps {
  models: Models;
  kick: () => void;
}

const ATTEMPTS = 50;

/** The snapshot request a new job publishes (through its outbox): the job id is the request id. */
function newJob(packageId: string, seq: number, kind: JobKind, extra: Pick<RefreshJob, 'grantId' | 'retryOf' | 'requestedBy'>, now: Date, trace: TraceContext): RefreshJob {
  const _id = jobIdFor(packageId, seq);
  return {
    _id,
    packageId,
    seq,
    kind,
    ...extra,
    retriedBy: null,
    acceptedAt: now,
    state: 'requested',
    lastProgressAt: now,
    finishedAt: null,
    summary: null,
    missingUpstreamLicenses: [],
    incomplete: null,
    ...outboxOnInsert(
      [
        {
          topic: MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC,
          id: `${_id}:snapshot-requested`,
          source: RefreshSource,
          type: MarketplaceEventType.SnapshotRequested,
          time: now.toISOString(),
          key: packageId,
          data: { requestId: _id, packageId } satisfies SnapshotRequestedV1,
          ...trace,
        },
      ],
      now,
    ),
  };
}

/** The number the package's next job takes (read before any decision made on the history). */
const nextSeq = async (m: Models, packageId: string): Promise<number> =>
  ((await m.RefreshJob.findOne({ packageId }, { seq: 1 }).sort({ seq: -1 }).lean())?.seq ?? 0) + 1;

/** Inserts a job; null when another request took its number first. */
async function insertJob(m: Models, j: RefreshJob): Promise<RefreshJob | null> {
  try {
    await m.RefreshJob.create(j);
    return j;
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
}

/**
 * Accepts a refresh request when the allowance allows it (see domain/allowance.ts), atomically on
 * any number of replicas: the decision is made on the package's job history and written as the
 * insert of the next job number, so of two requests deciding on the same history only one is
 * accepted; the other decides again on the new history (and is refused). The job number is read
 * before the history, so a decision can never rest on a history older than its number. A grant is used by
 * inserting its claim first: one request only can hold it.
 */
export async function acceptRefresh(deps: JobDeps, packageId: string, requestedBy: string, now: Date, trace: TraceContext): Promise<RefreshJob> {
  const m = deps.models;
  const holder = randomUUID();
  const taken = new Set<string>();
  let grantId: string | null = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // the number first: any job accepted after this read takes it (and this insert fails), any
    // job accepted before it is seen by the reads the decision is made on
    const seq = await nextSeq(m, packageId);
    if (!grantId) {
      const lastWeekly = await m.RefreshJob.findOne({ packageId, kind: 'weekly' }, { acceptedAt: 1 }).sort({ acceptedAt: -1 }).lean();
      const grants = await m.RefreshGrant.find({ packageId, usedByJobId: null }, { _id: 1 }).sort({ grantedAt: 1 }).lean();
      const d = decideRefresh(lastWeekly?.acceptedAt ?? null, grants.map((g) => g._id).filter((g) => !taken.has(g)), now);
      if (d.kind === 'refused') throw new RefreshRefusedError(d.retryAfterSeconds, d.nextAvailableAt);
      if (d.kind === 'grant') {
        try {
          await m.RefreshClaim.create({ _id: `grant:${d.grantId}`, claimedAt: now, holder, jobId: null });
          grantId = d.grantId;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          taken.add(d.grantId); // used by another request meanwhile
          continue;
        }
      }
    }
    const job = await insertJob(m, newJob(packageId, seq, grantId ? 'grant' : 'weekly', { grantId, retryOf: null, requestedBy }, now, trace));
    if (!job) continue;
    if (grantId) {
      await m.RefreshGrant.updateOne({ _id: grantId }, { $set: { usedByJobId: job._id, usedAt: now } });
      await m.RefreshClaim.updateOne({ _id: `grant:${grantId}` }, { $set: { jobId: job._id } });
    }
    deps.kick();
    return job;
  }
  throw new RetryableError(`too many concurrent refresh requests for package ${packageId}`);
}

/**
 * Runs an incomplete job again as a new job (kind `retry`) that uses no allowance; each incomplete
 * job can be retried once (its claim is a unique insert).
 */
export async function acceptRetry(deps: JobDeps, jobId: string, requestedBy: string, now: Date, trace: TraceContext): Promise<RefreshJob | null> {
  const m = deps.models;
  const of = await m.RefreshJob.findById(jobId, { outbox: 0 }).lean();
  if (!of) return null;
  if (of.state !== 'incomplete') throw new ConflictError(`Only an incomplete refresh can be retried; ${jobId} is ${of.state}`);
  try {
    await m.RefreshClaim.create({ _id: `retry:${jobId}`, claimedAt: now, holder: randomUUID(), jobId: null });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    throw new ConflictError(`${jobId} has been retried already${of.retriedBy ? ` (${of.retriedBy})` : ''}`);
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const job = await insertJob(m, newJob(of.packageId, await nextSeq(m, of.packageId), 'retry', { grantId: null, retryOf: jobId, requestedBy }, now, trace));
    if (!job) continue;
    await m.RefreshJob.updateOne({ _id: jobId }, { $set: { retriedBy: job._id } });
    await m.RefreshClaim.updateOne({ _id: `retry:${jobId}` }, { $set: { jobId: job._id } });
    deps.kick();
    return job;
  }
  throw new RetryableError(`too many concurrent refresh requests for package ${of.packageId}`);
}
