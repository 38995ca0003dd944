import { z } from 'zod';
import { BaseConfig, intSetting, loadConfig, port, requireGatewaySigningKey } from '@lma/core';

const serviceUrl = (fallback: string) =>
  z
    .string()
    .url()
    .regex(/^https?:\/\/[^/]+\/?$/, 'must be http(s)://host:port without a path')
    .default(fallback)
    .transform((u) => u.replace(/\/$/, ''));

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
  /** Verifies callers' tokens and signs the short-lived tokens forwarded to the services. */
  AUTH_JWT_SECRET: z.string({ required_error: 'is required (the gateway authenticates every call)' }).min(32, 'must be at least 32 characters'),
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
}).superRefine(requireGatewaySigningKey);
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig(GatewayConfig, env);
