import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BaseConfig, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';

const valid = { KAFKA_BROKERS: 'localhost:9092', MONGODB_URI: 'mongodb://localhost:27017' };
const failure = (env: Record<string, string>): string => {
  try {
    loadConfig(BaseConfig, { ...valid, ...env });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('Kafka security settings', () => {
  it('given none, when loaded, then the broker is unsecured (no SASL, no TLS)', () => {
    const c = loadConfig(BaseConfig, valid);
    expect(c.KAFKA_SASL_MECHANISM).toBeUndefined();
    expect(c.KAFKA_SSL).toBe(false);
  });

  it('given a mechanism with its username and password, when loaded, then they are kept (mechanism case-insensitive)', () => {
    const c = loadConfig(BaseConfig, { ...valid, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'lead', KAFKA_SASL_PASSWORD: 'pw' });
    expect([c.KAFKA_SASL_MECHANISM, c.KAFKA_SASL_USERNAME, c.KAFKA_SASL_PASSWORD]).toEqual(['scram-sha-512', 'lead', 'pw']);
  });

  it('given a mechanism without username or password, when loaded, then each missing setting is named', () => {
    const message = failure({ KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    expect(message).toMatch(/KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=scram-sha-512/);
    expect(message).toMatch(/KAFKA_SASL_PASSWORD: is required/);
  });

  it('given credentials without a mechanism, or an unknown mechanism, when loaded, then KAFKA_SASL_MECHANISM is named', () => {
    expect(failure({ KAFKA_SASL_USERNAME: 'lead', KAFKA_SASL_PASSWORD: 'pw' })).toMatch(/KAFKA_SASL_MECHANISM: is required/);
    expect(failure({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'lead', KAFKA_SASL_PASSWORD: 'pw' })).toMatch(/KAFKA_SASL_MECHANISM: must be one of scram-sha-512, scram-sha-256, plain/);
  });

  it('given TLS files, when loaded, then they must be readable, need KAFKA_SSL=true and a certificate needs its key', () => {
    const ca = path.join(tmpdir(), `lma-ca-${process.pid}.pem`);
    writeFileSync(ca, 'not checked here');
    expect(failure({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toMatch(/KAFKA_SSL_CA_FILE: must name a readable file/);
    expect(failure({ KAFKA_SSL_CA_FILE: ca })).toMatch(/KAFKA_SSL_CA_FILE: is set but KAFKA_SSL is not true/);
    expect(failure({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: ca })).toMatch(/KAFKA_SSL_KEY_FILE: is required with KAFKA_SSL_CERT_FILE/);
    expect(failure({ KAFKA_SSL: 'yes' })).toMatch(/KAFKA_SSL: must be true or false/);
    expect(loadConfig(BaseConfig, { ...valid, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca }).KAFKA_SSL).toBe(true);
  });

  it('given the Kafka password in a logged config or kafkajs options, when logged, then it is not written', () => {
    const out: string[] = [];
    const logger = createLogger('test-service', 'info');
    const stream = (logger as unknown as Record<symbol, { write(s: string): void }>)[pino.symbols.streamSym]!;
    stream.write = (s: string) => void out.push(s);
    logger.info({ config: { KAFKA_SASL_USERNAME: 'lead', KAFKA_SASL_PASSWORD: 'kafka-secret-1' }, KAFKA_SASL_PASSWORD: 'kafka-secret-2', kafka: { sasl: { password: 'kafka-secret-3' } } }, 'settings');
    expect(out[0]).toContain('lead');
    for (const secret of ['kafka-secret-1', 'kafka-secret-2', 'kafka-secret-3']) expect(out[0]).not.toContain(secret);
  });
});
