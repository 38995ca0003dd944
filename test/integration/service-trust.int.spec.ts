import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LICENSE_EVENTS_TOPIC } from '@lma/contracts';
import { signForwardToken } from '@lma/core';
import { ServiceProcess, forwardedToken, ids, testGatewayKeys } from '@lma/testing';
import { Harness, bearer, forwarded } from './harness';

/**
 * The services trust the gateway and nothing else: a license service and a gateway in front of
 * it, both as production runs them. A service answers only tokens the gateway signed for it (ES256,
 * typ lma-forward+jwt, aud = the service), listens on loopback only, and serves /metrics on its
 * own port, not on the API port.
 */
const h = new Harness('trust');

beforeAll(async () => {
  await h.start(['license'], [LICENSE_EVENTS_TOPIC]);
  await h.startGateway();
});
afterAll(async () => {
  await h.stop();
});

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** A token with any header and claims, signed ES256 with `key` (the gateway's unless said otherwise). */
function handMade(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject = testGatewayKeys.privateKey): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('what a service accepts', () => {
  const listPath = '/v1/licenses?limit=1';
  const checkPath = () => `/v1/license-checks?packageId=${ids.packageId()}&subscriberOrgId=${ids.subscriberOrgId()}&userId=${ids.userId()}`;

  it('answers a call through the gateway and a token the gateway would forward to it', async () => {
    const through = await fetch(h.api('/licenses?limit=1'), { headers: { authorization: bearer(['licenses:read']) } });
    expect(through.status).toBe(200);
    for (const path of [listPath, checkPath()]) {
      const direct = await fetch(`${h.service('license').url}${path}`, { headers: { authorization: forwarded('license', ['licenses:read']) } });
      expect(direct.status, path).toBe(200);
    }
  });

  it('refuses user tokens, tokens for another service, expired, foreign, mistyped and padded ones with 401 and a challenge', async () => {
    const claims = { iss: 'lma-gateway', aud: 'license', sub: 'mallory@example.com', permissions: ['admin'], iat: now(), exp: now() + 60 };
    const valid = forwardedToken('license', ['admin'], 'mallory@example.com');
    const refused: Record<string, string> = {
      'an HS256 user token (what the gateway accepts in development)': bearer(['admin']).slice('Bearer '.length),
      'an identity provider token (ES256, typ JWT)': handMade({ alg: 'ES256', typ: 'JWT', kid: 'idp-1' }, { ...claims, iss: 'http://127.0.0.1:4080', aud: 'lma' }, stranger.privateKey),
      "a token for another service (aud lead)": forwardedToken('lead', ['admin']),
      'an expired token': signForwardToken(testGatewayKeys.privateKey, { aud: 'license', sub: 'mallory', permissions: ['admin'] }, { ttlSeconds: 60, now: () => Date.now() - 10 * 60_000 }),
      'a token signed by another key': signForwardToken(stranger.privateKey, { aud: 'license', sub: 'mallory', permissions: ['admin'] }, { ttlSeconds: 60 }),
      'the gateway key with typ JWT': handMade({ alg: 'ES256', typ: 'JWT' }, claims),
      'a lifetime of a day': handMade({ alg: 'ES256', typ: 'lma-forward+jwt' }, { ...claims, exp: now() + 86_400 }),
      'a padded signature': `${valid}=`,
      'a signature with junk': `${valid.slice(0, -20)}!!${valid.slice(-20)}`,
    };
    for (const path of [listPath, checkPath()]) {
      for (const [what, token] of Object.entries(refused)) {
        const res = await fetch(`${h.service('license').url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status, `${what} on ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.headers.get('www-authenticate'), what).toMatch(/^Bearer realm="lma", error="invalid_token", error_description="The bearer token /);
      }
      const none = await fetch(`${h.service('license').url}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="lma"');
    }
  });
});

describe('where they listen', () => {
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

  /** Whether a TCP connection to host:port is accepted. */
  const accepts = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host, port, timeout: 3_000 });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => (socket.destroy(), resolve(false)));
    });

  it.skipIf(!outside)('refuses connections on the machine\'s other addresses: loopback only by default', async () => {
    for (const name of ['license', 'gateway'] as const) {
      const s = h.service(name);
      expect(await accepts('127.0.0.1', s.port), `${name} on loopback`).toBe(true);
      expect(await accepts(outside!, s.port), `${name} API on ${outside}`).toBe(false);
      expect(await accepts(outside!, s.metricsPort), `${name} metrics on ${outside}`).toBe(false);
    }
  });

  it('serves /metrics on METRICS_PORT without credentials, and not on the API port', async () => {
    for (const name of ['license', 'gateway'] as const) {
      const s = h.service(name);
      const scraped = await fetch(`${s.metricsUrl}/metrics`);
      expect(scraped.status, name).toBe(200);
      expect(scraped.headers.get('content-type')).toContain('text/plain');
      expect(await scraped.text()).toMatch(/^process_cpu_seconds_total /m);
      expect([401, 404], `${name} API port`).toContain((await fetch(`${s.url}/metrics`)).status);
      // and the API is not on the metrics port
      expect((await fetch(`${s.metricsUrl}/readyz`)).status).toBe(404);
    }
  });
});

describe('start-up without keys', () => {
  it('a service without the gateway public key, or given the private key, and a gateway without its signing key do not start, naming the setting', async () => {
    const failed = async (service: ServiceProcess) => {
      const err = await service.start().then(() => undefined, (e: Error) => e);
      await service.stop();
      expect(err, service.name).toBeInstanceOf(Error);
      return err!.message;
    };
    expect(await failed(new ServiceProcess('license', { ...h.env, GATEWAY_PUBLIC_KEY: '' }))).toContain('GATEWAY_PUBLIC_KEY: is required (or GATEWAY_PUBLIC_KEY_FILE)');
    expect(await failed(new ServiceProcess('license', { ...h.env, GATEWAY_PUBLIC_KEY: testGatewayKeys.privatePem }))).toContain("GATEWAY_PUBLIC_KEY: must be the gateway's public key (PEM SPKI), not a private key");
    expect(await failed(new ServiceProcess('gateway', { ...h.gatewayEnv(), GATEWAY_SIGNING_KEY: '' }))).toContain('GATEWAY_SIGNING_KEY: is required (or GATEWAY_SIGNING_KEY_FILE)');
  });
});
