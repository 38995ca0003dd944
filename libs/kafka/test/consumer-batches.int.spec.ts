import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCloudEvent, newEventId } from '@lma/contracts';
import { RetryableError, createLogger, sleep } from '@lma/core';
import { createKafka, startConsumer, topicNames, type ConsumerOptions, type RunningConsumer } from '../src';
import { TestKafka, eventually, infraEnv, kafkaClientAuth, kafkaCredentialsEnv, uniquePrefix } from '@lma/testing';

/**
 * @lma/kafka's consumer on the real broker, handling a partition's batch by key: one key's records
 * in order, different keys at once, and the committed offset never past an unfinished record,
 * across a crash too.
 */
const infra = infraEnv();
const prefix = `${uniquePrefix('batches')}.`;
const tk = new TestKafka(infra.KAFKA_BROKERS, prefix);
const kafka = new Kafka({ clientId: 'batches-test', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() });
const logger = createLogger('batches-test', 'silent');
const consumers: RunningConsumer[] = [];
const children: ChildProcess[] = [];
const topics: string[] = [];

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(consumers.map((c) => c.stop()));
  await tk.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: topics.map((t) => tk.topic(t)) }).catch(() => undefined);
  await admin.disconnect();
});

interface Tick {
  key: string | null;
  seq: number;
}

async function createTopics(names: string[], partitions: number): Promise<void> {
  topics.push(...names);
  await tk.createTopics(names, partitions);
}

const tick = (key: string, seq: number): Message =>
  encodeCloudEvent({ id: newEventId(), source: 'lma/test', type: 'lma.test.tick', time: new Date().toISOString(), key, data: { key, seq } });

/** `count` records of each key, the keys interleaved: k0#0, k1#0, ..., k0#1, k1#1, ... */
const interleaved = (keys: string[], count: number): Message[] => Array.from({ length: count }, (_, seq) => keys.map((k) => tick(k, seq))).flat();

/** In one send, so the partition holds them in exactly this order. */
async function publish(topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: tk.topic(topic), messages });
  await producer.disconnect();
}

