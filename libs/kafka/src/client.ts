import { ConfigResourceTypes, ConfigSource, Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import type { Logger } from '@lma/core';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

/**
 * Maps contract topic names to the broker's: identity in production, a prefix in tests so
 * that test runs sharing one broker never see each other's records.
 */
export interface TopicNames {
  physical(topic: string): string;
  logical(topic: string): string;
}
export function topicNames(prefix = ''): TopicNames {
  return {
    physical: (t) => `${prefix}${t}`,
    logical: (t) => (prefix && t.startsWith(prefix) ? t.slice(prefix.length) : t),
  };
}

/** A kafkajs client whose own logs go through pino. */
export function createKafka({ brokers, clientId, logger }: KafkaOptions): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(rest, message);
        else if (level === logLevel.WARN) log.warn(rest, message);
        else log.debug(rest, message);
      },
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  /** Topic configuration entries (`cleanup.policy`, ...); anything not named is the broker's default. */
  config?: Readonly<Record<string, string>>;
}

/**
 * Creates missing topics (and their dead-letter topics) with their configuration, and brings the
 * configuration of existing ones to what is declared (a topic created before a setting was
 * declared gets it on the next start); their partitions are left as they are. Right after
 * creation the broker may briefly answer that it does not host a partition yet, and several
 * services may create the same topic at once: both are retried, not fatal.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], defaultPartitions = 6, names: TopicNames = topicNames()): Promise<void> {
  specs = specs.map((s) => ({ ...s, topic: names.physical(s.topic) }));
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = specs.filter((s) => !existing.has(s.topic));
        if (missing.length) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((s) => ({ topic: s.topic, numPartitions: s.numPartitions ?? defaultPartitions, replicationFactor: -1, configEntries: entriesOf(s.config) })),
          });
        }
        // a topic just created (here or by another process) can be listed before every broker
        // serves its metadata; subscribing then fails, so wait until each partition has a leader
        const meta = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
        const leaderless = meta.topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
        if (leaderless.length) throw new Error(`topics without leaders yet: ${leaderless.map((t) => t.name).join(', ')}`);
        await alignConfigs(admin, specs.filter((s) => existing.has(s.topic) && entriesOf(s.config).length));
        return;
      } catch (err) {
        // each attempt lists the topics again, so one created meanwhile is simply skipped
        if (attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

const entriesOf = (config: TopicSpec['config']) => Object.entries(config ?? {}).map(([name, value]) => ({ name, value }));

/**
 * Sets the declared entries on topics whose configuration differs. AlterConfigs replaces every
 * setting of a topic, so the ones set on it by someone else (an operator's `retention.bytes`) are
 * sent again as they are.
 */
async function alignConfigs(admin: Admin, specs: TopicSpec[]): Promise<void> {
  if (!specs.length) return;
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: specs.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.topic })) });
  const resources = specs.flatMap((s) => {
    const entries = described.resources.find((r) => r.resourceName === s.topic)?.configEntries ?? [];
    const current = new Map(entries.map((e) => [e.configName, e]));
    const declared = entriesOf(s.config);
    if (declared.every((d) => current.get(d.name)?.configValue === d.value)) return [];
    const kept = entries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !(e.configName in s.config!)).map((e) => ({ name: e.configName, value: e.configValue }));
    return [{ type: ConfigResourceTypes.TOPIC, name: s.topic, configEntries: [...kept, ...declared] }];
  });
  if (resources.length) await admin.alterConfigs({ validateOnly: false, resources });
}
