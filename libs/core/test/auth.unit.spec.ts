import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createForwardVerifier,
  gatewayPublicKey,
  gatewaySigningKey,
  hasPermission,
  signForwardToken,
  signJwt,
  type ForwardAudience,
  type Principal,
} from '../src/auth';
import { BaseConfig, loadConfig, metricsPortOf, port, requireGatewayPublicKey } from '../src/config';
import { UnauthenticatedError } from '../src/errors';
import { problemOf } from '../src/http';

const secret = 'a-test-secret-of-at-least-32-characters';
const issuer = 'lma';
const t0 = Date.parse('2026-02-01T10:00:00Z');
const at = (ms: number) => ({ secret, issuer, now: () => ms });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('hasPermission', () => {
  const principal = (...permissions: string[]): Principal => ({ subject: 'user-1', permissions: new Set(permissions) });

  it('given no caller, when asked, then nothing is permitted', () => {
    expect(hasPermission(undefined, 'licenses:read')).toBe(false);
  });

  it('given a caller with licenses:read, when asked, then they may read but not write licenses', () => {
    expect(hasPermission(principal('licenses:read'), 'licenses:read')).toBe(true);
    expect(hasPermission(principal('licenses:read'), 'licenses:write')).toBe(false);
  });

  it('given an admin, when asked for any permission, then it is granted', () => {
    for (const p of ['licenses:read', 'licenses:write', 'packages:write', 'anything:at-all']) {
      expect(hasPermission(principal('admin'), p)).toBe(true);
    }
  });

  it('given a caller without permissions, when asked, then nothing is permitted', () => {
    expect(hasPermission(principal(), 'licenses:read')).toBe(false);
  });
});

