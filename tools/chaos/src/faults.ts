import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually, repoRoot, type ServiceProcess } from '@lma/testing';
import { SERVICES, type World } from './world';

export interface FaultRecord {
  at: number;
  fault: string;
  target: string;
  /** How long the fault lasted until what it broke answered again (ms). */
  recoveredMs: number | null;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const infra = (cmd: string) => promisify(execFile)('bash', [path.join(repoRoot, 'deploy/local/infra.sh'), cmd], { encoding: 'utf8' });

/** Whether this machine's broker and database are the ones deploy/local/infra.sh started (only those may be restarted). */
export function localInfraRestartable(): boolean {
  return !process.env['KAFKA_BROKERS'] && !process.env['MONGODB_URI'] && existsSync(path.join(repoRoot, '.local/kafka.pid')) && existsSync(path.join(repoRoot, '.local/ferretdb.pid'));
}

/**
 * Starts a killed replica again on its ports and waits until it is ready, longer than a test
 * would: under other faults (a broker restart while its consumer groups rebalance) that can take
 * minutes, and the run wants to know how long.
 */
async function restart(s: ServiceProcess): Promise<void> {
  try {
    await s.start({ samePort: true });
  } catch (err) {
    if (s.exitCode !== null) throw err;
    await eventually(`${s.name} ready again`, async () => (await fetch(`${s.url}/readyz`).catch(() => undefined))?.status === 200, 300_000, 500);
  }
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
  if (localInfraRestartable()) {
    faults.splice(4, 0, {
      name: 'broker restart',
      target: 'kafka',
      run: async () => {
        const t0 = Date.now();
        await infra('stop-kafka');
        await sleep(3_000);
        await infra('start-kafka');
        return Date.now() - t0;
      },
    });
    faults.push({
      name: 'database restart',
      target: 'ferretdb',
      run: async () => {
        const t0 = Date.now();
        await infra('stop-ferretdb');
        await sleep(3_000);
        await infra('start-ferretdb');
        return Date.now() - t0;
      },
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
        (err: unknown) => ({ ...rec, error: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err) }),
      ),
    );
  }
  return await Promise.all(running);
}
