import { RefreshCommandType, RefreshSource, RefreshTopic, type ReportUnseenLicensesV1, type TraceContext } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { outboxUpdate, type DocumentLocks } from '@lma/kafka';
import { ACTIVE_STATES, FAILURES_KEPT, allPagesDone, incompleteReason, lastPageOf, missingPages, summarize, type Summary } from '../domain/job';
import type { Models, RefreshJob, RefreshPage } from './models';

/** Observes jobs and installations (Prometheus in main.ts). */
export interface RefreshMetrics {
  installations(result: 'created' | 'corrected' | 'unchanged' | 'onboarding-underway' | 'failed', n: number): void;
  jobEnded(outcome: 'completed' | 'incomplete', seconds: number): void;
}

export interface ProgressDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
  metrics: RefreshMetrics;
}

type PageView = Pick<RefreshPage, 'page' | 'state' | 'lastPage' | 'installations' | 'counts' | 'failures'>;

/** A job's pages without their outbox (counts only: never installations). */
export const pagesOf = async (m: Models, jobId: string): Promise<PageView[]> =>
  (await m.RefreshPage.find({ jobId }, { page: 1, state: 1, lastPage: 1, installations: 1, counts: 1, failures: 1 }).lean()) as PageView[];

/** The job as the API shows it: progress and summary computed from its pages while it runs. */
export function jobView(job: RefreshJob, pages: readonly PageView[]) {
  const summary: Summary = job.summary ?? summarize(pages, 0);
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
    progress: {
      pagesReceived: pages.length,
      pagesDone: pages.filter((p) => p.state === 'done').length,
      lastPage: lastPageOf(pages),
      installations: pages.reduce((n, p) => n + p.installations, 0),
    },
    summary,
    missingUpstreamLicenses: job.missingUpstreamLicenses ?? [],
    failures: pages.flatMap((p) => p.failures ?? []).slice(0, FAILURES_KEPT),
    incomplete: job.incomplete ?? null,
  };
}
export type JobView = ReturnType<typeof jobView>;

/**
 * A reply arrived: the page timeout counts from now, and when every page of the job is done the
 * job asks the license service (through its outbox) for the package's licenses no page listed,
 * and is finalizing. One read and one write of the job under its lock. A reply means pages
 * arrived, so a job still `requested` is `running` (on FerretDB, where an update rewrites the whole
 * document, another replica's concurrent write can have put the earlier state back).
 */
export async function replyHeard(deps: ProgressDeps, jobId: string, trace: TraceContext): Promise<void> {
  const finalizing = await deps.locks.run(jobId, async () => {
    const job = await deps.models.RefreshJob.findById(jobId, { outbox: 0 }).lean();
    if (!job || !ACTIVE_STATES.includes(job.state)) return false;
    const now = deps.clock.now();
    const pages = job.state === 'finalizing' ? [] : await pagesOf(deps.models, jobId);
    const done = job.state !== 'finalizing' && allPagesDone(pages, lastPageOf(pages));
    if (!done) {
      await deps.models.RefreshJob.updateOne(
        { _id: jobId, state: job.state },
        { $set: { lastProgressAt: now, ...(job.state === 'requested' ? { state: 'running' } : {}) } },
      );
      return false;
    }
    await deps.models.RefreshJob.updateOne(
      { _id: jobId, state: job.state },
      {
        $set: { state: 'finalizing', lastProgressAt: now },
        ...outboxUpdate(
          [
            {
              topic: RefreshTopic.LicenseReconcile,
              id: `${jobId}:report-unseen`,
              source: RefreshSource,
              type: RefreshCommandType.ReportUnseenLicenses,
              time: now.toISOString(),
              key: job.packageId,
              data: { jobId, packageId: job.packageId, pages: pages.length } satisfies ReportUnseenLicensesV1,
              ...trace,
            },
          ],
          now,
        ),
      },
    );
    return true;
  });
  if (finalizing) deps.kick();
}

/** Ends a job: its summary is fixed from its pages; a completed one adds the licenses not listed. */
export async function endJob(
  deps: ProgressDeps,
  jobId: string,
  end: { state: 'completed'; missingUpstream: number; licenses: RefreshJob['missingUpstreamLicenses'] } | { state: 'incomplete'; timeoutMs: number },
): Promise<boolean> {
  return await deps.locks.run(jobId, async () => {
    const job = await deps.models.RefreshJob.findById(jobId, { outbox: 0 }).lean();
    if (!job || !ACTIVE_STATES.includes(job.state)) return false;
    if (end.state === 'completed' && job.state !== 'finalizing') return false;
    const pages = await pagesOf(deps.models, jobId);
    const now = deps.clock.now();
    const set: Partial<RefreshJob> =
      end.state === 'completed'
        ? { state: 'completed', summary: summarize(pages, end.missingUpstream), missingUpstreamLicenses: end.licenses }
        : (() => {
            const lastPage = lastPageOf(pages);
            const missing = missingPages(
              pages.map((p) => p.page),
              lastPage,
            );
            return {
              state: 'incomplete' as const,
              summary: summarize(pages, 0),
              incomplete: { reason: incompleteReason(job.state, pages.length, lastPage, missing, end.timeoutMs), missingPages: missing },
            };
          })();
    const res = await deps.models.RefreshJob.updateOne({ _id: jobId, state: job.state }, { $set: { ...set, finishedAt: now } });
    if (res.modifiedCount === 0) return false;
    deps.metrics.jobEnded(end.state, (now.getTime() - new Date(job.acceptedAt).getTime()) / 1000);
    return true;
  });
}
