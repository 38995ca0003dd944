import {
  MarketplaceEventType,
  RefreshCommandType,
  RefreshSource,
  RefreshTopic,
  SnapshotPageV1,
  parseData,
  traceContext,
  type CloudEvent,
  type ReconcileLicensesV1,
} from '@lma/contracts';
import { isDuplicateKey, type Logger } from '@lma/core';
import { outboxOnInsert } from '@lma/kafka';
import { ACTIVE_STATES, emptyCounts } from '../domain/job';
import type { ProgressDeps } from '../infra/progress';

/**
 * A snapshot page (on `marketplace.events`, among the marketplace's other events): recorded once
 * per (request id, page), with the command that reconciles it in the same insert (its outbox), so
 * a redelivered or duplicated page is never reconciled twice. Only counts stay here; the
 * installations travel to the license service and are not kept. Pages of an unknown or ended job
 * are ignored (an incomplete job is retried as a new job, with a new request id).
 */
export function onSnapshotPage(deps: ProgressDeps) {
  return async (event: CloudEvent<unknown>, ctx: { logger: Logger }): Promise<void> => {
    if (event.type !== MarketplaceEventType.SnapshotPage) return;
    const d = parseData(SnapshotPageV1, event.data);
    const job = await deps.models.RefreshJob.findById(d.requestId, { packageId: 1, state: 1 }).lean();
    if (!job || job.packageId !== d.packageId || !ACTIVE_STATES.includes(job.state)) {
      ctx.logger.info({ job_id: d.requestId, page: d.page, state: job?.state ?? null }, 'snapshot page ignored: no such active job');
      return;
    }
    const now = deps.clock.now();
    const trace = traceContext(event);
    const pageId = `${job._id}:${d.page}`;
    // the job first, the page's command after: the job is running before any reply to this page
    // can arrive (on FerretDB, where an update rewrites the whole document, the replica handling
    // the replies then never works from a job read before this write)
    await deps.locks.run(job._id, async () => {
      await deps.models.RefreshJob.updateOne({ _id: job._id, state: { $in: ['requested', 'running'] } }, { $set: { state: 'running', lastProgressAt: now } });
    });
    try {
      await deps.models.RefreshPage.create({
        _id: pageId,
        jobId: job._id,
        page: d.page,
        lastPage: d.lastPage,
        installations: d.installations.length,
        state: 'reconciling',
        receivedAt: now,
        counts: emptyCounts(),
        failures: [],
        ...outboxOnInsert(
          [
            {
              topic: RefreshTopic.LicenseReconcile,
              id: `${pageId}:reconcile`,
              source: RefreshSource,
              type: RefreshCommandType.ReconcileLicenses,
              time: now.toISOString(),
              key: d.packageId,
              data: { jobId: job._id, packageId: d.packageId, page: d.page, installations: d.installations } satisfies ReconcileLicensesV1,
              ...trace,
            },
          ],
          now,
        ),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      ctx.logger.info({ job_id: job._id, page: d.page }, 'duplicate snapshot page ignored');
      return;
    }
    deps.kick();
  };
}
