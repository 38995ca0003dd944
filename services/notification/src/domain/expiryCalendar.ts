import { createHash } from 'node:crypto';
import { dayStart, dueStage } from './stages';

const DAY_MS = 86_400_000;
const isoDate = (t: number): string => new Date(t).toISOString().slice(0, 10);

/**
 * The expiry calendar: per expiration day, the licenses that expire that day, so that the
 * scanner reads the days of its alert window by `_id` instead of querying the licenses by date.
 * A day is split into buckets (by a hash of the license id) so that no document grows with a
 * busy day and concurrent writers rarely meet on one.
 */
export const CALENDAR_BUCKETS = 16;

/** One bucket of one expiration day (`_id` `<YYYY-MM-DD>#<bucket>`). */
export interface CalendarBucket {
  _id: string;
  day: string;
  licenseIds: string[];
}

/** The bucket of a license on its day. */
export const bucketIndexOf = (licenseId: string): number => Number.parseInt(createHash('sha1').update(licenseId).digest('hex').slice(0, 8), 16) % CALENDAR_BUCKETS;

export const bucketId = (day: string, bucket: number): string => `${day}#${bucket}`;

/** The bucket with the license added, or null when it is listed already. */
export function withLicense(bucket: CalendarBucket | null, bucketId: string, day: string, licenseId: string): CalendarBucket | null {
  if (bucket?.licenseIds.includes(licenseId)) return null;
  return { _id: bucketId, day, licenseIds: [...(bucket?.licenseIds ?? []), licenseId] };
}

/** The bucket without the license, or null when it does not list it. */
export function withoutLicense(bucket: CalendarBucket | null, licenseId: string): CalendarBucket | null {
  if (!bucket?.licenseIds.includes(licenseId)) return null;
  return { ...bucket, licenseIds: bucket.licenseIds.filter((id) => id !== licenseId) };
}

/** Whether a license expiring on this date can still get an expiry alert (before the cut-off `catchUpDays` after it). */
export const mayStillAlert = (expiresOn: string | null, now: Date, catchUpDays: number): expiresOn is string =>
  expiresOn !== null && now.getTime() < dayStart(expiresOn) + catchUpDays * DAY_MS;

/** The earliest expiration day whose cut-off has not passed: the days before it can never alert again. */
export const firstAlertDay = (now: Date, catchUpDays: number): string => isoDate(Math.floor((now.getTime() - catchUpDays * DAY_MS) / DAY_MS) * DAY_MS + DAY_MS);

/** The expiration days that may have a stage due now: from the first whose cut-off has not passed up to `maxStage` days ahead. */
export function alertWindow(now: Date, catchUpDays: number, maxStage: number): string[] {
  const first = dayStart(firstAlertDay(now, catchUpDays));
  const last = Math.floor((now.getTime() + maxStage * DAY_MS) / DAY_MS) * DAY_MS;
  const days: string[] = [];
  for (let t = first; t <= last; t += DAY_MS) days.push(isoDate(t));
  return days;
}

/** The days before `firstKept` from `from` on (`from` absent: the day before `firstKept` only). */
export function daysBefore(firstKept: string, from: string | null): string[] {
  const end = dayStart(firstKept);
  const days: string[] = [];
  for (let t = from === null ? end - DAY_MS : dayStart(from); t < end; t += DAY_MS) days.push(isoDate(t));
  return days;
}

/**
 * One expiration day of the calendar (`_id` the day): the buckets that list licenses (written
 * before the first license goes into a bucket), and what the scan has done: a marker per rule
 * revision and stage whose alerts were raised for every license the day listed then. Licenses
 * filed later had their due alert raised by the license event that filed them; a stage that
 * becomes due, a new rule or a changed rule gives a new marker, so the day is read again.
 */
export interface ExpiryDay {
  _id: string;
  buckets: number[];
  done: string[];
}

/** The day with the bucket listed, or null when it is listed already. */
export function withBucket(current: ExpiryDay | null, day: string, bucket: number): ExpiryDay | null {
  if (current?.buckets.includes(bucket)) return null;
  return { _id: day, done: [], ...current, buckets: [...(current?.buckets ?? []), bucket] };
}

export interface ExpiringRule {
  _id: string;
  revision: number;
  stages: number[];
}

export const scanMarker = (rule: ExpiringRule, stage: number): string => `${rule._id}@${rule.revision}:${stage}`;

/** The rules with a stage due now for the licenses expiring on `day`, with their markers. */
export function dueOnDay<R extends ExpiringRule>(day: string, rules: readonly R[], now: Date, catchUpDays: number): { rule: R; stage: number; marker: string }[] {
  return rules.flatMap((rule) => {
    const stage = dueStage(day, rule.stages, now, catchUpDays);
    return stage === null ? [] : [{ rule, stage, marker: scanMarker(rule, stage) }];
  });
}

/** The day with these markers done, or null when they were already. */
export function markedDone(current: ExpiryDay | null, day: string, markers: readonly string[]): ExpiryDay | null {
  const missing = markers.filter((m) => !current?.done.includes(m));
  if (!missing.length) return null;
  return { _id: day, buckets: [], ...current, done: [...(current?.done ?? []), ...missing] };
}

/**
 * The scanner's shared state (one document): the window last scanned, so one replica scans each
 * window; the first calendar day not yet removed; whether what was kept before the calendar and
 * the pending deliveries existed (licenses, notifications awaiting delivery) has been filed.
 */
export interface ScannerState {
  _id: string;
  window: number;
  owner: string;
  startedAt: Date;
  calendarFrom: string | null;
  backfilled: boolean;
}

/**
 * Takes the scan of `window` for `owner`, or null when it is taken: the same window, or an
 * earlier one by less than `maxSkewMs` (a replica whose clock is behind). An earlier window by
 * more than that means the clock was set back: scanning starts again from it.
 */
export function takeScanWindow(current: ScannerState | null, id: string, window: number, owner: string, now: Date, maxSkewMs: number): ScannerState | null {
  if (current && (current.window === window || (window < current.window && current.window - window <= maxSkewMs))) return null;
  return { _id: id, calendarFrom: null, backfilled: false, ...current, window, owner, startedAt: now };
}
