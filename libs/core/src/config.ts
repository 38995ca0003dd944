import { z } from 'zod';
import { KafkaSecuritySettings, kafkaSecurityIssues } from './kafkaSecurity';
import { gatewayPublicKey, gatewaySigningKey } from './auth';

/** An empty variable means "not set", so the default applies (not a coerced 0). */
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);
export const port = (fallback: number) => z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(fallback));
export const intSetting = (fallback: number, min: number, max: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).max(max).default(fallback));

/** Settings every service reads; services extend this with their own. */
export const BaseConfig = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z
    .string({ required_error: 'is required (comma-separated host:port list)' })
    .min(1)
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .refine((l) => l.length > 0 && l.every((b) => /^[^:\s]+:\d+$/.test(b)), 'must be a comma-separated list of host:port'),
  MONGODB_URI: z
    .string({ required_error: 'is required' })
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// connection string'),
  /** Prefix for database names, so several stacks or test runs can share one server. */
  MONGODB_DB_PREFIX: z.string().regex(/^[a-z0-9_]*$/, 'must be lowercase letters, digits or _').default('lma'),
  /** Prefix for consumer group ids, for the same reason. */
  KAFKA_GROUP_PREFIX: z.string().default('lma'),
  /** Prefix for every topic name (empty in production); isolates test runs on one broker. */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'must be letters, digits, ., _ or -').default(''),
  KAFKA_TOPIC_PARTITIONS: intSetting(6, 1, 1000),
  /** Kafka SASL and TLS (kafkaSecurity.ts); none set: an unsecured broker. */
  ...KafkaSecuritySettings,
  /** Address the API and metrics listeners bind to: loopback by default; containers set 0.0.0.0. */
  HOST: z.string().regex(/^[A-Za-z0-9.:-]+$/, 'must be an IP address or a host name').default('127.0.0.1'),
  /** Port of the separate /metrics listener; unset: PORT + 100 (metricsPortOf). */
  METRICS_PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).optional()),
  /** The gateway's public key (PEM SPKI) that forwarded tokens are verified with, or a file holding it. */
  GATEWAY_PUBLIC_KEY: z.string().optional(),
  GATEWAY_PUBLIC_KEY_FILE: z.string().optional(),
  SHUTDOWN_TIMEOUT_MS: intSetting(20_000, 1000, 600_000),
  /** Full scan for unpublished outbox events (writes of this process are relayed at once). */
  OUTBOX_SCAN_MS: intSetting(2_000, 50, 600_000),
  /** How often the consumer lag gauge is read again from the broker's offsets. */
  KAFKA_LAG_REFRESH_MS: intSetting(10_000, 100, 600_000),
  /**
   * How long the broker waits for a consumer's heartbeat before its partitions go to the other
   * members of its group (a crashed or frozen replica); within the broker's group.min/max.session.timeout.ms.
   */
  KAFKA_SESSION_TIMEOUT_MS: intSetting(30_000, 6_000, 300_000),
  /** Days the dead-letter ledger (`dead_letters`) keeps a dead letter before it is pruned. */
  DEAD_LETTER_RETENTION_DAYS: intSetting(7, 1, 365),
  /** How often the ledger is pruned of dead letters older than the retention. */
  DEAD_LETTER_PRUNE_MS: intSetting(3_600_000, 100, 86_400_000),
});
export type BaseConfig = z.infer<typeof BaseConfig>;

/** METRICS_PORT, else PORT + 100 (4103 for the license service on 4003); a random port when PORT is 0. */
export const metricsPortOf = (c: { PORT: number; METRICS_PORT?: number | undefined }): number => c.METRICS_PORT ?? (c.PORT === 0 ? 0 : c.PORT + 100);

/** Issues of a setting read by a function that throws `<SETTING>: <problem>` (auth.ts key readers). */
function issueOf(read: () => unknown, ctx: z.RefinementCtx): void {
  try {
    read();
  } catch (err) {
    const m = /^([A-Z_]+): (.*)$/s.exec((err as Error).message);
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: m ? [m[1]!] : [], message: m ? m[2]! : (err as Error).message });
  }
}

/** Every service's refinement: the gateway's public key is required and must be a P-256 public key. */
export const requireGatewayPublicKey = (c: { GATEWAY_PUBLIC_KEY?: string | undefined; GATEWAY_PUBLIC_KEY_FILE?: string | undefined }, ctx: z.RefinementCtx): void =>
  issueOf(() => gatewayPublicKey(c), ctx);

/** The gateway's refinement: its signing key is required and must be a P-256 private key. */
export const requireGatewaySigningKey = (c: { GATEWAY_SIGNING_KEY?: string | undefined; GATEWAY_SIGNING_KEY_FILE?: string | undefined }, ctx: z.RefinementCtx): void =>
  issueOf(() => gatewaySigningKey(c), ctx);

/** Parses the environment once and fails fast with every invalid setting named. */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const r = schema.safeParse(env);
  // settings that only make sense together (Kafka SASL and TLS), checked for every schema that has them
  const together = r.success ? kafkaSecurityIssues(r.data as Record<string, never>) : [];
  if (r.success && !together.length) return r.data;
  const lines = [
    ...(r.success ? [] : r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)),
    ...together.map((i) => `  ${i.path}: ${i.message}`),
  ];
  throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
}
