import { spawn } from 'node:child_process';
import path from 'node:path';
import { formatLicenseName, type PackageInstalledV1 } from '@lma/contracts';
import { newLicense } from '@lma/license/dist/domain/license';
import { driftOf, publishedInstallation, type SyntheticPackage } from '@lma/simulator';
import { BenchStack, eventually, forwarded, freePort, ids, kafkaCredentialsEnv, repoRoot, type ServiceProcess } from '@lma/testing';

/**
 * `npm run bench:refresh`: a package of N installations in the marketplace simulator, its N
 * licenses already in the license service (seeded in bulk: the documents the create path
 * writes, named, revision 1), 0.2% of them drifted (BENCH_DRIFT); one refresh reconciles them. Prints the time
 * from the request to the completed job and the peak memory of the refresh service, sampled from
 * its /metrics, for N = 10,000 then 100,000 (or the sizes in BENCH_SIZES). Starts and stops its
 * own license and refresh services and simulator, on the running broker and database, with their
 * own topics and databases (removed at the end).
 */
const SIZES = (process.env['BENCH_SIZES'] ?? '10000,100000').split(',').map(Number);
const DRIFT = Number(process.env['BENCH_DRIFT'] ?? 0.002);
const PAGE_SIZE = Number(process.env['BENCH_PAGE_SIZE'] ?? 1000);
const SEED_CHUNK = 1000;

interface Sample {
  rss: number;
  heap: number;
}

async function metricsOf(url: string): Promise<Sample | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text().catch(() => '');
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN);
  const rss = value('process_resident_memory_bytes');
  const heap = value('nodejs_heap_size_used_bytes');
  return Number.isFinite(rss) ? { rss, heap } : undefined;
}

