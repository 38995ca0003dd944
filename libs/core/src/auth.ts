import { createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthenticatedError, type AuthChallenge } from './errors';

/**
 * Two kinds of bearer token:
 * - user tokens, which only the gateway accepts (OpenID Connect; `signJwt` signs the HS256 ones of
 *   tests and the gateway's development mode, services/gateway/src/api/userTokens.ts verifies them);
 * - forwarded tokens (ES256, typ `lma-forward+jwt`): the gateway signs one per caller and target
 *   service with its private key (`signForwardToken`), and a service accepts nothing else, verified
 *   with the gateway's public key (`createForwardVerifier`, `authenticate`).
 * Permissions are `<object>:<right>`, e.g. `licenses:read`; `admin` grants everything.
 */
export interface Principal {
  subject: string;
  permissions: ReadonlySet<string>;
}

export interface AuthOptions {
  secret: string;
  issuer: string;
  now?: () => number;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export function signJwt(claims: Record<string, unknown>, opts: AuthOptions & { expiresInSeconds?: number }): string {
  const now = Math.floor((opts.now?.() ?? Date.now()) / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ iss: opts.issuer, iat: now, exp: now + (opts.expiresInSeconds ?? 3600), ...claims }));
  const sig = createHmac('sha256', opts.secret).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${sig}`;
}

// --- forwarded tokens: gateway -> services ---

/** A bearer token was given and refused. */
const REFUSED_BEARER: AuthChallenge = { schemes: ['Bearer'], refused: 'Bearer' };

export const FORWARD_TOKEN_TYPE = 'lma-forward+jwt';
export const FORWARD_TOKEN_ISSUER = 'lma-gateway';
/** The longest lifetime (exp - iat) a forwarded token may have; a longer one is refused, not trusted. */
export const FORWARD_TOKEN_MAX_TTL_SECONDS = 300;
/** Clock difference tolerated between the gateway and a service. */
export const FORWARD_TOKEN_SKEW_SECONDS = 5;
/** The services a forwarded token can be meant for (its `aud`). */
export const FORWARD_AUDIENCES = ['install-intake', 'lead', 'license', 'notification', 'refresh'] as const;
export type ForwardAudience = (typeof FORWARD_AUDIENCES)[number];

const FORWARD_HEADER = b64url(JSON.stringify({ alg: 'ES256', typ: FORWARD_TOKEN_TYPE }));
const ES256_SIGNATURE_BYTES = 64;

/**
 * A forwarded token (ES256 JWT, header typ `lma-forward+jwt`): iss `lma-gateway`, aud the target
 * service, the caller's sub and permissions, iat and exp. Signed with the gateway's P-256 private key.
 */
export function signForwardToken(
  key: KeyObject,
  claims: { aud: ForwardAudience; sub: string; permissions: Iterable<string> },
  opts: { ttlSeconds: number; now?: () => number },
): string {
  if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds < 1 || opts.ttlSeconds > FORWARD_TOKEN_MAX_TTL_SECONDS) {
    throw new Error(`a forwarded token lives 1 to ${FORWARD_TOKEN_MAX_TTL_SECONDS} s, not ${opts.ttlSeconds}`);
  }
  const iat = Math.floor((opts.now?.() ?? Date.now()) / 1000);
  const body = b64url(JSON.stringify({ iss: FORWARD_TOKEN_ISSUER, aud: claims.aud, sub: claims.sub, permissions: [...claims.permissions], iat, exp: iat + opts.ttlSeconds }));
  const input = `${FORWARD_HEADER}.${body}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

export interface ForwardVerifier {
  /** The caller a forwarded token names; an UnauthenticatedError (401, WWW-Authenticate) for anything else. */
  verify(token: string): Principal;
}

