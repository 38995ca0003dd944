import type { Express } from 'express';
import { authenticate, type ForwardVerifier } from '@lma/core';
import { mountChecks, type CheckAnswerer } from './api/checks';
import type { ApiDeps } from './api/deps';
import { mountLicenses } from './api/licenses';
import { mountPackages } from './api/packages';
import { mountRepublish } from './api/republish';
import { mountSeats } from './api/seats';

export interface AppDeps extends ApiDeps {
  /** The gateway's forwarded tokens (the only callers accepted), shared with the fast path. */
  auth: ForwardVerifier;
  /** The check answers with their metrics, shared with the fast path (checkFastPath.ts). */
  checkAnswers: CheckAnswerer;
}

/** The license service's part of the public API (libs/api/src/routes/license.ts), at /v1. */
export function createApp(deps: AppDeps) {
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    mountChecks(app, deps.checkAnswers);
    mountLicenses(app, deps);
    mountSeats(app, deps);
    mountPackages(app, deps);
    mountRepublish(app, deps);
  };
}
