import path from 'node:path';
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import {
  LICENSE_EVENTS_TOPIC,
  LicenseEventType,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  encodeCloudEvent,
  installationKey,
  newEventId,
  type PackageInstalledV1,
  type PackageRegisteredV1,
  type PackageVersionUploadedV1,
} from '@lma/contracts';
import { BenchStack, eventually, ids, kafkaClientAuth, quantile, repoRoot, type ServiceProcess } from '@lma/testing';
import { commandOf, cpuSeconds, databasePid, machineCpu, pidListeningOn } from './proc';
import { rawPipe, type RawPipeResult } from './rawPipe';
import {
  compareShapes,
  licenseIdFor,
  seedInstallIntake,
  seedLead,
  seedLicense,
  seededSamples,
  writtenSamples,
  type SeedCounts,
  type SeededService,
  type SeedPackage,
  type SeedPlan,
} from './seed';

/**
 * `npm run bench:onboarding` (docs/performance.md): seeds a history of completed onboardings,
 * starts install-intake, lead and license on it, offers installs at a steady rate through the
 * whole saga and reports throughput, latency to `lma.license.created`, exactly one lead and one
 * license per install, a raw kafkajs pipe of the same hops, and the database's CPU and each
 * service's /metrics time once the system stands still. Exits non-zero only when an install got
 * no lead or license, or more than one; missed performance targets are reported, not failed.
 */

