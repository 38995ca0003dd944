import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, TOPICS, dlqTopic } from '@lma/contracts';
import { BenchStack, TestKafka, kafkaClientAuth, repoRoot } from '@lma/testing';
import { runChecks, type Check } from './checks';
import { junkCorpus } from './corpus';
import { localKafkaNodes, runFaults, type FaultRecord } from './faults';
import { runLoad, setUp, type ApiWrite } from './load';
import { waitForQuiet, waitForWatch } from './quiet';
import { report } from './report';
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
 *
 *   --brokers 3          on a three-node local Kafka cluster (infra.sh up --brokers 3), whose nodes
 *                        are killed one at a time instead of restarting the only broker
 */
const num = (name: string, fallback: number, min: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number of at least ${min}, got ${process.env[name]}`);
  return v;
};

async function main(): Promise<void> {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const seconds = num('CHAOS_SECONDS', 300, 10);
  const rate = num('CHAOS_RATE', 5, 0.1);
  const packages = num('CHAOS_PACKAGES', 3, 1);
  const junk = junkCorpus(num('CHAOS_JUNK', 500, 1));
  const quietLimit = num('CHAOS_QUIET_SECONDS', 300, 10);
  const withFaults = process.env['CHAOS_FAULTS'] !== '0';
  const at = process.argv.indexOf('--brokers');
  const brokers = at < 0 ? undefined : process.argv[at + 1];
  if (brokers !== undefined && brokers !== '1' && brokers !== '3') throw new Error(`--brokers must be 1 or 3, got ${brokers}`);
  if (!process.env['KAFKA_BROKERS'] || !process.env['MONGODB_URI']) {
    const up = spawnSync('bash', [path.join(repoRoot, 'deploy/local/infra.sh'), 'up', ...(brokers ? ['--brokers', brokers] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (up.status !== 0) throw new Error('deploy/local/infra.sh up failed');
  }
  const nodes = localKafkaNodes();
  console.log(`chaos: ${seconds} s at ${rate} records/s over ${packages} packages, ${junk.length} malformed records, faults ${withFaults ? 'on' : 'off'}, Kafka ${nodes === 1 ? 'one broker' : `${nodes} brokers`}; ${BenchStack.machine()}`);
  const world = new World();
  let failed = true;
  try {
    await world.start();
    console.log(`started ${world.all().length} processes (2 replicas of each service, 1 gateway) under ${world.stack.prefix}`);
    const dlqTopics = [...TOPICS.keys()].map(dlqTopic);
    const watch = new TestKafka(world.stack.infra.KAFKA_BROKERS, `${world.stack.prefix}.`);
    await watch.watch([LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, ...dlqTopics]);
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
    await waitForWatch(admin, watch, world.stack.prefix, [LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, ...dlqTopics]);
    await admin.disconnect();
    console.log(quiet.seconds === null ? `not quiet after ${quietLimit} s: ${JSON.stringify(quiet.last)}` : `quiet ${quiet.seconds} s after the load`);

    const junkKeys = new Set(junk.map((j) => j.key));
    const checks: Check[] = await runChecks({ world, records: watch.received, junkKeys, writes, dlqTopics });
    await watch.close();
    const outcome = report(world, injected, checks, { junk: junk.length, apiWrites: writes.length, quietSeconds: quiet.seconds, quietLimit });
    console.log(`\n${outcome.text}`);
    failed = !outcome.ok;
  } finally {
    await world.stop(process.env['CHAOS_KEEP'] === '1');
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
