import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { IdpProcess, eventually, freePort, type ServiceProcess } from '@lma/testing';
import { Harness, bearer } from './harness';
import { launchBrowser, shot, signIn } from './console-browser';

/**
 * The console's Administration and package defaults in a real headless Chromium against the real
 * gateway, install-intake (which accepts the marketplace events), lead, license and refresh services, broker, database and identity provider: an admin
 * changes a team member's permissions (and the lead manager picker follows), makes an API key and
 * grants a refresh; a license manager changes a package's default license (a change made meanwhile
 * refused with 412); an analyst is offered neither and the API refuses them.
 */
const h = new Harness('console-admin');
const admin = bearer(['admin']);
let gateway: ServiceProcess;
let idp: IdpProcess;
let browser: Browser;
let pkg: string;
let lena: string;

const api = async (method: string, path: string, body?: unknown, authorization = admin) => {
  const res = await fetch(h.api(path), {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
};

beforeAll(async () => {
  const idpPort = await freePort();
  [browser] = await Promise.all([launchBrowser(), h.start(['install-intake', 'lead', 'license', 'refresh'], [])]);
  gateway = await h.startGateway({ OIDC_ISSUER: `http://127.0.0.1:${idpPort}`, OIDC_AUDIENCE: 'lma-api' });
  idp = await new IdpProcess({ IDP_REDIRECT_URIS: `${gateway.url}/,http://127.0.0.1:4000/` }).start(idpPort);
  pkg = (await h.registerPackage({ packageName: 'Defaults App', defaultLicense: { status: 'Active', lengthDays: null, seats: 10 } })).packageId;
  const member = await h.http('lead', 'POST', '/v1/team-members', { name: 'Lena Lead', email: `lena.${Date.now()}@vendor.example`, roles: ['lead-manager'] });
  expect(member.status).toBe(201);
  lena = member.body['id'] as string;
  await eventually('the package known to the license service', async () => (await api('GET', `/packages/${pkg}`)).status === 200);
  const token = await idp.token('ADMIN');
  // discovery is retried in the background: wait until the gateway accepts the provider's tokens
  await eventually("the gateway to accept the provider's tokens", async () => (await fetch(h.api('/team-members'), { headers: { authorization: `Bearer ${token}` } })).status === 200, 30_000, 200);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await idp?.stop();
  await h.stop();
});

/** A busy 2-core machine can take seconds to answer; the page's own timeout (15 s) applies to what it shows. */
const SLOW = { timeout: 15_000 };

const permissionsOf = (page: Page, id: string) => page.getByTestId(`permissions-${id}`).textContent();

/** Opens the lead manager picker of the package page and answers the option's state for Lena. */
async function lenaInPicker(page: Page): Promise<'offered' | 'no access to licenses'> {
  await page.goto(`${gateway.url}/packages/${pkg}`);
  await page.getByRole('heading', { name: 'Defaults App' }).waitFor();
  await page.getByRole('textbox', { name: 'New lead manager' }).click();
  const refused = page.getByRole('option', { name: `Lena Lead (${lena}): no access to licenses` });
  const offered = page.getByRole('option', { name: `Lena Lead (${lena})`, exact: true });
  await refused.or(offered).waitFor();
  return (await refused.count()) > 0 ? 'no access to licenses' : 'offered';
}

/** Opens Lena's dialog and flips "Permissions follow the roles"; when they no longer follow, takes `without` away. */
async function editLena(page: Page, without?: string) {
  await page.goto(`${gateway.url}/admin`);
  await page.getByRole('button', { name: `Edit Lena Lead (${lena})` }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit Lena Lead' });
  await dialog.getByRole('switch', { name: 'Permissions follow the roles' }).click();
  if (without) await dialog.getByRole('checkbox', { name: without, exact: true }).uncheck();
  return dialog;
}

describe('the console: administration and package defaults', () => {
  it('an admin takes licenses:read from a team member, who is then not offered as lead manager (and the API refuses), then gives the roles back and picks them', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ADMIN', '/admin');
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await page.getByRole('link', { name: 'Administration' }).waitFor();
    await expect.poll(() => permissionsOf(page, lena), SLOW).toBe('leads:read, leads:edit, accounts:read, contacts:read, licenses:read, packages:read (from the roles)');

    const dialog = await editLena(page, 'licenses:read');
    await shot(page, 'admin-member-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Lena Lead saved.').waitFor();
    await expect.poll(() => permissionsOf(page, lena), SLOW).toBe('leads:read, leads:edit, accounts:read, contacts:read, packages:read');
    await page.reload();
    await expect.poll(() => permissionsOf(page, lena), SLOW).toBe('leads:read, leads:edit, accounts:read, contacts:read, packages:read');
    await shot(page, 'admin-team');

    // effective: the picker says why Lena cannot be chosen, and the API refuses her
    expect(await lenaInPicker(page)).toBe('no access to licenses');
    const refused = await api('PUT', `/packages/${pkg}/lead-manager`, { leadManagerId: lena });
    expect(refused.status).toBe(422);
    await page.keyboard.press('Escape');

    const back = await editLena(page);
    await back.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => permissionsOf(page, lena), SLOW).toMatch(/licenses:read.*\(from the roles\)$/);
    expect(await lenaInPicker(page)).toBe('offered');
    await page.getByRole('option', { name: `Lena Lead (${lena})`, exact: true }).click();
    await page.getByRole('button', { name: 'Change', exact: true }).click();
    await expect.poll(() => page.getByTestId('lead-manager').textContent(), SLOW).toBe(`Current: Lena Lead (${lena})`);
    await context.close();
  });

  it('an admin makes an API key, adds an inactive team member and grants a refresh: the grant listed with its reason, the package may refresh once more', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ADMIN', '/admin');
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    // API keys keep working next to the team
    await page.getByLabel('Name').fill('ci export');
    await page.getByRole('button', { name: 'Create API key' }).click();
    expect(await page.getByTestId('new-api-key').textContent()).toMatch(/^lma_/);
    await page.getByRole('button', { name: 'Done' }).click();

    // a new member, inactive: what is missing is named before anything is sent
    await page.getByRole('button', { name: 'Add a team member' }).click();
    const add = page.getByRole('dialog', { name: 'Add a team member' });
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await add.getByText('A name is required').waitFor();
    await add.getByText('An email address such as nora@vendor.example').waitFor();
    await add.getByLabel('Full name').fill('Otto Offline');
    await add.getByLabel('Email').fill(`otto.${Date.now()}@vendor.example`);
    await add.getByRole('switch', { name: /^Active/ }).click();
    await add.getByRole('checkbox', { name: 'sales rep' }).check();
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Otto Offline added to the team.').waitFor();
    const otto = page.getByRole('row', { name: /Otto Offline/ });
    await otto.getByText('inactive', { exact: true }).waitFor();
    await otto.getByText('leads:read, leads:edit, accounts:read, contacts:read', { exact: false }).waitFor();

    await page.getByRole('textbox', { name: 'Package' }).click();
    await page.getByRole('option', { name: `Defaults App (${pkg})` }).click();
    await page.waitForURL((u) => u.searchParams.get('grants') === pkg);
    await page.getByText('No grant for this package yet.').waitFor();
    await page.getByLabel('Reason for the extra refresh').fill('customer migrated their org');
    await page.getByRole('button', { name: 'Grant a refresh' }).click();
    const grants = page.getByRole('table', { name: 'Refresh grants' });
    await grants.getByRole('cell', { name: 'customer migrated their org' }).waitFor();
    await grants.getByText('unused').waitFor();
    await grants.getByText('admin@demo.example').waitFor();
    await grants.scrollIntoViewIfNeeded();
    await shot(page, 'admin-grants');
    const status = await api('GET', `/packages/${pkg}/refresh`);
    expect(status.body['grantsAvailable']).toBe(1);

    // the deep link keeps the package; the package page counts the grant
    await page.reload();
    await grants.getByRole('cell', { name: 'customer migrated their org' }).waitFor();
    await page.goto(`${gateway.url}/packages/${pkg}`);
    await page.getByText('plus 1 extra granted', { exact: false }).waitFor();

    // readable at 390 px: nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${gateway.url}/admin?grants=${pkg}`);
    await grants.getByRole('cell', { name: 'customer migrated their org' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'admin-390');
    await context.close();
  });

  it('a license manager changes the default license: validated as typed, saved and shown; a change made meanwhile is refused (412) instead of overwritten', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'MANAGER', `/packages/${pkg}`);
    const defaults = page.getByTestId('default-license');
    await expect.poll(() => defaults.textContent(), SLOW).toBe('Active, 10 seats, does not expire; sandboxes get a site license');
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Edit defaults' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit the default license' });
    await dialog.getByText('Trial', { exact: true }).click();
    await dialog.getByText('Trial licenses made from these defaults would never expire').waitFor();
    await dialog.getByLabel('Does not expire').uncheck();
    await dialog.getByLabel('Length (days)').fill('0');
    await dialog.getByRole('button', { name: 'Save defaults' }).click();
    await dialog.getByText('Enter a whole number of days from 1 to 3,650').waitFor();
    await dialog.getByText('Say why the defaults change (kept in the audit)').waitFor();
    await dialog.getByLabel('Length (days)').fill('30');
    await dialog.getByLabel('Site license (no seat limit)').check();
    await dialog.getByLabel('Reason').fill('pilot customers try it for a month');
    await shot(page, 'package-defaults-edit');
    await dialog.getByRole('button', { name: 'Save defaults' }).click();
    await expect.poll(() => defaults.textContent(), SLOW).toBe('Trial, site license, expires after 30 days; sandboxes get a site license');
    await page.reload();
    await expect.poll(() => defaults.textContent(), SLOW).toBe('Trial, site license, expires after 30 days; sandboxes get a site license');
    const saved = await api('GET', `/packages/${pkg}`);
    expect(saved.body['defaultLicense']).toEqual({ status: 'Trial', lengthDays: 30, seats: null });
    await shot(page, 'package-defaults');

    // someone else changes the package while the dialog is open: the dialog's change is refused
    await page.getByRole('button', { name: 'Edit defaults' }).click();
    expect((await api('PATCH', `/packages/${pkg}`, { reason: 'five seats for now', defaultLicense: { seats: 5 } })).status).toBe(200);
    await dialog.getByLabel('Length (days)').fill('45');
    await dialog.getByLabel('Reason').fill('longer pilots');
    await dialog.getByRole('button', { name: 'Save defaults' }).click();
    await dialog.getByRole('alert', { name: 'Precondition failed' }).waitFor();
    await expect.poll(() => defaults.textContent(), SLOW).toBe('Trial, 5 seats, expires after 30 days; sandboxes get a site license');
    expect(((await api('GET', `/packages/${pkg}`)).body['defaultLicense'] as { lengthDays: number }).lengthDays).toBe(30);
    await context.close();
  });

  it('an analyst reads the defaults but is not offered editing nor Administration; the API refuses both (403), and a link to /admin shows it', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ANALYST', `/packages/${pkg}`);
    await expect.poll(() => page.getByTestId('default-license').textContent(), SLOW).toMatch(/^Trial, 5 seats/);
    expect(await page.getByRole('button', { name: 'Edit defaults' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    const token = `Bearer ${await idp.token('ANALYST')}`;
    const patch = await api('PATCH', `/packages/${pkg}`, { reason: 'try', defaultLicense: { seats: 1 } }, token);
    expect(patch.status).toBe(403);
    expect(patch.body['missingPermission']).toBe('packages:edit');
    expect((await api('POST', `/packages/${pkg}/refresh-grants`, { reason: 'try' }, token)).status).toBe(403);

    await page.goto(`${gateway.url}/admin`);
    const refusal = page.getByRole('alert', { name: 'Not allowed' });
    await refusal.getByText('You do not have the permission admin.', { exact: false }).waitFor();
    expect(await page.getByRole('table', { name: 'Team members' }).count()).toBe(0);
    await shot(page, 'admin-403');
    await context.close();
  });
});
