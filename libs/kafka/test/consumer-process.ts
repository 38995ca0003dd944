import { createLogger, type KafkaSaslMechanism } from '@lma/core';
import { createKafka, kafkaSecurityOf, startConsumer, topicNames } from '../src';

/**
 * A process that only consumes, for consumer-batches.int.spec.ts to kill (run with `node --import
 * tsx`): a handler that waits HANDLER_MS (SLOW_HANDLER_MS for the records of SLOW_KEY) and writes
 * one JSON line to stdout when a record starts and one when it is done. stdout to a pipe is synchronous on Linux, so a line written is a line
 * the test reads, even after SIGKILL. SIGTERM stops the consumer gracefully.
 */
const env = (name: string): string => process.env[name] ?? '';
const logger = createLogger('consumer-process', 'silent');
const line = (e: 'start' | 'done', partition: number, offset: string, key: string | null, data: unknown) =>
  process.stdout.write(`${JSON.stringify({ e, partition, offset: Number(offset), key, seq: (data as { seq: number }).seq })}\n`);

// the test's credentials on a secured broker (kafkaCredentialsEnv), none on an unsecured one
const security = kafkaSecurityOf({
  KAFKA_SASL_MECHANISM: (process.env['KAFKA_SASL_MECHANISM'] as KafkaSaslMechanism | undefined) || undefined,
  KAFKA_SASL_USERNAME: process.env['KAFKA_SASL_USERNAME'],
  KAFKA_SASL_PASSWORD: process.env['KAFKA_SASL_PASSWORD'],
});

void (async () => {
  const consumer = await startConsumer({
    kafka: createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: env('GROUP'), logger, ...security }),
    groupId: env('GROUP'),
    topics: [env('TOPIC')],
    logger,
    topicNames: topicNames(env('TOPIC_PREFIX')),
    handle: async (event, ctx) => {
      line('start', ctx.partition, ctx.offset, event.key, event.data);
      await new Promise((r) => setTimeout(r, Number(env(event.key === env('SLOW_KEY') ? 'SLOW_HANDLER_MS' : 'HANDLER_MS'))));
      line('done', ctx.partition, ctx.offset, event.key, event.data);
    },
  });
  process.once('SIGTERM', () => void consumer.stop().then(() => process.exit(0)));
})();
