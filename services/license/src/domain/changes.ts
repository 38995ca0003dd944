import { LicenseEventType, eventOf, licenseEventKey, type TopicEvent, type TraceContext, type LicenseV1 } from '@lma/contracts';
import { auditEntryOf } from './audit';
import { toLicenseV1, type License } from './license';
import type { Decision } from './lifecycle';

/** The last applied marketplace event and command ids a license keeps (a redelivery changes nothing). */
export const APPLIED_IDS_KEPT = 50;

/** An uninstall or a reinstall resets who holds a seat (domain/seats.ts). */
export const resetsSeats = (d: Decision): boolean => d.event?.type === LicenseEventType.Uninstalled || d.event?.type === LicenseEventType.Reinstalled;

/**
 * The license after a decision, whatever made it: its fields; the applied event or command id
 * (the last APPLIED_IDS_KEPT); `everActive` once Active (whatever made it Active, it can never go
 * back to Trial); a new seat epoch on an uninstall or reinstall; and, when it publishes, the next
 * revision with its audit entry.
 */
export function licenseAfter(l: License, d: Decision, appliedId: string | null, now: Date): License {
  const revision = d.event ? l.revision + 1 : l.revision;
  const next: License = {
    ...l,
    ...d.set,
    ...(d.set.status === 'Active' ? { everActive: true } : {}),
    ...(appliedId ? { appliedEventIds: [...l.appliedEventIds, appliedId].slice(-APPLIED_IDS_KEPT) } : {}),
    ...(resetsSeats(d) ? { seatEpoch: (l.seatEpoch ?? 0) + 1, seatsAssigned: 0 } : {}),
    revision,
    updatedAt: now,
  };
  if (d.event) next.lastAudit = auditEntryOf(l, d.set, revision, d.event, now);
  return next;
}

/** The license event of a change: the whole license, ce_id `<licenseId>:<revision>` (a re-applied change cannot publish another). */
export function licenseEventOf(l: License, type: LicenseEventType, now: Date, trace: TraceContext, change?: { changedBy: string; reason: string }): TopicEvent<LicenseV1> {
  return eventOf(type, toLicenseV1(l, change), { id: `${l._id}:${l.revision}`, key: licenseEventKey(l), time: now, ...trace });
}
