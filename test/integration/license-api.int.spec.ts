import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandType,
  InternalTopic,
  LICENSE_EVENTS_TOPIC,
  LicenseEventType,
  LicenseV1,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  ReplyType,
  newEventId,
  type CreateLicenseV1,
  type DefaultLicense,
  type PackageInstalledV1,
} from '@lma/contracts';
import { setClockOffset } from '@lma/core';
import { ServiceProcess, eventually, forwardedToken, ids, kafkaClientAuth } from '@lma/testing';
import { Harness, forwarded } from './harness';

/**
 * The license service's management API over real HTTP (at /v1, as the gateway forwards it), real
 * Kafka and the real database: Modify License, seats, license checks (and their read model,
 * across two replicas), audit, lists, packages, permissions and bad input. Licenses are created
 * by CreateLicense commands as the onboarding saga sends them; marketplace changes (uninstall,
 * org lock) go through install-intake as the marketplace publishes them.
 */
const clockDir = mkdtempSync(join(tmpdir(), 'lma-license-api-'));
const clockFile = join(clockDir, 'clock');
setClockOffset(clockFile, 0);
const h = new Harness('licenseapi', { LMA_CLOCK_FILE: clockFile });
let replica: ServiceProcess;

beforeAll(async () => {
  await h.start(['install-intake', 'license'], [LICENSE_EVENTS_TOPIC, InternalTopic.SagaReplies]);
  // a second replica of the license service on the same database and topics. Its outbox relay
  // does not scan (it still relays its own writes): on FerretDB, updates are not atomic, so a
  // relay clearing a document's outbox on one replica can undo another replica's write to the same
  // license at the same moment (MongoDB applies both atomically).
  replica = await new ServiceProcess('license', { ...h.env, OUTBOX_SCAN_MS: '600000' }).start();
}, 90_000);
afterAll(async () => {
  await replica?.stop();
  await h.stop();
  rmSync(clockDir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const ADMIN = ['admin'];
const RW = ['licenses:read', 'licenses:edit'];
let observed = Date.parse('2026-06-01T00:00:00Z');
const nextObservedAt = () => new Date((observed += 60_000)).toISOString();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, body?: unknown, permissions: string[] = ADMIN, headers: Record<string, string> = {}, base = h.service('license').url) {
  const res = await fetch(`${base}/v1${path}`, {
    method,
    headers: { authorization: forwarded('license', permissions, 'alice@partner.example'), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: (text && type.includes('json') ? JSON.parse(text) : {}) as Json, type, etag: res.headers.get('etag') };
}

interface Published {
  id: string;
  type: string;
  license: LicenseV1;
}
function eventsOf(licenseId: string): Published[] {
  const unique = new Map<string, Published>();
  for (const r of h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.headers['ce_id']?.startsWith(`${licenseId}:`) ?? false)) {
    unique.set(r.headers['ce_id']!, { id: r.headers['ce_id']!, type: r.headers['ce_type']!, license: LicenseV1.parse(JSON.parse(r.value!)) });
  }
  return [...unique.values()].sort((a, b) => a.license.revision - b.license.revision);
}
/** Waits for the event of `revision`; the chain must be one event per revision, 1..n. */
async function eventAt(licenseId: string, revision: number): Promise<Published> {
  const events = await eventually(`revision ${revision} of ${licenseId}`, () => {
    const e = eventsOf(licenseId);
    return e.some((x) => x.license.revision === revision) ? e : undefined;
  });
  expect(events.map((e) => e.license.revision)).toEqual(events.map((_, i) => i + 1));
  return events[revision - 1]!;
}

async function registeredPackage(defaultLicense: DefaultLicense) {
  const pkg = await h.registerPackage({ defaultLicense });
  const version = await h.uploadVersion(pkg.packageId);
  await eventually('the version known to the license service', async () =>
    (await h.db('license').collection<{ _id: string }>('package_versions').countDocuments({ _id: version.packageVersionId })) === 1);
  return { pkg, version };
}

async function createLicenseFor(install: PackageInstalledV1, leadId: string | null = null) {
  const sagaId = `onb:test-${newEventId()}`;
  const data: CreateLicenseV1 = { sagaId, commandId: `${sagaId}:create-license:1`, install, leadId, contactId: null };
  await h.kafka.publishEvent(InternalTopic.LicenseCommands, { type: CommandType.CreateLicense, key: `${install.packageId}:${install.subscriberOrgId}`, data, source: 'lma/install-intake' });
  const reply = await eventually(`the reply to ${data.commandId}`, () =>
    h.kafka.recordsOn(InternalTopic.SagaReplies, (r) => (r.event?.data as { commandId?: string } | undefined)?.commandId === data.commandId)[0]);
  expect(reply.event!.type).toBe(ReplyType.LicenseCreated);
  const licenseId = (reply.event!.data as { licenseId: string }).licenseId;
  await eventAt(licenseId, 1);
  return licenseId;
}

/** A license (revision 1) of a new package with these defaults. */
async function newLicense(defaults: DefaultLicense, install: Partial<PackageInstalledV1> = {}) {
  const { pkg, version } = await registeredPackage(defaults);
  const data = h.installData(pkg.packageId, version.packageVersionId, install);
  const licenseId = await createLicenseFor(data);
  return { licenseId, install: data, pkg, version };
}

const ACTIVE_10: DefaultLicense = { status: 'Active', lengthDays: null, seats: 10 };
const check = (i: { packageId: string; subscriberOrgId: string }, userId: string, base?: string) =>
  call('GET', `/license-checks?packageId=${i.packageId}&subscriberOrgId=${i.subscriberOrgId}&userId=${userId}`, undefined, ['licenses:read'], {}, base);
const stored = async (licenseId: string) => (await h.db('license').collection<{ _id: string; revision: number }>('licenses').findOne({ _id: licenseId }))!;
const publishMarketplace = (type: string, key: string, data: object) => h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type, key, data });
const orgLifecycle = (subscriberOrgId: string, lifecycle: 'locked' | 'active') =>
  publishMarketplace(MarketplaceEventType.OrgChanged, subscriberOrgId, { subscriberOrgId, observedAt: nextObservedAt(), lifecycle });

describe('Modify License', () => {
  it('changes expiration and seats: one lma.license.modified with the whole license, revision+1, changedBy and reason; audited; a no-op publishes nothing', async () => {
    const { licenseId } = await newLicense(ACTIVE_10);
    const before = await call('GET', `/licenses/${licenseId}`, undefined, ['licenses:read']);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ licenseId, status: 'Active', seats: 10, expiresOn: null, revision: 1 });

    const expiresOn = dateIn(365);
    const r = await call('PATCH', `/licenses/${licenseId}`, { reason: 'renewal, order 1234', expiresOn, seats: 25 }, RW);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...before.body, expiresOn, seats: 25, revision: 2 });
    const e = await eventAt(licenseId, 2);
    expect(e.type).toBe(LicenseEventType.Modified);
    expect(e.id).toBe(`${licenseId}:2`);
    expect(e.license).toEqual({ ...r.body, changedBy: 'alice@partner.example', reason: 'renewal, order 1234' });

    // the same values again: nothing changes, nothing is published
    const same = await call('PATCH', `/licenses/${licenseId}`, { reason: 'again', expiresOn, seats: 25 }, RW);
    expect(same.status).toBe(200);
    expect(same.body['revision']).toBe(2);
    // back to no expiration and a site license; then suspended (status-changed)
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'site deal', expiresOn: null, seats: null }, RW)).body).toMatchObject({ revision: 3, seats: null, expiresOn: null });
    const s = await call('PATCH', `/licenses/${licenseId}`, { reason: 'unpaid invoice', status: 'Suspended' }, RW);
    expect(s.body).toMatchObject({ revision: 4, status: 'Suspended' });
    expect((await eventAt(licenseId, 3)).type).toBe(LicenseEventType.Modified);
    expect((await eventAt(licenseId, 4)).type).toBe(LicenseEventType.StatusChanged);
    expect(eventsOf(licenseId)).toHaveLength(4);

    const audit = await call('GET', `/licenses/${licenseId}/audit`, undefined, ['licenses:read']);
    expect(audit.status).toBe(200);
    expect(audit.body['items'].map((a: Json) => a['revision'])).toEqual([4, 3, 2]);
    expect(audit.body['items'][2]).toMatchObject({
      entryId: `${licenseId}:2`,
      eventType: LicenseEventType.Modified,
      changedBy: 'alice@partner.example',
      reason: 'renewal, order 1234',
      before: { seats: 10, expiresOn: null },
      after: { seats: 25, expiresOn },
    });
    expect(Math.abs(Date.parse(audit.body['items'][2]['at']) - Date.now())).toBeLessThan(60_000);
    expect(audit.body['items'][0]).toMatchObject({ before: { status: 'Active' }, after: { status: 'Suspended' }, reason: 'unpaid invoice' });
    const page = await call('GET', `/licenses/${licenseId}/audit?limit=2`, undefined, ['licenses:read']);
    expect(page.body['items']).toHaveLength(2);
    const rest = await call('GET', `/licenses/${licenseId}/audit?limit=2&cursor=${page.body['nextCursor']}`, undefined, ['licenses:read']);
    expect(rest.body['items'].map((a: Json) => a['revision'])).toEqual([2]);
  });

  it('a Trial must expire within 90 days of today (422 naming expiresOn); once Active, never Trial again (422 naming status)', async () => {
    const { licenseId } = await newLicense({ status: 'Trial', lengthDays: 3650, seats: 5 });
    const far = await call('PATCH', `/licenses/${licenseId}`, { reason: 'extend', expiresOn: dateIn(91) }, RW);
    expect(far.status).toBe(422);
    expect(far.body['errors']).toEqual([expect.objectContaining({ field: 'body.expiresOn' })]);
    const never = await call('PATCH', `/licenses/${licenseId}`, { reason: 'extend', expiresOn: null }, RW);
    expect(never.status).toBe(422);
    expect(never.body['errors'][0].field).toBe('body.expiresOn');
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'extend', expiresOn: dateIn(90) }, RW)).body).toMatchObject({ revision: 2, expiresOn: dateIn(90) });
    // suspend and back to Trial is fine while it has never been Active
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'pause', status: 'Suspended' }, RW)).status).toBe(200);
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'resume', status: 'Trial' }, RW)).body).toMatchObject({ status: 'Trial', revision: 4 });
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'bought', status: 'Active', expiresOn: null }, RW)).body).toMatchObject({ status: 'Active', revision: 5 });
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'pause', status: 'Suspended' }, RW)).status).toBe(200);
    const back = await call('PATCH', `/licenses/${licenseId}`, { reason: 'oops', status: 'Trial', expiresOn: dateIn(10) }, RW);
    expect(back.status).toBe(422);
    expect(back.body['errors']).toEqual([expect.objectContaining({ field: 'body.status' })]);
    expect((await stored(licenseId)).revision).toBe(6);

    // created Active: never Trial
    const active = await newLicense(ACTIVE_10);
    const r = await call('PATCH', `/licenses/${active.licenseId}`, { reason: 'try', status: 'Trial', expiresOn: dateIn(10) }, RW);
    expect(r.status).toBe(422);
    expect(r.body['errors'][0].field).toBe('body.status');
    expect(eventsOf(active.licenseId)).toHaveLength(1);
  });

  it('uninstalled licenses and licenses of a locked org cannot be modified (409); a stale If-Match is 412, a stale revision 409', async () => {
    const a = await newLicense(ACTIVE_10);
    await publishMarketplace(MarketplaceEventType.PackageUninstalled, `${a.install.packageId}:${a.install.subscriberOrgId}`, {
      packageId: a.install.packageId,
      subscriberOrgId: a.install.subscriberOrgId,
      uninstalledAt: '2026-05-01T00:00:00Z',
    });
    await eventAt(a.licenseId, 2);
    const u = await call('PATCH', `/licenses/${a.licenseId}`, { reason: 'x', seats: 3 }, RW);
    expect(u.status).toBe(409);
    expect(u.body['detail']).toMatch(/Uninstalled licenses can't be modified/);

    const b = await newLicense(ACTIVE_10);
    await orgLifecycle(b.install.subscriberOrgId, 'locked');
    await eventAt(b.licenseId, 2);
    const l = await call('PATCH', `/licenses/${b.licenseId}`, { reason: 'x', seats: 3 }, RW);
    expect(l.status).toBe(409);
    expect(l.body['detail']).toMatch(/locked/);
    expect((await call('PUT', `/licenses/${b.licenseId}/seats/${ids.userId()}`, undefined, RW)).status).toBe(409);
    await orgLifecycle(b.install.subscriberOrgId, 'active');
    await eventAt(b.licenseId, 3);
    const read = await call('GET', `/licenses/${b.licenseId}`, undefined, RW);
    expect(read.etag).toBe('"3"');
    // a client echoing an older ETag, a weak one or a malformed value changes nothing
    for (const ifMatch of ['"2"', 'W/"3"', '3', 'W/"207-a1b2c3"']) {
      const stale = await call('PATCH', `/licenses/${b.licenseId}`, { reason: 'x', seats: 3 }, RW, { 'if-match': ifMatch });
      expect(stale.status, ifMatch).toBe(412);
      expect(stale.body, ifMatch).toMatchObject({ type: 'https://lma.example/problems/precondition-failed', revision: 3 });
    }
    const conflict = await call('PATCH', `/licenses/${b.licenseId}`, { reason: 'x', seats: 3, revision: 1 }, RW);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ type: 'https://lma.example/problems/revision-conflict', revision: 3 });
    // none of them wrote: the current ETag still matches
    const changed = await call('PATCH', `/licenses/${b.licenseId}`, { reason: 'x', seats: 3 }, RW, { 'if-match': read.etag! });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ seats: 3, revision: 4 });
    expect(changed.etag).toBe('"4"');
    expect((await call('GET', `/licenses/${b.licenseId}`, undefined, RW)).etag).toBe('"4"');
  });
});

