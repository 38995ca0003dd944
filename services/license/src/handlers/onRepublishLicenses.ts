import { RepublishLicensesV1, parseData, traceContext, type CloudEvent } from '@lma/contracts';
import type { Clock } from '@lma/core';
import { republishEventOf, withProgress } from '../domain/republish';
import type { LicenseData } from '../infra/aggregates';
import type { Models } from '../infra/models';

export interface RepublishDeps {
  data: LicenseData;
  models: Models;
  clock: Clock;
  /** The request's count is written after every this many licenses. */
  progressEvery?: number;
}

/**
 * `lma.command.license.republish`: one pass over the licenses of the package (or all of them),
 * streamed in batches (a declared query: infra/queries.ts), each written through the store with
 * its republish event in its outbox and its state unchanged. The request records how far it is.
 * A command redelivered after a crash runs the pass again: its events have the same ce_ids, and
 * consumers drop what they have by revision.
 */
export function onRepublishLicenses(deps: RepublishDeps) {
  const every = deps.progressEvery ?? 500;
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const cmd = parseData(RepublishLicensesV1, event.data);
    const requests = deps.data.republishRequests;
    if ((await requests.get(cmd.requestId))?.state === 'done') return;
    const progress = (n: number, done: boolean) =>
      requests.update(cmd.requestId, (r) => {
        const next = withProgress(r, n, done, deps.clock.now());
        return next && { state: next };
      });
    await progress(0, false);
    const trace = traceContext(event);
    let republished = 0;
    const filter = cmd.packageId === null ? {} : { packageId: cmd.packageId };
    for await (const { _id } of deps.models.License.find(filter, { _id: 1 }).lean<{ _id: string }>().cursor({ batchSize: 1000 })) {
      const written = await deps.data.licenses.update(_id, (l) => {
        const e = l && republishEventOf(l, cmd, deps.clock.now(), trace);
        return e ? { state: l, events: [e] } : null;
      });
      if (written.written && ++republished % every === 0) await progress(republished, false);
    }
    await progress(republished, true);
  };
}
