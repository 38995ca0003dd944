import { ALL_PERMISSIONS } from '@lma/api';
import { RetryableError, UnauthenticatedError, type Logger, type Principal } from '@lma/core';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { GatewayConfig } from '../config';

/**
 * User tokens: the bearer tokens people and their applications send to the gateway. Verified
 * with `jose`, once per token string; the result is cached until the token expires.
 *
 * - OpenID Connect (OIDC_ISSUER): asymmetric signatures only (RS256, ES256, EdDSA) with keys from
 *   the provider's JWKS, found through discovery; `iss`, `aud`, `exp`, `iat` required, `nbf` when
 *   present, all numeric; no older and no longer-lived than the maximum age; a small clock skew.
 * - Development (AUTH_DEV_HS256): HS256 tokens signed with AUTH_JWT_SECRET, the same claim rules
 *   without `aud` (the integration tests and local tools make these with `signJwt`).
 *
 * Permissions come from one claim (a dotted path reaches into objects: `realm_access.roles`), a
 * string of space-separated values or an array of strings, mapped through the role map when one is
 * configured; only LMA permissions survive.
 */
export const OIDC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

export interface UserTokenSettings {
  oidc?: { issuer: string; audience: string };
  devHs256?: { secret: string; issuer: string };
  /** The claim that carries permissions or roles, e.g. `permissions`, `roles`, `realm_access.roles`. */
  permissionsClaim: string;
  /** Claim value -> LMA permissions; without it the claim's values are LMA permissions. */
  rolePermissions?: Readonly<Record<string, readonly string[]>>;
  /** Every LMA permission: anything else a token names is ignored. */
  knownPermissions: readonly string[];
  /** The oldest `iat` and the longest `exp - iat` accepted. */
  maxTokenAgeSeconds: number;
  clockSkewSeconds: number;
}

export interface UserTokenDeps {
  now?: () => number;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Reads the discovery document (default: fetch with a timeout). */
  fetchJson?: (url: string) => Promise<unknown>;
  /** The key set of a `jwks_uri` (default: jose's remote set: an unknown `kid` refetches, at most every 30 s). */
  keySet?: (jwksUri: URL) => JWTVerifyGetKey;
  /** Discovery retry: first delay and the longest one (doubling in between). */
  retryMs?: { first: number; max: number };
  /** Verified tokens kept (the oldest go first). */
  cacheSize?: number;
}

export interface VerifiedUser {
  principal: Principal;
  /** Epoch ms of the token's `exp`. */
  expiresAt: number;
}

export interface UserTokenVerifier {
  /** The caller a user token names, or UnauthenticatedError (401) / RetryableError (503, provider unreachable). */
  verify(token: string): Promise<VerifiedUser>;
  /** True once the provider's discovery document has been read (or when there is no provider). */
  ready(): boolean;
  /** Stops retrying discovery. */
  close(): void;
}

const DISCOVERY_TIMEOUT_MS = 5_000;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Canonical base64url only: no padding, nothing outside the alphabet, no stray trailing bits. */
export function isStrictBase64url(part: string): boolean {
  return BASE64URL.test(part) && part.length % 4 !== 1 && Buffer.from(part, 'base64url').toString('base64url') === part;
}

/** The values of a claim, by exact name first, else by dotted path (`realm_access.roles`). */
function claimValues(payload: JWTPayload, claim: string): string[] {
  let value: unknown = payload[claim];
  if (value === undefined && claim.includes('.')) {
    value = claim.split('.').reduce<unknown>((v, key) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined), payload);
  }
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The LMA permissions a verified token grants. */
export function permissionsOf(payload: JWTPayload, settings: Pick<UserTokenSettings, 'permissionsClaim' | 'rolePermissions' | 'knownPermissions'>): Set<string> {
  const values = claimValues(payload, settings.permissionsClaim);
  const map = settings.rolePermissions;
  const granted = map ? values.flatMap((v) => (Object.hasOwn(map, v) ? map[v]! : [])) : values;
  const known = new Set(settings.knownPermissions);
  return new Set(granted.filter((p) => known.has(p)));
}

