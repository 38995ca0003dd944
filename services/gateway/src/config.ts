import path from 'node:path';
import { z } from 'zod';
import { ALL_PERMISSIONS, type Permission } from '@lma/api';
import { BaseConfig, intSetting, loadConfig, port, requireGatewaySigningKey } from '@lma/core';

const serviceUrl = (fallback: string) =>
  z
    .string()
    .url()
    .regex(/^https?:\/\/[^/]+\/?$/, 'must be http(s)://host:port without a path')
    .default(fallback)
    .transform((u) => u.replace(/\/$/, ''));

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/** OIDC_ROLE_PERMISSIONS: a JSON object of claim value -> LMA permissions. */
const rolePermissions = z.string().transform((s, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object, e.g. {"lma-admin":["admin"],"lma-analyst":["licenses:read"]}' });
    return z.NEVER;
  }
  const r = z.record(z.array(z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]], { message: `each permission must be one of ${ALL_PERMISSIONS.join(', ')}` }))).safeParse(parsed);
  if (!r.success) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must map each claim value to an array of LMA permissions: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    return z.NEVER;
  }
  return r.data;
});

/** A name reserved for examples (RFC 2606): what the deployment templates hold until replaced. */
const placeholderHost = (host: string) => /(^|\.)(example|invalid|test)$/.test(host) || /(^|\.)example\.(com|net|org)$/.test(host);

/**
 * Who may sign user tokens: an OpenID Connect provider (OIDC_ISSUER) and, in development only,
 * the shared HS256 secret (AUTH_DEV_HS256=true with AUTH_JWT_SECRET); at least one of them.
 */
function requireUserTokenSource(c: { NODE_ENV: string; OIDC_ISSUER?: string | undefined; AUTH_DEV_HS256: boolean; AUTH_JWT_SECRET?: string | undefined }, ctx: z.RefinementCtx): void {
  if (!c.OIDC_ISSUER && !c.AUTH_DEV_HS256) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['OIDC_ISSUER'], message: 'is required (the issuer URL of your OpenID Connect provider), unless AUTH_DEV_HS256=true for development' });
  }
  if (c.AUTH_DEV_HS256 && c.NODE_ENV === 'production') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['AUTH_DEV_HS256'], message: 'must not be true with NODE_ENV=production (HS256 user tokens are for development only; use OIDC_ISSUER)' });
  }
  if (c.NODE_ENV === 'production' && c.OIDC_ISSUER && placeholderHost(new URL(c.OIDC_ISSUER).hostname)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['OIDC_ISSUER'], message: `must name your identity provider in production, not the placeholder ${c.OIDC_ISSUER}` });
  }
  if (c.AUTH_DEV_HS256 && !c.AUTH_JWT_SECRET) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['AUTH_JWT_SECRET'], message: 'is required with AUTH_DEV_HS256=true (at least 32 characters)' });
  }
}

/**
 * The gateway needs its database (API keys) and the services' URLs; no Kafka. Rate limits are
 * token buckets per caller and per replica: a caller may get up to N x the limit across N replicas.
 */
