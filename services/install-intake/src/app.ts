import type { Express } from 'express';
import { getOnboarding, getOnboardingByEvent, listOnboardings, mountRoute, retryOnboarding } from '@lma/api';
import { ConflictError, NotFoundError, authenticate, type AuthOptions, type Clock } from '@lma/core';
import type { DocumentLocks } from '@lma/kafka';
import { describeOnboarding } from './domain/diagnostics';
import { resume, type Onboarding } from './domain/onboarding';
import type { Models } from './infra/models';
import { transition } from './infra/sagaStore';

export interface AppDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
  kick: () => void;
  auth: AuthOptions | undefined;
}

const PROJECTION = { outbox: 0, outboxAt: 0 } as const;

/** Diagnostics: where an install's onboarding stands and why; retry of a parked one (routes in @lma/api). */
export function createApp(deps: AppDeps) {
  const load = async (sagaId: string): Promise<Onboarding> => {
    const saga = (await deps.models.Onboarding.findById(sagaId, PROJECTION).lean()) as Onboarding | null;
    if (!saga) throw new NotFoundError(`Onboarding ${sagaId}`);
    return saga;
  };
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    mountRoute(app, listOnboardings, async ({ query }) => {
      const sagas = (await deps.models.Onboarding.find({ packageId: query.packageId, subscriberOrgId: query.subscriberOrgId }, PROJECTION)
        .sort({ createdAt: -1 })
        .limit(20)
        .lean()) as Onboarding[];
      if (sagas.length === 0) throw new NotFoundError(`No onboarding for package ${query.packageId} and org ${query.subscriberOrgId}`);
      return { items: sagas.map(describeOnboarding) };
    });
    mountRoute(app, getOnboardingByEvent, async ({ params: { eventId } }) => {
      const saga = (await deps.models.Onboarding.findOne({ installEventId: eventId }, PROJECTION).lean()) as Onboarding | null;
      if (!saga) {
        const inbound = await deps.models.InboundEvent.findById(eventId, { type: 1 }).lean();
        throw new NotFoundError(inbound ? `Event ${eventId} (${inbound.type}) starts no onboarding` : `Event ${eventId} was never accepted (see the dead-letter topic)`);
      }
      return describeOnboarding(saga);
    });
    mountRoute(app, getOnboarding, async ({ params: { sagaId } }) => describeOnboarding(await load(sagaId)));
    mountRoute(app, retryOnboarding, async ({ params: { sagaId }, principal }) => {
      const resumed = await transition(deps, sagaId, (saga) => resume(saga, deps.clock.now(), `retried by ${principal.subject}`), deps.clock.now());
      const saga = await load(sagaId);
      if (!resumed) throw new ConflictError(`Onboarding ${sagaId} is ${saga.state}; only a parked onboarding can be retried`);
      return describeOnboarding(saga);
    });
  };
}