describe('seats', () => {
  it('assigns up to the seats (409 beyond), revokes, is idempotent, keeps usedLicenses exact; lowering seats below use keeps holders', async () => {
    const { licenseId, install } = await newLicense({ status: 'Active', lengthDays: null, seats: 2 });
    const [u1, u2, u3] = [ids.userId(), ids.userId(), ids.userId()];
    const a1 = await call('PUT', `/licenses/${licenseId}/seats/${u1}`, { reason: 'new hire' }, RW);
    expect(a1.status).toBe(200);
    expect(a1.body).toMatchObject({ userId: u1, assigned: true, changed: true, license: { usedLicenses: 1, revision: 2 } });
    const e = await eventAt(licenseId, 2);
    expect(e.type).toBe(LicenseEventType.SeatsUsedChanged);
    expect(e.license).toMatchObject({ usedLicenses: 1, changedBy: 'alice@partner.example', reason: 'new hire' });
    expect((await call('PUT', `/licenses/${licenseId}/seats/${u1}`, undefined, RW)).body).toMatchObject({ changed: false, license: { usedLicenses: 1, revision: 2 } });
    expect((await call('PUT', `/licenses/${licenseId}/seats/${u2}`, undefined, RW)).body).toMatchObject({ license: { usedLicenses: 2, revision: 3 } });
    const full = await call('PUT', `/licenses/${licenseId}/seats/${u3}`, undefined, RW);
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ seats: 2, usedLicenses: 2 });
    expect(full.body['detail']).toMatch(/All 2 seats/);
    expect((await check(install, u3)).body).toMatchObject({ licensed: false, reason: 'no-seat' });
    expect((await check(install, u1)).body).toMatchObject({ licensed: true, reason: null });

    const holders = await call('GET', `/licenses/${licenseId}/seats?limit=1`, undefined, ['licenses:read']);
    const more = await call('GET', `/licenses/${licenseId}/seats?limit=1&cursor=${holders.body['nextCursor']}`, undefined, ['licenses:read']);
    expect([...holders.body['items'], ...more.body['items']].map((s: Json) => s['userId']).sort()).toEqual([u1, u2].sort());
    expect(more.body['nextCursor']).toBeNull();

    // lowering seats below use: holders keep their seat, available seats are negative until revoked
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'downsize', seats: 1 }, RW)).body).toMatchObject({ seats: 1, usedLicenses: 2 });
    expect((await check(install, u2)).body['licensed']).toBe(true);
    expect((await call('PUT', `/licenses/${licenseId}/seats/${u3}`, undefined, RW)).status).toBe(409);
    expect((await call('DELETE', `/licenses/${licenseId}/seats/${u1}`, undefined, RW)).body).toMatchObject({ assigned: false, changed: true, license: { usedLicenses: 1 } });
    expect((await call('DELETE', `/licenses/${licenseId}/seats/${u1}`, undefined, RW)).body).toMatchObject({ changed: false, license: { usedLicenses: 1 } });
    expect((await check(install, u1)).body).toMatchObject({ licensed: false, reason: 'no-seat' });
    expect((await call('PUT', `/licenses/${licenseId}/seats/${u3}`, undefined, RW)).status).toBe(409);
    await eventAt(licenseId, 5);
    expect(eventsOf(licenseId).map((x) => x.type)).toEqual([
      LicenseEventType.Created,
      LicenseEventType.SeatsUsedChanged,
      LicenseEventType.SeatsUsedChanged,
      LicenseEventType.Modified,
      LicenseEventType.SeatsUsedChanged,
    ]);
  });

  it('concurrent assignments never exceed the seats and usedLicenses stays exact (one event per change)', async () => {
    const { licenseId } = await newLicense({ status: 'Active', lengthDays: null, seats: 5 });
    const users = Array.from({ length: 9 }, () => ids.userId());
    const results = await Promise.all(users.map((u) => call('PUT', `/licenses/${licenseId}/seats/${u}`, undefined, RW)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
    const l = await call('GET', `/licenses/${licenseId}`, undefined, ['licenses:read']);
    expect(l.body).toMatchObject({ usedLicenses: 5, revision: 6 });
    await eventAt(licenseId, 6);
    expect(eventsOf(licenseId).slice(1).map((e) => e.license.usedLicenses)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a site license licenses every user of the org and takes any number of assignments', async () => {
    const { licenseId, install } = await newLicense({ status: 'Active', lengthDays: null, seats: null });
    expect((await check(install, ids.userId())).body).toMatchObject({ licensed: true, reason: null, siteLicense: true });
    for (let i = 0; i < 3; i++) expect((await call('PUT', `/licenses/${licenseId}/seats/${ids.userId()}`, undefined, RW)).status).toBe(200);
    expect((await call('GET', `/licenses/${licenseId}`, undefined, ['licenses:read'])).body).toMatchObject({ seats: null, usedLicenses: 3 });
  });
});

describe('license checks', () => {
  it('answers every reason, right after each change, on both replicas; batch checks answer in order', async () => {
    const { pkg, version } = await registeredPackage({ status: 'Active', lengthDays: null, seats: 3 });
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const user = ids.userId();
    const other = replica.url;
    // asked before the license exists (remembered as absent), then created: both replicas see it
    expect((await check(install, user)).body['reason']).toBe('not-installed');
    expect((await check(install, user, other)).body['reason']).toBe('not-installed');
    const licenseId = await createLicenseFor(install);
    await eventually('the new license on this replica', async () => (await check(install, user)).body['reason'] === 'no-seat');
    await eventually('the new license on the other replica', async () => (await check(install, user, other)).body['reason'] === 'no-seat');
    expect((await check({ ...install, subscriberOrgId: ids.subscriberOrgId() }, user)).body).toEqual({
      licensed: false, reason: 'not-installed', licenseId: null, status: null, expiresOn: null, siteLicense: null, revision: null,
    });
    expect((await check(install, user)).body).toMatchObject({ licensed: false, reason: 'no-seat', licenseId });
    expect((await check(install, user, other)).body).toMatchObject({ licensed: false, reason: 'no-seat' });
    await call('PUT', `/licenses/${licenseId}/seats/${user}`, undefined, RW);
    expect((await check(install, user)).body).toMatchObject({ licensed: true, reason: null, revision: 2 });
    // the other replica learns it from lma.license.events
    await eventually('the other replica sees the seat', async () => (await check(install, user, other)).body['licensed'] === true);

    await call('PATCH', `/licenses/${licenseId}`, { reason: 'unpaid', status: 'Suspended' }, RW);
    expect((await check(install, user)).body).toMatchObject({ licensed: false, reason: 'suspended', revision: 3 });
    await eventually('the other replica sees the suspension', async () => (await check(install, user, other)).body['reason'] === 'suspended');
    // a change made through the other replica is seen at once there, and by this one through the events
    expect((await call('PATCH', `/licenses/${licenseId}`, { reason: 'paid', status: 'Active', expiresOn: dateIn(10) }, RW, {}, other)).status).toBe(200);
    expect((await check(install, user, other)).body).toMatchObject({ licensed: true, expiresOn: dateIn(10) });
    await eventually('this replica sees the reactivation', async () => (await check(install, user)).body['licensed'] === true);

    // expired: the service clock moves 11 days on
    setClockOffset(clockFile, 11 * DAY);
    try {
      await eventually('the check says expired', async () => (await check(install, user)).body['reason'] === 'expired');
    } finally {
      setClockOffset(clockFile, 0);
    }
    await eventually('licensed again at the real date', async () => (await check(install, user)).body['licensed'] === true);

    const batch = await call('POST', '/license-checks', { checks: [
      { packageId: install.packageId, subscriberOrgId: install.subscriberOrgId, userId: user },
      { packageId: install.packageId, subscriberOrgId: install.subscriberOrgId, userId: ids.userId() },
      { packageId: ids.packageId(), subscriberOrgId: install.subscriberOrgId, userId: user },
    ] }, ['licenses:read']);
    expect(batch.status).toBe(200);
    expect(batch.body['results'].map((r: Json) => r['reason'])).toEqual([null, 'no-seat', 'not-installed']);

    await orgLifecycle(install.subscriberOrgId, 'locked');
    await eventually('org-locked', async () => (await check(install, user)).body['reason'] === 'org-locked');
    await eventually('org-locked on the other replica', async () => (await check(install, user, other)).body['reason'] === 'org-locked');
    await orgLifecycle(install.subscriberOrgId, 'active');
    await eventually('unlocked', async () => (await check(install, user)).body['licensed'] === true);

    await publishMarketplace(MarketplaceEventType.PackageUninstalled, `${install.packageId}:${install.subscriberOrgId}`, {
      packageId: install.packageId, subscriberOrgId: install.subscriberOrgId, uninstalledAt: '2026-05-01T00:00:00Z',
    });
    await eventually('uninstalled', async () => (await check(install, user)).body['reason'] === 'uninstalled');
    await eventually('uninstalled on the other replica', async () => (await check(install, user, other)).body['reason'] === 'uninstalled');

    const metrics = await (await fetch(`${h.service('license').metricsUrl}/metrics`)).text();
    for (const answer of ['licensed', 'no-seat', 'not-installed', 'suspended', 'expired', 'org-locked', 'uninstalled']) {
      expect(metrics).toMatch(new RegExp(`lma_license_checks_total\\{answer="${answer}"\\} [1-9]`));
    }
    expect(metrics).toMatch(/lma_license_check_duration_seconds_count\{kind="single"\} [1-9]/);
    expect(metrics).toMatch(/lma_license_check_duration_seconds_count\{kind="batch"\} 1/);
  });

  it('batch checks are bounded (at most 100) and validated per item', async () => {
    const item = { packageId: ids.packageId(), subscriberOrgId: ids.subscriberOrgId(), userId: ids.userId() };
    const tooMany = await call('POST', '/license-checks', { checks: Array.from({ length: 101 }, () => item) }, ['licenses:read']);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body['errors'][0].field).toBe('body.checks');
    const bad = await call('POST', '/license-checks', { checks: [item, { ...item, userId: '006x' }] }, ['licenses:read']);
    expect(bad.status).toBe(400);
    expect(bad.body['errors'][0].field).toBe('body.checks.1.userId');
  });
});

