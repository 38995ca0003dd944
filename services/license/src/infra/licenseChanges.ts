import type { TopicEvent, TraceContext } from '@lma/contracts';
import { RetryableError } from '@lma/core';
import type { OutgoingEvent } from '@lma/kafka';
import type { LicenseAuditEntry } from '../domain/audit';
import { licenseAfter, licenseEventOf } from '../domain/changes';
import { answeredCommand } from '../domain/commands';
import { leadLicensesKey, orgLicensesKey, withMember } from '../domain/keys';
import type { License } from '../domain/license';
import { DEFER, decideChange, type Decision, type LicenseChange } from '../domain/lifecycle';
import { changesToApply, conversionOf, withOrgChange, withPendingChange, withoutPendingChanges } from '../domain/pending';
import { decideUserLicenseChange, seatAssignmentOf, seatIdOf, seatWriteIsNewer, type SeatRecord, type SeatWrite } from '../domain/seats';
import type { LicenseData } from './aggregates';
import { ClaimCollection } from './models';

/** Told of every license write of this process right after it succeeded (the license check read model: checkReadModel.ts). */
export interface LicenseWriteListener {
  licenseWritten(l: License, eventType: string | null): void;
  seatWritten(licenseId: string, userId: string): void;
}

export interface ChangeDeps {
  data: LicenseData;
  listener: LicenseWriteListener;
}

/** No named license to decide on. */
export const ABSENT = 'absent';
/** Decided on a state that moved on meanwhile (another seat change): decided again. */
const STALE = 'stale';
/** The change would replace an audit entry not stored yet: stored first, then decided again. */
const UNSETTLED = 'unsettled';
/** Decisions taken again at most this many times after the license moved on between reading and writing. */
const MAX_ROUNDS = 25;

/** A decision, nothing to do (null), or why not (a string handed back without writing). */
export type Decided<D extends Decision, R extends string> = D | null | R;
/** Reads what a decision needs besides the license (by `_id`), then decides purely on the stored license (again after a lost race). */
export type Prepare<D extends Decision, R extends string> = (l: License) => Promise<(current: License) => Decided<D, R> | typeof STALE>;

export interface WriteContext {
  /** The marketplace event or command id the change applies (kept in appliedEventIds); null for changes by hand. */
  appliedId: string | null;
  now: Date;
  trace: TraceContext;
  /** Events written with the change (a saga reply), given the license as written. */
  extra?: (l: License) => OutgoingEvent[];
}

export interface Written<D extends Decision, R extends string> {
  /** The license as written, or as read when nothing was written (null: none). */
  license: License | null;
  outcome: Decided<D, R> | typeof ABSENT;
  written: boolean;
}

/** A decision that is taken on the stored license only, with nothing else to read. */
export const decideOn =
  <D extends Decision, R extends string>(decide: (current: License) => Decided<D, R>): Prepare<D, R> =>
  async () =>
    decide;

const isDecision = (d: unknown): d is Decision => typeof d === 'object' && d !== null;

/**
 * One change of one license through the store: the decision is taken on the stored license (again
 * after a lost race), and the license with its next revision, its event (ce_id
 * `<licenseId>:<revision>`), its audit entry, the applied id and any `extra` events is one
 * version-conditional document write. What a license carries for other documents is written
 * after it: its latest audit entry (license_audit) and its last seat write (seat_assignments);
 * a change that would replace one of them first makes sure it was written (domain/audit.ts,
 * domain/seats.ts). `known`: the license as the caller just read or wrote it (saves a read).
 */
