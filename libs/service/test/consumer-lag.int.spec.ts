import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseConfig, loadConfig, port } from '@lma/core';
import { TestKafka, eventually, freePort, infraEnv, kafkaCredentialsEnv, testGatewayKeys, uniquePrefix } from '@lma/testing';
import { createRuntime, type Runtime } from '../src';

/**
 * A service runtime on the real broker and database, with one consumer whose handler blocks on
 * its first record: the lag on /metrics must keep growing as records arrive behind it.
 */
const TOPIC = 'lma.test.lag';
const infra = infraEnv();
const prefix = uniquePrefix('lag');
const tk = new TestKafka(infra.KAFKA_BROKERS, `${prefix}.`);
let rt: Runtime;
let url: string;
let release: () => void = () => undefined;
const blocked = new Promise<void>((resolve) => (release = resolve));
let handled = 0;

beforeAll(async () => {
  const metricsPort = await freePort();
  const config = loadConfig(BaseConfig.extend({ PORT: port(0) }), {
    ...infra,
    ...kafkaCredentialsEnv('admin', infra.KAFKA_BROKERS),
    METRICS_PORT: String(metricsPort),
    GATEWAY_PUBLIC_KEY: testGatewayKeys.publicPem,
    LOG_LEVEL: 'silent',
    MONGODB_DB_PREFIX: prefix,
    KAFKA_GROUP_PREFIX: prefix,
    KAFKA_TOPIC_PREFIX: `${prefix}.`,
    KAFKA_TOPIC_PARTITIONS: '1',
    KAFKA_LAG_REFRESH_MS: '200',
  });
  rt = await createRuntime({ name: 'lag-test', config, models: () => undefined, topics: [TOPIC] });
  await rt.consume({
    group: 'blocked',
    topics: [TOPIC],
    handle: async () => {
      await blocked;
      handled++;
    },
  });
  await rt.serve(() => undefined);
  url = `http://127.0.0.1:${metricsPort}`;
});
afterAll(async () => {
  release();
  await rt?.stop();
  await tk.close();
});

/** The lag gauge of the blocked group's only partition, as Prometheus would scrape it. */
async function scrapedLag(): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('lma_kafka_consumer_lag{') && l.includes(`group="${prefix}.blocked"`));
  if (!line) return undefined;
  expect(line).toContain(`topic="${TOPIC}"`);
  expect(line).toContain('partition="0"');
  return Number(line.split(' ').at(-1));
}

const publish = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => tk.publishEvent(TOPIC, { type: 'lma.test.tick', key: `k${i}`, data: { i } })));

describe('consumer lag', () => {
  it('keeps growing on /metrics while a handler is stuck on a record and more records arrive, and falls to 0 once it is released', async () => {
    await publish(3);
    // nothing of the partition finishes, yet the gauge counts the records behind the stuck one
    await eventually('the lag of the 3 records', async () => (await scrapedLag()) === 3);
    await publish(5);
    await eventually('the lag to grow with the 5 new records', async () => (await scrapedLag()) === 8);
    expect(handled).toBe(0);

    release();
    await eventually('every record handled and committed', async () => handled === 8 && (await scrapedLag()) === 0);
  });
});
