import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, ids } from '@lma/testing';
import { Harness } from './harness';
import { TestSmtp } from './notification-fixtures';

/**
 * A notification database written before the expiry calendar and the pending deliveries existed
 * (as the service kept it then: no store fields, no calendar, a notification pending in the
 * history only): the first scan files both, so nothing kept then is forgotten.
 */
const smtp = new TestSmtp();
const DAY = 86_400_000;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
let h: Harness;

beforeAll(async () => {
  await smtp.start();
  h = new Harness('notifup', { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), NOTIFY_SCAN_INTERVAL_MS: '300', NOTIFY_DELIVERY_INTERVAL_MS: '100' });
  await h.mongo.connect();
});
afterAll(async () => {
  await h.stop();
  await smtp.stop();
});

describe('a database from before the expiry calendar', () => {
  it('alerts the licenses it kept and delivers the notifications that were pending', async () => {
    const db = h.db('notification');
    const now = new Date();
    const pkg = ids.packageId();
    await db.collection('rules').insertOne({
      _id: 'nr_upgrade' as never,
      name: 'Renewals',
      kind: 'license-expiring',
      packageId: pkg,
      enabled: true,
      stages: [30],
      parkedMinutes: null,
      recipients: { teamMemberIds: [], roles: [], leadManager: false, emails: ['renewals@partner.example'], webhooks: [] },
      subject: 'upgrade {{licenseName}} expires in {{daysLeft}} days',
      body: '{{licenseName}}',
      revision: 1,
      createdAt: now,
      createdBy: 'tester',
      updatedAt: now,
      updatedBy: 'tester',
    });
    await db.collection('licenses').insertOne({
      _id: 'lic_upgrade' as never,
      licenseName: 'L-424242',
      packageId: pkg,
      packageVersionId: ids.packageVersionId(),
      versionNumber: '1.0.0',
      subscriberOrgId: ids.subscriberOrgId(),
      status: 'Active',
      seats: 10,
      usedLicenses: 1,
      expiresOn: isoDate(now.getTime() + 20 * DAY),
      installDate: '2026-01-01T00:00:00Z',
      orgEdition: 'Enterprise',
      orgStatus: 'Active',
      orgExpiresOn: null,
      instance: 'NA42',
      sandbox: false,
      leadId: null,
      accountId: null,
      contactId: null,
      revision: 1,
      uninstalledSince: null,
      suspendedSince: null,
      updatedAt: now,
    });
    await db.collection('notifications').insertOne({
      _id: 'n_upgrade_pending' as never,
      ruleId: 'nr_gone',
      ruleName: 'Uninstalls',
      kind: 'license-uninstalled',
      occasion: 'uninstalled:lic_x:2',
      target: 'email',
      channel: 'email',
      licenseId: 'lic_x',
      packageId: pkg,
      subscriberOrgId: null,
      leadId: null,
      sagaId: null,
      subject: 'upgrade pending before',
      body: 'x',
      to: ['ops@partner.example'],
      unresolved: [],
      webhookId: null,
      payload: {},
      status: 'pending',
      round: 0,
      attempts: 1,
      nextAttemptAt: now,
      createdAt: now,
      sortKey: now.toISOString(),
      occurredAt: now,
      sentAt: null,
      lastError: 'ECONNREFUSED',
      lastResponse: null,
      log: [],
      resends: [],
    });

    await h.start(['notification'], []);
    await eventually('the expiry alert of the kept license', () => smtp.mails.some((m) => m.subject === 'upgrade L-424242 expires in 20 days'), 30_000);
    await eventually('the notification pending before, delivered', () => smtp.mails.some((m) => m.subject === 'upgrade pending before'), 30_000);
    const delivered = await eventually('its delivery recorded', async () => {
      const n = await db.collection('notifications').findOne({ _id: 'n_upgrade_pending' as never });
      return n?.['status'] === 'sent' && n;
    });
    expect(delivered['attempts']).toBe(2);
    // both delivered: nothing awaits delivery any more
    await eventually('no delivery left pending', async () => (await db.collection('pending_deliveries').countDocuments({})) === 0);
  });
});
