import { RefreshCommandType, eventOf, type ReportUnseenLicensesV1, type TraceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { emptyProgress, emptySummary, pageProgressed, type RefreshJob, type RefreshPage } from '../domain/job';
import type { Aggregates, Models } from './models';

/** Observes jobs and installations (Prometheus in main.ts). */
export interface RefreshMetrics {
  installations(result: 'created' | 'corrected' | 'unchanged' | 'onboarding-underway' | 'failed', n: number): void;
  jobEnded(outcome: 'completed' | 'incomplete', seconds: number): void;
}

export interface ProgressDeps {
  models: Models;
  aggregates: Aggregates;
  clock: Clock;
  metrics: RefreshMetrics;
}

/** The job as the API shows it: its progress and summary are kept in the job as its pages move on. */
export function jobView(job: RefreshJob) {
  const progress = job.progress ?? emptyProgress();
  return {
    jobId: job._id,
    packageId: job.packageId,
    kind: job.kind,
    grantId: job.grantId ?? null,
    retryOf: job.retryOf ?? null,
    retriedBy: job.retriedBy ?? null,
    requestedBy: job.requestedBy,
    acceptedAt: job.acceptedAt.toISOString(),
    state: job.state,
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
    progress: { pagesReceived: progress.received.length, pagesDone: progress.done.length, lastPage: progress.lastPage, installations: progress.installations },
    summary: job.summary ?? emptySummary(),
    missingUpstreamLicenses: job.missingUpstreamLicenses ?? [],
    failures: job.failures ?? [],
    incomplete: job.incomplete ?? null,
  };
}
export type JobView = ReturnType<typeof jobView>;

/**
 * A page moved on: its job counts it (once per step, however often the reply comes) and, when
 * every page is done, asks the license service (with the same write) for the package's licenses
 * no page listed.
 */
export async function pageMovedOn(deps: ProgressDeps, page: RefreshPage, trace: TraceContext): Promise<void> {
  const now = deps.clock.now();
  await deps.aggregates.jobs.update(page.jobId, (job) => {
    const p = pageProgressed(job, page, now);
    if (!p) return null;
    const { _id: jobId, packageId, progress } = p.next;
    const ask = eventOf(RefreshCommandType.ReportUnseenLicenses, { jobId, packageId, pages: progress.received.length } satisfies ReportUnseenLicensesV1, {
      id: `${jobId}:report-unseen`,
      key: packageId,
      time: now,
      ...trace,
    });
    return { state: p.next, events: p.finalizing ? [ask] : [] };
  });
}

/** Ends a job as `decide` says (completed, incomplete): counted once, and no longer in flight. */
export async function endJob(deps: ProgressDeps, jobId: string, decide: (job: RefreshJob | null) => RefreshJob | null): Promise<RefreshJob | null> {
  const r = await deps.aggregates.jobs.update(jobId, (job) => {
    const ended = decide(job);
    return ended && { state: ended };
  });
  if (!r.written || !r.state) return null;
  const ended = r.state;
  if (ended.state === 'completed' || ended.state === 'incomplete') deps.metrics.jobEnded(ended.state, ((ended.finishedAt ?? deps.clock.now()).getTime() - ended.acceptedAt.getTime()) / 1000);
  await deps.models.JobInFlight.deleteOne({ _id: jobId });
  return ended;
}
