import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LICENSE_EVENTS_TOPIC,
  LicenseEventType,
  LicenseV1,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  dlqTopic,
  type DefaultLicense,
} from '@lma/contracts';
import { eventually, ids } from '@lma/testing';
import { Harness, forwarded } from './harness';

const DLQ = dlqTopic(MARKETPLACE_EVENTS_TOPIC);
const h = new Harness('slice');

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license'], [LICENSE_EVENTS_TOPIC, DLQ]);
});
afterAll(async () => {
  await h.stop();
});

const createdFor = (packageId: string, orgId: string) =>
  h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.key === `${packageId}:${orgId}` && r.event?.type === LicenseEventType.Created);

async function registeredPackage(defaults: DefaultLicense = { status: 'Trial', lengthDays: 30, seats: 10 }) {
  const pkg = await h.registerPackage({ defaultLicense: defaults });
  const version = await h.uploadVersion(pkg.packageId);
  return { pkg, version };
}

describe('install -> license (first slice)', () => {
  it('creates the license from the package defaults and publishes lma.license.created exactly as the contract says', async () => {
    const { pkg, version } = await registeredPackage();
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await h.install(install, { traceparent });

    const [rec] = await eventually('lma.license.created', () => {
      const r = createdFor(pkg.packageId, install.subscriberOrgId);
      return r.length ? r : undefined;
    });
    expect(rec!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_source: 'lma/license',
      ce_type: 'lma.license.created',
      'content-type': 'application/json',
      // same trace, continued by the license service's own send span
      traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/),
    });
    expect(Date.parse(rec!.headers['ce_time']!)).not.toBeNaN();
    const license = LicenseV1.parse(JSON.parse(rec!.value!));
    expect(license).toMatchObject({
      packageId: pkg.packageId,
      packageVersionId: version.packageVersionId,
      versionNumber: '1.0.0',
      subscriberOrgId: install.subscriberOrgId,
      status: 'Trial',
      seats: 10,
      usedLicenses: 0,
      expiresOn: '2026-03-12', // installed 2026-02-10 + 30 days
      installDate: install.installedAt,
      orgEdition: 'Enterprise',
      orgStatus: 'Trial',
      orgExpiresOn: '2026-03-10',
      instance: 'NA42',
      sandbox: false,
      accountId: null,
      revision: 1,
    });
    expect(license.licenseName).toMatch(/^L-\d{6}$/);

    // the same license through the authenticated API
    const url = `${h.service('license').url}/v1/licenses/lic_${pkg.packageId}_${install.subscriberOrgId}`;
    const ok = await fetch(url, { headers: { authorization: forwarded('license', ['licenses:read']) } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual(license);
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const forbidden = await fetch(url, { headers: { authorization: forwarded('license', ['packages:read']) } });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { missingPermission: string }).missingPermission).toBe('licenses:read');
  });

  it('applies site license, no expiry and Active status from the defaults; sandbox installs get a site license', async () => {
    const { pkg, version } = await registeredPackage({ status: 'Active', lengthDays: null, seats: 25 });
    const prod = h.installData(pkg.packageId, version.packageVersionId);
    const sandbox = h.installData(pkg.packageId, version.packageVersionId, {
      org: { name: 'Sandbox Co', edition: 'Developer', status: 'Active', instance: 'CS12', sandbox: true },
    });
    await h.install(prod);
    await h.install(sandbox);
    const prodLicense = await eventually('production license', () => {
      const r = createdFor(pkg.packageId, prod.subscriberOrgId)[0];
      return r && LicenseV1.parse(JSON.parse(r.value!));
    });
    const sandboxLicense = await eventually('sandbox license', () => {
      const r = createdFor(pkg.packageId, sandbox.subscriberOrgId)[0];
      return r && LicenseV1.parse(JSON.parse(r.value!));
    });
    expect(prodLicense).toMatchObject({ status: 'Active', seats: 25, expiresOn: null, orgStatus: 'Trial', orgExpiresOn: '2026-03-10' });
    expect(sandboxLicense).toMatchObject({ status: 'Active', seats: null, expiresOn: null, sandbox: true, instance: 'CS12' });
  });

  it('gives one license for an install delivered three times, and for a second install of the same org', async () => {
    const { pkg, version } = await registeredPackage();
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const first = await h.install(install);
    await h.install(install, { id: first.id });
    await h.install(install, { id: first.id });
    await h.install({ ...install, installedAt: '2026-02-11T08:30:00Z' }); // another event, same package and org

    await eventually('the license', () => createdFor(pkg.packageId, install.subscriberOrgId).length > 0);
    // give duplicates every chance to show up: both sagas must have finished
    await eventually('both onboardings completed', async () => {
      const sagas = await h.db('install-intake').collection('onboardings').find({ packageId: pkg.packageId }).toArray();
      return sagas.length === 2 && sagas.every((s) => s['state'] === 'completed');
    });
    expect(createdFor(pkg.packageId, install.subscriberOrgId)).toHaveLength(1);
    expect(await h.db('license').collection('licenses').countDocuments({ packageId: pkg.packageId })).toBe(1);
    const sagas = await h.db('install-intake').collection('onboardings').find({ packageId: pkg.packageId }).toArray();
    expect(new Set(sagas.map((s) => s['licenseName'])).size).toBe(1);
  });

  it('parks an install whose package is not registered yet, and says why', async () => {
    const packageId = ids.packageId();
    const install = h.installData(packageId, ids.packageVersionId());
    await h.install(install);
    const url = `${h.service('install-intake').url}/v1/onboardings?packageId=${packageId}&subscriberOrgId=${install.subscriberOrgId}`;
    const body = await eventually('the parked onboarding', async () => {
      const res = await fetch(url, { headers: { authorization: forwarded('install-intake', ['licenses:read']) } });
      if (res.status !== 200) return undefined;
      const json = (await res.json()) as { items: { state: string; parked: { reason: string } | null }[] };
      return json.items[0]?.state === 'parked' ? json : undefined;
    });
    expect(body.items[0]!.parked!.reason).toBe('package-not-registered');
    expect(createdFor(packageId, install.subscriberOrgId)).toHaveLength(0);
  });
});

