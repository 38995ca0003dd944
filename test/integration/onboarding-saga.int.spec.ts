import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalTopic, LICENSE_EVENTS_TOPIC, LicenseEventType, LicenseV1, MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType, ReplyType } from '@lma/contracts';
import { eventually, ids } from '@lma/testing';
import { Harness } from './harness';

// short saga timeouts so "no reply" paths finish within a test
const h = new Harness('saga', { SAGA_STEP_TIMEOUT_MS: '2000', SAGA_SWEEP_INTERVAL_MS: '1000' });

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license'], [LICENSE_EVENTS_TOPIC, InternalTopic.SagaReplies, InternalTopic.LeadCommands, InternalTopic.LicenseCommands]);
});
afterAll(async () => {
  await h.stop();
});

interface Diagnosis {
  sagaId: string;
  state: string;
  stage: string;
  lead: { leadId: string | null; contactId: string | null; created: boolean; ownerId: string; matchedBy: string } | null;
  license: { licenseId: string; licenseName: string } | null;
  parked: { reason: string; since: string; resumesOn: string } | null;
  failed: { reason: string; step: string; attempts: number } | null;
  history: { step: string; outcome: string }[];
}

async function onboarding(packageId: string, orgId: string, until: (d: Diagnosis) => boolean, timeoutMs = 30_000): Promise<Diagnosis> {
  return await eventually(
    `onboarding of ${orgId}`,
    async () => {
      const r = await h.http('install-intake', 'GET', `/v1/onboardings?packageId=${packageId}&subscriberOrgId=${orgId}`);
      const d = (r.body['items'] as Diagnosis[] | undefined)?.[0];
      return d && until(d) ? d : undefined;
    },
    timeoutMs,
  );
}

const licenseOf = (packageId: string, orgId: string) => {
  const r = h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (x) => x.key === `${packageId}:${orgId}` && x.event?.type === LicenseEventType.Created)[0];
  return r ? LicenseV1.parse(JSON.parse(r.value!)) : undefined;
};

async function teamMember(name: string, active = true) {
  const r = await h.http('lead', 'POST', '/v1/team-members', {
    name,
    email: `${name.toLowerCase().replace(/\W/g, '')}.${Math.random().toString(36).slice(2, 7)}@vendor.example`,
    active,
    roles: ['lead-manager', 'license-manager'],
  });
  expect(r.status).toBe(201);
  return r.body as { id: string };
}

async function packageWithVersion(leadManagerId?: string) {
  const pkg = await h.registerPackage();
  const version = await h.uploadVersion(pkg.packageId);
  if (leadManagerId) {
    const r = await h.http('lead', 'PUT', `/v1/packages/${pkg.packageId}/lead-routing`, { leadManagerId });
    expect(r.status).toBe(200);
  }
  return { pkg, version };
}

