import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { getRefreshJob, getRefreshStatus, grantRefresh, keysetPage, listRefreshGrants, listRefreshJobs, mountRoute, pageFrom, requestRefresh, retryRefreshJob } from '@lma/api';
import { traceContext, type TraceContext } from '@lma/contracts';
import { NotFoundError, authenticate, type AuthOptions, type Clock } from '@lma/core';
import type { Request } from 'express';
import { nextWeeklyAt } from './domain/allowance';
import { acceptRefresh, acceptRetry } from './infra/jobs';
import type { Models, RefreshGrant, RefreshJob } from './infra/models';
import { jobView, pagesOf } from './infra/progress';

export interface AppDeps {
  models: Models;
  clock: Clock;
  kick: () => void;
  auth: AuthOptions | undefined;
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

/** Refresh requests, jobs and grants (docs/refresh.md); every route is declared in @lma/api. */
export function createApp(deps: AppDeps) {
  const m = deps.models;
  const view = async (job: RefreshJob) => jobView(job, await pagesOf(m, job._id));
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));

    mountRoute(app, requestRefresh, async ({ params, principal }, req, res) => {
      const job = await acceptRefresh(deps, params.packageId, principal.subject, deps.clock.now(), traceOf(req));
      res.setHeader('Location', `/api/v1/refresh-jobs/${job._id}`);
      return await view(job);
    });

    mountRoute(app, getRefreshStatus, async ({ params }) => {
      const now = deps.clock.now();
      const [last, lastWeekly, grants] = await Promise.all([
        m.RefreshJob.findOne({ packageId: params.packageId }, { outbox: 0 }).sort({ seq: -1 }).lean(),
        m.RefreshJob.findOne({ packageId: params.packageId, kind: 'weekly' }, { acceptedAt: 1 }).sort({ acceptedAt: -1 }).lean(),
        m.RefreshGrant.countDocuments({ packageId: params.packageId, usedByJobId: null }),
      ]);
      const next = nextWeeklyAt(lastWeekly?.acceptedAt ?? null, now);
      return {
        packageId: params.packageId,
        lastRefresh: last ? await view(last) : null,
        availableNow: next.getTime() <= now.getTime() || grants > 0,
        nextAvailableAt: next.toISOString(),
        grantsAvailable: grants,
      };
    });

    mountRoute(app, listRefreshJobs, async ({ params, query }) => {
      const { filter, sort } = keysetPage({ packageId: params.packageId }, 'seq', -1, query.cursor);
      const docs = await m.RefreshJob.find(filter, { outbox: 0 }).sort(sort).limit(query.limit + 1).lean();
      const page = pageFrom(docs, query.limit, (j) => j.seq);
      return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
    });

    mountRoute(app, getRefreshJob, async ({ params }) => {
      const job = await m.RefreshJob.findById(params.jobId, { outbox: 0 }).lean();
      if (!job) throw new NotFoundError(`Refresh job ${params.jobId}`);
      return await view(job);
    });

    mountRoute(app, retryRefreshJob, async ({ params, principal }, req, res) => {
      const job = await acceptRetry(deps, params.jobId, principal.subject, deps.clock.now(), traceOf(req));
      if (!job) throw new NotFoundError(`Refresh job ${params.jobId}`);
      res.setHeader('Location', `/api/v1/refresh-jobs/${job._id}`);
      return await view(job);
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
      await m.RefreshGrant.create(grant);
      return grantView(grant);
    });

    mountRoute(app, listRefreshGrants, async ({ params, query }) => {
      const { filter, sort } = keysetPage({ packageId: params.packageId }, '_id', -1, query.cursor);
      const docs = await m.RefreshGrant.find(filter).sort(sort).limit(query.limit + 1).lean();
      const page = pageFrom(docs, query.limit, (g) => g._id);
      return { items: page.items.map(grantView), nextCursor: page.nextCursor };
    });
  };
}
