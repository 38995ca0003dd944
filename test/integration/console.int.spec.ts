import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CommandType, InternalTopic, newEventId, type CreateLicenseV1, type DefaultLicense } from '@lma/contracts';
import { IdpProcess, eventually, freePort, kafkaCredentialsEnv, repoRoot, type ServiceProcess } from '@lma/testing';
import { Harness, bearer } from './harness';
import { launchBrowser, shot, signIn } from './console-browser';

/**
 * The console (services/console) in a real headless Chromium (Debian's chromium driven by
 * playwright-core), served by a real gateway in front of every service (and
 * the marketplace simulator answering the refresh), people signing in
 * through the local identity provider (tools/idp) with authorization code + PKCE. Screenshots of
 * the main pages go to docs/console/ (docs/console.md shows them).
 */
const h = new Harness('console');
let gateway: ServiceProcess;
let idp: IdpProcess;
let browser: Browser;
/** The marketplace simulator (tools/simulator): answers the refresh service's snapshot requests. */
let sim: ChildProcess | undefined;
let simUrl: string;

const ACTIVE_10: DefaultLicense = { status: 'Active', lengthDays: null, seats: 10 };
let pkgA: string;
let licensesOfA: string[] = [];

async function createLicense(packageId: string, packageVersionId: string): Promise<string> {
  const install = h.installData(packageId, packageVersionId);
  const sagaId = `onb:console-${newEventId()}`;
  const data: CreateLicenseV1 = { sagaId, commandId: `${sagaId}:create-license:1`, install, leadId: null, contactId: null };
  await h.kafka.publishEvent(InternalTopic.LicenseCommands, { type: CommandType.CreateLicense, key: `${packageId}:${install.subscriberOrgId}`, data, source: 'lma/install-intake' });
  return `lic_${packageId}_${install.subscriberOrgId}`;
}

