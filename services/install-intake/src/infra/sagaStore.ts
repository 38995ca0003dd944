import { installationKey, traceContext, type TraceContext } from '@lma/contracts';
import type { Store } from '@lma/store';
import { newestFirstPage } from '@lma/api';
import { attentionMatches, attentionOf, sameAttention, type OnboardingAttention } from '../domain/attention';
import { applyTransition, type Onboarding, type ResumeCause, type SagaCommand, type Transition } from '../domain/onboarding';
import { commandEvent, transitionEvents } from '../domain/sagaEvents';
import { sameTimer, timerOf, type SagaTimer } from '../domain/sagaTimers';
import { Collections, type InstallationOnboardings, type Models } from './models';

/** Observes sagas as they change (backed by Prometheus in main.ts). */
export interface SagaMetrics {
  /** A transition of this process was written: `before` became `after`. */
  changed(before: Onboarding, after: Onboarding): void;
}

export interface Moved {
  /** Whether a transition was written. */
  moved: boolean;
  /** The saga as written, or as last read when nothing was (null: no such saga). */
  saga: Onboarding | null;
}

/**
 * The onboarding sagas and what indexes them, all by `_id` but for the timers (infra/queries.ts):
 * - a saga is written through the store only (one version-conditional write of the state with the
 *   commands and facts it publishes, so a reply, a resume and the sweeper, in any replica, never
 *   lose each other's transitions);
 * - its timer (domain/sagaTimers.ts) is written before the saga write that needs it and deleted
 *   after the saga ended; the sweeper realigns a timer that does not fit its saga;
 * - its installation's key document lists its id, written before the saga is inserted (a key naming
 *   a saga that was never inserted is ignored when read);
 * - its attention record (domain/attention.ts) while it is parked or failed, written before the saga
 *   write that parks or fails it and deleted after the one that resumes it (one that does not match
 *   its saga, left by a crash in between, is never listed).
 */
export interface SagaStore {
  get(sagaId: string): Promise<Onboarding | null>;
  /** Inserts a new saga with its first command unless it exists; true if this call started it. */
  start(saga: Onboarding, command: SagaCommand, now: Date, trace: TraceContext): Promise<boolean>;
  /**
   * Applies the pure `decide` to the saga and writes what it returns with its events; decided
   * again on the fresh saga after a lost race. Nothing is written when it returns null.
   */
  transition(sagaId: string, decide: (saga: Onboarding) => Transition | null, now: Date, trace?: TraceContext): Promise<Moved>;
  /** The sagas of one installation (package and subscriber org), in no particular order. */
  ofInstallation(packageId: string, subscriberOrgId: string): Promise<Onboarding[]>;
  /** Ids of sagas whose timer is due. */
  dueTimers(now: Date, limit: number): Promise<string[]>;
  /** Ids of sagas whose timer says they are parked for one of the cause's reasons (the saga decides). */
  parkedFor(cause: ResumeCause): Promise<string[]>;
  /** Writes the timer `saga` needs (or deletes it), after a timer went off for nothing. */
  realignTimer(sagaId: string, saga: Onboarding | null): Promise<void>;
  /** A page of the parked and failed sagas (one state, or both), newest first, each with its saga. */
  needingAttention(q: { state?: 'parked' | 'failed' | undefined; cursor?: string | undefined; limit: number }): Promise<{ items: Onboarding[]; nextCursor: string | null }>;
  /** Forgets the failed sagas that failed before `cutoff` (the parked ones stay until they resume); how many. */
  pruneAttention(cutoff: Date): Promise<number>;
}

