import { describe, expect, it } from 'vitest';
import { BaseConfig, loadConfig, port } from '../src/config';

const ServiceConfig = BaseConfig.extend({ PORT: port(1) });
const valid = { KAFKA_BROKERS: 'localhost:9092', MONGODB_URI: 'mongodb://localhost:27017' };

/** The message loadConfig fails with; fails the test when it succeeds. */
function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(ServiceConfig, env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('given only the required settings, when loaded, then every other setting has its default', () => {
    expect(loadConfig(ServiceConfig, valid)).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: ['localhost:9092'],
      MONGODB_URI: 'mongodb://localhost:27017',
      MONGODB_DB_PREFIX: 'lma',
      KAFKA_GROUP_PREFIX: 'lma',
      KAFKA_TOPIC_PREFIX: '',
      KAFKA_TOPIC_PARTITIONS: 6,
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: 20_000,
      OUTBOX_SCAN_MS: 2_000,
      KAFKA_LAG_REFRESH_MS: 10_000,
      KAFKA_SESSION_TIMEOUT_MS: 30_000,
      DEAD_LETTER_RETENTION_DAYS: 7,
      DEAD_LETTER_PRUNE_MS: 3_600_000,
      KAFKA_SSL: false,
      PORT: 1,
    });
  });

  it('given a comma-separated broker list with spaces and a trailing comma, when loaded, then it is a clean list', () => {
    const c = loadConfig(ServiceConfig, { ...valid, KAFKA_BROKERS: ' kafka-1:9092, kafka-2:9093 ,kafka-3:9094,' });
    expect(c.KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9093', 'kafka-3:9094']);
  });

  it('given settings as strings, when loaded, then numbers are numbers', () => {
    const c = loadConfig(ServiceConfig, { ...valid, PORT: '8080', KAFKA_TOPIC_PARTITIONS: '3', SHUTDOWN_TIMEOUT_MS: '5000' });
    expect(c.PORT).toBe(8080);
    expect(c.KAFKA_TOPIC_PARTITIONS).toBe(3);
    expect(c.SHUTDOWN_TIMEOUT_MS).toBe(5000);
  });

  it("given a consumer session timeout under the broker's 6 s minimum, when loaded, then the error names it", () => {
    expect(failure({ ...valid, KAFKA_SESSION_TIMEOUT_MS: '1000' })).toMatch(/KAFKA_SESSION_TIMEOUT_MS: .*6000/);
    expect(loadConfig(ServiceConfig, { ...valid, KAFKA_SESSION_TIMEOUT_MS: '6000' }).KAFKA_SESSION_TIMEOUT_MS).toBe(6_000);
  });

  it('given a mongodb+srv connection string, when loaded, then it is accepted', () => {
    expect(loadConfig(ServiceConfig, { ...valid, MONGODB_URI: 'mongodb+srv://cluster0.example.net/lma' }).MONGODB_URI).toBe('mongodb+srv://cluster0.example.net/lma');
  });

  it('given no KAFKA_BROKERS and a postgres MONGODB_URI, when loaded, then the error names both settings', () => {
    const message = failure({ MONGODB_URI: 'postgres://localhost:5432/lma' });
    expect(message).toMatch(/KAFKA_BROKERS: is required/);
    expect(message).toMatch(/MONGODB_URI: must be a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/);
  });

  it('given an empty environment, when loaded, then both required settings are named', () => {
    const message = failure({});
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('MONGODB_URI');
  });

  it.each(['localhost', 'localhost:', 'kafka-1:9092,kafka-2', ' , '])('given KAFKA_BROKERS %j, when loaded, then KAFKA_BROKERS is named', (brokers) => {
    expect(failure({ ...valid, KAFKA_BROKERS: brokers })).toContain('KAFKA_BROKERS');
  });

  it('given several invalid settings, when loaded, then each one is named and the valid ones are not', () => {
    const message = failure({ ...valid, PORT: '70000', LOG_LEVEL: 'verbose', METRICS_PORT: '-1', MONGODB_DB_PREFIX: 'LMA' });
    for (const name of ['PORT', 'LOG_LEVEL', 'METRICS_PORT', 'MONGODB_DB_PREFIX']) expect(message).toContain(`${name}:`);
    expect(message).not.toContain('KAFKA_BROKERS');
    expect(message).not.toContain('MONGODB_URI');
  });
});
