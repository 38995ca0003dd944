import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Starts or reuses the real infrastructure for the integration project, so `npx vitest run`
 * works on its own: with KAFKA_BROKERS and MONGODB_URI set nothing is started; otherwise
 * deploy/local/infra.sh brings up (or finds running) Kafka and FerretDB, and whatever it started
 * here is stopped again at the end.
 */
const root = path.resolve(__dirname, '../..');
const infra = (cmd: string) => execFileSync('bash', [path.join(root, 'deploy/local/infra.sh'), cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

export default function setup(): () => void {
  if (process.env['KAFKA_BROKERS'] && process.env['MONGODB_URI']) return () => undefined;
  const wasRunning = /kafka: running[\s\S]*ferretdb: running/.test(infra('status'));
  infra('up');
  return () => {
    if (!wasRunning) infra('down');
  };
}