describe('forwarded tokens (gateway -> services)', () => {
  const gateway = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const claims = { aud: 'license' as const, sub: 'ada@example.com', permissions: ['licenses:read'] };
  const forward = (over: { key?: KeyObject; ttlSeconds?: number; now?: number; aud?: ForwardAudience } = {}) =>
    signForwardToken(over.key ?? gateway.privateKey, { ...claims, aud: over.aud ?? 'license' }, { ttlSeconds: over.ttlSeconds ?? 60, now: () => over.now ?? t0 });
  const verifierAt = (ms: () => number) => createForwardVerifier({ publicKey: gateway.publicKey, audience: 'license', now: ms });
  /** A token with this header and these claims, signed with the gateway's key (ES256, P1363). */
  const handMade = (header: Record<string, unknown>, body: Record<string, unknown>, key: KeyObject = gateway.privateKey) => {
    const input = `${b64(header)}.${b64(body)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const fine = { iss: 'lma-gateway', aud: 'license', sub: 'ada@example.com', permissions: ['licenses:read'], iat: t0 / 1000, exp: t0 / 1000 + 60 };
  const header = { alg: 'ES256', typ: 'lma-forward+jwt' };
  function refusal(token: string, at = t0): UnauthenticatedError {
    try {
      verifierAt(() => at).verify(token);
    } catch (err) {
      expect(err).toBeInstanceOf(UnauthenticatedError);
      expect(problemOf(err, '/v1/x').headers['WWW-Authenticate']).toMatch(/^Bearer realm="lma", error="invalid_token"/);
      return err as UnauthenticatedError;
    }
    throw new Error('expected the token to be refused');
  }

  it('given a token the gateway forwarded to this service, when verified, then the caller and permissions are known', () => {
    expect(verifierAt(() => t0).verify(forward())).toEqual({ subject: 'ada@example.com', permissions: new Set(['licenses:read']) });
    expect(verifierAt(() => t0).verify(handMade(header, fine)).subject).toBe('ada@example.com');
  });

  it('given a token for another service, when verified, then it is refused for its audience', () => {
    expect(refusal(forward({ aud: 'lead' })).message).toMatch(/another service \(aud must be license\)/);
    expect(refusal(handMade(header, { ...fine, aud: ['license'] })).message).toMatch(/another service/);
  });

  it('given a user token (HS256, or ES256 with typ JWT), when verified, then it is refused: only forwarded tokens count', () => {
    expect(refusal(signJwt({ sub: 'ada', permissions: ['admin'] }, at(t0))).message).toMatch(/not one the gateway forwards/);
    expect(refusal(handMade({ alg: 'ES256', typ: 'JWT' }, fine)).message).toMatch(/not one the gateway forwards/);
    expect(refusal(handMade({ alg: 'ES256' }, fine)).message).toMatch(/not one the gateway forwards/);
    expect(refusal(handMade({ ...header, crit: ['exp'] }, fine)).message).toMatch(/not one the gateway forwards/);
  });

  it('given a token signed by another key or changed after signing, when verified, then its signature is refused', () => {
    expect(refusal(forward({ key: stranger.privateKey })).message).toMatch(/signature is invalid/);
    const [h, , s] = forward().split('.');
    expect(refusal(`${h}.${b64({ ...fine, permissions: ['admin'] })}.${s}`).message).toMatch(/signature is invalid/);
  });

  it.each([
    ['padding', (s: string) => `${s}=`],
    ['two padding characters', (s: string) => `${s}==`],
    ['junk inside', (s: string) => `${s.slice(0, 10)}!!${s.slice(10)}`],
    ['standard base64', (s: string) => s.replace(/-/g, '+').replace(/_/g, '/') + (s.includes('-') || s.includes('_') ? '' : '+')],
    ['a stray last character', (s: string) => `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`],
  ])('given a signature with %s, when verified, then it is refused', (_what, change) => {
    const [h, b, s] = forward().split('.') as [string, string, string];
    expect(refusal(`${h}.${b}.${change(s)}`).message).toMatch(/malformed|signature/);
  });

  it('given an expired token, when verified, then it is refused; within the clock skew it still counts', () => {
    const token = forward({ ttlSeconds: 60 });
    expect(verifierAt(() => t0 + 64_000).verify(token).subject).toBe('ada@example.com');
    expect(refusal(token, t0 + 65_000).message).toMatch(/expired/);
  });

  it('given a cached token, when it expires, then the cache refuses it too', () => {
    const clock = { t: t0 };
    const v = verifierAt(() => clock.t);
    const token = forward({ ttlSeconds: 10 });
    expect(v.verify(token).subject).toBe('ada@example.com');
    clock.t += 14_000;
    expect(v.verify(token).subject).toBe('ada@example.com');
    clock.t += 1_000;
    expect(() => v.verify(token)).toThrow(/expired/);
  });

  it('given a lifetime over 300 s, no exp, or claims that are not whole seconds, when verified, then it is refused', () => {
    expect(refusal(handMade(header, { ...fine, exp: fine.iat + 301 })).message).toMatch(/longer than 300 s/);
    expect(refusal(handMade(header, { ...fine, exp: 1e308 })).message).toMatch(/whole seconds|longer/);
    expect(refusal(handMade(header, { ...fine, exp: undefined })).message).toMatch(/whole seconds/);
    expect(refusal(handMade(header, { ...fine, exp: String(fine.exp) })).message).toMatch(/whole seconds/);
    expect(refusal(handMade(header, { ...fine, iat: fine.iat + 0.5 })).message).toMatch(/whole seconds/);
    expect(refusal(handMade(header, { ...fine, iat: fine.iat + 60, exp: fine.exp + 60 })).message).toMatch(/in the future/);
  });

  it('given a wrong issuer, no subject or permissions that are not strings, when verified, then it is refused', () => {
    expect(refusal(handMade(header, { ...fine, iss: 'lma' })).message).toMatch(/wrong issuer/);
    expect(refusal(handMade(header, { ...fine, sub: '' })).message).toMatch(/no subject/);
    expect(refusal(handMade(header, { ...fine, permissions: ['licenses:read', 1] })).message).toMatch(/permissions/);
    expect(refusal(handMade(header, { ...fine, permissions: 'admin' })).message).toMatch(/permissions/);
  });

  it.each(['', 'a.b', 'a.b.c.d', '!!!.???.***', 'e30.e30.e30'])('given the malformed token %j, when verified, then it is refused', (token) => {
    expect(refusal(token).message).toMatch(/malformed|not one the gateway forwards/);
  });

  it('given a lifetime over 300 s, when signing, then the gateway refuses to sign it', () => {
    expect(() => forward({ ttlSeconds: 301 })).toThrow(/1 to 300/);
  });

  it('given a full cache, when a new token arrives, then the oldest is dropped and verified again when it returns', () => {
    const v = createForwardVerifier({ publicKey: gateway.publicKey, audience: 'license', now: () => t0, maxEntries: 2 });
    const tokens = ['a', 'b', 'c'].map((sub) => signForwardToken(gateway.privateKey, { aud: 'license', sub, permissions: [] }, { ttlSeconds: 60, now: () => t0 }));
    for (const t of tokens) v.verify(t);
    expect(tokens.map((t) => v.verify(t).subject)).toEqual(['a', 'b', 'c']);
  });
});

describe('gateway keys in the configuration', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const Service = BaseConfig.extend({ PORT: port(4003) }).superRefine(requireGatewayPublicKey);
  const base = { KAFKA_BROKERS: 'localhost:9092', MONGODB_URI: 'mongodb://localhost:27017' };
  const failure = (env: Record<string, string>) => {
    try {
      loadConfig(Service, { ...base, ...env });
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected the configuration to be rejected');
  };

  it('given the public key inline, as a file or with escaped newlines, when loaded, then it verifies what the key signed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lma-keys-'));
    writeFileSync(path.join(dir, 'gateway.pub'), publicPem);
    for (const env of [{ GATEWAY_PUBLIC_KEY: publicPem }, { GATEWAY_PUBLIC_KEY_FILE: path.join(dir, 'gateway.pub') }, { GATEWAY_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n') }]) {
      const c = loadConfig(Service, { ...base, ...env });
      const token = signForwardToken(pair.privateKey, { aud: 'license', sub: 's', permissions: [] }, { ttlSeconds: 60 });
      expect(createForwardVerifier({ publicKey: gatewayPublicKey(c), audience: 'license' }).verify(token).subject).toBe('s');
    }
  });

  it('given no key, a private key, an RSA key, junk or a missing file, when loaded, then the setting is named with the problem', () => {
    expect(failure({})).toMatch(/GATEWAY_PUBLIC_KEY: is required \(or GATEWAY_PUBLIC_KEY_FILE\)/);
    expect(failure({ GATEWAY_PUBLIC_KEY: privatePem })).toMatch(/GATEWAY_PUBLIC_KEY: must be the gateway's public key \(PEM SPKI\), not a private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(failure({ GATEWAY_PUBLIC_KEY: rsa })).toMatch(/GATEWAY_PUBLIC_KEY: must be a P-256 \(ES256\) key/);
    expect(failure({ GATEWAY_PUBLIC_KEY: 'not a key' })).toMatch(/GATEWAY_PUBLIC_KEY: is not a PEM key/);
    expect(failure({ GATEWAY_PUBLIC_KEY_FILE: '/nonexistent/gateway.pub' })).toMatch(/GATEWAY_PUBLIC_KEY_FILE: cannot be read/);
    expect(failure({ GATEWAY_PUBLIC_KEY: publicPem, GATEWAY_PUBLIC_KEY_FILE: '/x' })).toMatch(/either GATEWAY_PUBLIC_KEY or GATEWAY_PUBLIC_KEY_FILE/);
  });

  it('given the signing key, when read, then a public key is refused and the private one signs', () => {
    expect(() => gatewaySigningKey({})).toThrow(/GATEWAY_SIGNING_KEY: is required/);
    expect(() => gatewaySigningKey({ GATEWAY_SIGNING_KEY: publicPem })).toThrow(/GATEWAY_SIGNING_KEY: is not a PEM key/);
    expect(gatewaySigningKey({ GATEWAY_SIGNING_KEY: privatePem }).type).toBe('private');
  });

  it('given no METRICS_PORT, when asked, then metrics are on PORT + 100 (a random port when PORT is 0)', () => {
    expect(metricsPortOf({ PORT: 4003 })).toBe(4103);
    expect(metricsPortOf({ PORT: 0 })).toBe(0);
    expect(metricsPortOf({ PORT: 4003, METRICS_PORT: 9464 })).toBe(9464);
    expect(loadConfig(Service, { ...base, GATEWAY_PUBLIC_KEY: publicPem }).HOST).toBe('127.0.0.1');
  });
});
