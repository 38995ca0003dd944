import type { Express } from 'express';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Connection } from 'mongoose';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { deadLettersOn, dlqTopic, topicConfigOf } from '@lma/contracts';
import {
  closeServer,
  connectMongo,
  createBaseApp,
  createForwardVerifier,
  createLogger,
  ensureIndexes,
  every,
  gatewayPublicKey,
  listen,
  listenMetrics,
  metricsPortOf,
  onShutdown,
  pingMongo,
  problemMiddleware,
  type BaseConfig,
  type ForwardVerifier,
  type Logger,
  type ReadinessCheck,
} from '@lma/core';
import {
  createKafka,
  createPublisher,
  ensureTopics,
  kafkaSecurityOf,
  startConsumer,
  topicAccess,
  topicNames,
  waitForTopics,
  type ConsumerOptions,
  type KafkaPrincipal,
  type Publisher,
  type RunningConsumer,
} from '@lma/kafka';
import { Store, createOutboxRelay, queryGuardPlugin, type DeclaredQuery, type OutboxRelay, type QueryGuardMode } from '@lma/store';
import { createBrokerAdmin, type BrokerAdmin } from './broker';
import { deadLetterLedgerOf, deadLetterQueries, registerDeadLetterModel, serveDeadLetters } from './deadLetters';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics';

export { createRuntimeMetrics, type RuntimeMetrics } from './metrics';
export { deadLetterLedgerOf, deadLetterQueries } from './deadLetters';

/**
 * Everything a service process has: its logger, database, Kafka client, publisher, outbox
 * relay, consumers and HTTP server, started and stopped in one order for every service.
 */
export interface Runtime {
  name: string;
  config: BaseConfig & { PORT: number };
  logger: Logger;
  db: Connection;
  kafka: Kafka;
  publisher: Publisher;
  /** The write side: every aggregate is written through it (libs/store). */
  store: Store;
  /** Publishes the events the store's writes carry. */
  relay: OutboxRelay;
  consumers: RunningConsumer[];
  /** The process's Prometheus registry, served on GET /metrics of METRICS_PORT; services add their own metrics. */
  metrics: Registry;
  /** Verifies the gateway's forwarded tokens for this service; the routes and any fast path share its cache. */
  forwardTokens: ForwardVerifier;
  groupId(name: string): string;
  consume(opts: Omit<ConsumerOptions, 'kafka' | 'logger' | 'groupId'> & { group: string }): Promise<RunningConsumer>;
  /** Serves the express app `mount` fills; `front` answers the requests it takes before express (a hot path). */
  serve(mount: (app: Express) => void, opts?: { front?: (req: IncomingMessage, res: ServerResponse) => boolean }): Promise<Server>;
  /** Background work to stop after the consumers and before the relay (schedulers, sweepers). */
  onStop(stop: () => Promise<void>): void;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  name: string;
  config: BaseConfig & { PORT: number };
  /** Registers the service's mongoose models on the connection before indexes are created. */
  models: (db: Connection) => void;
  /** Topics this service produces to or consumes from; each gets a `.dlq` sibling. Created with their configuration from the contracts registry. */
  topics: string[];
  /** Every query other than by `_id` the service makes (checked per LMA_QUERY_GUARD: strict, warn, off). */
  queries?: readonly DeclaredQuery[];
}

