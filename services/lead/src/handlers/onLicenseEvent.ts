import { LicenseEventType, LicenseV1, parseData, type CloudEvent } from '@lma/contracts';
import type { Clock } from '@lma/core';
import type { DocumentLocks } from '@lma/kafka';
import { isNewer, licenseCopy, type LicenseCopy } from '../domain/licenses';
import type { Models } from '../infra/models';

export interface LicenseEventDeps {
  models: Models;
  locks: DocumentLocks;
  clock: Clock;
}

/**
 * `lma.license.events` -> the lead service's copy of each license. Every event carries the whole
 * license, so the copy is replaced by any newer revision; repeats and stale redeliveries are
 * dropped by revision (idempotent without an inbox). Events of one license share a key, hence a
 * partition and one consumer; the lock covers concurrent handlers within the process.
 */
export function onLicenseEvent(deps: LicenseEventDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const license = parseData(LicenseV1, event.data);
    await deps.locks.run(`license:${license.licenseId}`, async () => {
      const current = (await deps.models.License.findById(license.licenseId, { revision: 1 }).lean()) as Pick<LicenseCopy, 'revision'> | null;
      if (!isNewer(current, license)) return;
      const copy = licenseCopy(license, event.type === LicenseEventType.Deleted, deps.clock.now());
      await deps.models.License.replaceOne({ _id: copy._id }, copy, { upsert: true });
    });
  };
}
