import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRule, type Recipients } from '../src/domain/rules';
import { blockedAddressReason, blockedUrlReason } from '../src/domain/webhookTargets';
import { createWebhookSender, type Webhook } from '../src/infra/senders';

describe('webhook targets (server-side request forgery)', () => {
  it('refuses loopback, private, link-local and reserved addresses, IPv4 and IPv6, and lets public ones through', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(blockedAddressReason(ip), ip).toMatch(/loopback, private, link-local or reserved/);
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(blockedAddressReason(ip), ip).toBeNull();
    expect(blockedUrlReason('http://[::1]:8080/x')).not.toBeNull();
    expect(blockedUrlReason('https://169.254.169.254/latest/meta-data')).not.toBeNull();
    // names are checked when they are resolved, at each delivery
    expect(blockedUrlReason('https://hooks.example.com/lma')).toBeNull();
  });

  it('names the webhook url field when a rule points to an internal address, unless they are allowed', () => {
    const recipients: Recipients = { teamMemberIds: [], roles: [], leadManager: false, emails: [], webhooks: [{ id: 'crm', url: 'http://10.0.0.5/hook', secrets: ['s'.repeat(16)] }] };
    const rule = { kind: 'license-uninstalled' as const, stages: [], parkedMinutes: null, recipients, subject: 'x', body: 'y' };
    expect(validateRule(rule, () => true)).toEqual([{ field: 'body.recipients.webhooks.0.url', reason: expect.stringContaining('must not point to an internal address') }]);
    expect(validateRule(rule, () => true, { allowPrivateWebhooks: true })).toEqual([]);
  });

  describe('sending', () => {
    let server: Server;
    let port = 0;
    let hits = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        hits++;
        req.resume();
        req.on('end', () => res.writeHead(204).end());
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise<void>((r) => server.close(() => r()));
    });
    const hook = (url: string): Webhook => ({ url, secrets: [`whsec_${Buffer.alloc(32, 7).toString('base64')}`], id: 'n_1', body: '{}', timestamp: '1' });

    it('refuses, before connecting, an internal address given as such or as a name that resolves to one', async () => {
      const send = createWebhookSender({ timeoutMs: 2000, allowPrivate: false });
      await expect(send(hook(`http://127.0.0.1:${port}/hook`))).rejects.toThrow(/127\.0\.0\.1 is a loopback.*refused/);
      await expect(send(hook(`http://localhost:${port}/hook`))).rejects.toThrow(/webhook host localhost: .* is a loopback.*refused/);
      expect(hits).toBe(0);
    });

    it('delivers to the same receiver when internal addresses are allowed', async () => {
      const send = createWebhookSender({ timeoutMs: 2000, allowPrivate: true });
      expect(await send(hook(`http://localhost:${port}/hook`))).toEqual({ response: 'HTTP 204' });
      expect(hits).toBe(1);
    });
  });
});
