import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { LICENSE_EVENTS_TOPIC, topicConfigOf } from '@lma/contracts';
import { createLogger } from '@lma/core';
import { infraEnv, kafkaClientAuth, uniquePrefix } from '@lma/testing';
import { createKafka, ensureTopics, topicNames } from '../src';

/** ensureTopics on the real broker: topics created with their configuration, existing ones brought to it. */
const infra = infraEnv();
const prefix = `${uniquePrefix('topics')}.`;
const names = topicNames(prefix);
const kafka = createKafka({ brokers: infra.KAFKA_BROKERS.split(','), clientId: 'topics-test', logger: createLogger('topics-test', 'silent'), ...kafkaClientAuth() });
const raw = new Kafka({ clientId: 'topics-test-raw', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaClientAuth() });
const created: string[] = [];

afterAll(async () => {
  const admin = raw.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: created }).catch(() => undefined);
  await admin.disconnect();
});

/** The topic's settings that are not the broker's defaults (set on the topic itself). */
async function topicSettings(topic: string): Promise<Record<string, string>> {
  const admin = raw.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return Object.fromEntries(resources[0]!.configEntries.filter((e) => !e.isDefault).map((e) => [e.configName, e.configValue]));
  } finally {
    await admin.disconnect();
  }
}

describe('ensureTopics', () => {
  it('given lma.license.events with its registry configuration, when created, then the broker keeps it compacted with a week of uncompacted head', async () => {
    const topic = `${prefix}${LICENSE_EVENTS_TOPIC}`;
    created.push(topic, `${topic}.dlq`);
    await ensureTopics(kafka, [LICENSE_EVENTS_TOPIC, `${LICENSE_EVENTS_TOPIC}.dlq`].map((t) => ({ topic: t, config: topicConfigOf(t) })), 2, names);

    expect(await topicSettings(topic)).toMatchObject({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '604800000', 'segment.ms': '86400000' });
    expect((await topicSettings(`${topic}.dlq`))['cleanup.policy']).toBeUndefined();
  });

  it('given a topic created with the delete policy and an operator setting, when ensured with a compacted configuration, then it is compacted and keeps the operator setting', async () => {
    const topic = `${prefix}existing`;
    created.push(topic);
    const admin = raw.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.bytes', value: '1073741824' }] }] });
    await admin.disconnect();
    expect((await topicSettings(topic))['cleanup.policy']).toBeUndefined();

    await ensureTopics(kafka, [{ topic: 'existing', config: { 'cleanup.policy': 'compact', 'segment.ms': '86400000' } }], 1, names);

    expect(await topicSettings(topic)).toMatchObject({ 'cleanup.policy': 'compact', 'segment.ms': '86400000', 'retention.bytes': '1073741824' });
  });
});
