import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { testGatewayKeys } from './gatewayKeys';
import { kafkaCredentialsEnv, repoRoot } from './infra';
import { eventually } from './kafka';

export type ServiceName = 'install-intake' | 'lead' | 'license' | 'notification' | 'refresh' | 'gateway';

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A real service process (its built `dist/main.js`), as production runs it: the API on a free
 * loopback port, /metrics on another. Unless `env` names other keys, every service gets this test
 * process's gateway public key and the gateway its private key (gatewayKeys.ts).
 */
export class ServiceProcess {
  private child?: ChildProcess;
  readonly logs: string[] = [];
  exitCode: number | null = null;
  port = 0;
  metricsPort = 0;

  constructor(
    readonly name: ServiceName,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where Prometheus scrapes it: `${metricsUrl}/metrics`. */
  get metricsUrl(): string {
    return `http://127.0.0.1:${this.metricsPort}`;
  }

  /** Starts the process; `samePort` keeps the ports of its last start (a restart others still address). */
  async start(opts: { samePort?: boolean } = {}): Promise<this> {
    if (!opts.samePort || !this.port) {
      this.port = await freePort();
      do this.metricsPort = await freePort();
      while (this.metricsPort === this.port);
    }
    this.exitCode = null;
    const keys: Record<string, string> =
      this.name === 'gateway'
        ? this.env['GATEWAY_SIGNING_KEY_FILE'] ? {} : { GATEWAY_SIGNING_KEY: testGatewayKeys.privatePem }
        : this.env['GATEWAY_PUBLIC_KEY_FILE'] ? {} : { GATEWAY_PUBLIC_KEY: testGatewayKeys.publicPem };
    // the tracing preload, as every deployment starts a service (docs/observability.md)
    // LMA_CPU_PROF_DIR: each service started writes a V8 CPU profile there when it exits (benchmarks)
    const profile = process.env['LMA_CPU_PROF_DIR'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['LMA_CPU_PROF_DIR'], '--cpu-prof-name', `${this.name}-${Date.now()}.cpuprofile`] : [];
    const args = [...profile, '--require', path.join(repoRoot, 'libs/service/dist/tracing.js'), path.join(repoRoot, 'services', this.name, 'dist/main.js')];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, LOG_LEVEL: 'info', ...keys, ...this.kafkaCredentials(), ...this.env, PORT: String(this.port), METRICS_PORT: String(this.metricsPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (b: Buffer) => this.logs.push(...b.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', (code) => (this.exitCode = code ?? -1));
    const closed = new Promise((resolve) => child.once('close', resolve));
    // a process that exits (a configuration error) fails the start at once, with its last log lines
    const outcome = await eventually(`${this.name} to be ready`, async () => {
      if (this.exitCode !== null) return 'exited';
      const res = await fetch(`${this.url}/readyz`).catch(() => undefined);
      return res?.status === 200 ? 'ready' : undefined;
    }, 60_000, 200);
    if (outcome === 'exited') {
      await closed;
      throw new Error(`${this.name} exited with ${this.exitCode}:\n${this.logs.slice(-20).join('\n')}`);
    }
    return this;
  }

  /** Sends a signal and waits for the process to exit; returns its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    const child = this.child;
    if (!child || this.exitCode !== null) return this.exitCode ?? 0;
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    child.kill(signal);
    return await exited;
  }

  /** Its own Kafka principal on the local secured broker (a test may still set other credentials in `env`). */
  private kafkaCredentials(): Record<string, string> {
    return kafkaCredentialsEnv(this.name, this.env['KAFKA_BROKERS'] ?? process.env['KAFKA_BROKERS']);
  }

  /** Sends a signal without waiting (SIGSTOP / SIGCONT to freeze and thaw it). */
  signal(signal: NodeJS.Signals): void {
    if (this.child && this.exitCode === null) this.child.kill(signal);
  }

  kill(): Promise<number> {
    return this.stop('SIGKILL');
  }
}
