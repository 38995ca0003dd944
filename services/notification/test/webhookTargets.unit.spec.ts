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

  describe('refuses IPv6 ranges that embed an IPv4 address, whatever it embeds', () => {
    const embeds = /embeds an IPv4 address/;
    it('::/96 (IPv4-compatible), as a URL writes it too', () => {
      for (const ip of ['::127.0.0.1', '::7f00:1', '::8.8.8.8', '::a00:1', '0:0:0:0:0:0:808:808']) expect(blockedAddressReason(ip), ip).toMatch(embeds);
      expect(new URL('http://[::127.0.0.1]/').hostname).toBe('[::7f00:1]');
      expect(blockedUrlReason('http://[::127.0.0.1]:8080/hook')).toMatch(embeds);
    });
    it('::ffff:0:0:0/96 (IPv4-translated)', () => {
      for (const ip of ['::ffff:0:7f00:1', '::ffff:0:8.8.8.8']) expect(blockedAddressReason(ip), ip).toMatch(embeds);
    });
    it('64:ff9b::/96 and 64:ff9b:1::/48 (NAT64)', () => {
      for (const ip of ['64:ff9b::7f00:1', '64:ff9b::8.8.8.8', '64:ff9b:1::a00:1', '64:ff9b:1:ffff::1']) expect(blockedAddressReason(ip), ip).toMatch(embeds);
      expect(blockedAddressReason('64:ff9b:2::1')).toBeNull();
    });
    it('2001::/32 (Teredo)', () => {
      for (const ip of ['2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff']) expect(blockedAddressReason(ip), ip).toMatch(embeds);
      // the rest of 2001::/16 is ordinary global unicast
      expect(blockedAddressReason('2001:4860:4860::8888')).toBeNull();
      expect(blockedAddressReason('2001:1::1')).toBeNull();
    });
    it('2002::/16 (6to4)', () => {
      for (const ip of ['2002:7f00:1::1', '2002:a00:1::', '2002:808:808::1']) expect(blockedAddressReason(ip), ip).toMatch(embeds);
      expect(blockedAddressReason('2003::1')).toBeNull();
    });
    it('IPv4-mapped addresses in every notation stand for their IPv4 address', () => {
      for (const ip of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '::FFFF:A9FE:A9FE', '::ffff:192.168.0.1']) {
        expect(blockedAddressReason(ip), ip).toMatch(/loopback, private, link-local or reserved/);
      }
      expect(blockedUrlReason('http://[::ffff:169.254.169.254]/latest/meta-data')).toMatch(/loopback, private, link-local or reserved/);
      expect(blockedAddressReason('::ffff:808:808')).toBeNull();
      // IPv4 spelled as a number, in hex or shortened is normalised by the URL parser
      for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://0177.0.0.1/']) expect(blockedUrlReason(url), url).not.toBeNull();
    });
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
