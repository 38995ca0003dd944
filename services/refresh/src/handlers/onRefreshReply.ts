import {
  LicensesReconciledV1,
  OnboardingsStartedV1,
  RefreshCommandType,
  RefreshReplyType,
  UnseenLicensesReportedV1,
  eventOf,
  parseData,
  traceContext,
  type CloudEvent,
  type StartOnboardingsV1,
  type TraceContext,
} from '@lma/contracts';
import { countsOf, jobCompleted, onboardingsStarted, pageReconciled } from '../domain/job';
import { endJob, pageMovedOn, type ProgressDeps } from '../infra/progress';

/**
 * Replies from the license service and install-intake, one per page and step: each moves its page
 * on once (a duplicate finds the page past that step), then the job counts it (once, however often
 * the reply comes): all pages done -> finalizing -> completed with the licenses the marketplace no
 * longer lists.
 */
export function onRefreshReply(deps: ProgressDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const trace = traceContext(event);
    switch (event.type) {
      case RefreshReplyType.LicensesReconciled:
        return await onReconciled(deps, parseData(LicensesReconciledV1, event.data), trace);
      case RefreshReplyType.OnboardingsStarted:
        return await onOnboardingsStarted(deps, parseData(OnboardingsStartedV1, event.data), trace);
      case RefreshReplyType.UnseenLicensesReported: {
        const d = parseData(UnseenLicensesReportedV1, event.data);
        const now = deps.clock.now();
        await endJob(deps, d.jobId, (job) => jobCompleted(job, d.count, d.licenses, now));
        return;
      }
    }
  };
}

/** A page reconciled: done, or (installations without a license) waiting for their onboarding. */
async function onReconciled(deps: ProgressDeps, d: LicensesReconciledV1, trace: TraceContext): Promise<void> {
  const pageId = `${d.jobId}:${d.page}`;
  const now = deps.clock.now();
  const reply = { ...countsOf(d), onboard: d.createNeeded.length > 0 };
  const start = eventOf(
    RefreshCommandType.StartOnboardings,
    { jobId: d.jobId, packageId: d.packageId, page: d.page, installations: d.createNeeded } satisfies StartOnboardingsV1,
    { id: `${pageId}:start-onboardings`, key: d.packageId, time: now, ...trace },
  );
  const r = await deps.aggregates.pages.update(pageId, (page) => {
    const next = pageReconciled(page, reply);
    return next && { state: next, events: next.state === 'onboarding' ? [start] : [] };
  });
  if (!r.state) return; // no such page
  if (r.written) {
    deps.metrics.installations('corrected', reply.counts.corrected);
    deps.metrics.installations('unchanged', reply.counts.unchanged);
    deps.metrics.installations('failed', reply.counts.failed);
  }
  await pageMovedOn(deps, r.state, trace);
}

async function onOnboardingsStarted(deps: ProgressDeps, d: OnboardingsStartedV1, trace: TraceContext): Promise<void> {
  const r = await deps.aggregates.pages.update(`${d.jobId}:${d.page}`, (page) => {
    const next = onboardingsStarted(page, d.started.length, d.existing.length);
    return next && { state: next };
  });
  if (!r.state) return;
  if (r.written) {
    deps.metrics.installations('created', d.started.length);
    deps.metrics.installations('onboarding-underway', d.existing.length);
  }
  await pageMovedOn(deps, r.state, trace);
}
