/* global process, console, setTimeout, performance */
// Records per second through startConsumer when each handler awaits a fixed delay (a stand-in
// for a few database round trips): the records are published first, then one consumer reads
// them all; the clock runs from the first handler call to the last, so the group join is not
// counted. Needs the broker of `deploy/local/infra.sh up` and a build of libs/kafka.
//   node libs/kafka/bench/consumer-throughput.mjs [records=5000] [keys=8] [handlerMs=2] [partitions=1]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const { createLogger } = require('@lma/core');
const { encodeCloudEvent, newEventId } = require('@lma/contracts');
const { createKafka, startConsumer, topicNames } = require('@lma/kafka');
const { infraEnv, uniquePrefix } = require('@lma/testing');

const records = Number(process.argv[2] ?? 5000);
const keys = Number(process.argv[3] ?? 8);
const handlerMs = Number(process.argv[4] ?? 2);
const partitions = Number(process.argv[5] ?? 1);
const brokers = infraEnv().KAFKA_BROKERS.split(',');
const prefix = `${uniquePrefix('consumerbench')}.`;
const topic = 'bench';
const physical = `${prefix}${topic}`;

const admin = new Kafka({ clientId: 'consumer-bench', brokers, logLevel: logLevel.NOTHING }).admin();
await admin.connect();
await admin.createTopics({ waitForLeaders: true, topics: [{ topic: physical, numPartitions: partitions }, { topic: `${physical}.dlq`, numPartitions: 1 }] });

const producer = new Kafka({ clientId: 'consumer-bench', brokers, logLevel: logLevel.NOTHING }).producer();
await producer.connect();
for (let i = 0; i < records; i += 500) {
  const messages = [];
  for (let j = i; j < Math.min(records, i + 500); j++) {
    messages.push(encodeCloudEvent({ id: newEventId(), source: 'lma/bench', type: 'lma.bench.tick', time: new Date().toISOString(), key: `key-${j % keys}`, data: { j } }));
  }
  await producer.send({ topic: physical, messages });
}
await producer.disconnect();

const logger = createLogger('consumer-bench', 'silent');
let handled = 0;
let first = 0;
let last = 0;
let done;
const allHandled = new Promise((resolve) => (done = resolve));
const consumer = await startConsumer({
  kafka: createKafka({ brokers, clientId: 'consumer-bench', logger }),
  groupId: `${prefix}bench`,
  topics: [topic],
  logger,
  topicNames: topicNames(prefix),
  handle: async () => {
    first ||= performance.now();
    await new Promise((r) => setTimeout(r, handlerMs));
    last = performance.now();
    if (++handled === records) done();
  },
});
await allHandled;
await consumer.stop();
await admin.deleteTopics({ topics: [physical, `${physical}.dlq`] }).catch(() => undefined);
await admin.disconnect();

const seconds = (last - first) / 1000;
console.log(JSON.stringify({ records, keys, handlerMs, partitions, seconds: Math.round(seconds * 100) / 100, recordsPerSecond: Math.round(records / seconds) }));
