import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, UnauthenticatedError, signJwt } from '@lma/core';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { createUserTokenVerifier, isStrictBase64url, permissionsOf, type UserTokenDeps, type UserTokenSettings } from '../src/api/userTokens';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'lma-api';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const nowS = Math.floor(NOW / 1000);
const KNOWN = ['admin', 'licenses:read', 'licenses:edit', 'packages:read', 'leads:read'];

interface SigningKey {
  alg: string;
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}
async function signingKey(alg: 'ES256' | 'RS256' | 'EdDSA', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A token as a provider issues it, every claim overridable (undefined removes one). */
async function token(key: SigningKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const payload: Record<string, unknown> = { iss: ISSUER, aud: AUDIENCE, sub: 'ada@example.com', iat: nowS - 10, exp: nowS + 3600, permissions: ['licenses:read'], ...claims };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  return await new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).sign(key.privateKey);
}

const settings = (over: Partial<UserTokenSettings> = {}): UserTokenSettings => ({
  oidc: { issuer: ISSUER, audience: AUDIENCE },
  permissionsClaim: 'permissions',
  knownPermissions: KNOWN,
  maxTokenAgeSeconds: 86_400,
  clockSkewSeconds: 30,
  ...over,
});

/** A provider that answers discovery at once and publishes these keys (a local JWKS). */
function provider(keys: SigningKey[], over: Partial<UserTokenDeps> = {}) {
  const calls = { discovery: 0, keys: 0 };
  const local = createLocalJWKSet({ keys: keys.map((k) => k.jwk) });
  const deps: UserTokenDeps = {
    now: () => NOW,
    fetchJson: async () => {
      calls.discovery++;
      return { issuer: ISSUER, jwks_uri: 'https://idp.example.com/jwks' };
    },
    keySet: () => (header, tok) => {
      calls.keys++;
      return local(header, tok);
    },
    ...over,
  };
  return { calls, deps };
}

async function ready(verifier: { ready(): boolean }): Promise<void> {
  await expect.poll(() => verifier.ready(), { timeout: 2000, interval: 5 }).toBe(true);
}

/** The error a verification ends with (or undefined when it passes). */
async function refusal(p: Promise<unknown>): Promise<Error | undefined> {
  return await p.then(
    () => undefined,
    (e: Error) => e,
  );
}
async function expect401(p: Promise<unknown>, message: RegExp): Promise<void> {
  const err = await refusal(p);
  expect(err, `expected a 401 matching ${message}`).toBeInstanceOf(UnauthenticatedError);
  expect(err!.message).toMatch(message);
}

let es: SigningKey;
let rs: SigningKey;
let ed: SigningKey;
beforeAll(async () => {
  [es, rs, ed] = await Promise.all([signingKey('ES256', 'es-1'), signingKey('RS256', 'rs-1'), signingKey('EdDSA', 'ed-1')]);
});

