import { sleep, type Clock, type Logger } from '@lma/core';
import { onTimer } from '../domain/onboarding';
import type { SagaCounts } from '../infra/sagaCounts';
import type { SagaStore } from '../infra/sagaStore';

export interface SweeperOptions {
  sagas: SagaStore;
  counts: SagaCounts;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  stepTimeoutMs: number;
  maxSends: number;
}

/** Timers handled by one sweep at most. */
const SWEEP_LIMIT = 500;

/**
 * Re-sends commands whose reply never came (same command id: receivers are idempotent), fails
 * a step after `maxSends`, and retries parked sagas on their backoff. It reads the due timers
 * only (one per saga not ended), loads each saga by `_id` and lets the saga decide, so a stale
 * timer is harmless (it is realigned), and it catches up after downtime; with several replicas a
 * command may be re-sent twice, which the receivers' idempotency absorbs. Each sweep also
 * refreshes the saga counts the metrics show.
 */
export function startSweeper(o: SweeperOptions): { stop(): Promise<void> } {
  let stopped = false;
  const sweep = async () => {
    for (const sagaId of await o.sagas.dueTimers(o.clock.now(), SWEEP_LIMIT)) {
      if (stopped) return;
      try {
        const now = o.clock.now();
        const { moved, saga } = await o.sagas.transition(sagaId, (s) => onTimer(s, now, o.stepTimeoutMs, o.maxSends), now);
        if (!moved) await o.sagas.realignTimer(sagaId, saga);
      } catch (err) {
        o.logger.error({ err, saga_id: sagaId }, 'saga timer failed: will retry');
      }
    }
    await o.counts.refresh();
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
