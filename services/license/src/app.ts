import type { Express } from 'express';
import { z } from 'zod';
import { PackageId, SubscriberOrgId } from '@lma/contracts';
import { authenticate, NotFoundError, parseInput, requirePermission, type AuthOptions } from '@lma/core';
import { licenseIdFor, toLicenseV1 } from './domain/license';
import type { Models } from './infra/models';

export interface AppDeps {
  models: Models;
  auth: AuthOptions | undefined;
}

const LicenseKey = z.object({ packageId: PackageId, subscriberOrgId: SubscriberOrgId }).strict();

/** Routes of the license service (the full management API comes with its own issue). */
export function createApp(deps: AppDeps) {
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    app.get('/v1/packages/:packageId', requirePermission('packages:read'), async (req, res) => {
      const { packageId } = parseInput(z.object({ packageId: PackageId }), req.params, 'path');
      const pkg = await deps.models.Package.findById(packageId, { registrationEventId: 0 }).lean();
      if (!pkg) throw new NotFoundError(`Package ${packageId}`);
      const { _id, ...rest } = pkg;
      res.json({ packageId: _id, ...rest });
    });
    app.get('/v1/licenses', requirePermission('licenses:read'), async (req, res) => {
      const q = parseInput(LicenseKey, req.query, 'query');
      const l = await deps.models.License.findById(licenseIdFor(q.packageId, q.subscriberOrgId), { outbox: 0, outboxAt: 0 }).lean();
      if (!l || !l.licenseName || l.deletedAt) throw new NotFoundError(`License for package ${q.packageId} and org ${q.subscriberOrgId}`);
      res.json(toLicenseV1(l));
    });
  };
}