export function createSagaStore(deps: { store: Store; models: Models; stepTimeoutMs: number; metrics?: SagaMetrics }): SagaStore {
  const sagas = deps.store.aggregates<Onboarding>(deps.models.Onboarding);
  const installations = deps.store.aggregates<InstallationOnboardings>(Collections.installations);
  const Timer = deps.models.SagaTimer;
  const timerFor = (saga: Onboarding) => timerOf(saga, deps.stepTimeoutMs);
  const putTimer = async (t: SagaTimer) => {
    await Timer.replaceOne({ _id: t._id }, t, { upsert: true });
  };
  const Attention = deps.models.OnboardingAttention;
  const putAttention = async (a: OnboardingAttention) => {
    await Attention.replaceOne({ _id: a._id }, a, { upsert: true });
  };
  const realignTimer = async (sagaId: string, saga: Onboarding | null) => {
    const t = saga && timerFor(saga);
    if (t) await putTimer(t);
    else await Timer.deleteOne({ _id: sagaId });
  };

  const realignAttention = async (sagaId: string, saga: Onboarding) => {
    const a = attentionOf(saga);
    if (a) await putAttention(a);
    else await Attention.deleteOne({ _id: sagaId });
  };

  return {
    get: (sagaId) => sagas.get(sagaId),

    async start(saga, command, now, trace) {
      const key = installationKey(saga.packageId, saga.subscriberOrgId);
      const first = { _id: key, packageId: saga.packageId, subscriberOrgId: saga.subscriberOrgId, sagaIds: [saga._id] };
      // the installation's first saga takes its key in one insert; a later one (a reinstall) is added to it
      if (!(await deps.store.claimKey(installations.name, first))) {
        await installations.update(key, (cur) => (cur?.sagaIds.includes(saga._id) ? null : { state: { ...first, sagaIds: [...(cur?.sagaIds ?? []), saga._id] } }));
      }
      const timer = timerFor(saga);
      // only if absent: the saga of a redelivered install may be elsewhere by now
      const timerTaken = timer ? await deps.store.claimKey(Timer.collection.collectionName, { ...timer }) : false;
      const started = await sagas.insertOnce({ ...saga, ...traceContext(trace) }, [commandEvent(saga, command, now, trace)]);
      if (!started && timerTaken) await realignTimer(saga._id, await sagas.get(saga._id));
      return started;
    },

    async transition(sagaId, decide, now, trace = {}) {
      const current = await sagas.get(sagaId);
      const predicted = current && decide(current);
      if (!current || !predicted) return { moved: false, saga: current };
      // the timer the transition needs, before the write that needs it
      const next = applyTransition(current, predicted);
      const expected = timerFor(next);
      if (expected) await putTimer(expected);
      // parked or failed: listed before the write, so no crash leaves such a saga unlisted
      const attention = attentionOf(next);
      if (attention && !sameAttention(attention, attentionOf(current))) await putAttention(attention);
      const r = await sagas.update<Onboarding>(sagaId, (saga) => {
        const t = saga && decide(saga);
        if (!saga || !t) return null;
        const sagaTrace = trace.traceparent ? trace : traceContext(saga);
        return { state: applyTransition(saga, t), events: transitionEvents(saga, t, now, sagaTrace), result: saga };
      });
      if (!r.written || !r.state || !r.result) {
        // another writer moved it first and nothing was left to do: fit the timer to what it wrote
        if (expected) await realignTimer(sagaId, r.state);
        if (attention && r.state && !sameAttention(attention, attentionOf(r.state))) await realignAttention(sagaId, r.state);
        return { moved: false, saga: r.state };
      }
      const written = attentionOf(r.state);
      if (!sameAttention(written, attention)) await realignAttention(sagaId, r.state);
      else if (!written && attentionOf(r.result)) await Attention.deleteOne({ _id: sagaId });
      const timer = timerFor(r.state);
      if (!timer) await Timer.deleteOne({ _id: sagaId });
      else if (!expected || !sameTimer(timer, expected)) await putTimer(timer);
      deps.metrics?.changed(r.result, r.state);
      return { moved: true, saga: r.state };
    },

    async ofInstallation(packageId, subscriberOrgId) {
      const key = await installations.get(installationKey(packageId, subscriberOrgId));
      const found = await Promise.all((key?.sagaIds ?? []).map((id) => sagas.get(id)));
      // a key written before an insert that never happened names no saga: ignored
      return found.filter((s): s is Onboarding => s !== null && s.packageId === packageId && s.subscriberOrgId === subscriberOrgId);
    },

    async dueTimers(now, limit) {
      const due = await Timer.find({ dueAt: { $lte: now } }, { _id: 1 }).limit(limit).lean();
      return due.map((t) => t._id);
    },

    async parkedFor(cause) {
      const filter = { state: 'parked', ...(cause.packageId !== undefined ? { packageId: cause.packageId } : {}), parkedReason: { $in: [...cause.reasons] } };
      const parked = await Timer.find(filter, { _id: 1 }).limit(10_000).lean();
      return parked.map((t) => t._id);
    },

    realignTimer,

    async needingAttention(q) {
      const page = await newestFirstPage<OnboardingAttention>(Attention, q.state ? { state: q.state } : {}, 'since', q);
      const found = await Promise.all(page.items.map(async (a) => ({ a, saga: await sagas.get(a._id) })));
      return { items: found.flatMap(({ a, saga }) => (attentionMatches(a, saga) ? [saga!] : [])), nextCursor: page.nextCursor };
    },

    async pruneAttention(cutoff) {
      const r = await Attention.deleteMany({ state: 'failed', since: { $lt: cutoff } });
      return r.deletedCount;
    },
  };
}