describe('onboarding saga', () => {
  it('install -> lead owned by the lead manager + license from defaults, linked to each other', async () => {
    const manager = await teamMember('Lena Manager');
    const { pkg, version } = await packageWithVersion(manager.id);
    const install = h.installData(pkg.packageId, version.packageVersionId, {
      installer: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${Math.random().toString(36).slice(2)}@engines.example`, company: 'Engines', phone: '+44 20 7946 0000', country: 'GB', state: 'London' },
    });
    await h.install(install);
    const d = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'completed');
    expect(d.stage).toBe('license created');
    expect(d.lead).toMatchObject({ created: true, ownerId: manager.id, matchedBy: 'new-lead' });
    const lead = await h.db('lead').collection('leads').findOne({ _id: d.lead!.leadId } as never);
    expect(lead).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Engines',
      phone: '+44 20 7946 0000',
      country: 'GB',
      state: 'London',
      leadSource: 'Package Installation',
      ownerId: manager.id,
      status: 'Open',
    });
    const license = await eventually('the license event', () => licenseOf(pkg.packageId, install.subscriberOrgId));
    expect(license).toMatchObject({ leadId: d.lead!.leadId, contactId: null, status: 'Trial', seats: 10 });
    expect(d.license!.licenseName).toBe(license.licenseName);
  });

  it('no lead manager -> the lead is owned by LMA', async () => {
    const { pkg, version } = await packageWithVersion();
    const install = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(install);
    const d = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'completed');
    expect(d.lead).toMatchObject({ ownerId: 'lma', created: true });
  });

  it('existing contact -> no new lead and the license links to the contact; contact matching off -> a lead', async () => {
    const { pkg, version } = await packageWithVersion();
    const email = `grace.${Math.random().toString(36).slice(2)}@navy.example`;
    const first = h.installData(pkg.packageId, version.packageVersionId, { installer: { firstName: 'Grace', lastName: 'Hopper', email, company: 'Navy' } });
    await h.install(first);
    const d1 = await onboarding(pkg.packageId, first.subscriberOrgId, (x) => x.state === 'completed');
    const converted = await h.http('lead', 'POST', `/v1/leads/${d1.lead!.leadId}/convert`, { accountName: 'Navy' });
    expect(converted.status).toBe(200);
    // conversion links the first license to the new account and contact
    const linked = await eventually('lma.license.linked', () => {
      const r = h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (x) => x.key === `${pkg.packageId}:${first.subscriberOrgId}` && x.event?.type === LicenseEventType.Linked)[0];
      return r ? LicenseV1.parse(JSON.parse(r.value!)) : undefined;
    });
    expect(linked).toMatchObject({ leadId: d1.lead!.leadId, accountId: converted.body['accountId'], contactId: converted.body['contactId'], revision: 2 });

    const second = h.installData(pkg.packageId, version.packageVersionId, { installer: { firstName: 'Grace', lastName: 'Hopper', email: email.toUpperCase(), company: 'Navy' } });
    await h.install(second);
    const d2 = await onboarding(pkg.packageId, second.subscriberOrgId, (x) => x.state === 'completed');
    expect(d2.lead).toMatchObject({ leadId: null, created: false, matchedBy: 'existing-contact' });
    const license = await eventually('license linked to the contact', () => licenseOf(pkg.packageId, second.subscriberOrgId));
    expect(license.leadId).toBeNull();
    expect(license.contactId).toBe(d2.lead!.contactId);

    expect((await h.http('lead', 'PUT', `/v1/packages/${pkg.packageId}/lead-routing`, { contactMatching: false })).status).toBe(200);
    const third = h.installData(pkg.packageId, version.packageVersionId, { installer: { firstName: 'Grace', lastName: 'Hopper', email, company: 'Navy' } });
    await h.install(third);
    const d3 = await onboarding(pkg.packageId, third.subscriberOrgId, (x) => x.state === 'completed');
    expect(d3.lead).toMatchObject({ created: true, matchedBy: 'new-lead' });
  });

  it('install before registration parks, and the registration resumes it; likewise a version not uploaded yet', async () => {
    const packageId = ids.packageId();
    const packageVersionId = ids.packageVersionId();
    const install = h.installData(packageId, packageVersionId);
    await h.install(install);
    const parked = await onboarding(packageId, install.subscriberOrgId, (x) => x.state === 'parked');
    expect(parked.parked).toMatchObject({ reason: 'package-not-registered' });
    expect(parked.parked!.resumesOn).toMatch(/package.registered/);

    await h.registerPackage({ packageId });
    const parkedOnVersion = await onboarding(packageId, install.subscriberOrgId, (x) => x.parked?.reason === 'version-not-uploaded');
    expect(parkedOnVersion.state).toBe('parked');

    await h.uploadVersion(packageId, { packageVersionId });
    const done = await onboarding(packageId, install.subscriberOrgId, (x) => x.state === 'completed');
    expect(done.history.filter((s) => s.outcome === 'resumed').length).toBeGreaterThanOrEqual(2);
    expect(licenseOf(packageId, install.subscriberOrgId) ?? (await eventually('license', () => licenseOf(packageId, install.subscriberOrgId)))).toMatchObject({ packageVersionId });
  });

  it('inactive lead manager parks with that reason; reactivating resumes it', async () => {
    const manager = await teamMember('Ivan Inactive');
    const { pkg, version } = await packageWithVersion(manager.id);
    expect((await h.http('lead', 'PATCH', `/v1/team-members/${manager.id}`, { active: false })).status).toBe(200);
    const install = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(install);
    const parked = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'parked');
    expect(parked.parked!.reason).toBe('lead-manager-inactive');
    expect(parked.stage).toBe('parked');

    expect((await h.http('lead', 'PATCH', `/v1/team-members/${manager.id}`, { active: true })).status).toBe(200);
    const done = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'completed');
    expect(done.lead!.ownerId).toBe(manager.id);
  });

  it('an inactive lead manager replaced by an active one resumes the parked onboarding; the package shows its lead manager', async () => {
    const gone = await teamMember('Gina Gone');
    const next = await teamMember('Nora Next');
    const { pkg, version } = await packageWithVersion(gone.id);
    expect((await h.http('lead', 'PATCH', `/v1/team-members/${gone.id}`, { active: false })).status).toBe(200);
    const install = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(install);
    await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.parked?.reason === 'lead-manager-inactive');

    expect((await h.http('lead', 'PUT', `/v1/packages/${pkg.packageId}/lead-routing`, { leadManagerId: next.id })).status).toBe(200);
    const done = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'completed');
    expect(done.lead!.ownerId).toBe(next.id);
    const shown = await eventually('the package showing its lead manager', async () => {
      const r = await h.http('license', 'GET', `/v1/packages/${pkg.packageId}`, undefined, ['packages:read']);
      return r.body['leadManagerId'] === next.id ? r.body : undefined;
    });
    expect(shown).toMatchObject({ packageName: pkg.packageName, developerName: pkg.developerName, developerOrgId: pkg.developerOrgId, latestVersionNumber: '1.0.0' });
  });

  it('a parked onboarding can be retried on demand; a completed one cannot (409)', async () => {
    const packageId = ids.packageId();
    const install = h.installData(packageId, ids.packageVersionId());
    await h.install(install);
    const parked = await onboarding(packageId, install.subscriberOrgId, (x) => x.state === 'parked');
    const retry = await h.http('install-intake', 'POST', `/v1/onboardings/${parked.sagaId}/retry`, undefined, ['licenses:edit']);
    expect(retry.status).toBe(202);
    expect((retry.body as unknown as Diagnosis).history.at(-1)).toMatchObject({ outcome: 'resumed' });
    const denied = await h.http('install-intake', 'POST', `/v1/onboardings/${parked.sagaId}/retry`, undefined, ['licenses:read']);
    expect(denied.status).toBe(403);
  });

  it('each install delivered 3 times, and its commands and replies redelivered -> one lead and one license', async () => {
    const { pkg, version } = await packageWithVersion();
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const first = await h.install(install);
    await h.install(install, { id: first.id });
    await h.install(install, { id: first.id });
    const d = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'completed');
    // replay every command and reply of this saga once more, as a redelivery would
    const replay = h.kafka.received.filter((r) => r.event && JSON.stringify(r.event.data).includes(d.sagaId));
    expect(replay.length).toBeGreaterThanOrEqual(3);
    for (const r of replay) {
      await h.kafka.publishEvent(r.topic, { id: r.event!.id, type: r.event!.type, key: r.key, data: r.event!.data });
    }
    // every service has read the replays (its group's committed offset is past them), and nothing changed
    await h.kafka.waitForGroupsToPass([...new Set(replay.map((r) => r.topic))], 60_000);
    expect((await h.db('install-intake').collection('onboardings').findOne({ _id: d.sagaId } as never))?.['state']).toBe('completed');
    expect(await h.db('lead').collection('leads').countDocuments({ subscriberOrgId: install.subscriberOrgId })).toBe(1);
    expect(await h.db('license').collection('licenses').countDocuments({ subscriberOrgId: install.subscriberOrgId })).toBe(1);
    const created = h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.key === `${pkg.packageId}:${install.subscriberOrgId}` && r.event?.type === LicenseEventType.Created);
    expect(new Set(created.map((r) => r.headers['ce_id'])).size).toBe(1);
  });

  it('diagnostics by install event id; an unknown event says it was never accepted', async () => {
    const { pkg, version } = await packageWithVersion();
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const e = await h.install(install);
    await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'completed');
    const byEvent = await h.http('install-intake', 'GET', `/v1/onboardings/by-event/${e.id}`, undefined, ['licenses:read']);
    expect(byEvent.status).toBe(200);
    expect(byEvent.body).toMatchObject({ installEventId: e.id, state: 'completed', stage: 'license created' });
    const unknown = await h.http('install-intake', 'GET', '/v1/onboardings/by-event/no-such-event', undefined, ['licenses:read']);
    expect(unknown.status).toBe(404);
    expect(String(unknown.body['detail'])).toMatch(/never accepted/);
    const injected = await h.http('install-intake', 'GET', '/v1/onboardings?packageId[$gt]=&subscriberOrgId=x', undefined, ['licenses:read']);
    expect(injected.status).toBe(400);
  });
});

describe('when the license can never be created', () => {
  it('withdraws the lead this saga created and ends failed with the reason', async () => {
    const { pkg, version } = await packageWithVersion();
    const first = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(first);
    await onboarding(pkg.packageId, first.subscriberOrgId, (x) => x.state === 'completed');
    // the org is deleted, and with it its license: a later install there can never get one
    await h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, {
      type: MarketplaceEventType.OrgChanged,
      key: first.subscriberOrgId,
      data: { subscriberOrgId: first.subscriberOrgId, observedAt: '2026-02-20T00:00:00Z', lifecycle: 'deleted' },
    });
    await eventually('the license deleted', () =>
      h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.key === `${pkg.packageId}:${first.subscriberOrgId}` && r.event?.type === LicenseEventType.Deleted).length === 1,
    );
    const again = await h.install({ ...first, installedAt: '2026-03-01T00:00:00Z', installer: { ...first.installer, email: `other.${Math.random().toString(36).slice(2)}@example.com` } });

    const failed = await eventually('the failed onboarding', async () => {
      const r = await h.http('install-intake', 'GET', `/v1/onboardings/by-event/${again.id}`);
      return (r.body as unknown as Diagnosis).state === 'failed' ? (r.body as unknown as Diagnosis) : undefined;
    });
    expect(failed.failed).toMatchObject({ step: 'create-license' });
    expect(failed.failed!.reason).toMatch(/deleted/);
    expect(failed.stage).toBe('failed');
    expect(failed.history.map((s) => `${s.step}:${s.outcome}`)).toEqual([
      'resolve-lead:requested',
      'resolve-lead:succeeded',
      'create-license:requested',
      'create-license:failed',
      'withdraw-lead:requested',
      'withdraw-lead:succeeded',
    ]);
    const lead = await h.db('lead').collection('leads').findOne({ _id: failed.lead!.leadId } as never);
    expect(lead!['status']).toBe('Withdrawn');
    expect(h.kafka.recordsOn(InternalTopic.SagaReplies, (r) => r.event?.type === ReplyType.LeadWithdrawn && JSON.stringify(r.event.data).includes(failed.sagaId))).toHaveLength(1);
  });

  it('a command whose reply never comes is re-sent with the same id, and completes when the service returns', async () => {
    const { pkg, version } = await packageWithVersion();
    await h.service('license').stop();
    const install = h.installData(pkg.packageId, version.packageVersionId);
    try {
      await h.install(install);
      const waiting = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.history.some((s) => s.outcome === 're-sent'), 30_000);
      expect(waiting.state).toBe('license_requested');
    } finally {
      await h.service('license').start();
    }
    const done = await onboarding(pkg.packageId, install.subscriberOrgId, (x) => x.state === 'completed', 60_000);
    // the create-license command went out more than once, always with the same id
    const sends = h.kafka.recordsOn(InternalTopic.LicenseCommands, (r) => JSON.stringify(r.event?.data).includes(done.sagaId));
    expect(sends.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sends.map((r) => r.headers['ce_id'])).size).toBe(1);
    expect(await h.db('license').collection('licenses').countDocuments({ subscriberOrgId: install.subscriberOrgId })).toBe(1);
  });
});

describe('at scale and through crashes', () => {
  it('200 concurrent installs across 20 packages -> 200 licenses with 200 distinct, gap-free names', async () => {
    const packages = await Promise.all(Array.from({ length: 20 }, () => packageWithVersion()));
    const installs = packages.flatMap(({ pkg, version }) => Array.from({ length: 10 }, () => h.installData(pkg.packageId, version.packageVersionId)));
    const before = await h.db('license').collection('license_numbers').countDocuments({});
    await Promise.all(installs.map((i) => h.install(i)));
    await eventually('200 completed onboardings', async () =>
      (await h.db('install-intake').collection('onboardings').countDocuments({ packageId: { $in: packages.map((p) => p.pkg.packageId) }, state: 'completed' })) === 200,
      200_000, 500,
    );
    const licenses = await h.db('license').collection('licenses').find({ packageId: { $in: packages.map((p) => p.pkg.packageId) } }).toArray();
    expect(licenses).toHaveLength(200);
    const numbers = licenses.map((l) => l['licenseNumber'] as number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(200);
    // gap-free over the whole sequence: every number 1..N taken exactly once
    const all = (await h.db('license').collection('license_numbers').find({}).toArray()).map((c) => c['_id'] as unknown as number).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all.length).toBe(before + 200);
  }, 240_000);

  it('the lead service killed mid-saga and restarted -> every saga completes, nothing duplicated', async () => {
    const { pkg, version } = await packageWithVersion();
    const installs = Array.from({ length: 30 }, () => h.installData(pkg.packageId, version.packageVersionId));
    for (const i of installs) await h.install(i);
    await h.service('lead').kill();
    await h.service('lead').start();
    await eventually('30 completed onboardings', async () =>
      (await h.db('install-intake').collection('onboardings').countDocuments({ packageId: pkg.packageId, state: 'completed' })) === 30,
      90_000, 300,
    );
    expect(await h.db('lead').collection('leads').countDocuments({ packageId: pkg.packageId })).toBe(30);
    expect(await h.db('license').collection('licenses').countDocuments({ packageId: pkg.packageId })).toBe(30);
  });
});

