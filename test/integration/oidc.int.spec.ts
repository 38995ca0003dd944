import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import { signIn } from '@lma/idp';
import { eventually, freePort, ids } from '@lma/testing';
import { Harness, bearer } from './harness';
import type { IdpProcess } from '@lma/testing';

/**
 * Signing in through a real OpenID Connect provider (tools/idp): the gateway starts while the
 * provider is still down, finds it through discovery once it is up, and then accepts the access
 * tokens people get from it (authorization code + PKCE, driven with fetch as a browser would),
 * with the permissions of each demo user. One license service behind the gateway.
 */
const h = new Harness('oidc');
let idpPort: number;
let issuer: string;
let idp: IdpProcess;

beforeAll(async () => {
  idpPort = await freePort();
  issuer = `http://127.0.0.1:${idpPort}`;
  await h.start(['license'], []);
  await h.startGateway({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'lma-api' });
});
afterAll(async () => {
  await h.stop();
});

async function call(method: string, path: string, authorization: string, body?: unknown) {
  const res = await fetch(h.api(path), {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, type: res.headers.get('content-type'), body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}
const licenseOfNobody = () => `lic_${ids.packageId()}_${ids.subscriberOrgId()}`;

describe('signing in through the identity provider', () => {
  it('while the provider is down, the gateway is ready and answers a provider-signed token 503 naming it; development tokens still work', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ permissions: ['admin'] }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setAudience('lma-api').setSubject('someone').setIssuedAt(now).setExpirationTime(now + 300).sign(privateKey);
    const down = await call('GET', '/licenses', `Bearer ${token}`);
    expect(down.status).toBe(503);
    expect(down.type).toMatch(/application\/problem\+json/);
    expect(down.body['detail']).toMatch(new RegExp(`identity provider ${issuer} \\(OIDC_ISSUER\\) has not been reached yet`));
    expect((await call('GET', '/licenses', bearer(['licenses:read']))).status).toBe(200);
  });

  it('each demo user signs in with authorization code + PKCE and gets a token for the LMA API with their permissions', async () => {
    idp = await h.startIdp(idpPort);
    expect(idp.issuer).toBe(issuer);
    const claims = async (user: 'ADMIN' | 'MANAGER' | 'ANALYST') => decodeJwt(await idp.token(user));
    const admin = await claims('ADMIN');
    expect(admin).toMatchObject({ iss: issuer, aud: 'lma-api', sub: 'admin@demo.example', permissions: ['admin'] });
    expect(admin.exp! - admin.iat!).toBeLessThanOrEqual(3600);
    expect((await claims('MANAGER'))['permissions']).toEqual(expect.arrayContaining(['licenses:read', 'licenses:edit', 'packages:read', 'packages:edit']));
    expect((await claims('ANALYST'))['permissions']).not.toEqual(expect.arrayContaining(['licenses:edit']));
    await expect(signIn({ issuer, email: 'admin@demo.example', password: 'not-the-password' })).rejects.toThrow(/wrong email or password/);
  });

  it('the admin reads and writes through the gateway once it has found the provider', async () => {
    const admin = `Bearer ${await idp.token('ADMIN')}`;
    // discovery is retried in the background: the first tokens after the provider came up may still get 503
    await eventually('the gateway to accept the provider\'s tokens', async () => (await call('GET', '/licenses', admin)).status === 200, 30_000, 250);
    const write = await call('POST', '/license-republish-requests', admin, { packageId: null });
    expect(write.status).toBe(202);
    expect(write.body).toMatchObject({ requestedBy: 'admin@demo.example' });
  });

  it('the license manager may change licenses but not what needs admin; the analyst only reads', async () => {
    const manager = `Bearer ${await idp.token('MANAGER')}`;
    const analyst = `Bearer ${await idp.token('ANALYST')}`;
    const change = { reason: 'extend the trial', seats: 20 };
    // allowed by the gateway, then not found by the license service: licenses:edit was enough
    const managed = await call('PATCH', `/licenses/${licenseOfNobody()}`, manager, change);
    expect(managed.status).toBe(404);
    expect(managed.body['type']).toMatch(/not-found$/);
    const notAdmin = await call('POST', '/license-republish-requests', manager, { packageId: null });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body['missingPermission']).toBe('admin');

    expect((await call('GET', '/licenses', analyst)).status).toBe(200);
    const refused = await call('PATCH', `/licenses/${licenseOfNobody()}`, analyst, change);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ missingPermission: 'licenses:edit' });
  });

  it('a token of the provider for another audience (its ID token, for lma-console) gets 401 with WWW-Authenticate', async () => {
    const signedIn = await signIn({ issuer, ...idp.users.ADMIN });
    expect(decodeJwt(signedIn.idToken!)).toMatchObject({ iss: issuer, aud: 'lma-console' });
    const res = await call('GET', '/licenses', `Bearer ${signedIn.idToken}`);
    expect(res.status).toBe(401);
    expect(res.type).toMatch(/application\/problem\+json/);
    expect(res.body['detail']).toMatch(/not meant for this API.*aud.*lma-api/);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer realm="lma", error="invalid_token", error_description="The bearer token is not meant for this API/);

    const [head, , signature] = signedIn.accessToken.split('.');
    const payload = { ...decodeJwt(signedIn.accessToken), permissions: ['admin'], sub: 'mallory' };
    const tampered = await call('GET', '/licenses', `Bearer ${head}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`);
    expect(tampered.status).toBe(401);
    expect(tampered.body['detail']).toMatch(/signature is invalid/);
  });
});