/** The group's committed offset per partition (the next offset it will read; 0 when none). */
async function committed(group: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const [res] = await admin.fetchOffsets({ groupId: `${prefix}${group}`, topics: [tk.topic(topic)] });
  await admin.disconnect();
  return new Map((res?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

async function consume(topic: string, handle: (t: Tick, offset: number) => Promise<void>, extra: Partial<ConsumerOptions> = {}): Promise<RunningConsumer> {
  const consumer = await startConsumer({
    kafka: createKafka({ brokers: infra.KAFKA_BROKERS.split(','), clientId: `${prefix}${topic}`, logger, ...kafkaClientAuth() }),
    groupId: `${prefix}${topic}`,
    topics: [topic],
    logger,
    topicNames: topicNames(prefix),
    handle: (event, ctx) => handle(event.data as Tick, Number(ctx.offset)),
    ...extra,
  });
  consumers.push(consumer);
  return consumer;
}

/** The consumer's lag as its process reports it, read from the broker. */
async function lagOf(consumer: RunningConsumer): Promise<{ topic: string; partition: number; records: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await consumer.lag(admin);
  } finally {
    await admin.disconnect();
  }
}

const keys = (n: number, name = 'k') => Array.from({ length: n }, (_, i) => `${name}${i}`);

describe('a batch handled by key', () => {
  it('handles the records of one key in order and one at a time, while other keys run meanwhile, at most `concurrency` at once', async () => {
    await createTopics(['ordered'], 1);
    await publish('ordered', interleaved(keys(8), 25));
    const seqs = new Map<string, number[]>();
    const busy = new Set<string>();
    let sameKeyOverlaps = 0;
    let running = 0;
    let mostAtOnce = 0;
    let done = 0;
    await consume(
      'ordered',
      async ({ key, seq }) => {
        if (busy.has(key!)) sameKeyOverlaps++;
        busy.add(key!);
        mostAtOnce = Math.max(mostAtOnce, ++running);
        await sleep(5 + Math.random() * 10);
        seqs.set(key!, [...(seqs.get(key!) ?? []), seq]);
        busy.delete(key!);
        running--;
        done++;
      },
      { concurrency: 4 },
    );

    await eventually('all 200 records handled', () => done >= 200, 60_000);
    expect(sameKeyOverlaps).toBe(0);
    for (const k of keys(8)) expect(seqs.get(k)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(mostAtOnce).toBe(4);
    await eventually('every offset committed', async () => (await committed('ordered', 'ordered')).get(0) === 200);
    expect(done).toBe(200);
  });

  it('never commits past a record that is retrying: other keys finish behind it, its own key waits, and the lag shows the backlog', async () => {
    await createTopics(['stuck', 'stuck.dlq'], 1);
    await tk.watch(['stuck.dlq']);
    // offsets 0-4 finish (2 is not a CloudEvent: dead-lettered), 5 fails until released, and
    // 6-29 are records of other keys with the failing key's next records among them
    const messages: Message[] = [tick('k0', 0), tick('k1', 0), { key: 'k2', value: 'not a cloud event' }, tick('k3', 0), tick('k4', 0), tick('stuck', 0)];
    messages.push(tick('stuck', 1), ...interleaved(keys(4, 'other'), 5), tick('stuck', 2), tick('stuck', 3));
    await publish('stuck', messages);
    const stuckOffset = 5;
    let released = false;
    let attempts = 0;
    const handled: (Tick & { offset: number })[] = [];
    const consumer = await consume(
      'stuck',
      async (t, offset) => {
        if (t.key === 'stuck' && t.seq === 0 && !released) {
          attempts++;
          throw new RetryableError('database unavailable');
        }
        await sleep(5);
        handled.push({ ...t, offset });
      },
      { backoff: { initialMs: 20, maxMs: 100 } },
    );

    await eventually('the other keys handled while the record retries', () => handled.filter((t) => t.key!.startsWith('other')).length === 20 && attempts >= 3, 30_000);
    await eventually('the malformed record dead-lettered', () => tk.recordsOn('stuck.dlq').length === 1);
    // longer than the auto-commit interval: a commit past the record would have happened by now
    await sleep(1_500);
    expect((await committed('stuck', 'stuck')).get(0)).toBe(stuckOffset);
    expect(handled.filter((t) => t.key === 'stuck')).toEqual([]);
    expect(await lagOf(consumer)).toEqual([{ topic: 'stuck', partition: 0, records: messages.length - stuckOffset }]);
    // records arriving behind the stuck one raise the lag, though nothing of the partition finishes
    await publish('stuck', [tick('other0', 5), tick('other1', 5)]);
    expect(await lagOf(consumer)).toEqual([{ topic: 'stuck', partition: 0, records: messages.length + 2 - stuckOffset }]);

    released = true;
    await eventually('the released key handled, in order', () => handled.filter((t) => t.key === 'stuck').length === 4, 30_000);
    expect(handled.filter((t) => t.key === 'stuck').map((t) => t.seq)).toEqual([0, 1, 2, 3]);
    await eventually('every offset committed', async () => (await committed('stuck', 'stuck')).get(0) === messages.length + 2, 10_000);
    expect(await lagOf(consumer)).toEqual([{ topic: 'stuck', partition: 0, records: 0 }]);
  });
});

interface Line {
  e: 'start' | 'done';
  partition: number;
  offset: number;
  key: string;
  seq: number;
}

/**
 * The consumer in its own process (consumer-process.ts), so it can be killed outright; its
 * handler takes `ms`, and `slow.ms` for the records of `slow.key`.
 */
function consumerProcess(topic: string, ms: number, slow?: { key: string; ms: number }): { lines: Line[]; exited: Promise<number | null>; child: ChildProcess } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'consumer-process.ts')], {
    env: {
      ...process.env,
      KAFKA_BROKERS: infra.KAFKA_BROKERS,
      ...kafkaCredentialsEnv('admin', infra.KAFKA_BROKERS),
      TOPIC_PREFIX: prefix,
      TOPIC: topic,
      GROUP: `${prefix}${topic}`,
      HANDLER_MS: String(ms),
      ...(slow ? { SLOW_KEY: slow.key, SLOW_HANDLER_MS: String(slow.ms) } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as Line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { lines, exited, child };
}

describe('a consumer killed mid-batch', () => {
  it('after a restart has lost nothing committed, handles again only what was not committed, and keeps each key in order', async () => {
    const partitions = [0, 1, 2];
    await createTopics(['restart'], partitions.length);
    const total = 8 * 80;
    await publish('restart', interleaved(keys(8), 80));
    const id = (l: Pick<Line, 'partition' | 'offset'>) => `${l.partition}:${l.offset}`;

    // one slow key: the other keys of its partition finish far ahead of it, and none of that
    // may be committed past the slow key's record in flight
    const first = consumerProcess('restart', 20, { key: 'k0', ms: 300 });
    await eventually('records handled for a few auto-commit intervals', () => first.lines.filter((l) => l.e === 'done').length >= 400, 60_000, 5);
    first.child.kill('SIGKILL');
    await first.exited;
    const atCrash = await committed('restart', 'restart');
    const doneBefore = new Set(first.lines.filter((l) => l.e === 'done').map(id));
    const committedCount = partitions.reduce((n, p) => n + (atCrash.get(p) ?? 0), 0);
    expect(committedCount).toBeGreaterThan(0);
    expect(first.lines.filter((l) => l.e === 'done' && l.key === 'k0').length).toBeLessThan(80);
    // every committed record had finished before the crash
    const committedIds = partitions.flatMap((p) => Array.from({ length: atCrash.get(p) ?? 0 }, (_, offset) => id({ partition: p, offset })));
    expect(committedIds.filter((i) => !doneBefore.has(i))).toEqual([]);

    const second = consumerProcess('restart', 1);
    const uncommitted = total - committedCount;
    await eventually('the uncommitted records handled after the restart', () => second.lines.filter((l) => l.e === 'done').length >= uncommitted, 60_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const again = second.lines.filter((l) => l.e === 'start');
    // nothing committed comes back; everything uncommitted does, once: the records that had
    // finished behind the slow one are handled twice (at least once), nothing else is
    expect(again.filter((l) => l.offset < (atCrash.get(l.partition) ?? 0))).toEqual([]);
    expect(again).toHaveLength(uncommitted);
    expect(new Set(again.map(id)).size).toBe(uncommitted);
    expect(again.filter((l) => doneBefore.has(id(l))).length).toBeGreaterThan(0);
    // nothing lost: every record finished in one run or the other
    const doneAfter = new Set(second.lines.filter((l) => l.e === 'done').map(id));
    expect(new Set([...doneBefore, ...doneAfter]).size).toBe(total);
    for (const k of keys(8)) {
      const seqs = again.filter((l) => l.key === k).map((l) => l.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    const end = await committed('restart', 'restart');
    expect(partitions.reduce((n, p) => n + (end.get(p) ?? 0), 0)).toBe(total);
  });
});
