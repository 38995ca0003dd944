import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { infraEnv, kafkaClientAuth, kafkaCredentialsEnv, repoRoot, uniquePrefix, type InfraEnv } from './infra';
import { eventually } from './kafka';
import { TestMongo, type Db } from './mongo';
import { ServiceProcess, type ServiceName } from './services';

/**
 * A benchmark's own services on the running broker and database (`deploy/local/infra.sh up`, or
 * `KAFKA_BROKERS` / `MONGODB_URI`), with topics, consumer groups and databases of their own under
 * one prefix, removed again at the end. Ctrl-C stops what was started (the run's topics and
 * databases then stay, under its prefix). `BENCH_LOG_DIR` keeps each service's log;
 * `BENCH_LOG_LEVEL` sets the services' level (warn by default: logging a line per event would be
 * measured too).
 */
export class BenchStack {
  readonly infra: InfraEnv;
  readonly prefix: string;
  readonly env: Record<string, string>;
  readonly mongo: TestMongo;
  private readonly started: ServiceProcess[] = [];
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(label: string, extraEnv: Record<string, string> = {}) {
    this.infra = infraEnv();
    this.prefix = uniquePrefix(label);
    this.env = {
      ...this.infra,
      MONGODB_DB_PREFIX: this.prefix,
      KAFKA_GROUP_PREFIX: this.prefix,
      KAFKA_TOPIC_PREFIX: `${this.prefix}.`,
      KAFKA_TOPIC_PARTITIONS: '3',
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      ...extraEnv,
    };
    this.mongo = new TestMongo(this.infra.MONGODB_URI);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void this.stopProcesses().finally(() => process.exit(130));
      });
    }
  }

  /** The machine, for the first line of a report. */
  static machine(): string {
    return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${(os.totalmem() / 1024 / 1024).toFixed(0)} MB RAM, load average ${os.loadavg()[0]!.toFixed(1)}`;
  }

  async connect(): Promise<this> {
    await this.mongo.connect();
    runKafkaProvisioning(this.env);
    return this;
  }

  db(service: ServiceName): Db {
    return this.mongo.db(`${this.prefix}_${service.replace(/-/g, '_')}`);
  }

  /** Starts the services one after the other (each ready before the next). */
  async start(names: ServiceName[], extraEnv: Record<string, string> = {}): Promise<ServiceProcess[]> {
    const out: ServiceProcess[] = [];
    for (const name of names) {
      // counted as started before it is ready, so `stop` stops it even when it never gets there
      const s = new ServiceProcess(name, { ...this.env, ...extraEnv });
      this.started.push(s);
      out.push(await s.start());
    }
    return out;
  }

  /**
   * Like `start`, for services that may need longer than ServiceProcess's minute to get ready
   * (indexes built over a large seeded database). Each one counts as started before it is ready,
   * so `stop` stops it even when it never gets there. Returns each service with its time to ready.
   */
  async startWithin(names: ServiceName[], readyTimeoutMs: number, extraEnv: Record<string, string> = {}): Promise<{ service: ServiceProcess; readySeconds: number }[]> {
    const out: { service: ServiceProcess; readySeconds: number }[] = [];
    for (const name of names) {
      const s = new ServiceProcess(name, { ...this.env, ...extraEnv });
      this.started.push(s);
      const t0 = performance.now();
      try {
        await s.start();
      } catch (err) {
        if (s.exitCode !== null) throw err;
        const left = readyTimeoutMs - (performance.now() - t0);
        await eventually(`${name} to be ready within ${readyTimeoutMs} ms`, async () => {
          if (s.exitCode !== null) throw new Error(`${name} exited with ${s.exitCode}:\n${s.logs.slice(-20).join('\n')}`);
          return (await fetch(`${s.url}/readyz`).catch(() => undefined))?.status === 200;
        }, Math.max(0, left), 500);
      }
      out.push({ service: s, readySeconds: (performance.now() - t0) / 1000 });
    }
    return out;
  }

  /** Something else to stop at the end, before the services (a simulator, a consumer). */
  onStop(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Stops what was started (cleanups, then the services), leaving the run's databases and topics. */
  async stopProcesses(): Promise<void> {
    for (const c of this.cleanups.splice(0).reverse()) await c().catch(() => undefined);
    for (const s of [...this.started].reverse()) await s.stop();
    // BENCH_LOG_DIR: each process's log, named by service and start (a restarted replica is another start)
    const logDir = process.env['BENCH_LOG_DIR'];
    if (!logDir) return;
    mkdirSync(logDir, { recursive: true });
    this.started.forEach((s, k) => writeFileSync(path.join(logDir, `${s.name}-${this.started.slice(0, k + 1).filter((x) => x.name === s.name).length}.log`), s.logs.join('\n')));
  }

  /** Stops everything, keeps the logs when asked, removes the run's databases and topics. */
  async stop(): Promise<void> {
    await this.stopProcesses();
    for (const name of new Set(this.started.map((s) => s.name))) await this.db(name).dropDatabase();
    await this.mongo.close();
    runKafkaProvisioning(this.env, { removeAcls: true });
    const admin = new Kafka({ clientId: 'bench-cleanup', brokers: this.infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth('admin', this.infra.KAFKA_BROKERS) }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${this.prefix}.`));
    if (topics.length) await admin.deleteTopics({ topics });
    await admin.disconnect();
  }
}

/**
 * On the local secured broker, the topics and ACLs of the prefixes `env` names (KAFKA_TOPIC_PREFIX,
 * KAFKA_GROUP_PREFIX), created by the admin with the provisioning `npm start` runs
 * (libs/kafka/dist/provision-main.js; `removeAcls` takes the ACLs away again). Nothing on an
 * unsecured broker, where the services create their topics.
 */
export function runKafkaProvisioning(env: Record<string, string>, opts: { removeAcls?: boolean } = {}): void {
  const admin = kafkaCredentialsEnv('admin', env['KAFKA_BROKERS']);
  if (!admin['KAFKA_SASL_MECHANISM']) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'libs/kafka/dist/provision-main.js'), ...(opts.removeAcls ? ['--remove-acls'] : [])], {
    env: { ...process.env, ...env, ...admin, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** The value at quantile q (0..1) of sorted numbers. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
