import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LICENSE_EVENTS_TOPIC, LicenseV1, MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType, dlqTopic, type SnapshotInstallation } from '@lma/contracts';
import { setClockOffset } from '@lma/core';
import { ServiceProcess, eventually, freePort, kafkaCredentialsEnv, repoRoot } from '@lma/testing';
import type { License } from '../../services/license/src/domain/license';
import { Harness, forwarded } from './harness';

/**
 * Refresh (issue 6): the refresh service asks the marketplace simulator (a real process on the
 * real broker) for a package's installations and reconciles them: missing licenses through the
 * onboarding saga, drifted ones corrected with one `reason: refresh` event each, the weekly
 * allowance across two refresh replicas, administrator grants, lost and duplicated pages.
 */
const clockDir = mkdtempSync(path.join(tmpdir(), 'lma-refresh-clock-'));
const clockFile = path.join(clockDir, 'offset');
setClockOffset(clockFile, 0);
const h = new Harness('refresh', { REFRESH_PAGE_TIMEOUT_MS: '10000', REFRESH_SWEEP_INTERVAL_MS: '250', LMA_CLOCK_FILE: clockFile });
let replica2: ServiceProcess;
let sim: ChildProcess;
let simUrl = '';
const simLogs: string[] = [];
const WEEK_S = 7 * 24 * 3600;

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license', 'refresh'], [LICENSE_EVENTS_TOPIC]);
  replica2 = await new ServiceProcess('refresh', h.env).start();
  const port = await freePort();
  simUrl = `http://127.0.0.1:${port}`;
  sim = spawn(process.execPath, [path.join(repoRoot, 'tools/simulator/dist/main.js'), '--control-port', String(port), '--page-size', '2'], {
    // the marketplace's own credentials on the local secured broker
    env: { ...process.env, ...kafkaCredentialsEnv('marketplace', h.env['KAFKA_BROKERS']), ...h.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (b: Buffer) => simLogs.push(...b.toString('utf8').split('\n').filter(Boolean));
  sim.stdout?.on('data', collect);
  sim.stderr?.on('data', collect);
  await eventually('the simulator to be ready', async () => (await fetch(`${simUrl}/healthz`).catch(() => undefined))?.ok ?? false, 60_000, 200);
});
afterAll(async () => {
  if (sim && sim.exitCode === null) {
    const exited = new Promise((r) => sim.once('exit', r));
    sim.kill('SIGTERM');
    await exited;
  }
  await replica2?.stop();
  await h.stop();
  rmSync(clockDir, { recursive: true, force: true });
});

async function simCall<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${simUrl}${p}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`simulator ${method} ${p}: ${JSON.stringify(json)}`);
  return json;
}

interface SimPackage {
  packageId: string;
  versions: { packageVersionId: string; versionNumber: string }[];
}
const licenses = () => h.db('license').collection<License>('licenses');
const licenseOf = (packageId: string, orgId: string) => licenses().findOne({ packageId, subscriberOrgId: orgId });

/** A package registered through the simulator, known to the license service. */
async function registeredPackage(versions = 1): Promise<SimPackage> {
  const p = await simCall<SimPackage>('POST', '/packages', { versions, defaultLicense: { status: 'Active', lengthDays: null, seats: 5 } });
  await eventually('the package and its versions in the license service', async () =>
    (await h.db('license').collection('package_versions').countDocuments({ packageId: p.packageId })) === versions);
  return p;
}

/** Installs published by the simulator, and their licenses created (named) through the saga. */
async function installed(p: SimPackage, count: number): Promise<SnapshotInstallation[]> {
  const { items } = await simCall<{ items: SnapshotInstallation[] }>('POST', `/packages/${p.packageId}/installations`, { count, publish: true });
  await eventually(`${count} licenses`, async () => (await licenses().countDocuments({ packageId: p.packageId, licenseName: { $type: 'string' } })) >= count, 60_000);
  return items;
}

const refresh = (packageId: string, service = h.service('refresh'), permissions = ['packages:edit']) =>
  fetch(`${service.url}/v1/packages/${packageId}/refresh`, { method: 'POST', headers: { authorization: forwarded('refresh', permissions) } });

async function requestRefresh(packageId: string): Promise<string> {
  const res = await refresh(packageId);
  const body = (await res.json()) as { jobId: string; state: string };
  expect(res.status, JSON.stringify(body)).toBe(202);
  expect(body.state).toBe('requested');
  return body.jobId;
}

