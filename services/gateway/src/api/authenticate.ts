import type { KeyObject } from 'node:crypto';
import { UnauthenticatedError, signForwardToken, type AuthScheme, type ForwardAudience, type Principal } from '@lma/core';
import { parseApiKey, secretMatches } from '../domain/apiKeys';
import type { CachedApiKey } from '../infra/apiKeyStore';
import type { UserTokenVerifier } from './userTokens';

/** A caller the gateway has authenticated, with the token it forwards to the services. */
export interface Caller {
  principal: Principal;
  /** Rate-limit identity: one bucket per user or per API key. */
  id: string;
  /**
   * The token forwarded to one service for this caller (ES256, typ lma-forward+jwt, aud = the
   * service, `sub`, `permissions`), signed with the gateway's key on first use and re-used for half
   * its lifetime: once per caller and service, not per request.
   */
  forwardToken: (service: ForwardAudience) => string;
}

interface Entry {
  caller: Caller;
  until: number;
}
const MAX_ENTRIES = 50_000;

/** What a 401 challenges the caller with: either scheme, the refused one named (WWW-Authenticate). */
const SCHEMES: AuthScheme[] = ['Bearer', 'ApiKey'];
const refused = (scheme: AuthScheme, message: string, cause?: unknown) => new UnauthenticatedError(message, { schemes: SCHEMES, refused: scheme }, cause);

const reuseMsOf = (ttlSeconds: number) => (ttlSeconds * 1000) / 2;

/**
 * The tokens forwarded for one principal, one per service: signed with the gateway's key on first
 * use and re-used for half their lifetime.
 */
export function forwardTokens(deps: { signingKey: KeyObject; forwardTtlSeconds: number; now?: () => number }, p: Principal): Caller['forwardToken'] {
  const now = deps.now ?? Date.now;
  const reuseMs = reuseMsOf(deps.forwardTtlSeconds);
  const signed = new Map<ForwardAudience, { token: string; until: number }>();
  return (service) => {
    const t = now();
    const hit = signed.get(service);
    if (hit && hit.until > t) return hit.token;
    const token = signForwardToken(deps.signingKey, { aud: service, sub: p.subject, permissions: p.permissions }, { ttlSeconds: deps.forwardTtlSeconds, now });
    signed.set(service, { token, until: t + reuseMs });
    return token;
  };
}

/**
 * Authenticates `Authorization: Bearer <JWT>`, `Authorization: ApiKey <key>` or `X-API-Key`.
 * A verified bearer token and the token forwarded for it are re-used until the earlier of the
 * caller's expiry and half the forwarded token's lifetime, so the hot path signs and verifies
 * nothing (the cache is keyed by the exact token string).
 */
export function createAuthenticator(deps: {
  /** Verifies user tokens (OpenID Connect, or HS256 in development): userTokens.ts. */
  userTokens: Pick<UserTokenVerifier, 'verify'>;
  forwardTtlSeconds: number;
  /** The gateway's P-256 private key (GATEWAY_SIGNING_KEY). */
  signingKey: KeyObject;
  lookupKey: (keyId: string) => Promise<CachedApiKey | null>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const reuseMs = reuseMsOf(deps.forwardTtlSeconds);
  const bearers = new Map<string, Entry>();
  const keys = new Map<string, Entry>();

  const forward = (p: Principal) => forwardTokens({ ...deps, now }, p);
  const remember = (map: Map<string, Entry>, key: string, caller: Caller, until: number) => {
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, { caller, until });
    return caller;
  };

  async function bearer(token: string): Promise<Caller> {
    const t = now();
    const hit = bearers.get(token);
    if (hit && hit.until > t) return hit.caller;
    let verified;
    try {
      verified = await deps.userTokens.verify(token);
    } catch (err) {
      throw err instanceof UnauthenticatedError ? refused('Bearer', err.message, err) : err;
    }
    const { principal, expiresAt } = verified;
    return remember(bearers, token, { principal, id: `user:${principal.subject}`, forwardToken: forward(principal) }, Math.min(expiresAt, t + reuseMs));
  }

  async function apiKey(key: string): Promise<Caller> {
    const parsed = parseApiKey(key);
    if (!parsed) throw refused('ApiKey', 'The API key is malformed');
    const stored = await deps.lookupKey(parsed.keyId);
    if (!stored || !secretMatches(parsed.secret, stored.secretHash)) throw refused('ApiKey', 'The API key is invalid');
    if (stored.revoked) throw refused('ApiKey', 'The API key has been revoked');
    const t = now();
    const hit = keys.get(parsed.keyId);
    // the cached forward token is only re-used for the same stored key state (permissions)
    if (hit && hit.until > t && hit.caller.principal === stored.principal) return hit.caller;
    return remember(keys, parsed.keyId, { principal: stored.principal, id: `key:${parsed.keyId}`, forwardToken: forward(stored.principal) }, t + reuseMs);
  }

  const authenticate = async (headers: Headers): Promise<Caller> => {
    const auth = headers.authorization;
    if (auth) {
      const space = auth.indexOf(' ');
      const scheme = space > 0 ? auth.slice(0, space).toLowerCase() : auth.toLowerCase();
      const value = space > 0 ? auth.slice(space + 1).trim() : '';
      if (scheme === 'bearer') return await bearer(value);
      if (scheme === 'apikey') return await apiKey(value);
      throw new UnauthenticatedError('Unsupported authorization scheme: use Bearer <JWT> or ApiKey <key>', { schemes: SCHEMES });
    }
    const key = headers['x-api-key'];
    if (typeof key === 'string' && key) return await apiKey(key.trim());
    throw new UnauthenticatedError('A bearer token or an API key is required', { schemes: SCHEMES });
  };
  /**
   * The caller of a bearer token verified before and still cached, without any other work: what
   * gets through while the caller's address is over its budget for refused credentials (another
   * client behind the same address spraying junk does not lock out people already signed in).
   */
  const known = (headers: Headers): Caller | undefined => {
    const auth = headers.authorization;
    if (!auth || auth.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
    const hit = bearers.get(auth.slice(7).trim());
    return hit && hit.until > now() ? hit.caller : undefined;
  };
  return Object.assign(authenticate, { known });
}

type Headers = { authorization?: string | undefined; 'x-api-key'?: string | string[] | undefined };
/** Authenticates a request's credentials; `known` answers from what was verified before, or not at all. */
export type Authenticator = ((headers: Headers) => Promise<Caller>) & { known?: (headers: Headers) => Caller | undefined };
