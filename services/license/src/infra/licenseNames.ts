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
import { isDuplicateKey, updateOneIf } from '@lma/core';
import { outboxUpdate, type DocumentLocks, type OutgoingEvent } from '@lma/kafka';
import { toLicenseV1, type License } from '../domain/license';
import { licenseWriteHooks } from './licenseChanges';
import type { Models } from './models';

/**
 * Names a new license from one global sequence: no gaps from retries, no duplicates across
 * replicas. The number is taken by inserting `max + 1` into `license_numbers` (unique `_id`, unique
 * `licenseId`); losing a race means trying the next one, and a retry after a crash finds the
 * number it already took. Naming and `lma.license.created` (plus the saga reply) are then one
 * single-document write.
 */
export async function nameLicense(m: Models, locks: DocumentLocks, licenseId: string, now: Date, trace: object): Promise<void> {
  // one number at a time per process: concurrent namings here never race each other for the same one
  const n = await locks.run(SEQUENCE_LOCK, () => takeNumber(m, licenseId, now));
  await locks.run(licenseId, () => finishNaming(m, licenseId, n, now, trace));
}

/**
 * The highest number this process took or saw taken. The next number is tried from it first,
 * without asking for the highest claim (a sorted read of every claim on FerretDB; one index step on
 * MongoDB); it is never above the highest claim, so trying the one after it never leaves a gap.
 * Only when another replica took it meanwhile is the highest claim read.
 */
let lastKnown = 0;
const SEQUENCE_LOCK = 'license-number-sequence';

async function takeNumber(m: Models, licenseId: string, now: Date): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const highest = attempt === 0 && lastKnown > 0 ? lastKnown : ((await m.LicenseNumberClaim.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean())?._id ?? 0);
    const next = Math.max(highest, lastKnown) + 1;
    try {
      await m.LicenseNumberClaim.create({ _id: next, licenseId, claimedAt: now });
      lastKnown = Math.max(lastKnown, next);
      return next;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // taken meanwhile by another license, or this license took a number before (a retry after
      // a crash): the unique licenseId index refuses a second one, and the first is the answer
      const mine = await m.LicenseNumberClaim.findOne({ licenseId }, { _id: 1 }).lean();
      if (mine) return mine._id;
    }
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
      id: `${l.createdFor.commandId}:${ReplyType.LicenseCreated}`,
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
  await updateOneIf(
    m.License,
    licenseId,
    { licenseNumber: null },
    { $set: { licenseNumber: n, licenseName: named.licenseName, revision: 1, updatedAt: now }, ...outboxUpdate(events, now) },
  );
  licenseWriteHooks.licenseWritten?.({ ...named, revision: 1, updatedAt: now }, LicenseEventType.Created);
}
