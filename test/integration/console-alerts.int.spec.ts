import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { LICENSE_EVENTS_TOPIC, LicenseEventType } from '@lma/contracts';
import { setClockOffset } from '@lma/core';
import { IdpProcess, eventually, freePort, ids, type ServiceProcess } from '@lma/testing';
import { Harness, bearer } from './harness';
import { launchBrowser, shot, signIn } from './console-browser';
import { TestSmtp, newLicense, quickNotificationEnv } from './notification-fixtures';

/**
 * The console's Alerts page in a real headless Chromium against the real gateway, notification
 * service, broker, database and identity provider: a rule made, changed, refused, its webhook
 * secret rotated, switched off and deleted through the page; an expiry alert it raises delivered
 * to a real SMTP server and a real webhook receiver, shown with its attempts and resent.
 */
const smtp = new TestSmtp();
const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'lma-console-alerts-')), 'clock');
let h: Harness;
let gateway: ServiceProcess;
let idp: IdpProcess;
let browser: Browser;
/** The test's webhook receiver: every delivery, as it arrived. */
const hooks: { headers: Record<string, string>; body: string }[] = [];
let receiver: Server;
let hookUrl: string;
const pkg = ids.packageId();
const admin = bearer(['admin']);

beforeAll(async () => {
  await smtp.start();
  setClockOffset(clockFile, 0);
  // the webhook receiver listens on loopback
  h = new Harness('console-alerts', quickNotificationEnv(smtp, clockFile, { NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true' }));
  const idpPort = await freePort();
  const hookPort = await freePort();
  hookUrl = `http://127.0.0.1:${hookPort}/hooks/lma`;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hooks.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(hookPort, '127.0.0.1', resolve));
  [browser] = await Promise.all([launchBrowser(), h.start(['notification'], [])]);
  gateway = await h.startGateway({ OIDC_ISSUER: `http://127.0.0.1:${idpPort}`, OIDC_AUDIENCE: 'lma-api' });
  idp = await new IdpProcess({ IDP_REDIRECT_URIS: `${gateway.url}/,http://127.0.0.1:4000/` }).start(idpPort);
  const token = await idp.token('ADMIN');
  // discovery is retried in the background: wait until the gateway accepts the provider's tokens
  await eventually("the gateway to accept the provider's tokens", async () => (await fetch(h.api('/notification-rules'), { headers: { authorization: `Bearer ${token}` } })).status === 200, 30_000, 200);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await idp?.stop();
  await h?.stop();
  await smtp.stop();
  await new Promise((r) => receiver?.close(r));
});

type RuleView = { ruleId: string; name: string; enabled: boolean; stages: number[]; revision: number; subject: string; recipients: { emails: string[]; webhooks: { id: string; url: string; secretHints: string[] }[] } };

async function rules(): Promise<RuleView[]> {
  const res = await fetch(h.api('/notification-rules'), { headers: { authorization: admin } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: RuleView[] }).items;
}

/** The open rule dialog (the confirmation of a delete is a dialog too, but never open with it). */
const dialog = (page: Page) => page.getByRole('dialog');

describe('the Alerts page', () => {
  let secret1 = '';
  let secret2 = '';
  let ruleId = '';

  it('an admin creates a rule with a stage, an email and a webhook whose new secret is shown once; adds an address without pasting the held secret, and the change is there after a reload', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ADMIN', '/alerts');
    await page.getByText('No rule: nobody is alerted.').waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();
    expect(new URL(page.url()).searchParams.get('rule')).toBe('new');
    const form = dialog(page);
    await form.getByRole('textbox', { name: /^Name/ }).fill('Renewals');
    await form.getByLabel('Package id').fill(pkg);
    // the default stages (30 and 7) replaced by 14
    const stages = form.getByLabel('Stages (days before expiry)');
    await stages.click();
    await stages.press('Backspace');
    await stages.press('Backspace');
    await stages.fill('14');
    await stages.press('Enter');
    const emails = form.getByLabel('Emails');
    await emails.fill('renewals@vendor.example');
    await emails.press('Enter');
    await form.getByRole('button', { name: 'Add a webhook' }).click();
    await form.getByLabel('Webhook id').fill('crm');
    await form.getByLabel('URL').fill(hookUrl);
    secret1 = (await form.getByTestId('new-secret').textContent())!;
    expect(secret1).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await form.getByLabel('Subject').fill('{{licenseName}} expires in {{daysLeft}} days');
    await form.getByLabel('Body').fill('{{licenseName}} expires on {{expiresOn}}: {{licenseUrl}}');
    await shot(page, 'alerts-rule-new');
    await form.getByRole('button', { name: 'Create rule' }).click();
    await form.waitFor({ state: 'detached' });
    // the secret was shown once: the list knows only its last characters
    await page.getByRole('button', { name: 'Edit Renewals' }).waitFor();
    expect(await page.getByText(secret1).count()).toBe(0);
    let [rule] = await rules();
    ruleId = rule!.ruleId;
    expect(rule).toMatchObject({ name: 'Renewals', stages: [14], enabled: true, recipients: { emails: ['renewals@vendor.example'], webhooks: [{ id: 'crm', url: hookUrl, secretHints: [`…${secret1.slice(-4)}`] }] } });

    // a second address: the held secret is kept by LMA, nothing to paste
    await page.getByRole('button', { name: 'Edit Renewals' }).click();
    expect(new URL(page.url()).searchParams.get('rule')).toBe(ruleId);
    await dialog(page).getByLabel('Emails').fill('ops@vendor.example');
    await dialog(page).getByLabel('Emails').press('Enter');
    await dialog(page).getByText(`Secret ending …${secret1.slice(-4)} (held by LMA)`).waitFor();
    expect(await dialog(page).getByRole('textbox', { name: /Secret ending/ }).count()).toBe(0);
    await dialog(page).getByRole('button', { name: 'Save changes' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('cell', { name: 'renewals@vendor.example, ops@vendor.example' }).waitFor();
    [rule] = await rules();
    expect(rule!.recipients.emails).toEqual(['renewals@vendor.example', 'ops@vendor.example']);
    expect(rule!.recipients.webhooks[0]!.secretHints).toEqual([`…${secret1.slice(-4)}`]);
    await context.close();
  });

  it("a refused edit shows the API's reason: an unknown template field (400), then a rule changed meanwhile (412) and loading it again", async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ADMIN', `/alerts?rule=${ruleId}`);
    const form = dialog(page);
    await form.getByLabel('Subject').fill('{{licenseName}} in {{colour}}');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const refusal = form.getByRole('alert').filter({ hasText: 'Invalid request' });
    await refusal.getByText('subject: unknown placeholder {{colour}}', { exact: false }).waitFor();
    // the reason stands under the field too
    await expect.poll(() => form.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true');
    await refusal.scrollIntoViewIfNeeded();
    await shot(page, 'alerts-refused');
    // someone else renames it meanwhile: this form's ETag is no longer current
    const other = await fetch(h.api(`/notification-rules/${ruleId}`), { method: 'PATCH', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renewals (team)' }) });
    expect(other.status).toBe(200);
    await form.getByLabel('Subject').fill('Renewal: {{licenseName}} in {{daysLeft}} days');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText('Someone changed this rule after you opened it').waitFor();
    await form.getByRole('alert').getByText('Precondition failed').waitFor();
    expect((await rules())[0]!.subject).toBe('{{licenseName}} expires in {{daysLeft}} days');
    await form.getByRole('button', { name: 'Load the current rule' }).click();
    await expect.poll(() => form.getByRole('textbox', { name: /^Name/ }).inputValue()).toBe('Renewals (team)');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await context.close();
  });

  it('rotates the webhook secret: a new one beside the old, a delivery signed with both, resent from the history with its attempts; then the old one dropped, the rule switched off and deleted', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'ADMIN', '/alerts');
    await page.getByRole('button', { name: 'Edit Renewals (team)' }).click();
    const form = dialog(page);
    const hooks1 = form.getByRole('group', { name: 'Webhook crm' });
    await hooks1.getByRole('button', { name: 'Generate a new secret' }).click();
    secret2 = (await hooks1.getByTestId('new-secret').textContent())!;
    expect(secret2).not.toBe(secret1);
    await shot(page, 'alerts-rotation');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByText(`…${secret2.slice(-4)}`).waitFor();
    expect((await rules())[0]!.recipients.webhooks[0]!.secretHints).toEqual([`…${secret2.slice(-4)}`, `…${secret1.slice(-4)}`]);
    await shot(page, 'alerts-rules');

    // a license of the package 10 days before its expiration: the 14-day stage is due
    const lic = newLicense({ packageId: pkg, expiresOn: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10) });
    await h.kafka.publishEvent(LICENSE_EVENTS_TOPIC, { id: `${lic.licenseId}:1`, type: LicenseEventType.Created, key: `${pkg}:${lic.subscriberOrgId}`, data: lic, time: new Date().toISOString(), source: 'lma/license' });
    await eventually('the webhook delivery', () => hooks.length === 1, 20_000);
    // signed with both secrets: a receiver on either verifies it
    expect(hooks[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(secret1).verify(hooks[0]!.body, hooks[0]!.headers)).toMatchObject({ ruleId });
    expect(new Webhook(secret2).verify(hooks[0]!.body, hooks[0]!.headers)).toMatchObject({ ruleId });

    const raised = await eventually('the mail and the webhook notification', async () => {
      const res = await fetch(h.api(`/notifications?ruleId=${ruleId}`), { headers: { authorization: admin } });
      const items = ((await res.json()) as { items: { notificationId: string; channel: string; to: string[]; subject: string }[] }).items;
      return items.length === 2 && items;
    });
    expect(raised.map((n) => n.channel).sort()).toEqual(['email', 'webhook']);
    const subject = raised[0]!.subject;
    expect(subject).toMatch(new RegExp(`^${lic.licenseName} expires in \\d+ days$`));
    await page.getByRole('link', { name: 'History of Renewals (team)' }).click();
    const mail = page.getByRole('article', { name: `Mail: ${subject}` });
    // one mail to both addresses (in the order the service resolved them)
    await mail.getByText(/email to (ops@vendor\.example, renewals@vendor\.example|renewals@vendor\.example, ops@vendor\.example)/).waitFor();
    const attempts = mail.getByRole('table', { name: /Delivery attempts/ });
    await attempts.getByRole('row').filter({ hasText: 'delivery' }).filter({ hasText: 'sent' }).waitFor();
    await page.getByRole('article', { name: `Webhook: ${subject}` }).getByRole('row').filter({ hasText: 'delivery' }).filter({ hasText: 'sent' }).waitFor();
    expect(smtp.mails.filter((m) => m.subject === subject)).toHaveLength(1);
    await mail.getByRole('button', { name: /^Resend/ }).click();
    await attempts.getByRole('row').filter({ hasText: 'resend 1' }).filter({ hasText: 'sent' }).waitFor();
    await mail.getByText('Resent by').waitFor();
    await eventually('the resent mail', () => smtp.mails.filter((m) => m.subject === subject).length === 2);
    await shot(page, 'alerts-history');

    // the receiver uses the new secret: the old one is dropped
    await page.getByRole('tab', { name: 'Notification rules' }).click();
    await page.getByRole('button', { name: 'Edit Renewals (team)' }).click();
    const hooks2 = dialog(page).getByRole('group', { name: 'Webhook crm' });
    await hooks2.getByRole('button', { name: `Drop the secret ending …${secret1.slice(-4)}` }).click();
    await dialog(page).getByRole('button', { name: 'Save changes' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    await expect.poll(async () => (await rules())[0]!.recipients.webhooks[0]!.secretHints).toEqual([`…${secret2.slice(-4)}`]);
    // the kept secret is the new one: the webhook resent is signed with it alone
    const webhookNotification = raised.find((n) => n.channel === 'webhook')!;
    const resent = await fetch(h.api(`/notifications/${webhookNotification.notificationId}/resend`), { method: 'POST', headers: { authorization: admin } });
    expect(resent.status).toBe(202);
    await eventually('the resent webhook', () => hooks.length === 2, 20_000);
    expect(hooks[1]!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(new Webhook(secret2).verify(hooks[1]!.body, hooks[1]!.headers)).toMatchObject({ ruleId });


    // switched off, and still off after a reload
    const on = page.getByRole('switch', { name: 'Renewals (team) switched on' });
    expect(await on.isChecked()).toBe(true);
    await on.click({ force: true });
    await expect.poll(async () => (await rules())[0]!.enabled).toBe(false);
    await page.reload();
    await expect.poll(() => page.getByRole('switch', { name: 'Renewals (team) switched on' }).isChecked()).toBe(false);

    await page.getByRole('button', { name: 'Delete Renewals (team)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No rule: nobody is alerted.').waitFor();
    expect(await rules()).toEqual([]);
    // what it sent stays in the history
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByRole('heading', { name: subject }).first().waitFor();
    await context.close();
  });

  it('a manager with read access sees the history at 390 px, offered neither resend nor rule changes', async () => {
    const { context, page } = await signIn(browser, gateway.url, idp, 'MANAGER', '/alerts?tab=history', { width: 390, height: 844 });
    await page.getByRole('article').first().getByRole('table', { name: /Delivery attempts/ }).waitFor();
    expect(await page.getByRole('button', { name: /^Resend/ }).count()).toBe(0);
    await shot(page, 'alerts-390');
    await page.getByRole('tab', { name: 'Notification rules' }).click();
    await page.getByText('No rule: nobody is alerted.').waitFor();
    expect(await page.getByRole('button', { name: 'New rule' }).count()).toBe(0);
    // a link to the rule form says plainly why there is none
    await page.goto(`${gateway.url}/alerts?rule=new`);
    await page.getByRole('alert').getByText('You do not have the permission notification-rules:edit').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    // the page is no wider than the phone: tables scroll inside their frame
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await context.close();
  });
});
