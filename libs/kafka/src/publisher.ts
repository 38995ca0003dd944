import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { encodeCloudEvent, type CloudEvent } from '@lma/contracts';
import { topicNames, type TopicNames } from './client';

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
      const byTopic = new Map<string, ReturnType<typeof encodeCloudEvent>[]>();
      for (const e of events) {
        const topic = names.physical(e.topic);
        const list = byTopic.get(topic) ?? [];
        list.push(encodeCloudEvent(e));
        byTopic.set(topic, list);
      }
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    },
    connected: () => isConnected,
    async stop() {
      await producer.disconnect();
    },
  };
}
