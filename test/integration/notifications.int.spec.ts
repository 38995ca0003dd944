import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalTopic, LICENSE_EVENTS_TOPIC, LeadEventType, LicenseEventType, NotificationInputTopic, NotificationInputType, type LicenseV1 } from '@lma/contracts';
import { setClockOffset } from '@lma/core';
import { eventually, freePort, ids } from '@lma/testing';
import { Harness } from './harness';
import { TestSmtp, newLicense, nothingPending, quickNotificationEnv, scansPassed } from './notification-fixtures';

/**
 * The notification service on its own, fed `lma.license.events` and the lead service's team
 * directory events by the test (it is their consumer), delivering to a real SMTP server and a
 * real HTTP receiver in this process. Time moves through LMA_CLOCK_FILE.
 */
const smtp = new TestSmtp();
const mails = smtp.mails;
const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'lma-notif-')), 'clock');
let offsetMs = 0;
const DAY = 86_400_000;
const moveClock = (ms: number) => {
  offsetMs = ms;
  setClockOffset(clockFile, ms);
};
const serviceNow = () => new Date(Date.now() + offsetMs);
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

let h: Harness;
const notifications = () => h.db('notification').collection<Record<string, unknown> & { _id: string }>('notifications');

beforeAll(async () => {
  await smtp.start();
  moveClock(0);
  // the test's webhook receiver listens on loopback
  h = new Harness('notif', quickNotificationEnv(smtp, clockFile, { NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true' }));
  await h.start(['notification'], []);
});
afterAll(async () => {
  await h.stop();
  await smtp.stop();
});

// --- inputs, as the license and lead services publish them ---

const revisions = new Map<string, number>();

/** Publishes the license's next revision (or the given one again: a redelivery), with the service's time. */
async function publishLicense(type: string, l: LicenseV1, opts: { id?: string } = {}): Promise<string> {
  const id = opts.id ?? `${l.licenseId}:${l.revision}`;
  revisions.set(l.licenseId, l.revision);
  await h.kafka.publishEvent(LICENSE_EVENTS_TOPIC, { id, type, key: `${l.packageId}:${l.subscriberOrgId}`, data: l, time: serviceNow().toISOString(), source: 'lma/license' });
  return id;
}

async function teamMember(id: string, email: string, roles: string[]): Promise<void> {
  await h.kafka.publishEvent(InternalTopic.LeadEvents, {
    type: LeadEventType.TeamMemberChanged,
    key: id,
    data: { teamMemberId: id, active: true, name: id, email, roles },
    source: 'lma/lead',
  });
  await eventually(`team member ${id} in the directory`, async () => (await h.db('notification').collection('team_members').findOne({ _id: id as never })) !== null);
}

async function createRule(body: Record<string, unknown>) {
  const r = await h.http('notification', 'POST', '/v1/notification-rules', body, ['notification-rules:edit']);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { ruleId: string };
}

const notificationsOf = async (filter: Record<string, unknown>) => await notifications().find(filter).toArray();

describe('rules', () => {
  it('rejects invalid rules with field-level errors', async () => {
    await teamMember('rita', 'rita@partner.example', ['retention-specialist']);
    const r = await h.http(
      'notification',
      'POST',
      '/v1/notification-rules',
      {
        kind: 'license-expiring',
        name: 'bad',
        stages: [7, 7, 400],
        recipients: { teamMemberIds: ['rita', 'nobody'] },
        subject: 'Expiring: {{licenseName}} {{colour}}',
        body: 'ok',
      },
      ['notification-rules:edit'],
    );
    expect(r.status).toBe(400);
    const errors = (r.body['errors'] as { field: string; reason: string }[]) ?? [];
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.reason]));
    expect(byField['body.stages.2']).toBeDefined();
    // zod stops at the range error, so uniqueness is checked on a second request below
    const r2 = await h.http(
      'notification',
      'POST',
      '/v1/notification-rules',
      { kind: 'license-expiring', name: 'bad', stages: [7, 7], recipients: { teamMemberIds: ['rita', 'nobody'] }, subject: 'Expiring: {{licenseName}} {{colour}}', body: 'ok' },
      ['notification-rules:edit'],
    );
    expect(r2.status).toBe(400);
    const byField2 = Object.fromEntries(((r2.body['errors'] as { field: string; reason: string }[]) ?? []).map((e) => [e.field, e.reason]));
    expect(byField2['body.subject']).toContain('{{colour}}');
    expect(byField2['body.stages']).toContain('repeat');
    expect(byField2['body.recipients.teamMemberIds.1']).toContain('nobody');
    expect(byField2['body.recipients.teamMemberIds.0']).toBeUndefined();
    // reading needs notification-rules:read, changing needs :edit
    expect((await h.http('notification', 'POST', '/v1/notification-rules', {}, ['notification-rules:read'])).status).toBe(403);
    expect((await h.http('notification', 'GET', '/v1/notification-rules?limit=abc', undefined, ['notification-rules:read'])).status).toBe(400);
  });

  it('refuses a webhook secret that is not a Standard Webhooks secret, naming it', async () => {
    const valid = `whsec_${randomBytes(32).toString('base64')}`;
    const r = await h.http(
      'notification',
      'POST',
      '/v1/notification-rules',
      {
        kind: 'license-uninstalled',
        name: 'bad secrets',
        recipients: { webhooks: [{ id: 'crm', url: 'https://crm.partner.example/lma', secrets: ['crm-secret-0123456789abcdef', `whsec_${randomBytes(16).toString('base64')}`, valid] }] },
        subject: 'x',
        body: 'y',
      },
      ['notification-rules:edit'],
    );
    expect(r.status).toBe(400);
    const byField = Object.fromEntries(((r.body['errors'] as { field: string; reason: string }[]) ?? []).map((e) => [e.field, e.reason]));
    expect(byField).toEqual({
      'body.recipients.webhooks.0.secrets.0': expect.stringContaining('must be whsec_ followed by the base64 of a random key'),
      'body.recipients.webhooks.0.secrets.1': expect.stringContaining('must hold a key of 24 to 64 bytes'),
    });
  });

  it('keeps held webhook secrets by their hint: a change of recipients sends no secret again; an unknown or ambiguous keep is refused and the rule stays; secrets never echoed', async () => {
    const edit = ['notification-rules:edit', 'notification-rules:read'];
    const webhook = (secrets: unknown[]) => ({ webhooks: [{ id: 'crm', url: 'https://crm.partner.example/lma', secrets }] });
    // a package of its own: the rule never alerts for the other tests' licenses
    const base = { kind: 'license-uninstalled', name: 'Kept secrets', packageId: ids.packageId(), subject: 'x', body: 'y' };
    const problemFields = (r: { body: Record<string, unknown> }) => Object.fromEntries(((r.body['errors'] as { field: string; reason: string }[]) ?? []).map((e) => [e.field, e.reason]));
    const a = `whsec_${randomBytes(32).toString('base64')}`;
    // two keys whose last 3 bytes (the last 4 base64 characters) are the same: the same hint
    const tail = randomBytes(3);
    const [b, c] = [0, 1].map(() => `whsec_${Buffer.concat([randomBytes(30), tail]).toString('base64')}`) as [string, string];
    const hint = (s: string) => `…${s.slice(-4)}`;
    const seen: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await h.http('notification', method, path, body, edit);
      seen.push(JSON.stringify(r.body));
      return r;
    };

    const keptOnCreate = await call('POST', '/v1/notification-rules', { ...base, recipients: webhook([a, { keep: hint(b) }]) });
    expect(keptOnCreate.status).toBe(400);
    expect(problemFields(keptOnCreate)).toEqual({ 'body.recipients.webhooks.0.secrets.1': expect.stringContaining('a new rule holds no secret yet') });

    const created = await call('POST', '/v1/notification-rules', { ...base, recipients: { emails: ['a@partner.example'], ...webhook([a, b]) } });
    expect(created.status).toBe(201);
    const ruleId = created.body['ruleId'] as string;
    const path = `/v1/notification-rules/${ruleId}`;
    const stored = async () => ((await h.db('notification').collection('rules').findOne({ _id: ruleId as never })) as { recipients: { webhooks: { secrets: string[] }[] } } | null)?.recipients.webhooks[0]?.secrets;

    // an address added: the held secrets are kept by their hints, none pasted
    const added = await call('PATCH', path, { recipients: { emails: ['a@partner.example', 'b@partner.example'], ...webhook([{ keep: hint(a) }, { keep: b.slice(-4) }]) } });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ revision: 2, recipients: { emails: ['a@partner.example', 'b@partner.example'], webhooks: [{ id: 'crm', secretHints: [hint(a), hint(b)] }] } });
    expect(await stored()).toEqual([a, b]);

    // a keep that names no held secret of this webhook: refused, naming it; the rule stays as it was
    const unknown = await call('PATCH', path, { enabled: false, recipients: { emails: [], ...webhook([{ keep: hint(a) }, { keep: '…zzzz' }]) } });
    expect(unknown.status).toBe(400);
    expect(problemFields(unknown)).toEqual({ 'body.recipients.webhooks.0.secrets.1': expect.stringContaining('holds no secret ending in zzzz for webhook crm') });
    // a hint two held secrets share is ambiguous
    await call('PATCH', path, { recipients: webhook([{ keep: hint(a) }, b, c]) }).then((r) => expect(r.status).toBe(200));
    const ambiguous = await call('PATCH', path, { recipients: webhook([{ keep: hint(b) }]) });
    expect(ambiguous.status).toBe(400);
    expect(problemFields(ambiguous)).toEqual({ 'body.recipients.webhooks.0.secrets.0': expect.stringContaining('ambiguous: 2 secrets of webhook crm') });
    const got = await call('GET', path);
    expect(got.body).toMatchObject({ enabled: true, revision: 3, recipients: { emails: [], webhooks: [{ secretHints: [hint(a), hint(b), hint(c)] }] } });

    // rotation done: only the new secret is kept; a keep of a webhook id the rule does not hold is refused
    const rotated = await call('PATCH', path, { recipients: webhook([b]) });
    expect(rotated.body).toMatchObject({ revision: 4, recipients: { webhooks: [{ secretHints: [hint(b)] }] } });
    expect(await stored()).toEqual([b]);
    const otherId = await call('PATCH', path, { recipients: { webhooks: [{ id: 'erp', url: 'https://erp.partner.example/lma', secrets: [{ keep: hint(b) }] }] } });
    expect(problemFields(otherId)).toEqual({ 'body.recipients.webhooks.0.secrets.0': expect.stringContaining('for webhook erp') });

    // no response ever carries a secret, and neither does the service's log
    for (const secret of [a, b, c]) {
      const key = secret.slice('whsec_'.length);
      expect(seen.filter((text) => text.includes(key))).toEqual([]);
      expect(h.service('notification').logs.filter((l) => l.includes(key))).toEqual([]);
    }
  });

  it('changes a rule and switches it off; a change is validated like a new rule', async () => {
    const rule = await createRule({ kind: 'license-expiring', name: 'Renewals', recipients: { emails: ['a@partner.example'] }, subject: '{{licenseName}}', body: '{{daysLeft}}' });
    const got = await h.http('notification', 'GET', `/v1/notification-rules/${rule.ruleId}`, undefined, ['notification-rules:read']);
    expect(got.body).toMatchObject({ enabled: true, stages: [30, 7], packageId: null, revision: 1 });
    const bad = await h.http('notification', 'PATCH', `/v1/notification-rules/${rule.ruleId}`, { body: '{{seatz}}' }, ['notification-rules:edit']);
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([expect.objectContaining({ field: 'body.body', reason: expect.stringContaining('{{seatz}}') })]);
    const off = await h.http('notification', 'PATCH', `/v1/notification-rules/${rule.ruleId}`, { enabled: false, stages: [14] }, ['notification-rules:edit']);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, stages: [14], revision: 2, updatedBy: 'tester@example.com' });
  });

  it('deletes a rule: no longer read, listed or matched, while the notifications it raised keep their history', async () => {
    const pkg = ids.packageId();
    const rule = await createRule({ kind: 'license-uninstalled', name: 'To delete', packageId: pkg, recipients: { emails: ['gone@partner.example'] }, subject: 'deleted-rule {{licenseName}}', body: 'x' });
    let lic = newLicense({ packageId: pkg });
    await publishLicense(LicenseEventType.Created, lic);
    lic = { ...lic, status: 'Uninstalled', revision: 2 };
    await publishLicense(LicenseEventType.Uninstalled, lic);
    const [raised] = await eventually('the notification of the rule', async () => {
      const all = await notificationsOf({ ruleId: rule.ruleId });
      return all.length === 1 && all[0]!['status'] === 'sent' && all;
    });

    const path = `/v1/notification-rules/${rule.ruleId}`;
    expect((await h.http('notification', 'DELETE', path, undefined, ['notification-rules:read'])).status).toBe(403);
    expect((await h.http('notification', 'DELETE', path, undefined, ['notification-rules:edit'])).status).toBe(204);
    expect((await h.http('notification', 'GET', path, undefined, ['notification-rules:read'])).status).toBe(404);
    expect((await h.http('notification', 'PATCH', path, { enabled: true }, ['notification-rules:edit'])).status).toBe(404);
    expect((await h.http('notification', 'DELETE', path, undefined, ['notification-rules:edit'])).status).toBe(404);
    const listed = await h.http('notification', 'GET', `/v1/notification-rules?packageId=${pkg}`, undefined, ['notification-rules:read']);
    expect(listed.body['items']).toEqual([]);
    const stored = await h.db('notification').collection('rules').findOne({ _id: rule.ruleId as never });
    expect(stored).toMatchObject({ enabled: false, deletedBy: 'tester@example.com' });

    // the next uninstall of the package raises nothing from it; what it raised is still there
    let other = newLicense({ packageId: pkg });
    await publishLicense(LicenseEventType.Created, other);
    other = { ...other, status: 'Uninstalled', revision: 2 };
    await publishLicense(LicenseEventType.Uninstalled, other);
    await eventually('the second uninstall to be read', async () => (await h.db('notification').collection('licenses').findOne({ _id: other.licenseId as never, revision: 2 })) !== null, 20_000);
    await h.kafka.waitForGroupToPass(`${h.prefix}.notification.licenses`, LICENSE_EVENTS_TOPIC);
    expect(await notificationsOf({ ruleId: rule.ruleId })).toHaveLength(1);
    expect((await h.http('notification', 'GET', `/v1/notifications/${raised!._id}`, undefined, ['notification-rules:read'])).body).toMatchObject({ status: 'sent', ruleId: rule.ruleId });
  });
});

