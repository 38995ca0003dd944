import { type CloudEvent, traceContext, type TraceContext } from '@lma/contracts';
import { InternalSource, installationKey } from '@lma/contracts';
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
    const outbox = t.command ? outboxUpdate([commandEvent(saga, t.command, now, sagaTrace)], now) : undefined;
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
