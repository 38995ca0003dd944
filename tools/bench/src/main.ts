import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { CommandType, InternalTopic, newEventId, type CreateLicenseV1, type PackageInstalledV1 } from '@lma/contracts';
import { signJwt } from '@lma/core';
import { IdpProcess, ServiceProcess, TestKafka, TestMongo, eventually, forwarded, freePort, ids, infraEnv, kafkaClientAuth, repoRoot, runKafkaProvisioning, uniquePrefix } from '@lma/testing';

/**
 * `npm run bench:checks`: seeds BENCH_LICENSES licenses (CreateLicense commands, as the onboarding
 * saga sends them) with BENCH_SEATS seat holders each (PUT .../seats/{userId}) through a license
 * service it starts, then drives GET /v1/license-checks (and, separately, POST /v1/license-checks
 * with BENCH_BATCH checks per request) with autocannon over BENCH_CONNECTIONS (20) keep-alive
 * connections, and prints checks per second and p50/p99 latency, beside a bare express JSON route
 * measured in the same run with the same load. With BENCH_GATEWAY=1 it goes through the gateway
 * (/api/v1/...) as people do: the local identity provider (tools/idp) signs the admin demo user in
 * and the gateway verifies that OpenID Connect token through its JWKS, then forwards each check
 * with its own signed token. Starts the infrastructure when KAFKA_BROKERS/MONGODB_URI are unset
 * (`deploy/local/infra.sh up`, idempotent), and stops and removes what it started (its services,
 * topics and database).
 */
const JWT = { secret: 'bench-checks-secret-0123456789abcdef', issuer: 'lma-bench' };
const LICENSES = Number(process.env['BENCH_LICENSES'] ?? 50);
const SEATS = Number(process.env['BENCH_SEATS'] ?? 4);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 100);
const VIA_GATEWAY = process.env['BENCH_GATEWAY'] === '1';
/**
 * A user token for the gateway: the local identity provider's access token for its admin demo
 * user (OpenID Connect, ES256, verified through its JWKS) when the run goes through the gateway;
 * the license service itself accepts only the gateway's forwarded tokens.
 */
let token = `Bearer ${signJwt({ sub: 'bench', permissions: ['admin'] }, JWT)}`;
/** What the gateway would forward to the license service (lives 300 s: signed again per use). */
const direct = () => forwarded('license', ['admin'], 'bench');

