import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConsumerMetrics, PartitionLag } from '@lma/kafka';
import type { OutboxRelay } from '@lma/store';

/**
 * One Prometheus registry per process: default Node.js metrics, the consumers' record counters,
 * handler durations and lag, and the outbox backlog. No `service` label: Prometheus adds the
 * target's labels when it scrapes. Services register their own metrics on `registry`.
 */
export interface RuntimeMetrics {
  registry: Registry;
  consumer: ConsumerMetrics;
  /**
   * Sets a consumer group's lag to the partitions this process holds now (topics by their logical
   * name): series of partitions it no longer holds go, so a rebalance leaves no stale values.
   */
  consumerLag(group: string, lags: PartitionLag[]): void;
}

export function createRuntimeMetrics(relay: OutboxRelay): RuntimeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const recordLabels = ['topic', 'type', 'group'] as const;
  const consumed = new Counter({
    name: 'lma_kafka_records_consumed_total',
    help: 'Records received by a consumer group, per topic and event type (unknown when undecodable or not a type the contracts define).',
    labelNames: recordLabels,
    registers: [registry],
  });
  const processed = new Counter({
    name: 'lma_kafka_records_processed_total',
    help: 'Records finished without error (handled, or skipped as already handled).',
    labelNames: recordLabels,
    registers: [registry],
  });
  const retried = new Counter({
    name: 'lma_kafka_records_retried_total',
    help: 'Handler attempts that failed and were retried.',
    labelNames: recordLabels,
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'lma_kafka_records_dead_lettered_total',
    help: 'Records sent to the dead-letter topic, per event type (unknown when undecodable); reason is invalid, rejected or exhausted.',
    labelNames: ['topic', 'type', 'group', 'reason'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lma_kafka_handler_duration_seconds',
    help: 'Duration of one handler attempt.',
    labelNames: recordLabels,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'lma_kafka_consumer_lag',
    help: "Records between the group's committed offset and the partition's high watermark, read from the broker every KAFKA_LAG_REFRESH_MS, for the partitions this process holds.",
    labelNames: ['topic', 'partition', 'group'] as const,
    registers: [registry],
  });
  const lagSeries = new Map<string, Map<string, { topic: string; partition: string; group: string }>>();
  // as of the relay's last scan (no query per scrape: on FerretDB each would read whole collections)
  new Gauge({
    name: 'lma_outbox_backlog_documents',
    help: 'Documents with events not yet published, as of the outbox relay\'s last scan.',
    registers: [registry],
    async collect() {
      this.set(relay.backlog().documents);
    },
  });
  new Gauge({
    name: 'lma_outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox entry at the relay\'s last scan (0 when none).',
    registers: [registry],
    async collect() {
      this.set(relay.backlog().oldestAgeMs / 1000);
    },
  });
  return {
    registry,
    consumer: {
      consumed: (l) => consumed.inc(l),
      processed: (l) => processed.inc(l),
      retried: (l) => retried.inc(l),
      handlerDuration: (l, seconds) => duration.observe(l, seconds),
      deadLettered: (l) => deadLettered.inc(l),
    },
    consumerLag(group, lags) {
      const now = new Map(lags.map((l) => [`${l.topic}:${l.partition}`, { topic: l.topic, partition: String(l.partition), group }]));
      for (const [key, labels] of lagSeries.get(group) ?? []) if (!now.has(key)) lag.remove(labels);
      for (const l of lags) lag.set(now.get(`${l.topic}:${l.partition}`)!, l.records);
      lagSeries.set(group, now);
    },
  };
}
