import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LICENSE_EVENTS_TOPIC, LicenseEventType, type LicenseV1 } from '@lma/contracts';
import { setClockOffset } from '@lma/core';
import { ServiceProcess, eventually, ids } from '@lma/testing';
import { Harness } from './harness';
import { TestSmtp, newLicense, nothingPending, quickNotificationEnv, scansPassed } from './notification-fixtures';

/**
 * Exactly once under stress: two replicas of the notification service with the same
 * environment, one SIGKILLed while the scan raises alerts and restarted, and license events
 * republished meanwhile. (Its own file: the restart waits for Kafka to drop the killed consumer.)
 */
const smtp = new TestSmtp();
const mails = smtp.mails;
const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'lma-notif-rep-')), 'clock');
const DAY = 86_400_000;
let offsetMs = 0;
const moveClock = (ms: number) => {
  offsetMs = ms;
  setClockOffset(clockFile, ms);
};
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
let h: Harness;
const notifications = () => h.db('notification').collection<Record<string, unknown> & { _id: string }>('notifications');
const notificationsOf = async (filter: Record<string, unknown>) => await notifications().find(filter).toArray();

beforeAll(async () => {
  await smtp.start();
  moveClock(0);
  h = new Harness('notifrep', quickNotificationEnv(smtp, clockFile));
  await h.start(['notification'], []);
});
afterAll(async () => {
  await h.stop();
  await smtp.stop();
});


/** The same ce_id every time for a revision: a republished event is a redelivery. */
async function publishLicense(type: string, l: LicenseV1): Promise<void> {
  const time = new Date(Date.now() + offsetMs).toISOString();
  await h.kafka.publishEvent(LICENSE_EVENTS_TOPIC, { id: `${l.licenseId}:${l.revision}`, type, key: `${l.packageId}:${l.subscriberOrgId}`, data: l, time, source: 'lma/license' });
}

async function createRule(body: Record<string, unknown>) {
  const r = await h.http('notification', 'POST', '/v1/notification-rules', body, ['notification-rules:edit']);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { ruleId: string };
}

describe('exactly once per occasion', () => {
  it('raises each alert once with two replicas, a SIGKILL mid-scan and redelivered events', async () => {
    const pkg = ids.packageId();
    const rule = await createRule({
      kind: 'license-expiring',
      name: 'Many renewals',
      packageId: pkg,
      stages: [30],
      recipients: { emails: ['bulk@partner.example'] },
      subject: 'bulk {{licenseName}}',
      body: '{{licenseName}} expires on {{expiresOn}}',
    });
    const second = await new ServiceProcess('notification', h.env).start();
    try {
      const today = Date.parse(`${isoDate(Date.now())}T00:00:00Z`);
      const licenses = Array.from({ length: 40 }, () => newLicense({ packageId: pkg, expiresOn: isoDate(today + 45 * DAY) }));
      for (const l of licenses) await publishLicense(LicenseEventType.Created, l);
      await eventually('licenses in the read model', async () => (await h.db('notification').collection('licenses').countDocuments({ packageId: pkg })) === 40);
      const movedAt = Date.now();
      moveClock(16 * DAY); // 29 days left: stage 30 due for all, found by the scan
      await eventually('the scan to start', async () => (await notifications().countDocuments({ ruleId: rule.ruleId })) > 0, 20_000, 20);
      await h.service('notification').kill();
      // redeliveries while one replica is down
      for (const l of licenses.slice(0, 10)) await publishLicense(LicenseEventType.Created, l);
      // restarted in the background: its readiness waits for the consumer group to drop the killed member
      const restarted = h.service('notification').start();
      await eventually('every alert sent', async () => (await notifications().countDocuments({ ruleId: rule.ruleId, status: 'sent' })) === 40, 60_000);
      console.log(`measured: 40 expiry alerts due -> all sent (one replica SIGKILLed mid-scan): ${Date.now() - movedAt} ms`);
      await restarted;
      // both replicas have scanned again and read every redelivery; nothing is left to deliver
      await h.kafka.waitForGroupToPass(`${h.prefix}.notification.licenses`, LICENSE_EVENTS_TOPIC);
      await scansPassed([h.service('notification'), second]);
      const stored = await notificationsOf({ ruleId: rule.ruleId });
      await nothingPending(h.db('notification'), stored.map((n) => n._id));
      expect(stored).toHaveLength(40);
      expect(new Set(stored.map((n) => n['licenseId'])).size).toBe(40);
      const bulk = mails.filter((m) => m.subject.startsWith('bulk '));
      // one Message-ID per license; a repeat is only possible for a mail the killed replica was sending
      expect(new Set(bulk.map((m) => m.messageId)).size).toBe(40);
      console.log(`measured: ${bulk.length} bulk mails received for 40 alerts (repeats share their Message-ID)`);
      expect(bulk.length).toBeLessThanOrEqual(40 + 2);
    } finally {
      await second.stop();
      moveClock(0);
    }
  });
});
