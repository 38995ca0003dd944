import { LICENSE_EVENTS_SOURCE, LICENSE_EVENTS_TOPIC, LicenseEventType, licenseEventKey, type UserLicenseChangedV1, type TraceContext } from '@lma/contracts';
import { RetryableError, isDuplicateKey, updateOneIf } from '@lma/core';
import { outboxUpdate, type DocumentLocks, type OutgoingEvent } from '@lma/kafka';
import { auditEntryOf } from '../domain/audit';
import { toLicenseV1, type License } from '../domain/license';
import { DEFER, changeTime, decideChange, decideSeatsUsed, seatChangeOutcome, type Decision, type LicenseChange, type Outcome } from '../domain/lifecycle';
import type { Models } from './models';

export interface ChangeDeps {
  models: Models;
  /** The same locks the outbox relay takes: every read-decide-write of a license holds its lock. */
  locks: DocumentLocks;
}

const APPLIED_IDS_KEPT = 50;

/**
 * Told of every license write of this process, right after it succeeded (the license check read
 * model: see checkReadModel.ts), and of every seat assignment write (before the license write).
 */
export const licenseWriteHooks: {
  licenseWritten?: (l: License, eventType: LicenseEventType | null) => void;
  seatWritten?: (licenseId: string, userId: string) => void;
} = {};

export const ORG_CHANGES_KEPT = 20;

/** The stored license, or null; without its outbox. */
export async function loadLicense(m: Models, licenseId: string): Promise<License | null> {
  return (await m.License.findById(licenseId, { outbox: 0, outboxAt: 0 }).lean()) as License | null;
}

/**
 * Writes a decision as one single-document update: the new fields, the next revision and its
 * event (ce_id `<licenseId>:<revision>`, so a re-applied change cannot publish a different event),
 * the applied id and any `extra` events (a saga reply). Call it under the license's lock; the
 * revision condition only guards against another replica (on MongoDB, where it is atomic).
 */
export async function writeDecision(
  m: Models,
  l: License,
  d: Decision,
  appliedId: string | null,
  now: Date,
  trace: TraceContext,
  extra: OutgoingEvent[] = [],
): Promise<License> {
  const revision = d.event ? l.revision + 1 : l.revision;
  // computed here rather than with $push/$slice, which FerretDB accepts but does not apply;
  // the lock and the revision condition make this read-modify-write safe
  const applied = appliedId ? { appliedEventIds: [...l.appliedEventIds, appliedId].slice(-APPLIED_IDS_KEPT) } : {};
  // whatever made it Active (by hand, a reinstall, a refresh), it can never go back to Trial
  const everActive = d.set.status === 'Active' ? { everActive: true } : {};
  const set = { ...d.set, ...everActive, ...applied, revision, updatedAt: now };
  const next: License = { ...l, ...set };
  const events: OutgoingEvent[] = d.event
    ? [
        {
          topic: LICENSE_EVENTS_TOPIC,
          id: `${l._id}:${revision}`,
          source: LICENSE_EVENTS_SOURCE,
          type: d.event.type,
          time: now.toISOString(),
          key: licenseEventKey(next),
          data: toLicenseV1(next, { changedBy: d.event.changedBy, reason: d.event.reason }),
          ...trace },
      ]
    : [];
  events.push(...extra);
  // the audit entry first, keyed by the revision it describes: readers show only entries up to the
  // license's revision, so an entry whose license write then failed is never shown (and the next
  // change of that revision overwrites it)
  if (d.event) {
    const entry = auditEntryOf(l, d.set, revision, d.event, now);
    await m.LicenseAudit.updateOne({ _id: entry._id }, { $set: entry }, { upsert: true });
  }
  const written = await updateOneIf(m.License, l._id, { revision: l.revision }, { $set: set, ...(events.length ? outboxUpdate(events, now) : {}) });
  if (!written) throw new RetryableError(`license ${l._id} changed meanwhile (was revision ${l.revision})`);
  licenseWriteHooks.licenseWritten?.(next, d.event?.type ?? null);
  return next;
}

/** `absent`: no license (or not named yet); `deferred`: kept for after a reinstall; `done`: applied or nothing to do. */
export type ApplyResult = 'absent' | 'deferred' | 'done';

/** Applies one change to one license under its lock: read, decide (pure), write. */
export async function applyChange(deps: ChangeDeps, licenseId: string, c: LicenseChange, now: Date, trace: TraceContext): Promise<ApplyResult> {
  return await deps.locks.run(licenseId, async () => {
    const l = await loadLicense(deps.models, licenseId);
    if (!l?.licenseName) return 'absent';
    let outcome: Outcome;
    if (c.kind === 'user-license') {
      const may = seatChangeOutcome(l, c);
      outcome = may === 'apply' ? decideSeatsUsed(l, await recordSeat(deps.models, licenseId, c.data)) : may;
    } else {
      outcome = decideChange(l, c, now);
    }
    if (outcome === DEFER) return 'deferred';
    if (outcome) {
      if (outcome.event?.type === LicenseEventType.Uninstalled) await deps.models.SeatAssignment.deleteMany({ licenseId });
      await writeDecision(deps.models, l, outcome, c.id, now, trace);
    }
    return 'done';
  });
}

