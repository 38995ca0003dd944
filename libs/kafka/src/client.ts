import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigResourceTypes, ConfigSource, Kafka, logLevel, type Admin, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaSecurityConfig, Logger } from '@lma/core';

/** How the client authenticates (SASL) and whether it speaks TLS; both absent: an unsecured broker. */
export interface KafkaSecurity {
  sasl?: SASLOptions;
  ssl?: boolean | ConnectionOptions;
}

export interface KafkaOptions extends KafkaSecurity {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

/**
 * The kafkajs security options of validated settings (libs/core kafkaSecurity.ts): the SASL
 * mechanism and credentials, TLS with the CA and the client certificate and key read from their
 * files. Nothing configured: none (plaintext, no identity).
 */
export function kafkaSecurityOf(c: KafkaSecurityConfig): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (c.KAFKA_SASL_MECHANISM) {
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = c;
    if (!username || !password) throw new Error(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM=${c.KAFKA_SASL_MECHANISM}`);
    security.sasl = { mechanism: c.KAFKA_SASL_MECHANISM, username, password } as SASLOptions;
  }
  if (c.KAFKA_SSL) {
    const tls: ConnectionOptions = {};
    if (c.KAFKA_SSL_CA_FILE) tls.ca = [readFileSync(c.KAFKA_SSL_CA_FILE, 'utf8')];
    if (c.KAFKA_SSL_CERT_FILE) tls.cert = readFileSync(c.KAFKA_SSL_CERT_FILE, 'utf8');
    if (c.KAFKA_SSL_KEY_FILE) tls.key = readFileSync(c.KAFKA_SSL_KEY_FILE, 'utf8');
    security.ssl = Object.keys(tls).length ? tls : true;
  }
  return security;
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

/** A kafkajs client whose own logs go through pino, authenticated and over TLS when `sasl` / `ssl` say so. */
export function createKafka({ brokers, clientId, logger, sasl, ssl }: KafkaOptions): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    ...(sasl ? { sasl } : {}),
    ...(ssl ? { ssl } : {}),
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

/**
 * Waits until every topic exists with a leader on each partition: for a client that may not
 * create topics (a secured broker, where the admin's provisioning creates them and their ACLs).
 * A topic that does not exist and one this principal may not see look alike from here; the error
 * after `timeoutMs` names them and says what creates them.
 */
export async function waitForTopics(kafka: Kafka, topics: string[], names: TopicNames = topicNames(), opts: { timeoutMs?: number; logger?: Logger } = {}): Promise<void> {
  const physical = topics.map((t) => names.physical(t));
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  // no retries of its own: a missing topic is asked about again on the next round
  const admin: Admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  let told = false;
  try {
    for (let attempt = 1; ; attempt++) {
      let waitingFor: string[];
      try {
        const meta = await admin.fetchTopicMetadata({ topics: physical });
        waitingFor = meta.topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      } catch (err) {
        // unknown topic or not authorized: ask for each one to name the missing
        waitingFor = [];
        for (const t of physical) {
          await admin.fetchTopicMetadata({ topics: [t] }).catch(() => waitingFor.push(t));
        }
        if (!waitingFor.length) throw err;
      }
      if (!waitingFor.length) return;
      if (Date.now() > deadline) {
        throw new Error(
          `topics ${waitingFor.join(', ')} do not exist or this principal may not use them: the Kafka provisioning creates topics and ACLs ` +
            '(`node libs/kafka/dist/provision-main.js` with the admin credentials; `npm start` and the kafka-provision Job run it)',
        );
      }
      if (!told) opts.logger?.info({ topics: waitingFor }, 'waiting for the provisioned topics');
      told = true;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
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