/** Canonical base64url only: no padding, no characters outside the alphabet, no stray bits. */
function strictBase64url(part: string): Buffer | undefined {
  if (part === '' || !/^[A-Za-z0-9_-]+$/.test(part) || part.length % 4 === 1) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

function jsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Verifies forwarded tokens for one service (`audience`) with the gateway's public key. A verified
 * token is remembered by its exact string until it expires (at most `maxEntries`, oldest dropped
 * first): the gateway re-uses one token per caller and service, so the hot path verifies nothing.
 */
export function createForwardVerifier(opts: { publicKey: KeyObject; audience: string; now?: () => number; maxEntries?: number }): ForwardVerifier {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const verified = new Map<string, { principal: Principal; untilMs: number }>();
  const refuse = (why: string) => new UnauthenticatedError(`The bearer token ${why}`, REFUSED_BEARER);

  function check(token: string, t: number): { principal: Principal; untilMs: number } {
    const parts = token.split('.');
    if (parts.length !== 3) throw refuse('is malformed (a JWT has three parts)');
    const [h, b, s] = parts as [string, string, string];
    const headerBytes = strictBase64url(h);
    const bodyBytes = strictBase64url(b);
    const signature = strictBase64url(s);
    if (!headerBytes || !bodyBytes || !signature) throw refuse('is malformed (each part must be unpadded base64url)');
    const header = jsonObject(headerBytes);
    const claims = jsonObject(bodyBytes);
    if (!header || !claims) throw refuse('is malformed (header and claims must be JSON objects)');
    if (header['typ'] !== FORWARD_TOKEN_TYPE || header['alg'] !== 'ES256' || 'crit' in header) {
      throw refuse(`is not one the gateway forwards (typ ${FORWARD_TOKEN_TYPE}, ES256): services accept only calls through the gateway`);
    }
    if (signature.length !== ES256_SIGNATURE_BYTES || !verify('sha256', Buffer.from(`${h}.${b}`), { key: opts.publicKey, dsaEncoding: 'ieee-p1363' }, signature)) {
      throw refuse('signature is invalid (not signed by the gateway)');
    }
    if (claims['iss'] !== FORWARD_TOKEN_ISSUER) throw refuse(`has the wrong issuer (expected ${FORWARD_TOKEN_ISSUER})`);
    if (claims['aud'] !== opts.audience) throw refuse(`is meant for another service (aud must be ${opts.audience})`);
    const { iat, exp, sub, permissions } = claims;
    if (!isSeconds(iat) || !isSeconds(exp)) throw refuse('must carry iat and exp as whole seconds');
    if (exp <= iat || exp - iat > FORWARD_TOKEN_MAX_TTL_SECONDS) throw refuse(`lives longer than ${FORWARD_TOKEN_MAX_TTL_SECONDS} s or not at all`);
    const seconds = t / 1000;
    if (iat > seconds + FORWARD_TOKEN_SKEW_SECONDS) throw refuse('was issued in the future');
    if (seconds >= exp + FORWARD_TOKEN_SKEW_SECONDS) throw refuse('has expired');
    if (typeof sub !== 'string' || sub === '') throw refuse('has no subject');
    if (!Array.isArray(permissions) || !permissions.every((x): x is string => typeof x === 'string')) throw refuse('must carry permissions as an array of strings');
    return { principal: { subject: sub, permissions: new Set(permissions) }, untilMs: (exp + FORWARD_TOKEN_SKEW_SECONDS) * 1000 };
  }

  return {
    verify(token) {
      const t = now();
      const hit = verified.get(token);
      if (hit && t < hit.untilMs) return hit.principal;
      const entry = check(token, t);
      if (hit) verified.delete(token);
      else if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
      verified.set(token, entry);
      return entry.principal;
    },
  };
}

/** The token of `Authorization: Bearer <token>`; 401 without one. */
export function bearerToken(header: string | undefined): string {
  const token = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : '';
  if (token === '') throw new UnauthenticatedError('A bearer token is required');
  return token;
}

/** Rejects every request without a valid forwarded token for this service (401). */
export function authenticate(verifier: ForwardVerifier): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.principal = verifier.verify(bearerToken(req.headers.authorization));
      next();
    } catch (err) {
      next(err);
    }
  };
}

class KeyMisuse extends Error {}
const pemOf = (value: string) => value.replace(/\\n/g, '\n').trim();

function keyFrom(env: Record<string, unknown>, name: 'GATEWAY_PUBLIC_KEY' | 'GATEWAY_SIGNING_KEY', read: (pem: string) => KeyObject): KeyObject {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const inline = text(env[name]);
  const file = text(env[`${name}_FILE`]);
  if (inline && file) throw new Error(`${name}: set either ${name} or ${name}_FILE, not both`);
  if (!inline && !file) throw new Error(`${name}: is required (or ${name}_FILE)`);
  let pem: string;
  const source = inline ? name : `${name}_FILE`;
  try {
    pem = inline ? pemOf(inline) : readFileSync(file!, 'utf8');
  } catch (err) {
    throw new Error(`${source}: cannot be read (${(err as Error).message})`);
  }
  let key: KeyObject;
  try {
    key = read(pem);
  } catch (err) {
    throw new Error(`${source}: ${err instanceof KeyMisuse ? err.message : 'is not a PEM key'}`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`${source}: must be a P-256 (ES256) key`);
  return key;
}

/** The gateway's public key from GATEWAY_PUBLIC_KEY (PEM SPKI) or GATEWAY_PUBLIC_KEY_FILE; throws naming the setting. */
export function gatewayPublicKey(env: { GATEWAY_PUBLIC_KEY?: string | undefined; GATEWAY_PUBLIC_KEY_FILE?: string | undefined }): KeyObject {
  return keyFrom(env, 'GATEWAY_PUBLIC_KEY', (pem) => {
    // a service holds no signing secret: a private key here is a deployment mistake
    if (/PRIVATE KEY/.test(pem)) throw new KeyMisuse("must be the gateway's public key (PEM SPKI), not a private key");
    return createPublicKey(pem);
  });
}

/** The gateway's signing key from GATEWAY_SIGNING_KEY (PEM PKCS#8) or GATEWAY_SIGNING_KEY_FILE; throws naming the setting. */
export function gatewaySigningKey(env: { GATEWAY_SIGNING_KEY?: string | undefined; GATEWAY_SIGNING_KEY_FILE?: string | undefined }): KeyObject {
  return keyFrom(env, 'GATEWAY_SIGNING_KEY', (pem) => createPrivateKey(pem));
}

export function hasPermission(p: Principal | undefined, permission: string): boolean {
  return !!p && (p.permissions.has('admin') || p.permissions.has(permission));
}

/** 403 naming the missing permission. */
export function requirePermission(permission: string): RequestHandler {
  return (req, _res, next) => (hasPermission(req.principal, permission) ? next() : next(new ForbiddenError(permission)));
}
