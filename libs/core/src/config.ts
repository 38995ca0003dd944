import { z } from 'zod';
import { KafkaSecuritySettings, kafkaSecurityIssues } from './kafkaSecurity';

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
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWT_ISSUER: z.string().min(1).default('lma'),
  SHUTDOWN_TIMEOUT_MS: intSetting(20_000, 1000, 600_000),
  /** Full scan for unpublished outbox events (writes of this process are relayed at once). */
  OUTBOX_SCAN_MS: intSetting(2_000, 50, 600_000),
  /** How often the consumer lag gauge is read again from the broker's offsets. */
  KAFKA_LAG_REFRESH_MS: intSetting(10_000, 100, 600_000),
});
export type BaseConfig = z.infer<typeof BaseConfig>;

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
