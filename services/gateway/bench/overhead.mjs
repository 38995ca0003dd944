/* global process, fetch, setTimeout, console */
// What the gateway adds to a call: autocannon against GET /api/v1/onboardings/{id} through a
// built gateway (dist/main.js) whose upstream is a minimal HTTP server answering 200 at once,
// versus the same server called directly; with `real`, also the license check
// (GET /license-checks, answered from the license service's memory) against the real license
// service directly and through the gateway. Needs Kafka and the database of
// `deploy/local/infra.sh up` (and `npm run build`).
//   node services/gateway/bench/overhead.mjs [connections=32] [seconds=10] [real]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { signJwt } = require('@lma/core');
const { infraEnv, freePort, ServiceProcess, uniquePrefix } = require('@lma/testing');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const connections = Number(process.argv[2] ?? 32);
const duration = Number(process.argv[3] ?? 10);
const real = process.argv[4] === 'real';
const prefix = uniquePrefix('gwbench');
const jwt = { secret: 'gateway-bench-secret-0123456789abcdef', issuer: 'lma-bench' };

const upstream = createServer((req, res) => {
  if (!req.headers.authorization?.startsWith('Bearer ')) res.writeHead(401).end();
  else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamUrl = `http://127.0.0.1:${upstream.address().port}`;

const service = real
  ? await new ServiceProcess('license', {
      ...infraEnv(),
      LOG_LEVEL: 'warn',
      MONGODB_DB_PREFIX: prefix,
      KAFKA_GROUP_PREFIX: prefix,
      KAFKA_TOPIC_PREFIX: `${prefix}.`,
      KAFKA_TOPIC_PARTITIONS: '1',
      AUTH_JWT_SECRET: jwt.secret,
      AUTH_JWT_ISSUER: jwt.issuer,
    }).start()
  : undefined;

const port = await freePort();
const startGateway = (upstreamUrl) => spawn(process.execPath, [...(process.env.GATEWAY_NODE_ARGS?.split(' ') ?? []), path.join(root, 'services/gateway/dist/main.js')], {
  env: {
    ...process.env,
    ...infraEnv(),
    PORT: String(port),
    LOG_LEVEL: 'warn',
    MONGODB_DB_PREFIX: prefix,
    AUTH_JWT_SECRET: jwt.secret,
    AUTH_JWT_ISSUER: jwt.issuer,
    INSTALL_INTAKE_URL: upstreamUrl,
    LICENSE_URL: upstreamUrl,
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let gateway = startGateway(upstreamUrl);
const base = `http://127.0.0.1:${port}`;
async function ready() {
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) return;
    if (i > 300) throw new Error('gateway not ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}
await ready();

const token = signJwt({ sub: 'bench@example.com', permissions: ['admin'] }, { ...jwt, expiresInSeconds: 3600 });
const created = await (
  await fetch(`${base}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', permissions: ['licenses:read'] }),
  })
).json();

/** CPU seconds (user + system) the gateway process has used so far (Linux /proc). */
const { readFileSync } = require('node:fs');
const cpuSeconds = () => {
  const f = readFileSync(`/proc/${gateway.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

async function run(title, url, headers) {
  await autocannon({ url, connections, duration: 2, headers }); // warm-up
  const cpu = cpuSeconds();
  const r = await autocannon({ url, connections, duration, headers });
  const ok = r['2xx'];
  const perRequest = ((cpuSeconds() - cpu) / (ok + r.non2xx)) * 1e6;
  console.log(
    `${title.padEnd(22)} ${String(Math.round(r.requests.average)).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  gateway CPU ${Math.round(perRequest)} us/req  (2xx ${ok}, other ${r.non2xx}, errors ${r.errors})`,
  );
}

const path1 = '/onboardings/onb:bench-1';
console.log(`${connections} connections, ${duration} s each`);
await run('upstream directly', `${upstreamUrl}/v1${path1}`, { authorization: `Bearer ${token}` });
await run('gateway, bearer JWT', `${base}/api/v1${path1}`, { authorization: `Bearer ${token}` });
await run('gateway, API key', `${base}/api/v1${path1}`, { 'x-api-key': created.key });
if (service) {
  const check = '/license-checks?packageId=033000000000000AAA&subscriberOrgId=00D000000000AAA&userId=005000000000AAA';
  await run('license check directly', `${service.url}/v1${check}`, { authorization: `Bearer ${token}` });
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
  gateway = startGateway(service.url);
  await ready();
  await run('license check, gateway', `${base}/api/v1${check}`, { authorization: `Bearer ${token}` });
  await run('license check, gw API key', `${base}/api/v1${check}`, { 'x-api-key': created.key });
  await service.stop();
}

gateway.kill('SIGTERM');
await new Promise((r) => gateway.once('exit', r));
upstream.close();
const { MongoClient } = createRequire(require.resolve('@lma/testing'))('mongodb');
const client = await new MongoClient(infraEnv().MONGODB_URI).connect();
await client.db(`${prefix}_gateway`).dropDatabase();
if (real) await client.db(`${prefix}_license`).dropDatabase();
await client.close();
