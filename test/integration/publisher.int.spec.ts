import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher, topicNames, type OutgoingEvent, type Publisher } from '@lma/kafka';
import { TestKafka, eventually, infraEnv, kafkaClientAuth, uniquePrefix } from '@lma/testing';

/**
 * The publisher on the real broker: events larger together than the broker's record batch limit
 * (1 MiB), all for one partition, as the outbox relay publishes a backlog of refresh commands
 * (a snapshot page of a thousand installations is about 400 kB).
 */
const infra = infraEnv();
const prefix = `${uniquePrefix('publisher')}.`;
const tk = new TestKafka(infra.KAFKA_BROKERS, prefix);
let kafka: Kafka;
let publisher: Publisher;

beforeAll(async () => {
  await tk.createTopics(['big'], 3);
  await tk.watch(['big']);
  kafka = new Kafka({ clientId: 'publisher-test', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() });
  publisher = await createPublisher(kafka, topicNames(prefix));
});
afterAll(async () => {
  await publisher?.stop();
  await tk.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [tk.topic('big')] }).catch(() => undefined);
  await admin.disconnect();
});

describe('publisher', () => {
  it('publishes large events for one partition, many at once, all of them and in order', async () => {
    const events: OutgoingEvent[] = Array.from({ length: 12 }, (_, i) => ({
      topic: 'big',
      id: `${prefix}big-${i}`,
      source: 'lma/test',
      type: 'lma.test.big',
      time: new Date().toISOString(),
      key: 'one-package',
      data: { i, installations: 'x'.repeat(400_000) },
    }));
    await publisher.publish(events);
    const got = await eventually('all 12 records', () => {
      const r = tk.recordsOn('big');
      return r.length >= events.length ? r : undefined;
    }, 30_000);
    expect(got.map((r) => r.headers['ce_id'])).toEqual(events.map((e) => e.id));
    expect(new Set(got.map((r) => r.partition)).size).toBe(1);
    expect(got.every((r) => r.value!.length > 400_000)).toBe(true);
  });
});
