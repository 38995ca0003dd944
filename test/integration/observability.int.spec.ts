import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, dlqTopic } from '@lma/contracts';
import { eventually, type ServiceName } from '@lma/testing';
import { Harness } from './harness';

const DLQ = dlqTopic(MARKETPLACE_EVENTS_TOPIC);
const h = new Harness('obs');
const root = path.resolve(__dirname, '../..');
const infra = (cmd: 'stop-kafka' | 'start-kafka') =>
  execFileSync('bash', [path.join(root, 'deploy/local/infra.sh'), cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license'], [LICENSE_EVENTS_TOPIC, DLQ]);
});
afterAll(async () => {
  await h.stop();
});

// The metrics after traffic are tested in metrics.int.spec.ts, which leaves the broker running.

// last in this file: it stops the shared broker (and always starts it again)
describe('readiness', () => {
  const readyz = async (service: ServiceName) => (await fetch(`${h.service(service).url}/readyz`)).status;

  it('/readyz goes unready when the broker is stopped and ready again when it returns', async () => {
    for (const s of h.services.keys()) expect(await readyz(s)).toBe(200);
    try {
      infra('stop-kafka');
      for (const s of h.services.keys()) await eventually(`${s} to be unready`, async () => (await readyz(s)) === 503, 30_000, 250);
      const res = await fetch(`${h.service('install-intake').url}/readyz`);
      expect(await res.json()).toMatchObject({ status: 'unready', checks: { kafka: false, database: true } });
    } finally {
      infra('start-kafka');
    }
    for (const s of h.services.keys()) await eventually(`${s} to be ready again`, async () => (await readyz(s)) === 200, 90_000, 500);
  });
});
