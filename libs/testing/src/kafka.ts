import { Kafka, logLevel, type Consumer, type IHeaders, type Producer, type SASLOptions } from 'kafkajs';
import { kafkaClientAuth } from './infra';
import { decodeCloudEvent, encodeCloudEvent, headerString, newEventId, type CloudEvent } from '@lma/contracts';

export interface ReceivedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** Decoded CloudEvent, or undefined when the record is not one (dead-lettered garbage). */
  event?: CloudEvent<unknown>;
}

/**
 * A test's own view of the real broker: publishes marketplace records (valid or deliberately
 * broken) and records everything that appears on the topics it watches.
 */
export class TestKafka {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private readonly consumers: Consumer[] = [];
  readonly received: ReceivedRecord[] = [];

  /** `auth`: the admin's credentials on the local secured broker unless others are given (kafkaClientAuth). */
  constructor(
    brokers: string,
    private readonly topicPrefix: string,
    auth: { sasl?: SASLOptions } = kafkaClientAuth('admin', brokers),
  ) {
    this.kafka = new Kafka({ clientId: `test-${topicPrefix}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING, ...auth });
  }

  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  async createTopics(names: string[], partitions = 3): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = names.map((n) => this.topic(n)).filter((t) => !existing.has(t));
    if (missing.length) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions })) });
    await admin.disconnect();
  }

  /** Watches topics from their beginning; everything lands in `received`. */
  async watch(names: string[]): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `${this.topicPrefix}watch-${newEventId()}` });
    await consumer.connect();
    for (const n of names) await consumer.subscribe({ topic: this.topic(n), fromBeginning: true });
    // a record is kept once by its position: after a broker restart or a rebalance the watcher
    // resumes from its last committed offset and reads the last few seconds' records again
    const seen = new Set<string>();
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const position = `${topic}|${partition}|${message.offset}`;
        if (seen.has(position)) return;
        seen.add(position);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = headerString(message.headers as IHeaders as never, k) ?? String(v);
        let event: CloudEvent<unknown> | undefined;
        try {
          event = decodeCloudEvent(message);
        } catch {
          event = undefined;
        }
        this.received.push({
          topic: topic.slice(this.topicPrefix.length),
          partition,
          offset: Number(message.offset),
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          headers,
          ...(event ? { event } : {}),
        });
      },
    });
    this.consumers.push(consumer);
  }

  /** One connected producer, however many callers ask at once. */
  private getProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const p = this.kafka.producer({ allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })();
    return this.producer;
  }

  /** Publishes one CloudEvent (binary mode) as the marketplace would. */
  async publishEvent(topic: string, e: Omit<CloudEvent, 'id' | 'time' | 'source'> & Partial<Pick<CloudEvent, 'id' | 'time' | 'source'>>): Promise<CloudEvent> {
    const full: CloudEvent = { id: newEventId(), time: new Date().toISOString(), source: 'marketplace/test', ...e };
    const rec = encodeCloudEvent(full);
    await (await this.getProducer()).send({ topic: this.topic(topic), messages: [rec] });
    return full;
  }

  /** Publishes a raw record exactly as given: for malformed input. */
  async publishRaw(topic: string, rec: { key?: string | null; value: string | null; headers?: Record<string, string> }): Promise<void> {
    await (await this.getProducer()).send({ topic: this.topic(topic), messages: [{ key: rec.key ?? null, value: rec.value, headers: rec.headers ?? {} }] });
  }

  /**
   * Waits until consumer group `groupId` (its full id) has committed, on every partition of
   * `topic`, an offset at or past the partition's end as of this call: the group has finished every
   * record published before. The evidence a negative assertion waits for, instead of a sleep.
   */
  async waitForGroupToPass(groupId: string, topic: string, timeoutMs = 30_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = (await admin.fetchTopicOffsets(this.topic(topic))).filter((p) => Number(p.high) > 0);
      await eventually(`${groupId} to pass the end of ${topic}`, async () => {
        const [res] = await admin.fetchOffsets({ groupId, topics: [this.topic(topic)] });
        const committed = new Map((res?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        return ends.every((e) => (committed.get(e.partition) ?? -1) >= Number(e.high));
      }, timeoutMs, 200);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Waits until every consumer group of this test run (its prefix; the test's own watchers
   * aside) that reads one of `topics` has finished every record published on them before this
   * call: the services have seen those records, whatever they did with them.
   */
  async waitForGroupsToPass(topics: string[], timeoutMs = 30_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const wanted = new Set(topics.map((t) => this.topic(t)));
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(this.topicPrefix) && !g.startsWith(`${this.topicPrefix}watch-`));
    const readers: [string, string][] = [];
    for (const groupId of groups) for (const t of await admin.fetchOffsets({ groupId })) if (wanted.has(t.topic)) readers.push([groupId, t.topic.slice(this.topicPrefix.length)]);
    await admin.disconnect();
    await Promise.all(readers.map(([groupId, topic]) => this.waitForGroupToPass(groupId, topic, timeoutMs)));
  }

  recordsOn(topic: string, filter: (r: ReceivedRecord) => boolean = () => true): ReceivedRecord[] {
    return this.received.filter((r) => r.topic === topic && filter(r));
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    if (this.producer) await (await this.producer).disconnect();
  }
}

/** Polls until `probe` returns a value that is not undefined/false, or fails with `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
