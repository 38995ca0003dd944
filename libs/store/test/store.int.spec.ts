import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mongoose, { type Connection } from 'mongoose';
import { Kafka, logLevel } from 'kafkajs';
import { LicenseEventType, eventOf } from '@lma/contracts';
import { createLogger } from '@lma/core';
import { createPublisher, topicNames, type Publisher } from '@lma/kafka';
import { TestKafka, infraEnv, kafkaClientAuth, uniquePrefix } from '@lma/testing';
import { CLAIMS_COLLECTION, ConcurrentWriteError, Store, createOutboxRelay, type OutboxRelay } from '../src';

interface Counter {
  _id: string;
  n: number;
}

const infra = infraEnv();
const prefix = uniquePrefix('store');
const logger = createLogger('store-test', 'silent');
const topic = 'lma.license.events';
const bump = (id: string, n: number) => eventOf(LicenseEventType.Modified, { id, n }, { id: `${id}:${n}`, key: id, time: new Date() });

let conn: Connection;
let kafka: TestKafka;
let publisher: Publisher;
const relays: OutboxRelay[] = [];

/**
 * Another process's view of the same database: its own store, locks and relay. Every relay here
 * gives up abandoned claims after 6 s, well beyond a writer's attempts (about 2 s).
 */
async function replica(opts: { relay?: boolean; graceMs?: number; leaseMs?: number; maxAttempts?: number } = {}): Promise<Store> {
  const store = await Store.open(conn, { logger, claimLeaseMs: opts.leaseMs ?? 6_000, maxAttempts: opts.maxAttempts ?? 12 });
  if (opts.relay !== false) {
    const relay = createOutboxRelay({ store, publisher, logger, scanMs: 200, graceMs: opts.graceMs ?? 300 });
    relay.start();
    relays.push(relay);
  }
  return store;
}

const published = (id: string) =>
  kafka.received.filter((r) => r.topic === topic && r.key === id).map((r) => (r.event?.data as { n: number }).n);

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  conn = await mongoose.createConnection(infra.MONGODB_URI, { dbName: `${prefix}_store` }).asPromise();
  kafka = new TestKafka(infra.KAFKA_BROKERS, `${prefix}.`);
  await kafka.createTopics([topic], 3);
  await kafka.watch([topic]);
  const k = new Kafka({ clientId: prefix, brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() });
  publisher = await createPublisher(k, topicNames(`${prefix}.`));
});

afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await publisher?.stop();
  await kafka?.close();
  await conn?.dropDatabase();
  await conn?.close();
});