export async function writeLicense<D extends Decision, R extends string = never>(
  deps: ChangeDeps,
  licenseId: string,
  prepare: Prepare<D, R>,
  ctx: WriteContext,
  known?: License | null,
): Promise<Written<D, R>> {
  const { data } = deps;
  let l = known !== undefined ? known : await data.licenses.get(licenseId);
  const settled = new Set<string>();
  const settle = async (entry: LicenseAuditEntry) => {
    await data.store.claimKey(ClaimCollection.LicenseAudit, { ...entry });
    settled.add(entry._id);
  };
  const unsettled = (cur: License) => cur.lastAudit !== null && cur.lastAudit !== undefined && !settled.has(cur.lastAudit._id);
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    if (!l?.licenseName) return { license: l, outcome: ABSENT, written: false };
    const decide = await prepare(l);
    // a publishing change replaces the carried audit entry: make sure it is stored first (a
    // refusal is left to the decision on the stored license)
    let guess: unknown = null;
    try {
      guess = decide(l);
    } catch {
      guess = null;
    }
    if (isDecision(guess) && guess.event && unsettled(l)) await settle(l.lastAudit!);
    const r = await data.licenses.update<Decided<D, R> | typeof ABSENT | typeof STALE | typeof UNSETTLED>(licenseId, (current) => {
      if (!current?.licenseName) return { result: ABSENT };
      const d = decide(current);
      if (!isDecision(d)) return { result: d };
      if (d.event && unsettled(current)) return { result: UNSETTLED };
      const next = licenseAfter(current, d, ctx.appliedId, ctx.now);
      const events: OutgoingEvent[] = d.event ? [licenseEventOf(next, d.event.type, ctx.now, ctx.trace, d.event)] : [];
      return { state: next, events: [...events, ...(ctx.extra?.(next) ?? [])], result: d };
    });
    if (r.result === STALE || r.result === UNSETTLED) {
      if (r.result === UNSETTLED && r.state?.lastAudit) await settle(r.state.lastAudit);
      l = r.state;
      continue;
    }
    if (r.written && r.state && isDecision(r.result)) await afterWrite(deps, r.state, r.result);
    return { license: r.state, outcome: r.result as Decided<D, R> | typeof ABSENT, written: r.written };
  }
  throw new RetryableError(`license ${licenseId}: moved on ${MAX_ROUNDS} times while a change was decided; will retry`);
}

/** This process's check read model is told of a written license; then what it carries for other documents is written. */
async function afterWrite(deps: ChangeDeps, next: License, d: Decision): Promise<void> {
  deps.listener.licenseWritten(next, d.event?.type ?? null);
  if (d.event && next.lastAudit) await deps.data.store.claimKey(ClaimCollection.LicenseAudit, { ...next.lastAudit });
  const w = d.set.seatWrite;
  if (w) {
    await landSeatWrite(deps, next._id, w);
    deps.listener.seatWritten(next._id, w.userId);
  }
}

/**
 * The license's last seat write is in its user's seat record: so the records are every seat
 * change of the license as read (a list of holders right after a change shows it).
 */
export async function settleSeats(deps: ChangeDeps, l: License): Promise<void> {
  if (l.seatWrite) await landSeatWrite(deps, l._id, l.seatWrite);
}

/** Writes a license's seat write to its seat record unless it (or a later one) is there already. */
async function landSeatWrite(deps: ChangeDeps, licenseId: string, w: SeatWrite): Promise<void> {
  await deps.data.seats.update(seatIdOf(licenseId, w.userId), (current) => (seatWriteIsNewer(w, current) ? { state: seatAssignmentOf(licenseId, w) } : null));
}

/**
 * A seat change of `userId`: the license's last seat write is made sure of first (so the stored
 * records are all its seat changes so far), then the user's record is read by `_id` and the
 * change decided on the license, unless another seat change was written meanwhile.
 */
export function seatDecision<D extends Decision, R extends string>(
  deps: ChangeDeps,
  userId: string,
  decide: (current: License, stored: SeatRecord | null) => Decided<D, R>,
): Prepare<D, R> {
  return async (l) => {
    await settleSeats(deps, l);
    const stored = await deps.data.seats.get(seatIdOf(l._id, userId));
    const seq = l.seatSeq ?? 0;
    return (current) => ((current.seatSeq ?? 0) !== seq ? STALE : decide(current, stored));
  };
}

/** `absent`: no license (or not named yet); `deferred`: kept for after a reinstall; `done`: applied or nothing to do. */
export type ApplyResult = 'absent' | 'deferred' | 'done';