const num = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not ${JSON.stringify(v)}`);
  return n;
};

const CONFIG = {
  rate: num('BENCH_RATE', 250),
  seconds: num('BENCH_SECONDS', 60),
  partitions: num('BENCH_PARTITIONS', 6),
  seed: process.env['BENCH_SEED'] !== '0',
  seedLicenses: num('BENCH_SEED_LICENSES', 100_000),
  seedBatch: num('BENCH_SEED_BATCH', 1000),
  seedParallel: num('BENCH_SEED_PARALLEL', 2),
  compare: process.env['BENCH_COMPARE'] === '1' || process.argv.includes('--compare'),
  quietSeconds: num('BENCH_QUIET_SECONDS', 30),
  scrapeTimeoutSeconds: num('BENCH_SCRAPE_TIMEOUT_SECONDS', 30),
  /** After the last install is offered, how long its licenses may take before the run is cut short. */
  drainSeconds: num('BENCH_DRAIN_SECONDS', 120),
  /** How long a service may take to get ready over the seeded database. */
  readySeconds: num('BENCH_READY_SECONDS', 900),
  /** No new license for this long, with every consumer caught up: what is missing is lost. */
  stallSeconds: num('BENCH_STALL_SECONDS', 60),
  hops: 4,
};

const TARGETS = {
  installsPerSecond: 250,
  sustainedSeconds: 60,
  p99Ms: 1000,
  seededVsEmpty: 0.8,
  dbCoreShare: 0.05,
  scrapeMs: 200,
  aimInstallsPerSecond: 1000,
  aimRawShare: 0.25,
  /** The steady rate counts as keeping up with the offered one within this share (timer jitter). */
  keepUpTolerance: 0.02,
};

const SERVICES = ['license', 'lead', 'install-intake'] as const;
const TICK_MS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'not reached');
const scrapeMs = (v: number) => (Number.isNaN(v) ? 'failed' : Number.isFinite(v) ? `${Math.round(v)} ms` : `over ${CONFIG.scrapeTimeoutSeconds} s`);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const secs = (t0: number) => (performance.now() - t0) / 1000;

function install(packageId: string, packageVersionId: string, n: number, tag: string): PackageInstalledV1 {
  return {
    packageId,
    packageVersionId,
    versionNumber: '1.0.0',
    subscriberOrgId: ids.subscriberOrgId(),
    installedAt: new Date().toISOString(),
    installer: { firstName: 'Bench', lastName: `User${n}`, email: `bench.${tag}.${n}@example.com`, company: `Bench Co ${tag} ${n}` },
    org: { name: `Bench Co ${n}`, edition: 'Enterprise', status: 'Active', instance: 'NA42', sandbox: false },
  };
}

function record(type: string, key: string, data: unknown, id = newEventId()): Message {
  const r = encodeCloudEvent({ id, source: 'marketplace/bench', type, time: new Date().toISOString(), key, data });
  return { key: r.key ?? null, value: r.value, headers: r.headers };
}

function newPackage(name: string): { registered: PackageRegisteredV1; version: PackageVersionUploadedV1 } {
  const packageId = ids.packageId();
  return {
    registered: {
      packageId,
      packageName: name,
      developerName: 'Bench Developer',
      developerOrgId: ids.developerOrgId(),
      registeredAt: '2024-01-01T00:00:00Z',
      defaultLicense: { status: 'Active', lengthDays: null, seats: 10 },
    },
    version: { packageId, packageVersionId: ids.packageVersionId(), versionName: 'Release', versionNumber: '1.0.0', beta: false, releasedAt: '2024-01-02T00:00:00Z' },
  };
}

// ---------------------------------------------------------------------------------------------

interface OfferResult {
  offered: number;
  publishRate: number;
  licensed: number;
  unfinished: number;
  overall: number;
  steady: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  drain: 'all' | 'deadline' | 'stalled';
}

interface Correctness {
  exact: boolean;
  judged: boolean;
  lines: string[];
  mismatches: string[];
}

interface QuietResult {
  when: string;
  quiet: boolean;
  waitedSeconds: number;
  lag: number;
  db: { share: number; label: string } | { reason: string };
  services: { name: string; share?: number; scrapesMs: number[] }[];
  machineBusyCores?: number;
  load: string;
}

/** The database's CPU before the benchmark's services start: what others on the same database and machine use. */
interface Baseline {
  db: { share: number } | { reason: string };
  machineBusyCores?: number;
}

interface RunResult {
  label: string;
  baseline?: Baseline;
  seeded: number;
  seedSeconds?: number;
  seedCounts?: Record<string, SeedCounts>;
  startSeconds: number;
  readySeconds: Record<string, number>;
  raw?: RawPipeResult;
  offer: OfferResult;
  correctness: Correctness;
  cpuDuringOffer: string;
  quiet: QuietResult[];
  shapes?: string[];
  unseeded?: Unseeded[];
  machine: string;
}

interface Unseeded {
  service: SeededService;
  collection: string;
  count: number;
}

/** Records still unread by the services' consumer groups (the benchmark's own groups left out). */
async function serviceLag(admin: Admin, prefix: string): Promise<number> {
  const { groups } = await admin.listGroups();
  let lag = 0;
  const highs = new Map<string, Map<number, number>>();
  for (const { groupId } of groups) {
    if (!groupId.startsWith(`${prefix}.`) || groupId.includes('.bench-')) continue;
    for (const t of await admin.fetchOffsets({ groupId })) {
      if (!highs.has(t.topic)) highs.set(t.topic, new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)])));
      for (const p of t.partitions) {
        const high = highs.get(t.topic)!.get(p.partition) ?? 0;
        const committed = Number(p.offset);
        lag += committed < 0 ? high : Math.max(0, high - committed);
      }
    }
  }
  return lag;
}

/** Waits until every service consumer has caught up and stays so for a few seconds. */
async function waitQuiet(admin: Admin, prefix: string, maxSeconds: number): Promise<{ quiet: boolean; waitedSeconds: number; lag: number }> {
  const t0 = performance.now();
  let calm = 0;
  let lag = -1;
  while (secs(t0) < maxSeconds) {
    lag = await serviceLag(admin, prefix).catch(() => -1);
    calm = lag === 0 ? calm + 1 : 0;
    // outbox relays and periodic scans finish what the last records started
    if (calm >= 5) return { quiet: true, waitedSeconds: secs(t0), lag };
    await sleep(1000);
  }
  return { quiet: false, waitedSeconds: secs(t0), lag };
}

function servicePids(services: ServiceProcess[]): Map<string, number | undefined> {
  return new Map(services.map((s) => [s.name, pidListeningOn(s.port)]));
}

/** CPU seconds of the database, each service and the machine, for a window measured later. */
function cpuSnapshot(db: number | undefined, pids: Map<string, number | undefined>) {
  return {
    db: db === undefined ? undefined : cpuSeconds(db),
    services: new Map([...pids].map(([n, p]) => [n, p === undefined ? undefined : cpuSeconds(p)])),
    machine: machineCpu(),
    at: performance.now(),
  };
}

/** Prometheus gives up on a scrape after 10 s by default; one that slow is not repeated. */
const PROMETHEUS_TIMEOUT_MS = 10_000;

/** Milliseconds of one GET /metrics, body included; Infinity when it took longer than the limit. */
async function scrape(url: string): Promise<number> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(CONFIG.scrapeTimeoutSeconds * 1000) });
    await res.text();
    if (!res.ok) throw new Error(`GET ${url}/metrics: ${res.status}`);
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return Infinity;
    throw err;
  }
  return performance.now() - t0;
}

async function scrapes(url: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = await scrape(url).catch(() => NaN);
    times.push(t);
    if (!(t < PROMETHEUS_TIMEOUT_MS)) break;
  }
  return times;
}

/** The standing-still figures: database and service CPU over a window, then each service's /metrics time. */
async function measureQuiet(when: string, stack: BenchStack, admin: Admin, services: ServiceProcess[]): Promise<QuietResult> {
  const wait = await waitQuiet(admin, stack.prefix, 180);
  const load = BenchStack.machine();
  const dbWho = databasePid(stack.infra.MONGODB_URI, path.join(repoRoot, '.local'));
  const dbPid = 'pid' in dbWho ? dbWho.pid : undefined;
  const pids = servicePids(services);
  if (!wait.quiet) {
    return { when, quiet: false, waitedSeconds: wait.waitedSeconds, lag: wait.lag, db: { reason: `not quiet after ${Math.round(wait.waitedSeconds)} s (${wait.lag} records unread)` }, services: [], load };
  }
  process.stdout.write(`  ${when}: quiet after ${wait.waitedSeconds.toFixed(0)} s; measuring CPU for ${CONFIG.quietSeconds} s... `);
  const a = cpuSnapshot(dbPid, pids);
  await sleep(CONFIG.quietSeconds * 1000);
  const b = cpuSnapshot(dbPid, pids);
  const window = (b.at - a.at) / 1000;
  const share = (x?: number, y?: number) => (x === undefined || y === undefined ? undefined : (y - x) / window);
  // after the window: a scrape's own database queries must not count as standing still
  const scraped = new Map<string, number[]>();
  for (const s of services) scraped.set(s.name, await scrapes(s.metricsUrl));
  console.log('done');
  const dbShare = share(a.db, b.db);
  return {
    when,
    quiet: true,
    waitedSeconds: wait.waitedSeconds,
    lag: 0,
    db: 'reason' in dbWho ? { reason: dbWho.reason } : dbShare === undefined ? { reason: `pid ${dbWho.pid} unreadable` } : { share: dbShare, label: `${commandOf(dbWho.pid)} pid ${dbWho.pid}, ${dbWho.how}` },
    services: services.map((s) => ({ name: s.name, share: share(a.services.get(s.name), b.services.get(s.name)), scrapesMs: scraped.get(s.name) ?? [] })),
    ...(a.machine && b.machine ? { machineBusyCores: (b.machine.busy - a.machine.busy) / window } : {}),
    load,
  };
}

async function measureBaseline(stack: BenchStack): Promise<Baseline> {
  const dbWho = databasePid(stack.infra.MONGODB_URI, path.join(repoRoot, '.local'));
  if ('reason' in dbWho) return { db: { reason: dbWho.reason } };
  const a = cpuSnapshot(dbWho.pid, new Map());
  await sleep(CONFIG.quietSeconds * 1000);
  const b = cpuSnapshot(dbWho.pid, new Map());
  const window = (b.at - a.at) / 1000;
  return {
    db: a.db === undefined || b.db === undefined ? { reason: `pid ${dbWho.pid} unreadable` } : { share: (b.db - a.db) / window },
    ...(a.machine && b.machine ? { machineBusyCores: (b.machine.busy - a.machine.busy) / window } : {}),
  };
}

function printQuiet(q: QuietResult): void {
  if (!q.quiet) {
    console.log(`  ${q.when}: not measured, ${'reason' in q.db ? q.db.reason : ''}`);
    return;
  }
  const db = 'reason' in q.db ? `not available (${q.db.reason})` : `${pct(q.db.share)} of one core (${q.db.label})`;
  console.log(`  ${q.when}: database CPU over ${CONFIG.quietSeconds} s: ${db}; machine busy ${q.machineBusyCores?.toFixed(2) ?? '?'} cores; ${q.load}`);
  for (const s of q.services) {
    console.log(`    ${s.name.padEnd(15)} CPU ${s.share === undefined ? '?' : pct(s.share)}, GET /metrics ${s.scrapesMs.map(scrapeMs).join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------------

async function seedHistory(stack: BenchStack, count: number): Promise<{ plan: SeedPlan; seconds: number; counts: Record<string, SeedCounts> }> {
  const p = newPackage('Bench Package');
  const spacingMs = 10 * 60_000;
  const firstInstallAt = new Date(Date.now() - 86_400_000 - count * spacingMs);
  const pkg: SeedPackage = {
    ...p,
    registeredEventId: newEventId(),
    versionEventId: newEventId(),
    registeredReceivedAt: new Date(firstInstallAt.getTime() - 86_400_000),
  };
  const plan: SeedPlan = { count, pkg, firstInstallAt, spacingMs, batch: CONFIG.seedBatch, parallel: CONFIG.seedParallel, salt: stack.prefix };
  const t0 = performance.now();
  const [ii, lead, license] = await Promise.all([
    seedInstallIntake(stack.db('install-intake'), plan),
    seedLead(stack.db('lead'), plan),
    seedLicense(stack.db('license'), plan),
  ]);
  return { plan, seconds: secs(t0), counts: { 'install-intake': ii, lead, license } };
}

async function run(label: string, seedCount: number): Promise<RunResult> {
  console.log(`\n== ${label} run: ${seedCount.toLocaleString('en')} licenses already stored ==`);
  const before = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const stack = await new BenchStack('benchonb', { KAFKA_TOPIC_PARTITIONS: String(CONFIG.partitions) }).connect();
  // A stopped stack's Ctrl-C handler would exit the process before the next stack's handler has
  // stopped that stack's services: each run takes its handlers away again when it ends.
  const handlers = (['SIGINT', 'SIGTERM'] as const).flatMap((sig) => process.listeners(sig).filter((l) => !before.has(l)).map((l) => [sig, l] as const));
  const kafka = new Kafka({ clientId: 'bench-onboarding', brokers: stack.infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() });
  const topic = (t: string) => `${stack.prefix}.${t}`;
  const admin = kafka.admin();
  await admin.connect();
  let started = false;
  try {
    let seeded: Awaited<ReturnType<typeof seedHistory>> | undefined;
    if (seedCount > 0) {
      process.stdout.write(`  seeding ${seedCount.toLocaleString('en')} installs (licenses, leads, sagas, events) in batches of ${CONFIG.seedBatch}, ${CONFIG.seedParallel} per collection at once... `);
      seeded = await seedHistory(stack, seedCount);
      const docs = Object.values(seeded.counts).flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
      console.log(`${seeded.seconds.toFixed(1)} s (${docs.toLocaleString('en')} documents, ${Math.round(docs / seeded.seconds).toLocaleString('en')}/s)`);
      for (const [db, c] of Object.entries(seeded.counts)) console.log(`    ${db}: ${Object.entries(c).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}`);
    }

    let baseline: Baseline | undefined;
    if (seedCount > 0) {
      process.stdout.write(`  database CPU before the services start (others using the same database), ${CONFIG.quietSeconds} s... `);
      baseline = await measureBaseline(stack);
      console.log(`${'share' in baseline.db ? `${pct(baseline.db.share)} of one core` : `not available (${baseline.db.reason})`}; machine busy ${baseline.machineBusyCores?.toFixed(2) ?? '?'} cores`);
    }

    const t0 = performance.now();
    // the services build their indexes over whatever is stored when they start
    const ready = await stack.startWithin([...SERVICES], CONFIG.readySeconds * 1000);
    started = true;
    const services = ready.map((r) => r.service);
    const startSeconds = secs(t0);
    console.log(`  services ready (one after the other) in ${startSeconds.toFixed(1)} s: ${ready.map((r) => `${r.service.name} ${r.readySeconds.toFixed(1)} s`).join(', ')}`);

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    stack.onStop(() => producer.disconnect());

    // lma.license.created as a consumer of license events sees it: first arrival per install
    const created = new Map<string, number>();
    const createdCount = new Map<string, number>();
    const watched = new Set<string>();
    let watchedDone = 0;
    const consumer = kafka.consumer({ groupId: `${stack.prefix}.bench-watch`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    stack.onStop(() => consumer.disconnect());
    await consumer.subscribe({ topic: topic(LICENSE_EVENTS_TOPIC), fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          if (m.headers?.['ce_type']?.toString() !== LicenseEventType.Created) continue;
          const l = JSON.parse(m.value!.toString('utf8')) as { packageId: string; subscriberOrgId: string };
          const key = installationKey(l.packageId, l.subscriberOrgId);
          createdCount.set(key, (createdCount.get(key) ?? 0) + 1);
          if (created.has(key)) continue;
          created.set(key, now);
          if (watched.has(key)) watchedDone++;
        }
      },
    });

    // A package registered through the pipeline (its documents are the services' own, for the
    // shape check), and one install through the whole saga: every service, topic and consumer is ready.
    const probe = newPackage('Bench Probe Package');
    const probeRegisteredId = newEventId();
    await producer.send({
      topic: topic(MARKETPLACE_EVENTS_TOPIC),
      messages: [
        record(MarketplaceEventType.PackageRegistered, probe.registered.packageId, probe.registered, probeRegisteredId),
        record(MarketplaceEventType.PackageVersionUploaded, probe.registered.packageId, probe.version),
      ],
    });
    // an install of a package not registered yet is parked until it is (by design): not a warm-up
    await eventually(
      'the probe package to be registered',
      async () => {
        const [p, v] = await Promise.all([
          stack.db('license').collection('packages').findOne({ _id: probe.registered.packageId as never }, { projection: { _id: 1 } }),
          stack.db('license').collection('package_versions').findOne({ _id: probe.version.packageVersionId as never }, { projection: { _id: 1 } }),
        ]);
        return p !== null && v !== null;
      },
      300_000,
      200,
    );
    const warm = install(probe.registered.packageId, probe.version.packageVersionId, 0, stack.prefix);
    const warmKey = installationKey(warm.packageId, warm.subscriberOrgId);
    const warmEventId = newEventId();
    const tw = performance.now();
    await producer.send({ topic: topic(MARKETPLACE_EVENTS_TOPIC), messages: [record(MarketplaceEventType.PackageInstalled, warmKey, warm, warmEventId)] });
    // a system that cannot license one install in ten minutes still gets measured, and says so
    const warmed = await eventually('the warm-up install to get its license', () => created.has(warmKey), 600_000, 100).then(() => true, () => false);
    console.log(warmed ? `  warm-up install licensed in ${ms(performance.now() - tw)}` : `  warm-up install NOT licensed within 600 s; going on`);

    const quiet: QuietResult[] = [];
    if (seedCount > 0) {
      quiet.push(await measureQuiet('standing still before the offer', stack, admin, services));
      printQuiet(quiet.at(-1)!);
    }

    // the run's installs go to the seeded package when there is one: its history is theirs
    const runPkg = seeded ? seeded.plan.pkg : probe;
    const total = Math.round(CONFIG.rate * CONFIG.seconds);
    const records = Array.from({ length: total }, (_, n) => {
      const i = install(runPkg.version.packageId, runPkg.version.packageVersionId, n + 1, stack.prefix);
      return { key: installationKey(i.packageId, i.subscriberOrgId), message: record(MarketplaceEventType.PackageInstalled, installationKey(i.packageId, i.subscriberOrgId), i) };
    });

    let raw: RawPipeResult | undefined;
    if (total > 0) {
      process.stdout.write(`  raw kafkajs pipe: ${total.toLocaleString('en')} records through ${CONFIG.hops} consume -> produce hops... `);
      raw = await rawPipe(kafka, {
        topicOf: (i) => topic(`bench-raw.${i}`),
        groupOf: (i) => `${stack.prefix}.bench-raw-${i}`,
        partitions: CONFIG.partitions,
        hops: CONFIG.hops,
        records: records.map((r) => r.message),
        timeoutMs: 600_000,
      });
      console.log(`${raw.seconds.toFixed(1)} s, ${Math.round(raw.rate).toLocaleString('en')} records/s`);
    }

    console.log(`  offering ${total.toLocaleString('en')} installs at ${CONFIG.rate}/s for ${CONFIG.seconds} s (${CONFIG.partitions} partitions); ${BenchStack.machine()}`);
    const dbWho = databasePid(stack.infra.MONGODB_URI, path.join(repoRoot, '.local'));
    const pids = servicePids(services);
    const cpuBefore = cpuSnapshot('pid' in dbWho ? dbWho.pid : undefined, pids);
    for (const r of records) watched.add(r.key);
    const sent = new Map<string, number>();
    const start = performance.now();
    let n = 0;
    while (n < total) {
      const due = Math.min(total, Math.floor((secs(start)) * CONFIG.rate) + 1);
      const batch: Message[] = [];
      const now = performance.now();
      for (; n < due; n++) {
        batch.push(records[n]!.message);
        sent.set(records[n]!.key, now);
      }
      if (batch.length) await producer.send({ topic: topic(MARKETPLACE_EVENTS_TOPIC), messages: batch });
      await sleep(TICK_MS);
    }
    const publishedSeconds = secs(start);

    // until every install has its license; or the drain limit; or nothing new for a while with
    // every consumer caught up (then what is missing is lost, not late)
    const deadline = performance.now() + CONFIG.drainSeconds * 1000;
    let last = -1;
    let lastChange = performance.now();
    let drain: OfferResult['drain'] = 'all';
    let lastReport = performance.now();
    for (;;) {
      if (watchedDone >= total) break;
      if (watchedDone !== last) {
        last = watchedDone;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > CONFIG.stallSeconds * 1000 && (await serviceLag(admin, stack.prefix).catch(() => -1)) === 0) {
        drain = 'stalled';
        break;
      }
      if (performance.now() > deadline) {
        drain = 'deadline';
        break;
      }
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        console.log(`    ${Math.round(secs(start))} s: ${watchedDone.toLocaleString('en')} of ${total.toLocaleString('en')} licensed`);
      }
      await sleep(250);
    }
    const cpuAfter = cpuSnapshot('pid' in dbWho ? dbWho.pid : undefined, pids);
    const window = (cpuAfter.at - cpuBefore.at) / 1000;
    const d = (a?: number, b?: number) => (a === undefined || b === undefined ? '?' : `${(b - a).toFixed(0)} s`);
    const cpuDuringOffer =
      `over the ${window.toFixed(0)} s from the first install to the end of the wait: database ${d(cpuBefore.db, cpuAfter.db)}, ` +
      [...pids.keys()].map((k) => `${k} ${d(cpuBefore.services.get(k), cpuAfter.services.get(k))}`).join(', ') +
      (cpuBefore.machine && cpuAfter.machine ? `; machine busy ${(cpuAfter.machine.busy - cpuBefore.machine.busy).toFixed(0)} of ${(cpuAfter.machine.total - cpuBefore.machine.total).toFixed(0)} CPU-seconds` : '');

    const offer = offerFigures(sent, created, start, publishedSeconds, drain);
    console.log(
      `  published ${total.toLocaleString('en')} in ${publishedSeconds.toFixed(1)} s (${Math.round(offer.publishRate)}/s); licensed ${offer.licensed.toLocaleString('en')}` +
        `${offer.unfinished ? ` (${offer.unfinished.toLocaleString('en')} not within ${CONFIG.drainSeconds} s after the offer)` : ''}: ` +
        `${Math.round(offer.overall)}/s overall, ${Math.round(offer.steady)}/s steady (middle 60%)`,
    );
    console.log(`  publish -> lma.license.created: p50 ${ms(offer.latency.p50)}, p95 ${ms(offer.latency.p95)}, p99 ${ms(offer.latency.p99)}, max ${ms(offer.latency.max)}`);
    console.log(`  CPU ${cpuDuringOffer}`);

    // Cut short, the services would go on working off the rest while the check reads whole
    // collections: stopped, they leave a still database and the next run a free machine.
    if (drain === 'deadline') {
      console.log(`  the run was cut short: stopping the services before the check`);
      for (const s of services) await s.stop();
    }
    const settled = drain === 'deadline' ? { quiet: false, waitedSeconds: 0, lag: await serviceLag(admin, stack.prefix).catch(() => -1) } : await waitQuiet(admin, stack.prefix, 120);
    const correctness = await check(stack, [...sent.keys(), warmKey], createdCount, settled.quiet && drain !== 'deadline');
    for (const l of correctness.lines) console.log(`  ${l}`);

    let shapes: string[] | undefined;
    let unseeded: Unseeded[] | undefined;
    if (seeded) {
      const warmLicense = await stack.db('license').collection('licenses').findOne({ _id: licenseIdFor(warm.packageId, warm.subscriberOrgId) as never }, { projection: { licenseNumber: 1 } });
      shapes = await checkShapes(stack, seeded.plan, {
        registeredEventId: probeRegisteredId,
        packageId: probe.registered.packageId,
        packageVersionId: probe.version.packageVersionId,
        installEventId: warmEventId,
        subscriberOrgId: warm.subscriberOrgId,
        installer: warm.installer,
        licenseNumber: Number(warmLicense?.['licenseNumber']),
      });
      console.log(`  seeded documents against the services' own: ${shapes.length ? `${shapes.length} differences` : 'same fields and types'}`);
      for (const s of shapes) console.log(`    ${s}`);
      unseeded = await unseededCollections(stack, seeded.counts);
      // while work is in flight, collections of pending work (claims, timers) hold documents too
      const inFlight = settled.quiet ? '' : ' (the run did not finish: collections of pending work hold its unfinished installs)';
      if (unseeded.length) {
        console.log(`  collections the services wrote during the run that the seed leaves empty (documents per install of the run)${inFlight}:`);
        for (const u of unseeded) console.log(`    ${u.service} ${u.collection}: ${u.count.toLocaleString('en')} (${(u.count / (total + 1)).toFixed(2)})`);
      } else console.log(`  every collection the services wrote during the run is seeded`);
    }

    if (seedCount > 0) {
      if (settled.quiet) {
        quiet.push(await measureQuiet('standing still after the offer', stack, admin, services));
      } else {
        const reason = drain === 'deadline' ? `the run was cut short with ${settled.lag} records unread` : `not quiet after ${Math.round(settled.waitedSeconds)} s (${settled.lag} records unread)`;
        quiet.push({ when: 'standing still after the offer', quiet: false, waitedSeconds: settled.waitedSeconds, lag: settled.lag, db: { reason }, services: [], load: BenchStack.machine() });
      }
      printQuiet(quiet.at(-1)!);
    }

    return {
      label,
      ...(baseline ? { baseline } : {}),
      seeded: seedCount,
      ...(seeded ? { seedSeconds: seeded.seconds, seedCounts: seeded.counts } : {}),
      startSeconds,
      readySeconds: Object.fromEntries(ready.map((r) => [r.service.name, r.readySeconds])),
      ...(raw ? { raw } : {}),
      offer,
      correctness,
      cpuDuringOffer,
      quiet,
      ...(shapes ? { shapes } : {}),
      // only a finished run tells history from work in flight
      ...(unseeded && settled.quiet ? { unseeded } : {}),
      machine: BenchStack.machine(),
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
    // BenchStack removes only the databases of the services it started: the seeded ones may not all be
    if (!started) for (const s of SERVICES) await stack.db(s).dropDatabase().catch(() => undefined);
    await stack.stop();
    for (const [sig, l] of handlers) process.off(sig, l);
  }
}

function offerFigures(sent: Map<string, number>, created: Map<string, number>, start: number, publishedSeconds: number, drain: OfferResult['drain']): OfferResult {
  const offered = sent.size;
  const done = [...sent].filter(([k]) => created.has(k));
  // an install still without its license counts as slower than any that has one
  const latencies = [...done.map(([k, t]) => created.get(k)! - t).sort((a, b) => a - b), ...Array<number>(offered - done.length).fill(Infinity)];
  const times = done.map(([k]) => created.get(k)!).sort((a, b) => a - b);
  const overall = times.length ? times.length / ((times.at(-1)! - start) / 1000) : 0;
  // the middle of the run (after the first and before the last fifth), where it is steady
  const lo = Math.floor(times.length * 0.2);
  const hi = Math.floor(times.length * 0.8);
  const steady = hi > lo && times[hi]! > times[lo]! ? (hi - lo) / ((times[hi]! - times[lo]!) / 1000) : 0;
  return {
    offered,
    publishRate: offered / publishedSeconds,
    licensed: done.length,
    unfinished: offered - done.length,
    overall,
    steady,
    latency: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? NaN },
    drain,
  };
}

