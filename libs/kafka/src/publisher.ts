import { CompressionTypes, Partitioners, type ICustomPartitioner, type Kafka, type Message, type Producer, type RecordMetadata, type TopicMessages } from 'kafkajs';
import { trace, type Span } from '@opentelemetry/api';
import { encodeCloudEvent, type CloudEvent, type EncodedRecord } from '@lma/contracts';
import type { Logger } from '@lma/core';
import { topicNames, type TopicNames } from './client';
import { activeSpanContext, contextFrom, failSpan, messagingAttributes, startProducerSpan, traceContextOf } from './tracing';

export interface OutgoingEvent extends CloudEvent {
  topic: string;
  /** `data` already written as JSON (an outbox entry): published as it is, `data` is ignored. */
  encodedData?: string;
}

export interface Publisher {
  publish(events: OutgoingEvent[]): Promise<void>;
  connected(): boolean;
  stop(): Promise<void>;
}

/**
 * Idempotent producer (no duplicates from producer retries); events are grouped by topic into
 * one batch request (several, in order, when they are large: MAX_REQUEST_BYTES). Only `acks: all`
 * counts as published.
 *
 * Each event gets a `send <topic>` span, whose trace context replaces the event's in the
 * record's headers. Its parent is the span active in the caller (the handler's process span,
 * an HTTP request), else the event's own trace context (an outbox entry keeps the context of
 * the write that created it), else none: a new trace.
 */
/**
 * Bytes of records sent in one request at most. The broker refuses a record batch over its
 * `message.max.bytes` (1 MiB by default) and records for one partition travel as one batch, so a
 * publish of several large events (snapshot pages of a thousand installations, about 400 kB each)
 * is sent as several requests, in order. A single record over the broker's limit is refused.
 */
export const MAX_REQUEST_BYTES = 900_000;

const recordBytes = (r: EncodedRecord): number =>
  Buffer.byteLength(r.value) + Buffer.byteLength(r.key ?? '') + Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v) + 8, 0) + 70;

/** Splits records, in order, into requests of at most `max` bytes (a larger record alone). */
export function requestsOf<T extends { record: EncodedRecord }>(records: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = recordBytes(r.record);
    if (current.length && bytes + size > max) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** How many times records whose partition was not acknowledged are sent again before the publish fails. */
const MAX_UNACKNOWLEDGED_SENDS = 5;

/**
 * kafkajs's default partitioner, noting the partition it chose for each message: a send is
 * answered per partition, and `sendAcknowledged` checks the answer message by message.
 */
export function notingPartitioner(chosen: WeakMap<Message, number>): ICustomPartitioner {
  return () => {
    const partition = Partitioners.DefaultPartitioner();
    return (args) => {
      const p = partition(args);
      chosen.set(args.message, p);
      return p;
    };
  };
}

/**
 * Sends `topicMessages` until every message's partition has acknowledged it, sending again only
 * the messages whose partition did not. kafkajs (2.2.4) can resolve a send without having sent
 * some of its records: when a request to one broker fails and the retry finds that broker's
 * partitions led by another broker which had already answered for its own, it skips that broker
 * (its `sendMessages` sends only to brokers without an answer) and the records for the moved
 * partitions are never sent, silently (kafkajs issue #1303; seen here when a broker of a
 * three-node cluster was killed). The answer names the partitions that were written, so the
 * check is exact; the idempotent producer keeps a re-send of a record the broker did write from
 * being written twice.
 */
export async function sendAcknowledged(
  send: (topicMessages: TopicMessages[]) => Promise<RecordMetadata[]>,
  topicMessages: TopicMessages[],
  partitionOf: (m: Message) => number | undefined,
  onResend?: (unacknowledged: number, attempt: number) => void,
): Promise<void> {
  let pending = topicMessages;
  for (let attempt = 1; ; attempt++) {
    const answers = await send(pending);
    const acknowledged = new Set(answers.filter((a) => a.errorCode === 0).map((a) => `${a.partition}|${a.topicName}`));
    pending = pending
      .map(({ topic, messages }) => ({ topic, messages: messages.filter((m) => !acknowledged.has(`${partitionOf(m)}|${topic}`)) }))
      .filter((t) => t.messages.length > 0);
    if (!pending.length) return;
    const count = pending.reduce((n, t) => n + t.messages.length, 0);
    if (attempt >= MAX_UNACKNOWLEDGED_SENDS) {
      throw new Error(`${count} record(s) to ${pending.map((t) => t.topic).join(', ')} not acknowledged by their partitions after ${attempt} sends`);
    }
    onResend?.(count, attempt);
  }
}

export async function createPublisher(kafka: Kafka, names: TopicNames = topicNames(), maxRequestBytes = MAX_REQUEST_BYTES, log?: Logger): Promise<Publisher> {
  const chosen = new WeakMap<Message, number>();
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: notingPartitioner(chosen) });
  const send = (topicMessages: TopicMessages[]) => producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages });
  const onResend = (unacknowledged: number, attempt: number) =>
    log?.warn({ unacknowledged, attempt }, 'records whose partitions did not acknowledge them (a leader moved during the send): sending them again');
  let isConnected = false;
  producer.on(producer.events.CONNECT, () => (isConnected = true));
  producer.on(producer.events.DISCONNECT, () => (isConnected = false));
  await producer.connect();
  return {
    async publish(events) {
      if (events.length === 0) return;
      const active = activeSpanContext();
      const records: { topic: string; record: EncodedRecord }[] = [];
      const spans: Span[] = [];
      for (const e of events) {
        const topic = names.physical(e.topic);
        const parent = active ?? contextFrom(e);
        const span = startProducerSpan(e.topic, parent, messagingAttributes({ operation: 'send', destination: topic, key: e.key, messageId: e.id }));
        span.setAttribute('lma.event.type', e.type);
        spans.push(span);
        const { id, source, type, time, dataschema, data, key } = e;
        const record = encodeCloudEvent({ id, source, type, time, dataschema, data: e.encodedData === undefined ? data : null, key, ...traceContextOf(trace.setSpan(parent, span), e) });
        records.push({ topic, record: e.encodedData === undefined ? record : { ...record, value: e.encodedData } });
      }
      try {
        for (const chunk of requestsOf(records, maxRequestBytes)) {
          const byTopic = new Map<string, EncodedRecord[]>();
          for (const { topic, record } of chunk) byTopic.set(topic, [...(byTopic.get(topic) ?? []), record]);
          await sendAcknowledged(send, [...byTopic].map(([topic, messages]) => ({ topic, messages })), (m) => chosen.get(m), onResend);
        }
      } catch (err) {
        for (const s of spans) failSpan(s, err);
        throw err;
      } finally {
        for (const s of spans) s.end();
      }
    },
    connected: () => isConnected,
    async stop() {
      await producer.disconnect();
    },
  };
}