export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { name, config } = opts;
  const logger = createLogger(name, config.LOG_LEVEL);
  const forwardTokens = createForwardVerifier({ publicKey: gatewayPublicKey(config), audience: name });
  const db = await connectMongo(config.MONGODB_URI, `${config.MONGODB_DB_PREFIX}_${name.replace(/-/g, '_')}`, logger);
  db.plugin(queryGuardPlugin([...(opts.queries ?? []), ...deadLetterQueries], (process.env['LMA_QUERY_GUARD'] as QueryGuardMode | undefined) ?? 'warn', logger));
  opts.models(db);
  registerDeadLetterModel(db);
  await ensureIndexes(db);
  const security = kafkaSecurityOf(config);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `lma-${name}`, logger, ...security });
  const names = topicNames(config.KAFKA_TOPIC_PREFIX);
  const access = topicAccess().get(name as KafkaPrincipal);
  if (security.sasl && access) {
    // a secured broker: the admin's provisioning created the topics and this principal's ACLs
    // (libs/kafka acls.ts); the service waits for the topics the registry lets it use
    await waitForTopics(kafka, [...access.write, ...access.read], names, { logger });
  } else {
    await ensureTopics(
      kafka,
      [...new Set(opts.topics.flatMap((t) => [t, dlqTopic(t)]))].map((topic) => ({ topic, config: topicConfigOf(topic) })),
      config.KAFKA_TOPIC_PARTITIONS,
      names,
    );
  }
  const publisher = await createPublisher(kafka, names, undefined, logger);
  const store = await Store.open(db, { logger });
  const relay = createOutboxRelay({ store, publisher, logger, scanMs: config.OUTBOX_SCAN_MS });
  relay.start();
  const consumers: RunningConsumer[] = [];
  const stopHooks: (() => Promise<void>)[] = [];
  let server: Server | undefined;
  let metricsServer: Server | undefined;
  const groupId = (g: string) => `${config.KAFKA_GROUP_PREFIX}.${g}`;
  const deadLetterLedger = deadLetterLedgerOf(store);
  const deadLetters = serveDeadLetters({ db, service: name, auth: forwardTokens, retentionDays: config.DEAD_LETTER_RETENTION_DAYS, pruneMs: config.DEAD_LETTER_PRUNE_MS, logger });

  const metrics = createRuntimeMetrics(relay);
  const admin = createBrokerAdmin(kafka);
  const broker = brokerProbe(admin);
  const lagRefresh = every(config.KAFKA_LAG_REFRESH_MS, () => refreshLag(consumers, admin, metrics), (err) => logger.warn({ err }, 'consumer lag not refreshed'));

  const readiness: ReadinessCheck[] = [
    { name: 'database', check: () => pingMongo(db) },
    // the producer's flag stays up when the broker dies, so the broker is asked as well
    { name: 'kafka', check: async () => publisher.connected() && (await broker.reachable()) },
    { name: 'consumers', check: () => consumers.every((c) => c.isRunning()) },
    { name: 'outbox', check: () => relay.healthy() },
  ];

  const runtime: Runtime = {
    name,
    config,
    logger,
    db,
    kafka,
    publisher,
    store,
    relay,
    consumers,
    metrics: metrics.registry,
    forwardTokens,
    groupId,
    async consume({ group, ...rest }) {
      // records nobody can read are dead-lettered by the group of the topic's owner only (registry)
      const deadLettersUnreadable = (topic: string, type: string | undefined) => deadLettersOn(name, topic, type);
      const c = await startConsumer({ metrics: metrics.consumer, deadLettersUnreadable, deadLetterLedger, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS, ...rest, kafka, logger, groupId: groupId(group), topicNames: names });
      consumers.push(c);
      return c;
    },
    async serve(mount, opts = {}) {
      const app = createBaseApp(readiness);
      deadLetters.mount(app);
      mount(app);
      app.use(problemMiddleware(logger));
      server = await listen(app, config.PORT, config.HOST, opts.front);
      metricsServer = await listenMetrics({
        port: metricsPortOf(config),
        host: config.HOST,
        render: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
        onError: (err) => logger.error({ err }, 'metrics not rendered'),
      });
      const portOf = (s: Server) => {
        const addr = s.address();
        return typeof addr === 'object' && addr ? addr.port : undefined;
      };
      logger.info({ host: config.HOST, port: portOf(server), metricsPort: portOf(metricsServer) }, `${name} listening`);
      return server;
    },
    onStop(stop) {
      stopHooks.push(stop);
    },
    async stop() {
      await lagRefresh.stop();
      await deadLetters.stop();
      // consumers first: in-flight records finish and their offsets are committed
      await Promise.all(consumers.map((c) => c.stop()));
      await Promise.all(stopHooks.map((s) => s()));
      await relay.stop();
      if (server) await closeServer(server);
      if (metricsServer) await closeServer(metricsServer);
      await broker.stop();
      await admin.stop();
      await publisher.stop();
      await db.close();
    },
  };
  onShutdown(logger, config.SHUTDOWN_TIMEOUT_MS, () => runtime.stop());
  return runtime;
}

/**
 * Whether the broker answers: an admin `describeCluster` with a short timeout, asked at most
 * once every 2 s (concurrent readiness calls share one probe).
 */
function brokerProbe(admin: BrokerAdmin, intervalMs = 2_000, timeoutMs = 1_500) {
  let last = true;
  let at = 0;
  let inflight: Promise<boolean> | undefined;
  return {
    reachable(): Promise<boolean> {
      if (Date.now() - at < intervalMs) return Promise.resolve(last);
      inflight ??= admin
        .use((a) => a.describeCluster(), timeoutMs)
        .then(
          () => true,
          () => false,
        )
        .then((ok) => {
          last = ok;
          at = Date.now();
          inflight = undefined;
          return ok;
        });
      return inflight;
    },
    async stop(): Promise<void> {
      await inflight;
    },
  };
}

/**
 * Reads every consumer's lag from the broker into the gauge. A group whose offsets cannot be read
 * keeps its last values and is named in the error, so one failure does not blank the others.
 */
async function refreshLag(consumers: RunningConsumer[], admin: BrokerAdmin, metrics: RuntimeMetrics): Promise<void> {
  const results = await Promise.allSettled(consumers.map(async (c) => metrics.consumerLag(c.groupId, await admin.use((a) => c.lag(a), LAG_TIMEOUT_MS))));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${consumers[i]!.groupId} (${r.reason instanceof Error ? r.reason.message : String(r.reason)})`] : []));
  if (failed.length) throw new Error(`no offsets for ${failed.join(', ')}`);
}
const LAG_TIMEOUT_MS = 5_000;

/** Logs a start-up failure (config, database, broker) and exits non-zero. */
export function runMain(name: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    createLogger(name).fatal({ err }, 'failed to start');
    process.exit(1);
  });
}