describe('lists, packages and versions', () => {
  it('lists licenses with filters, sorting and cursor pagination', async () => {
    const { pkg, version } = await registeredPackage({ status: 'Active', lengthDays: 100, seats: 5 });
    const installs = [0, 1, 2].map((i) =>
      h.installData(pkg.packageId, version.packageVersionId, { installedAt: `2026-03-0${i + 1}T00:00:00Z`, org: { name: `Org ${i}`, edition: 'Enterprise', status: 'Active', instance: 'NA1', sandbox: i === 2 } }));
    const licenseIds: string[] = [];
    for (const i of installs) licenseIds.push(await createLicenseFor(i));
    await call('PATCH', `/licenses/${licenseIds[1]}`, { reason: 'pause', status: 'Suspended' }, RW);

    const first = await call('GET', `/licenses?packageId=${pkg.packageId}&limit=2`, undefined, ['licenses:read']);
    expect(first.status).toBe(200);
    expect(first.body['items']).toHaveLength(2);
    const second = await call('GET', `/licenses?packageId=${pkg.packageId}&limit=2&cursor=${first.body['nextCursor']}`, undefined, ['licenses:read']);
    expect(second.body['nextCursor']).toBeNull();
    const all = [...first.body['items'], ...second.body['items']];
    expect(all.map((l: Json) => l['licenseId'])).toEqual(licenseIds); // by license name: creation order
    expect(all[0]).toEqual(LicenseV1.omit({ changedBy: true, reason: true }).strict().parse(all[0]));

    const byInstallDesc = await call('GET', `/licenses?packageId=${pkg.packageId}&sort=installDate&order=desc`, undefined, ['licenses:read']);
    expect(byInstallDesc.body['items'].map((l: Json) => l['licenseId'])).toEqual([...licenseIds].reverse());
    const byExpiry = await call('GET', `/licenses?packageId=${pkg.packageId}&sort=expiresOn&order=desc&limit=1`, undefined, ['licenses:read']);
    const byExpiry2 = await call('GET', `/licenses?packageId=${pkg.packageId}&sort=expiresOn&order=desc&limit=5&cursor=${byExpiry.body['nextCursor']}`, undefined, ['licenses:read']);
    expect([...byExpiry.body['items'], ...byExpiry2.body['items']].map((l: Json) => l['licenseId'])).toEqual([...licenseIds].reverse());
    const byUpdate = await call('GET', `/licenses?packageId=${pkg.packageId}&sort=updatedAt&order=desc&limit=1`, undefined, ['licenses:read']);
    expect(byUpdate.body['items'][0]['licenseId']).toBe(licenseIds[1]);
    const byUpdate2 = await call('GET', `/licenses?packageId=${pkg.packageId}&sort=updatedAt&order=desc&cursor=${byUpdate.body['nextCursor']}`, undefined, ['licenses:read']);
    expect(byUpdate2.body['items'].map((l: Json) => l['licenseId']).sort()).toEqual([licenseIds[0], licenseIds[2]].sort());

    const ids_ = async (q: string) => (await call('GET', `/licenses?packageId=${pkg.packageId}&${q}`, undefined, ['licenses:read'])).body['items'].map((l: Json) => l['licenseId']);
    expect(await ids_('status=Suspended')).toEqual([licenseIds[1]]);
    expect(await ids_('sandbox=true')).toEqual([licenseIds[2]]);
    expect(await ids_(`subscriberOrgId=${installs[0]!.subscriberOrgId}`)).toEqual([licenseIds[0]]);
    expect(await ids_(`packageVersionId=${version.packageVersionId}&status=Active`)).toEqual([licenseIds[0], licenseIds[2]]);
    expect(await ids_('expiringBefore=2026-06-10')).toEqual([licenseIds[0]]); // 2026-03-01 + 100 days = 2026-06-09
    expect(await ids_(`leadId=lead_${'0'.repeat(24)}`)).toEqual([]);
    expect(await ids_(`accountId=account_${'0'.repeat(24)}`)).toEqual([]);
    expect(await ids_(`contactId=contact_${'0'.repeat(24)}`)).toEqual([]);
    expect((await call('GET', `/licenses/lic_${ids.packageId()}_${ids.subscriberOrgId()}`, undefined, ['licenses:read'])).status).toBe(404);
  });

  it('packages: list, read, change only the default license values (audited); versions are read-only', async () => {
    const { pkg, version } = await registeredPackage({ status: 'Trial', lengthDays: 30, seats: 10 });
    // registered (revision 0), then its version became the latest (1)
    const got = await eventually('the package with its latest version', async () => {
      const g = await call('GET', `/packages/${pkg.packageId}`, undefined, ['packages:read']);
      return g.body['latestVersionId'] === version.packageVersionId ? g : undefined;
    });
    expect(got.body).toMatchObject({ packageId: pkg.packageId, packageName: pkg.packageName, defaultLicense: { status: 'Trial', lengthDays: 30, seats: 10 }, sandboxSiteLicense: true, revision: 1 });
    expect(got.etag).toBe('"1"');
    const denied = await call('PATCH', `/packages/${pkg.packageId}`, { reason: 'x', defaultLicense: { seats: 20 } }, ['packages:read']);
    expect(denied.status).toBe(403);
    expect(denied.body['missingPermission']).toBe('packages:edit');
    const readOnly = await call('PATCH', `/packages/${pkg.packageId}`, { reason: 'x', packageName: 'Mine now' }, ['packages:edit']);
    expect(readOnly.status).toBe(400);
    expect(readOnly.body['errors']).toEqual([expect.objectContaining({ field: 'body.packageName' })]);
    const range = await call('PATCH', `/packages/${pkg.packageId}`, { reason: 'x', defaultLicense: { lengthDays: 3651, seats: 0, status: 'Suspended' } }, ['packages:edit']);
    expect(range.body['errors'].map((e: Json) => e['field']).sort()).toEqual(['body.defaultLicense.lengthDays', 'body.defaultLicense.seats', 'body.defaultLicense.status']);
    const change = { reason: 'longer trials', defaultLicense: { lengthDays: 60, seats: null }, sandboxSiteLicense: false };
    const stale = await call('PATCH', `/packages/${pkg.packageId}`, change, ['packages:edit'], { 'if-match': '"0"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ type: 'https://lma.example/problems/precondition-failed', revision: 1 });
    const ok = await call('PATCH', `/packages/${pkg.packageId}`, change, ['packages:edit'], { 'if-match': got.etag! });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ defaultLicense: { status: 'Trial', lengthDays: 60, seats: null }, sandboxSiteLicense: false, revision: 2, packageName: pkg.packageName });
    expect(ok.etag).toBe('"2"');
    const audit = await h.db('license').collection('package_audit').findOne({ _id: `${pkg.packageId}:2` as never });
    expect(audit).toMatchObject({ changedBy: 'alice@partner.example', reason: 'longer trials', before: { defaultLicense: { lengthDays: 30, seats: 10 }, sandboxSiteLicense: true }, after: { defaultLicense: { lengthDays: 60, seats: null }, sandboxSiteLicense: false } });
    // a new license gets the new defaults
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const licenseId = await createLicenseFor(install);
    expect((await call('GET', `/licenses/${licenseId}`)).body).toMatchObject({ seats: null, expiresOn: '2026-04-11' });

    const list = await call('GET', '/packages?limit=200', undefined, ['packages:read']);
    expect(list.body['items'].some((p: Json) => p['packageId'] === pkg.packageId)).toBe(true);
    const v2 = await h.uploadVersion(pkg.packageId, { versionNumber: '1.1.0', releasedAt: '2026-02-01T00:00:00Z' });
    await eventually('version 2', async () => (await call('GET', `/package-versions/${v2.packageVersionId}`, undefined, ['packages:read'])).status === 200);
    const versions = await call('GET', `/packages/${pkg.packageId}/versions?limit=1`, undefined, ['packages:read']);
    expect(versions.body['items'][0]).toEqual({ packageVersionId: v2.packageVersionId, packageId: pkg.packageId, versionName: 'Release', versionNumber: '1.1.0', beta: false, releasedAt: '2026-02-01T00:00:00Z' });
    const older = await call('GET', `/packages/${pkg.packageId}/versions?limit=1&cursor=${versions.body['nextCursor']}`, undefined, ['packages:read']);
    expect(older.body['items'].map((v: Json) => v['packageVersionId'])).toEqual([version.packageVersionId]);
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      expect((await call(method, `/package-versions/${version.packageVersionId}`, {}, ADMIN)).status).toBe(404);
    }
  });
});

