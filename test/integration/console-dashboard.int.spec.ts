import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { LICENSE_EVENTS_TOPIC, LicenseEventType, MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType, type CloudEvent } from '@lma/contracts';
import { IdpProcess, eventually, freePort, ids, type ServiceProcess } from '@lma/testing';
import { launchBrowser, shot, signIn } from './console-browser';
import { Harness, bearer } from './harness';

/**
 * What needs a person's attention, through the gateway in front of the real services and in the
 * console's dashboard in a real Chromium: onboardings parked or failed with their reasons
 * (`GET /onboardings/attention`), and records dead-lettered in the last day across services
 * (`GET /dead-letters`), each list pruned of what is older than its window.
 */
const h = new Harness('dashboard', {
  SAGA_STEP_TIMEOUT_MS: '2000',
  SAGA_SWEEP_INTERVAL_MS: '1000',
  // prune often, so entries older than the windows go while the test watches
  DEAD_LETTER_PRUNE_MS: '500',
  ONBOARDING_ATTENTION_PRUNE_MS: '500',
});
let gateway: ServiceProcess;
let idp: IdpProcess;
let browser: Browser;
const admin = bearer(['admin']);
const DAY_MS = 86_400_000;

interface Attention {
  sagaId: string;
  installEventId: string;
  subscriberOrgId: string;
  orgName: string | null;
  state: string;
  reason: string;
  step: string | null;
  since: string;
  resumesOn: string | null;
}
interface DeadLetter {
  id: string;
  service: string;
  consumerGroup: string;
  topic: string;
  eventId: string | null;
  type: string | null;
  reason: string;
  field: string | null;
  at: string;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
  unavailable?: string[];
}

async function get<T>(path: string, authorization = admin): Promise<{ status: number; body: T }> {
  const res = await fetch(h.api(path), { headers: { authorization } });
  return { status: res.status, body: (await res.json()) as T };
}

/** An install of a package nobody registered: its license waits for the package (parked). */
let parked: CloudEvent;
/** A reinstall in an org the marketplace deleted: its license can never be created (failed). */
let failed: CloudEvent;
/** A marketplace record whose subscriber org is not an org id: install-intake dead-letters it. */
let malformed: CloudEvent;

beforeAll(async () => {
  const idpPort = await freePort();
  // every service with a dead-letter ledger, so the gateway's list covers them all
  await h.start(['install-intake', 'lead', 'license', 'notification', 'refresh'], [LICENSE_EVENTS_TOPIC]);
  gateway = await h.startGateway({ OIDC_ISSUER: `http://127.0.0.1:${idpPort}`, OIDC_AUDIENCE: 'lma-api' });
  idp = await new IdpProcess({ IDP_REDIRECT_URIS: `${gateway.url}/,http://127.0.0.1:4000/` }).start(idpPort);
  browser = await launchBrowser();

  parked = await h.install(h.installData(ids.packageId(), ids.packageVersionId(), { org: { name: 'Parked Org', edition: 'Enterprise', status: 'Active', instance: 'NA42', sandbox: false } }));

  const pkg = await h.registerPackage();
  const version = await h.uploadVersion(pkg.packageId);
  const first = h.installData(pkg.packageId, version.packageVersionId, { org: { name: 'Deleted Org', edition: 'Enterprise', status: 'Active', instance: 'NA42', sandbox: false } });
  const key = `${pkg.packageId}:${first.subscriberOrgId}`;
  await h.install(first);
  await eventually('the first license', () => h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.key === key && r.event?.type === LicenseEventType.Created).length === 1, 60_000);
  await h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, {
    type: MarketplaceEventType.OrgChanged,
    key: first.subscriberOrgId,
    data: { subscriberOrgId: first.subscriberOrgId, observedAt: '2026-02-20T00:00:00Z', lifecycle: 'deleted' },
  });
  await eventually('the license deleted with its org', () => h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.key === key && r.event?.type === LicenseEventType.Deleted).length === 1, 30_000);
  failed = await h.install({ ...first, installedAt: '2026-03-01T00:00:00Z', installer: { ...first.installer, email: `again.${Math.random().toString(36).slice(2)}@example.com` } });

  const data = h.installData(pkg.packageId, version.packageVersionId, { subscriberOrgId: 'not-an-org' });
  malformed = await h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type: MarketplaceEventType.PackageInstalled, key: `${pkg.packageId}:not-an-org`, data });

  // discovery is retried in the background: wait until the gateway accepts the provider's tokens
  const token = await idp.token('ADMIN');
  await eventually("the gateway to accept the provider's tokens", async () => (await fetch(h.api('/licenses'), { headers: { authorization: `Bearer ${token}` } })).status === 200, 30_000, 200);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await idp?.stop();
  await h.stop();
});

