import type { Express } from 'express';
import { authenticate } from '@lma/core';
import { mountAudit } from './api/audit';
import type { ApiDeps } from './api/deps';
import { mountLeads } from './api/leads';
import { mountRouting } from './api/routing';
import { mountTeamMembers } from './api/teamMembers';

export type { ApiDeps as AppDeps } from './api/deps';

/** Routes of the lead service; every one needs a bearer token and names its permission. */
export function createApp(deps: ApiDeps) {
  return (app: Express): void => {
    app.use('/v1', authenticate(deps.auth));
    mountTeamMembers(app, deps);
    mountRouting(app, deps);
    mountLeads(app, deps);
    mountAudit(app, deps);
  };
}
