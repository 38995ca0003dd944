import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes, asyncApiDocument, openApiDocument } from '@lma/api';
import { UnauthenticatedError, createLogger, type Principal } from '@lma/core';
import type { Caller } from '../src/api/authenticate';
import { API_PREFIX, createApp, type GatewayDeps } from '../src/app';
import { RateLimiter, clientAddressKey } from '../src/domain/rateLimiter';

describe('RateLimiter.peek', () => {
  it('says whether a token is there without taking it, and knows nothing of callers it never saw', () => {
    const clock = { t: 0 };
    const l = new RateLimiter({ unauthenticated: { ratePerSecond: 1, burst: 2 } }, () => clock.t);
    expect(l.peek('ip:a', 'unauthenticated')).toEqual({ ok: true });
    expect(l.size).toBe(0);
    l.take('ip:a', 'unauthenticated');
    l.take('ip:a', 'unauthenticated');
    expect(l.peek('ip:a', 'unauthenticated')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(l.peek('ip:a', 'unauthenticated')).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.t = 1000;
    expect(l.peek('ip:a', 'unauthenticated')).toEqual({ ok: true });
    expect(l.take('ip:a', 'unauthenticated')).toEqual({ ok: true });
    expect(l.take('ip:a', 'unauthenticated').ok).toBe(false);
  });
});

describe('clientAddressKey', () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as its IPv4 address, IPv6 by its /64', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey(undefined)).toBe('unknown');
  });
});

describe('requests without valid credentials, per client address', () => {
  let server: Server;
  let base: string;
  let lookups = 0;
  const good = 'Bearer good';
  const signedIn = 'Bearer verified-before';
  const principal: Principal = { subject: 'alice', permissions: new Set(['admin']) };

  beforeAll(async () => {
    const routes = allRoutes();
    const deps: GatewayDeps = {
      routes,
      openapi: openApiDocument(routes),
      asyncapi: asyncApiDocument({ partitions: 3 }),
      // each call stands for a database read (an API key id) or a signature check
      authenticate: Object.assign(
        (headers: { authorization?: string }) => {
          lookups++;
          if (headers.authorization === good) return Promise.resolve({ principal, id: 'user:alice', forwardToken: () => '' } as unknown as Caller);
          return Promise.reject(new UnauthenticatedError('The API key is invalid', { schemes: ['Bearer', 'ApiKey'], refused: 'ApiKey' }));
        },
        // a token verified before (in the authenticator's cache)
        { known: (headers: { authorization?: string }) => (headers.authorization === signedIn ? ({ principal, id: 'user:bob', forwardToken: () => '' } as unknown as Caller) : undefined) },
      ),
      limiter: new RateLimiter({ default: { ratePerSecond: 1000, burst: 1000 }, check: { ratePerSecond: 1000, burst: 1000 } }, Date.now),
      addresses: new RateLimiter({ unauthenticated: { ratePerSecond: 1, burst: 3 } }, Date.now),
      proxy: { forward: () => Promise.reject(new Error('no service here')), close: () => Promise.resolve() } as unknown as GatewayDeps['proxy'],
      keys: {} as GatewayDeps['keys'],
      logger: createLogger('gateway-test', 'silent'),
    };
    const api = createApp(deps);
    server = createServer((req, res) => api(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${API_PREFIX}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('given a burst of 3, when an address sprays unknown API keys, then the 4th is 429 with Retry-After and costs no lookup, whatever it brings', async () => {
    const get = (auth?: string) => fetch(`${base}/openapi.json`, { headers: auth ? { authorization: auth } : {} });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await get(`ApiKey lma_${'0'.repeat(15)}${i}_${'x'.repeat(43)}`));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(lookups).toBe(3);

    const refused = await get('ApiKey lma_0000000000000009_' + 'x'.repeat(43));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ type: 'https://lma.example/problems/rate-limited', detail: expect.stringMatching(/without valid credentials from this address/) });
    // no credentials at all and credentials not verified yet wait too: the address is refused before anything is looked at
    expect((await get()).status).toBe(429);
    expect((await get(good)).status).toBe(429);
    expect(lookups).toBe(3);
    // someone behind the same address already signed in (a token verified before) is not locked out
    expect((await get(signedIn)).status).toBe(200);
    expect(lookups).toBe(3);

    // the bucket refills at 1/s: a valid caller gets through, and that costs nothing
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get(good)).status).toBe(200);
    expect((await get(good)).status).toBe(200);
    expect(lookups).toBe(5);
  });
});
