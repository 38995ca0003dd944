import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot, type IdpProcess } from '@lma/testing';

/**
 * The console's browser tests' shared part: Debian's chromium driven by playwright-core, a
 * person signing in through the local identity provider's form, screenshots for docs/console.md.
 */
const CHROMIUM = process.env['LMA_CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = path.join(repoRoot, 'docs', 'console');

/** A headless Chromium, once the console is built (Playwright gives each launch a fresh profile). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (npm test installs it), or set LMA_CHROMIUM`);
  if (!existsSync(path.join(repoRoot, 'services/console/dist/index.html'))) throw new Error('the console is not built: npm run build');
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser session (own cookies and storage) signed in as a demo user through the provider's form. */
export async function signIn(
  browser: Browser,
  consoleUrl: string,
  idp: IdpProcess,
  user: 'ADMIN' | 'MANAGER' | 'ANALYST',
  at: string,
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(`${consoleUrl}${at}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // the provider's own page: a different origin
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.getByLabel('Email').fill(idp.users[user].email);
  await page.getByLabel('Password').fill(idp.users[user].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.origin === consoleUrl && !u.searchParams.has('code'));
  return { context, page };
}

/** A screenshot of the page into docs/console/<name>.png. */
export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
