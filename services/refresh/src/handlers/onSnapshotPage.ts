import { MarketplaceEventType, RefreshCommandType, SnapshotPageV1, eventOf, parseData, traceContext, type CloudEvent, type ReconcileLicensesV1 } from '@lma/contracts';
import type { Logger } from '@lma/core';
import { emptyCounts, pageReceived, type RefreshPage } from '../domain/job';
import type { ProgressDeps } from '../infra/progress';

/**
 * A snapshot page (on `marketplace.events`, among the marketplace's other events): counted once in
 * its job, then recorded once per (request id, page) with the command that reconciles it in the
 * same insert, so a redelivered or duplicated page is never reconciled twice. Only counts stay
 * here; the installations travel to the license service and are not kept. Pages of an unknown or
 * ended job are ignored (an incomplete job is retried as a new job, with a new request id).
 */
export function onSnapshotPage(deps: ProgressDeps) {
  return async (event: CloudEvent<unknown>, ctx: { logger: Logger }): Promise<void> => {
    if (event.type !== MarketplaceEventType.SnapshotPage) return;
    const d = parseData(SnapshotPageV1, event.data);
    const now = deps.clock.now();
    // the job first: it knows the page (and is running) before any reply to the page can arrive
    const counted = await deps.aggregates.jobs.update(d.requestId, (job) => {
      if (job && job.packageId !== d.packageId) return { result: false };
      const r = pageReceived(job, { page: d.page, lastPage: d.lastPage, installations: d.installations.length }, now);
      return { ...(r.next ? { state: r.next } : {}), result: r.accepted };
    });
    if (!counted.result) {
      ctx.logger.info({ job_id: d.requestId, page: d.page, state: counted.state?.state ?? null }, 'snapshot page ignored: no such active job');
      return;
    }
    const pageId = `${d.requestId}:${d.page}`;
    const page: RefreshPage = {
      _id: pageId,
      jobId: d.requestId,
      page: d.page,
      lastPage: d.lastPage,
      installations: d.installations.length,
      state: 'reconciling',
      receivedAt: now,
      counts: emptyCounts(),
      failures: [],
    };
    const reconcile = eventOf(
      RefreshCommandType.ReconcileLicenses,
      { jobId: d.requestId, packageId: d.packageId, page: d.page, installations: d.installations, observedAt: event.time } satisfies ReconcileLicensesV1,
      { id: `${pageId}:reconcile`, key: d.packageId, time: now, ...traceContext(event) },
    );
    if (!(await deps.aggregates.pages.insertOnce(page, [reconcile]))) ctx.logger.info({ job_id: d.requestId, page: d.page }, 'duplicate snapshot page ignored');
  };
}
