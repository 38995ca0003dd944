import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthenticatedError, type AuthChallenge } from './errors';

/**
 * Bearer-token authentication (HS256 JWT, issuer checked) and permission checks.
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

/** A bearer token was given and refused. */
const REFUSED_BEARER: AuthChallenge = { schemes: ['Bearer'], refused: 'Bearer' };

export function verifyJwt(token: string, opts: AuthOptions): Principal {
  const parts = token.split('.');
  if (parts.length !== 3) throw new UnauthenticatedError('The bearer token is malformed', REFUSED_BEARER);
  const [h, b, s] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: { iss?: unknown; sub?: unknown; exp?: unknown; nbf?: unknown; permissions?: unknown };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(b, 'base64url').toString('utf8'));
  } catch {
    throw new UnauthenticatedError('The bearer token is malformed', REFUSED_BEARER);
  }
  if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) {
    throw new UnauthenticatedError('The bearer token is malformed', REFUSED_BEARER);
  }
  if (header.alg !== 'HS256') throw new UnauthenticatedError('The bearer token must be signed with HS256', REFUSED_BEARER);
  const expected = createHmac('sha256', opts.secret).update(`${h}.${b}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthenticatedError('The bearer token signature is invalid', REFUSED_BEARER);
  }
  const now = Math.floor((opts.now?.() ?? Date.now()) / 1000);
  if (claims.iss !== opts.issuer) throw new UnauthenticatedError('The bearer token has the wrong issuer', REFUSED_BEARER);
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new UnauthenticatedError('The bearer token has expired', REFUSED_BEARER);
  if (typeof claims.nbf === 'number' && claims.nbf > now) throw new UnauthenticatedError('The bearer token is not valid yet', REFUSED_BEARER);
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new UnauthenticatedError('The bearer token has no subject', REFUSED_BEARER);
  const perms = Array.isArray(claims.permissions) ? claims.permissions.filter((p): p is string => typeof p === 'string') : [];
  return { subject: claims.sub, permissions: new Set(perms) };
}

/** Rejects every request without a valid bearer token (401). */
export function authenticate(opts: AuthOptions | undefined): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!opts) return next(new UnauthenticatedError('Authentication is not configured on this service (AUTH_JWT_SECRET)'));
    const header = req.headers.authorization;
    if (!header || !header.startsWith('Bearer ')) return next(new UnauthenticatedError('A bearer token is required'));
    try {
      req.principal = verifyJwt(header.slice('Bearer '.length).trim(), opts);
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function hasPermission(p: Principal | undefined, permission: string): boolean {
  return !!p && (p.permissions.has('admin') || p.permissions.has(permission));
}

/** 403 naming the missing permission. */
export function requirePermission(permission: string): RequestHandler {
  return (req, _res, next) => (hasPermission(req.principal, permission) ? next() : next(new ForbiddenError(permission)));
}
