import { Kafka, logLevel } from 'kafkajs';
import { LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, TOPICS, dlqTopic } from '@lma/contracts';
import { TestKafka, kafkaClientAuth } from '@lma/testing';
import { runChecks } from './checks';
import { junkCorpus } from './corpus';
import { faultError, freezePastSession, localInfraRestartable, restart, restartBroker, restartDatabase, type FaultRecord } from './faults';
import { runLoad, seededRandom, setUp, type ApiWrite } from './load';
import { waitForQuiet, waitForWatch } from './quiet';
import { report, type Outcome } from './report';
import { World } from './world';

/** The short run's consumer session timeout: the broker's minimum, so a frozen replica's partitions move within seconds. */
const SESSION_TIMEOUT_MS = 6_000;

/**
 * The chaos run in small and in order (`npm test`'s chaos-short.int.spec.ts): two replicas of
 * every service and a gateway, `actions` marketplace records and API writes from a seeded
 * sequence, and one fault of each kind at fixed points of it, each waited for on its evidence:
 * a replica killed with SIGKILL (restarted and ready again further on), one SIGSTOPped until its
 * consumer groups have given its partitions to the other replica (then SIGCONTed), a broker
 * restart and a database restart (when they are this machine's local processes), every tenth
 * record three times and a sample of the malformed corpus; then the same checks as `npm run chaos`.
 */
export async function runShort(opts: { actions?: number; junkEvery?: number; seed?: number; quietLimitSeconds?: number } = {}): Promise<Outcome & { faults: FaultRecord[] }> {
  const actions = opts.actions ?? 200;
  const quietLimit = opts.quietLimitSeconds ?? 120;
  const junk = junkCorpus(1).filter((_, k) => k % (opts.junkEvery ?? 2) === 0);
  // the in-process marketplace's client logs the broker restart at length: errors only when asked (CHAOS_LOG_LEVEL)
  const world = new World({ label: 'chaosshort', env: { KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS), SAGA_SWEEP_INTERVAL_MS: '1000' }, logLevel: 'fatal' });
  const dlqTopics = [...TOPICS.keys()].map(dlqTopic);
  let watch: TestKafka | undefined;
  let admin: ReturnType<Kafka['admin']> | undefined;
  const t0 = Date.now();
  const phase = (what: string) => console.log(`chaos-short: ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    await world.start();
    phase('11 processes started');
    watch = new TestKafka(world.stack.infra.KAFKA_BROKERS, `${world.stack.prefix}.`);
    await watch.watch([LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, ...dlqTopics]);
    admin = new Kafka({ clientId: 'chaos-short', brokers: world.stack.infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth('admin', world.stack.infra.KAFKA_BROKERS) }).admin();
    await admin.connect();
    const packageIds = await setUp(world, 2);
    phase('set up');

    // the faults, at fixed points of the sequence
    const faults: FaultRecord[] = [];
    const fault = async (at: number, name: string, target: string, run: () => Promise<number>) => {
      const rec: FaultRecord = { at, fault: name, target, recoveredMs: null };
      faults.push(rec);
      try {
        rec.recoveredMs = await run();
      } catch (err) {
        rec.error = faultError(err);
        throw err;
      }
    };
    const point = (share: number) => Math.max(1, Math.round(actions * share));
    const killed = world.replicas.get('license')![0]!;
    const frozen = world.replicas.get('lead')![1]!;
    let killedAt = 0;
    let frozenFor: Promise<number> | undefined;
    const infraFaults = localInfraRestartable();
    const between = async (n: number) => {
      if (n === point(0.1)) {
        await killed.kill();
        killedAt = Date.now();
      }
      if (n === point(0.15))
        await fault(point(0.1), 'kill -9, restarted', 'license #1', async () => {
          await restart(killed);
          return Date.now() - killedAt;
        });
      // frozen while the load goes on; thawed once the broker has given its partitions away
      if (n === point(0.35)) {
        frozenFor = freezePastSession(admin!, world, 'lead', 1);
        frozenFor.catch(() => undefined); // awaited (and its failure reported) at the thaw
      }
      if (n === point(0.5))
        await fault(point(0.35), `SIGSTOP past the ${SESSION_TIMEOUT_MS / 1000} s session, SIGCONT`, 'lead #2', async () => {
          try {
            return await frozenFor!;
          } finally {
            frozen.signal('SIGCONT');
          }
        });
      if (infraFaults && n === point(0.65)) await fault(n, 'broker restart', 'kafka', restartBroker);
      if (infraFaults && n === point(0.8)) await fault(n, 'database restart', 'ferretdb', restartDatabase);
    };
    const writes: ApiWrite[] = [];
    await runLoad(world, watch, packageIds, { seconds: 0, rate: 0, junk, actions, between, random: seededRandom(opts.seed ?? 16) }, writes);
    phase('load done');
    const quiet = await waitForQuiet(world, admin, quietLimit);
    await waitForWatch(admin, watch, world.stack.prefix, [LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, ...dlqTopics]);
    phase('quiet');
    const checks = await runChecks({ world, records: watch.received, junkKeys: new Set(junk.map((j) => j.key)), writes, dlqTopics });
    return { ...report(world, faults, checks, { junk: junk.length, apiWrites: writes.length, quietSeconds: quiet.seconds, quietLimit, at: 'at record' }), faults };
  } catch (err) {
    phase(`failed: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  } finally {
    world.replicas.get('lead')?.[1]?.signal('SIGCONT');
    await admin?.disconnect().catch(() => undefined);
    await watch?.close().catch(() => undefined);
    await world.kill();
    await world.stop(process.env['CHAOS_KEEP'] === '1');
    phase('stopped');
  }
}
