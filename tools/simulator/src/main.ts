#!/usr/bin/env node
import { writeFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, MarketplaceEventType, SnapshotRequestedV1, parseData } from '@lma/contracts';
import { KafkaSecuritySettings, createLogger, loadConfig } from '@lma/core';
import { createKafka, createPublisher, ensureTopics, kafkaSecurityOf, startConsumer, topicNames, waitForTopics } from '@lma/kafka';
import { z } from 'zod';
import { startControl } from './control';
import { Marketplace } from './marketplace';
import { SimState } from './state';
import { startTraffic } from './traffic';

const HELP = `lma-simulator: a marketplace speaking the contract of docs/events.md on Kafka

  --rate <n>             events per second of marketplace traffic (0: none)        [SIM_RATE, 0]
  --packages <n>         packages the traffic spreads over                         [SIM_PACKAGES, 1]
  --events <n>           stop the traffic after n events (0: never)                [SIM_EVENTS, 0]
  --page-size <n>        installations per snapshot page                           [SIM_PAGE_SIZE, 1000]
  --drift <0..1>         share of installations changed silently before each answer [SIM_DRIFT, 0]
  --drop-pages <1,3>     never send these pages of any answer                      [SIM_DROP_PAGES]
  --duplicate-pages <2>  send these pages twice                                    [SIM_DUPLICATE_PAGES]
  --control-port <n>     loopback control API (0: none)                            [SIM_CONTROL_PORT, 0]
  --pid-file <path>      write the process id there                                [SIM_PID_FILE]
Kafka: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_TOPIC_PARTITIONS, as the services; on a secured broker the
marketplace principal's KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (.local/secrets/marketplace.env)
and KAFKA_SSL*. Its consumer group is <KAFKA_TOPIC_PREFIX>marketplace.simulator.`;

const list = (s: string | undefined): number[] => (s ? s.split(',').filter(Boolean).map(Number) : []);

async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: env['SIM_RATE'] ?? '0' },
      packages: { type: 'string', default: env['SIM_PACKAGES'] ?? '1' },
      events: { type: 'string', default: env['SIM_EVENTS'] ?? '0' },
      'page-size': { type: 'string', default: env['SIM_PAGE_SIZE'] ?? '1000' },
      drift: { type: 'string', default: env['SIM_DRIFT'] ?? '0' },
      'drop-pages': { type: 'string', default: env['SIM_DROP_PAGES'] ?? '' },
      'duplicate-pages': { type: 'string', default: env['SIM_DUPLICATE_PAGES'] ?? '' },
      'control-port': { type: 'string', default: env['SIM_CONTROL_PORT'] ?? '0' },
      'pid-file': { type: 'string', default: env['SIM_PID_FILE'] ?? '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const num = (name: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  const opts = {
    rate: num('rate', values.rate, 0, 100_000),
    packages: num('packages', values.packages, 1, 10_000),
    events: num('events', values.events, 0, 1e12),
    pageSize: num('page-size', values['page-size'], 1, 5_000),
    drift: num('drift', values.drift, 0, 1),
    faults: { drop: list(values['drop-pages']), duplicate: list(values['duplicate-pages']) },
    controlPort: num('control-port', values['control-port'], 0, 65_535),
  };
  const logger = createLogger('simulator');
  const brokers = (env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
  const names = topicNames(env['KAFKA_TOPIC_PREFIX'] ?? '');
  const security = kafkaSecurityOf(loadConfig(z.object(KafkaSecuritySettings), env));
  const kafka = createKafka({ brokers, clientId: 'marketplace-simulator', logger, ...security });
  if (security.sasl) {
    // a secured broker: the admin's provisioning created the topics, the marketplace may not
    await waitForTopics(kafka, [MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC], names, { logger });
  } else {
    await ensureTopics(
      kafka,
      [MARKETPLACE_EVENTS_TOPIC, MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC, `${MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC}.dlq`].map((topic) => ({ topic })),
      Number(env['KAFKA_TOPIC_PARTITIONS'] ?? 3),
      names,
    );
  }
  const publisher = await createPublisher(kafka, names);
  const mp = new Marketplace(new SimState(), publisher, { pageSize: opts.pageSize, drift: opts.drift, faults: opts.faults }, logger);
  const consumer = await startConsumer({
    kafka,
    // the marketplace's own groups (its ACLs: libs/kafka acls.ts groupPrefixOf)
    groupId: `${env['KAFKA_TOPIC_PREFIX'] ?? ''}marketplace.simulator`,
    topics: [MARKETPLACE_SNAPSHOT_REQUESTS_TOPIC],
    topicNames: names,
    logger,
    handle: async (event) => {
      if (event.type === MarketplaceEventType.SnapshotRequested) await mp.answerSnapshot(parseData(SnapshotRequestedV1, event.data));
    },
  });
  const control = opts.controlPort ? await startControl(mp, opts.controlPort) : undefined;
  const traffic = opts.rate > 0 ? await startTraffic(mp, { rate: opts.rate, packages: opts.packages, events: opts.events }, logger) : undefined;
  const pidFile = values['pid-file'];
  if (pidFile) writeFileSync(pidFile, String(process.pid));
  logger.info({ ...opts, control_port: opts.controlPort || null }, 'simulator ready');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await traffic?.stop();
    await consumer.stop();
    control?.close();
    await publisher.stop();
    if (pidFile) rmSync(pidFile, { force: true });
    logger.info(mp.stats, 'simulator stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
