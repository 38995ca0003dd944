import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandType, LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType, dlqTopic, InternalTopic } from '@lma/contracts';
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

const group = (g: string) => `${h.prefix}.${g}`;

async function scrape(service: ServiceName): Promise<string> {
  const res = await fetch(`${h.service(service).url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return await res.text();
}

/** Samples of one metric whose labels include `labels`. */
function samples(text: string, name: string, labels: Record<string, string> = {}): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) out.push(Number(m[3]));
  }
  return out;
}
const sum = (text: string, name: string, labels: Record<string, string> = {}) => samples(text, name, labels).reduce((a, b) => a + b, 0);

describe('metrics', () => {
  it('counts records, dead letters, handler durations, lag, outbox and sagas after traffic', async () => {
    const pkg = await h.registerPackage();
    const version = await h.uploadVersion(pkg.packageId);
    await h.install(h.installData(pkg.packageId, version.packageVersionId));
    await h.install(h.installData(pkg.packageId, version.packageVersionId));
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    await h.kafka.publishRaw(MARKETPLACE_EVENTS_TOPIC, {
      key: marker,
      value: '{"packageId": ',
      headers: { ce_specversion: '1.0', ce_id: `bad-json-${marker}`, ce_source: 'marketplace/test', ce_type: MarketplaceEventType.PackageInstalled, 'content-type': 'application/json' },
    });
    await eventually('the malformed record to be dead-lettered', () => h.kafka.recordsOn(DLQ, (r) => r.key === marker).length === 1);

    const intake = await eventually('both sagas to complete', async () => {
      const text = await scrape('install-intake');
      return sum(text, 'lma_sagas', { state: 'completed' }) === 2 ? text : undefined;
    });
    const mk = { topic: MARKETPLACE_EVENTS_TOPIC, group: group('install-intake') };
    const installed = { ...mk, type: MarketplaceEventType.PackageInstalled };
    expect(samples(intake, 'lma_kafka_records_processed_total', installed)).toEqual([2]);
    expect(samples(intake, 'lma_kafka_records_consumed_total', installed)).toEqual([2]);
    expect(samples(intake, 'lma_kafka_records_processed_total', { ...mk, type: MarketplaceEventType.PackageRegistered })).toEqual([1]);
    expect(samples(intake, 'lma_kafka_records_processed_total', { ...mk, type: MarketplaceEventType.PackageVersionUploaded })).toEqual([1]);
    // the undecodable record: consumed as `unknown`, dead-lettered with a bounded reason class
    expect(samples(intake, 'lma_kafka_records_consumed_total', { ...mk, type: 'unknown' })).toEqual([1]);
    expect(samples(intake, 'lma_kafka_records_dead_lettered_total', { ...mk, reason: 'invalid' })).toEqual([1]);
    expect(sum(intake, 'lma_kafka_records_dead_lettered_total', mk)).toBe(1);
    expect(sum(intake, 'lma_kafka_records_retried_total', mk)).toBe(0);
    expect(samples(intake, 'lma_kafka_handler_duration_seconds_count', installed)[0]).toBeGreaterThanOrEqual(2);
    expect(samples(intake, 'lma_kafka_handler_duration_seconds_bucket', { ...installed, le: '+Inf' })[0]).toBeGreaterThanOrEqual(2);
    expect(samples(intake, 'lma_kafka_consumer_lag', mk).length).toBeGreaterThan(0);
    expect(sum(intake, 'lma_kafka_consumer_lag', mk)).toBe(0);
    // sagas: by state, parked by reason, time to complete
    expect(sum(intake, 'lma_sagas', { state: 'failed' })).toBe(0);
    expect(samples(intake, 'lma_sagas_parked', { reason: 'package-not-registered' })).toEqual([0]);
    expect(samples(intake, 'lma_saga_duration_seconds_count')).toEqual([2]);
    expect(samples(intake, 'lma_saga_duration_seconds_sum')[0]).toBeGreaterThan(0);
    // outbox gauges and default Node.js metrics; no `service` label (Prometheus adds it)
    expect(samples(intake, 'lma_outbox_backlog_documents')).toHaveLength(1);
    expect(samples(intake, 'lma_outbox_oldest_age_seconds')).toHaveLength(1);
    expect(samples(intake, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(intake).toContain('# TYPE lma_kafka_handler_duration_seconds histogram');
    expect(intake).not.toMatch(/\bservice="/);

    const lead = await eventually('lead to count its commands', async () => {
      const text = await scrape('lead');
      return sum(text, 'lma_kafka_records_processed_total', { topic: InternalTopic.LeadCommands, type: CommandType.ResolveLead }) === 2 ? text : undefined;
    });
    expect(samples(lead, 'lma_kafka_handler_duration_seconds_count', { topic: InternalTopic.LeadCommands, type: CommandType.ResolveLead })[0]).toBeGreaterThanOrEqual(2);
    expect(samples(lead, 'lma_outbox_backlog_documents')).toHaveLength(1);

    const license = await eventually('license to count its commands', async () => {
      const text = await scrape('license');
      return sum(text, 'lma_kafka_records_processed_total', { topic: InternalTopic.LicenseCommands, type: CommandType.CreateLicense }) === 2 ? text : undefined;
    });
    expect(sum(license, 'lma_kafka_records_dead_lettered_total')).toBe(0);
    expect(samples(license, 'lma_kafka_handler_duration_seconds_count', { topic: InternalTopic.LicenseCommands, type: CommandType.CreateLicense })[0]).toBeGreaterThanOrEqual(2);
    expect(samples(license, 'lma_outbox_backlog_documents')).toHaveLength(1);
    expect(samples(license, 'lma_outbox_oldest_age_seconds')).toHaveLength(1);
    // saga metrics belong to install-intake only
    expect(samples(license, 'lma_sagas')).toHaveLength(0);
  });
});

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
