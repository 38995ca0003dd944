import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDemoCredentials, signIn, type Credentials, type DemoUser } from '@lma/idp';
import { repoRoot } from './infra';
import { eventually } from './kafka';

/**
 * The local identity provider (tools/idp, its built dist/main.js) as a process of one test file or benchmark:
 * its own signing key and demo users' passwords in a temporary folder, a free port unless one is
 * given. `signIn(user)` goes through authorization code + PKCE as a browser would.
 */
export class IdpProcess {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'lma-idp-'));
  readonly logs: string[] = [];
  issuer = '';
  users!: Record<DemoUser['key'], Credentials>;

  constructor(private readonly env: Record<string, string> = {}) {}

  get usersFile(): string {
    return path.join(this.dir, 'idp-users.env');
  }

  async start(port = 0): Promise<this> {
    const child = spawn(process.execPath, [path.join(repoRoot, 'tools/idp/dist/main.js')], {
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        IDP_PORT: String(port),
        IDP_JWKS_FILE: path.join(this.dir, 'idp-jwks.json'),
        IDP_USERS_FILE: this.usersFile,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let exited: number | null = null;
    child.on('exit', (code) => (exited = code ?? -1));
    const collect = (b: Buffer) => this.logs.push(...b.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await eventually('the identity provider to listen', () => {
      if (exited !== null) throw new Error(`the identity provider exited with ${exited}:\n${this.logs.join('\n')}`);
      const line = this.logs.find((l) => l.includes('identity provider listening'));
      if (line) this.issuer = (JSON.parse(line) as { issuer: string }).issuer;
      return !!line;
    }, 30_000, 100);
    this.users = readDemoCredentials(this.usersFile);
    return this;
  }

  /** An access token for the LMA API, signed in as this demo user. */
  async token(user: DemoUser['key']): Promise<string> {
    return (await signIn({ issuer: this.issuer, ...this.users[user] })).accessToken;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