describe('malformed records', () => {
  const valid = () => h.installData(ids.packageId(), ids.packageVersionId());
  const headers = (type: string, id: string): Record<string, string> => ({
    ce_specversion: '1.0',
    ce_id: id,
    ce_source: 'marketplace/test',
    ce_type: type,
    ce_time: '2026-02-10T08:30:00Z',
    'content-type': 'application/json',
  });

  it.each([
    ['bad JSON', () => ({ value: '{"packageId": ', headers: headers(MarketplaceEventType.PackageInstalled, `bad-json-${Math.random()}`) }), 'value', /not valid JSON/],
    ['unknown type', () => ({ value: JSON.stringify(valid()), headers: headers('marketplace.package.teleported', `unknown-${Math.random()}`) }), 'header ce_type', /unknown event type/],
    [
      'wrong id format',
      () => ({ value: JSON.stringify({ ...valid(), subscriberOrgId: '00Dshort' }), headers: headers(MarketplaceEventType.PackageInstalled, `badid-${Math.random()}`) }),
      'data.subscriberOrgId',
      /15 alphanumeric characters starting with 00D/,
    ],
    [
      'missing field',
      () => {
        const { installer: _drop, ...rest } = valid();
        return { value: JSON.stringify(rest), headers: headers(MarketplaceEventType.PackageInstalled, `missing-${Math.random()}`) };
      },
      'data.installer',
      /is required/,
    ],
    [
      'missing ce_id header',
      () => {
        const { ce_id: _drop, ...rest } = headers(MarketplaceEventType.PackageInstalled, 'x');
        return { value: JSON.stringify(valid()), headers: rest };
      },
      'header ce_id',
      /is missing/,
    ],
  ])('%s -> dead-letter topic with the reason, and the next valid record is still processed', async (_name, make, field, reason) => {
    const rec = make();
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    await h.kafka.publishRaw(MARKETPLACE_EVENTS_TOPIC, { key: marker, ...rec });
    const { pkg, version } = await registeredPackage();
    const next = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(next);

    const dead = await eventually('the dead-lettered record', () => h.kafka.recordsOn(DLQ, (r) => r.key === marker)[0]);
    expect(dead.headers['lma_dlq_field']).toBe(field);
    expect(dead.headers['lma_dlq_reason']).toMatch(reason);
    expect(dead.headers['lma_dlq_topic']).toBe(MARKETPLACE_EVENTS_TOPIC);
    expect(dead.value).toBe(rec.value); // the original record, untouched
    if (rec.headers['ce_id']) expect(dead.headers['ce_id']).toBe(rec.headers['ce_id']);
    await eventually('the next valid install to get its license', () => createdFor(pkg.packageId, next.subscriberOrgId).length === 1);
  });
});
