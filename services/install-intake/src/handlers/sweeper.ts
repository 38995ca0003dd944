import { sleep, type Clock, type Logger } from '@lma/core';
import type { DocumentLocks } from '@lma/kafka';
import { onTimeout, resume } from '../domain/onboarding';
import type { Models } from '../infra/models';
import { transition } from '../infra/sagaStore';

export interface SweeperOptions {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
  logger: Logger;
  intervalMs: number;
  stepTimeoutMs: number;
  maxSends: number;
}

/**
 * Re-sends commands whose reply never came (same command id: receivers are idempotent), fails
 * a step after `maxSends`, and retries parked sagas on their backoff. Everything it needs is in
 * the saga documents, so it catches up after downtime; with several replicas a saga may be
 * re-sent twice, which the receivers' idempotency absorbs.
 */
export function startSweeper(o: SweeperOptions): { stop(): Promise<void> } {
  let stopped = false;
  const sweep = async () => {
    const now = o.clock.now();
    const overdue = await o.models.Onboarding.find(
      { state: { $in: ['lead_requested', 'license_requested', 'withdrawing_lead'] }, commandSentAt: { $lt: new Date(now.getTime() - o.stepTimeoutMs) } },
      { _id: 1 },
    )
      .limit(500)
      .lean();
    for (const { _id } of overdue) {
      await transition(o, _id, (saga) => onTimeout(saga, o.clock.now(), o.stepTimeoutMs, o.maxSends), o.clock.now());
    }
    const due = await o.models.Onboarding.find({ state: 'parked', parkedRetryAt: { $lte: now } }, { _id: 1 }).limit(500).lean();
    for (const { _id } of due) {
      await transition(o, _id, (saga) => resume(saga, o.clock.now(), 'scheduled retry'), o.clock.now());
    }
  };
  const loop = (async () => {
    while (!stopped) {
      try {
        await sweep();
      } catch (err) {
        o.logger.error({ err }, 'saga sweep failed: will retry');
      }
      for (let waited = 0; waited < o.intervalMs && !stopped; waited += 100) await sleep(100);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
