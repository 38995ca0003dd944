import { describe, expect, it } from 'vitest';
import { hasPermission, signJwt, verifyJwt, type Principal } from '../src/auth';
import { UnauthenticatedError } from '../src/errors';

const secret = 'a-test-secret-of-at-least-32-characters';
const issuer = 'lma';
const t0 = Date.parse('2026-02-01T10:00:00Z');
const at = (ms: number) => ({ secret, issuer, now: () => ms });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The UnauthenticatedError a verification throws; fails the test otherwise. */
function rejection(token: string, opts = at(t0)): UnauthenticatedError {
  try {
    verifyJwt(token, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthenticatedError);
    return err as UnauthenticatedError;
  }
  throw new Error('expected the token to be rejected');
}

describe('signJwt / verifyJwt', () => {
  it('given a token signed with the shared secret, when verified, then the caller and their permissions are known', () => {
    const token = signJwt({ sub: 'user-1', permissions: ['licenses:read', 'licenses:write'] }, at(t0));
    const p = verifyJwt(token, at(t0));
    expect(p.subject).toBe('user-1');
    expect([...p.permissions].sort()).toEqual(['licenses:read', 'licenses:write']);
  });

  it('given permissions that are not strings, when verified, then only the strings count', () => {
    const token = signJwt({ sub: 'user-1', permissions: ['licenses:read', 42, null] }, at(t0));
    expect([...verifyJwt(token, at(t0)).permissions]).toEqual(['licenses:read']);
  });

  it('given a token signed with another secret, when verified, then it is rejected for its signature', () => {
    const token = signJwt({ sub: 'user-1' }, { secret: 'another-secret-of-at-least-32-characters', issuer, now: () => t0 });
    expect(rejection(token).message).toMatch(/signature is invalid/);
  });

  it('given a token whose claims were changed after signing, when verified, then it is rejected for its signature', () => {
    const [h, , s] = signJwt({ sub: 'user-1', permissions: ['licenses:read'] }, at(t0)).split('.');
    const forged = `${h}.${b64({ iss: issuer, sub: 'user-1', exp: t0 / 1000 + 3600, permissions: ['admin'] })}.${s}`;
    expect(rejection(forged).message).toMatch(/signature is invalid/);
  });

  it('given a token from another issuer, when verified, then it is rejected for its issuer', () => {
    const token = signJwt({ sub: 'user-1' }, { secret, issuer: 'someone-else', now: () => t0 });
    expect(rejection(token).message).toMatch(/wrong issuer/);
  });

  it('given a token valid for 60 s, when verified 59 s later, then it is accepted, and at 60 s it has expired', () => {
    const token = signJwt({ sub: 'user-1' }, { ...at(t0), expiresInSeconds: 60 });
    expect(verifyJwt(token, at(t0 + 59_000)).subject).toBe('user-1');
    expect(rejection(token, at(t0 + 60_000)).message).toMatch(/expired/);
  });

  it('given a token without an expiry, when verified, then it is rejected', () => {
    const token = signJwt({ sub: 'user-1', exp: undefined }, at(t0));
    expect(rejection(token).message).toMatch(/expired/);
  });

  it('given a token not valid before a later time, when verified now, then it is rejected', () => {
    const token = signJwt({ sub: 'user-1', nbf: t0 / 1000 + 60 }, at(t0));
    expect(rejection(token).message).toMatch(/not valid yet/);
  });

  it('given a token without a subject, when verified, then it is rejected', () => {
    expect(rejection(signJwt({ permissions: ['admin'] }, at(t0))).message).toMatch(/no subject/);
  });

  it.each([
    ['none, unsigned', { alg: 'none', typ: 'JWT' }, ''],
    ['none, with a signature', { alg: 'none', typ: 'JWT' }, 'c2lnbmF0dXJl'],
    ['HS512', { alg: 'HS512', typ: 'JWT' }, 'c2lnbmF0dXJl'],
  ])('given a token with alg %s, when verified, then it is rejected', (_alg, header, sig) => {
    const token = `${b64(header)}.${b64({ iss: issuer, sub: 'user-1', exp: t0 / 1000 + 3600, permissions: ['admin'] })}.${sig}`;
    expect(rejection(token).message).toMatch(/HS256/);
  });

  it.each(['', 'not-a-token', 'a.b', 'a.b.c.d', '!!!.???.***', `${b64({ alg: 'HS256' })}.e30K-garbage.sig`])(
    'given the malformed token %j, when verified, then it is rejected as malformed',
    (token) => {
      expect(rejection(token).message).toMatch(/malformed/);
    },
  );
});

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
