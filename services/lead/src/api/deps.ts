import type { AuthOptions, Clock } from '@lma/core';
import type { DocumentLocks } from '@lma/kafka';
import type { Models } from '../infra/models';

export interface ApiDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
  /** Wakes the outbox relay after a write that queued events. */
  kick: () => void;
  auth: AuthOptions | undefined;
}
