import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LICENSE_EVENTS_TOPIC, TOPICS, dlqTopic } from '@lma/contracts';
import { BenchStack, TestKafka, kafkaClientAuth, repoRoot } from '@lma/testing';
import { runChecks, type Check } from './checks';
import { junkCorpus } from './corpus';
import { runFaults, type FaultRecord } from './faults';
import { runLoad, setUp, type ApiWrite } from './load';
import { waitForQuiet } from './quiet';
import { World } from './world';

/**
 * `npm run chaos`: the whole system with two replicas of every service (docs/reliability.md) under
 * steady marketplace traffic and API writes, while replicas are killed and frozen, the broker and
 * the database restart and malformed records arrive; then, once quiet, it counts what came out.
 * Exits non-zero when a check fails.
 *
 *   CHAOS_SECONDS        how long the load and the faults last (300)
 *   CHAOS_RATE           marketplace records and API writes per second (5)
 *   CHAOS_PACKAGES       packages the traffic spreads over (3)
 *   CHAOS_JUNK           malformed records (at least 500)
 *   CHAOS_QUIET_SECONDS  how long to wait for quiet after the load (300)
 *   CHAOS_FAULTS=0       the same run without faults (a baseline)
 *   CHAOS_KEEP=1         leave the run's services stopped but its databases and topics in place
 */
const num = (name: string, fallback: number, min: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number of at least ${min}, got ${process.env[name]}`);
  return v;
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const seconds = num('CHAOS_SECONDS', 300, 10);
  const rate = num('CHAOS_RATE', 5, 0.1);
  const packages = num('CHAOS_PACKAGES', 3, 1);
  const junk = junkCorpus(num('CHAOS_JUNK', 500, 1));
  const quietLimit = num('CHAOS_QUIET_SECONDS', 300, 10);
  const withFaults = process.env['CHAOS_FAULTS'] !== '0';
  if (!process.env['KAFKA_BROKERS'] || !process.env['MONGODB_URI']) {
    const up = spawnSync('bash', [path.join(repoRoot, 'deploy/local/infra.sh'), 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (up.status !== 0) throw new Error('deploy/local/infra.sh up failed');
  }
  console.log(`chaos: ${seconds} s at ${rate} records/s over ${packages} packages, ${junk.length} malformed records, faults ${withFaults ? 'on' : 'off'}; ${BenchStack.machine()}`);
  const world = new World();
  let failed = true;
  try {
    await world.start();
    console.log(`started ${world.all().length} processes (2 replicas of each service, 1 gateway) under ${world.stack.prefix}`);
    const dlqTopics = [...TOPICS.keys()].map(dlqTopic);
    const watch = new TestKafka(world.stack.infra.KAFKA_BROKERS, `${world.stack.prefix}.`);
    await watch.watch([LICENSE_EVENTS_TOPIC, ...dlqTopics]);
    const packageIds = await setUp(world, packages);

    const writes: ApiWrite[] = [];
    let loadDone = false;
    const faults: Promise<FaultRecord[]> = withFaults ? runFaults(world, seconds, () => loadDone) : Promise.resolve([]);
    const t0 = Date.now();
    const figures = await runLoad(world, watch, packageIds, { seconds, rate, junk }, writes).finally(() => (loadDone = true));
    const injected = await faults;
    console.log(`load done in ${Math.round((Date.now() - t0) / 1000)} s: ${figures.marketplaceRecords} marketplace records (${JSON.stringify(figures.actions)}), ${figures.junkRecords} malformed, ${figures.apiWrites} API writes; ${injected.length} faults`);

    const admin = new Kafka({ clientId: 'chaos-quiet', brokers: world.stack.infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth('admin', world.stack.infra.KAFKA_BROKERS) }).admin();
    await admin.connect();
    const quiet = await waitForQuiet(world, admin, quietLimit);
    await admin.disconnect();
    console.log(quiet.seconds === null ? `not quiet after ${quietLimit} s: ${JSON.stringify(quiet.last)}` : `quiet ${quiet.seconds} s after the load`);

    const junkKeys = new Set(junk.map((j) => j.key));
    const checks: Check[] = await runChecks({ world, records: watch.received, junkKeys, writes, dlqTopics });
    await watch.close();
    const offered = world.offering.offered;
    console.log('\nfaults:');
    console.log(table([['at (s)', 'fault', 'target', 'back after (s)'], ...injected.map((f) => [String(f.at), f.fault, f.target, f.error ? `failed: ${f.error}` : ((f.recoveredMs ?? 0) / 1000).toFixed(1)])]));
    console.log('\nchecks:');
    console.log(table([['check', 'result', 'counted'], ...checks.map((c) => [c.name, c.ok ? 'ok' : 'FAILED', c.detail])]));
    const lost = checks.reduce((a, c) => a + c.lost, 0);
    const duplicated = checks.reduce((a, c) => a + c.duplicated, 0);
    console.log(
      `\nrecords offered ${offered.length} (${offered.reduce((a, o) => a + o.copies, 0)} on the broker with the repeats, ${offered.filter((o) => o.uncertain).length} uncertain), ` +
        `malformed ${junk.length}, API writes ${writes.length}, faults injected ${injected.length}, lost ${lost}, duplicated ${duplicated}, ` +
        `time to quiet after the last fault ${quiet.seconds === null ? `over ${quietLimit} s` : `${quiet.seconds} s`}`,
    );
    failed = quiet.seconds === null || checks.some((c) => !c.ok);
  } finally {
    await world.stop(process.env['CHAOS_KEEP'] === '1');
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
