import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType, type PackageUninstalledV1 } from '@lma/contracts';
import { setClockOffset } from '@lma/core';
import { eventually, ids } from '@lma/testing';
import { Harness } from './harness';
import { TestSmtp, nothingPending, scansPassed } from './notification-fixtures';

/**
 * Alerts end to end: the marketplace installs through install-intake, lead and license; the lead
 * service publishes its team directory and created leads; the notification service mails the
 * lead manager, the retention specialist and, for an onboarding parked too long, the admins.
 */
const smtp = new TestSmtp();
const mails = smtp.mails;
const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'lma-notif-e2e-')), 'clock');
let h: Harness;

beforeAll(async () => {
  await smtp.start();
  setClockOffset(clockFile, 0);
  h = new Harness('notife2e', {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    LMA_CLOCK_FILE: clockFile,
    NOTIFY_SCAN_INTERVAL_MS: '300',
    NOTIFY_DELIVERY_INTERVAL_MS: '100',
  });
  await h.start(['install-intake', 'lead', 'license', 'notification'], []);
});
afterAll(async () => {
  await h.stop();
  await smtp.stop();
});

async function teamMember(name: string, roles: string[]) {
  const email = `${name}.${Math.random().toString(36).slice(2, 7)}@vendor.example`;
  const r = await h.http('lead', 'POST', '/v1/team-members', { name, email, roles });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: (r.body as { id: string }).id, email };
}

async function createRule(body: Record<string, unknown>) {
  // the rule names team members the notification service learns of through lead events
  return await eventually('the rule to be accepted', async () => {
    const r = await h.http('notification', 'POST', '/v1/notification-rules', body, ['notification-rules:edit']);
    if (r.status === 400) return undefined;
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { ruleId: string };
  });
}

describe('notifications through the whole system', () => {
  it('mails the lead manager a new lead and the retention specialist the uninstall', async () => {
    const lena = await teamMember('lena', ['lead-manager', 'license-manager']);
    const rex = await teamMember('rex', ['retention-specialist']);
    const pkg = await h.registerPackage();
    const version = await h.uploadVersion(pkg.packageId);
    expect((await h.http('lead', 'PUT', `/v1/packages/${pkg.packageId}/lead-routing`, { leadManagerId: lena.id })).status).toBe(200);
    await createRule({
      kind: 'lead-created',
      name: 'New leads',
      packageId: pkg.packageId,
      recipients: { leadManager: true },
      subject: 'New lead: {{leadName}} at {{company}}',
      body: '{{leadName}} installed {{packageId}}: {{leadUrl}}',
    });
    await createRule({
      kind: 'license-uninstalled',
      name: 'Uninstalls',
      packageId: pkg.packageId,
      recipients: { teamMemberIds: [rex.id] },
      subject: '{{licenseName}} uninstalled ({{company}})',
      body: '{{company}} uninstalled {{licenseName}}',
    });

    const install = h.installData(pkg.packageId, version.packageVersionId, {
      installer: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${Math.random().toString(36).slice(2)}@engines.example`, company: 'Engines Ltd' },
    });
    await h.install(install);
    const leadMail = await eventually('the new-lead mail', () => mails.find((m) => m.subject === 'New lead: Ada Lovelace at Engines Ltd'), 30_000);
    expect(leadMail.to).toEqual([lena.email]);
    expect(leadMail.text).toContain(`installed ${pkg.packageId}`);

    // wait for the license to exist in the notification service, then uninstall
    await eventually('the license in the read model', async () => (await h.db('notification').collection('licenses').countDocuments({ packageId: pkg.packageId })) === 1, 30_000);
    const uninstall: PackageUninstalledV1 = { packageId: pkg.packageId, subscriberOrgId: install.subscriberOrgId, uninstalledAt: new Date().toISOString() };
    await h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type: MarketplaceEventType.PackageUninstalled, key: `${pkg.packageId}:${install.subscriberOrgId}`, data: uninstall });
    const uninstallMail = await eventually('the uninstall mail', () => mails.find((m) => m.subject.endsWith('uninstalled (Engines Ltd)')), 30_000);
    expect(uninstallMail.to).toEqual([rex.email]);
    expect(uninstallMail.subject).toMatch(/^L-\d{6} uninstalled/);
  });

  it('mails the admins about an onboarding parked longer than the rule allows', async () => {
    const ada = await teamMember('adm', ['admin']);
    await createRule({
      kind: 'onboarding-parked',
      name: 'Stuck onboardings',
      parkedMinutes: 30,
      recipients: { roles: ['admin'] },
      subject: 'Onboarding of {{subscriberOrgId}} parked: {{reason}}',
      body: 'Parked for {{parkedMinutes}} minutes since {{parkedSince}}: {{onboardingUrl}}',
    });
    // a package nobody registered: the saga parks
    const install = h.installData(ids.packageId(), ids.packageVersionId());
    await h.install(install);
    await eventually('the parked onboarding', async () => (await h.db('notification').collection('parked_onboardings').countDocuments({ subscriberOrgId: install.subscriberOrgId })) === 1, 30_000);
    // whole scans have seen it parked, not yet for long enough
    await scansPassed([h.service('notification')]);
    expect(mails.filter((m) => m.subject.startsWith(`Onboarding of ${install.subscriberOrgId}`))).toHaveLength(0);
    setClockOffset(clockFile, 31 * 60_000);
    const mail = await eventually('the parked-too-long mail', () => mails.find((m) => m.subject === `Onboarding of ${install.subscriberOrgId} parked: package-not-registered`), 30_000);
    expect(mail.to).toContain(ada.email);
    await scansPassed([h.service('notification')]);
    const raised = await h.db('notification').collection<{ _id: string }>('notifications').find({ subscriberOrgId: install.subscriberOrgId }).toArray();
    await nothingPending(h.db('notification'), raised.map((n) => n._id));
    expect(mails.filter((m) => m.subject.startsWith(`Onboarding of ${install.subscriberOrgId}`))).toHaveLength(1);
    setClockOffset(clockFile, 0);
  });
});
