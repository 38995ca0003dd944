import type { Registry } from 'prom-client';
import type { Clock } from '@lma/core';
import type { DocumentLocks } from '@lma/kafka';
import type { CheckReadModel } from '../infra/checkReadModel';
import type { Models } from '../infra/models';

export interface ApiDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
  /** Wakes the outbox relay after a write with events. */
  kick: () => void;
  checks: CheckReadModel;
  metrics: Registry;
}

/** Today (UTC) by the service clock, `YYYY-MM-DD`. */
export const today = (clock: Clock): string => clock.now().toISOString().slice(0, 10);
