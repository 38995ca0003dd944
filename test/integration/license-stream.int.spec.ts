import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandType,
  InternalTopic,
  LICENSE_EVENTS_TOPIC,
  LicenseEventType,
  LicenseV1,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  decodeCloudEvent,
  newEventId,
  type CreateLicenseV1,
  type OrgChangedV1,
  type PackageInstalledV1,
  type PackageUninstalledV1,
} from '@lma/contracts';
import { ServiceProcess, eventually, infraEnv, kafkaClientAuth, type ReceivedRecord } from '@lma/testing';
import { Harness } from './harness';

/**
 * lma.license.events as a stream to bootstrap from: compacted by license, read from the beginning
 * it gives the latest state of every license (a deleted one as its deletion); the lead and
 * notification read models fill themselves from it when they start after the licenses exist; and
 * an administrator's republish publishes every license of a package again for consumers that
 * lost their copy, dropped by those that have it.
 */
const h = new Harness('stream');
const kafka = new Kafka({ clientId: 'stream-test', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() });
let admin: Admin;

interface Installed {
  install: PackageInstalledV1;
  licenseId: string;
}
const packages: { packageId: string; licenses: Installed[] }[] = [];
/** The revision and type each license ends with in beforeAll. */
const expected = new Map<string, { revision: number; type: string }>();

const licenseEvents = (filter: (r: ReceivedRecord) => boolean = () => true) => h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, filter);
const eventsOf = (licenseId: string) => licenseEvents((r) => (r.event?.data as { licenseId?: string } | undefined)?.licenseId === licenseId);
const latestSeen = (licenseId: string) => Math.max(0, ...eventsOf(licenseId).map((r) => (r.event!.data as LicenseV1).revision));

async function licenseCreated(packageId: string, packageVersionId: string): Promise<Installed> {
  const install = h.installData(packageId, packageVersionId);
  const sagaId = `onb:test-${newEventId()}`;
  const data: CreateLicenseV1 = { sagaId, commandId: `${sagaId}:create-license:1`, install, leadId: null, contactId: null };
  await h.kafka.publishEvent(InternalTopic.LicenseCommands, { type: CommandType.CreateLicense, key: `${packageId}:${install.subscriberOrgId}`, data, source: 'lma/install-intake' });
  const licenseId = `lic_${packageId}_${install.subscriberOrgId}`;
  await eventually(`license ${licenseId} created`, () => latestSeen(licenseId) === 1);
  return { install, licenseId };
}

const marketplace = (type: string, key: string, data: object) => h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type, key, data });
const asAdmin = (method: string, path: string, body?: unknown) => h.http('license', method, path, body, ['admin']);

/** Whether the consumer group has committed every record of the topic (it has handled all there is). */
async function caughtUp(group: string, topic: string): Promise<boolean> {
  const physical = h.kafka.topic(topic);
  const ends = await admin.fetchTopicOffsets(physical);
  const [committed] = await admin.fetchOffsets({ groupId: `${h.prefix}.${group}`, topics: [physical] });
  return ends.every((end) => {
    const c = committed?.partitions.find((p) => p.partition === end.partition);
    return Number(end.high) === 0 || (c !== undefined && Number(c.offset) >= Number(end.high));
  });
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await h.start(['install-intake', 'license'], [LICENSE_EVENTS_TOPIC]);
  for (let p = 0; p < 2; p++) {
    const pkg = await h.registerPackage();
    const version = await h.uploadVersion(pkg.packageId);
    await eventually('the version known to the license service', async () => (await h.db('license').collection('package_versions').countDocuments({ _id: version.packageVersionId } as never)) === 1);
    const licenses = [];
    for (let i = 0; i < 3; i++) licenses.push(await licenseCreated(pkg.packageId, version.packageVersionId));
    packages.push({ packageId: pkg.packageId, licenses });
  }
  const [a, b] = packages as [(typeof packages)[0], (typeof packages)[0]];
  for (const l of [...a.licenses, ...b.licenses]) expected.set(l.licenseId, { revision: 1, type: LicenseEventType.Created });

  // changes after creation: by a person, an uninstall, a deletion (the org was deleted)
  const modified = await asAdmin('PATCH', `/v1/licenses/${a.licenses[0]!.licenseId}`, { reason: 'renewal', seats: 25 });
  expect(modified.status).toBe(200);
  expected.set(a.licenses[0]!.licenseId, { revision: 2, type: LicenseEventType.Modified });
  const gone = a.licenses[1]!.install;
  await marketplace(MarketplaceEventType.PackageUninstalled, `${gone.packageId}:${gone.subscriberOrgId}`, {
    packageId: gone.packageId,
    subscriberOrgId: gone.subscriberOrgId,
    uninstalledAt: '2026-03-01T00:00:00Z',
  } satisfies PackageUninstalledV1);
  expected.set(a.licenses[1]!.licenseId, { revision: 2, type: LicenseEventType.Uninstalled });
  const deleted = b.licenses[0]!.install;
  await marketplace(MarketplaceEventType.OrgChanged, deleted.subscriberOrgId, {
    subscriberOrgId: deleted.subscriberOrgId,
    observedAt: '2026-03-02T00:00:00Z',
    lifecycle: 'deleted',
  } satisfies OrgChangedV1);
  expected.set(b.licenses[0]!.licenseId, { revision: 2, type: LicenseEventType.Deleted });
  for (const [licenseId, e] of expected) await eventually(`revision ${e.revision} of ${licenseId}`, () => latestSeen(licenseId) === e.revision);
});

