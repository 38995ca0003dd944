import {
  CommandType,
  LicenseEventType,
  REPUBLISH_REASON,
  eventOf,
  licenseEventKey,
  type LicenseV1,
  type RepublishLicensesV1,
  type TopicEvent,
  type TraceContext,
} from '@lma/contracts';
import { toLicenseV1, type License } from './license';

/**
 * An administrator's request to publish licenses again (`_id` `rep_<uuid>`): it carries the
 * command in its outbox, and the license service's handler of that command records its progress.
 */
export interface RepublishRequest {
  _id: string;
  /** null: every package. */
  packageId: string | null;
  requestedBy: string;
  requestedAt: Date;
  state: 'requested' | 'running' | 'done';
  /** Licenses published again so far (the last count of a pass that was started again). */
  republished: number;
  finishedAt: Date | null;
}

export function newRepublishRequest(id: string, packageId: string | null, requestedBy: string, now: Date): RepublishRequest {
  return { _id: id, packageId, requestedBy, requestedAt: now, state: 'requested', republished: 0, finishedAt: null };
}

/** The command a request sends to the republish lane, once (its id is the request's). */
export function republishCommandOf(r: RepublishRequest, now: Date, trace: TraceContext): TopicEvent<RepublishLicensesV1> {
  const data: RepublishLicensesV1 = { requestId: r._id, packageId: r.packageId, requestedBy: r.requestedBy };
  return eventOf(CommandType.RepublishLicenses, data, { id: `${r._id}:command`, key: r._id, time: now, ...trace });
}

/** The request after `republished` licenses of its pass; null when it is done already (a redelivered command). */
export function withProgress(r: RepublishRequest | null, republished: number, done: boolean, now: Date): RepublishRequest | null {
  if (!r || r.state === 'done') return null;
  return { ...r, state: done ? 'done' : 'running', republished, finishedAt: done ? now : null };
}

/**
 * The type a license is published again with: the type of its last change, which is what a
 * consumer reading the compacted topic would have found (a deleted license stays deleted).
 */
export function republishedType(l: License): LicenseEventType {
  if (l.deletedAt) return LicenseEventType.Deleted;
  if (l.lastAudit && l.lastAudit.revision === l.revision) return l.lastAudit.eventType as LicenseEventType;
  // a license whose last change predates the audit it carries: its state tells what it was
  if (l.status === 'Uninstalled') return LicenseEventType.Uninstalled;
  return l.revision === 1 ? LicenseEventType.Created : LicenseEventType.Modified;
}

/**
 * The license as it is now, published again: its current revision (consumers that have it drop
 * it by revision, those that lack it take it), `reason: republish`, who asked, and a ce_id of its
 * own per request, so that it is neither taken for the original change by consumers that keep
 * ce_ids nor published twice for one request. Null for a license not published yet (not named).
 */
export function republishEventOf(l: License, cmd: Pick<RepublishLicensesV1, 'requestId' | 'requestedBy'>, now: Date, trace: TraceContext): TopicEvent<LicenseV1> | null {
  if (l.licenseName === null || l.revision < 1) return null;
  return eventOf(republishedType(l), toLicenseV1(l, { changedBy: cmd.requestedBy, reason: REPUBLISH_REASON }), {
    id: `${l._id}:${l.revision}:republish:${cmd.requestId}`,
    key: licenseEventKey(l),
    time: now,
    ...trace,
  });
}
