import { NotificationInputType, OnboardingFailedV1, OnboardingParkedV1, OnboardingUnparkedV1, parseData, type CloudEvent } from '@lma/contracts';
import { raise, type NotifierDeps } from '../infra/notifier';

/** install-intake's onboarding facts: a failure alerts at once; a parked saga is remembered until it goes on (the scanner alerts when it stays parked too long). */
export function onOnboardingEvent(deps: NotifierDeps & { linkBaseUrl: string; eventMaxAgeMs: number }) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const m = deps.models;
    switch (event.type) {
      case NotificationInputType.OnboardingFailed: {
        const d = parseData(OnboardingFailedV1, event.data);
        await m.Parked.deleteOne({ _id: d.sagaId });
        const occurredAt = new Date(d.failedAt);
        if (deps.clock.now().getTime() - occurredAt.getTime() > deps.eventMaxAgeMs) return;
        await raise(deps, {
          kind: 'onboarding-failed',
          occasion: `onboarding-failed:${d.sagaId}`,
          packageId: d.packageId,
          subscriberOrgId: d.subscriberOrgId,
          sagaId: d.sagaId,
          occurredAt,
          values: { sagaId: d.sagaId, packageId: d.packageId, subscriberOrgId: d.subscriberOrgId, reason: d.reason, detail: '', onboardingUrl: `${deps.linkBaseUrl}/onboardings/${d.sagaId}` },
        });
        return;
      }
      case NotificationInputType.OnboardingParked: {
        const d = parseData(OnboardingParkedV1, event.data);
        // the first report of a parking stays (a redelivery changes nothing)
        await deps.store.claimKey(m.Parked.collection.collectionName, {
          _id: d.sagaId,
          packageId: d.packageId,
          subscriberOrgId: d.subscriberOrgId,
          reason: d.reason,
          detail: d.detail,
          parkedSince: new Date(d.parkedSince),
        });
        return;
      }
      case NotificationInputType.OnboardingUnparked: {
        const d = parseData(OnboardingUnparkedV1, event.data);
        await m.Parked.deleteOne({ _id: d.sagaId });
        return;
      }
    }
  };
}
