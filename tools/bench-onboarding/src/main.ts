import { Kafka, logLevel, type Message } from 'kafkajs';
import {
  LICENSE_EVENTS_TOPIC,
  LicenseEventType,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  encodeCloudEvent,
  newEventId,
  type PackageInstalledV1,
  type PackageRegisteredV1,
  type PackageVersionUploadedV1,
} from '@lma/contracts';
import { BenchStack, eventually, ids, quantile } from '@lma/testing';

/**
 * `npm run bench:onboarding`: installs published on `marketplace.events` at a steady rate
 * (BENCH_RATE per second, default 1000, for BENCH_SECONDS, default 20), as the marketplace would,
 * each through the whole onboarding saga (install-intake, lead, license: a lead, a named license).
 * Prints the rate published, the rate of `lma.license.created` events, the latency from each
 * install's publish to its `lma.license.created` (p50, p95, p99, max), and checks that every
 * install got exactly one license and one lead. Starts its own install-intake, lead and license
 * services on the running broker and database, with their own topics and databases (removed at
 * the end). DESIGN.md's target: 1,000 installs/s sustained, p99 under 500 ms.
 */
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const TICK_MS = 20;

function install(packageId: string, packageVersionId: string, n: number): PackageInstalledV1 {
  return {
    packageId,
    packageVersionId,
    versionNumber: '1.0.0',
    subscriberOrgId: ids.subscriberOrgId(),
    installedAt: new Date().toISOString(),
    installer: { firstName: 'Bench', lastName: `User${n}`, email: `bench.${n}.${Date.now().toString(36)}@example.com`, company: `Bench Co ${n}` },
    org: { name: `Bench Co ${n}`, edition: 'Enterprise', status: 'Active', instance: 'NA42', sandbox: false },
  };
}

function record(type: string, key: string, data: unknown): Message {
  const r = encodeCloudEvent({ id: newEventId(), source: 'marketplace/bench', type, time: new Date().toISOString(), key, data });
  return { key: r.key ?? null, value: r.value, headers: r.headers };
}

