import type { Registry } from 'prom-client';
import type { Clock } from '@lma/core';
import type { CheckReadModel } from '../infra/checkReadModel';
import type { ChangeDeps } from '../infra/licenseChanges';
import type { Models } from '../infra/models';

export interface ApiDeps extends ChangeDeps {
  /** Reads of the API's pages (declared queries: infra/queries.ts) and `_id` lookups. */
  models: Models;
  clock: Clock;
  checks: CheckReadModel;
  metrics: Registry;
}

/** Today (UTC) by the service clock, `YYYY-MM-DD`. */
export const today = (clock: Clock): string => clock.now().toISOString().slice(0, 10);
