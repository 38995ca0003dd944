import { MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType, newEventId, type PackageInstalledV1 } from '@lma/contracts';
import type { SimInstallation } from '@lma/simulator';
import type { TestKafka } from '@lma/testing';
import type { JunkRecord } from './corpus';
import type { World } from './world';

/** An API write through the gateway and its answer (0: no answer, so its outcome is unknown). */
export interface ApiWrite {
  kind: 'modify-license' | 'lead-manager' | 'refresh';
  target: string;
  /** Unique per write (Modify License's `reason`), to find what it changed. */
  marker: string;
  value: unknown;
  valid: boolean;
  status: number;
}

export interface LoadFigures {
  marketplaceRecords: number;
  junkRecords: number;
  apiWrites: number;
  actions: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const TEAM = { active: ['chaos-lena', 'chaos-max'], inactive: 'chaos-gone' } as const;

/** Packages with a version, the alert rule for uninstalls, the team the lead manager changes pick from. */
export async function setUp(world: World, packages: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < packages; i++) {
    const p = await world.mp.registerPackage({ defaultLicense: { status: 'Active', lengthDays: 365, seats: 20 } });
    await world.mp.uploadVersion(p.packageId);
    ids.push(p.packageId);
  }
  for (const id of [...TEAM.active, TEAM.inactive]) {
    const r = await world.api('POST', '/team-members', { id, name: id, email: `${id}@vendor.example`, roles: ['lead-manager'] });
    if (r.status !== 201 && r.status !== 200) throw new Error(`team member ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const off = await world.api('PATCH', `/team-members/${TEAM.inactive}`, { active: false });
  if (off.status !== 200) throw new Error(`team member ${TEAM.inactive} not deactivated: ${off.status} ${JSON.stringify(off.body)}`);
  const rule = await world.api('POST', '/notification-rules', {
    kind: 'license-uninstalled',
    name: 'Chaos uninstalls',
    recipients: { emails: ['alerts@chaos.example'] },
    subject: '{{licenseName}} uninstalled',
    body: '{{licenseName}} of {{subscriberOrgId}} was uninstalled',
  });
  if (rule.status !== 201) throw new Error(`notification rule: ${rule.status} ${JSON.stringify(rule.body)}`);
  for (const id of ids) {
    const deadline = Date.now() + 120_000;
    while ((await world.api('GET', `/packages/${id}`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`package ${id} never reached the license service`);
      await sleep(250);
    }
  }
  return ids;
}

export interface LoadOptions {
  /** How long the load lasts, at `rate` actions a second. */
  seconds: number;
  rate: number;
  junk: JunkRecord[];
  /**
   * Instead of `seconds` and `rate`: exactly this many actions, one after the other, with
   * `between(n)` awaited after the n-th (a short run's faults at fixed points of the sequence).
   */
  actions?: number;
  between?: (n: number) => Promise<void>;
  /** The source of every choice (Math.random by default; a seeded one repeats a run's choices). */
  random?: () => number;
}

/** A seeded random source (mulberry32): the same seed, the same choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Marketplace traffic at `rate` records a second for `seconds` (or `actions` of them):
 * installs, upgrades, uninstalls, reinstalls, seat and org changes; API writes (Modify License,
 * lead manager changes, valid and refused) and one refresh mid-run; the junk corpus spread over
 * the run.
 */
export async function runLoad(world: World, watch: TestKafka, packageIds: string[], opts: LoadOptions, writes: ApiWrite[]): Promise<LoadFigures> {
  const { mp } = world;
  const random = opts.random ?? Math.random;
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  const actions: Record<string, number> = {};
  const count = (a: string) => (actions[a] = (actions[a] ?? 0) + 1);
  const end = Date.now() + opts.seconds * 1000;
  const installations = () => packageIds.flatMap((p) => [...mp.requirePackage(p).installations.values()]);
  let n = 0;
  let refreshed = false;

  const reinstall = async (inst: SimInstallation) => {
    Object.assign(inst, { uninstalled: false, usedLicenses: 0, users: [], installedAt: new Date().toISOString() });
    const data: PackageInstalledV1 = {
      packageId: inst.packageId,
      packageVersionId: inst.packageVersionId,
      versionNumber: inst.versionNumber,
      subscriberOrgId: inst.subscriberOrgId,
      installedAt: inst.installedAt,
      installer: inst.installer ?? { firstName: 'Re', lastName: 'Install', email: `reinstall.${inst.subscriberOrgId.toLowerCase()}@example.com`, company: inst.org.name },
      org: inst.org,
    };
    await world.offering.publish([{ topic: MARKETPLACE_EVENTS_TOPIC, id: newEventId(), source: 'marketplace/simulator', type: MarketplaceEventType.PackageInstalled, time: new Date().toISOString(), key: `${inst.packageId}:${inst.subscriberOrgId}`, data }]);
  };

  /** The licenses seen on lma.license.events so far, by id (the latest event's data). */
  const licenses = () => {
    const latest = new Map<string, { licenseId: string; revision: number; status: string }>();
    for (const r of watch.recordsOn('lma.license.events')) {
      const d = r.event?.data as { licenseId?: string; revision?: number; status?: string } | undefined;
      if (d?.licenseId && typeof d.revision === 'number' && (latest.get(d.licenseId)?.revision ?? 0) < d.revision) latest.set(d.licenseId, d as never);
    }
    return [...latest.values()];
  };

  const modifyLicense = async () => {
    const l = pick(licenses().filter((x) => x.status !== 'Uninstalled'));
    if (!l) return;
    const marker = `chaos modify ${++n}`;
    const roll = random();
    // valid (most), invalid body, stale precondition
    const got = await world.api('GET', `/licenses/${l.licenseId}`);
    const etag = got.headers?.get('etag');
    if (got.status !== 200 || !etag) return;
    // a different seat count, so an accepted change always changes something
    const seats = 1 + Math.floor(random() * 50);
    let body: Record<string, unknown> = { reason: marker, seats: seats === got.body['seats'] ? seats + 1 : seats };
    let ifMatch = etag;
    let valid = true;
    if (roll < 0.1) {
      body = { reason: marker, expiresOn: 'not-a-date' };
      valid = false;
    } else if (roll < 0.2) {
      ifMatch = '"0"';
      valid = false;
    }
    const r = await world.api('PATCH', `/licenses/${l.licenseId}`, body, { 'if-match': ifMatch });
    writes.push({ kind: 'modify-license', target: l.licenseId, marker, value: body, valid, status: r.status });
  };

  const leadManager = async () => {
    const packageId = pick(packageIds)!;
    const valid = random() < 0.8;
    const leadManagerId = valid ? pick(TEAM.active)! : TEAM.inactive;
    const r = await world.api('PUT', `/packages/${packageId}/lead-manager`, { leadManagerId });
    writes.push({ kind: 'lead-manager', target: packageId, marker: `lead manager ${++n}`, value: leadManagerId, valid, status: r.status });
  };

  const refresh = async () => {
    const packageId = packageIds[0]!;
    const r = await world.api('POST', `/packages/${packageId}/refresh`);
    writes.push({ kind: 'refresh', target: packageId, marker: String((r.body['jobId'] as string | undefined) ?? ''), value: null, valid: true, status: r.status });
  };

  const one = async () => {
    const packageId = pick(packageIds)!;
    const all = installations();
    const live = all.filter((i) => !i.uninstalled);
    const gone = all.filter((i) => i.uninstalled);
    const r = random();
    if (r < 0.4 || live.length < 5) {
      count('install');
      await mp.install(packageId);
    } else if (r < 0.48) {
      count('upgrade');
      const target = pick(live)!;
      if (random() < 0.3) await mp.uploadVersion(target.packageId);
      await mp.upgrade(target);
    } else if (r < 0.56) {
      count('uninstall');
      await mp.uninstall(pick(live)!);
    } else if (r < 0.62 && gone.length) {
      count('reinstall');
      await reinstall(pick(gone)!);
    } else if (r < 0.8) {
      count('seat change');
      await mp.changeUserLicense(pick(live)!, random() < 0.3);
    } else if (r < 0.9) {
      count('org change');
      await mp.changeOrg(pick(live)!, { edition: random() < 0.5 ? 'Enterprise' : 'Unlimited' });
    } else if (r < 0.98) {
      count('modify license');
      await modifyLicense();
    } else {
      count('lead manager change');
      await leadManager();
    }
  };

  const junkSent = new Set<string>();
  const sendJunk = async (j: JunkRecord) => {
    await world
      .publishRaw(j.key, j.value, j.headers)
      .then(() => junkSent.add(j.key))
      .catch(() => undefined);
  };
  if (opts.actions !== undefined) {
    // a fixed sequence: the junk between the actions, in proportion, the refresh halfway
    let sentJunk = 0;
    for (let k = 1; k <= opts.actions; k++) {
      if (k === Math.ceil(opts.actions / 2)) {
        count('refresh');
        await refresh();
      }
      await one().catch((err: unknown) => world.logger.warn({ err }, 'load action failed'));
      for (; sentJunk < Math.floor((opts.junk.length * k) / opts.actions); sentJunk++) await sendJunk(opts.junk[sentJunk]!);
      await opts.between?.(k);
    }
    return await finish();
  }
  const junk = (async () => {
    const every = (opts.seconds * 1000) / Math.max(1, opts.junk.length);
    for (const j of opts.junk) {
      if (Date.now() > end) break;
      await sendJunk(j);
      await sleep(every * 0.8);
    }
  })();

  let next = Date.now();
  const interval = 1000 / opts.rate;
  while (Date.now() < end) {
    if (!refreshed && Date.now() > end - (opts.seconds * 1000) / 2) {
      refreshed = true;
      count('refresh');
      await refresh();
    }
    // one action at a time: the records of one installation stay in order
    await one().catch((err: unknown) => world.logger.warn({ err }, 'load action failed'));
    next += interval;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    else next = Date.now();
  }
  await junk;
  return await finish();

  async function finish(): Promise<LoadFigures> {
    // whatever junk was not sent yet (or failed while the broker was down) goes now: the corpus is offered whole
    for (let attempt = 0; attempt < 5 && junkSent.size < opts.junk.length; attempt++) for (const j of opts.junk) if (!junkSent.has(j.key)) await sendJunk(j);
    return { marketplaceRecords: world.offering.offered.length, junkRecords: junkSent.size, apiWrites: writes.length, actions };
  }
}