type JobView = {
  jobId: string;
  state: string;
  kind: string;
  progress: { pagesReceived: number; pagesDone: number; lastPage: number | null; installations: number };
  summary: { created: number; corrected: number; correctedByField: Record<string, number>; unchanged: number; onboardingUnderway: number; missingUpstream: number; failed: number };
  missingUpstreamLicenses: { licenseId: string; subscriberOrgId: string }[];
  incomplete: { reason: string; missingPages: number[] } | null;
};
const job = async (jobId: string) => (await h.http('refresh', 'GET', `/v1/refresh-jobs/${jobId}`, undefined, ['packages:read'])).body as unknown as JobView;
const TERMINAL = new Set(['completed', 'incomplete']);
/** Waits for the job to end; ending in another state than `state` fails, saying why. */
const ended = async (jobId: string, state = 'completed') => {
  const j = await eventually(`job ${jobId} to end`, async () => {
    const v = await job(jobId);
    return TERMINAL.has(v.state) ? v : undefined;
  }, 60_000, 200);
  if (j.state !== state) throw new Error(`job ${jobId} ended ${j.state}, not ${state}: ${JSON.stringify(j.incomplete ?? j.summary)}`);
  return j;
};

/** The refresh events of one license (one per ce_id). */
function refreshEventsOf(licenseId: string) {
  const byId = new Map<string, { type: string; license: LicenseV1 }>();
  for (const r of h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.headers['ce_id']?.startsWith(`${licenseId}:`) ?? false)) {
    const license = LicenseV1.parse(JSON.parse(r.value!));
    if (license.reason === 'refresh') byId.set(r.headers['ce_id']!, { type: r.headers['ce_type']!, license });
  }
  return [...byId.values()];
}

