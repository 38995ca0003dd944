import { describe, expect, it } from 'vitest';
import { defineRoute } from '@lma/api';
import { hashSecret, newApiKey, parseApiKey, secretMatches } from '../src/domain/apiKeys';
import { RateLimiter } from '../src/domain/rateLimiter';
import { compileRoutes } from '../src/domain/routeTable';

describe('RateLimiter (token bucket per caller and budget)', () => {
  const clock = { t: 0 };
  const limiter = () => new RateLimiter({ default: { ratePerSecond: 2, burst: 3 }, check: { ratePerSecond: 100, burst: 100 } }, () => clock.t);

  it('lets a burst through, then refuses with the seconds until the next token', () => {
    clock.t = 0;
    const l = limiter();
    expect([1, 2, 3].map(() => l.take('user:a', 'default').ok)).toEqual([true, true, true]);
    expect(l.take('user:a', 'default')).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.t = 499;
    expect(l.take('user:a', 'default').ok).toBe(false);
    clock.t = 500; // 2 tokens per second: one more after 500 ms
    expect(l.take('user:a', 'default').ok).toBe(true);
    expect(l.take('user:a', 'default').ok).toBe(false);
  });

  it('keeps callers and budgets apart', () => {
    clock.t = 0;
    const l = limiter();
    for (let i = 0; i < 3; i++) l.take('user:a', 'default');
    expect(l.take('user:a', 'default').ok).toBe(false);
    expect(l.take('user:b', 'default').ok).toBe(true);
    expect(l.take('user:a', 'check').ok).toBe(true);
  });

  it('never holds more than the burst after a long idle time', () => {
    clock.t = 0;
    const l = limiter();
    l.take('user:a', 'default');
    clock.t = 3_600_000;
    expect([1, 2, 3, 4].map(() => l.take('user:a', 'default').ok)).toEqual([true, true, true, false]);
  });

  it('forgets idle callers when it holds too many buckets', () => {
    clock.t = 0;
    const l = new RateLimiter({ default: { ratePerSecond: 1, burst: 1 }, check: { ratePerSecond: 1, burst: 1 } }, () => clock.t, 10);
    for (let i = 0; i < 10; i++) l.take(`user:${i}`, 'default');
    clock.t = 5_000;
    l.take('user:new', 'default');
    expect(l.size).toBe(1);
  });
});

describe('API keys', () => {
  it('are lma_<keyId>_<secret> with a 256-bit secret, checked against its hash only', () => {
    const k = newApiKey();
    expect(k.key).toMatch(/^lma_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(k.secret, 'base64url')).toHaveLength(32);
    expect(parseApiKey(k.key)).toEqual({ keyId: k.keyId, secret: k.secret });
    const stored = hashSecret(k.secret);
    expect(secretMatches(k.secret, stored)).toBe(true);
    expect(secretMatches(newApiKey().secret, stored)).toBe(false);
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'lma_', 'lma_0123456789abcdef_short', `lma_XYZ3456789abcdef_${'a'.repeat(43)}`, `lma_0123456789abcdef_${'a'.repeat(44)}`]) {
      expect(parseApiKey(bad), bad).toBeNull();
    }
  });
});

describe('route table', () => {
  const r = (method: 'get' | 'post' | 'delete', path: string) =>
    defineRoute({ operationId: `${method}${path}`, method, path, service: 'license', permission: 'admin', summary: '', tags: [], responses: { 200: { description: '' } } });
  const match = compileRoutes([r('get', '/things/{id}'), r('delete', '/things/{id}'), r('get', '/things/by-name/{name}'), r('post', '/things')]);

  it('matches literal segments before parameters and decodes parameters', () => {
    expect(match('GET', '/things/by-name/a%20b')).toMatchObject({ kind: 'route', route: { path: '/things/by-name/{name}' }, params: { name: 'a b' } });
    expect(match('GET', '/things/t1')).toMatchObject({ kind: 'route', route: { path: '/things/{id}' }, params: { id: 't1' } });
  });

  it('says which methods a known path allows, and when nothing is there', () => {
    expect(match('PUT', '/things/t1')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'DELETE'] });
    expect(match('GET', '/nothing')).toEqual({ kind: 'not-found' });
    expect(match('GET', '/things/t1/x')).toEqual({ kind: 'not-found' });
    expect(match('GET', '/things/%E0%A4%A')).toEqual({ kind: 'bad-path', param: 'id' });
  });
});
