import {
  NotificationInputType,
  eventOf,
  installationKey,
  type OnboardingFailedV1,
  type OnboardingParkedV1,
  type OnboardingUnparkedV1,
  type TopicEvent,
  type TraceContext,
} from '@lma/contracts';
import type { Onboarding, SagaCommand, Transition } from './onboarding';

/** A step's command as an event, keyed by the installation (per-installation order on its topic). */
export function commandEvent(saga: Pick<Onboarding, 'packageId' | 'subscriberOrgId'>, c: SagaCommand, now: Date, trace: TraceContext): TopicEvent {
  // a re-sent command keeps its id; a new attempt of a step gets a new one
  return eventOf(c.type, c.data, { id: c.id, key: installationKey(saga.packageId, saga.subscriberOrgId), time: now, ...trace });
}

/** Failed, parked and un-parked sagas, published for the notification service (docs/notifications.md). */
export function onboardingFacts(saga: Onboarding, t: Transition, now: Date, trace: TraceContext): TopicEvent[] {
  const key = installationKey(saga.packageId, saga.subscriberOrgId);
  const fact = <T>(id: string, type: string, data: T): TopicEvent => eventOf(type, data, { id, key, time: now, ...trace });
  const ref = { sagaId: saga._id, packageId: saga.packageId, subscriberOrgId: saga.subscriberOrgId };
  const next = t.set.state;
  const out: TopicEvent[] = [];
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

/** Everything a transition of `saga` publishes: the command it sends, then the facts it raises. */
export function transitionEvents(saga: Onboarding, t: Transition, now: Date, trace: TraceContext): TopicEvent[] {
  return [...(t.command ? [commandEvent(saga, t.command, now, trace)] : []), ...onboardingFacts(saga, t, now, trace)];
}
