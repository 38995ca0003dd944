import type { Express } from 'express';
import { authenticate, type AuthOptions } from '@lma/core';

export interface AppDeps {
  auth: AuthOptions | undefined;
}

/** Routes of this service: every one under /v1 is authenticated; its features come with their issue. */
export function createApp(deps: AppDeps) {
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
  };
}