const refuse = (message: string, cause?: unknown) => new UnauthenticatedError(message, { schemes: ['Bearer'], refused: 'Bearer' }, cause);

/** A 401 that says what is wrong with the token, or a 503 when the provider's keys cannot be had. */
function explain(err: unknown, settings: UserTokenSettings, issuer: string | undefined, audience: string | undefined): Error {
  if (err instanceof UnauthenticatedError || err instanceof RetryableError) return err;
  if (err instanceof errors.JWTExpired) {
    return err.claim === 'iat' ? refuse(`The bearer token is older than ${settings.maxTokenAgeSeconds} s (iat)`, err) : refuse('The bearer token has expired', err);
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss' && err.reason === 'check_failed') return refuse(`The bearer token has the wrong issuer (iss): this API accepts tokens of ${issuer}`, err);
    if (err.claim === 'aud' && err.reason === 'check_failed') return refuse(`The bearer token is not meant for this API: its audience (aud) must include ${audience}`, err);
    if (err.claim === 'nbf' && err.reason === 'check_failed') return refuse('The bearer token is not valid yet (nbf)', err);
    if (err.claim === 'iat' && err.reason === 'check_failed') return refuse('The bearer token is issued in the future (iat)', err);
    return refuse(`The bearer token is invalid: ${err.message}`, err);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return refuse(`The bearer token must be signed with ${OIDC_ALGORITHMS.join(', ')}`, err);
  if (err instanceof errors.JWSSignatureVerificationFailed) return refuse('The bearer token signature is invalid', err);
  if (err instanceof errors.JWKSNoMatchingKey) return refuse("The bearer token is signed with a key the identity provider does not publish (kid)", err);
  if (err instanceof errors.JWKSMultipleMatchingKeys) return refuse('The bearer token names no key (kid) and the identity provider publishes several', err);
  if (err instanceof errors.JWKSTimeout) return new RetryableError("The identity provider's signing keys (jwks_uri) did not arrive in time; retry shortly", err);
  if (err instanceof errors.JWKSInvalid) return new RetryableError("The identity provider's signing keys (jwks_uri) are not a valid JWKS", err);
  if (err instanceof errors.JOSEError) return refuse(`The bearer token is malformed: ${err.message}`, err);
  return new RetryableError("The identity provider's signing keys (jwks_uri) cannot be fetched; retry shortly", err);
}

export function createUserTokenVerifier(settings: UserTokenSettings, deps: UserTokenDeps = {}): UserTokenVerifier {
  const now = deps.now ?? Date.now;
  const cacheSize = deps.cacheSize ?? 10_000;
  const cache = new Map<string, VerifiedUser>();
  const inflight = new Map<string, Promise<VerifiedUser>>();
  const oidc = settings.oidc;
  const hsKey = settings.devHs256 ? new TextEncoder().encode(settings.devHs256.secret) : undefined;

  // --- discovery: retried in the background until the provider answers ---
  let keys: JWTVerifyGetKey | undefined;
  let lastProblem: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fetchJson =
    deps.fetchJson ??
    (async (url: string) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      return (await res.json()) as unknown;
    });
  const keySet = deps.keySet ?? ((uri: URL) => createRemoteJWKSet(uri, { cooldownDuration: 30_000, timeoutDuration: DISCOVERY_TIMEOUT_MS }));

  async function discover(issuer: string): Promise<void> {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const doc = (await fetchJson(url)) as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (doc?.issuer !== issuer) throw new Error(`${url} names issuer ${JSON.stringify(doc?.issuer)}, not ${issuer} (OIDC_ISSUER must be the provider's issuer exactly)`);
    if (typeof doc.jwks_uri !== 'string' || !URL.canParse(doc.jwks_uri)) throw new Error(`${url} has no valid jwks_uri`);
    keys = keySet(new URL(doc.jwks_uri));
    deps.logger?.info({ issuer, jwksUri: doc.jwks_uri }, 'identity provider discovered');
  }
  if (oidc) {
    const retry = deps.retryMs ?? { first: 500, max: 10_000 };
    const attempt = (delay: number) => {
      discover(oidc.issuer).then(
        () => (lastProblem = undefined),
        (err: unknown) => {
          const problem = err instanceof Error ? err.message : String(err);
          if (problem !== lastProblem) deps.logger?.warn({ issuer: oidc.issuer, problem, retryInMs: delay }, 'identity provider not reachable yet; user tokens get 503 until it is');
          lastProblem = problem;
          if (!closed) timer = setTimeout(() => attempt(Math.min(delay * 2, retry.max)), delay).unref();
        },
      );
    };
    attempt(retry.first);
  }

  // --- verification ---
  const common = (t: number) => ({
    clockTolerance: settings.clockSkewSeconds,
    maxTokenAge: settings.maxTokenAgeSeconds,
    currentDate: new Date(t),
    requiredClaims: ['exp', 'iat', 'sub'],
  });

  async function verifyOnce(token: string): Promise<VerifiedUser> {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every(isStrictBase64url)) {
      throw refuse('The bearer token is malformed: a JWT is three base64url parts without padding');
    }
    const alg = decodeProtectedHeader(token).alg;
    const t = now();
    let payload: JWTPayload;
    if (alg === 'HS256' && hsKey && settings.devHs256) {
      ({ payload } = await jwtVerify(token, hsKey, { ...common(t), algorithms: ['HS256'], issuer: settings.devHs256.issuer }));
    } else if (oidc && (OIDC_ALGORITHMS as readonly unknown[]).includes(alg)) {
      if (!keys) {
        throw new RetryableError(`The identity provider ${oidc.issuer} (OIDC_ISSUER) has not been reached yet; retry shortly${lastProblem ? ` (${lastProblem})` : ''}`);
      }
      ({ payload } = await jwtVerify(token, keys, { ...common(t), algorithms: [...OIDC_ALGORITHMS], issuer: oidc.issuer, audience: oidc.audience }));
    } else {
      const accepted = [...(oidc ? OIDC_ALGORITHMS : []), ...(settings.devHs256 ? ['HS256'] : [])].join(', ');
      throw refuse(`The bearer token must be signed with ${accepted}, not ${typeof alg === 'string' ? alg : 'no algorithm'}`);
    }
    const exp = payload.exp!;
    const iat = payload.iat!;
    if (exp - iat > settings.maxTokenAgeSeconds) throw refuse(`The bearer token lives longer than ${settings.maxTokenAgeSeconds} s (exp - iat)`);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw refuse('The bearer token has no subject (sub)');
    return { principal: { subject: payload.sub, permissions: permissionsOf(payload, settings) }, expiresAt: exp * 1000 };
  }

  return {
    async verify(token) {
      const hit = cache.get(token);
      if (hit) {
        if (hit.expiresAt > now()) return hit;
        cache.delete(token);
      }
      let pending = inflight.get(token);
      if (!pending) {
        pending = verifyOnce(token)
          .catch((err: unknown) => {
            throw explain(err, settings, oidc?.issuer, oidc?.audience);
          })
          .finally(() => inflight.delete(token));
        inflight.set(token, pending);
      }
      const verified = await pending;
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(token, verified);
      return verified;
    },
    ready: () => !oidc || keys !== undefined,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

/** The verifier's settings from the gateway's configuration (config.ts). */
export function userTokenSettingsOf(config: GatewayConfig): UserTokenSettings {
  return {
    ...(config.OIDC_ISSUER ? { oidc: { issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE } } : {}),
    ...(config.AUTH_DEV_HS256 && config.AUTH_JWT_SECRET ? { devHs256: { secret: config.AUTH_JWT_SECRET, issuer: config.AUTH_JWT_ISSUER } } : {}),
    permissionsClaim: config.OIDC_PERMISSIONS_CLAIM,
    ...(config.OIDC_ROLE_PERMISSIONS ? { rolePermissions: config.OIDC_ROLE_PERMISSIONS } : {}),
    knownPermissions: ALL_PERMISSIONS,
    maxTokenAgeSeconds: config.OIDC_MAX_TOKEN_AGE_SECONDS,
    clockSkewSeconds: config.OIDC_CLOCK_SKEW_SECONDS,
  };
}
