import type { Express } from 'express';
import { getOnboarding, getOnboardingByEvent, listOnboardingAttention, listOnboardings, mountRoute, retryOnboarding } from '@lma/api';
import { ConflictError, NotFoundError, authenticate, type Clock, type ForwardVerifier } from '@lma/core';
import type { Aggregates } from '@lma/store';
import { describeAttention, describeOnboarding, latestOnboardings } from './domain/diagnostics';
import { resume, sagaIdFor, type Onboarding } from './domain/onboarding';
import type { InboundEvent } from './infra/models';
import type { SagaStore } from './infra/sagaStore';

export interface AppDeps {
  sagas: SagaStore;
  inbound: Aggregates<InboundEvent>;
  clock: Clock;
  /** The gateway's forwarded tokens (the only callers accepted). */
  auth: ForwardVerifier;
}

/** Onboardings the list shows at most. */
const LIST_LIMIT = 20;

/** Diagnostics: where an install's onboarding stands and why; retry of a parked one (routes in @lma/api). */
export function createApp(deps: AppDeps) {
  const load = async (sagaId: string): Promise<Onboarding> => {
    const saga = await deps.sagas.get(sagaId);
    if (!saga) throw new NotFoundError(`Onboarding ${sagaId}`);
    return saga;
  };
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    mountRoute(app, listOnboardings, async ({ query }) => {
      const sagas = latestOnboardings(await deps.sagas.ofInstallation(query.packageId, query.subscriberOrgId), LIST_LIMIT);
      if (sagas.length === 0) throw new NotFoundError(`No onboarding for package ${query.packageId} and org ${query.subscriberOrgId}`);
      return { items: sagas.map(describeOnboarding) };
    });
    // before /onboardings/{sagaId}, which would take `attention` for an id
    mountRoute(app, listOnboardingAttention, async ({ query }) => {
      const page = await deps.sagas.needingAttention(query);
      return { items: page.items.map(describeAttention), nextCursor: page.nextCursor };
    });
    mountRoute(app, getOnboardingByEvent, async ({ params: { eventId } }) => {
      // the saga id derives from the event that started it
      const saga = await deps.sagas.get(sagaIdFor(eventId));
      if (!saga) {
        const inbound = await deps.inbound.get(eventId);
        throw new NotFoundError(inbound ? `Event ${eventId} (${inbound.type}) starts no onboarding` : `Event ${eventId} was never accepted (see the dead-letter topic)`);
      }
      return describeOnboarding(saga);
    });
    mountRoute(app, getOnboarding, async ({ params: { sagaId } }) => describeOnboarding(await load(sagaId)));
    mountRoute(app, retryOnboarding, async ({ params: { sagaId }, principal }) => {
      const now = deps.clock.now();
      const { moved, saga } = await deps.sagas.transition(sagaId, (s) => resume(s, now, `retried by ${principal.subject}`), now);
      if (!saga) throw new NotFoundError(`Onboarding ${sagaId}`);
      if (!moved) throw new ConflictError('onboarding-not-parked', `Onboarding ${sagaId} is ${saga.state}; only a parked onboarding can be retried`);
      return describeOnboarding(saga);
    });
  };
}
