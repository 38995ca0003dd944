import { randomBytes } from 'node:crypto';
import type { Express, Request } from 'express';
import { decodeCursor, getRefreshJob, getRefreshStatus, grantRefresh, listRefreshGrants, listRefreshJobs, mountRoute, pageFrom, requestRefresh, retryRefreshJob } from '@lma/api';
import { traceContext, type TraceContext } from '@lma/contracts';
import { NotFoundError, ValidationError, authenticate, type Clock, type ForwardVerifier } from '@lma/core';
import { jobIdFor, nextWeeklyAt, unusedGrantIds, withGrant } from './domain/allowance';
import type { RefreshJob } from './domain/job';
import { acceptRefresh, acceptRetry, packageRecord, type JobDeps } from './infra/jobs';
import type { RefreshGrant } from './infra/models';
import { jobView } from './infra/progress';

export interface AppDeps extends JobDeps {
  clock: Clock;
  /** The gateway's forwarded tokens (the only callers accepted). */
  auth: ForwardVerifier;
}

/** The request's trace context, continued by the snapshot request the job publishes. */
function traceOf(req: Request): TraceContext {
  const { traceparent, tracestate } = req.headers;
  return traceContext({ ...(typeof traceparent === 'string' ? { traceparent } : {}), ...(typeof tracestate === 'string' ? { tracestate } : {}) });
}

const grantView = (g: RefreshGrant) => ({
  grantId: g._id,
  packageId: g.packageId,
  grantedBy: g.grantedBy,
  grantedAt: g.grantedAt.toISOString(),
  reason: g.reason,
  usedByJobId: g.usedByJobId ?? null,
  usedAt: g.usedAt ? g.usedAt.toISOString() : null,
});

/** Grant ids sort by the time they were made: `rg_` + 12 hex digits of milliseconds + 20 random. */
const newGrantId = (now: Date): string => `rg_${now.getTime().toString(16).padStart(12, '0')}${randomBytes(10).toString('hex')}`;

/** The job number a list cursor points at. */
function seqOf(cursor: string): number {
  const seq = decodeCursor(cursor).sortValue;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) throw new ValidationError([{ field: 'query.cursor', reason: 'must be a cursor returned by a previous page' }]);
  return seq;
}

/**
 * Refresh requests, jobs and grants (docs/refresh.md); every route is declared in @lma/api. Every
 * read is by `_id`: a job, a package's record (its jobs as numbered, its grants), the jobs of a
 * page of the list by their numbers.
 */
export function createApp(deps: AppDeps) {
  const { jobs, packages } = deps.aggregates;
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));

    mountRoute(app, requestRefresh, async ({ params, principal }, req, res) => {
      const job = await acceptRefresh(deps, params.packageId, principal.subject, deps.clock.now(), traceOf(req));
      res.setHeader('Location', `/api/v1/refresh-jobs/${job._id}`);
      return jobView(job);
    });

    mountRoute(app, getRefreshStatus, async ({ params }) => {
      const now = deps.clock.now();
      const record = await packageRecord(deps, params.packageId);
      const last = record?.lastSeq ? await jobs.get(jobIdFor(params.packageId, record.lastSeq)) : null;
      const grants = unusedGrantIds(record).length;
      const next = nextWeeklyAt(record?.lastWeeklyAcceptedAt ?? null, now);
      return {
        packageId: params.packageId,
        lastRefresh: last ? jobView(last) : null,
        availableNow: next.getTime() <= now.getTime() || grants > 0,
        nextAvailableAt: next.toISOString(),
        grantsAvailable: grants,
      };
    });

    mountRoute(app, listRefreshJobs, async ({ params, query }) => {
      const from = query.cursor ? seqOf(query.cursor) - 1 : ((await packageRecord(deps, params.packageId))?.lastSeq ?? 0);
      const seqs: number[] = [];
      for (let seq = from; seq >= 1 && seqs.length <= query.limit; seq--) seqs.push(seq);
      const docs = (await Promise.all(seqs.map((seq) => jobs.get(jobIdFor(params.packageId, seq))))).filter((j): j is RefreshJob => j !== null);
      const page = pageFrom(docs, query.limit, (j) => j.seq);
      return { items: page.items.map(jobView), nextCursor: page.nextCursor };
    });

    mountRoute(app, getRefreshJob, async ({ params }) => {
      const job = await jobs.get(params.jobId);
      if (!job) throw new NotFoundError(`Refresh job ${params.jobId}`);
      return jobView(job);
    });

    mountRoute(app, retryRefreshJob, async ({ params, principal }, req, res) => {
      const job = await acceptRetry(deps, params.jobId, principal.subject, deps.clock.now(), traceOf(req));
      if (!job) throw new NotFoundError(`Refresh job ${params.jobId}`);
      res.setHeader('Location', `/api/v1/refresh-jobs/${job._id}`);
      return jobView(job);
    });

    mountRoute(app, grantRefresh, async ({ params, body, principal }) => {
      const now = deps.clock.now();
      const grant: RefreshGrant = {
        _id: newGrantId(now),
        packageId: params.packageId,
        grantedBy: principal.subject,
        grantedAt: now,
        reason: body.reason,
        usedByJobId: null,
        usedAt: null,
      };
      await packages.update(params.packageId, (record) => ({ state: withGrant(record, grant) }));
      return grantView(grant);
    });

    mountRoute(app, listRefreshGrants, async ({ params, query }) => {
      const after = query.cursor ? decodeCursor(query.cursor).id : null;
      const grants = ((await packageRecord(deps, params.packageId))?.grants ?? [])
        .filter((g) => after === null || g._id < after)
        .sort((a, b) => (a._id < b._id ? 1 : -1));
      const page = pageFrom(grants.slice(0, query.limit + 1), query.limit, (g) => g._id);
      return { items: page.items.map(grantView), nextCursor: page.nextCursor };
    });
  };
}
