import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { MARKETPLACE_EVENTS_TOPIC } from '@lma/contracts';
import { eventually, infraEnvFile, kafkaClientAuth, repoRoot, type ServiceProcess } from '@lma/testing';
import { SERVICES, type Service, type World } from './world';

export interface FaultRecord {
  at: number;
  fault: string;
  target: string;
  /** How long the fault lasted until what it broke answered again (ms). */
  recoveredMs: number | null;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const infra = (...args: string[]) => promisify(execFile)('bash', [path.join(repoRoot, 'deploy/local/infra.sh'), ...args], { encoding: 'utf8' });

/** Whether this machine's broker and database are the ones deploy/local/infra.sh started (only those may be restarted). */
export function localInfraRestartable(): boolean {
  const state = path.dirname(infraEnvFile());
  return !process.env['KAFKA_BROKERS'] && !process.env['MONGODB_URI'] && existsSync(path.join(state, 'ferretdb.pid')) && (existsSync(path.join(state, 'kafka.pid')) || existsSync(path.join(state, 'kafka-1.pid')));
}

/** Stops the local broker and starts it again (infra.sh waits until it is ready); the ms it took. */
export async function restartBroker(): Promise<number> {
  const t0 = Date.now();
  await infra('stop-kafka');
  await infra('start-kafka');
  return Date.now() - t0;
}

/** Stops the local database and starts it again; the ms it took. */
export async function restartDatabase(): Promise<number> {
  const t0 = Date.now();
  await infra('stop-ferretdb');
  await infra('start-ferretdb');
  return Date.now() - t0;
}

/** How many nodes the local Kafka runs (`infra.sh up --brokers 3`: 3; else 1). */
export function localKafkaNodes(): number {
  const file = path.join(path.dirname(infraEnvFile()), 'kafka/nodes');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || 1 : 1;
}

/**
 * `kill -9` of one node of the local cluster: `leader` the node leading partition 0 of the run's
 * marketplace.events (or a given node), started again after 3 s; back once every partition of the
 * run's topics has all three replicas in sync again. Returns the node and the ms it took.
 */
export async function killBroker(world: World, which: 'leader' | number): Promise<{ node: number; ms: number }> {
  const admin = new Kafka({ clientId: 'chaos-broker-fault', brokers: world.stack.infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth('admin', world.stack.infra.KAFKA_BROKERS) }).admin();
  await admin.connect();
  try {
    const prefix = `${world.stack.prefix}.`;
    let node = typeof which === 'number' ? which : 0;
    if (which === 'leader') {
      const meta = await admin.fetchTopicMetadata({ topics: [`${prefix}${MARKETPLACE_EVENTS_TOPIC}`] });
      node = meta.topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
    }
    const pid = Number(readFileSync(path.join(path.dirname(infraEnvFile()), `kafka-${node}.pid`), 'utf8').trim());
    const t0 = Date.now();
    process.kill(pid, 'SIGKILL');
    await eventually(`kafka-${node} to exit`, () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 30_000, 100);
    await sleep(3_000);
    // a node recovering its logs after kill -9 on a busy machine may take longer than infra.sh waits: the replicas in sync tell
    await infra('start-kafka', String(node)).catch((err: unknown) => world.logger.warn({ err, node }, 'kafka node not ready in time: waiting for its replicas'));
    await eventually('every partition of the run in sync on all three nodes again', async () => {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      const meta = await admin.fetchTopicMetadata({ topics });
      return meta.topics.every((t) => t.partitions.every((p) => p.isr.length === p.replicas.length));
    }, 300_000, 1_000);
    return { node, ms: Date.now() - t0 };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Members of each consumer group of the run whose client is `lma-<service>` (its replicas), by group. */
export async function membersOf(admin: Admin, prefix: string, service: Service): Promise<Map<string, number>> {
  const named = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
  const out = new Map<string, number>();
  for (const g of (await admin.describeGroups(named)).groups) {
    const n = g.members.filter((m) => m.clientId === `lma-${service}`).length;
    if (n > 0) out.set(g.groupId, n);
  }
  return out;
}

/**
 * SIGSTOPs a replica and waits for the evidence that the broker gave up on it: every consumer
 * group it was a member of is stable with one member of its service fewer (its session timed
 * out, its partitions went to the other replica). Returns the ms that took; SIGCONT is the caller's.
 */
export async function freezePastSession(admin: Admin, world: World, service: Service, replica: number, timeoutMs = 120_000): Promise<number> {
  const before = await membersOf(admin, world.stack.prefix, service);
  const t0 = Date.now();
  world.replicas.get(service)![replica]!.signal('SIGSTOP');
  await eventually(`${service} #${replica + 1}'s consumer groups to drop it`, async () => {
    const groups = new Map((await admin.describeGroups([...before.keys()])).groups.map((g) => [g.groupId, g]));
    return [...before].every(([id, n]) => {
      const g = groups.get(id);
      return g !== undefined && (g.state === 'Stable' || g.state === 'Empty') && g.members.filter((m) => m.clientId === `lma-${service}`).length === n - 1;
    });
  }, timeoutMs, 250);
  return Date.now() - t0;
}

/**
 * Starts a killed replica again on its ports and waits until it is ready, longer than a test
 * would: under other faults (a broker restart while its consumer groups rebalance) that can take
 * minutes, and the run wants to know how long. A start that exits (its broker killed while it
 * starts) is tried again, as a supervisor would, up to five times.
 */
export async function restart(s: ServiceProcess): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await s.start({ samePort: true });
      return;
    } catch (err) {
      if (s.exitCode === null) break;
      if (attempt === 5) throw err;
      await sleep(2_000);
    }
  }
  await eventually(`${s.name} ready again`, async () => (await fetch(`${s.url}/readyz`).catch(() => undefined))?.status === 200, 300_000, 500);
}