afterAll(async () => {
  await admin?.disconnect();
  await h.stop();
});

describe('lma.license.events', () => {
  it('is created compacted, keeping a week of changes uncompacted for live consumers', async () => {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: h.kafka.topic(LICENSE_EVENTS_TOPIC) }] });
    const config = Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(config).toMatchObject({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '604800000', 'segment.ms': '86400000' });
  });

  it('carries every license event keyed by its license, with the whole license as value (no tombstone) and ce_dataschema naming its schema', () => {
    const records = licenseEvents();
    expect(records.length).toBeGreaterThanOrEqual(expected.size);
    for (const r of records) {
      const l = LicenseV1.parse(JSON.parse(r.value!));
      expect(r.key).toBe(`${l.packageId}:${l.subscriberOrgId}`);
      expect(r.headers['ce_dataschema']).toBe(`urn:lma:schema:${r.headers['ce_type']}:v1`);
    }
  });

  it('read from the beginning by a new consumer, yields the latest state of every license, the deleted one as its deletion', async () => {
    const topic = h.kafka.topic(LICENSE_EVENTS_TOPIC);
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    const latest = new Map<string, { revision: number; type: string; data: LicenseV1 }>();
    const read = new Map<number, number>();
    const consumer = kafka.consumer({ groupId: `${h.prefix}.bootstrap-${newEventId()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const e = decodeCloudEvent(message);
        const data = LicenseV1.parse(e.data);
        // a consumer keyed by license keeps the newest revision
        if ((latest.get(e.key!)?.revision ?? 0) < data.revision) latest.set(e.key!, { revision: data.revision, type: e.type, data });
        read.set(partition, Number(message.offset) + 1);
      },
    });
    try {
      await eventually('the consumer at the end of every partition', () => [...ends].every(([p, end]) => end === 0 || (read.get(p) ?? 0) >= end));
    } finally {
      await consumer.disconnect();
    }
    expect(latest.size).toBe(expected.size);
    for (const { licenses } of packages) {
      for (const { install, licenseId } of licenses) {
        const got = latest.get(`${install.packageId}:${install.subscriberOrgId}`);
        expect(got, licenseId).toMatchObject({ revision: expected.get(licenseId)!.revision, type: expected.get(licenseId)!.type });
        const stored = await asAdmin('GET', `/v1/licenses/${licenseId}`);
        if (expected.get(licenseId)!.type === LicenseEventType.Deleted) continue; // no longer listed by the API
        expect(stored.status, licenseId).toBe(200);
        const { changedBy: _b, reason: _r, ...published } = got!.data;
        expect(stored.body).toMatchObject(published);
      }
    }
  });
});

describe('read models that start after the licenses exist', () => {
  beforeAll(async () => {
    for (const name of ['lead', 'notification'] as const) h.services.set(name, await new ServiceProcess(name, h.env).start());
  });

  it('fill themselves from the beginning of lma.license.events: every license at its latest revision in the lead and notification services', async () => {
    for (const service of ['lead', 'notification'] as const) {
      const copies = h.db(service).collection<{ _id: string; revision: number; status: string }>('licenses');
      for (const [licenseId, e] of expected) {
        await eventually(`${service}'s copy of ${licenseId} at revision ${e.revision}`, async () => (await copies.findOne({ _id: licenseId }))?.revision === e.revision, 60_000);
      }
    }
    const [a] = packages;
    expect((await h.db('notification').collection<{ _id: string; status: string }>('licenses').findOne({ _id: a!.licenses[1]!.licenseId }))?.status).toBe('Uninstalled');
    expect((await h.db('lead').collection<{ _id: string; deleted: boolean }>('licenses').findOne({ _id: packages[1]!.licenses[0]!.licenseId }))?.deleted).toBe(true);
  });
});

