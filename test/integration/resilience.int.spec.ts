import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { InternalTopic, LICENSE_EVENTS_TOPIC, LicenseEventType, LicenseV1, ReplyType } from '@lma/contracts';
import { eventually, infraEnv, kafkaClientAuth } from '@lma/testing';
import { Harness } from './harness';

const h = new Harness('resilience');

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license'], [LICENSE_EVENTS_TOPIC, InternalTopic.LicenseCommands, InternalTopic.SagaReplies]);
});
afterAll(async () => {
  await h.stop();
});

const created = (packageId: string) =>
  h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.event?.type === LicenseEventType.Created && r.key!.startsWith(`${packageId}:`));

/** The committed offset of a consumer group per partition (0 when nothing is committed). */
async function committedOffsets(groupSuffix: string, topic: string): Promise<Map<number, number>> {
  const admin = new Kafka({ clientId: 'offsets', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() }).admin();
  await admin.connect();
  const [res] = await admin.fetchOffsets({ groupId: `${h.prefix}.${groupSuffix}`, topics: [`${h.prefix}.${topic}`] });
  await admin.disconnect();
  return new Map((res?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

async function installMany(n: number) {
  const pkg = await h.registerPackage();
  const version = await h.uploadVersion(pkg.packageId);
  const orgs: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = h.installData(pkg.packageId, version.packageVersionId);
    orgs.push(d.subscriberOrgId);
    await h.install(d);
  }
  return { pkg, orgs };
}

/**
 * Delivery is at-least-once: a relay killed between publishing and clearing its outbox publishes
 * again with the same ce_id, which consumers drop. What must never happen is a second,
 * different license (another ce_id or another name) for the same org.
 */
function expectExactlyOneLicenseEach(packageId: string, orgs: string[]) {
  const byOrg = new Map<string, Map<string, LicenseV1>>();
  for (const r of created(packageId)) {
    const l = LicenseV1.parse(JSON.parse(r.value!));
    const events = byOrg.get(l.subscriberOrgId) ?? new Map<string, LicenseV1>();
    events.set(r.headers['ce_id']!, l);
    byOrg.set(l.subscriberOrgId, events);
  }
  expect([...byOrg.keys()].sort()).toEqual([...orgs].sort());
  const licenses = [...byOrg.values()].map((events) => {
    expect(events.size).toBe(1);
    return [...events.values()][0]!;
  });
  return licenses;
}

describe('crashes and restarts', () => {
  it('loses nothing and duplicates nothing when the license service is killed mid-stream', async () => {
    const { pkg, orgs } = await installMany(60);
    await eventually('some licenses before the crash', () => created(pkg.packageId).length >= 5, 30_000, 20);
    await h.service('license').kill();
    const before = created(pkg.packageId).length;
    await h.service('license').start();
    await eventually('all 60 licenses after the restart', () => created(pkg.packageId).length >= 60, 60_000);
    // let any duplicate surface before judging
    await eventually('all sagas completed', async () =>
      (await h.db('install-intake').collection('onboardings').countDocuments({ packageId: pkg.packageId, state: 'completed' })) === 60,
    );
    expect(before).toBeLessThan(60);
    const licenses = expectExactlyOneLicenseEach(pkg.packageId, orgs);
    expect(await h.db('license').collection('licenses').countDocuments({ packageId: pkg.packageId })).toBe(60);
    // names come from one gap-free sequence, even across the crash (the first test file of this db)
    const numbers = licenses.map((l) => Number(l.licenseName.slice(2))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.at(-1)! - numbers[0]! + 1).toBe(numbers.length);
  });

  it('on SIGTERM finishes in-flight work, commits only finished records, and exits 0', async () => {
    const { pkg, orgs } = await installMany(80);
    await eventually('processing under way', () => created(pkg.packageId).length >= 3, 30_000, 10);
    const exit = await h.service('license').stop('SIGTERM');
    expect(exit).toBe(0);
    // every committed command was finished: it has its license, or the license service answered
    // it parked or failed (a command can arrive before the version it needs; those replies are
    // published before the commit). A command may have been sent more than once by the saga's
    // re-send, so compare commands, not counts.
    const committed = await committedOffsets('license.commands', InternalTopic.LicenseCommands);
    const total = [...committed.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    const isCommitted = (r: { partition: number; offset: number }) => r.offset < (committed.get(r.partition) ?? 0);
    await eventually('the test has seen every committed command', () =>
      h.kafka.recordsOn(InternalTopic.LicenseCommands, isCommitted).length === total, 20_000);
    type Command = { commandId?: string; install?: { subscriberOrgId?: string } };
    const commands = h.kafka.recordsOn(InternalTopic.LicenseCommands, isCommitted).map((r) => r.event?.data as Command);
    const licensed = new Set(
      (await h.db('license').collection('licenses').find({ licenseName: { $ne: null } }, { projection: { subscriberOrgId: 1 } }).toArray()).map((l) => l['subscriberOrgId'] as string),
    );
    const unfinished = () => {
      const answered = new Set(
        h.kafka
          .recordsOn(InternalTopic.SagaReplies, (r) => r.event?.type === ReplyType.LicenseCreationParked || r.event?.type === ReplyType.LicenseCreationFailed)
          .map((r) => (r.event?.data as { commandId?: string }).commandId),
      );
      return commands.filter((c) => !licensed.has(c.install?.subscriberOrgId ?? '') && !answered.has(c.commandId)).map((c) => c.commandId);
    };
    await eventually('every committed command finished', () => unfinished().length === 0, 10_000).catch(() => undefined);
    expect(unfinished()).toEqual([]);

    await h.service('license').start();
    await eventually('all 80 licenses after the restart', () => created(pkg.packageId).length >= 80, 60_000);
    await eventually('all sagas completed', async () =>
      (await h.db('install-intake').collection('onboardings').countDocuments({ packageId: pkg.packageId, state: 'completed' })) === 80,
    );
    expectExactlyOneLicenseEach(pkg.packageId, orgs);
  });
});