describe('uninstall, suspension and webhooks', () => {
  it("mails the retention specialist once per uninstall, again after a reinstall and uninstall", async () => {
    await teamMember('rhea', 'rhea@partner.example', ['retention-specialist']);
    const pkg = ids.packageId();
    const rule = await createRule({
      kind: 'license-uninstalled',
      name: 'Uninstalls',
      packageId: pkg,
      recipients: { roles: ['retention-specialist'] },
      subject: '{{licenseName}} was uninstalled by {{subscriberOrgId}}',
      body: 'License {{licenseName}} ({{seats}} seats, status {{status}}): {{licenseUrl}}',
    });
    const off = await createRule({ kind: 'license-uninstalled', name: 'Switched off', packageId: pkg, enabled: false, recipients: { emails: ['off@partner.example'] }, subject: 'off', body: 'off' });
    let lic = newLicense({ packageId: pkg });
    await publishLicense(LicenseEventType.Created, lic);
    lic = { ...lic, status: 'Uninstalled', revision: 2 };
    const publishedAt = Date.now();
    const uninstallId = await publishLicense(LicenseEventType.Uninstalled, lic);
    const first = await eventually('the uninstall mail', () => mails.filter((m) => m.subject === `${lic.licenseName} was uninstalled by ${lic.subscriberOrgId}`).length === 1 && mails, 20_000, 10);
    console.log(`measured: license event published -> mail received: ${Date.now() - publishedAt} ms`);
    const mail = first.find((m) => m.subject.startsWith(lic.licenseName))!;
    expect(mail.to).toContain('rhea@partner.example');
    expect(mail.text).toContain('10 seats, status Uninstalled');
    expect(mail.messageId).toBe(`<${mail.notificationId}@notifications.lma.local>`);

    // the same event again (redelivery) and a later event of the same uninstall: no second mail
    await publishLicense(LicenseEventType.Uninstalled, lic, { id: uninstallId });
    lic = { ...lic, usedLicenses: 0, revision: 3 };
    await publishLicense(LicenseEventType.SeatsUsedChanged, lic);
    // reinstall, then uninstall again: a new occasion
    lic = { ...lic, status: 'Active', revision: 4 };
    await publishLicense(LicenseEventType.Reinstalled, lic);
    lic = { ...lic, status: 'Uninstalled', revision: 5 };
    await publishLicense(LicenseEventType.Uninstalled, lic);
    await eventually('the second uninstall mail', () => mails.filter((m) => m.subject.startsWith(`${lic.licenseName} was uninstalled`)).length === 2);
    const stored = await eventually('both recorded as sent', async () => {
      const all = await notificationsOf({ ruleId: rule.ruleId });
      return all.every((n) => n['status'] === 'sent') && all;
    });
    expect(stored.map((n) => n['occasion']).sort()).toEqual([`uninstalled:${lic.licenseId}:2`, `uninstalled:${lic.licenseId}:5`]);
    expect(await notifications().countDocuments({ ruleId: off.ruleId })).toBe(0);
    const metrics = await (await fetch(`${h.service('notification').metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/lma_notifications_sent_total\{channel="email",kind="license-uninstalled"\} [2-9]/);

    // the history, by license, with its delivery log
    const history = await h.http('notification', 'GET', `/v1/notifications?licenseId=${lic.licenseId}&limit=1`, undefined, ['notification-rules:read']);
    expect(history.status).toBe(200);
    const items = history.body['items'] as { status: string; deliveryLog: { outcome: string; response: string }[] }[];
    expect(items).toHaveLength(1);
    expect(items[0]!.deliveryLog[0]!.outcome).toBe('sent');
    expect(history.body['nextCursor']).toEqual(expect.any(String));
    const page2 = await h.http('notification', 'GET', `/v1/notifications?licenseId=${lic.licenseId}&limit=1&cursor=${String(history.body['nextCursor'])}`, undefined, ['notification-rules:read']);
    expect((page2.body['items'] as unknown[]).length).toBe(1);
    expect(page2.body['nextCursor']).toBeNull();

    // a manual resend: audited, and the mail arrives again with a new Message-ID
    const id = (items[0] as unknown as { notificationId: string }).notificationId;
    const resend = await h.http('notification', 'POST', `/v1/notifications/${id}/resend`, undefined, ['notification-rules:edit']);
    expect(resend.status).toBe(202);
    await eventually('the resent mail', () => mails.filter((m) => m.notificationId === id).length === 2);
    expect(mails.filter((m) => m.notificationId === id)[1]!.messageId).toBe(`<${id}.r1@notifications.lma.local>`);
    const after = await h.http('notification', 'GET', `/v1/notifications/${id}`, undefined, ['notification-rules:read']);
    expect(after.body['resends']).toEqual([{ by: 'tester@example.com', at: expect.any(String) }]);
  });

  it('keeps a mail while the SMTP server is down and delivers it once when it is back', async () => {
    const pkg = ids.packageId();
    const rule = await createRule({
      kind: 'license-uninstalled',
      name: 'Uninstalls while SMTP is down',
      packageId: pkg,
      recipients: { emails: ['ops@partner.example'] },
      subject: 'smtp-restart {{licenseName}}',
      body: '{{licenseName}} uninstalled',
    });
    await smtp.stop();
    let lic = newLicense({ packageId: pkg });
    await publishLicense(LicenseEventType.Created, lic);
    lic = { ...lic, status: 'Uninstalled', revision: 2 };
    await publishLicense(LicenseEventType.Uninstalled, lic);
    const failing = await eventually('failed attempts while SMTP is down', async () => {
      const [n] = await notificationsOf({ ruleId: rule.ruleId });
      return n && (n['log'] as unknown[]).length >= 2 && n;
    });
    expect(failing['status']).toBe('pending');
    expect(String(failing['lastError'])).toMatch(/ECONNREFUSED|connect/i);
    await smtp.start(smtp.port);
    await eventually('the mail after the SMTP restart', () => mails.some((m) => m.subject === `smtp-restart ${lic.licenseName}`));
    const [n] = await eventually('the delivery recorded', async () => {
      const all = await notificationsOf({ ruleId: rule.ruleId });
      return all[0]?.['status'] === 'sent' && all;
    });
    expect((n!['log'] as { outcome: string }[]).at(-1)!.outcome).toBe('sent');
    await nothingPending(h.db('notification'), [n!._id]);
    expect(mails.filter((m) => m.subject === `smtp-restart ${lic.licenseName}`)).toHaveLength(1);
  });

  it('signs webhooks as Standard Webhooks: a receiver verifies them with standardwebhooks and rejects a tampered body; delivered once after the receiver comes back', async () => {
    const oldSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const newSecret = `whsec_${randomBytes(32).toString('base64')}`;
    // a receiver that has already switched to the new secret of a rotation
    const receiver = new Webhook(newSecret);
    type Arrival = { headers: Record<string, string>; body: string };
    const attempts: Arrival[] = [];
    const received: Arrival[] = [];
    let refuse = 3;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const arrival = { headers: req.headers as Record<string, string>, body };
        try {
          receiver.verify(body, arrival.headers);
        } catch (err) {
          res.writeHead(401).end(String(err));
          return;
        }
        attempts.push(arrival);
        if (refuse > 0) {
          refuse--;
          res.writeHead(503).end('down for maintenance');
          return;
        }
        received.push(arrival);
        res.writeHead(204).end();
      });
    });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks/lma`;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const pkg = ids.packageId();
      const rule = await createRule({
        kind: 'license-suspended',
        name: 'Suspensions to the CRM',
        packageId: pkg,
        recipients: { webhooks: [{ id: 'crm', url, secrets: [newSecret, oldSecret] }] },
        subject: '{{licenseName}} suspended',
        body: '{{company}} {{licenseName}} is {{status}}',
      });
      let lic = newLicense({ packageId: pkg });
      await publishLicense(LicenseEventType.Created, lic);
      lic = { ...lic, status: 'Suspended', revision: 2 };
      const eventId = await publishLicense(LicenseEventType.StatusChanged, lic);
      await publishLicense(LicenseEventType.StatusChanged, lic, { id: eventId });
      await eventually('the webhook delivery', () => received.length === 1, 20_000);
      const hook = received[0]!;
      // one signature per secret, so a receiver still on the old secret verifies too
      expect(hook.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      expect(new Webhook(oldSecret).verify(hook.body, hook.headers)).toEqual(JSON.parse(hook.body));
      expect(Math.abs(Number(hook.headers['webhook-timestamp']) - serviceNow().getTime() / 1000)).toBeLessThan(60);
      const signed = { 'content-type': 'application/json', ...Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((k) => [k, hook.headers[k]!])) };
      const tampered = await fetch(url, { method: 'POST', headers: signed, body: hook.body.replace('Suspended', 'Active') });
      expect(tampered.status).toBe(401);
      expect(await tampered.text()).toContain('No matching signature found');
      const payload = JSON.parse(hook.body) as { kind: string; subject: string; data: { licenseId: string } };
      expect(payload.kind).toBe('license-suspended');
      expect(payload.subject).toBe(`${lic.licenseName} suspended`);
      expect(payload.data.licenseId).toBe(lic.licenseId);
      const [n] = await eventually('the delivery recorded', async () => {
        const all = await notificationsOf({ ruleId: rule.ruleId });
        return all.length === 1 && all[0]!['status'] === 'sent' && all;
      });
      // every retry carries the notification's id, so a receiver can drop a repeat
      expect(attempts.map((a) => a.headers['webhook-id'])).toEqual([n!._id, n!._id, n!._id, n!._id]);
      const log = n!['log'] as { outcome: string; error: string | null }[];
      expect(log.map((l) => l.outcome)).toEqual(['failed', 'failed', 'failed', 'sent']);
      expect(log[0]!.error).toContain('HTTP 503');
      // nothing more arrives: delivered once
      await nothingPending(h.db('notification'), [n!._id]);
      expect(received).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('onboarding', () => {
  it('mails the administrators when an onboarding fails', async () => {
    await teamMember('ann', 'ann@partner.example', ['admin']);
    await createRule({
      kind: 'onboarding-failed',
      name: 'Failed onboardings',
      recipients: { roles: ['admin'] },
      subject: 'Onboarding {{sagaId}} failed',
      body: '{{subscriberOrgId}}: {{reason}} ({{onboardingUrl}})',
    });
    const data = { sagaId: `saga_${Math.random().toString(36).slice(2)}`, packageId: ids.packageId(), subscriberOrgId: ids.subscriberOrgId(), reason: 'license can never be created: seats invalid', failedAt: serviceNow().toISOString() };
    for (let i = 0; i < 2; i++) {
      // published twice with the same id: install-intake's outbox may relay a fact more than once
      await h.kafka.publishEvent(NotificationInputTopic.OnboardingEvents, { id: `${data.sagaId}:failed`, type: NotificationInputType.OnboardingFailed, key: `${data.packageId}:${data.subscriberOrgId}`, data, source: 'lma/install-intake' });
    }
    const mail = await eventually('the failed-onboarding mail', () => mails.find((m) => m.subject === `Onboarding ${data.sagaId} failed`));
    expect(mail.to).toContain('ann@partner.example');
    expect(mail.text).toContain(`${data.subscriberOrgId}: license can never be created: seats invalid (http://127.0.0.1:4000/api/v1/onboardings/${data.sagaId})`);
    // both copies read, and nothing left to deliver
    await h.kafka.waitForGroupToPass(`${h.prefix}.notification.onboarding`, NotificationInputTopic.OnboardingEvents);
    await nothingPending(h.db('notification'), (await notificationsOf({ sagaId: data.sagaId })).map((n) => n._id));
    expect(mails.filter((m) => m.subject === `Onboarding ${data.sagaId} failed`)).toHaveLength(1);
  });
});

describe('expiring licenses', () => {
  it('mails once per stage at the right time, again after an extension, not for a license expired long ago', async () => {
    await teamMember('sam', 'sam@partner.example', ['sales-rep']);
    const pkg = ids.packageId();
    const rule = await createRule({
      kind: 'license-expiring',
      name: 'Renewals',
      packageId: pkg,
      recipients: { roles: ['sales-rep'], emails: ['renewals@partner.example'] },
      subject: '{{licenseName}} expires in {{daysLeft}} days (stage {{stage}})',
      body: '{{licenseName}} expires on {{expiresOn}}',
    });
    const today = Date.parse(`${isoDate(Date.now())}T00:00:00Z`);
    const expiresOn = isoDate(today + 40 * DAY);
    let lic = newLicense({ packageId: pkg, expiresOn });
    await publishLicense(LicenseEventType.Created, lic);
    // long expired (beyond the 3-day cut-off): no alert, even though every stage is "due"
    let old = newLicense({ packageId: pkg, expiresOn: isoDate(today - 20 * DAY) });
    await publishLicense(LicenseEventType.Created, old);
    const mailsOf = (l: LicenseV1) => mails.filter((m) => m.subject.startsWith(`${l.licenseName} expires`));
    await eventually('the license in the read model', async () => (await h.db('notification').collection('licenses').countDocuments({ packageId: pkg })) === 2);
    await scansPassed([h.service('notification')]);
    expect(mailsOf(lic)).toHaveLength(0);

    moveClock(11 * DAY); // 29 days left
    await eventually('the 30-day alert', () => mailsOf(lic).length === 1);
    expect(mailsOf(lic)[0]!.subject).toContain('stage 30');
    expect(mailsOf(lic)[0]!.to).toEqual(['renewals@partner.example', 'sam@partner.example']);

    moveClock(34 * DAY); // 6 days left
    await eventually('the 7-day alert', () => mailsOf(lic).length === 2);
    expect(mailsOf(lic)[1]!.subject).toBe(`${lic.licenseName} expires in 6 days (stage 7)`);

    // extended by 30 days: 36 days left, nothing now; the stages are armed again for the new date
    lic = { ...lic, expiresOn: isoDate(today + 70 * DAY), revision: 2 };
    await publishLicense(LicenseEventType.Modified, lic);
    await h.kafka.waitForGroupToPass(`${h.prefix}.notification.licenses`, LICENSE_EVENTS_TOPIC);
    await scansPassed([h.service('notification')]);
    expect(mailsOf(lic)).toHaveLength(2);
    moveClock(41 * DAY); // 29 days left of the new date
    await eventually('the 30-day alert of the extended license', () => mailsOf(lic).length === 3);

    // the old license renewed: 5 days left, the 7-day alert only
    old = { ...old, expiresOn: isoDate(today + 46 * DAY), revision: 2 };
    await publishLicense(LicenseEventType.Modified, old);
    await eventually('the renewed license alert', () => mailsOf(old).length === 1);
    expect(mailsOf(old)[0]!.subject).toContain('stage 7');
    await scansPassed([h.service('notification')]);
    await nothingPending(h.db('notification'), (await notificationsOf({ ruleId: rule.ruleId })).map((n) => n._id));
    expect(mailsOf(lic)).toHaveLength(3);
    expect(mailsOf(old)).toHaveLength(1);
    expect(await notifications().countDocuments({ ruleId: rule.ruleId })).toBe(4);
    moveClock(0);
  });
});
