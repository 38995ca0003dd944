import { type CloudEvent, traceContext, type TraceContext } from '@lma/contracts';
import { InternalSource, NotificationInputTopic, NotificationInputType, installationKey, type OnboardingFailedV1, type OnboardingParkedV1, type OnboardingUnparkedV1 } from '@lma/contracts';
import { outboxUpdate, type DocumentLocks, type OutgoingEvent } from '@lma/kafka';
import type { Onboarding, SagaCommand, Transition } from '../domain/onboarding';
import type { Models } from './models';

/** Observes sagas as they change (backed by Prometheus in main.ts). */
export interface SagaMetrics {
  /** A saga completed, `seconds` after it was created. */
  completed(seconds: number): void;
}

export function commandEvent(saga: Pick<Onboarding, 'packageId' | 'subscriberOrgId'>, c: SagaCommand, now: Date, trace: TraceContext): OutgoingEvent {
  return {
    topic: c.topic,
    // a re-sent command keeps its id; a new attempt of a step gets a new one
    id: c.id,
    source: InternalSource.InstallIntake,
    type: c.type,
    time: now.toISOString(),
    key: installationKey(saga.packageId, saga.subscriberOrgId),
    data: c.data,
    ...trace };
}

/** Failed, parked and un-parked sagas, published for the notification service (docs/notifications.md). */
function onboardingFacts(saga: Onboarding, t: Transition, now: Date, trace: TraceContext): OutgoingEvent[] {
  const fact = (id: string, type: string, data: object): OutgoingEvent => ({
    topic: NotificationInputTopic.OnboardingEvents,
    id,
    source: InternalSource.InstallIntake,
    type,
    time: now.toISOString(),
    key: installationKey(saga.packageId, saga.subscriberOrgId),
    data,
    ...trace,
  });
  const ref = { sagaId: saga._id, packageId: saga.packageId, subscriberOrgId: saga.subscriberOrgId };
  const next = t.set.state;
  const out: OutgoingEvent[] = [];
  if (saga.state === 'parked' && next !== undefined && next !== 'parked') {
    out.push(fact(`${saga._id}:unparked:${saga.pendingCommandId}`, NotificationInputType.OnboardingUnparked, { ...ref, state: next, at: now.toISOString() } satisfies OnboardingUnparkedV1));
  }
  if (next === 'failed' && saga.state !== 'failed') {
    const reason = t.set.failedReason ?? saga.failedReason ?? 'unknown';
    out.push(fact(`${saga._id}:failed`, NotificationInputType.OnboardingFailed, { ...ref, reason, failedAt: now.toISOString() } satisfies OnboardingFailedV1));
  }
  if (next === 'parked' && saga.state !== 'parked') {
    const last = t.records[t.records.length - 1];
    const parkedSince = (t.set.parkedSince ?? now).toISOString();
    out.push(
      fact(`${saga._id}:parked:${saga.pendingCommandId}`, NotificationInputType.OnboardingParked, {
        ...ref,
        reason: t.set.parkedReason ?? 'unknown',
        detail: last?.detail ?? '',
        parkedSince,
      } satisfies OnboardingParkedV1),
    );
  }
  return out;
}

/**
 * Applies one transition to one saga: read, decide (pure), then one document write holding the
 * new state, the history entry and the command to send (embedded outbox). Under the saga's
 * lock, so a reply, a resume and the sweeper never interleave on one saga in this process.
 */
export async function transition(
  deps: { models: Models; locks: DocumentLocks; kick: () => void; sagaMetrics?: SagaMetrics },
  sagaId: string,
  decide: (saga: Onboarding) => Transition | null,
  now: Date,
  trace: TraceContext = {},
): Promise<boolean> {
  const applied = await deps.locks.run(sagaId, async () => {
    const saga = (await deps.models.Onboarding.findById(sagaId, { outbox: 0 }).lean()) as Onboarding | null;
    if (!saga) return false;
    const t = decide(saga);
    if (!t) return false;
    const sagaTrace = trace.traceparent ? trace : traceContext(saga as unknown as CloudEvent);
    const events = [...(t.command ? [commandEvent(saga, t.command, now, sagaTrace)] : []), ...onboardingFacts(saga, t, now, sagaTrace)];
    const outbox = events.length ? outboxUpdate(events, now) : undefined;
    await deps.models.Onboarding.updateOne(
      { _id: sagaId },
      {
        $set: t.set,
        $push: { steps: { $each: t.records }, ...(outbox ? outbox.$push : {}) },
        ...(outbox ? { $min: outbox.$min } : {}) },
    );
    if (t.set.state === 'completed' && saga.createdAt) {
      const completedAt = t.set.completedAt ?? now;
      deps.sagaMetrics?.completed((completedAt.getTime() - new Date(saga.createdAt).getTime()) / 1000);
    }
    return true;
  });
  if (applied) deps.kick();
  return applied;
}