/**
 * Exactly one saga, lead and named license per install of the run (and the warm-up), exactly one
 * `lma.license.created` each, and license numbers 1..M with no gap and no repeat across the whole
 * database (the seeded history included). Installs still in progress when the run was cut short
 * are counted as unfinished, not lost.
 */
async function check(stack: BenchStack, keys: string[], createdCount: Map<string, number>, settled: boolean): Promise<Correctness> {
  const expected = new Set(keys);
  const keyOf = (d: Record<string, unknown>) => installationKey(String(d['packageId']), String(d['subscriberOrgId']));
  const tally = (docs: Record<string, unknown>[]) => {
    const m = new Map<string, number>();
    for (const d of docs) {
      const k = keyOf(d);
      if (expected.has(k)) m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const [licenses, leads, sagas, claims] = await Promise.all([
    stack.db('license').collection('licenses').find({}, { projection: { packageId: 1, subscriberOrgId: 1, licenseNumber: 1, licenseName: 1 } }).toArray(),
    stack.db('lead').collection('leads').find({}, { projection: { packageId: 1, subscriberOrgId: 1 } }).toArray(),
    stack.db('install-intake').collection('onboardings').find({}, { projection: { packageId: 1, subscriberOrgId: 1, state: 1 } }).toArray(),
    stack.db('license').collection('license_numbers').countDocuments({}),
  ]);
  const named = licenses.filter((l) => typeof l['licenseName'] === 'string');
  const licenseBy = tally(named);
  const leadBy = tally(leads);
  const sagaBy = tally(sagas);
  const sagaState = new Map(sagas.filter((s) => expected.has(keyOf(s))).map((s) => [keyOf(s), String(s['state'])]));

  let ok = 0;
  let unfinished = 0;
  const lost = { license: 0, lead: 0, event: 0 };
  const dup = { license: 0, lead: 0, saga: 0, event: 0 };
  const otherStates = new Map<string, number>();
  for (const k of expected) {
    const [l, ld, sg, ev] = [licenseBy.get(k) ?? 0, leadBy.get(k) ?? 0, sagaBy.get(k) ?? 0, createdCount.get(k) ?? 0];
    if (l > 1) dup.license++;
    if (ld > 1) dup.lead++;
    if (sg > 1) dup.saga++;
    if (ev > 1) dup.event++;
    if (l === 1 && ld === 1 && sg === 1 && ev === 1) {
      ok++;
      continue;
    }
    const state = sagaState.get(k);
    if (state && state !== 'completed') otherStates.set(state, (otherStates.get(state) ?? 0) + 1);
    // cut short, a missing piece may still come (a parked saga resumes, an event is on its way)
    if (!settled) {
      unfinished++;
      continue;
    }
    if (l === 0) lost.license++;
    if (ld === 0) lost.lead++;
    if (l >= 1 && ev === 0) lost.event++;
  }
  const numbers = named.map((l) => Number(l['licenseNumber'])).sort((a, b) => a - b);
  const distinct = new Set(numbers).size;
  const max = numbers.at(-1) ?? 0;
  const gapFree = distinct === numbers.length && max === numbers.length && (numbers[0] ?? 1) === 1;
  const claimsMatch = claims === named.length;

  const mismatches: string[] = [];
  if (dup.license || dup.lead || dup.saga || dup.event) mismatches.push(`duplicated: ${dup.license} licenses, ${dup.lead} leads, ${dup.saga} sagas, ${dup.event} lma.license.created events`);
  if (lost.license || lost.lead || lost.event) mismatches.push(`lost: ${lost.license} licenses, ${lost.lead} leads, ${lost.event} lma.license.created events`);
  if (settled && !gapFree) mismatches.push(`license numbers not 1..${numbers.length} without gaps or repeats (${distinct} distinct, highest ${max})`);
  if (settled && !claimsMatch) mismatches.push(`${claims} license number claims for ${named.length} named licenses`);
  const lines = [
    `installs of this run (with the warm-up): ${expected.size.toLocaleString('en')}; exactly one saga, lead, named license and lma.license.created: ${ok.toLocaleString('en')}` +
      (unfinished ? `; unfinished when the run was cut short: ${unfinished.toLocaleString('en')}` : '') +
      (otherStates.size ? `; sagas of those not exact: ${[...otherStates].map(([s, c]) => `${s} ${c}`).join(', ')}` : ''),
    `license numbers: ${named.length.toLocaleString('en')} named licenses in the database numbered 1..${max.toLocaleString('en')}, ${claims.toLocaleString('en')} claims: ${gapFree && claimsMatch ? 'no gap, no repeat' : settled ? 'NOT contiguous' : 'not judged (still in progress)'}`,
    mismatches.length ? `MISMATCH: ${mismatches.join('; ')}` : unfinished ? `no lost or duplicated lead or license among the finished installs` : 'EXACT',
  ];
  return { exact: mismatches.length === 0, judged: unfinished === 0, lines, mismatches };
}

async function checkShapes(stack: BenchStack, plan: SeedPlan, written: Parameters<typeof writtenSamples>[0]): Promise<string[]> {
  const seededOnes = seededSamples(plan);
  const writtenOnes = writtenSamples(written);
  const out: string[] = [];
  for (let i = 0; i < seededOnes.length; i++) {
    const s = seededOnes[i]!;
    const w = writtenOnes[i]!;
    const col = stack.db(s.service).collection(s.collection);
    const [a, b] = await Promise.all([col.findOne({ _id: s.id as never }), col.findOne({ _id: w.id as never })]);
    const where = `${s.service} ${s.collection} (${s.kind})`;
    if (!a || !b) {
      out.push(`${where}: ${!a ? 'seeded document' : 'written document'} ${String(!a ? s.id : w.id)} not found`);
      continue;
    }
    for (const d of compareShapes(a, b)) out.push(`${where}: ${d}`);
  }
  return out;
}

/**
 * Collections that got documents during the run although the seed writes none: a collection
 * that grows by one document per install (a key document, say) is history the seed should have.
 */
async function unseededCollections(stack: BenchStack, counts: Record<string, SeedCounts>): Promise<Unseeded[]> {
  const out: Unseeded[] = [];
  for (const service of SERVICES) {
    const db = stack.db(service);
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (counts[service]?.[name] !== undefined) continue;
      const count = await db.collection(name).countDocuments({});
      if (count > 0) out.push({ service, collection: name, count });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

type Status = 'met' | 'not met' | 'n/a';

function summary(main: RunResult, empty: RunResult | undefined): void {
  const rows: [string, string, Status | string][] = [];
  const o = main.offer;
  const seededLabel = `with ${main.seeded.toLocaleString('en')} licenses stored`;
  const keepUp = Math.min(TARGETS.installsPerSecond, CONFIG.rate) * (1 - TARGETS.keepUpTolerance);
  const long = CONFIG.seconds >= TARGETS.sustainedSeconds;
  const sustained: Status = o.steady >= keepUp && o.unfinished === 0 ? 'met' : 'not met';
  rows.push([
    `>= ${TARGETS.installsPerSecond}/s sustained for ${TARGETS.sustainedSeconds} s ${seededLabel}`,
    `${Math.round(o.steady)}/s steady, ${Math.round(o.overall)}/s overall, offered ${CONFIG.rate}/s for ${CONFIG.seconds} s${o.unfinished ? `, ${o.unfinished} unlicensed at the drain limit` : ''}`,
    CONFIG.rate < TARGETS.installsPerSecond ? 'n/a (offered below the target)' : long ? sustained : `${sustained} (run of ${CONFIG.seconds} s)`,
  ]);
  rows.push([`p99 publish -> lma.license.created < ${TARGETS.p99Ms} ms`, `p50 ${ms(o.latency.p50)}, p95 ${ms(o.latency.p95)}, p99 ${ms(o.latency.p99)}, max ${ms(o.latency.max)}`, o.latency.p99 < TARGETS.p99Ms ? 'met' : 'not met']);
  for (const r of [main, ...(empty ? [empty] : [])]) {
    rows.push([`exactly one lead and one license per install (${r.label})`, r.correctness.mismatches.join('; ') || (r.correctness.judged ? 'exact' : 'exact among the finished; the rest unfinished'), r.correctness.exact ? (r.correctness.judged ? 'met' : 'met (partly judged)') : 'NOT MET']);
  }
  if (empty) {
    const ratio = empty.offer.steady > 0 ? main.offer.steady / empty.offer.steady : NaN;
    rows.push([`${main.label} / empty throughput >= ${pct(TARGETS.seededVsEmpty)}`, `${Math.round(main.offer.steady)}/s / ${Math.round(empty.offer.steady)}/s = ${pct(ratio)} (empty p99 ${ms(empty.offer.latency.p99)})`, ratio >= TARGETS.seededVsEmpty ? 'met' : 'not met']);
  } else {
    rows.push([`${main.label} / empty throughput >= ${pct(TARGETS.seededVsEmpty)}`, 'not run (BENCH_COMPARE=1 or --compare)', 'n/a']);
  }
  const measured = main.quiet.filter((q) => q.quiet && 'share' in q.db);
  const dbShares = measured.map((q) => ('share' in q.db ? q.db.share : NaN));
  const dbWorst = dbShares.length ? Math.max(...dbShares) : undefined;
  rows.push([
    `standing still ${seededLabel}: database < ${pct(TARGETS.dbCoreShare)} of one core`,
    main.quiet.length === 0 ? 'not measured (no seeded history)' : main.quiet.map((q) => `${q.when.replace('standing still ', '')}: ${'share' in q.db ? pct(q.db.share) : q.db.reason}`).join('; '),
    dbWorst === undefined ? 'n/a' : `${dbWorst < TARGETS.dbCoreShare ? 'met' : 'not met'}${measured.length < main.quiet.length ? ' (partly measured)' : ''}`,
  ]);
  if (main.baseline && 'share' in main.baseline.db) {
    rows.push(['  (the same database before the services started)', `${pct(main.baseline.db.share)}: used by others on this machine, included above`, '']);
  }
  const scrapes = main.quiet.filter((q) => q.quiet).flatMap((q) => q.services.map((s) => ({ name: s.name, worst: Math.max(...s.scrapesMs) })));
  const byService = new Map<string, number>();
  for (const s of scrapes) byService.set(s.name, Math.max(byService.get(s.name) ?? 0, s.worst));
  rows.push([
    `every GET /metrics < ${TARGETS.scrapeMs} ms (standing still)`,
    byService.size ? [...byService].map(([n, t]) => `${n} ${scrapeMs(t)}`).join(', ') + ' (slowest of up to 3 each)' : 'not measured',
    byService.size === 0 ? 'n/a' : Math.max(...byService.values()) < TARGETS.scrapeMs ? 'met' : 'not met',
  ]);
  rows.push([`aim: ${TARGETS.aimInstallsPerSecond}/s`, `${Math.round(o.steady)}/s steady at ${CONFIG.rate}/s offered`, CONFIG.rate < TARGETS.aimInstallsPerSecond ? `n/a (offered ${CONFIG.rate}/s)` : o.steady >= TARGETS.aimInstallsPerSecond * (1 - TARGETS.keepUpTolerance) ? 'met' : 'not met']);
  const rawShare = main.raw ? o.steady / main.raw.rate : NaN;
  rows.push([
    `aim: >= ${pct(TARGETS.aimRawShare)} of the raw ${CONFIG.hops}-hop kafkajs pipe`,
    main.raw ? `${Math.round(o.steady)}/s / ${Math.round(main.raw.rate)}/s = ${pct(rawShare)}${o.steady >= CONFIG.rate * (1 - TARGETS.keepUpTolerance) ? ' (pipeline capped by the offered rate)' : ''}` : 'not run',
    main.raw ? (rawShare >= TARGETS.aimRawShare ? 'met' : 'not met') : 'n/a',
  ]);

  const w = [0, 1, 2].map((i) => Math.max(['target', 'figure', 'status'][i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = `+${w.map((n) => '-'.repeat(n + 2)).join('+')}+`;
  const row = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  console.log('\n== summary ==');
  console.log(line);
  console.log(row(['target', 'figure', 'status']));
  console.log(line);
  for (const r of rows) console.log(row(r));
  console.log(line);
  for (const r of [main, ...(empty ? [empty] : [])]) {
    const extra = [
      r.seedSeconds !== undefined ? `seeding ${r.seedSeconds.toFixed(1)} s` : 'no seeding',
      `services ready in ${r.startSeconds.toFixed(1)} s (${Object.entries(r.readySeconds).map(([n, t]) => `${n} ${t.toFixed(0)} s`).join(', ')})`,
      r.raw ? `raw pipe ${Math.round(r.raw.rate)}/s` : undefined,
    ].filter(Boolean);
    console.log(`${r.label}: ${extra.join(', ')}; CPU ${r.cpuDuringOffer}`);
  }
  if (main.shapes?.length) console.log(`seeded documents differ from the services' own in ${main.shapes.length} fields: update tools/bench-onboarding/src/seed.ts`);
  if (main.unseeded?.length) console.log(`collections the run wrote that the seed leaves empty: ${main.unseeded.map((u) => `${u.service} ${u.collection}`).join(', ')} (see above: seed.ts needs those that grow with installs)`);
  console.log(`machine: ${BenchStack.machine()}`);
}

async function main(): Promise<void> {
  const seedCount = CONFIG.seed ? CONFIG.seedLicenses : 0;
  console.log(
    `onboarding benchmark: ${BenchStack.machine()}\n` +
      `  offer ${CONFIG.rate}/s for ${CONFIG.seconds} s; ${seedCount.toLocaleString('en')} licenses seeded first${CONFIG.compare ? '; then the same offer on empty collections' : ''}`,
  );
  const first = await run(seedCount > 0 ? 'seeded' : 'empty', seedCount);
  const empty = CONFIG.compare ? await run('empty', 0) : undefined;
  summary(first, empty);
  if (!first.correctness.exact || (empty && !empty.correctness.exact)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