/**
 * Records one assignment or revocation unless a newer one of the same user is recorded (the
 * conditional upsert then hits the `_id` and fails as a duplicate), and returns the number of
 * users assigned: duplicates and repeats never change the count.
 */
export async function recordSeat(m: Models, licenseId: string, d: Pick<UserLicenseChangedV1, 'userId' | 'action' | 'changedAt'>): Promise<number> {
  const changedAt = new Date(d.changedAt);
  try {
    await m.SeatAssignment.updateOne(
      { _id: `${licenseId}:${d.userId}`, changedAt: { $lte: changedAt } },
      { $set: { licenseId, userId: d.userId, assigned: d.action === 'assigned', changedAt } },
      { upsert: true },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  licenseWriteHooks.seatWritten?.(licenseId, d.userId);
  return await m.SeatAssignment.countDocuments({ licenseId, assigned: true });
}

/** Keeps a change that cannot apply yet (see PendingChange); storing it again changes nothing. */
export async function storePending(m: Models, licenseId: string, c: LicenseChange, now: Date): Promise<void> {
  try {
    await m.PendingChange.create({
      _id: `${licenseId}:${c.id}`,
      licenseId,
      kind: c.kind,
      eventId: c.id,
      at: new Date(changeTime(c)),
      data: JSON.stringify(c.data),
      receivedAt: now });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** Adds an org change to the org's log (the latest ORG_CHANGES_KEPT by observation time), once per event. */
export async function recordOrgChange(deps: ChangeDeps, c: Extract<LicenseChange, { kind: 'org-changed' }>): Promise<void> {
  const orgId = c.data.subscriberOrgId;
  await deps.locks.run(`org:${orgId}`, async () => {
    const log = await deps.models.OrgChangeLog.findById(orgId).lean();
    if (log?.changes.some((x) => x.eventId === c.id)) return;
    const item = { eventId: c.id, at: new Date(c.data.observedAt), data: JSON.stringify(c.data) };
    const changes = [...(log?.changes ?? []), item].sort((a, b) => a.at.getTime() - b.at.getTime()).slice(-ORG_CHANGES_KEPT);
    await deps.models.OrgChangeLog.updateOne({ _id: orgId }, { $set: { changes } }, { upsert: true });
  });
}

/** Remembers a lead conversion, for licenses of that lead created after it. */
export async function recordLeadConversion(m: Models, c: Extract<LicenseChange, { kind: 'lead-converted' }>): Promise<void> {
  const { leadId, accountId, contactId, convertedAt } = c.data;
  await m.LeadConversion.updateOne({ _id: leadId }, { $set: { eventId: c.id, accountId, contactId, convertedAt } }, { upsert: true });
}

/**
 * Right after a license is created (named) or reinstalled: applies, in the order they happened,
 * the changes kept for it, the newer changes of its org and the conversion of its lead. Each
 * applies under the lock and is idempotent, so running this twice (two replicas, a redelivered
 * command) changes nothing more. Pending changes still deferred stay.
 */
export async function applyPendingChanges(deps: ChangeDeps, licenseId: string, now: Date, trace: TraceContext): Promise<void> {
  const l = await deps.models.License.findById(licenseId, { licenseName: 1, subscriberOrgId: 1, leadId: 1, accountId: 1, orgInfoCurrentAsOf: 1 }).lean();
  if (!l?.licenseName) return;
  const asOf = Date.parse(l.orgInfoCurrentAsOf);
  const [pending, orgLog, conversion] = await Promise.all([
    deps.models.PendingChange.find({ licenseId }).lean(),
    deps.models.OrgChangeLog.findById(l.subscriberOrgId).lean(),
    l.leadId ? deps.models.LeadConversion.findById(l.leadId).lean() : null,
  ]);
  const changes: { change: LicenseChange; at: number; pendingId?: string }[] = [
    ...pending.map((p) => ({ change: { kind: p.kind, id: p.eventId, data: JSON.parse(p.data) } as LicenseChange, at: p.at.getTime(), pendingId: p._id })),
    ...(orgLog?.changes ?? [])
      .filter((o) => o.at.getTime() > asOf)
      .map((o) => ({ change: { kind: 'org-changed', id: o.eventId, data: JSON.parse(o.data) } as LicenseChange, at: o.at.getTime() })),
    ...(conversion && conversion.accountId !== l.accountId
      ? [
          {
            change: {
              kind: 'lead-converted',
              id: conversion.eventId,
              data: { leadId: conversion._id, accountId: conversion.accountId, contactId: conversion.contactId, convertedAt: conversion.convertedAt } } satisfies LicenseChange,
            at: Date.parse(conversion.convertedAt) },
        ]
      : []),
  ];
  changes.sort((a, b) => a.at - b.at);
  for (const { change, pendingId } of changes) {
    const result = await applyChange(deps, licenseId, change, now, trace);
    if (pendingId && result !== 'deferred') await deps.models.PendingChange.deleteOne({ _id: pendingId });
  }
}
