import { KafkaContainer } from '@testcontainers/kafka';
import { MongoDBContainer } from '@testcontainers/mongodb';
import { getContainerRuntimeClient } from 'testcontainers';

/**
 * The integration suite's infrastructure: `local` (the default) runs on the local Kafka and
 * FerretDB processes (deploy/local/infra.sh) or on the ones KAFKA_BROKERS / MONGODB_URI name;
 * `containers` starts Kafka and a MongoDB replica set in Docker through testcontainers.
 */
export type TestInfraMode = 'local' | 'containers';

export function testInfraMode(env: NodeJS.ProcessEnv = process.env): TestInfraMode {
  const mode = env['LMA_TEST_INFRA'] || 'local';
  if (mode !== 'local' && mode !== 'containers') throw new Error(`LMA_TEST_INFRA must be local or containers, not ${mode}`);
  return mode;
}

/**
 * The images: Confluent's build of Apache Kafka 4 (the image @testcontainers/kafka drives; one
 * KRaft node) and MongoDB 7, which the container starts as a one-member replica set.
 */
export const CONTAINER_IMAGES = { kafka: 'confluentinc/cp-kafka:8.0.0', mongodb: 'mongo:7.0' } as const;

export interface ContainerInfra {
  KAFKA_BROKERS: string;
  MONGODB_URI: string;
  stop(): Promise<void>;
}

/**
 * Starts Kafka and MongoDB in containers. Without a container runtime it fails at once, saying
 * what is missing and how to run the suite without one. `runtime` finds the container runtime
 * (testcontainers' own lookup: DOCKER_HOST, the Docker socket, ~/.testcontainers.properties).
 */
export async function startContainers(runtime: () => Promise<unknown> = getContainerRuntimeClient): Promise<ContainerInfra> {
  try {
    await runtime();
  } catch (err) {
    throw new Error(
      `LMA_TEST_INFRA=containers needs a Docker engine, and testcontainers found none (${err instanceof Error ? err.message : String(err)}). ` +
        'Start Docker or set DOCKER_HOST, or leave LMA_TEST_INFRA unset to run the suite on the local Kafka and FerretDB processes.',
      { cause: err },
    );
  }
  const started = await Promise.allSettled([
    // as in production, the services create their topics: a typo must not create another one
    new KafkaContainer(CONTAINER_IMAGES.kafka).withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' }).start(),
    new MongoDBContainer(CONTAINER_IMAGES.mongodb).start(),
  ]);
  const stop = async () => void (await Promise.all(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : []))));
  const [kafka, mongodb] = started;
  if (kafka.status === 'rejected' || mongodb.status === 'rejected') {
    await stop();
    const reasons = started.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    throw new AggregateError(reasons, `Kafka or MongoDB did not start in a container: ${reasons.map((r) => (r instanceof Error ? r.message : String(r))).join('; ')}`);
  }
  return {
    KAFKA_BROKERS: `${kafka.value.getHost()}:${kafka.value.getMappedPort(9093)}`,
    // the replica set's member is named by its container host name, unknown out here
    MONGODB_URI: `${mongodb.value.getConnectionString()}/?directConnection=true`,
    stop,
  };
}
