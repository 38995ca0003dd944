import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer, type SASLOptions } from 'kafkajs';
import { createLogger } from '@lma/core';
import { InternalTopic, LICENSE_EVENTS_TOPIC, LMA_SERVICES, MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC } from '@lma/contracts';
import { createKafka, groupPrefixOf, provisionKafka, provisionedTopics, removeAcls, topicAccess } from '@lma/kafka';
import { eventually, infraEnv, kafkaClientAuth, kafkaCredentialsEnv, kafkaSecured, uniquePrefix } from '@lma/testing';

/**
 * The broker knows who is calling and lets each principal do only what the contracts registry
 * says (libs/kafka acls.ts), as provisioned by the admin for this run's own topic and group
 * prefix: nobody gets in without credentials, the marketplace cannot forge internal records,
 * vendor systems only read license events, a service writes only the topics it owns.
 */
const secured = kafkaSecured();
const SKIPPED = 'skipped: the broker is unsecured (LMA_TEST_INFRA=containers, or KAFKA_BROKERS names a plaintext broker), so it has no identities or ACLs to prove';
if (!secured) console.warn(`[kafka-acls] ${SKIPPED}`);

const brokers = infraEnv().KAFKA_BROKERS.split(',');
const prefix = uniquePrefix('acls');
const scope = { topicPrefix: `${prefix}.`, groupPrefix: prefix };
const physical = (t: string) => `${scope.topicPrefix}${t}`;

const saslOf = (principal: string): SASLOptions => {
  const c = kafkaCredentialsEnv(principal, brokers.join(','));
  return { mechanism: c['KAFKA_SASL_MECHANISM'], username: c['KAFKA_SASL_USERNAME'] ?? '', password: c['KAFKA_SASL_PASSWORD'] ?? '' } as SASLOptions;
};
/** A client as a principal, or with the given SASL options, or with none; no retries: a refusal is final. */
const client = (who: string | SASLOptions | null) =>
  new Kafka({
    clientId: `${prefix}-${typeof who === 'string' ? who : 'other'}`,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 0 },
    ...(who === null ? {} : { sasl: typeof who === 'string' ? saslOf(who) : who }),
  });