async function main(): Promise<void> {
  const stack = await new BenchStack('benchonb', { KAFKA_TOPIC_PARTITIONS: process.env['BENCH_PARTITIONS'] ?? '6' }).connect();
  const kafka = new Kafka({ clientId: 'bench-onboarding', brokers: stack.infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const topic = (t: string) => `${stack.prefix}.${t}`;
  try {
    await stack.start(['license', 'lead', 'install-intake']);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    stack.onStop(() => producer.disconnect());

    // lma.license.created, as a consumer of license events sees them: arrival time per org
    const created = new Map<string, number>();
    let duplicates = 0;
    const consumer = kafka.consumer({ groupId: `${stack.prefix}.bench-watch`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    stack.onStop(() => consumer.disconnect());
    await consumer.subscribe({ topic: topic(LICENSE_EVENTS_TOPIC), fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          if (m.headers?.['ce_type']?.toString() !== LicenseEventType.Created) continue;
          const org = (JSON.parse(m.value!.toString('utf8')) as { subscriberOrgId: string }).subscriberOrgId;
          if (created.has(org)) duplicates++;
          else created.set(org, now);
        }
      },
    });

    const pkg: PackageRegisteredV1 = {
      packageId: ids.packageId(),
      packageName: 'Bench Package',
      developerName: 'Bench Developer',
      developerOrgId: ids.developerOrgId(),
      registeredAt: '2026-01-01T00:00:00Z',
      defaultLicense: { status: 'Active', lengthDays: null, seats: 10 },
    };
    const version: PackageVersionUploadedV1 = {
      packageId: pkg.packageId,
      packageVersionId: ids.packageVersionId(),
      versionName: 'Release',
      versionNumber: '1.0.0',
      beta: false,
      releasedAt: '2026-01-02T00:00:00Z',
    };
    await producer.send({
      topic: topic(MARKETPLACE_EVENTS_TOPIC),
      messages: [record(MarketplaceEventType.PackageRegistered, pkg.packageId, pkg), record(MarketplaceEventType.PackageVersionUploaded, pkg.packageId, version)],
    });
    // one install through the whole saga first: every service, topic and consumer is ready
    const warm = install(pkg.packageId, version.packageVersionId, 0);
    await producer.send({ topic: topic(MARKETPLACE_EVENTS_TOPIC), messages: [record(MarketplaceEventType.PackageInstalled, `${pkg.packageId}:${warm.subscriberOrgId}`, warm)] });
    await eventually('the warm-up install to get its license', () => created.has(warm.subscriberOrgId), 120_000, 100);

    const total = Math.round(RATE * SECONDS);
    console.log(`onboarding benchmark: ${BenchStack.machine()}; ${total} installs at ${RATE}/s for ${SECONDS} s, ${stack.env['KAFKA_TOPIC_PARTITIONS']} partitions`);
    const sent = new Map<string, number>();
    const start = performance.now();
    let n = 0;
    while (n < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE) + 1);
      const messages: Message[] = [];
      const now = performance.now();
      for (; n < due; n++) {
        const i = install(pkg.packageId, version.packageVersionId, n + 1);
        messages.push(record(MarketplaceEventType.PackageInstalled, `${pkg.packageId}:${i.subscriberOrgId}`, i));
        sent.set(i.subscriberOrgId, now);
      }
      if (messages.length) await producer.send({ topic: topic(MARKETPLACE_EVENTS_TOPIC), messages });
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const published = (performance.now() - start) / 1000;

    // until every install has its license, or nothing more comes for a minute
    let last = -1;
    let lastChange = performance.now();
    for (;;) {
      const done = [...sent.keys()].filter((o) => created.has(o)).length;
      if (done === total) break;
      if (done !== last) {
        last = done;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > 60_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    const latencies = [...sent].filter(([o]) => created.has(o)).map(([o, t]) => created.get(o)! - t).sort((a, b) => a - b);
    const lastCreated = Math.max(...[...sent.keys()].filter((o) => created.has(o)).map((o) => created.get(o)!));
    const seconds = (lastCreated - start) / 1000;
    const throughput = latencies.length / seconds;
    // the rate over the middle of the run (after the first and before the last fifth), where it is steady
    const times = [...sent.keys()].filter((o) => created.has(o)).map((o) => created.get(o)!).sort((a, b) => a - b);
    const from = times[Math.floor(times.length * 0.2)]!;
    const to = times[Math.floor(times.length * 0.8)]!;
    const steady = (Math.floor(times.length * 0.8) - Math.floor(times.length * 0.2)) / ((to - from) / 1000);

    const licenses = await stack.db('license').collection('licenses').countDocuments({ packageId: pkg.packageId, licenseName: { $type: 'string' } });
    const leads = await stack.db('lead').collection('leads').countDocuments({});
    const expected = total + 1;
    const exact = latencies.length === total && duplicates === 0 && licenses === expected && leads === expected;
    const ms = (v: number) => `${Math.round(v)} ms`;
    console.log(
      `published ${total} in ${published.toFixed(1)} s (${Math.round(total / published)}/s); ` +
        `licensed ${latencies.length} in ${seconds.toFixed(1)} s: ${Math.round(throughput)}/s overall, ${Math.round(steady)}/s steady (middle 60%)`,
    );
    console.log(
      `publish -> lma.license.created: p50 ${ms(quantile(latencies, 0.5))}, p95 ${ms(quantile(latencies, 0.95))}, p99 ${ms(quantile(latencies, 0.99))}, max ${ms(latencies.at(-1) ?? NaN)}`,
    );
    console.log(
      `licenses ${licenses} (expected ${expected}), leads ${leads} (expected ${expected}), duplicate license.created events ${duplicates}: ${exact ? 'EXACT' : 'MISMATCH'}; ` +
        `target 1,000/s with p99 under 500 ms: ${steady >= 1000 && quantile(latencies, 0.99) < 500 ? 'met' : 'not met'}`,
    );
    if (!exact) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