/** Samples a service's memory (the refresh service's) every second until stopped; returns the peaks. */
function sampler(url: string) {
  const peak: Sample = { rss: 0, heap: 0 };
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const s = await metricsOf(url).catch(() => undefined);
      if (s) {
        peak.rss = Math.max(peak.rss, s.rss);
        peak.heap = Math.max(peak.heap, s.heap);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    async stop(): Promise<Sample> {
      stop = true;
      await loop;
      return peak;
    },
  };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const stack = await new BenchStack('benchrefresh', {
    REFRESH_PAGE_TIMEOUT_MS: '600000',
    // the relay's periodic scan only catches leftovers (local writes are relayed at once by
    // hint); on FerretDB it reads the whole licenses collection, so it runs rarely here
    OUTBOX_SCAN_MS: process.env['BENCH_OUTBOX_SCAN_MS'] ?? '30000',
  }).connect();
  const licenseDb = stack.db('license');
  try {
    const [, refresh] = (await stack.start(['license', 'refresh'])) as [ServiceProcess, ServiceProcess];
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    const sim = spawn(process.execPath, [path.join(repoRoot, 'tools/simulator/dist/main.js'), '--control-port', String(simPort), '--page-size', String(PAGE_SIZE)], {
      // the marketplace's own Kafka credentials on the local secured broker
      env: { ...process.env, ...kafkaCredentialsEnv('marketplace', stack.infra.KAFKA_BROKERS), ...stack.env },
      stdio: 'ignore',
    });
    stack.onStop(async () => {
      if (sim.exitCode !== null) return;
      const exited = new Promise((r) => sim.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
    });
    await eventually('the simulator', async () => (await fetch(`${simUrl}/healthz`).catch(() => undefined))?.ok ?? false, 60_000, 200);
    /** What the gateway would forward to the refresh service (signed per call: it lives minutes). */
    const auth = () => forwarded('refresh', ['admin'], 'bench');

    console.log(`refresh benchmark: ${BenchStack.machine()}, page size ${PAGE_SIZE}, drift ${DRIFT * 100}%`);
    let number = 0;
    for (const size of SIZES) {
      const pkg: SyntheticPackage = {
        packageId: ids.packageId(),
        count: size,
        packageVersionId: ids.packageVersionId(),
        versionNumber: '1.0.0',
        driftVersionId: ids.packageVersionId(),
        driftVersionNumber: '1.1.0',
        drift: DRIFT,
      };
      const seedStart = performance.now();
      const defaults = { defaultLicense: { status: 'Active' as const, lengthDays: null, seats: 10 }, sandboxSiteLicense: true };
      await licenseDb.collection('packages').insertOne({
        _id: pkg.packageId as never,
        packageName: 'Bench',
        developerName: 'Bench',
        developerOrgId: ids.developerOrgId(),
        registeredAt: '2026-01-01T00:00:00Z',
        ...defaults,
        leadManagerId: null,
        ownerId: null,
        latestVersionId: pkg.driftVersionId,
        latestVersionNumber: pkg.driftVersionNumber,
        latestReleasedAt: '2026-01-02T00:00:00Z',
        registrationEventId: 'bench',
        updatedAt: new Date(),
      });
      for (const [id, v] of [
        [pkg.packageVersionId, pkg.versionNumber],
        [pkg.driftVersionId, pkg.driftVersionNumber],
      ] as const) {
        await licenseDb.collection('package_versions').insertOne({ _id: id as never, packageId: pkg.packageId, versionName: 'Bench', versionNumber: v, beta: false, releasedAt: '2026-01-01T00:00:00Z' });
      }
      const now = new Date();
      for (let start = 0; start < size; start += SEED_CHUNK) {
        const docs = [];
        for (let i = start; i < Math.min(size, start + SEED_CHUNK); i++) {
          const { uninstalled: _u, usedLicenses: _l, ...install } = publishedInstallation(pkg, i);
          const l = newLicense(defaults, { ...install, installer: { firstName: 'A', lastName: 'B', email: 'a@b.example', company: 'C' } } as PackageInstalledV1, { leadId: null, contactId: null }, null, now);
          number++;
          docs.push({ ...l, licenseNumber: number, licenseName: formatLicenseName(number), revision: 1, outbox: [] });
        }
        await licenseDb.collection('licenses').insertMany(docs as never[], { ordered: false });
      }
      const seedSeconds = (performance.now() - seedStart) / 1000;
      let drifted = 0;
      for (let i = 0; i < size; i++) if (driftOf(pkg, i)) drifted++;
      await fetch(`${simUrl}/packages/${pkg.packageId}/synthetic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ count: size, drift: DRIFT, packageVersionId: pkg.packageVersionId, versionNumber: pkg.versionNumber, driftVersionId: pkg.driftVersionId, driftVersionNumber: pkg.driftVersionNumber }),
      });

      const idle = await metricsOf(refresh.metricsUrl);
      const mem = sampler(refresh.metricsUrl);
      const t0 = performance.now();
      const res = await fetch(`${refresh.url}/v1/packages/${pkg.packageId}/refresh`, { method: 'POST', headers: { authorization: auth() } });
      const { jobId } = (await res.json()) as { jobId: string };
      if (res.status !== 202) throw new Error(`refresh refused: ${res.status}`);
      const job = await eventually(
        `job ${jobId}`,
        async () => {
          const j = (await (await fetch(`${refresh.url}/v1/refresh-jobs/${jobId}`, { headers: { authorization: auth() } })).json()) as {
            state: string;
            summary: { corrected: number; unchanged: number; created: number; missingUpstream: number; failed: number };
          };
          if (j.state === 'incomplete') throw new Error(`job incomplete: ${JSON.stringify(j)}`);
          return j.state === 'completed' ? j : undefined;
        },
        30 * 60_000,
        1000,
      );
      const seconds = (performance.now() - t0) / 1000;
      const peak = await mem.stop();
      const ok = job.summary.corrected === drifted && job.summary.unchanged === size - drifted && job.summary.failed === 0;
      console.log(
        `${size.toLocaleString('en')} installations: ${seconds.toFixed(1)} s (${Math.round(size / seconds)}/s), ` +
          `corrected ${job.summary.corrected} (expected ${drifted}), unchanged ${job.summary.unchanged}, failed ${job.summary.failed} ${ok ? 'OK' : 'MISMATCH'}; ` +
          `refresh service RSS idle ${mb(idle?.rss ?? 0)} peak ${mb(peak.rss)}, heap peak ${mb(peak.heap)}; ` +
          `seeding ${seedSeconds.toFixed(1)} s`,
      );
      if (!ok) process.exitCode = 1;
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