/** A failed fault in one line: the error's first line and, for a process that exited, the message of its last log line. */
export function faultError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const lines = err.message.split('\n').filter(Boolean);
  const last = lines.length > 1 ? /"msg":"([^"]{0,120})/.exec(lines.at(-1)!)?.[1] : undefined;
  return `${lines[0] ?? ''}${last ? ` ${last}` : ''}`;
}

/** How long a SIGSTOPped replica stays stopped: past the consumer session timeout (30 s), so its partitions move. */
const STOPPED_MS = 40_000;

/**
 * The fault schedule, spread evenly over the run: `kill -9` of a random replica of each service in
 * turn (restarted after a few seconds), one replica SIGSTOPped past the consumer session timeout
 * then SIGCONTed, a broker restart and a database restart (when they are this machine's local
 * processes).
 */
export function schedule(world: World): { name: string; target: string; run: () => Promise<number> }[] {
  const random = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
  const faults: { name: string; target: string; run: () => Promise<number> }[] = [];
  for (const service of SERVICES) {
    const replicas = world.replicas.get(service)!;
    const i = Math.floor(Math.random() * replicas.length);
    faults.push({
      name: 'kill -9',
      target: `${service} #${i + 1}`,
      run: async () => {
        const s = replicas[i]!;
        await s.kill();
        const t0 = Date.now();
        await sleep(3_000);
        await restart(s);
        return Date.now() - t0;
      },
    });
  }
  const paused = random([...SERVICES]);
  faults.splice(2, 0, {
    name: 'SIGSTOP 40 s, SIGCONT',
    target: `${paused} #2`,
    run: async () => {
      const s = world.replicas.get(paused)![1]!;
      s.signal('SIGSTOP');
      await sleep(STOPPED_MS);
      s.signal('SIGCONT');
      return STOPPED_MS;
    },
  });
  if (localInfraRestartable() && localKafkaNodes() > 1) {
    // a cluster: one node killed at a time, first the leader of a partition the marketplace writes to
    let first: Promise<number> = Promise.resolve(0);
    faults.splice(4, 0, {
      name: 'kill -9 of a broker, restarted',
      target: 'kafka (the leader of marketplace.events partition 0)',
      run: async () => {
        const r = killBroker(world, 'leader');
        first = r.then((x) => x.node);
        return (await r).ms;
      },
    });
    faults.splice(7, 0, {
      name: 'kill -9 of a broker, restarted',
      target: 'kafka (another node, once the first is back)',
      run: async () => {
        const node = await first.catch(() => 1);
        return (await killBroker(world, (node % localKafkaNodes()) + 1)).ms;
      },
    });
  } else if (localInfraRestartable()) {
    faults.splice(4, 0, {
      name: 'broker restart',
      target: 'kafka',
      run: restartBroker,
    });
  }
  if (localInfraRestartable()) {
    faults.push({
      name: 'database restart',
      target: 'ferretdb',
      run: restartDatabase,
    });
  }
  return faults;
}

/**
 * Starts each fault at its time, evenly spaced over `seconds`, without waiting for the previous
 * one to recover (a replica restarting while the broker restarts is part of the test); resolves
 * with what happened once every fault has recovered.
 */
export async function runFaults(world: World, seconds: number, stopAt: () => boolean): Promise<FaultRecord[]> {
  const faults = schedule(world);
  const gap = (seconds * 1000) / (faults.length + 1);
  const t0 = Date.now();
  const running: Promise<FaultRecord>[] = [];
  for (const [n, f] of faults.entries()) {
    const due = t0 + gap * (n + 1);
    while (Date.now() < due && !stopAt()) await sleep(Math.min(500, due - Date.now()));
    if (stopAt()) break;
    const rec: FaultRecord = { at: Math.round((Date.now() - t0) / 1000), fault: f.name, target: f.target, recoveredMs: null };
    world.logger.warn({ fault: rec }, 'fault injected');
    running.push(
      f.run().then(
        (ms) => ({ ...rec, recoveredMs: ms }),
        (err: unknown) => ({ ...rec, error: faultError(err) }),
      ),
    );
  }
  return await Promise.all(running);
}
