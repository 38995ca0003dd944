import { API } from './api';
/**
 * The refresh demo (docs/refresh.md): the marketplace simulator (started by scripts/lma.sh run,
 * control API on SIM_CONTROL_URL) registers a package and publishes installs; then it learns of
 * one install LMA never heard of and of seats LMA was never told about. One refresh reconciles
 * them: the unknown install gets its license through the onboarding saga, the seats are corrected.
 */
const SIM = process.env['SIM_CONTROL_URL'] ?? 'http://127.0.0.1:4090';

async function sim<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SIM}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function demoRefresh(token: string): Promise<void> {
  if (!(await fetch(`${SIM}/healthz`).catch(() => undefined))?.ok) {
    console.log(`\nrefresh demo skipped: no marketplace simulator on ${SIM}`);
    return;
  }
  const auth = { authorization: `Bearer ${token}` };
  const pkg = await sim<{ packageId: string }>('POST', '/packages', { versions: 1 });
  const { items } = await sim<{ items: { subscriberOrgId: string }[] }>('POST', `/packages/${pkg.packageId}/installations`, { count: 3, publish: true });
  for (const i of items) {
    await until('the license of a published install', async () =>
      {
        const res = await fetch(`${API}/licenses?packageId=${pkg.packageId}&subscriberOrgId=${i.subscriberOrgId}`, { headers: auth });
        return res.ok && ((await res.json()) as { items: unknown[] }).items.length === 1 ? true : undefined;
      });
  }
  await sim('POST', `/packages/${pkg.packageId}/installations`, { count: 1, publish: false });
  await sim('PATCH', `/packages/${pkg.packageId}/installations/${items[0]!.subscriberOrgId}`, { usedLicenses: 3 });
  console.log(`\nrefresh: package ${pkg.packageId} has 3 licenses; the marketplace also knows 1 install and 3 seats LMA was never told about`);

  const res = await fetch(`${API}/packages/${pkg.packageId}/refresh`, { method: 'POST', headers: auth });
  const accepted = (await res.json()) as { jobId: string };
  if (res.status !== 202) throw new Error(`refresh refused: ${res.status} ${JSON.stringify(accepted)}`);
  console.log(`POST /api/v1/packages/${pkg.packageId}/refresh -> 202, job ${accepted.jobId}`);
  const job = await until('the refresh job to end', async () => {
    const j = (await (await fetch(`${API}/refresh-jobs/${accepted.jobId}`, { headers: auth })).json()) as { state: string };
    return j.state === 'completed' || j.state === 'incomplete' ? j : undefined;
  });
  console.log(JSON.stringify(job, null, 2));
  const again = await fetch(`${API}/packages/${pkg.packageId}/refresh`, { method: 'POST', headers: auth });
  console.log(`a second refresh now -> ${again.status}, Retry-After ${again.headers.get('retry-after')} s (one per 7 days)`);
}