describe('the aggregate store', () => {
  it('writes a decision with its events, publishes them in order and leaves no claim behind', async () => {
    const store = await replica();
    const counters = store.aggregates<Counter>('counters');
    expect(await counters.insertOnce({ _id: 'a', n: 0 }, [bump('a', 0)])).toBe(true);
    expect(await counters.insertOnce({ _id: 'a', n: 99 })).toBe(false);
    for (let i = 1; i <= 5; i++) await counters.update('a', (c) => ({ state: { ...c!, n: c!.n + 1 }, events: [bump('a', c!.n + 1)] }));
    const noop = await counters.update('a', () => null);
    expect(noop.written).toBe(false);
    expect(await counters.get('a')).toEqual({ _id: 'a', n: 5 });
    await until('six events', () => published('a').length >= 6);
    expect(published('a')).toEqual([0, 1, 2, 3, 4, 5]);
    await until('claims removed', async () => (await conn.db!.collection(CLAIMS_COLLECTION).countDocuments({ a: 'a' })) === 0);
  });

  it('loses no transition when two replicas change one aggregate at the same time', async () => {
    // retrying much longer than by default: the test is about lost transitions, not about how
    // long one writer may lose to another on a loaded machine
    const [one, two] = [await replica({ maxAttempts: 100 }), await replica({ maxAttempts: 100 })];
    await one.aggregates<Counter>('counters').insertOnce({ _id: 'race', n: 0 });
    const inc = (s: Store) => s.aggregates<Counter>('counters').update('race', (c) => ({ state: { ...c!, n: c!.n + 1 }, events: [bump('race', c!.n + 1)] }));
    const per = 40;
    await Promise.all([...Array(per)].flatMap(() => [inc(one), inc(two)]));
    expect((await one.aggregates<Counter>('counters').get('race'))!.n).toBe(2 * per);
    await until('every version published', () => new Set(published('race')).size === 2 * per);
    // each version's event once, in version order per replica's publish (the key's partition keeps it)
    const seen = published('race');
    expect([...new Set(seen)].sort((x, y) => x - y)).toEqual([...Array(2 * per)].map((_, i) => i + 1));
  });

  it('publishes after a crash between the write and the publish (another replica finds the claim)', async () => {
    const crashed = await replica({ relay: false });
    await crashed.aggregates<Counter>('counters').insertOnce({ _id: 'orphan', n: 7 }, [bump('orphan', 7)]);
    expect(published('orphan')).toEqual([]);
    // no grace: its first scan, at once, takes the claim up (a later one may wait ten times a slow scan)
    await replica({ graceMs: 0 });
    await until('the orphan event', () => published('orphan').length === 1);
    expect(published('orphan')).toEqual([7]);
  });

  it('gets past a claim whose writer died before writing, once its lease is over, and publishes that version when it is written', async () => {
    // this process's relay alone finds the abandoned claim (the earlier replicas' relays stop)
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    const store = await replica({ graceMs: 100 });
    const counters = store.aggregates<Counter>('counters');
    await counters.insertOnce({ _id: 'stuck', n: 1 });
    // a writer took version 2 and died
    await conn.db!.collection(CLAIMS_COLLECTION).insertOne({ _id: 'counters/stuck@2' as never, c: 'counters', a: 'stuck', v: 2, at: new Date(), ev: true });
    await expect(counters.update('stuck', (c) => ({ state: { ...c!, n: 2 } }))).rejects.toBeInstanceOf(ConcurrentWriteError);
    await until('the abandoned claim removed', async () => (await conn.db!.collection(CLAIMS_COLLECTION).countDocuments({ _id: 'counters/stuck@2' as never })) === 0, 15_000);
    // the same process writes version 2 after all: its events go out (the removed claim was never published)
    await counters.update('stuck', (c) => ({ state: { ...c!, n: c!.n + 1 }, events: [bump('stuck', c!.n + 1)] }));
    expect((await counters.get('stuck'))!.n).toBe(2);
    await until('the event of version 2', () => published('stuck').length === 1);
    expect(published('stuck')).toEqual([2]);
  });

  it('never sends a write that waited past half its claim\'s lease (a paused writer), and the version stays free for another writer', async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    // the writer's clock jumps 600 ms right after its version check, before its batched write
    // leaves: what the write sees when its process was stopped (SIGSTOP, a long pause) there
    let skew = 0;
    const realNow = Date.now.bind(Date);
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    try {
      const pausing = new Proxy(conn.db!, {
        get(db, p) {
          if (p !== 'collection') return Reflect.get(db, p) as unknown;
          return (name: string) => {
            const col = db.collection(name);
            if (name !== 'counters') return col;
            return new Proxy(col, {
              get(c, q) {
                if (q === 'findOne') {
                  return async (filter: object, opts?: { projection?: Record<string, number> }) => {
                    const found = await c.findOne(filter, opts);
                    if (opts?.projection?.['_v'] === 1) setImmediate(() => (skew += 600));
                    return found;
                  };
                }
                const v = Reflect.get(c, q) as unknown;
                return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(c) : v;
              },
            });
          };
        },
      });
      const paused = await Store.open({ db: pausing } as unknown as Connection, { logger, strategy: 'claim', claimLeaseMs: 1_000, maxAttempts: 1 });
      const counters = paused.aggregates<Counter>('counters');
      await counters.insertOnce({ _id: 'paused', n: 1 });
      await expect(counters.update('paused', (c) => ({ state: { ...c!, n: 99 } }))).rejects.toBeInstanceOf(ConcurrentWriteError);
    } finally {
      clock.mockRestore();
    }
    const other = await replica({ leaseMs: 1_000, graceMs: 100 });
    const counters = other.aggregates<Counter>('counters');
    expect((await counters.get('paused'))!.n).toBe(1);
    // the claim of version 2 stays until its lease is over (it is not the late writer's to drop: it may be another's by then)
    await until('the abandoned claim removed', async () => (await conn.db!.collection(CLAIMS_COLLECTION).countDocuments({ _id: 'counters/paused@2' as never })) === 0, 15_000);
    await counters.update('paused', (c) => ({ state: { ...c!, n: c!.n + 1 } }));
    expect((await counters.get('paused'))!.n).toBe(2);
  });

  it('takes a unique key once', async () => {
    const store = await replica({ relay: false });
    const results = await Promise.all([1, 2, 3].map(() => store.claimKey('keys', { _id: 'k1', by: 'x' })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
