import type { Express } from 'express';
import { z } from 'zod';
import { PackageId, SubscriberOrgId } from '@lma/contracts';
import { ConflictError, NotFoundError, authenticate, parseInput, requirePermission, type AuthOptions, type Clock } from '@lma/core';
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

const OnboardingQuery = z.object({ packageId: PackageId, subscriberOrgId: SubscriberOrgId }).strict();
const SagaParams = z.object({ sagaId: z.string().regex(/^onb:[A-Za-z0-9._:-]{1,256}$/, 'must be an onboarding id (onb:...)') }).strict();
const EventParams = z.object({ eventId: z.string().regex(/^[A-Za-z0-9._:-]{1,256}$/, 'must be an event id') }).strict();

const PROJECTION = { outbox: 0, outboxAt: 0 } as const;

/** Diagnostics: where an install's onboarding stands and why; retry of a parked one. */
export function createApp(deps: AppDeps) {
  const load = async (sagaId: string): Promise<Onboarding> => {
    const saga = (await deps.models.Onboarding.findById(sagaId, PROJECTION).lean()) as Onboarding | null;
    if (!saga) throw new NotFoundError(`Onboarding ${sagaId}`);
    return saga;
  };
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    app.get('/v1/onboardings', requirePermission('licenses:read'), async (req, res) => {
      const q = parseInput(OnboardingQuery, req.query, 'query');
      const sagas = (await deps.models.Onboarding.find({ packageId: q.packageId, subscriberOrgId: q.subscriberOrgId }, PROJECTION)
        .sort({ createdAt: -1 })
        .limit(20)
        .lean()) as Onboarding[];
      if (sagas.length === 0) throw new NotFoundError(`No onboarding for package ${q.packageId} and org ${q.subscriberOrgId}`);
      res.json({ items: sagas.map(describeOnboarding) });
    });
    app.get('/v1/onboardings/by-event/:eventId', requirePermission('licenses:read'), async (req, res) => {
      const { eventId } = parseInput(EventParams, req.params, 'path');
      const saga = (await deps.models.Onboarding.findOne({ installEventId: eventId }, PROJECTION).lean()) as Onboarding | null;
      if (!saga) {
        const inbound = await deps.models.InboundEvent.findById(eventId, { type: 1 }).lean();
        throw new NotFoundError(inbound ? `Event ${eventId} (${inbound.type}) starts no onboarding` : `Event ${eventId} was never accepted (see the dead-letter topic)`);
      }
      res.json(describeOnboarding(saga));
    });
    app.get('/v1/onboardings/:sagaId', requirePermission('licenses:read'), async (req, res) => {
      const { sagaId } = parseInput(SagaParams, req.params, 'path');
      res.json(describeOnboarding(await load(sagaId)));
    });
    app.post('/v1/onboardings/:sagaId/retry', requirePermission('licenses:edit'), async (req, res) => {
      const { sagaId } = parseInput(SagaParams, req.params, 'path');
      const who = req.principal!.subject;
      const resumed = await transition(deps, sagaId, (saga) => resume(saga, deps.clock.now(), `retried by ${who}`), deps.clock.now());
      const saga = await load(sagaId);
      if (!resumed) throw new ConflictError(`Onboarding ${sagaId} is ${saga.state}; only a parked onboarding can be retried`);
      res.status(202).json(describeOnboarding(saga));
    });
  };
}
