import { every } from '@lma/core';
import { alertWindow, bucketId, daysBefore, dueOnDay, firstAlertDay, markedDone, mayStillAlert, takeScanWindow, type ScannerState } from '../domain/expiryCalendar';
import type { Rule } from '../domain/rules';
import { raise, scheduleDelivery } from '../infra/notifier';
import { fileExpiry, raiseExpiry, type LicenseHandlerDeps } from './onLicenseEvent';

const SCANNER_ID = 'scanner';
const SCAN_CONCURRENCY = 8;

export interface ScanResult {
  licenses: number;
  created: number;
}

/**
 * The time-driven alerts: expiry stages that became due and onboardings parked for too long.
 * Every replica ticks; only the one whose write takes the window in the scanner's state scans, so
 * a window is scanned once however many replicas run. A scan looks at everything due by now, not
 * only what became due in its window: after downtime the next scan catches up (each alert still
 * once, by its derived id), within the documented cut-off.
 *
 * Expiry alerts come from the expiry calendar, read by `_id`: the days of the alert window, and of
 * each day only what no earlier scan did (a stage that became due, a new or changed rule); a
 * quiet scan reads nothing this process has seen already, else one small document per day.
 */
export function startScanner(deps: LicenseHandlerDeps & { intervalMs: number; owner: string; onScan?: (r: ScanResult) => void }): { stop(): Promise<void> } {
  const m = deps.models;
  const a = deps.aggregates;
  /** Per expiration day, the markers this process knows to be done (domain/expiryCalendar.ts). */
  const known = new Map<string, ReadonlySet<string>>();
  // replicas' windows differ by their clocks' drift; a clock set back further starts scanning again
  const maxSkewMs = Math.max(2 * deps.intervalMs, 60_000);

  /** Raises the due alerts of `rules` for the licenses the calendar lists in these buckets of `day`. */
  async function scanDay(day: string, listed: readonly number[], rules: Rule[]): Promise<ScanResult> {
    const buckets = await Promise.all(listed.map((b) => a.calendar.get(bucketId(day, b))));
    const ids = buckets.flatMap((b) => b?.licenseIds ?? []);
    const result = { licenses: 0, created: 0 };
    // a few licenses at a time: each is a handful of small reads and one insert per due alert
    for (let i = 0; i < ids.length; i += SCAN_CONCURRENCY) {
      const created = await Promise.all(
        ids.slice(i, i + SCAN_CONCURRENCY).map(async (id) => {
          const l = await a.licenses.get(id);
          // listed under a date it no longer has (taken off after its change): the license decides
          if (!l || l.expiresOn !== day) return 0;
          result.licenses++;
          return await raiseExpiry(deps, l, rules);
        }),
      );
      result.created += created.reduce((x, y) => x + y, 0);
    }
    return result;
  }

  async function scanExpiring(now: Date): Promise<ScanResult> {
    const rules = (await m.Rule.find({ kind: 'license-expiring', enabled: true }).lean()) as Rule[];
    if (!rules.length) return { licenses: 0, created: 0 };
    const maxStage = Math.max(...rules.flatMap((r) => r.stages));
    const result = { licenses: 0, created: 0 };
    for (const day of alertWindow(now, deps.catchUpDays, maxStage)) {
      const due = dueOnDay(day, rules, now, deps.catchUpDays);
      const seen = known.get(day) ?? new Set<string>();
      if (due.every((d) => seen.has(d.marker))) continue;
      const record = await a.days.get(day);
      if (!record) {
        // no license expires that day (one filed later raises its due alert itself)
        known.set(day, new Set([...seen, ...due.map((d) => d.marker)]));
        continue;
      }
      const todo = due.filter((d) => !record.done.includes(d.marker));
      if (todo.length) {
        const r = await scanDay(day, record.buckets, todo.map((d) => d.rule));
        result.licenses += r.licenses;
        result.created += r.created;
        await a.days.update(day, (current) => {
          const next = markedDone(current, day, todo.map((d) => d.marker));
          return next && { state: next };
        });
      }
      known.set(day, new Set([...seen, ...due.map((d) => d.marker)]));
    }
    return result;
  }

  async function scanParked(now: Date): Promise<number> {
    const rules = await m.Rule.find({ kind: 'onboarding-parked', enabled: true }).lean();
    if (!rules.length) return 0;
    const shortest = Math.min(...rules.map((r) => r.parkedMinutes ?? 60));
    const parked = await m.Parked.find({ parkedSince: { $lte: new Date(now.getTime() - shortest * 60_000) } }).limit(1000).lean();
    let created = 0;
    for (const p of parked) {
      const minutes = Math.floor((now.getTime() - p.parkedSince.getTime()) / 60_000);
      const due = rules.filter((r) => (r.packageId === null || r.packageId === p.packageId) && minutes >= (r.parkedMinutes ?? 60));
      if (!due.length) continue;
      created += await raise(
        deps,
        {
          kind: 'onboarding-parked',
          occasion: `onboarding-parked:${p._id}:${p.parkedSince.toISOString()}`,
          packageId: p.packageId,
          subscriberOrgId: p.subscriberOrgId,
          sagaId: p._id,
          occurredAt: now,
          values: {
            sagaId: p._id,
            packageId: p.packageId,
            subscriberOrgId: p.subscriberOrgId,
            reason: p.reason,
            detail: p.detail,
            parkedSince: p.parkedSince.toISOString(),
            parkedMinutes: minutes,
            onboardingUrl: `${deps.linkBaseUrl}/onboardings/${p._id}`,
          },
        },
        due,
      );
    }
    return created;
  }

  /**
   * Files what was kept before the expiry calendar and the pending deliveries existed: the licenses
   * that may still alert, the notifications awaiting delivery. Once per database (a crash midway
   * files them again: filing is idempotent).
   */
  async function backfill(now: Date): Promise<void> {
    let licenses = 0;
    for await (const l of m.License.find({ expiresOn: { $gte: firstAlertDay(now, deps.catchUpDays) } }, { expiresOn: 1 }).lean().cursor()) {
      if (!mayStillAlert(l.expiresOn, now, deps.catchUpDays)) continue;
      await fileExpiry(a, l.expiresOn, l._id);
      licenses++;
    }
    let deliveries = 0;
    for await (const n of m.Notification.find({ status: 'pending' }, { round: 1, nextAttemptAt: 1 }).lean().cursor()) {
      await scheduleDelivery(deps, n._id, n.round, n.nextAttemptAt ?? now);
      deliveries++;
    }
    await a.scanner.update(SCANNER_ID, (s) => (s && !s.backfilled ? { state: { ...s, backfilled: true } } : null));
    deps.logger.info({ licenses, deliveries }, 'filed the licenses and pending notifications kept before the expiry calendar and the pending deliveries');
  }

  /** Removes the calendar days whose cut-off has passed (and this process's memory of them). */
  async function pruneCalendar(now: Date, state: ScannerState): Promise<void> {
    const first = firstAlertDay(now, deps.catchUpDays);
    for (const day of known.keys()) if (day < first) known.delete(day);
    const days = daysBefore(first, state.calendarFrom);
    if (!days.length) return;
    for (const day of days) {
      const record = await a.days.get(day);
      await Promise.all((record?.buckets ?? []).map((b) => m.CalendarBucket.deleteOne({ _id: bucketId(day, b) })));
      await m.ExpiryDay.deleteOne({ _id: day });
    }
    await a.scanner.update(SCANNER_ID, (s) => (s && (s.calendarFrom === null || s.calendarFrom < first) ? { state: { ...s, calendarFrom: first } } : null));
  }

  async function tick(): Promise<void> {
    const now = deps.clock.now();
    const window = Math.floor(now.getTime() / deps.intervalMs) * deps.intervalMs;
    const taken = await a.scanner.update(SCANNER_ID, (current) => {
      const next = takeScanWindow(current, SCANNER_ID, window, deps.owner, now, maxSkewMs);
      return next && { state: next };
    });
    if (!taken.written || !taken.state) return; // another replica scans this window
    if (!taken.state.backfilled) await backfill(now);
    const expiring = await scanExpiring(now);
    const parked = await scanParked(now);
    deps.onScan?.({ licenses: expiring.licenses, created: expiring.created + parked });
    if (expiring.created + parked > 0) deps.logger.info({ licenses: expiring.licenses, created: expiring.created + parked }, 'scheduled scan raised notifications');
    await pruneCalendar(now, taken.state);
  }

  return every(deps.intervalMs, tick, (err) => deps.logger.error({ err }, 'notification scan failed'));
}
