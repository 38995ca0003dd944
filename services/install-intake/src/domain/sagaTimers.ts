import type { ParkReason } from '@lma/contracts';
import { hasEnded, resendWaitMs, type Onboarding, type SagaState } from './onboarding';

/** States of a saga that has not ended: each has a timer. */
export type PendingState = Exclude<SagaState, 'completed' | 'failed'>;
export const PENDING_STATES: readonly PendingState[] = ['lead_requested', 'license_requested', 'withdrawing_lead', 'parked'];

/**
 * When the sweeper must look at a saga that has not ended (its command's re-send time, or its
 * parked retry time), with the fields resume triggers and gauges filter on. One per pending
 * saga, none for an ended one: the timers hold pending work, never history. The saga decides:
 * a timer that does not match its saga (stale, early) only makes the sweeper look and realign it.
 */
export interface SagaTimer {
  /** The saga id. */
  _id: string;
  dueAt: Date;
  state: PendingState;
  packageId: string;
  subscriberOrgId: string;
  parkedReason: ParkReason | null;
}

/** The timer `saga` needs, or null once it has ended. */
export function timerOf(saga: Onboarding, timeoutMs: number): SagaTimer | null {
  if (hasEnded(saga.state)) return null;
  const state = saga.state as PendingState;
  const parked = state === 'parked';
  const dueAt = parked
    ? (saga.parkedRetryAt ?? saga.updatedAt)
    : saga.commandSentAt
      ? new Date(saga.commandSentAt.getTime() + resendWaitMs(saga.sends, timeoutMs))
      : saga.updatedAt;
  return { _id: saga._id, dueAt, state, packageId: saga.packageId, subscriberOrgId: saga.subscriberOrgId, parkedReason: parked ? saga.parkedReason : null };
}

export const sameTimer = (a: SagaTimer, b: SagaTimer): boolean =>
  a._id === b._id && a.dueAt.getTime() === b.dueAt.getTime() && a.state === b.state && a.parkedReason === b.parkedReason && a.packageId === b.packageId;
