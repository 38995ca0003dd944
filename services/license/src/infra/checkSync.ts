import { hostname } from 'node:os';
import { LICENSE_EVENTS_TOPIC } from '@lma/contracts';
import type { Runtime } from '@lma/service';
import type { CheckReadModel } from './checkReadModel';

/**
 * Keeps the license check read model of this process current with every replica's writes: it is
 * told of this process's own at once (it is their LicenseWriteListener), and of all of them
 * through `lma.license.events`, read by a consumer group of its own per process
 * (`license.checks.<host>.<pid>`, from the latest offset: the model starts empty; deleted when the
 * process stops), so each replica sees every event. Events only invalidate (revision-guarded),
 * so redeliveries and replays are harmless.
 */
export async function followLicenseEvents(rt: Runtime, checks: CheckReadModel): Promise<void> {
  await rt.consume({
    group: `license.checks.${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}.${process.pid}`,
    topics: [LICENSE_EVENTS_TOPIC],
    fromBeginning: false,
    ephemeralGroup: true,
    handle: async (event) => {
      const d = event.data as { licenseId?: unknown; revision?: unknown } | null;
      if (typeof d?.licenseId === 'string' && typeof d.revision === 'number') checks.eventSeen(d.licenseId, d.revision);
    },
  });
}
