import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { trace, type Span } from '@opentelemetry/api';
import { encodeCloudEvent, type CloudEvent } from '@lma/contracts';
import { topicNames, type TopicNames } from './client';
import { activeSpanContext, contextFrom, failSpan, messagingAttributes, startProducerSpan, traceContextOf } from './tracing';

export interface OutgoingEvent extends CloudEvent {
  topic: string;
}

export interface Publisher {
  publish(events: OutgoingEvent[]): Promise<void>;
  connected(): boolean;
  stop(): Promise<void>;
}

/**
 * Idempotent producer (no duplicates from producer retries); events are grouped by topic into
 * one batch request. Only `acks: all` counts as published.
 *
 * Each event gets a `<topic> publish` span, whose trace context replaces the event's in the
 * record's headers. Its parent is the span active in the caller (the handler's process span,
 * an HTTP request), else the event's own trace context (an outbox entry keeps the context of
 * the write that created it), else none: a new trace.
 */
export async function createPublisher(kafka: Kafka, names: TopicNames = topicNames()): Promise<Publisher> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  let isConnected = false;
  producer.on(producer.events.CONNECT, () => (isConnected = true));
  producer.on(producer.events.DISCONNECT, () => (isConnected = false));
  await producer.connect();
  return {
    async publish(events) {
      if (events.length === 0) return;
      const active = activeSpanContext();
      const byTopic = new Map<string, ReturnType<typeof encodeCloudEvent>[]>();
      const spans: Span[] = [];
      for (const e of events) {
        const topic = names.physical(e.topic);
        const parent = active ?? contextFrom(e);
        const span = startProducerSpan(e.topic, parent, messagingAttributes({ operation: 'send', destination: topic, key: e.key, messageId: e.id }));
        span.setAttribute('lma.event.type', e.type);
        spans.push(span);
        const list = byTopic.get(topic) ?? [];
        const { id, source, type, time, data, key } = e;
        list.push(encodeCloudEvent({ id, source, type, time, data, key, ...traceContextOf(trace.setSpan(parent, span), e) }));
        byTopic.set(topic, list);
      }
      try {
        await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
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