describe('republishing the licenses of a package', () => {
  const republishes = (requestId: string) => licenseEvents((r) => r.headers['ce_id']?.endsWith(`:republish:${requestId}`) ?? false);

  it('is refused without the admin permission, and for a package that does not exist', async () => {
    const [a] = packages;
    const denied = await h.http('license', 'POST', '/v1/license-republish-requests', { packageId: a!.packageId }, ['licenses:read', 'licenses:edit']);
    expect(denied.status).toBe(403);
    expect(denied.body['missingPermission']).toBe('admin');
    expect((await asAdmin('POST', '/v1/license-republish-requests', { packageId: '033000000000NOSUCH' })).status).toBe(404);
    expect((await asAdmin('POST', '/v1/license-republish-requests', {})).status).toBe(400);
    expect((await asAdmin('GET', '/v1/license-republish-requests/rep_00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('publishes every license of the package again at its current revision with reason republish; a consumer that lost a license takes it back, one that has it drops it', async () => {
    const [a, b] = packages as [(typeof packages)[0], (typeof packages)[0]];
    const lost = a.licenses[0]!.licenseId;
    const kept = a.licenses[2]!.licenseId;
    await eventually('the lead service caught up with lma.license.events', () => caughtUp('lead.license-events', LICENSE_EVENTS_TOPIC), 60_000);
    const keptBefore = await h.db('lead').collection<{ _id: string; _v: number }>('licenses').findOne({ _id: kept });
    // both read models lose one license (a restore from an old backup, say)
    for (const service of ['lead', 'notification'] as const) await h.db(service).collection<{ _id: string }>('licenses').deleteOne({ _id: lost });

    const accepted = await asAdmin('POST', '/v1/license-republish-requests', { packageId: a.packageId });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ packageId: a.packageId, requestedBy: 'tester@example.com', state: 'requested', republished: 0, finishedAt: null });
    const requestId = accepted.body['requestId'] as string;
    const done = await eventually('the republish done', async () => {
      const r = await asAdmin('GET', `/v1/license-republish-requests/${requestId}`);
      return r.body['state'] === 'done' && r.body;
    });
    expect(done['republished']).toBe(a.licenses.length);

    const events = await eventually('a republished event per license of the package', () => {
      const e = republishes(requestId);
      return new Set(e.map((r) => r.headers['ce_id'])).size === a.licenses.length && e;
    });
    for (const r of events) {
      const l = LicenseV1.parse(r.event!.data);
      expect(l.packageId).toBe(a.packageId);
      expect(l).toMatchObject({ revision: expected.get(l.licenseId)!.revision, reason: 'republish', changedBy: 'tester@example.com' });
      expect(r.headers['ce_type']).toBe(expected.get(l.licenseId)!.type);
      expect(r.headers['ce_id']).toBe(`${l.licenseId}:${l.revision}:republish:${requestId}`);
      expect(r.headers['ce_dataschema']).toBe(`urn:lma:schema:${r.headers['ce_type']}:v1`);
    }
    expect(events.some((r) => b.licenses.some((l) => r.headers['ce_id']!.startsWith(l.licenseId)))).toBe(false);

    for (const service of ['lead', 'notification'] as const) {
      await eventually(`${service} has ${lost} again`, async () => (await h.db(service).collection<{ _id: string; revision: number }>('licenses').findOne({ _id: lost }))?.revision === 2);
    }
    await eventually('the lead service caught up with the republish', () => caughtUp('lead.license-events', LICENSE_EVENTS_TOPIC), 60_000);
    expect(await h.db('lead').collection<{ _id: string; _v: number }>('licenses').findOne({ _id: kept })).toEqual(keptBefore);
  });

  it('of every package (packageId null) publishes every license again', async () => {
    const accepted = await asAdmin('POST', '/v1/license-republish-requests', { packageId: null });
    expect(accepted.status).toBe(202);
    const requestId = accepted.body['requestId'] as string;
    const done = await eventually('the republish of everything done', async () => {
      const r = await asAdmin('GET', `/v1/license-republish-requests/${requestId}`);
      return r.body['state'] === 'done' && r.body;
    });
    expect(done).toMatchObject({ packageId: null, republished: expected.size });
    await eventually('a republished event per license', () => new Set(republishes(requestId).map((r) => r.headers['ce_id'])).size === expected.size);
  });
});