async function pool<T>(items: T[], concurrency: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function main(): Promise<void> {
  if (!process.env['KAFKA_BROKERS'] || !process.env['MONGODB_URI']) {
    const up = spawnSync('bash', [path.join(repoRoot, 'deploy/local/infra.sh'), 'up'], { stdio: 'inherit' });
    if (up.status !== 0) throw new Error('deploy/local/infra.sh up failed');
  }
  const infra = infraEnv();
  const prefix = uniquePrefix('benchchecks');
  const env = {
    ...infra,
    MONGODB_DB_PREFIX: prefix,
    KAFKA_GROUP_PREFIX: prefix,
    KAFKA_TOPIC_PREFIX: `${prefix}.`,
    KAFKA_TOPIC_PARTITIONS: '3',
    AUTH_JWT_SECRET: JWT.secret,
    AUTH_JWT_ISSUER: JWT.issuer,
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
    OUTBOX_SCAN_MS: '30000',
  };
  const started: ServiceProcess[] = [];
  let idp: IdpProcess | undefined;
  let bare: ChildProcess | undefined;
  const kafka = new TestKafka(infra.KAFKA_BROKERS, `${prefix}.`);
  const mongo = new TestMongo(infra.MONGODB_URI);
  try {
    runKafkaProvisioning(env);
    const license = await new ServiceProcess('license', env).start();
    started.push(license);
    let base = `${license.url}/v1`;
    let gatewayUrl: string | undefined;
    if (VIA_GATEWAY) {
      if (!existsSync(path.join(repoRoot, 'services/gateway/dist/main.js'))) throw new Error('BENCH_GATEWAY=1 needs services/gateway/dist/main.js (build it first)');
      const nowhere = 'http://127.0.0.1:9';
      idp = await new IdpProcess().start();
      token = `Bearer ${await idp.token('ADMIN')}`;
      const gateway = await new ServiceProcess('gateway', {
        ...env,
        OIDC_ISSUER: idp.issuer,
        OIDC_AUDIENCE: 'lma-api',
        LICENSE_URL: license.url,
        INSTALL_INTAKE_URL: nowhere,
        LEAD_URL: nowhere,
        NOTIFICATION_URL: nowhere,
        REFRESH_URL: nowhere,
        RATE_LIMIT_CHECK_PER_SECOND: '10000000',
        RATE_LIMIT_CHECK_BURST: '10000000',
      }).start();
      started.push(gateway);
      gatewayUrl = gateway.metricsUrl;
      base = `${gateway.url}/api/v1`;
    }
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${license.url}/v1${p}`, {
        method,
        headers: { authorization: direct(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    // --- seed: a package, its version, licenses by CreateLicense commands, seats by the API ---
    const t0 = Date.now();
    const packageId = ids.packageId();
    const packageVersionId = ids.packageVersionId();
    const accepted = InternalTopic.MarketplaceAccepted;
    await kafka.publishEvent(accepted, {
      type: 'marketplace.package.registered',
      key: packageId,
      data: { packageId, packageName: 'Bench', developerName: 'Bench', developerOrgId: ids.developerOrgId(), registeredAt: '2026-01-01T00:00:00Z', defaultLicense: { status: 'Active', lengthDays: null, seats: SEATS } },
    });
    await kafka.publishEvent(accepted, {
      type: 'marketplace.package-version.uploaded',
      key: packageId,
      data: { packageId, packageVersionId, versionName: 'R', versionNumber: '1.0.0', beta: false, releasedAt: '2026-01-02T00:00:00Z' },
    });
    await eventually('the package', async () => (await api('GET', `/packages/${packageId}`)).status === 200, 60_000);
    await eventually('the version', async () => (await api('GET', `/package-versions/${packageVersionId}`)).status === 200, 60_000);
    const orgs = Array.from({ length: LICENSES }, () => ids.subscriberOrgId());
    for (const subscriberOrgId of orgs) {
      const install: PackageInstalledV1 = {
        packageId, packageVersionId, versionNumber: '1.0.0', subscriberOrgId, installedAt: '2026-02-01T00:00:00Z',
        installer: { firstName: 'B', lastName: 'B', email: 'bench@example.com', company: 'B' },
        org: { name: 'B', edition: 'Enterprise', status: 'Active', instance: 'NA1', sandbox: false },
      };
      const sagaId = `onb:bench-${newEventId()}`;
      const data: CreateLicenseV1 = { sagaId, commandId: `${sagaId}:create-license:1`, install, leadId: null, contactId: null };
      await kafka.publishEvent(InternalTopic.LicenseCommands, { type: CommandType.CreateLicense, key: `${packageId}:${subscriberOrgId}`, data, source: 'lma/install-intake' });
    }
    const licenseIds = orgs.map((o) => `lic_${packageId}_${o}`);
    await pool(licenseIds, 4, async (id) => {
      await eventually(`license ${id}`, async () => (await api('GET', `/licenses/${id}`)).status === 200, 300_000, 200);
    });
    console.log(`created ${LICENSES} licenses in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const holders = new Map(orgs.map((o) => [o, Array.from({ length: SEATS }, () => ids.userId())]));
    const assignments = orgs.flatMap((o) => holders.get(o)!.map((u) => [o, u] as const));
    await pool(assignments, 8, async ([o, u]) => {
      const r = await api('PUT', `/licenses/lic_${packageId}_${o}/seats/${u}`);
      if (r.status !== 200) throw new Error(`seat assignment failed: ${r.status} ${JSON.stringify(r.body)}`);
    });
    console.log(`seeded ${LICENSES} licenses and ${assignments.length} seats through the license service in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // checks: 3 of 4 ask about a seat holder (licensed), 1 of 4 about a user without a seat (no-seat)
    const checks = orgs.flatMap((o) => [...holders.get(o)!.slice(0, 3).map((u) => ({ o, u })), { o, u: ids.userId() }]);
    const paths = checks.map((c) => `${base.replace(/^http:\/\/[^/]+/, '')}/license-checks?packageId=${packageId}&subscriberOrgId=${c.o}&userId=${c.u}`);
    const origin = base.replace(/^(http:\/\/[^/]+).*$/, '$1');
    // through the gateway a user token; straight to the service what the gateway would forward
    const authorization = VIA_GATEWAY ? token : direct();
    // warm-up: every license and user once (loads the read model), and the JIT
    await run({ url: origin, connections: 4, amount: paths.length * 2, headers: { authorization }, requests: paths.map((p) => ({ method: 'GET', path: p })) });

    /** CPU seconds the license service has used (its /metrics, on its metrics port): the cost per check, whatever else runs on the machine. */
    const cpuOf = async (url: string) => Number(/^process_cpu_seconds_total ([0-9.e+-]+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN);
    const cpu = () => cpuOf(license.metricsUrl);
    const gatewayCpu = () => (gatewayUrl ? cpuOf(gatewayUrl) : Promise.resolve(NaN));
    const g0 = await gatewayCpu();
    const cpu0 = await cpu();
    const single = await run({
      url: origin, connections: CONNECTIONS, duration: SECONDS, headers: { authorization },
      requests: paths.map((p) => ({ method: 'GET', path: p })),
    });
    const cpu1 = await cpu();
    const g1 = await gatewayCpu();
    const batches = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ checks: Array.from({ length: BATCH }, (_, j) => { const c = checks[(i * BATCH + j) % checks.length]!; return { packageId, subscriberOrgId: c.o, userId: c.u }; }) }));
    const batch = await run({
      url: origin, connections: Math.max(1, Math.floor(CONNECTIONS / 2)), duration: SECONDS,
      headers: { authorization, 'content-type': 'application/json' },
      requests: batches.map((body) => ({ method: 'POST', path: `${base.replace(/^http:\/\/[^/]+/, '')}/license-checks`, body })),
    });
    const cpu2 = await cpu();
    const g2 = await gatewayCpu();
    // the same load on a bare express JSON route in its own process: what one hop of node + express costs here, now
    const barePort = await freePort();
    bare = spawn(process.execPath, ['-e', BARE_ROUTE, String(barePort)], { cwd: repoRoot, stdio: 'ignore' });
    await eventually('the bare express route', async () => (await fetch(`http://127.0.0.1:${barePort}/check`).catch(() => undefined))?.ok ?? false, 10_000, 50);
    await run({ url: `http://127.0.0.1:${barePort}`, connections: 4, amount: 2_000, requests: [{ method: 'GET', path: '/check' }] });
    const bareRun = await run({ url: `http://127.0.0.1:${barePort}`, connections: CONNECTIONS, duration: SECONDS, requests: [{ method: 'GET', path: '/check' }] });
    const perCheckUs = (cpuSeconds: number, n: number) => ((cpuSeconds / n) * 1e6).toFixed(1);
    const errors = (r: autocannon.Result) => r.errors + r.timeouts + r.non2xx;
    const via = VIA_GATEWAY ? 'through the gateway' : 'license service directly';
    console.log(`\nlicense checks (${via}; ${LICENSES} licenses, ${SEATS} seats each; ${SECONDS} s per run; autocannon keep-alive)`);
    const pe = process.env;
    console.log(`tracing: sampler ${pe['OTEL_TRACES_SAMPLER'] ?? 'parentbased_always_on'}${pe['OTEL_TRACES_SAMPLER_ARG'] ? ` ${pe['OTEL_TRACES_SAMPLER_ARG']}` : ''}, untraced paths ${pe['LMA_UNTRACED_PATHS'] || 'none'}${pe['OTEL_SDK_DISABLED'] === 'true' ? ', SDK disabled' : ''}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`single checks: ${CONNECTIONS} connections: ${Math.round(single.requests.average)} checks/s, p50 ${single.latency.p50} ms, p99 ${single.latency.p99} ms, max ${single.latency.max} ms, errors ${errors(single)}`);
    console.log(`bare express JSON route, same run: ${CONNECTIONS} connections: ${Math.round(bareRun.requests.average)} requests/s, p50 ${bareRun.latency.p50} ms, p99 ${bareRun.latency.p99} ms, errors ${errors(bareRun)}`);
    console.log(`batch checks (${BATCH} per request): ${Math.max(1, Math.floor(CONNECTIONS / 2))} connections: ${Math.round(batch.requests.average * BATCH)} checks/s (${Math.round(batch.requests.average)} requests/s), request p50 ${batch.latency.p50} ms, p99 ${batch.latency.p99} ms, errors ${errors(batch)}`);
    console.log(
      `license service CPU: ${perCheckUs(cpu1 - cpu0, single.requests.total)} µs per single check (${Math.round(single.requests.total / (cpu1 - cpu0))} checks per CPU-second), ` +
        `${perCheckUs(cpu2 - cpu1, batch.requests.total * BATCH)} µs per check in batches (${Math.round((batch.requests.total * BATCH) / (cpu2 - cpu1))} checks per CPU-second)` +
        (VIA_GATEWAY ? ' (license service only, not the gateway)' : ''),
    );
    if (VIA_GATEWAY) console.log(`gateway CPU: ${perCheckUs(g1 - g0, single.requests.total)} µs per single check, ${perCheckUs(g2 - g1, batch.requests.total * BATCH)} µs per check in batches`);
    const metrics = await (await fetch(`${license.metricsUrl}/metrics`)).text();
    const line = (re: RegExp) => metrics.split('\n').filter((l) => re.test(l)).join('\n');
    console.log(`\n${line(/^lma_license_checks_total/)}`);
  } finally {
    bare?.kill('SIGTERM');
    for (const s of started.reverse()) await s.stop();
    await idp?.stop();
    await kafka.close();
    await mongo.connect();
    await mongo.db(`${prefix}_license`).dropDatabase();
    await mongo.close();
    runKafkaProvisioning(env, { removeAcls: true });
    const admin = new Kafka({ clientId: 'bench-cleanup', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** A bare express app answering one JSON document, the baseline of every route: `node -e BARE_ROUTE <port>`. */
const BARE_ROUTE = `
const express = require('express');
const app = express();
app.get('/check', (_req, res) => res.json({ licensed: true, reason: null, licenseId: 'lic_bare', status: 'Active', expiresOn: null, siteLicense: false, revision: 1 }));
app.listen(Number(process.argv[1]), '127.0.0.1');
`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
