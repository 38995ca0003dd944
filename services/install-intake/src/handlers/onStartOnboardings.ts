import {
  InternalSource,
  RefreshCommandType,
  RefreshReplyType,
  RefreshTopic,
  StartOnboardingsV1,
  parseData,
  traceContext,
  type CloudEvent,
  type OnboardingsStartedV1,
} from '@lma/contracts';
import { isDuplicateKey, type Clock } from '@lma/core';
import { outboxOnInsert, type Publisher } from '@lma/kafka';
import { sagaIdFor, startOnboarding } from '../domain/onboarding';
import { installFromSnapshot, snapshotInstallEventId } from '../domain/snapshotInstall';
import type { Models } from '../infra/models';
import { commandEvent } from '../infra/sagaStore';

export interface StartOnboardingsDeps {
  models: Models;
  publisher: Publisher;
  clock: Clock;
  kick: () => void;
}

/**
 * A refresh found installations without a license: each starts the onboarding saga exactly as a
 * live install does (lead, then license; park, resume and undo included), unless a saga for the
 * same package and org is already under way or done (a live install that is parked, an earlier
 * refresh). One reply per command lists which were started.
 */
export function onStartOnboardings(deps: StartOnboardingsDeps) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (event.type !== RefreshCommandType.StartOnboardings) return;
    const cmd = parseData(StartOnboardingsV1, event.data);
    const trace = traceContext(event);
    const now = deps.clock.now();
    const started: string[] = [];
    const existing: string[] = [];
    for (const i of cmd.installations) {
      if (i.packageId !== cmd.packageId) continue;
      const eventId = snapshotInstallEventId(i.packageId, i.subscriberOrgId);
      const other = await deps.models.Onboarding.findOne(
        { packageId: i.packageId, subscriberOrgId: i.subscriberOrgId, state: { $ne: 'failed' } },
        { _id: 1 },
      ).lean();
      if (other && other._id !== sagaIdFor(eventId)) {
        existing.push(i.subscriberOrgId);
        continue;
      }
      const { saga, command } = startOnboarding(eventId, installFromSnapshot(i), now);
      try {
        await deps.models.Onboarding.create({ ...saga, ...trace, ...outboxOnInsert([commandEvent(saga, command, now, trace)], now) });
        started.push(i.subscriberOrgId);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        existing.push(i.subscriberOrgId); // started by an earlier refresh, or by this command before a redelivery
      }
    }
    deps.kick();
    await deps.publisher.publish([
      {
        topic: RefreshTopic.RefreshReplies,
        id: `${cmd.jobId}:${cmd.page}:${RefreshReplyType.OnboardingsStarted}`,
        source: InternalSource.InstallIntake,
        type: RefreshReplyType.OnboardingsStarted,
        time: now.toISOString(),
        key: cmd.packageId,
        data: { jobId: cmd.jobId, packageId: cmd.packageId, page: cmd.page, started, existing } satisfies OnboardingsStartedV1,
        ...trace,
      },
    ]);
  };
}