const admin = createKafka({ brokers, clientId: `${prefix}-admin`, logger: createLogger('kafka-acls-test', 'silent'), ...kafkaClientAuth('admin', brokers.join(',')) }).admin();
const producers = new Map<string, Promise<Producer>>();
const producerOf = (principal: string): Promise<Producer> => {
  let p = producers.get(principal);
  if (!p) {
    p = (async () => {
      const producer = client(principal).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    producers.set(principal, p);
  }
  return p;
};

/** 'ok', or the broker's error code for the refusal (TOPIC_AUTHORIZATION_FAILED, ...). */
async function send(principal: string, topic: string): Promise<string> {
  try {
    await (await producerOf(principal)).send({ topic: physical(topic), acks: -1, messages: [{ key: 'k', value: JSON.stringify({ forgedBy: principal }) }] });
    return 'ok';
  } catch (err) {
    const e = err as { type?: string; cause?: { type?: string }; message: string };
    return e.cause?.type ?? e.type ?? e.message;
  }
}

/** How many records a topic holds (every partition's end offset; topics are fresh for this run). */
const recordsOn = async (topic: string): Promise<number> => (await admin.fetchTopicOffsets(physical(topic))).reduce((n, p) => n + Number(p.high), 0);

describe.skipIf(!secured)(`broker identities and ACLs${secured ? '' : ` (${SKIPPED})`}`, () => {
  beforeAll(async () => {
    await admin.connect();
    await provisionKafka(createKafka({ brokers, clientId: `${prefix}-provision`, logger: createLogger('kafka-acls-test', 'silent'), ...kafkaClientAuth('admin', brokers.join(',')) }), { ...scope, partitions: 1 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...producers.values()].map(async (p) => (await p.catch(() => undefined))?.disconnect()));
    if (!secured) return;
    await removeAcls(createKafka({ brokers, clientId: `${prefix}-cleanup`, logger: createLogger('kafka-acls-test', 'silent'), ...kafkaClientAuth('admin', brokers.join(',')) }), scope);
    await admin.deleteTopics({ topics: provisionedTopics().map(physical) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('refuses a client without credentials: it can neither list topics nor publish a marketplace event', async () => {
    await expect(
      (async () => {
        const a = client(null).admin();
        await a.connect();
        await a.listTopics();
      })(),
    ).rejects.toThrow();
    const p = client(null).producer({ allowAutoTopicCreation: false });
    await expect(
      (async () => {
        await p.connect();
        await p.send({ topic: physical(MARKETPLACE_EVENTS_TOPIC), messages: [{ value: 'anonymous' }] });
      })(),
    ).rejects.toThrow();
    await p.disconnect().catch(() => undefined);
    expect(await recordsOn(MARKETPLACE_EVENTS_TOPIC)).toBe(0);
  });

  it('refuses a wrong password (SASL authentication failed)', async () => {
    const a = client({ ...saslOf('marketplace'), password: 'not-the-password' } as SASLOptions).admin();
    const err = await a.connect().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(err?.message).toMatch(/invalid credentials|authentication failed/i);
  });

  it('lets the marketplace publish on marketplace.events only: a forged command, saga reply or license event is refused and never lands', async () => {
    for (const topic of [InternalTopic.LicenseCommands, InternalTopic.SagaReplies, LICENSE_EVENTS_TOPIC, InternalTopic.LeadCommands, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC]) {
      expect({ topic, outcome: await send('marketplace', topic) }).toEqual({ topic, outcome: 'TOPIC_AUTHORIZATION_FAILED' });
      expect(await recordsOn(topic)).toBe(0);
    }
    expect(await send('marketplace', MARKETPLACE_EVENTS_TOPIC)).toBe('ok');
    expect(await recordsOn(MARKETPLACE_EVENTS_TOPIC)).toBe(1);
  });

  it("lets the marketplace read snapshot requests in its own groups, and not move a service's consumer offsets", async () => {
    // the refresh service asks, as it does
    await (await producerOf('refresh')).send({ topic: physical(MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC), messages: [{ key: 'p', value: '{"requestId":"r1"}' }] });
    const seen: string[] = [];
    const consumer = client('marketplace').consumer({ groupId: `${groupPrefixOf('marketplace', scope)}simulator` });
    await consumer.connect();
    await consumer.subscribe({ topic: physical(MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    try {
      await eventually('the marketplace to read the snapshot request', () => seen.includes('{"requestId":"r1"}'));
    } finally {
      await consumer.disconnect();
    }

    const intakeGroup = `${scope.groupPrefix}.install-intake`;
    const a = client('marketplace').admin();
    await a.connect();
    await expect(a.setOffsets({ groupId: intakeGroup, topic: physical(MARKETPLACE_EVENTS_TOPIC), partitions: [{ partition: 0, offset: '1' }] })).rejects.toThrow();
    await a.disconnect();
    const [offsets] = await admin.fetchOffsets({ groupId: intakeGroup, topics: [physical(MARKETPLACE_EVENTS_TOPIC)] });
    expect(offsets?.partitions.map((p) => p.offset)).toEqual(['-1']);
  });

  it('lets a vendor system read lma.license.events and write nothing at all', async () => {
    for (const topic of provisionedTopics()) {
      expect({ topic, outcome: await send('vendor', topic) }).toEqual({ topic, outcome: 'TOPIC_AUTHORIZATION_FAILED' });
    }
    expect(await send('license', LICENSE_EVENTS_TOPIC)).toBe('ok');
    const seen: string[] = [];
    const consumer = client('vendor').consumer({ groupId: `${groupPrefixOf('vendor', scope)}crm` });
    await consumer.connect();
    await consumer.subscribe({ topic: physical(LICENSE_EVENTS_TOPIC), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    try {
      await eventually('the vendor to read the license event', () => seen.includes(JSON.stringify({ forgedBy: 'license' })));
    } finally {
      await consumer.disconnect();
    }
    // and it sees nothing of the internal topics
    const a = client('vendor').admin();
    await a.connect();
    await expect(a.fetchTopicMetadata({ topics: [physical(InternalTopic.LicenseCommands)] })).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    await a.disconnect();
  });

  it('lets each service write exactly the topics it owns (with the dead-letter topics of what it consumes), nothing else', async () => {
    const access = topicAccess();
    const refused: Record<string, string[]> = {};
    for (const service of LMA_SERVICES) {
      const owns = new Set(access.get(service)!.write);
      // only install-intake writes commands; only lead and license write saga replies
      if (service !== 'install-intake') expect(owns.has(InternalTopic.LicenseCommands) || owns.has(InternalTopic.LeadCommands)).toBe(false);
      expect(owns.has(InternalTopic.SagaReplies)).toBe(service === 'lead' || service === 'license');
      for (const topic of provisionedTopics()) {
        const outcome = await send(service, topic);
        expect({ service, topic, outcome }).toEqual({ service, topic, outcome: owns.has(topic) ? 'ok' : 'TOPIC_AUTHORIZATION_FAILED' });
        if (outcome !== 'ok') (refused[service] ??= []).push(topic);
      }
    }
    // what a forger would try first: the notification service forging license events, lead forging commands
    expect(refused['notification']).toContain(LICENSE_EVENTS_TOPIC);
    expect(refused['lead']).toContain(InternalTopic.LicenseCommands);
    expect(refused['refresh']).toContain(InternalTopic.SagaReplies);
  }, 60_000);
});
