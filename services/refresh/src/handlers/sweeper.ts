import { every, type Logger } from '@lma/core';
import { ACTIVE_STATES } from '../domain/job';
import { endJob, type ProgressDeps } from '../infra/progress';

/**
 * Ends as `incomplete` the jobs that heard nothing (no page, no reply) for the page timeout: what
 * was reconciled stays reconciled and counted, and the job can be retried without using the
 * allowance. Every replica sweeps; ending a job is conditional on its state, so twice is once.
 */
export function startSweeper(deps: ProgressDeps & { logger: Logger; intervalMs: number; pageTimeoutMs: number }): { stop(): Promise<void> } {
  const sweep = async () => {
    const before = new Date(deps.clock.now().getTime() - deps.pageTimeoutMs);
    const stale = await deps.models.RefreshJob.find({ state: { $in: [...ACTIVE_STATES] }, lastProgressAt: { $lt: before } }, { _id: 1 }).limit(100).lean();
    for (const { _id } of stale) {
      if (await endJob(deps, _id, { state: 'incomplete', timeoutMs: deps.pageTimeoutMs })) deps.logger.warn({ job_id: _id }, 'refresh job incomplete: pages or replies stopped coming');
    }
  };
  return every(deps.intervalMs, sweep, (err) => deps.logger.error({ err }, 'refresh sweep failed'));
}
