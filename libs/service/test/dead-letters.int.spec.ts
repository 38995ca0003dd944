import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { type Connection } from 'mongoose';
import { Kafka, logLevel } from 'kafkajs';
import { dlqTopic } from '@lma/contracts';
import { createLogger } from '@lma/core';
import { createKafka, startConsumer, topicNames, type ConsumerOptions, type DeadLetterLedger, type RunningConsumer } from '@lma/kafka';
import { Store } from '@lma/store';
import { TestKafka, eventually, infraEnv, kafkaClientAuth, uniquePrefix } from '@lma/testing';
import { deadLetterLedgerOf } from '../src';

/**
 * A record a consumer group dead-letters comes back when its offset was not committed (a crash,
 * a broker restart between the dead letter and the commit): the group's ledger in the service's
 * database keeps it from being dead-lettered twice.
 */
const infra = infraEnv();
const prefix = `${uniquePrefix('deadletters')}.`;
const topic = 'junk';
const group = `${prefix}junk-readers`;
const tk = new TestKafka(infra.KAFKA_BROKERS, prefix);
const kafka = new Kafka({ clientId: 'deadletters-test', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() });
const logger = createLogger('deadletters-test', 'silent');
let conn: Connection;
let store: Store;
const consumers: RunningConsumer[] = [];

beforeAll(async () => {
  conn = await mongoose.createConnection(infra.MONGODB_URI, { dbName: `${prefix.slice(0, -1)}_ledger` }).asPromise();
  store = await Store.open(conn, { logger });
  await tk.createTopics([topic, dlqTopic(topic)], 1);
  await tk.watch([dlqTopic(topic)]);
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await tk.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [tk.topic(topic), tk.topic(dlqTopic(topic))] }).catch(() => undefined);
  await admin.disconnect();
  await conn?.dropDatabase();
  await conn?.close();
});

async function consume(extra: Partial<ConsumerOptions>): Promise<RunningConsumer> {
  const c = await startConsumer({
    kafka: createKafka({ brokers: infra.KAFKA_BROKERS.split(','), clientId: group, logger, ...kafkaClientAuth() }),
    groupId: group,
    topics: [topic],
    logger,
    topicNames: topicNames(prefix),
    handle: async () => undefined,
    ...extra,
  });
  consumers.push(c);
  return c;
}

/** Reads the record again from the start, as the group does after a crash before its commit. */
async function rewind(c: RunningConsumer): Promise<void> {
  await c.stop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: group, topic: tk.topic(topic), partitions: [{ partition: 0, offset: '0' }] });
  await admin.disconnect();
}

const deadLetters = (key: string) => tk.recordsOn(dlqTopic(topic), (r) => r.key === key);

describe('dead letters', () => {
  it('a record read again after its dead letter is not dead-lettered a second time; without the ledger it would be', async () => {
    const key = `junk-${Math.random().toString(36).slice(2)}`;
    const headers = { ce_specversion: '1.0', ce_id: key, ce_source: 'test', ce_type: 'lma.test.junk', ce_time: new Date().toISOString(), 'content-type': 'application/json' };
    await tk.publishRaw(topic, { key, value: 'not json', headers });
    const ledger = deadLetterLedgerOf(store);

    const first = await consume({ deadLetterLedger: ledger });
    await eventually('the dead letter', () => deadLetters(key).length === 1);
    await tk.waitForGroupToPass(group, topic);
    await rewind(first);

    const again = await consume({ deadLetterLedger: ledger });
    await tk.waitForGroupToPass(group, topic);
    expect(deadLetters(key)).toHaveLength(1);
    expect(deadLetters(key)[0]!.headers['lma_dlq_reason']).toMatch(/not valid JSON/);
    await rewind(again);

    // the same redelivery without a ledger: dead-lettered again (what the ledger prevents)
    await consume({});
    await eventually('a second dead letter without the ledger', () => deadLetters(key).length === 2);
  });
  it('while its ledger cannot be read (the database restarting) a record waits, and is dead-lettered once when it can', async () => {
    const key = `junk-${Math.random().toString(36).slice(2)}`;
    const headers = { ce_specversion: '1.0', ce_id: key, ce_source: 'test', ce_type: 'lma.test.junk', ce_time: new Date().toISOString(), 'content-type': 'application/json' };
    const real = deadLetterLedgerOf(store);
    let refused = 0;
    let down = true;
    const ledger: DeadLetterLedger = {
      ...real,
      claim: (id, owner, note) => {
        if (!down) return real.claim(id, owner, note);
        refused++;
        return Promise.reject(new Error('connection closed'));
      },
    };
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await tk.publishRaw(topic, { key, value: 'not json', headers });
    await consume({ deadLetterLedger: ledger, backoff: { initialMs: 20, maxMs: 100 } });
    await eventually('the ledger asked three times', () => refused >= 3);
    expect(deadLetters(key)).toHaveLength(0);
    down = false;
    await eventually('the dead letter', () => deadLetters(key).length === 1);
    await tk.waitForGroupToPass(group, topic);
    expect(deadLetters(key)).toHaveLength(1);
  });

  it('one attempt at a time holds a record: another takes it over only after the lease, and the first then finds it held', async () => {
    let now = Date.now();
    const ledger = deadLetterLedgerOf(store, { leaseMs: 300, clock: () => new Date(now) });
    const id = `${group}|junk|0|${Math.floor(Math.random() * 1e9)}`;
    const note = { group, topic, partition: 0, offset: '1', eventId: null, type: null, reason: 'not valid JSON', field: null };
    expect(await ledger.claim(id, 'a', note)).toBe('send');
    expect(await ledger.claim(id, 'b', note)).toBe('busy');
    // a paused past its lease: b takes over, and a, asking again, finds it held
    now += 350;
    expect(await ledger.claim(id, 'b', note)).toBe('send');
    expect(await ledger.claim(id, 'a', note)).toBe('busy');
    await ledger.sent(id);
    expect(await ledger.claim(id, 'c', note)).toBe('sent');
    expect(await ledger.claim(id, 'b', note)).toBe('sent');
  });

  it('a holder whose send lasts (the broker restarting) renews its hold, and nobody takes over while it does', async () => {
    let now = Date.now();
    const ledger = deadLetterLedgerOf(store, { leaseMs: 300, clock: () => new Date(now) });
    const id = `${group}|junk|0|${Math.floor(Math.random() * 1e9)}`;
    const note = { group, topic, partition: 0, offset: '2', eventId: null, type: null, reason: 'not valid JSON', field: null };
    expect(await ledger.claim(id, 'a', note)).toBe('send');
    // three renewals a quarter-lease apart: a second attempt finds the record held well past the first lease
    for (let k = 0; k < 3; k++) {
      now += 200;
      expect(await ledger.claim(id, 'a', note)).toBe('send');
      expect(await ledger.claim(id, 'b', note)).toBe('busy');
    }
    // the holder gone quiet: the record is free once a lease has passed since its last renewal
    now += 350;
    expect(await ledger.claim(id, 'b', note)).toBe('send');
  });
});