describe('refresh', () => {
  it('creates the licenses (and leads) of installations LMA never heard of, through the onboarding saga', async () => {
    const p = await registeredPackage();
    const known = await simCall<{ items: SnapshotInstallation[] }>('POST', `/packages/${p.packageId}/installations`, { count: 2, publish: false });
    const anonymous = await simCall<{ items: SnapshotInstallation[] }>('POST', `/packages/${p.packageId}/installations`, { count: 1, publish: false, withInstaller: false });
    const orgs = [...known.items, ...anonymous.items].map((i) => i.subscriberOrgId);

    const jobId = await requestRefresh(p.packageId);
    const done = await ended(jobId);
    expect(done.summary).toEqual({ created: 3, corrected: 0, correctedByField: {}, unchanged: 0, onboardingUnderway: 0, missingUpstream: 0, failed: 0 });
    expect(done.progress).toEqual({ pagesReceived: 2, pagesDone: 2, lastPage: 2, installations: 3 });

    for (const org of orgs) {
      const l = await eventually(`license of ${org}`, async () => {
        const x = await licenseOf(p.packageId, org);
        return x?.licenseName ? x : undefined;
      }, 30_000);
      expect(l.leadId).toMatch(/^lead_/);
      const lead = await h.db('lead').collection<{ _id: string; email: string; company: string }>('leads').findOne({ _id: l.leadId! });
      expect(lead).not.toBeNull();
    }
    const anonymousLicense = await licenseOf(p.packageId, anonymous.items[0]!.subscriberOrgId);
    const placeholder = await h.db('lead').collection<{ _id: string; email: string }>('leads').findOne({ _id: anonymousLicense!.leadId! });
    expect(placeholder!.email).toBe(`installer.${anonymous.items[0]!.subscriberOrgId.toLowerCase()}@unknown.invalid`);
  });

  it('corrects drift in each field with exactly one refresh event per license, reports what the marketplace no longer lists, and changes nothing the second time', async () => {
    const p = await registeredPackage(2);
    const items = await installed(p, 5);
    // installs take the latest version: the drifted one is the other
    const other = p.versions.find((v) => v.packageVersionId !== items[0]!.packageVersionId)!;
    // a license the marketplace does not list (an install it never published through the simulator)
    const stray = h.installData(p.packageId, other.packageVersionId);
    await h.install(stray);
    await eventually('the stray license', async () => (await licenseOf(p.packageId, stray.subscriberOrgId))?.licenseName);

    const [a, b, c, d, e] = items.map((i) => i.subscriberOrgId) as [string, string, string, string, string];
    const before = new Map<string, number>();
    for (const org of [a, b, c, d, e]) before.set(org, (await licenseOf(p.packageId, org))!.revision);
    await simCall('PATCH', `/packages/${p.packageId}/installations/${a}`, { upgradeTo: other.packageVersionId, versionNumber: other.versionNumber });
    await simCall('PATCH', `/packages/${p.packageId}/installations/${b}`, { org: { edition: 'Unlimited', instance: 'EU17' } });
    await simCall('PATCH', `/packages/${p.packageId}/installations/${c}`, { uninstalled: true });
    await simCall('PATCH', `/packages/${p.packageId}/installations/${d}`, { usedLicenses: 4 });

    const jobId = await requestRefresh(p.packageId);
    const done = await ended(jobId);
    expect(done.summary).toEqual({
      created: 0,
      corrected: 4,
      correctedByField: { version: 1, orgEdition: 1, instance: 1, uninstalled: 1, usedLicenses: 1 },
      unchanged: 1,
      onboardingUnderway: 0,
      missingUpstream: 1,
      failed: 0,
    });
    expect(done.missingUpstreamLicenses.map((l) => l.subscriberOrgId)).toEqual([stray.subscriberOrgId]);

    const expected: [string, string, Partial<LicenseV1>][] = [
      [a, 'lma.license.upgraded', { packageVersionId: other.packageVersionId, versionNumber: other.versionNumber }],
      [b, 'lma.license.modified', { orgEdition: 'Unlimited', instance: 'EU17' }],
      [c, 'lma.license.uninstalled', { status: 'Uninstalled', usedLicenses: null }],
      [d, 'lma.license.seats-used-changed', { usedLicenses: 4 }],
    ];
    for (const [org, type, fields] of expected) {
      const l = (await licenseOf(p.packageId, org))!;
      const events = await eventually(`the refresh event of ${org}`, () => {
        const x = refreshEventsOf(l._id);
        return x.length ? x : undefined;
      });
      expect(events).toHaveLength(1);
      expect(events[0]!.type).toBe(type);
      expect(events[0]!.license).toMatchObject({ ...fields, reason: 'refresh', changedBy: `refresh:${jobId}`, revision: before.get(org)! + 1 });
      expect(l).toMatchObject({ ...fields, revision: before.get(org)! + 1 });
    }
    expect((await licenseOf(p.packageId, e))!.revision).toBe(before.get(e));

    // the week is used: refused with the time to wait, on both replicas
    const again = await refresh(p.packageId, replica2);
    expect(again.status).toBe(429);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(WEEK_S - 120);
    expect(retryAfter).toBeLessThanOrEqual(WEEK_S);
    const problem = (await again.json()) as { nextAvailableAt: string };
    const status = (await h.http('refresh', 'GET', `/v1/packages/${p.packageId}/refresh`, undefined, ['packages:read'])).body as { nextAvailableAt: string; availableNow: boolean; lastRefresh: { jobId: string } };
    expect(status).toMatchObject({ availableNow: false, nextAvailableAt: problem.nextAvailableAt, lastRefresh: { jobId } });

    // an administrator grants one more (audited); the same state again changes nothing
    expect((await h.http('refresh', 'POST', `/v1/packages/${p.packageId}/refresh-grants`, { reason: 'support case 42' }, ['packages:edit'])).status).toBe(403);
    const grant = await h.http('refresh', 'POST', `/v1/packages/${p.packageId}/refresh-grants`, { reason: 'support case 42' }, ['admin']);
    expect(grant.status).toBe(201);
    expect(grant.body).toMatchObject({ grantedBy: 'tester@example.com', reason: 'support case 42', usedByJobId: null });
    const second = await requestRefresh(p.packageId);
    expect((await ended(second)).summary).toMatchObject({ created: 0, corrected: 0, unchanged: 5, missingUpstream: 1, failed: 0 });
    expect((await job(second)).kind).toBe('grant');
    const grants = await h.http('refresh', 'GET', `/v1/packages/${p.packageId}/refresh-grants`, undefined, ['admin']);
    expect(grants.body['items']).toEqual([expect.objectContaining({ grantId: grant.body['grantId'], usedByJobId: second, reason: 'support case 42' })]);
    expect((await refresh(p.packageId)).status).toBe(429);
    for (const [org] of expected) expect(refreshEventsOf((await licenseOf(p.packageId, org))!._id)).toHaveLength(1);
  });

  it('accepts exactly one of many simultaneous requests across two replicas', async () => {
    const p = await registeredPackage();
    const responses = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => refresh(p.packageId, i % 2 ? replica2 : h.service('refresh'))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 429, 429, 429, 429, 429]);
    for (const r of responses.filter((x) => x.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(WEEK_S - 120);
    const accepted = (await responses.find((r) => r.status === 202)!.json()) as { jobId: string };
    expect((await ended(accepted.jobId)).summary).toMatchObject({ created: 0, corrected: 0, unchanged: 0, missingUpstream: 0 });
  });

  it('ends incomplete when pages are lost, retries without the allowance, and never corrects a duplicated page twice', async () => {
    const p = await registeredPackage();
    const items = await installed(p, 6); // pages of 2: [0,1] [2,3] [4,5]
    const first = items[0]!.subscriberOrgId;
    const last = items[5]!.subscriberOrgId;
    await simCall('PATCH', `/packages/${p.packageId}/installations/${first}`, { usedLicenses: 2 });
    await simCall('PATCH', `/packages/${p.packageId}/installations/${last}`, { usedLicenses: 3 });
    await simCall('POST', '/faults', { drop: [2], duplicate: [1, 3] });

    const jobId = await requestRefresh(p.packageId);
    const incomplete = await ended(jobId, 'incomplete');
    expect(incomplete.incomplete).toEqual({ reason: expect.stringContaining('page(s) 2 of 3 never arrived'), missingPages: [2] });
    expect(incomplete.summary).toMatchObject({ corrected: 2, correctedByField: { usedLicenses: 2 }, unchanged: 2 });
    expect(incomplete.progress).toMatchObject({ pagesReceived: 2, pagesDone: 2, lastPage: 3 });

    const statusBefore = (await h.http('refresh', 'GET', `/v1/packages/${p.packageId}/refresh`, undefined, ['packages:read'])).body;
    const retry = await h.http('refresh', 'POST', `/v1/refresh-jobs/${jobId}/retry`, undefined, ['packages:edit']);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ kind: 'retry', retryOf: jobId });
    expect((await h.http('refresh', 'POST', `/v1/refresh-jobs/${jobId}/retry`, undefined, ['packages:edit'])).status).toBe(409);
    const retried = await ended(retry.body['jobId'] as string);
    expect(retried.summary).toMatchObject({ created: 0, corrected: 0, unchanged: 6, failed: 0 });
    // the retry used no allowance: the next weekly refresh is still counted from the first job
    const statusAfter = (await h.http('refresh', 'GET', `/v1/packages/${p.packageId}/refresh`, undefined, ['packages:read'])).body;
    expect(statusAfter['nextAvailableAt']).toBe(statusBefore['nextAvailableAt']);
    expect((await refresh(p.packageId)).status).toBe(429);

    for (const org of [first, last]) {
      const events = refreshEventsOf((await licenseOf(p.packageId, org))!._id);
      expect(events).toHaveLength(1);
      expect(events[0]!.type).toBe('lma.license.seats-used-changed');
    }
    expect(((await simCall<{ pagesDuplicated: number }>('GET', '/stats')).pagesDuplicated)).toBeGreaterThanOrEqual(2);
  });

  it('accepts the next weekly refresh 7 days after the last one', async () => {
    const p = await registeredPackage();
    await requestRefresh(p.packageId);
    expect((await refresh(p.packageId)).status).toBe(429);
    setClockOffset(clockFile, WEEK_S * 1000 + 1000);
    await eventually('the clock to move', async () => (await refresh(p.packageId)).status === 202 || undefined, 10_000, 100);
    expect((await refresh(p.packageId)).status).toBe(429);
    const list = await h.http('refresh', 'GET', `/v1/packages/${p.packageId}/refresh-jobs`, undefined, ['packages:read']);
    expect((list.body['items'] as { kind: string }[]).map((j) => j.kind)).toEqual(['weekly', 'weekly']);
  });

  it('reconciles by reading each license, and reports unseen licenses from the stored pages, when the license service keeps no digest', async () => {
    // a license service that keeps no digest of the package (LICENSE_REFRESH_DIGEST_JOBS=0), as when
    // its digest memory is taken by other jobs or another replica took the job's pages over
    const original = h.service('license');
    await original.stop();
    const plain = await new ServiceProcess('license', { ...h.env, LICENSE_REFRESH_DIGEST_JOBS: '0' }).start();
    try {
      const p = await registeredPackage();
      const items = await installed(p, 4);
      const stray = h.installData(p.packageId, p.versions[0]!.packageVersionId);
      await h.install(stray);
      await eventually('the stray license', async () => (await licenseOf(p.packageId, stray.subscriberOrgId))?.licenseName);
      const [a, b] = items.map((i) => i.subscriberOrgId) as [string, string];
      await simCall('PATCH', `/packages/${p.packageId}/installations/${a}`, { usedLicenses: 2 });
      await simCall('PATCH', `/packages/${p.packageId}/installations/${b}`, { uninstalled: true });

      const jobId = await requestRefresh(p.packageId);
      const done = await ended(jobId);
      expect(done.summary).toEqual({
        created: 0,
        corrected: 2,
        correctedByField: { usedLicenses: 1, uninstalled: 1 },
        unchanged: 2,
        onboardingUnderway: 0,
        missingUpstream: 1,
        failed: 0,
      });
      expect(done.missingUpstreamLicenses.map((l) => l.subscriberOrgId)).toEqual([stray.subscriberOrgId]);
      for (const [org, type] of [
        [a, 'lma.license.seats-used-changed'],
        [b, 'lma.license.uninstalled'],
      ] as const) {
        const id = (await licenseOf(p.packageId, org))!._id;
        const events = await eventually(`the refresh event of ${org}`, () => {
          const x = refreshEventsOf(id);
          return x.length ? x : undefined;
        });
        expect(events.map((x) => x.type)).toEqual([type]);
      }
    } finally {
      await plain.stop();
      await original.start();
    }
  });

  it('refuses bad input and missing permissions', async () => {
    const bad = await h.http('refresh', 'POST', '/v1/packages/not-a-package/refresh', undefined, ['packages:edit']);
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([expect.objectContaining({ field: 'path.packageId' })]);
    const p = await registeredPackage();
    expect((await refresh(p.packageId, h.service('refresh'), ['packages:read'])).status).toBe(403);
    expect((await h.http('refresh', 'GET', '/v1/refresh-jobs/rj_0330000000000000AA_999', undefined, ['packages:read'])).status).toBe(404);
    const grant = await h.http('refresh', 'POST', `/v1/packages/${p.packageId}/refresh-grants`, { reason: 'x', $where: 1 }, ['admin']);
    expect(grant.status).toBe(400);
  });

  it('dead-letters an unreadable marketplace record once, though install-intake and two refresh replicas read the topic', async () => {
    const headers = (type: string | undefined, id: string): Record<string, string> => ({
      ce_specversion: '1.0',
      ce_id: id,
      ce_source: 'marketplace/test',
      ce_time: '2026-02-10T08:30:00Z',
      'content-type': 'application/json',
      ...(type ? { ce_type: type } : {}),
    });
    const junk = [
      { type: MarketplaceEventType.PackageInstalled, value: '{"packageId": ', reason: /not valid JSON/ },
      { type: undefined, value: '{}', reason: /ce_type/ },
      { type: 'marketplace.package.teleported', value: '{}', reason: /unknown event type/ },
      { type: MarketplaceEventType.SnapshotPage, value: 'not json', reason: /not valid JSON/ },
      { type: MarketplaceEventType.SnapshotPage, value: JSON.stringify({ requestId: 5 }), reason: /data\./ },
    ].map((j, i) => ({ ...j, key: `junk-${i}-${Math.random().toString(36).slice(2)}` }));
    const DLQ = dlqTopic(MARKETPLACE_EVENTS_TOPIC);
    await h.kafka.watch([DLQ]);
    for (const j of junk) await h.kafka.publishRaw(MARKETPLACE_EVENTS_TOPIC, { key: j.key, value: j.value, headers: headers(j.type, j.key) });
    // every group reading the topic has finished them (or a second dead letter could still come)
    for (const group of ['install-intake', 'refresh.snapshots']) await h.kafka.waitForGroupToPass(`${h.prefix}.${group}`, MARKETPLACE_EVENTS_TOPIC, 60_000);
    await eventually('every junk record dead-lettered', () => junk.every((j) => h.kafka.recordsOn(DLQ, (r) => r.key === j.key).length > 0));
    for (const j of junk) {
      const dead = h.kafka.recordsOn(DLQ, (r) => r.key === j.key);
      expect(dead, j.key).toHaveLength(1);
      expect(dead[0]!.headers['lma_dlq_reason'], j.key).toMatch(j.reason);
      expect(dead[0]!.value).toBe(j.value);
    }
  });
});