export const GatewayConfig = BaseConfig.pick({
  NODE_ENV: true,
  LOG_LEVEL: true,
  MONGODB_URI: true,
  MONGODB_DB_PREFIX: true,
  SHUTDOWN_TIMEOUT_MS: true,
  HOST: true,
  METRICS_PORT: true,
  // no Kafka client: the AsyncAPI document states the partitions the services create topics with
  KAFKA_TOPIC_PARTITIONS: true,
}).extend({
  PORT: port(4000),
  AUTH_JWT_ISSUER: z.string().min(1).default('lma'),
  /** Signs the tokens forwarded to the services (PEM PKCS#8, P-256), or a file holding it; required. */
  GATEWAY_SIGNING_KEY: z.string().optional(),
  GATEWAY_SIGNING_KEY_FILE: z.string().optional(),
  /** The OpenID Connect provider whose tokens sign people in (docs/security.md): its issuer URL, exactly. */
  OIDC_ISSUER: z.preprocess(unsetIfEmpty, z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL').optional()),
  /** The `aud` a user token must name: this API at the provider. */
  OIDC_AUDIENCE: z.string().min(1).default('lma-api'),
  /** The claim with the caller's permissions or roles (a dotted path for nested claims: realm_access.roles). */
  OIDC_PERMISSIONS_CLAIM: z.string().min(1).default('permissions'),
  /** JSON object: claim value -> LMA permissions. Without it the claim's values are LMA permissions. */
  OIDC_ROLE_PERMISSIONS: z.preprocess(unsetIfEmpty, rolePermissions.optional()),
  /** The oldest (now - iat) and the longest-lived (exp - iat) user token accepted. */
  OIDC_MAX_TOKEN_AGE_SECONDS: intSetting(86_400, 60, 7 * 86_400),
  OIDC_CLOCK_SKEW_SECONDS: intSetting(30, 0, 300),
  /** Development only: also accept HS256 user tokens signed with AUTH_JWT_SECRET, issued by AUTH_JWT_ISSUER. */
  AUTH_DEV_HS256: z.preprocess(unsetIfEmpty, z.enum(['true', 'false'], { message: 'must be true or false' }).default('false')).transform((v) => v === 'true'),
  AUTH_JWT_SECRET: z.preprocess(unsetIfEmpty, z.string().min(32, 'must be at least 32 characters').optional()),
  INSTALL_INTAKE_URL: serviceUrl('http://127.0.0.1:4001'),
  LEAD_URL: serviceUrl('http://127.0.0.1:4002'),
  LICENSE_URL: serviceUrl('http://127.0.0.1:4003'),
  NOTIFICATION_URL: serviceUrl('http://127.0.0.1:4004'),
  REFRESH_URL: serviceUrl('http://127.0.0.1:4005'),
  /** A service that has not answered after this long is reported unavailable (503). */
  UPSTREAM_TIMEOUT_MS: intSetting(10_000, 100, 300_000),
  /** How long a replica trusts a cached API key; a key revoked on another replica works this long at most. */
  API_KEY_CACHE_TTL_MS: intSetting(10_000, 0, 300_000),
  /** Lifetime of the token the gateway signs for the services (re-used for half of it); services refuse more than 300. */
  FORWARD_TOKEN_TTL_SECONDS: intSetting(60, 10, 300),
  /**
   * Single license checks arriving while this many batches are on their way to the license service
   * leave together in the next batch (one upstream call for many callers); 0 forwards each on its own.
   */
  CHECK_BATCHES_IN_FLIGHT: intSetting(4, 0, 64),
  RATE_LIMIT_PER_SECOND: intSetting(50, 1, 1_000_000),
  RATE_LIMIT_BURST: intSetting(100, 1, 1_000_000),
  /** License checks (routes with `rateLimit: 'check'`) have their own, larger budget. */
  RATE_LIMIT_CHECK_PER_SECOND: intSetting(20_000, 1, 10_000_000),
  RATE_LIMIT_CHECK_BURST: intSetting(20_000, 1, 10_000_000),
  /**
   * Requests without credentials or whose credentials are refused, per client address (an IPv6
   * address by its /64): past this budget the address is answered 429 before its credentials are
   * looked at (an unknown API key id costs a database read, a junk token a signature check).
   */
  RATE_LIMIT_UNAUTHENTICATED_PER_SECOND: intSetting(2, 1, 1_000_000),
  RATE_LIMIT_UNAUTHENTICATED_BURST: intSetting(30, 1, 1_000_000),
  /** The built console served at / (docs/console.md); a directory without index.html: / answers 404. */
  CONSOLE_DIR: z.string().min(1).default(path.resolve(__dirname, '../../console/dist')),
  /** The console's public OpenID Connect client at OIDC_ISSUER and the resource indicator of this API there. */
  CONSOLE_CLIENT_ID: z.string().min(1).default('lma-console'),
  CONSOLE_API_RESOURCE: z.string().regex(/^[a-z][a-z0-9+.-]*:[^#\s]+$/i, 'must be an absolute URI without a fragment').default('urn:lma:api'),
  CONSOLE_SCOPE: z.string().min(1).default('openid profile email'),
}).superRefine(requireGatewaySigningKey).superRefine(requireUserTokenSource);
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig(GatewayConfig, env);
