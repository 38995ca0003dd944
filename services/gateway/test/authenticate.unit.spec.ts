import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { createForwardVerifier, signJwt, type LmaError } from '@lma/core';
import { createAuthenticator } from '../src/api/authenticate';
import { createUserTokenVerifier } from '../src/api/userTokens';
import { hashSecret, newApiKey } from '../src/domain/apiKeys';
import type { CachedApiKey } from '../src/infra/apiKeyStore';

const jwt = { secret: 'unit-test-secret-0123456789abcdef0123', issuer: 'lma-unit' };
const gatewayKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** What a service verifies forwarded tokens with (its own name as the audience). */
const serviceVerifier = (audience: string, now: () => number) => createForwardVerifier({ publicKey: gatewayKey.publicKey, audience, now });

function setup() {
  const clock = { t: Date.parse('2026-03-01T00:00:00Z') };
  const k = newApiKey();
  const stored: { key: CachedApiKey | null } = {
    key: { keyId: k.keyId, secretHash: hashSecret(k.secret), revoked: false, principal: { subject: `apikey:${k.keyId}`, permissions: new Set(['licenses:read']) } },
  };
  // user tokens as in development (AUTH_DEV_HS256): userTokens.unit.spec.ts covers OpenID Connect
  const userTokens = createUserTokenVerifier(
    { devHs256: jwt, permissionsClaim: 'permissions', knownPermissions: ['leads:read', 'licenses:read', 'admin'], maxTokenAgeSeconds: 3600, clockSkewSeconds: 0 },
    { now: () => clock.t },
  );
  const auth = createAuthenticator({ userTokens, forwardTtlSeconds: 60, signingKey: gatewayKey.privateKey, lookupKey: async () => stored.key, now: () => clock.t });
  return { clock, k, stored, auth };
}
const detail = async (p: Promise<unknown>) => ((await p.then(() => undefined, (e: LmaError) => e)) as LmaError | undefined)?.message;

describe('the gateway authenticator', () => {
  it('accepts a bearer token and forwards a short-lived token per service with the same subject and permissions', async () => {
    const { clock, auth } = setup();
    const token = signJwt({ sub: 'ada@example.com', permissions: ['leads:read'] }, { ...jwt, now: () => clock.t });
    const caller = await auth({ authorization: `Bearer ${token}` });
    expect(caller.id).toBe('user:ada@example.com');
    const forwarded = serviceVerifier('lead', () => clock.t).verify(caller.forwardToken('lead'));
    expect(forwarded).toEqual({ subject: 'ada@example.com', permissions: new Set(['leads:read']) });
    // the lead service's token is no good at the license service (aud)
    expect(() => serviceVerifier('license', () => clock.t).verify(caller.forwardToken('lead'))).toThrow(/another service/);
    expect(serviceVerifier('license', () => clock.t).verify(caller.forwardToken('license')).subject).toBe('ada@example.com');
    // 60 s, plus the 5 s of clock skew a service tolerates
    expect(() => serviceVerifier('lead', () => clock.t + 65_000).verify(caller.forwardToken('lead'))).toThrow(/expired/);
  });

  it('stops accepting a cached bearer token when it expires', async () => {
    const { clock, auth } = setup();
    const token = signJwt({ sub: 'ada@example.com', permissions: [] }, { ...jwt, now: () => clock.t, expiresInSeconds: 10 });
    await auth({ authorization: `Bearer ${token}` });
    clock.t += 9_000;
    await expect(auth({ authorization: `Bearer ${token}` })).resolves.toBeDefined();
    clock.t += 1_000;
    expect(await detail(auth({ authorization: `Bearer ${token}` }))).toMatch(/expired/);
  });

  it('knows a bearer token only once it has been verified, and only until it expires (what passes an address over its budget)', async () => {
    const { clock, auth } = setup();
    const token = signJwt({ sub: 'ada@example.com', permissions: [] }, { ...jwt, now: () => clock.t, expiresInSeconds: 10 });
    const headers = { authorization: `Bearer ${token}` };
    expect(auth.known(headers)).toBeUndefined();
    const caller = await auth(headers);
    expect(auth.known(headers)).toBe(caller);
    expect(auth.known({ authorization: `Bearer ${token}x` })).toBeUndefined();
    clock.t += 10_000;
    expect(auth.known(headers)).toBeUndefined();
  });

  it('re-signs the forwarded token before it gets old', async () => {
    const { clock, auth } = setup();
    const token = signJwt({ sub: 'ada@example.com', permissions: [] }, { ...jwt, now: () => clock.t });
    const first = (await auth({ authorization: `Bearer ${token}` })).forwardToken('license');
    clock.t += 29_000;
    expect((await auth({ authorization: `Bearer ${token}` })).forwardToken('license')).toBe(first);
    clock.t += 2_000;
    const second = (await auth({ authorization: `Bearer ${token}` })).forwardToken('license');
    expect(second).not.toBe(first);
    expect(() => serviceVerifier('license', () => clock.t + 50_000).verify(second)).not.toThrow();
  });

  it('accepts an API key as ApiKey or X-API-Key and refuses a wrong secret, an unknown or revoked key', async () => {
    const { k, stored, auth } = setup();
    expect((await auth({ authorization: `ApiKey ${k.key}` })).id).toBe(`key:${k.keyId}`);
    expect((await auth({ 'x-api-key': k.key })).principal.permissions).toEqual(new Set(['licenses:read']));
    expect(await detail(auth({ 'x-api-key': `lma_${k.keyId}_${newApiKey().secret}` }))).toMatch(/invalid/);
    stored.key = { ...stored.key!, revoked: true };
    expect(await detail(auth({ 'x-api-key': k.key }))).toMatch(/revoked/);
    stored.key = null;
    expect(await detail(auth({ 'x-api-key': k.key }))).toMatch(/invalid/);
  });

  it('refuses missing credentials and other schemes', async () => {
    const { auth } = setup();
    expect(await detail(auth({}))).toMatch(/required/);
    expect(await detail(auth({ authorization: 'Basic YTpi' }))).toMatch(/Unsupported/);
    expect(await detail(auth({ authorization: 'Bearer' }))).toMatch(/malformed/);
  });
});