describe('permissions and bad input', () => {
  it('each route needs its permission (403 naming it); Modify License and seats need licenses:read and licenses:edit', async () => {
    const { licenseId, install, pkg, version } = await newLicense(ACTIVE_10);
    const user = ids.userId();
    const routes: [string, string, unknown, string][] = [
      ['GET', '/licenses', undefined, 'licenses:read'],
      ['GET', `/licenses/${licenseId}`, undefined, 'licenses:read'],
      ['GET', `/licenses/${licenseId}/audit`, undefined, 'licenses:read'],
      ['GET', `/licenses/${licenseId}/seats`, undefined, 'licenses:read'],
      ['GET', `/license-checks?packageId=${install.packageId}&subscriberOrgId=${install.subscriberOrgId}&userId=${user}`, undefined, 'licenses:read'],
      ['POST', '/license-checks', { checks: [{ packageId: install.packageId, subscriberOrgId: install.subscriberOrgId, userId: user }] }, 'licenses:read'],
      ['GET', '/packages', undefined, 'packages:read'],
      ['GET', `/packages/${pkg.packageId}`, undefined, 'packages:read'],
      ['GET', `/packages/${pkg.packageId}/versions`, undefined, 'packages:read'],
      ['GET', `/package-versions/${version.packageVersionId}`, undefined, 'packages:read'],
      ['PATCH', `/packages/${pkg.packageId}`, { reason: 'r', sandboxSiteLicense: true }, 'packages:edit'],
    ];
    for (const [method, path, body, permission] of routes) {
      const denied = await call(method, path, body, ['leads:read']);
      expect(denied.status, `${method} ${path} denied`).toBe(403);
      expect(denied.body['missingPermission']).toBe(permission);
      expect((await call(method, path, body, [permission])).status, `${method} ${path} allowed`).toBe(200);
    }
    const anonymous = await fetch(`${h.service('license').url}/v1/licenses/${licenseId}`);
    expect(anonymous.status).toBe(401);

    const writes: [string, string, unknown][] = [
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', seats: 11 }],
      ['PUT', `/licenses/${licenseId}/seats/${user}`, undefined],
      ['DELETE', `/licenses/${licenseId}/seats/${user}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      expect((await call(method, path, body, ['licenses:read'])).body['missingPermission'], `${method} ${path} read only`).toBe('licenses:edit');
      expect((await call(method, path, body, ['licenses:edit'])).body['missingPermission'], `${method} ${path} edit only`).toBe('licenses:read');
      expect((await call(method, path, body, RW)).status, `${method} ${path} allowed`).toBe(200);
    }
    expect((await stored(licenseId)).revision).toBe(4);
  });

  it('rejects unknown fields, wrong types, out-of-range values and $-operator injection with field-level 400s; nothing is stored', async () => {
    const { licenseId, install } = await newLicense(ACTIVE_10);
    const user = ids.userId();
    const corpus: [string, string, unknown, string][] = [
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', seats: { $gt: 0 } }, 'body.seats'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', $set: { status: 'Active' } }, 'body.$set'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', 'status.$': 'Active' }, 'body.status.$'],
      ['PATCH', `/licenses/${licenseId}`, { reason: { $ne: null }, seats: 3 }, 'body.reason'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', seats: 0 }, 'body.seats'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', seats: 99_000_001 }, 'body.seats'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', seats: 2.5 }, 'body.seats'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', status: 'Uninstalled' }, 'body.status'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', expiresOn: '2026-02-30' }, 'body.expiresOn'],
      ['PATCH', `/licenses/${licenseId}`, { seats: 3 }, 'body.reason'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', usedLicenses: 0 }, 'body.usedLicenses'],
      ['PATCH', `/licenses/${licenseId}`, { reason: 'r', revision: 'latest' }, 'body.revision'],
      ['PATCH', `/licenses/${encodeURIComponent('{"$gt":""}')}`, { reason: 'r', seats: 3 }, 'path.licenseId'],
      ['GET', '/licenses?packageId[$ne]=x', undefined, 'query.packageId[$ne]'],
      ['GET', '/licenses?status=Deleted', undefined, 'query.status'],
      ['GET', '/licenses?sort=$natural', undefined, 'query.sort'],
      ['GET', '/licenses?limit=1000', undefined, 'query.limit'],
      ['GET', '/licenses?cursor=bm90LWEtY3Vyc29y', undefined, 'query.cursor'],
      ['GET', '/licenses?sandbox=yes', undefined, 'query.sandbox'],
      ['GET', '/licenses?expiringBefore=tomorrow', undefined, 'query.expiringBefore'],
      ['GET', `/license-checks?packageId=${install.packageId}&subscriberOrgId=${install.subscriberOrgId}&userId[$gt]=`, undefined, 'query.userId'],
      ['GET', `/license-checks?packageId=${install.packageId}&subscriberOrgId=${install.subscriberOrgId}`, undefined, 'query.userId'],
      ['PUT', `/licenses/${licenseId}/seats/$where`, undefined, 'path.userId'],
      ['PUT', `/licenses/${licenseId}/seats/${user}`, { reason: 'r', userId: { $ne: null } }, 'body.userId'],
      ['GET', `/licenses/${licenseId}/audit?limit=0`, undefined, 'query.limit'],
    ];
    for (const [method, path, body, field] of corpus) {
      const r = await call(method, path, body, ADMIN);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.type).toContain('application/problem+json');
      expect(r.body['errors'].map((e: Json) => e['field']), `${method} ${path} ${JSON.stringify(body)}`).toContain(field);
    }
    expect((await call('PATCH', `/licenses/${licenseId}`, '{"reason": "r", "seats": ', ADMIN)).status).toBe(400);
    expect((await stored(licenseId)).revision).toBe(1);
    expect(eventsOf(licenseId)).toHaveLength(1);
    expect(await h.db('license').collection('seat_assignments').countDocuments({ licenseId })).toBe(0);
  });

  it('removes the consumer group a replica reads license events with for its checks when it stops', async () => {
    const admin = new Kafka({ clientId: 'license-api-test', brokers: h.env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() }).admin();
    await admin.connect();
    try {
      const checkGroups = async () => (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${h.env['KAFKA_GROUP_PREFIX']}.license.checks.`));
      expect(await checkGroups()).toHaveLength(2); // one per replica
      await replica.stop();
      await eventually('the stopped replica\'s group to be gone', async () => (await checkGroups()).length === 1, 20_000, 200);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('license check fast path (api/checkFastPath.ts)', () => {
  /** The same request to /v1/license-checks (the fast path) and /v1/license-checks/ (left to express: the declared route). */
  async function both(method: string, query: string, body: string | undefined, authorization: string | undefined) {
    const send = async (path: string) => {
      const res = await fetch(`${h.service('license').url}${path}${query}`, {
        method,
        headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body }),
      });
      const json = (await res.json()) as Json;
      delete json['instance']; // the URL as requested, differing by the slash
      return { status: res.status, type: res.headers.get('content-type'), etag: res.headers.get('etag'), body: json };
    };
    const fast = await send('/v1/license-checks');
    const declared = await send('/v1/license-checks/');
    // a check answer is no resource with a revision: no ETag from either (express's own is off)
    expect(fast, `${method} ${query} ${body}`).toEqual(declared);
    expect(fast.etag).toBeNull();
    return fast;
  }

  it('answers exactly as the declared route: 401, 403 naming the permission, 400 naming fields, answers', async () => {
    const { licenseId, install } = await newLicense({ status: 'Active', lengthDays: null, seats: 2 });
    const user = ids.userId();
    await call('PUT', `/licenses/${licenseId}/seats/${user}`, undefined, RW);
    const p = install.packageId;
    const o = install.subscriberOrgId;
    const ok = `?packageId=${p}&subscriberOrgId=${o}&userId=${user}`;
    const read = forwarded('license', ['licenses:read']);
    const item = { packageId: p, subscriberOrgId: o, userId: user };

    const fields = (r: { body: Json }) => (r.body['errors'] as Json[]).map((e) => e['field']);
    expect((await both('GET', ok, undefined, undefined)).body).toMatchObject({ status: 401, detail: 'A bearer token is required' });
    expect((await both('GET', ok, undefined, 'Bearer not.a.jwt')).status).toBe(401);
    // tamper with the signature's first character (its last one carries padding bits a decoder ignores)
    const forged = (t: string) => { const i = t.lastIndexOf('.') + 1; return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1); };
    expect((await both('GET', ok, undefined, forged(forwarded('license', ['licenses:read'])))).status).toBe(401);
    expect((await both('GET', ok, undefined, forwarded('license', ['licenses:edit']))).body).toMatchObject({ status: 403, missingPermission: 'licenses:read' });
    expect((await both('POST', '', JSON.stringify({ checks: [item] }), forwarded('license', ['leads:read']))).body).toMatchObject({ status: 403, missingPermission: 'licenses:read' });
    const bad: [string, string | undefined, string[]][] = [
      [`?packageId[$ne]=x&subscriberOrgId=${o}&userId=${user}`, undefined, ['query.packageId', 'query.packageId[$ne]']],
      [`${ok}&userId=${ids.userId()}`, undefined, ['query.userId']],
      [`${ok}&extra=1`, undefined, ['query.extra']],
      [`?subscriberOrgId=${o}`, undefined, ['query.packageId', 'query.userId']],
      ['', '{"checks": [', ['body']],
      ['', '"checks"', ['body']],
      ['', JSON.stringify({ checks: [item, { ...item, userId: { $ne: null } }], more: 1 }), ['body.checks.1.userId', 'body.more']],
      ['', JSON.stringify({ checks: [] }), ['body.checks']],
      ['?x=1', JSON.stringify({ checks: [item] }), ['query']],
    ];
    for (const [query, body, named] of bad) {
      const r = await both(body === undefined ? 'GET' : 'POST', query, body, read);
      expect(r.status, `${query} ${body}`).toBe(400);
      expect(r.type).toBe('application/problem+json; charset=utf-8');
      expect(fields(r).sort(), `${query} ${body}`).toEqual(named.sort());
    }
    // the permission is checked before the input, as on the declared route
    expect((await both('GET', `${ok}&extra=1`, undefined, forwarded('license', ['leads:read']))).status).toBe(403);

    const licensed = await both('GET', ok, undefined, read);
    expect(licensed).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', body: { licensed: true, reason: null, licenseId, siteLicense: false, revision: 2 } });
    const noSeat = { licensed: false, reason: 'no-seat', licenseId };
    expect((await both('GET', `?packageId=${p}&subscriberOrgId=${o}&userId=${ids.userId()}`, undefined, read)).body).toMatchObject(noSeat);
    const batch = await both('POST', '', JSON.stringify({ checks: [item, { ...item, userId: ids.userId() }, { ...item, subscriberOrgId: ids.subscriberOrgId() }] }), read);
    expect(batch.body['results'].map((a: Json) => a['reason'])).toEqual([null, 'no-seat', 'not-installed']);
  });

  it('remembers a verified token only until it expires', async () => {
    const { install } = await newLicense(ACTIVE_10);
    const token = `Bearer ${forwardedToken('license', ['licenses:read'], 'short', 1)}`;
    const url = `${h.service('license').url}/v1/license-checks?packageId=${install.packageId}&subscriberOrgId=${install.subscriberOrgId}&userId=${ids.userId()}`;
    expect((await fetch(url, { headers: { authorization: token } })).status).toBe(200);
    const expired = await eventually('the token expires', async () => {
      const r = await fetch(url, { headers: { authorization: token } });
      return r.status === 401 ? ((await r.json()) as Json) : undefined;
    }, 10_000, 100); // its 1 s lifetime plus the clock skew the services allow (5 s)
    expect(expired['detail']).toBe('The bearer token has expired');
  });
});
