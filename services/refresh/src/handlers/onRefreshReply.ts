import {
  LicensesReconciledV1,
  OnboardingsStartedV1,
  RefreshCommandType,
  RefreshReplyType,
  RefreshSource,
  RefreshTopic,
  UnseenLicensesReportedV1,
  parseData,
  traceContext,
  type CloudEvent,
  type StartOnboardingsV1,
  type TraceContext,
} from '@lma/contracts';
import { outboxUpdate } from '@lma/kafka';
import { countsOf } from '../domain/job';
import { endJob, replyHeard, type ProgressDeps } from '../infra/progress';

/**
 * Replies from the license service and install-intake, one per page and step: each moves its page
 * on once (a duplicate finds the page past that step), then the job: all pages done -> finalizing
 * -> completed with the licenses the marketplace no longer lists.
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
        await endJob(deps, d.jobId, { state: 'completed', missingUpstream: d.count, licenses: d.licenses });
        return;
      }
    }
  };
}

/** A page reconciled: done, or (installations without a license) waiting for their onboarding. */
async function onReconciled(deps: ProgressDeps, d: LicensesReconciledV1, trace: TraceContext): Promise<void> {
  const pageId = `${d.jobId}:${d.page}`;
  const applied = await deps.locks.run(pageId, async () => {
    const page = await deps.models.RefreshPage.findById(pageId, { state: 1 }).lean();
    if (page?.state !== 'reconciling') return false;
    const { counts, failures } = countsOf(d);
    const now = deps.clock.now();
    const onboard = d.createNeeded.length > 0;
    await deps.models.RefreshPage.updateOne(
      { _id: pageId, state: 'reconciling' },
      {
        $set: { state: onboard ? 'onboarding' : 'done', counts, failures },
        ...(onboard
          ? outboxUpdate(
              [
                {
                  topic: RefreshTopic.OnboardingCommands,
                  id: `${pageId}:start-onboardings`,
                  source: RefreshSource,
                  type: RefreshCommandType.StartOnboardings,
                  time: now.toISOString(),
                  key: d.packageId,
                  data: { jobId: d.jobId, packageId: d.packageId, page: d.page, installations: d.createNeeded } satisfies StartOnboardingsV1,
                  ...trace,
                },
              ],
              now,
            )
          : {}),
      },
    );
    deps.metrics.installations('corrected', counts.corrected);
    deps.metrics.installations('unchanged', counts.unchanged);
    deps.metrics.installations('failed', counts.failed);
    return true;
  });
  if (!applied) return;
  deps.kick();
  await replyHeard(deps, d.jobId, trace);
}

async function onOnboardingsStarted(deps: ProgressDeps, d: OnboardingsStartedV1, trace: TraceContext): Promise<void> {
  const pageId = `${d.jobId}:${d.page}`;
  const applied = await deps.locks.run(pageId, async () => {
    const page = await deps.models.RefreshPage.findById(pageId, { state: 1, counts: 1 }).lean();
    if (page?.state !== 'onboarding') return false;
    const counts = { ...page.counts, created: d.started.length, onboardingUnderway: d.existing.length };
    await deps.models.RefreshPage.updateOne({ _id: pageId, state: 'onboarding' }, { $set: { state: 'done', counts } });
    deps.metrics.installations('created', d.started.length);
    deps.metrics.installations('onboarding-underway', d.existing.length);
    return true;
  });
  if (!applied) return;
  await replyHeard(deps, d.jobId, trace);
}
