import type { Express } from 'express';
import { authenticate, NotFoundError, parseInput, requirePermission, type AuthOptions } from '@lma/core';
import { PackageId, SubscriberOrgId } from '@lma/contracts';
import { z } from 'zod';
import type { Models } from './infra/models';

export interface AppDeps {
  models: Models;
  auth: AuthOptions | undefined;
}

const OnboardingQuery = z.object({ packageId: PackageId, subscriberOrgId: SubscriberOrgId }).strict();

/** Routes of install-intake: where an installation's onboarding stands. */
export function createApp(deps: AppDeps) {
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    app.get('/v1/onboardings', requirePermission('licenses:read'), async (req, res) => {
      const q = parseInput(OnboardingQuery, req.query, 'query');
      const sagas = await deps.models.Onboarding.find(
        { packageId: q.packageId, subscriberOrgId: q.subscriberOrgId },
        { outbox: 0, outboxAt: 0, install: 0 },
      )
        .sort({ createdAt: -1 })
        .limit(20)
        .lean();
      if (sagas.length === 0) throw new NotFoundError(`No onboarding for package ${q.packageId} and org ${q.subscriberOrgId}`);
      res.json({ items: sagas.map(({ _id, ...s }) => ({ sagaId: _id, ...s })) });
    });
  };
}
