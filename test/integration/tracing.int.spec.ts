import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InternalTopic, LICENSE_EVENTS_TOPIC, LicenseEventType, MARKETPLACE_EVENTS_TOPIC } from '@lma/contracts';
import { createLogger } from '@lma/core';
import { createKafka, startConsumer, topicNames, type RunningConsumer } from '@lma/kafka';
import { ServiceProcess, eventually, kafkaClientAuth, kafkaCredentialsEnv } from '@lma/testing';
import { Harness, forwarded } from './harness';

/** One span as the services export it (OTLP/HTTP JSON), attributes flattened. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}
const KIND = { server: 2, producer: 4, consumer: 5 } as const;

/** An OTLP/HTTP receiver in the test process: what the services send to a collector. */
const received: ReceivedSpan[] = [];
let receiver: Server;

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const valueOf = (v: AnyValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
const attrs = (list: { key: string; value: AnyValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: { key: string; value: AnyValue }[] }[] }[];
  }[];
}

function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('application/json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson;
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attrs(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            received.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, kind: s.kind, attributes: attrs(s.attributes) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(receiver.address() as { port: number }).port}`)));
}

let h: Harness;

/**
 * A consumer of lma.license.events in this test, with @lma/kafka's own consumer and an in-memory
 * tracer: the end of the chain the test walks (the services' consumers are checked too).
 */
const exporter = new InMemorySpanExporter();
let downstream: RunningConsumer;
const handled: { id: string; type: string; key: string | null; traceId: string; spanId: string }[] = [];

beforeAll(async () => {
  h = new Harness('trace', {
    OTEL_EXPORTER_OTLP_ENDPOINT: await startReceiver(),
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  await h.start(['install-intake', 'lead', 'license', 'notification'], [LICENSE_EVENTS_TOPIC]);
  downstream = await startConsumer({
    kafka: createKafka({ brokers: h.env['KAFKA_BROKERS']!.split(','), clientId: `${h.prefix}-downstream`, logger: createLogger('downstream', 'silent'), ...kafkaClientAuth() }),
    groupId: `${h.prefix}.downstream`,
    topics: [LICENSE_EVENTS_TOPIC],
    logger: createLogger('downstream', 'silent'),
    topicNames: topicNames(`${h.prefix}.`),
    handle: async (event) => {
      const sc = trace.getActiveSpan()!.spanContext();
      handled.push({ id: event.id, type: event.type, key: event.key, traceId: sc.traceId, spanId: sc.spanId });
    },
  });
});
afterAll(async () => {
  await downstream?.stop();
  await h?.stop();
  receiver.close();
  trace.disable();
  context.disable();
  propagation.disable();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Spans of both sources: the services' (OTLP) and this test's downstream consumer. */
function allSpans(): ReceivedSpan[] {
  return [
    ...received,
    ...exporter.getFinishedSpans().map((s) => ({
      service: 'downstream',
      traceId: s.spanContext().traceId,
      spanId: s.spanContext().spanId,
      parentSpanId: s.parentSpanContext?.spanId ?? '',
      name: s.name,
      kind: s.kind + 1, // the API's SpanKind counts from 0, OTLP's from 1
      attributes: { ...s.attributes },
    })),
  ];
}

/** From a span up to the first ancestor that is not a recorded span (the trace's origin). */
function ancestry(spans: ReceivedSpan[], from: ReceivedSpan): { chain: ReceivedSpan[]; origin: string } {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain = [from];
  for (let s = from; s.parentSpanId; ) {
    const parent = byId.get(s.parentSpanId);
    if (!parent) return { chain: chain.reverse(), origin: s.parentSpanId };
    expect(parent.traceId).toBe(from.traceId);
    chain.push(parent);
    s = parent;
  }
  return { chain: chain.reverse(), origin: '' };
}

describe('one trace per install', () => {
  it('follows the install from the marketplace record to the consumer of lma.license.created through every Kafka hop, with logs joined to it', async () => {
    const pkg = await h.registerPackage();
    const version = await h.uploadVersion(pkg.packageId);
    const install = h.installData(pkg.packageId, version.packageVersionId);
    const rootTrace = hex(16);
    const rootSpan = hex(8);
    const installEvent = await h.install(install, { traceparent: `00-${rootTrace}-${rootSpan}-01` });

    const created = await eventually('the downstream consumer to process lma.license.created', () =>
      handled.find((e) => e.type === LicenseEventType.Created && e.key === `${pkg.packageId}:${install.subscriberOrgId}`),
    );
    expect(created.traceId).toBe(rootTrace);

    // every span of the chain, exported in batches every 100 ms
    const { chain, origin, spans } = await eventually('the whole chain to be exported', () => {
      const spans = allSpans();
      const last = spans.find((s) => s.service === 'downstream' && s.spanId === created.spanId);
      if (!last) return undefined;
      const a = ancestry(spans, last);
      return a.origin === rootSpan ? { ...a, spans } : undefined;
    });
    const t = (topic: string) => h.kafka.topic(topic);
    expect(chain.map((s) => `${s.service}: ${s.name}`)).toEqual([
      `install-intake: process ${MARKETPLACE_EVENTS_TOPIC}`,
      `install-intake: send ${InternalTopic.LeadCommands}`,
      `lead: process ${InternalTopic.LeadCommands}`,
      `lead: send ${InternalTopic.SagaReplies}`,
      `install-intake: process ${InternalTopic.SagaReplies}`,
      `install-intake: send ${InternalTopic.LicenseCommands}`,
      `license: process ${InternalTopic.LicenseCommands}`,
      `license: send ${LICENSE_EVENTS_TOPIC}`,
      `downstream: process ${LICENSE_EVENTS_TOPIC}`,
    ]);
    expect(origin).toBe(rootSpan);
    for (const s of chain) {
      const [operation, topic] = s.name.split(' ') as ['send' | 'process', string];
      const send = operation === 'send';
      expect(s.kind).toBe(send ? KIND.producer : KIND.consumer);
      expect(s.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': t(topic),
        'messaging.operation.type': operation,
        'messaging.operation.name': operation,
      });
      expect(s.attributes['messaging.message.id']).toEqual(expect.any(String));
      expect(s.attributes['messaging.kafka.message.key']).toBe(`${pkg.packageId}:${install.subscriberOrgId}`);
      if (!send) {
        expect(s.attributes['messaging.destination.partition.id']).toMatch(/^\d+$/);
        expect(s.attributes['messaging.kafka.offset']).toEqual(expect.any(Number));
        expect(s.attributes['messaging.consumer.group.name']).toMatch(new RegExp(`^${h.prefix}\\.`));
      }
    }
    expect(chain[0]!.attributes['messaging.message.id']).toBe(installEvent.id);
    expect(chain.at(-2)!.attributes['messaging.message.id']).toBe(created.id);
    expect(chain.at(-1)!.attributes['messaging.message.id']).toBe(created.id);
    // the services consuming lma.license.events continue the same send span
    for (const service of ['notification', 'lead']) {
      await eventually(`${service} to process lma.license.created in the same trace`, () =>
        received.find((s) => s.service === service && s.name === `process ${LICENSE_EVENTS_TOPIC}` && s.parentSpanId === chain.at(-2)!.spanId),
      );
    }

    // the database work of the handlers, inside their process spans
    const licenseProcess = chain[6]!;
    const db = spans.filter((s) => s.traceId === rootTrace && s.attributes['db.system.name'] === 'mongodb');
    expect(db.length).toBeGreaterThan(0);
    expect(db.some((s) => s.service === 'license' && ancestry(spans, s).chain.includes(licenseProcess))).toBe(true);
    expect([...new Set(db.map((s) => s.service))]).toEqual(expect.arrayContaining(['install-intake', 'lead', 'license']));

    // the license service's log line of that command carries the process span's ids
    const line = h
      .service('license')
      .logs.map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'event handled' && l['event_id'] === licenseProcess.attributes['messaging.message.id']);
    expect(line).toMatchObject({ service: 'license', trace_id: rootTrace, span_id: licenseProcess.spanId, event_type: expect.any(String) });
    const leadLine = h
      .service('lead')
      .logs.map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['msg'] === 'event handled' && l['event_id'] === chain[2]!.attributes['messaging.message.id']);
    expect(leadLine).toMatchObject({ trace_id: rootTrace, span_id: chain[2]!.spanId });
    expect(JSON.stringify(leadLine)).not.toContain(install.installer.email);
  });

  it('starts a new trace for a record without a traceparent', async () => {
    const pkg = await h.registerPackage();
    const span = await eventually('the license service to process the registration', () =>
      received.find((s) => s.service === 'install-intake' && s.name === `process ${MARKETPLACE_EVENTS_TOPIC}` && s.attributes['messaging.kafka.message.key'] === pkg.packageId),
    );
    expect(span.parentSpanId).toBe('');
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.traceId).not.toBe('0'.repeat(32));
  });

  it('traces an API call: the server span continues the caller, with its express route and database spans inside', async () => {
    const pkg = await h.registerPackage();
    const version = await h.uploadVersion(pkg.packageId);
    const installEvent = await h.install(h.installData(pkg.packageId, version.packageVersionId));
    const path = `/v1/onboardings/by-event/${installEvent.id}`;
    const get = (headers: Record<string, string> = {}) =>
      fetch(`${h.service('install-intake').url}${path}`, { headers: { authorization: forwarded('install-intake', ['licenses:read']), ...headers } });
    await eventually('the onboarding to exist', async () => (await get()).status === 200);
    const caller = { trace: hex(16), span: hex(8) };
    expect((await get({ traceparent: `00-${caller.trace}-${caller.span}-01` })).status).toBe(200);

    const { server, db } = await eventually('the request spans', () => {
      const inTrace = received.filter((s) => s.traceId === caller.trace);
      const server = inTrace.find((s) => s.kind === KIND.server);
      const db = inTrace.filter((s) => s.attributes['db.system.name'] === 'mongodb');
      return server && db.length ? { server, db } : undefined;
    });
    expect(server).toMatchObject({ service: 'install-intake', parentSpanId: caller.span, name: 'GET /v1/onboardings/by-event/:eventId' });
    expect(server.attributes).toMatchObject({ 'http.route': '/v1/onboardings/by-event/:eventId', 'http.response.status_code': 200, 'http.request.method': 'GET' });
    const all = allSpans();
    const handler = all.find((s) => s.traceId === caller.trace && s.attributes['express.type'] === 'request_handler');
    expect(handler?.parentSpanId).toBe(server.spanId);
    for (const d of db) expect(ancestry(all, d).chain[0]).toEqual(server);
    expect(db.map((d) => d.name)).toContain('find onboardings');
    // statements without values: no ids or personal data in spans
    expect(db.every((d) => !String(d.attributes['db.query.text']).includes(installEvent.id))).toBe(true);
    // personal data in a query string is redacted from the span
    const lookup = hex(16);
    const contacts = await fetch(`${h.service('lead').url}/v1/contacts?email=grace.hopper%40example.com`, {
      headers: { authorization: forwarded('lead', ['contacts:read']), traceparent: `00-${lookup}-${hex(8)}-01` },
    });
    expect(contacts.status).toBe(200);
    const lookupSpan = await eventually('the contacts lookup span', () => received.find((s) => s.traceId === lookup && s.kind === KIND.server));
    expect(lookupSpan.attributes['url.query']).toBe('email=REDACTED');
    expect(JSON.stringify(received.filter((s) => s.traceId === lookup))).not.toContain('example.com');
    // probes and scrapes are not traced (the services have been probed and scraped by now)
    expect(received.some((s) => /\/(readyz|healthz|metrics)/.test(String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '')))).toBe(false);
  });
});

describe('shutdown', () => {
  it('exports the spans still waiting in the batch when the service stops on SIGTERM', async () => {
    // a batch delay far beyond the test: only the shutdown's flush can export the span
    const lead = await new ServiceProcess('lead', {
      ...h.env,
      // consumer groups outside the harness's ACLs (lead's are <prefix>.lead*): the admin's credentials
      ...kafkaCredentialsEnv('admin', h.env['KAFKA_BROKERS']),
      KAFKA_GROUP_PREFIX: `${h.prefix}-shutdown`,
      OTEL_SERVICE_NAME: 'lead-shutdown',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    }).start();
    const caller = hex(16);
    const res = await fetch(`${lead.url}/v1/team-members/tm-unknown`, { headers: { authorization: forwarded('lead', ['admin']), traceparent: `00-${caller}-${hex(8)}-01` } });
    expect(res.status).toBe(404);
    expect(received.some((s) => s.traceId === caller)).toBe(false);
    expect(await lead.stop()).toBe(0);
    expect(received.find((s) => s.traceId === caller && s.kind === KIND.server)).toMatchObject({ service: 'lead-shutdown', name: 'GET /v1/team-members/:teamMemberId' });
  });
});
