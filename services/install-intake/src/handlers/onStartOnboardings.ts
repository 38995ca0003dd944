import {
  RefreshCommandType,
  RefreshReplyType,
  StartOnboardingsV1,
  eventOf,
  parseData,
  traceContext,
  type CloudEvent,
  type OnboardingsStartedV1,
  type SnapshotInstallation,
  type TraceContext,
} from '@lma/contracts';
import type { Clock } from '@lma/core';
import type { Aggregates } from '@lma/store';
import { sagaIdFor, startOnboarding } from '../domain/onboarding';
import { installFromSnapshot, otherOnboardingUnderway, snapshotInstallEventId } from '../domain/snapshotInstall';
import type { SagaStore } from '../infra/sagaStore';

/** A command handled, by its ce_id; its reply travels in its outbox. */
export interface HandledCommand {
  _id: string;
  type: string;
  jobId: string;
  page: number;
  handledAt: Date;
}

export interface StartOnboardingsDeps {
  sagas: SagaStore;
  handled: Aggregates<HandledCommand>;
  clock: Clock;
}

/** Installations of one page started at once (each its own sagas and keys). */
const CONCURRENCY = 16;

/**
 * A refresh found installations without a license: each starts the onboarding saga exactly as a
 * live install does (lead, then license; park, resume and undo included), unless a saga for the
 * same package and org is already under way or done (a live install that is parked, an earlier
 * refresh). One reply per command lists which were started; the command is recorded with its
 * reply in one write, so a redelivered command is answered once.
 */
export function onStartOnboardings(deps: StartOnboardingsDeps) {
  const startOne = async (i: SnapshotInstallation, now: Date, trace: TraceContext): Promise<boolean> => {
    const eventId = snapshotInstallEventId(i.packageId, i.subscriberOrgId);
    if (otherOnboardingUnderway(await deps.sagas.ofInstallation(i.packageId, i.subscriberOrgId), sagaIdFor(eventId))) return false;
    const { saga, command } = startOnboarding(eventId, installFromSnapshot(i), now);
    // false: started by an earlier refresh, or by this command before a crash
    return await deps.sagas.start(saga, command, now, trace);
  };

  return async (event: CloudEvent<unknown>): Promise<void> => {
    if (event.type !== RefreshCommandType.StartOnboardings) return;
    const cmd = parseData(StartOnboardingsV1, event.data);
    if (await deps.handled.get(event.id)) return; // answered already
    const trace = traceContext(event);
    const now = deps.clock.now();
    const installations = cmd.installations.filter((i) => i.packageId === cmd.packageId);
    const outcomes: boolean[] = [];
    for (let i = 0; i < installations.length; i += CONCURRENCY) {
      outcomes.push(...(await Promise.all(installations.slice(i, i + CONCURRENCY).map((x) => startOne(x, now, trace)))));
    }
    const started = installations.filter((_, i) => outcomes[i]).map((i) => i.subscriberOrgId);
    const existing = installations.filter((_, i) => !outcomes[i]).map((i) => i.subscriberOrgId);
    const reply = eventOf(
      RefreshReplyType.OnboardingsStarted,
      { jobId: cmd.jobId, packageId: cmd.packageId, page: cmd.page, started, existing } satisfies OnboardingsStartedV1,
      { id: `${cmd.jobId}:${cmd.page}:${RefreshReplyType.OnboardingsStarted}`, key: cmd.packageId, time: now, ...trace },
    );
    await deps.handled.insertOnce({ _id: event.id, type: event.type, jobId: cmd.jobId, page: cmd.page, handledAt: now }, [reply]);
  };
}