describe('user tokens from an OpenID Connect provider', () => {
  it('accepts ES256, RS256 and EdDSA tokens of the provider, with their subject and permissions, and verifies each token once', async () => {
    const { calls, deps } = provider([es, rs, ed]);
    const verifier = createUserTokenVerifier(settings(), deps);
    await ready(verifier);
    for (const key of [es, rs, ed]) {
      const t = await token(key, { sub: `user-${key.alg}`, permissions: ['licenses:read', 'leads:read'] });
      const user = await verifier.verify(t);
      expect(user.principal).toEqual({ subject: `user-${key.alg}`, permissions: new Set(['licenses:read', 'leads:read']) });
      expect(user.expiresAt).toBe((nowS + 3600) * 1000);
    }
    expect(calls.keys).toBe(3);
    const again = await token(es);
    await Promise.all([verifier.verify(again), verifier.verify(again), verifier.verify(again)]);
    await verifier.verify(again);
    expect(calls.keys).toBe(4);
    expect(calls.discovery).toBe(1);
  });

  it('refuses a token of another issuer or for another audience, naming what this API expects', async () => {
    const verifier = createUserTokenVerifier(settings(), provider([es]).deps);
    await ready(verifier);
    await expect401(verifier.verify(await token(es, { iss: 'https://evil.example.com/' })), /wrong issuer \(iss\).*https:\/\/idp\.example\.com\//);
    await expect401(verifier.verify(await token(es, { aud: 'another-api' })), /not meant for this API.*aud.*lma-api/);
    await expect401(verifier.verify(await token(es, { aud: undefined })), /aud/);
    await expect(verifier.verify(await token(es, { aud: ['another-api', AUDIENCE] }))).resolves.toBeDefined();
  });

  it('refuses expired tokens, tokens not valid yet and claims that are not numbers', async () => {
    const verifier = createUserTokenVerifier(settings(), provider([es]).deps);
    await ready(verifier);
    await expect401(verifier.verify(await token(es, { iat: nowS - 600, exp: nowS - 31 })), /expired/);
    // within the clock skew
    await expect(verifier.verify(await token(es, { iat: nowS - 600, exp: nowS - 29 }))).resolves.toBeDefined();
    await expect401(verifier.verify(await token(es, { nbf: nowS + 120 })), /not valid yet \(nbf\)/);
    await expect401(verifier.verify(await token(es, { nbf: String(nowS + 120) })), /"nbf" claim must be a number/);
    await expect401(verifier.verify(await token(es, { nbf: String(nowS - 120) })), /"nbf" claim must be a number/);
    await expect401(verifier.verify(await token(es, { exp: String(nowS + 60) })), /"exp" claim must be a number/);
    await expect401(verifier.verify(await token(es, { iat: String(nowS) })), /"iat" claim must be a number/);
    await expect401(verifier.verify(await token(es, { exp: undefined })), /"exp"/);
    await expect401(verifier.verify(await token(es, { iat: undefined })), /"iat"/);
    await expect401(verifier.verify(await token(es, { sub: undefined })), /"sub"/);
    await expect401(verifier.verify(await token(es, { iat: nowS + 300 })), /future \(iat\)/);
  });

  it('refuses tokens that live longer or are older than the maximum age', async () => {
    const verifier = createUserTokenVerifier(settings({ maxTokenAgeSeconds: 3600 }), provider([es]).deps);
    await ready(verifier);
    await expect401(verifier.verify(await token(es, { exp: 1e308 })), /lives longer than 3600 s/);
    await expect401(verifier.verify(await token(es, { iat: nowS - 10, exp: nowS + 3600 })), /lives longer than 3600 s/);
    await expect401(verifier.verify(await token(es, { iat: nowS - 7200, exp: nowS + 60 })), /older than 3600 s/);
    await expect(verifier.verify(await token(es, { iat: nowS - 10, exp: nowS + 3590 }))).resolves.toBeDefined();
  });

  it('refuses unsigned and HS256 tokens when only the provider signs tokens', async () => {
    const verifier = createUserTokenVerifier(settings(), provider([es]).deps);
    await ready(verifier);
    const [, body] = (await token(es)).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
    await expect401(verifier.verify(none), /malformed/);
    const noneSigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${body}.${Buffer.from('x').toString('base64url')}`;
    await expect401(verifier.verify(noneSigned), /must be signed with RS256, ES256, EdDSA, not none/);
    const hs = signJwt({ sub: 'mallory', aud: AUDIENCE, permissions: ['admin'] }, { secret: 'a-secret-that-is-long-enough-0123456789', issuer: ISSUER, now: () => NOW });
    await expect401(verifier.verify(hs), /must be signed with RS256, ES256, EdDSA, not HS256/);
    const ps = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'x', iat: nowS, exp: nowS + 60 }).setProtectedHeader({ alg: 'RS384', kid: rs.kid }).sign(rs.privateKey);
    await expect401(verifier.verify(ps), /not RS384/);
  });

  it('refuses signatures and parts that are not canonical base64url (padding, junk, stray bits)', async () => {
    const verifier = createUserTokenVerifier(settings(), provider([es]).deps);
    await ready(verifier);
    const good = await token(es);
    const [h, b, s] = good.split('.') as [string, string, string];
    await expect(verifier.verify(good)).resolves.toBeDefined();
    for (const bad of [`${good}=`, `${good}==`, `${h}.${b}.${s.slice(0, 10)}!!${s.slice(10)}`, `${h}=.${b}.${s}`, `${h}.${b}.${s}.`, `${h}.${b}`, `${h}.${b}.${s} `, `${h}.${b}.${s.slice(0, -1)}${String.fromCharCode(s.charCodeAt(s.length - 1) ^ 1)}`]) {
      const err = await refusal(verifier.verify(bad));
      expect(err, bad).toBeInstanceOf(UnauthenticatedError);
    }
    await expect401(verifier.verify(`${good}=`), /malformed/);
    // 64 signature bytes end on a partial group: a last character with stray bits decodes to the same bytes
    const last = s[s.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(Buffer.from(`${s.slice(0, -1)}${sibling}`, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
    await expect401(verifier.verify(`${h}.${b}.${s.slice(0, -1)}${sibling}`), /malformed/);
    expect(isStrictBase64url(s)).toBe(true);
    expect(isStrictBase64url(`${s}=`)).toBe(false);
  });

  it('refuses a token signed by a key the provider does not publish, and a tampered one', async () => {
    const other = await signingKey('ES256', 'es-1');
    const stranger = await signingKey('ES256', 'es-unknown');
    const verifier = createUserTokenVerifier(settings(), provider([es]).deps);
    await ready(verifier);
    await expect401(verifier.verify(await token(other)), /signature is invalid/);
    await expect401(verifier.verify(await token(stranger)), /does not publish \(kid\)/);
    const [h, , s] = (await token(es)).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', iat: nowS, exp: nowS + 60, permissions: ['admin'] })).toString('base64url');
    await expect401(verifier.verify(`${h}.${forged}.${s}`), /signature is invalid/);
  });
});

describe('key rotation at a real JWKS endpoint', () => {
  let server: Server;
  let jwksUri: string;
  let published: JWK[] = [];
  let fetches = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const addr = server.address();
    jwksUri = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/jwks`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches the keys again for an unknown kid, so a rotated key is accepted and a retired one refused', async () => {
    const next = await signingKey('ES256', 'es-2');
    published = [es.jwk];
    const { createRemoteJWKSet } = await import('jose');
    const verifier = createUserTokenVerifier(settings(), {
      now: () => NOW,
      fetchJson: async () => ({ issuer: ISSUER, jwks_uri: jwksUri }),
      keySet: (uri) => createRemoteJWKSet(uri, { cooldownDuration: 0 }),
    });
    await ready(verifier);
    await expect(verifier.verify(await token(es))).resolves.toBeDefined();
    expect(fetches).toBe(1);
    published = [next.jwk, es.jwk];
    await expect(verifier.verify(await token(next, { sub: 'after-rotation' }))).resolves.toMatchObject({ principal: { subject: 'after-rotation' } });
    expect(fetches).toBe(2);
    published = [next.jwk];
    await expect401(verifier.verify(await token(await signingKey('ES256', 'es-3'))), /does not publish/);
    await expect401(verifier.verify(await token(es, { sub: 'retired key' })), /does not publish/);
  });
});

describe('discovery', () => {
  it('answers 503 while the provider cannot be reached and accepts tokens once it can', async () => {
    let up = false;
    const { deps } = provider([es]);
    const verifier = createUserTokenVerifier(settings(), {
      ...deps,
      fetchJson: async (url) => {
        if (!up) throw new Error(`connect ECONNREFUSED (${url})`);
        return { issuer: ISSUER, jwks_uri: 'https://idp.example.com/jwks' };
      },
      retryMs: { first: 5, max: 20 },
    });
    const t = await token(es);
    const err = await refusal(verifier.verify(t));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err!.message).toMatch(/identity provider https:\/\/idp\.example\.com\/ \(OIDC_ISSUER\) has not been reached yet/);
    up = true;
    await ready(verifier);
    await expect(verifier.verify(t)).resolves.toBeDefined();
    verifier.close();
  });

  it('does not trust a discovery document that names another issuer', async () => {
    const verifier = createUserTokenVerifier(settings(), {
      ...provider([es]).deps,
      fetchJson: async () => ({ issuer: 'https://idp.example.com', jwks_uri: 'https://idp.example.com/jwks' }),
      retryMs: { first: 5, max: 5 },
    });
    await expect.poll(async () => (await refusal(verifier.verify(await token(es))))?.message, { timeout: 2000, interval: 10 }).toMatch(/names issuer "https:\/\/idp\.example\.com", not https:\/\/idp\.example\.com\//);
    expect(verifier.ready()).toBe(false);
    verifier.close();
  });
});

describe('HS256 user tokens (development switch)', () => {
  const dev = { secret: 'unit-test-secret-0123456789abcdef0123', issuer: 'lma-dev' };

  it('accepts HS256 tokens of the shared secret next to the provider, and nothing signed otherwise', async () => {
    const verifier = createUserTokenVerifier(settings({ devHs256: dev }), provider([es]).deps);
    await ready(verifier);
    const hs = signJwt({ sub: 'dev@example.com', permissions: ['admin'] }, { ...dev, now: () => NOW });
    await expect(verifier.verify(hs)).resolves.toMatchObject({ principal: { subject: 'dev@example.com', permissions: new Set(['admin']) } });
    await expect(verifier.verify(await token(es))).resolves.toBeDefined();
    await expect401(verifier.verify(signJwt({ sub: 'x' }, { ...dev, secret: 'another-secret-0123456789abcdef01234', now: () => NOW })), /signature is invalid/);
    await expect401(verifier.verify(signJwt({ sub: 'x' }, { ...dev, issuer: 'someone-else', now: () => NOW })), /wrong issuer/);
    await expect401(verifier.verify(signJwt({ sub: 'x', nbf: String(nowS + 60) }, { ...dev, now: () => NOW })), /"nbf" claim must be a number/);
    await expect401(verifier.verify(signJwt({ sub: 'x', exp: 1e308 }, { ...dev, now: () => NOW })), /lives longer than 86400 s/);
    await expect401(verifier.verify(`${signJwt({ sub: 'x' }, { ...dev, now: () => NOW })}=`), /malformed/);
  });

  it('accepts only HS256 when no provider is configured', async () => {
    const verifier = createUserTokenVerifier(settings({ oidc: undefined, devHs256: dev }), { now: () => NOW });
    expect(verifier.ready()).toBe(true);
    await expect401(verifier.verify(await token(es)), /must be signed with HS256, not ES256/);
  });
});

describe('permissions from a claim', () => {
  const p = (payload: JWTPayload, over: Partial<UserTokenSettings> = {}) => permissionsOf(payload, { permissionsClaim: 'permissions', knownPermissions: KNOWN, ...over });

  it('reads an array or a space-separated string and keeps only LMA permissions', () => {
    expect(p({ permissions: ['licenses:read', 'root', 42, 'admin'] })).toEqual(new Set(['licenses:read', 'admin']));
    expect(p({ permissions: 'licenses:read  leads:read' })).toEqual(new Set(['licenses:read', 'leads:read']));
    expect(p({ permissions: { 'licenses:read': true } })).toEqual(new Set());
    expect(p({})).toEqual(new Set());
  });

  it('follows a dotted path into nested claims, and prefers a claim named exactly so', () => {
    const realm = { realm_access: { roles: ['licenses:read', 'offline_access'] } };
    expect(p(realm, { permissionsClaim: 'realm_access.roles' })).toEqual(new Set(['licenses:read']));
    expect(p({ 'https://lma.example/roles': ['admin'] }, { permissionsClaim: 'https://lma.example/roles' })).toEqual(new Set(['admin']));
    expect(p({ realm_access: ['admin'] }, { permissionsClaim: 'realm_access.roles' })).toEqual(new Set());
  });

  it('maps roles to permissions when a role map is configured, ignoring unknown roles and inherited keys', () => {
    const rolePermissions = { 'lma-manager': ['licenses:read', 'licenses:edit', 'packages:read'], 'lma-analyst': ['licenses:read'] };
    const over = { permissionsClaim: 'roles', rolePermissions };
    expect(p({ roles: ['lma-manager', 'lma-analyst', 'other'] }, over)).toEqual(new Set(['licenses:read', 'licenses:edit', 'packages:read']));
    expect(p({ roles: ['admin', 'constructor', 'toString'] }, over)).toEqual(new Set());
    expect(p({ roles: 'lma-analyst' }, over)).toEqual(new Set(['licenses:read']));
  });

  it('gives the verified caller the mapped permissions', async () => {
    const verifier = createUserTokenVerifier(settings({ permissionsClaim: 'groups', rolePermissions: { 'LMA Admins': ['admin'] } }), provider([es]).deps);
    await ready(verifier);
    const user = await verifier.verify(await token(es, { groups: ['LMA Admins'], permissions: ['licenses:read'] }));
    expect(user.principal.permissions).toEqual(new Set(['admin']));
  });
});
