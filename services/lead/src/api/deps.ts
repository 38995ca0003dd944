import type { Clock, ForwardVerifier } from '@lma/core';
import type { LeadData } from '../infra/aggregates';
import type { Models } from '../infra/models';

export interface ApiDeps {
  /** Reads of list pages (declared in infra/queries.ts) and the audit. */
  models: Models;
  /** Everything else: reads and writes by `_id` through the store. */
  data: LeadData;
  clock: Clock;
  /** The gateway's forwarded tokens (the only callers accepted). */
  auth: ForwardVerifier;
}