beforeAll(async () => {
  const idpPort = await freePort();
  await h.start(['install-intake', 'lead', 'license', 'notification', 'refresh'], []);
  // the gateway finds the provider through discovery once it is up (retried in the background)
  gateway = await h.startGateway({ OIDC_ISSUER: `http://127.0.0.1:${idpPort}`, OIDC_AUDIENCE: 'lma-api' });
  idp = await new IdpProcess({ IDP_REDIRECT_URIS: `${gateway.url}/,http://127.0.0.1:4000/` }).start(idpPort);
  browser = await launchBrowser();
  const simPort = await freePort();
  simUrl = `http://127.0.0.1:${simPort}`;
  sim = spawn(process.execPath, [path.join(repoRoot, 'tools/simulator/dist/main.js'), '--control-port', String(simPort), '--page-size', '2'], {
    env: { ...process.env, ...kafkaCredentialsEnv('marketplace', h.env['KAFKA_BROKERS']), ...h.env, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });

  // two licenses of package A (Active by default, 10 seats), one of package B
  const [a, b] = [await h.registerPackage({ defaultLicense: ACTIVE_10, packageName: 'Invoice Pro' }), await h.registerPackage({ defaultLicense: ACTIVE_10, packageName: 'Other App' })];
  const [va, vb] = [await h.uploadVersion(a.packageId), await h.uploadVersion(b.packageId, { versionNumber: '2.1.0' })];
  pkgA = a.packageId;
  const admin = bearer(['admin']);
  const versionsKnown = async (packageId: string) => {
    const res = await fetch(h.api(`/packages/${packageId}/versions`), { headers: { authorization: admin } });
    const body = (await res.json()) as { items?: unknown[] };
    if (!res.ok) throw new Error(`GET /packages/${packageId}/versions answered ${res.status}: ${JSON.stringify(body)}`);
    return body.items?.length === 1;
  };
  await eventually('the versions known to the license service', async () => (await versionsKnown(a.packageId)) && (await versionsKnown(b.packageId)));
  licensesOfA = [await createLicense(a.packageId, va.packageVersionId), await createLicense(a.packageId, va.packageVersionId)];
  await createLicense(b.packageId, vb.packageVersionId);
  await eventually('the three licenses', async () => {
    const res = await fetch(h.api('/licenses?limit=10'), { headers: { authorization: admin } });
    return res.ok && ((await res.json()) as { items: unknown[] }).items.length === 3;
  });
  // discovery is retried in the background: wait until the gateway accepts the provider's tokens
  const token = await idp.token('ADMIN');
  await eventually('the gateway to accept the provider\'s tokens', async () => (await fetch(h.api('/licenses'), { headers: { authorization: `Bearer ${token}` } })).status === 200, 30_000, 200);
}, 120_000);

afterAll(async () => {
  if (sim && sim.exitCode === null) {
    const exited = new Promise((r) => sim!.once('exit', r));
    sim.kill('SIGTERM');
    await exited;
  }
  await browser?.close();
  await idp?.stop();
  await h.stop();
});

/** A fresh browser session (own cookies and storage) signed in as a demo user through the provider's form. */
const signedIn = (user: 'ADMIN' | 'MANAGER' | 'ANALYST', at: string, viewport?: { width: number; height: number }) => signIn(browser, gateway.url, idp, user, at, viewport);

describe('the console in a browser', () => {
  it('the gateway serves the console: index.html for client routes (no-cache), hashed assets immutable, the sign-in settings, a missing file a 404 problem', async () => {
    const index = await fetch(`${gateway.url}/licenses/some-deep-link?status=Active`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain(`connect-src 'self' ${idp.issuer}`);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    const js = await fetch(`${gateway.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const settings = await (await fetch(`${gateway.url}/console-config.json`)).json();
    expect(settings).toMatchObject({ authority: idp.issuer, clientId: 'lma-console', resource: 'urn:lma:api', permissionsClaim: 'permissions' });
    const missing = await fetch(`${gateway.url}/assets/not-there-123.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // the API stays the API
    expect((await fetch(h.api('/licenses'))).status).toBe(401);
  });

  it('a license manager signs in, finds a license by filter, modifies it and sees the audit entry; Trial after Active is refused with the reason', async () => {
    const { context, page } = await signedIn('MANAGER', '/licenses');
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toBe('Max Manager');
    await page.getByRole('heading', { name: 'Licenses' }).waitFor();
    await page.getByLabel('Package id').fill(pkgA);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Active' }).click();
    await page.waitForURL((u) => u.searchParams.get('packageId') === pkgA && u.searchParams.get('status') === 'Active');
    const rows = page.getByRole('table', { name: 'Licenses' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(3); // the header and the two licenses of package A
    await shot(page, 'licenses');

    // the filtered list is a link others can open
    const deepLink = page.url();
    await page.goto(deepLink);
    await expect.poll(() => rows.count()).toBe(3);

    await page.goto(`${gateway.url}/licenses/${licensesOfA[0]}`);
    await page.getByRole('heading', { name: /^License L-\d+/ }).waitFor();
    expect(await page.getByTestId('seats-available').textContent()).toBe('10');
    await page.getByRole('button', { name: 'Modify License' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('A Trial license must expire within 90 days of today.').waitFor();
    // an Active license is not offered Trial: the rule is said before anything is sent
    await dialog.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Trial' }).click();
    await dialog.getByText('A license that has been Active can never go back to Trial.').last().waitFor();
    expect(await dialog.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
    await shot(page, 'modify-license-rules');

    await dialog.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Suspended' }).click();
    await dialog.getByLabel('Seats', { exact: true }).fill('4');
    await dialog.getByLabel('Reason').fill('customer downsized');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(/is at revision 2/).waitFor();
    const audit = page.getByRole('list', { name: 'Audit timeline' }).or(page.locator('[aria-label="Audit timeline"]'));
    await audit.getByText('“customer downsized”').waitFor();
    await audit.getByText(/manager@demo\.example/).first().waitFor();
    await audit.getByText('status: Active → Suspended').waitFor();
    expect(await page.getByTestId('seats-available').textContent()).toBe('4');
    await shot(page, 'license');

    // Suspended now, Active before: only the server knows; it refuses and the dialog says why
    await page.getByRole('button', { name: 'Modify License' }).click();
    await dialog.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Trial' }).click();
    await dialog.getByText('If this license has ever been Active, the API refuses Trial.').waitFor();
    await dialog.getByRole('button', { name: 'In 30 days' }).click();
    await dialog.getByLabel('Reason').fill('back to a trial');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    const refusal = dialog.getByRole('alert', { name: 'License rule violated' });
    await refusal.getByText('A license that has been Active can never go back to Trial').first().waitFor();
    await refusal.getByText('status: cannot be Trial: the license has been Active').waitFor();
    await refusal.scrollIntoViewIfNeeded();
    await shot(page, 'modify-license-refused');
    await context.close();
  });

  it('an analyst (read-only) reads the license but is not offered Modify License or seat changes', async () => {
    const { context, page } = await signedIn('ANALYST', `/licenses/${licensesOfA[1]}`);
    await page.getByRole('heading', { name: /^License L-\d+/ }).waitFor();
    // the page rendered with the license: the actions would be in the same render
    await page.getByText('Seats available').waitFor();
    expect(await page.getByRole('button', { name: 'Modify License' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Assign a seat' }).count()).toBe(0);
    await page.goto(`${gateway.url}/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const active = (await (await fetch(h.api('/licenses?status=Active&limit=200'), { headers: { authorization: bearer(['licenses:read']) } })).json()) as { items: unknown[] };
    await expect.poll(() => page.getByLabel('Active licenses').textContent()).toBe(String(active.items.length));
    await shot(page, 'dashboard');
    // the dark theme, kept across loads
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await shot(page, 'dashboard-dark');
    // the alerts a read-only user may read: no rule yet, nothing sent, nothing to switch
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByText('No rule: nobody is alerted.').waitFor();
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByText('Nothing sent yet.').waitFor();
    await context.close();
  });

  it('an admin finds why an install has no license (parked: inactive lead manager), retries it, picks an active lead manager, which resumes it, converts the lead, and makes and revokes an API key', async () => {
    const member = async (name: string) => {
      const r = await h.http('lead', 'POST', '/v1/team-members', { name, email: `${name.split(' ')[0]!.toLowerCase()}.${Date.now()}@vendor.example`, active: true, roles: ['lead-manager', 'license-manager'] });
      expect(r.status).toBe(201);
      return r.body['id'] as string;
    };
    const [ivan, nora] = [await member('Ivan Inactive'), await member('Nora Next')];
    const pkg = await h.registerPackage({ defaultLicense: ACTIVE_10, packageName: 'Parked App' });
    const version = await h.uploadVersion(pkg.packageId);
    expect((await h.http('lead', 'PUT', `/v1/packages/${pkg.packageId}/lead-routing`, { leadManagerId: ivan })).status).toBe(200);
    expect((await h.http('lead', 'PATCH', `/v1/team-members/${ivan}`, { active: false })).status).toBe(200);
    const install = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(install);

    const { context, page } = await signedIn('ADMIN', `/onboardings?packageId=${pkg.packageId}&subscriberOrgId=${install.subscriberOrgId}`);
    const parked = page.getByRole('alert', { name: 'Parked: lead-manager-inactive' });
    // the onboarding parks once the lead service has answered: look it up again until it shows
    await expect
      .poll(async () => {
        if (await parked.isVisible()) return true;
        await page.getByRole('button', { name: 'Look up' }).click();
        return parked.isVisible();
      }, { timeout: 30_000, interval: 500 })
      .toBe(true);
    await parked.getByText(/Resumes on:/).waitFor();
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByText('Retried: the onboarding resumes now.').waitFor();
    await page.getByText(/: resumed$/).first().waitFor();
    await shot(page, 'onboarding-parked');

    await page.goto(`${gateway.url}/packages/${pkg.packageId}`);
    await page.getByRole('heading', { name: 'Parked App' }).waitFor();
    await expect.poll(() => page.getByTestId('lead-manager').textContent()).toBe(`Current: Ivan Inactive (${ivan})`);
    // the weekly refresh allowance of a package never refreshed
    await expect.poll(() => page.getByTestId('refresh-allowance').textContent()).toBe('Available now.');
    await page.getByRole('textbox', { name: 'New lead manager' }).click();
    // who cannot be chosen says why
    await page.getByRole('option', { name: `Ivan Inactive (${ivan}): inactive` }).waitFor();
    await page.getByRole('option', { name: `Nora Next (${nora})`, exact: true }).click();
    await page.getByRole('button', { name: 'Change', exact: true }).click();
    await expect.poll(() => page.getByTestId('lead-manager').textContent()).toBe(`Current: Nora Next (${nora})`);
    await page.getByText('Lead manager changed').waitFor();
    await shot(page, 'package');

    // the change resumed the onboarding: it completes with a license
    await page.goto(`${gateway.url}/onboardings?packageId=${pkg.packageId}&subscriberOrgId=${install.subscriberOrgId}`);
    const completed = page.getByText('completed', { exact: true });
    await expect
      .poll(async () => {
        if (await completed.isVisible()) return true;
        await page.getByRole('button', { name: 'Look up' }).click();
        return completed.isVisible();
      }, { timeout: 30_000, interval: 500 })
      .toBe(true);
    await page.getByText(/^License: L-\d+/).waitFor();

    // its lead, owned by the new lead manager, converted into an account and a contact
    await page.getByRole('link', { name: /^lead_/ }).click();
    await page.getByRole('heading', { name: /^Lead Grace Hopper/ }).waitFor();
    await page.getByText(nora, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Convert' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Convert' }).click();
    await page.getByText('Converted', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'account', exact: true }).click();
    await page.getByRole('heading', { name: 'Account Navy Labs' }).waitFor();
    await page.getByRole('link', { name: 'Grace Hopper' }).waitFor();

    // an API key for a vendor system: its secret shown once, working, then revoked
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByLabel('Name').fill('billing sync');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const secret = (await page.getByTestId('new-api-key').textContent()) ?? '';
    expect(secret).toMatch(/^lma_/);
    expect((await fetch(h.api('/licenses?limit=1'), { headers: { authorization: `ApiKey ${secret}` } })).status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Revoke billing sync' }).click();
    await page.getByText('API key billing sync revoked: it no longer works.').waitFor();
    await expect.poll(() => page.getByText(secret).count()).toBe(0);
    await context.close();
  });

  it('a license manager refreshes a package: the allowance, the job followed live, its summary, then the next allowed time', async () => {
    await eventually('the simulator to be ready', async () => (await fetch(`${simUrl}/healthz`).catch(() => undefined))?.ok ?? false, 30_000, 200);
    const simCall = async <T>(p: string, body: unknown): Promise<T> => {
      const res = await fetch(`${simUrl}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.ok).toBe(true);
      return (await res.json()) as T;
    };
    const pkg = await simCall<{ packageId: string }>('/packages', { versions: 1, defaultLicense: { status: 'Active', lengthDays: null, seats: 5 } });
    // three installations the marketplace knows and LMA never heard of
    await simCall(`/packages/${pkg.packageId}/installations`, { count: 3, publish: false });
    const admin = bearer(['admin']);
    await eventually('the package known to the license service', async () => (await fetch(h.api(`/packages/${pkg.packageId}`), { headers: { authorization: admin } })).ok);

    const { context, page } = await signedIn('MANAGER', `/packages/${pkg.packageId}`);
    await expect.poll(() => page.getByTestId('refresh-allowance').textContent()).toBe('Available now.');
    await page.getByRole('button', { name: 'Refresh licenses' }).click();
    await expect.poll(() => page.getByTestId('refresh-state').textContent(), { timeout: 45_000, interval: 250 }).toBe('completed');
    const summary = page.getByRole('table', { name: 'Refresh summary' });
    await expect.poll(() => summary.getByRole('row', { name: /^Created/ }).textContent()).toBe('Created3');
    await expect.poll(() => page.getByTestId('refresh-allowance').textContent()).toMatch(/^Next available .+\.$/);
    expect(await page.getByRole('button', { name: 'Refresh licenses' }).isDisabled()).toBe(true);
    await shot(page, 'refresh');
    await context.close();
  });

  it('is readable on a phone (390 px): the licenses list scrolls sideways inside its container, the menu folds', async () => {
    const { context, page } = await signedIn('ANALYST', '/licenses', { width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Licenses' }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'licenses-390');
    await context.close();
  });
});
