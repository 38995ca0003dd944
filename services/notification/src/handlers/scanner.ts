import { every, isDuplicateKey } from '@lma/core';
import type { Rule } from '../domain/rules';
import type { LicenseView } from '../infra/models';
import { raise } from '../infra/notifier';
import { raiseExpiry, type LicenseHandlerDeps } from './onLicenseEvent';

const DAY_MS = 86_400_000;
const SCAN_CONCURRENCY = 8;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

export interface ScanResult {
  licenses: number;
  created: number;
}

/**
 * The time-driven alerts: expiry stages that became due and onboardings parked for too long.
 * Every replica ticks; only the one that inserts the window's lease (`scan:<window>`) scans, so a
 * window is scanned once however many replicas run. A scan looks at everything due by now, not
 * only what became due in its window: after downtime the next scan catches up (each alert still
 * once, by its derived id), within the documented cut-off.
 */
export function startScanner(deps: LicenseHandlerDeps & { intervalMs: number; owner: string; onScan?: (r: ScanResult) => void }): { stop(): Promise<void> } {
  const m = deps.models;

  async function scanExpiring(now: Date): Promise<ScanResult> {
    const rules = (await m.Rule.find({ kind: 'license-expiring', enabled: true }).lean()) as Rule[];
    if (!rules.length) return { licenses: 0, created: 0 };
    const maxStage = Math.max(...rules.flatMap((r) => r.stages));
    const lo = isoDate(now.getTime() - deps.catchUpDays * DAY_MS);
    const hi = isoDate(now.getTime() + (maxStage + 1) * DAY_MS);
    const result = { licenses: 0, created: 0 };
    let after = '';
    // pages by _id, so a large read model is never held in memory at once
    for (;;) {
      const page = (await m.License.find({ expiresOn: { $gte: lo, $lte: hi }, _id: { $gt: after } }).sort({ _id: 1 }).limit(200).lean()) as LicenseView[];
      result.licenses += page.length;
      // a few licenses at a time: each is a handful of small reads and one insert per due alert
      for (let i = 0; i < page.length; i += SCAN_CONCURRENCY) {
        const created = await Promise.all(page.slice(i, i + SCAN_CONCURRENCY).map((l) => raiseExpiry(deps, l, rules)));
        result.created += created.reduce((a, b) => a + b, 0);
      }
      if (page.length < 200) return result;
      after = page[page.length - 1]!._id;
    }
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

  async function tick(): Promise<void> {
    const now = deps.clock.now();
    const window = Math.floor(now.getTime() / deps.intervalMs) * deps.intervalMs;
    try {
      await m.Scan.create({ _id: `scan:${window}`, owner: deps.owner, startedAt: now });
    } catch (err) {
      if (isDuplicateKey(err)) return; // another replica scans this window
      throw err;
    }
    const expiring = await scanExpiring(now);
    const parked = await scanParked(now);
    deps.onScan?.({ licenses: expiring.licenses, created: expiring.created + parked });
    if (expiring.created + parked > 0) deps.logger.info({ licenses: expiring.licenses, created: expiring.created + parked }, 'scheduled scan raised notifications');
    await m.Scan.deleteMany({ startedAt: { $lt: new Date(now.getTime() - DAY_MS) } });
  }

  return every(deps.intervalMs, tick, (err) => deps.logger.error({ err }, 'notification scan failed'));
}
