import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

/** An empty variable means "not set". */
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

const readableFile = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .refine((f) => {
      try {
        accessSync(f, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    }, 'must name a readable file')
    .optional(),
);

export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How a client authenticates to the brokers (docs/security.md, "Kafka principals and ACLs"):
 * SASL (SCRAM-SHA-512 locally, where each service has a principal of its own) and TLS with a CA,
 * and optionally a client certificate and key. Nothing set: an unsecured broker (plaintext, no
 * identity), as a throwaway container is.
 */
export const KafkaSecuritySettings = {
  KAFKA_SASL_MECHANISM: z.preprocess(
    (v) => (typeof v === 'string' ? unsetIfEmpty(v.toLowerCase()) : v),
    z.enum(KAFKA_SASL_MECHANISMS, { errorMap: () => ({ message: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` }) }).optional(),
  ),
  KAFKA_SASL_USERNAME: z.preprocess(unsetIfEmpty, z.string().optional()),
  KAFKA_SASL_PASSWORD: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** TLS to the brokers (SASL_SSL or SSL listeners). */
  KAFKA_SSL: z.preprocess(unsetIfEmpty, z.enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) }).default('false')).transform((v) => v === 'true'),
  /** PEM file of the CA that signed the brokers' certificates (else the system's CAs). */
  KAFKA_SSL_CA_FILE: readableFile,
  /** PEM files of a client certificate and its key (mutual TLS), both or neither. */
  KAFKA_SSL_CERT_FILE: readableFile,
  KAFKA_SSL_KEY_FILE: readableFile,
};

export interface KafkaSecurityConfig {
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  KAFKA_SSL?: boolean | undefined;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SSL_CERT_FILE?: string | undefined;
  KAFKA_SSL_KEY_FILE?: string | undefined;
}

/**
 * The settings that only make sense together, each problem naming the setting to fix: a SASL
 * mechanism needs a username and a password (and they need a mechanism); TLS files need
 * KAFKA_SSL=true; a client certificate needs its key and the other way round.
 */
export function kafkaSecurityIssues(c: KafkaSecurityConfig): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (c.KAFKA_SASL_MECHANISM) {
    if (!c.KAFKA_SASL_USERNAME) issues.push({ path: 'KAFKA_SASL_USERNAME', message: `is required with KAFKA_SASL_MECHANISM=${c.KAFKA_SASL_MECHANISM}` });
    if (!c.KAFKA_SASL_PASSWORD) issues.push({ path: 'KAFKA_SASL_PASSWORD', message: `is required with KAFKA_SASL_MECHANISM=${c.KAFKA_SASL_MECHANISM}` });
  } else if (c.KAFKA_SASL_USERNAME || c.KAFKA_SASL_PASSWORD) {
    issues.push({ path: 'KAFKA_SASL_MECHANISM', message: `is required with ${c.KAFKA_SASL_USERNAME ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD'} (one of ${KAFKA_SASL_MECHANISMS.join(', ')})` });
  }
  if (!c.KAFKA_SSL) {
    for (const f of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
      if (c[f]) issues.push({ path: f, message: 'is set but KAFKA_SSL is not true' });
    }
  }
  if (c.KAFKA_SSL_CERT_FILE && !c.KAFKA_SSL_KEY_FILE) issues.push({ path: 'KAFKA_SSL_KEY_FILE', message: 'is required with KAFKA_SSL_CERT_FILE' });
  if (c.KAFKA_SSL_KEY_FILE && !c.KAFKA_SSL_CERT_FILE) issues.push({ path: 'KAFKA_SSL_CERT_FILE', message: 'is required with KAFKA_SSL_KEY_FILE' });
  return issues;
}