/** Applies one change to one license: decided purely on the stored license, one write. */
export async function applyChange(
  deps: ChangeDeps,
  licenseId: string,
  c: LicenseChange,
  now: Date,
  trace: TraceContext,
  known?: License | null,
): Promise<{ result: ApplyResult; license: License | null }> {
  const prepare: Prepare<Decision, typeof DEFER> =
    c.kind === 'user-license'
      ? seatDecision<Decision, typeof DEFER>(deps, c.data.userId, (current, stored) => decideUserLicenseChange(current, stored, c))
      : decideOn<Decision, typeof DEFER>((current) => decideChange(current, c, now));
  const w = await writeLicense(deps, licenseId, prepare, { appliedId: c.id, now, trace }, known);
  return { result: w.outcome === ABSENT ? 'absent' : w.outcome === DEFER ? 'deferred' : 'done', license: w.license };
}

/** Keeps a change that cannot apply yet (domain/pending.ts); keeping it again changes nothing. */
export async function storePending(deps: ChangeDeps, licenseId: string, c: LicenseChange, now: Date): Promise<void> {
  await deps.data.pendingChanges.update(licenseId, (current) => {
    const state = withPendingChange(current, licenseId, c, now);
    return state ? { state } : null;
  });
}

/** Adds an org change to the org's log (domain/pending.ts), once per event. */
export async function recordOrgChange(deps: ChangeDeps, c: Extract<LicenseChange, { kind: 'org-changed' }>): Promise<void> {
  await deps.data.orgChanges.update(c.data.subscriberOrgId, (current) => {
    const state = withOrgChange(current, c);
    return state ? { state } : null;
  });
}

/** Remembers a lead conversion, for licenses of that lead created after it. */
export async function recordLeadConversion(deps: ChangeDeps, c: Extract<LicenseChange, { kind: 'lead-converted' }>): Promise<void> {
  await deps.data.leadConversions.update(c.data.leadId, (current) => {
    const state = conversionOf(current, c);
    return state ? { state } : null;
  });
}

/** Lists a new license under its org and its lead (domain/keys.ts): before it is inserted. */
export async function listLicense(deps: ChangeDeps, l: Pick<License, '_id' | 'subscriberOrgId' | 'leadId'>): Promise<void> {
  const keys = [orgLicensesKey(l.subscriberOrgId), ...(l.leadId ? [leadLicensesKey(l.leadId)] : [])];
  await Promise.all(
    keys.map((key) =>
      deps.data.licenseKeys.update(key, (current) => {
        const state = withMember(current, key, l._id);
        return state ? { state } : null;
      }),
    ),
  );
}

/** The licenses listed under a key (an org's, a lead's): each is checked when its change is decided. */
export async function licensesListed(deps: ChangeDeps, key: string): Promise<string[]> {
  return (await deps.data.licenseKeys.get(key))?.ids ?? [];
}

/**
 * Right after a license is created (named) or reinstalled: applies, in the order they happened,
 * the changes kept for it, the newer changes of its org and the conversion of its lead
 * (domain/pending.ts), each decided on the license as it is then; those applied leave the
 * pending changes (those still deferred stay). Running this twice (two replicas, a redelivered
 * command) changes nothing more. Returns the license after them.
 */
export async function applyPendingChanges(deps: ChangeDeps, l: License, now: Date, trace: TraceContext): Promise<License> {
  const { data } = deps;
  const [pending, orgLog, conversion] = await Promise.all([
    data.pendingChanges.get(l._id),
    data.orgChanges.get(l.subscriberOrgId),
    l.leadId ? data.leadConversions.get(l.leadId) : null,
  ]);
  let current = l;
  const applied: string[] = [];
  for (const { change, pending: kept } of changesToApply(l, pending, orgLog, conversion)) {
    const r = await applyChange(deps, l._id, change, now, trace, current);
    if (r.license) current = r.license;
    if (kept && r.result !== 'deferred') applied.push(change.id);
  }
  if (applied.length) {
    await data.pendingChanges.update(l._id, (cur) => {
      const state = withoutPendingChanges(cur, applied);
      return state ? { state } : null;
    });
  }
  return current;
}

/**
 * Answers a command whose outcome changes no license (domain/commands.ts): the reply leaves
 * through the outbox of the command's own small aggregate.
 */
export async function answerCommand(deps: Pick<ChangeDeps, 'data'>, commandId: string, reply: TopicEvent, now: Date): Promise<void> {
  await deps.data.answeredCommands.update(commandId, (current) => ({ state: answeredCommand(current, commandId, reply.type, now), events: [reply] }));
}
