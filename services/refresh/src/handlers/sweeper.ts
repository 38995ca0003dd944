import { every, type Logger } from '@lma/core';
import { jobTimedOut } from '../domain/job';
import { endJob, type ProgressDeps } from '../infra/progress';

/**
 * Ends as `incomplete` the jobs that heard nothing (no page, no reply) for the page timeout: what
 * was reconciled stays reconciled and counted, and the job can be retried without using the
 * allowance. Every replica sweeps the jobs in flight (never the history); ending a job is a
 * version-conditional write decided on its state, so twice is once.
 */
export function startSweeper(deps: ProgressDeps & { logger: Logger; intervalMs: number; pageTimeoutMs: number }): { stop(): Promise<void> } {
  const sweep = async () => {
    const now = deps.clock.now();
    // a job accepted less than the timeout ago cannot have been quiet for that long
    const candidates = await deps.models.JobInFlight.find({ since: { $lt: new Date(now.getTime() - deps.pageTimeoutMs) } }, { _id: 1 }).lean();
    for (const { _id } of candidates) {
      const job = await deps.aggregates.jobs.get(_id);
      const t = jobTimedOut(job, deps.pageTimeoutMs, now);
      if (!t.ended) continue;
      if (!t.next) {
        // ended already (or its insert never happened): no longer in flight
        await deps.models.JobInFlight.deleteOne({ _id });
        continue;
      }
      if (await endJob(deps, _id, (current) => jobTimedOut(current, deps.pageTimeoutMs, now).next)) {
        deps.logger.warn({ job_id: _id }, 'refresh job incomplete: pages or replies stopped coming');
      }
    }
  };
  return every(deps.intervalMs, sweep, (err) => deps.logger.error({ err }, 'refresh sweep failed'));
}
