import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from '@lma/testing';

// `npm start` (scripts/lma.sh start) run again starts what is not running and leaves the rest
// alone. The system here is a whole one of its own: its own Kafka and FerretDB, services, tools
// and state directory on free ports, so the shared broker and database are never touched.
const shared = path.join(repoRoot, '.local');
const built = existsSync(path.join(shared, 'kafka/libs/.complete')) && existsSync(path.join(shared, 'bin/ferretdb-local'));
const state = mkdtempSync(path.join(os.tmpdir(), 'lma-start-'));

/** A port with the ones `lma.sh` derives from it (base+1..5, +10, +90, +100..105) all free. */
async function freeBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 2_000) * 10;
    const ports = [0, 1, 2, 3, 4, 5, 10, 90, 100, 101, 102, 103, 104, 105].map((d) => base + d);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
}

let env: NodeJS.ProcessEnv = {};
const lma = (cmd: 'start') =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile('bash', [path.join(repoRoot, 'scripts/lma.sh'), cmd], { env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });

const PROCESSES = ['kafka', 'ferretdb', 'run/mailcatcher', 'run/idp', 'run/install-intake', 'run/lead', 'run/license', 'run/notification', 'run/refresh', 'run/gateway', 'run/simulator'];
const pids = () => Object.fromEntries(PROCESSES.map((p) => [p, Number(readFileSync(path.join(state, `${p}.pid`), 'utf8').trim())]));
/** Running, not exited and waiting to be reaped (a zombie: its parent is init). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

// every process this test's system started, by the pids it recorded (SIGKILL: nothing of it is kept)
afterAll(() => {
  for (const p of PROCESSES) {
    try {
      process.kill(Number(readFileSync(path.join(state, `${p}.pid`), 'utf8').trim()), 'SIGKILL');
    } catch {
      // not started, or gone
    }
  }
  rmSync(state, { recursive: true, force: true });
});

describe('npm start', () => {
  it.skipIf(!built)('run again after a service was killed, it starts that service alone and the demo still flows', async () => {
    // the broker's jars and the database binary are the shared build's
    mkdirSync(path.join(state, 'kafka'), { recursive: true });
    symlinkSync(path.join(shared, 'kafka/libs'), path.join(state, 'kafka/libs'));
    symlinkSync(path.join(shared, 'bin'), path.join(state, 'bin'));
    // nothing of the environment `npm test` itself runs in (lma.sh exports its own identity provider,
    // mail and gateway settings for port 4000): this system derives its own from its port base
    const rest = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_BROKERS|MONGODB_URI|IDP_|OIDC_|SMTP_|GATEWAY_|MAILCATCHER_|SIM_|NOTIFY_)/.test(k)));
    const base = await freeBase();
    env = {
      ...rest,
      LMA_LOCAL_DIR: state,
      LMA_PORT_BASE: String(base),
      LMA_KAFKA_PORT: String(await freePort()),
      LMA_KAFKA_CONTROLLER_PORT: String(await freePort()),
      LMA_FERRETDB_PORT: String(await freePort()),
      MAILCATCHER_SMTP_PORT: String(await freePort()),
      MAILCATCHER_HTTP_PORT: String(await freePort()),
      DEMO_INSTALLS: '2',
    };
    const first = await lma('start');
    expect(first.code, first.out).toBe(0);
    const before = pids();
    for (const pid of Object.values(before)) expect(alive(pid)).toBe(true);

    process.kill(before['run/lead']!, 'SIGKILL');
    await expect.poll(() => alive(before['run/lead']!)).toBe(false);

    const again = await lma('start');
    expect(again.code, again.out).toBe(0);
    const after = pids();
    expect(after['run/lead']).not.toBe(before['run/lead']);
    expect(alive(after['run/lead']!)).toBe(true);
    const { 'run/lead': _old, ...others } = before;
    const { 'run/lead': _new, ...othersAfter } = after;
    expect(othersAfter).toEqual(others);
    expect(again.out).toMatch(/lead ready on http:\/\/127\.0\.0\.1:\d+/);
    expect(again.out).toMatch(/gateway already running/);
    // the demo's installs became licenses again, through the restarted lead service's onboarding
    expect(again.out).toMatch(/install -> lma\.license\.created: max \d+ ms/);
  }, 180_000);
});