describe('onboardings needing attention', () => {
  it('lists the parked install and the failed one with their reasons and steps, newest first, in cursor pages; one state at a time', async () => {
    const reader = bearer(['licenses:read']);
    const page = await eventually('both onboardings listed', async () => {
      const r = await get<Page<Attention>>('/onboardings/attention', reader);
      const ids = r.body.items.map((o) => o.installEventId);
      return r.status === 200 && ids.includes(parked.id) && ids.includes(failed.id) ? r.body : undefined;
    }, 60_000);
    const p = page.items.find((o) => o.installEventId === parked.id)!;
    const f = page.items.find((o) => o.installEventId === failed.id)!;
    expect(p).toMatchObject({ state: 'parked', reason: 'package-not-registered', step: 'create-license', orgName: 'Parked Org' });
    expect(p.resumesOn).toMatch(/package.registered/);
    expect(f).toMatchObject({ state: 'failed', step: 'create-license', orgName: 'Deleted Org', resumesOn: null });
    expect(f.reason).toMatch(/deleted/);
    // the failure came after the park
    expect(page.items.indexOf(f)).toBeLessThan(page.items.indexOf(p));
    expect(Date.parse(f.since)).toBeGreaterThan(Date.parse(p.since));

    const first = await get<Page<Attention>>('/onboardings/attention?limit=1', reader);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]!.installEventId).toBe(failed.id);
    const second = await get<Page<Attention>>(`/onboardings/attention?limit=1&cursor=${first.body.nextCursor}`, reader);
    expect(second.body.items.map((o) => o.installEventId)).toEqual([parked.id]);
    expect(second.body.nextCursor).toBeNull();

    const onlyParked = await get<Page<Attention>>('/onboardings/attention?state=parked', reader);
    expect(onlyParked.body.items.map((o) => o.installEventId)).toEqual([parked.id]);
  });

  it('a failed onboarding older than the attention window leaves the list; a parked one stays however old', async () => {
    const attention = h.db('install-intake').collection('onboarding_attention');
    const old = { packageId: ids.packageId(), subscriberOrgId: ids.subscriberOrgId() };
    await attention.insertMany([
      { _id: 'onb:failed-long-ago', state: 'failed', since: new Date(Date.now() - 8 * DAY_MS), ...old },
      { _id: 'onb:parked-long-ago', state: 'parked', since: new Date(Date.now() - 30 * DAY_MS), ...old },
    ] as never[]);
    await eventually('the old failure pruned', async () => (await attention.findOne({ _id: 'onb:failed-long-ago' } as never)) === null);
    expect(await attention.findOne({ _id: 'onb:parked-long-ago' } as never)).not.toBeNull();
  });

  it('refuses a bad state or cursor naming the field, and a caller without licenses:read', async () => {
    const bad = await get<{ errors: { field: string }[] }>('/onboardings/attention?state=stuck&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual(['query.limit', 'query.state']);
    const cursor = await get<{ errors: { field: string }[] }>('/onboardings/attention?cursor=not-a-cursor');
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors.map((e) => e.field)).toEqual(['query.cursor']);
    const denied = await get<{ missingPermission: string }>('/onboardings/attention', bearer(['packages:read']));
    expect(denied.status).toBe(403);
    expect(denied.body.missingPermission).toBe('licenses:read');
  });
});

