import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startContainers, testInfraMode } from '../../libs/testing/src/containers';

/**
 * Starts or reuses the real infrastructure for the integration project, so `npx vitest run`
 * works on its own. LMA_TEST_INFRA=containers starts Kafka and a MongoDB 7 replica set in Docker
 * (testcontainers) and hands their addresses to the suite. Otherwise (the default), with
 * KAFKA_BROKERS and MONGODB_URI set nothing is started; without them deploy/local/infra.sh brings
 * up (or finds running) Kafka and FerretDB, and whatever it started here is stopped again at the end.
 */
const root = path.resolve(__dirname, '../..');
const infra = (cmd: string) => execFileSync('bash', [path.join(root, 'deploy/local/infra.sh'), cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

export default async function setup(): Promise<() => Promise<void>> {
  if (testInfraMode() === 'containers') {
    const containers = await startContainers();
    // the test workers, and the service processes they start, inherit these
    process.env['KAFKA_BROKERS'] = containers.KAFKA_BROKERS;
    process.env['MONGODB_URI'] = containers.MONGODB_URI;
    console.log(`[infra] containers: Kafka ${containers.KAFKA_BROKERS}, MongoDB ${containers.MONGODB_URI}`);
    return () => containers.stop();
  }
  if (process.env['KAFKA_BROKERS'] && process.env['MONGODB_URI']) return async () => undefined;
  const wasRunning = /kafka: running[\s\S]*ferretdb: running/.test(infra('status'));
  infra('up');
  return async () => {
    if (!wasRunning) infra('down');
  };
}
