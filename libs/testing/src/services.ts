import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
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

/** A real service process (its built `dist/main.js`), as production runs it. */
export class ServiceProcess {
  private child?: ChildProcess;
  readonly logs: string[] = [];
  exitCode: number | null = null;
  port = 0;

  constructor(
    readonly name: ServiceName,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.exitCode = null;
    // the tracing preload, as every deployment starts a service (docs/observability.md)
    const args = ['--require', path.join(repoRoot, 'libs/service/dist/tracing.js'), path.join(repoRoot, 'services', this.name, 'dist/main.js')];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, LOG_LEVEL: 'info', ...this.kafkaCredentials(), ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (b: Buffer) => this.logs.push(...b.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', (code) => (this.exitCode = code ?? -1));
    await eventually(`${this.name} to be ready`, async () => {
      if (this.exitCode !== null) throw new Error(`${this.name} exited with ${this.exitCode}:\n${this.logs.slice(-20).join('\n')}`);
      const res = await fetch(`${this.url}/readyz`).catch(() => undefined);
      return res?.status === 200;
    }, 60_000, 200);
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

  kill(): Promise<number> {
    return this.stop('SIGKILL');
  }
}