describe('dead letters', () => {
  it('lists the malformed marketplace record with its reason and field, from the service that dead-lettered it', async () => {
    const d = await eventually('the dead letter listed', async () => {
      const r = await get<Page<DeadLetter>>('/dead-letters');
      return r.body.items?.find((x) => x.eventId === malformed.id);
    }, 60_000);
    expect(d).toMatchObject({ service: 'install-intake', topic: MARKETPLACE_EVENTS_TOPIC, type: MarketplaceEventType.PackageInstalled });
    expect(d.consumerGroup).toMatch(/install-intake$/);
    expect(`${d.field} ${d.reason}`).toMatch(/subscriberOrgId/);
    // every service's ledger answered
    const r = await get<Page<DeadLetter>>('/dead-letters');
    expect(r.body.unavailable).toEqual([]);
    // a time after it: not listed
    const later = await get<Page<DeadLetter>>(`/dead-letters?since=${new Date(Date.parse(d.at) + 1000).toISOString()}`);
    expect(later.body.items.map((x) => x.id)).not.toContain(d.id);
  });

  it('notes older than the retention are pruned from every ledger; younger ones stay and are listed since a time, in cursor pages', async () => {
    const ledger = h.db('lead').collection('dead_letters');
    const note = (id: string, daysAgo: number) => ({
      _id: `${h.prefix}.lead|lma.lead.events|0|${id}`,
      state: 'sent',
      at: new Date(Date.now() - daysAgo * DAY_MS),
      group: `${h.prefix}.lead`,
      topic: 'lma.lead.events',
      partition: 0,
      offset: id,
      eventId: `evt-${id}`,
      type: 'lma.test.junk',
      reason: `junk ${id}`,
      field: null,
    });
    await ledger.insertMany([note('1', 8), note('2', 2), note('3', 3)] as never[]);
    await eventually('the 8-day-old note pruned', async () => (await ledger.findOne({ _id: note('1', 8)._id } as never)) === null);
    const since = new Date(Date.now() - 9 * DAY_MS).toISOString();
    const first = await get<Page<DeadLetter>>(`/dead-letters?since=${since}&limit=2`);
    expect(first.status).toBe(200);
    const second = await get<Page<DeadLetter>>(`/dead-letters?since=${since}&limit=2&cursor=${first.body.nextCursor}`);
    const listed = [...first.body.items, ...second.body.items];
    expect(second.body.nextCursor).toBeNull();
    // newest first across services: the malformed record (today, install-intake), then the lead's notes of 2 and 3 days ago
    expect(listed.map((x) => x.eventId)).toEqual([malformed.id, 'evt-2', 'evt-3']);
    expect(listed[1]).toMatchObject({ service: 'lead', reason: 'junk 2' });
  });

  it('refuses a malformed since naming the field, and a caller who is not an admin', async () => {
    const bad = await get<{ errors: { field: string; reason: string }[] }>('/dead-letters?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'query.since', reason: expect.stringMatching(/RFC 3339/) }]);
    const cursor = await get<{ errors: { field: string }[] }>('/dead-letters?cursor=bm90LWEtY3Vyc29y');
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors.map((e) => e.field)).toEqual(['query.cursor']);
    const denied = await get<{ missingPermission: string }>('/dead-letters', bearer(['licenses:read', 'packages:read']));
    expect(denied.status).toBe(403);
    expect(denied.body.missingPermission).toBe('admin');
  });
});

describe('the dashboard in a browser', () => {
  it('an admin sees the parked and the failed onboarding with their reasons and the dead letter, and diagnoses one from there', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ADMIN', '/', { width: 1280, height: 1240 });
    const parkedRow = page.getByTestId(`attention-${parked.id}`);
    await expect.poll(() => parkedRow.textContent()).toMatch(/parked.*package-not-registered.*Parked Org/);
    await expect.poll(() => page.getByTestId(`attention-${failed.id}`).textContent()).toMatch(/failed.*deleted.*Deleted Org/);
    await expect.poll(() => page.getByTestId(`dead-letter-${malformed.id}`).textContent()).toMatch(/install-intake.*marketplace\.package\.installed.*subscriberOrgId/);
    await shot(page, 'dashboard-attention');
    await parkedRow.getByRole('link', { name: /Diagnose the onboarding of Parked Org/ }).click();
    await page.waitForURL((u) => u.pathname === '/onboardings' && u.searchParams.get('eventId') === parked.id);
    await expect.poll(() => page.getByText('package-not-registered').first().isVisible()).toBe(true);
    await context.close();
  });

  it('an analyst sees the onboardings but is not offered the dead letters', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ANALYST', '/');
    await page.getByTestId(`attention-${parked.id}`).waitFor();
    expect(await page.getByRole('heading', { name: 'Dead letters in the last day' }).count()).toBe(0);
    await context.close();
  });
});
