import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandType,
  InternalTopic,
  LICENSE_EVENTS_TOPIC,
  LeadEventType,
  LicenseEventType,
  MARKETPLACE_EVENTS_TOPIC,
  MarketplaceEventType,
  NotificationInputType,
  ReplyType,
  dlqTopic,
} from '@lma/contracts';
import { eventually, type ServiceName } from '@lma/testing';
import { Harness } from './harness';

const DLQ = dlqTopic(MARKETPLACE_EVENTS_TOPIC);
const h = new Harness('metrics', { KAFKA_LAG_REFRESH_MS: '300' });

beforeAll(async () => {
  await h.start(['install-intake', 'lead', 'license'], [LICENSE_EVENTS_TOPIC, DLQ]);
});
afterAll(async () => {
  await h.stop();
});

const group = (g: string) => `${h.prefix}.${g}`;

async function scrape(service: ServiceName): Promise<string> {
  const res = await fetch(`${h.service(service).metricsUrl}/metrics`);
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
/** Distinct values of one label over a metric's samples. */
const labelValues = (text: string, name: string, label: string) =>
  new Set([...text.matchAll(new RegExp(`^${name}\\{[^}]*\\b${label}="([^"]*)"`, 'gm'))].map((m) => m[1]!));

describe('metrics after traffic', () => {
  it('counts records, dead letters, handler durations, lag, outbox and sagas, with event types bounded to the contracts', async () => {
    const pkg = await h.registerPackage();
    const version = await h.uploadVersion(pkg.packageId);
    await h.install(h.installData(pkg.packageId, version.packageVersionId));
    await h.install(h.installData(pkg.packageId, version.packageVersionId));
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    // undecodable: broken JSON
    await h.kafka.publishRaw(MARKETPLACE_EVENTS_TOPIC, {
      key: marker,
      value: '{"packageId": ',
      headers: { ce_specversion: '1.0', ce_id: `bad-json-${marker}`, ce_source: 'marketplace/test', ce_type: MarketplaceEventType.PackageInstalled, 'content-type': 'application/json' },
    });
    // decodable, but of a type nobody defined: must not become a label value
    const madeUp = `made.up.${marker}`;
    await h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, { type: madeUp, key: marker, data: { hello: 'world' } });
    await eventually('both bad records to be dead-lettered', () => h.kafka.recordsOn(DLQ, (r) => r.key === marker).length === 2);

    const intake = await eventually('both sagas to complete and the outbox to drain', async () => {
      const text = await scrape('install-intake');
      // a handler's saga write lands just before its record counts as processed: wait for both
      const replies = sum(text, 'lma_kafka_records_processed_total', { topic: InternalTopic.SagaReplies, type: ReplyType.LicenseCreated });
      return sum(text, 'lma_sagas', { state: 'completed' }) === 2 && replies === 2 && sum(text, 'lma_outbox_backlog_documents') === 0 ? text : undefined;
    });
    const mk = { topic: MARKETPLACE_EVENTS_TOPIC, group: group('install-intake') };
    const installed = { ...mk, type: MarketplaceEventType.PackageInstalled };
    expect(samples(intake, 'lma_kafka_records_consumed_total', installed)).toEqual([2]);
    expect(samples(intake, 'lma_kafka_records_processed_total', installed)).toEqual([2]);
    expect(samples(intake, 'lma_kafka_records_processed_total', { ...mk, type: MarketplaceEventType.PackageRegistered })).toEqual([1]);
    expect(samples(intake, 'lma_kafka_records_processed_total', { ...mk, type: MarketplaceEventType.PackageVersionUploaded })).toEqual([1]);
    // both bad records: consumed as `unknown`, dead-lettered as invalid; the made-up type is nowhere
    expect(samples(intake, 'lma_kafka_records_consumed_total', { ...mk, type: 'unknown' })).toEqual([2]);
    expect(samples(intake, 'lma_kafka_records_dead_lettered_total', { ...mk, type: 'unknown', reason: 'invalid' })).toEqual([2]);
    expect(sum(intake, 'lma_kafka_records_dead_lettered_total', mk)).toBe(2);
    expect(intake).not.toContain(madeUp);
    const known = new Set<string>(['unknown', ...[MarketplaceEventType, CommandType, ReplyType, LeadEventType, NotificationInputType].flatMap((t) => Object.values(t))]);
    for (const metric of ['lma_kafka_records_consumed_total', 'lma_kafka_records_processed_total', 'lma_kafka_records_dead_lettered_total']) {
      expect([...labelValues(intake, metric, 'type')].filter((t) => !known.has(t))).toEqual([]);
    }
    expect(sum(intake, 'lma_kafka_records_retried_total', mk)).toBe(0);
    expect(samples(intake, 'lma_kafka_handler_duration_seconds_count', installed)).toEqual([2]);
    expect(samples(intake, 'lma_kafka_handler_duration_seconds_bucket', { ...installed, le: '+Inf' })).toEqual([2]);
    expect(samples(intake, 'lma_kafka_handler_duration_seconds_sum', installed)[0]).toBeGreaterThan(0);
    // the replies of both sagas, consumed on the saga replies topic
    expect(samples(intake, 'lma_kafka_records_processed_total', { topic: InternalTopic.SagaReplies, type: ReplyType.LeadResolved })).toEqual([2]);
    expect(samples(intake, 'lma_kafka_records_processed_total', { topic: InternalTopic.SagaReplies, type: ReplyType.LicenseCreated })).toEqual([2]);
    // lag, from the broker's committed offsets: one gauge per partition the process holds (all
    // three), caught up once the last offsets are committed
    const caughtUp = await eventually('the marketplace lag to read 0', async () => {
      const text = await scrape('install-intake');
      return samples(text, 'lma_kafka_consumer_lag', mk).length === 3 && sum(text, 'lma_kafka_consumer_lag', mk) === 0 ? text : undefined;
    });
    expect([...labelValues(caughtUp, 'lma_kafka_consumer_lag', 'partition')].sort()).toEqual(['0', '1', '2']);
    // sagas: by state, parked by reason, time to complete
    expect(sum(intake, 'lma_sagas', { state: 'failed' })).toBe(0);
    expect(sum(intake, 'lma_sagas', { state: 'parked' })).toBe(0);
    expect(samples(intake, 'lma_sagas_parked', { reason: 'package-not-registered' })).toEqual([0]);
    expect(samples(intake, 'lma_saga_duration_seconds_count')).toEqual([2]);
    expect(samples(intake, 'lma_saga_duration_seconds_sum')[0]).toBeGreaterThan(0);
    // outbox drained: nothing pending, no age
    expect(samples(intake, 'lma_outbox_backlog_documents')).toEqual([0]);
    expect(samples(intake, 'lma_outbox_oldest_age_seconds')).toEqual([0]);
    // default Node.js metrics; no `service` label (Prometheus adds it)
    expect(samples(intake, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(intake).toContain('# TYPE lma_kafka_handler_duration_seconds histogram');
    expect(intake).not.toMatch(/\bservice="/);

    const lead = await eventually('lead to count its commands', async () => {
      const text = await scrape('lead');
      return sum(text, 'lma_kafka_records_processed_total', { topic: InternalTopic.LeadCommands, type: CommandType.ResolveLead }) === 2 ? text : undefined;
    });
    expect(samples(lead, 'lma_kafka_records_consumed_total', { topic: InternalTopic.LeadCommands, type: CommandType.ResolveLead })).toEqual([2]);
    expect(samples(lead, 'lma_kafka_handler_duration_seconds_count', { topic: InternalTopic.LeadCommands, type: CommandType.ResolveLead })).toEqual([2]);
    expect(samples(lead, 'lma_outbox_backlog_documents')).toHaveLength(1);

    const license = await eventually('license to count its commands and drain its outbox', async () => {
      const text = await scrape('license');
      return sum(text, 'lma_kafka_records_processed_total', { topic: InternalTopic.LicenseCommands, type: CommandType.CreateLicense }) === 2 &&
        sum(text, 'lma_outbox_backlog_documents') === 0
        ? text
        : undefined;
    });
    expect(sum(license, 'lma_kafka_records_dead_lettered_total')).toBe(0);
    expect(samples(license, 'lma_kafka_handler_duration_seconds_count', { topic: InternalTopic.LicenseCommands, type: CommandType.CreateLicense })).toEqual([2]);
    expect(samples(license, 'lma_outbox_oldest_age_seconds')).toEqual([0]);
    // the two licenses reached lma.license.events
    expect(h.kafka.recordsOn(LICENSE_EVENTS_TOPIC, (r) => r.event?.type === LicenseEventType.Created)).toHaveLength(2);
    // saga metrics belong to install-intake only
    expect(samples(license, 'lma_sagas')).toHaveLength(0);
  });
});
