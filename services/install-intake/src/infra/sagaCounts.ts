import type { Model } from 'mongoose';
import { ParkReason } from '@lma/contracts';
import type { Store } from '@lma/store';
import type { SagaState } from '../domain/onboarding';
import { PENDING_STATES, type PendingState, type SagaTimer } from '../domain/sagaTimers';
import { Collections } from './models';

/** How many sagas ended, over every replica and restart (`saga_counts`, one document). */
export interface SagaTotals {
  _id: string;
  completed: number;
  failed: number;
}
export const SAGA_TOTALS_ID = 'ended';

type Ended = 'completed' | 'failed';

/**
 * The gauges' numbers, kept by the periodic task so that a scrape reads no database: sagas not
 * ended are counted from their timers (bounded by pending work); ended ones (history) are counted
 * as they end, added to the stored totals once a sweep through the store (a version-conditional
 * write, so replicas never lose each other's additions). A crash loses the ends of its last sweep
 * interval from the totals.
 */
export interface SagaCounts {
  /** A saga ended in this process. */
  ended(state: Ended): void;
  /** Counts the timers and saves this process's ended sagas into the totals (the sweeper calls it). */
  refresh(): Promise<void>;
  byState(): Record<SagaState, number>;
  parkedByReason(): Record<ParkReason, number>;
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function createSagaCounts(store: Store, timers: Model<SagaTimer>): SagaCounts {
  const totals = store.aggregates<SagaTotals>(Collections.sagaCounts);
  const unsaved: Record<Ended, number> = { completed: 0, failed: 0 };
  let saved: Record<Ended, number> = { completed: 0, failed: 0 };
  let pending = zeros<PendingState>(PENDING_STATES);
  let parked = zeros<ParkReason>(ParkReason.options);

  return {
    ended(state) {
      unsaved[state]++;
    },
    async refresh() {
      const [states, reasons] = await Promise.all([
        Promise.all(PENDING_STATES.map((state) => timers.countDocuments({ state }))),
        Promise.all(ParkReason.options.map((parkedReason) => timers.countDocuments({ state: 'parked', parkedReason }))),
      ]);
      const adding = { ...unsaved };
      const stored =
        adding.completed || adding.failed
          ? (
              await totals.update(SAGA_TOTALS_ID, (cur) => ({
                state: { _id: SAGA_TOTALS_ID, completed: (cur?.completed ?? 0) + adding.completed, failed: (cur?.failed ?? 0) + adding.failed },
              }))
            ).state
          : await totals.get(SAGA_TOTALS_ID);
      // together, with no await between: a scrape sees each ended saga once
      unsaved.completed -= adding.completed;
      unsaved.failed -= adding.failed;
      saved = { completed: stored?.completed ?? 0, failed: stored?.failed ?? 0 };
      pending = Object.fromEntries(PENDING_STATES.map((s, i) => [s, states[i] ?? 0])) as Record<PendingState, number>;
      parked = Object.fromEntries(ParkReason.options.map((r, i) => [r, reasons[i] ?? 0])) as Record<ParkReason, number>;
    },
    byState: () => ({ ...pending, completed: saved.completed + unsaved.completed, failed: saved.failed + unsaved.failed }),
    parkedByReason: () => ({ ...parked }),
  };
}
