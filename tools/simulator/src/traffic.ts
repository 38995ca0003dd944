import type { Logger } from '@lma/core';
import type { Marketplace } from './marketplace';

export interface TrafficOptions {
  /** Events per second. */
  rate: number;
  /** Packages to spread the traffic over (registered, with a version, at start). */
  packages: number;
  /** Stop after this many events (0: until stopped). */
  events: number;
}

/**
 * Marketplace traffic at a chosen rate: mostly installs, then upgrades (after new versions),
 * uninstalls, org changes and seat changes of existing installations, picked at random.
 */
export async function startTraffic(mp: Marketplace, o: TrafficOptions, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const packageIds: string[] = [];
  for (let i = 0; i < o.packages; i++) {
    const p = await mp.registerPackage();
    await mp.uploadVersion(p.packageId);
    packageIds.push(p.packageId);
  }
  let stopped = false;
  let sent = 0;
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];
  const one = async () => {
    const packageId = pick(packageIds)!;
    const p = mp.requirePackage(packageId);
    const installed = [...p.installations.values()].filter((x) => !x.uninstalled);
    const r = Math.random();
    const target = pick(installed);
    if (r < 0.5 || !target) await mp.install(packageId);
    else if (r < 0.6) {
      if (Math.random() < 0.3) await mp.uploadVersion(packageId);
      await mp.upgrade(target);
    } else if (r < 0.7) await mp.uninstall(target);
    else if (r < 0.8) await mp.changeOrg(target, { edition: Math.random() < 0.5 ? 'Enterprise' : 'Unlimited' });
    else await mp.changeUserLicense(target, Math.random() < 0.3);
  };
  const loop = (async () => {
    const intervalMs = 1000 / o.rate;
    let next = Date.now();
    while (!stopped && (o.events === 0 || sent < o.events)) {
      await one().catch((err: unknown) => logger.error({ err }, 'traffic event failed'));
      sent++;
      next += intervalMs;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    logger.info({ events: sent }, 'traffic finished');
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
