import type { Consumer, Kafka, Message, Producer } from 'kafkajs';
import { eventually } from '@lma/testing';

export interface RawPipeResult {
  records: number;
  seconds: number;
  rate: number;
}

/**
 * The ceiling the onboarding pipeline runs under: the same records through `hops` consume ->
 * produce steps with kafkajs and nothing else (no database, no decoding), on topics of their own.
 * The onboarding saga has four such hops (install-intake, lead, install-intake, license). Each hop
 * is configured as the services' consumers and publisher are (libs/kafka): eachBatch with three
 * partitions at once, idempotent producer with one request in flight and acks from all
 * replicas, offsets committed every 500 ms; each batch goes out as one send. All records are
 * published at once, so the figure is the pipe's capacity, not an offered rate.
 */
export async function rawPipe(
  kafka: Kafka,
  opts: { topicOf: (hop: number) => string; groupOf: (hop: number) => string; partitions: number; hops: number; records: Message[]; timeoutMs: number },
): Promise<RawPipeResult> {
  const { hops, records } = opts;
  const topics = Array.from({ length: hops + 1 }, (_, i) => opts.topicOf(i));
  const admin = kafka.admin();
  await admin.connect();
  const consumers: Consumer[] = [];
  const producers: Producer[] = [];
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: opts.partitions })) });
    let joined = 0;
    const consumer = async (hop: number): Promise<Consumer> => {
      const c = kafka.consumer({ groupId: opts.groupOf(hop), sessionTimeout: 30_000, heartbeatInterval: 3_000, allowAutoTopicCreation: false });
      c.on(c.events.GROUP_JOIN, () => joined++);
      consumers.push(c);
      await c.connect();
      await c.subscribe({ topic: topics[hop]!, fromBeginning: true });
      return c;
    };
    for (let hop = 0; hop < hops; hop++) {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      producers.push(producer);
      await producer.connect();
      const c = await consumer(hop);
      await c.run({
        autoCommit: true,
        autoCommitInterval: 500,
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch }) => {
          await producer.send({ topic: topics[hop + 1]!, acks: -1, messages: batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
        },
      });
    }
    let arrived = 0;
    let lastAt = 0;
    const sink = await consumer(hops);
    await sink.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        arrived += batch.messages.length;
        lastAt = performance.now();
      },
    });
    // the clock starts once every hop is in its group: joining is not throughput
    await eventually('the raw pipe consumers to join their groups', () => joined >= hops + 1, 60_000, 50);

    const source = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    producers.push(source);
    await source.connect();
    const start = performance.now();
    for (let i = 0; i < records.length; i += 500) await source.send({ topic: topics[0]!, acks: -1, messages: records.slice(i, i + 500) });
    await eventually(`${records.length} records through the raw pipe`, () => arrived >= records.length, opts.timeoutMs, 20);
    const seconds = (lastAt - start) / 1000;
    return { records: records.length, seconds, rate: records.length / seconds };
  } finally {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await admin.deleteGroups(Array.from({ length: hops + 1 }, (_, i) => opts.groupOf(i))).catch(() => undefined);
    await admin.disconnect();
  }
}
