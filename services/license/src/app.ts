import type { Express } from 'express';
import { authenticate, type AuthOptions } from '@lma/core';
import { mountChecks } from './api/checks';
import type { ApiDeps } from './api/deps';
import { mountLicenses } from './api/licenses';
import { mountPackages } from './api/packages';
import { mountSeats } from './api/seats';

export interface AppDeps extends ApiDeps {
  auth: AuthOptions | undefined;
}

/** The license service's part of the public API (libs/api/src/routes/license.ts), at /v1. */
export function createApp(deps: AppDeps) {
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    mountChecks(app, deps);
    mountLicenses(app, deps);
    mountSeats(app, deps);
    mountPackages(app, deps);
  };
}
