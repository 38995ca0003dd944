import {
  InternalSource,
  InternalTopic,
  LICENSE_EVENTS_SOURCE,
  LICENSE_EVENTS_TOPIC,
  LicenseEventType,
  ReplyType,
  formatLicenseName,
  licenseEventKey,
  type LicenseCreatedReplyV1,
} from '@lma/contracts';
import { outboxUpdate, type OutgoingEvent } from '@lma/kafka';
import { toLicenseV1, type License } from '../domain/license';
import type { Models } from './models';

const SEQUENCE = 'license-name';

/**
 * Names a new license from one global sequence, with no gaps and no duplicates across replicas
 * and crashes. The counter records which license took its current value; whoever takes the next
 * value first completes that license's naming if a crash interrupted it. Naming and the
 * `lma.license.created` event (plus the saga reply) are one single-document write.
 */
export async function nameLicense(m: Models, licenseId: string, now: Date, trace: object): Promise<License> {
  for (;;) {
    const named = await m.License.findById(licenseId).lean();
    if (!named) throw new Error(`license ${licenseId} vanished before it was named`);
    if (named.licenseNumber !== null && named.licenseNumber !== undefined) return named;

    const counter = await m.Counter.findOneAndUpdate(
      { _id: SEQUENCE },
      { $setOnInsert: { seq: 0, last: null } },
      { upsert: true, new: true },
    ).lean();
    if (!counter) continue;
    if (counter.last !== null && counter.last !== undefined) {
      await finishNaming(m, counter.last, counter.seq, now, trace);
      if (counter.last === licenseId) continue;
    }
    const next = counter.seq + 1;
    const took = await m.Counter.updateOne({ _id: SEQUENCE, seq: counter.seq }, { $set: { seq: next, last: licenseId } });
    if (took.modifiedCount === 1) await finishNaming(m, licenseId, next, now, trace);
  }
}

/** Gives `licenseId` the number `n` unless it already has one; idempotent. */
async function finishNaming(m: Models, licenseId: string, n: number, now: Date, trace: object): Promise<void> {
  const l = await m.License.findById(licenseId).lean();
  if (!l || (l.licenseNumber !== null && l.licenseNumber !== undefined)) return;
  const named: License = { ...l, licenseNumber: n, licenseName: formatLicenseName(n), revision: 1, updatedAt: now };
  const events: OutgoingEvent[] = [
    {
      topic: LICENSE_EVENTS_TOPIC,
      id: `${licenseId}:1`,
      source: LICENSE_EVENTS_SOURCE,
      type: LicenseEventType.Created,
      time: now.toISOString(),
      key: licenseEventKey(named),
      data: toLicenseV1(named),
      ...trace,
    },
  ];
  if (l.createdFor) {
    events.push({
      topic: InternalTopic.SagaReplies,
      id: `${l.createdFor.commandId}:reply`,
      source: InternalSource.License,
      type: ReplyType.LicenseCreated,
      time: now.toISOString(),
      key: licenseEventKey(named),
      data: {
        sagaId: l.createdFor.sagaId,
        commandId: l.createdFor.commandId,
        licenseId,
        licenseName: named.licenseName!,
        existing: false,
      } satisfies LicenseCreatedReplyV1,
      ...trace,
    });
  }
  await m.License.updateOne(
    { _id: licenseId, licenseNumber: null },
    { $set: { licenseNumber: n, licenseName: named.licenseName, revision: 1, updatedAt: now }, ...outboxUpdate(events, now) },
  );
}
