import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { EVENTS, LICENSE_EVENTS_TOPIC, LicenseEventType, LicenseV1, MARKETPLACE_EVENTS_TOPIC, TOPICS, dataschemaOf, eventOf } from '@lma/contracts';
import { ASYNCAPI_PAGE_COMMAND, asyncApiDocument, eventSchema, eventSchemaPath, renderAsyncApiPage } from '../src';

const doc = asyncApiDocument();
const operation = (party: string, action: string, topic: string) => doc.operations[`${party}.${action}.${topic}`];
const typesOf = (party: string, action: string, topic: string) => operation(party, action, topic)?.messages.map((m) => m.$ref.slice(m.$ref.lastIndexOf('/') + 1)).sort();

describe('the AsyncAPI document', () => {
  it('is a valid AsyncAPI 3.0 document (@asyncapi/parser reports no error)', async () => {
    const { document, diagnostics } = await new Parser().parse(structuredClone(doc) as never);
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document!.channels().length).toBe(Object.keys(doc.channels).length);
  }, 60_000);

  it('has every topic of the registry as a channel with its partitions and cleanup policy, and every event type as a message', () => {
    for (const t of TOPICS.values()) expect(doc.channels[t.topic]?.bindings.kafka, t.topic).toMatchObject({ topic: t.topic, partitions: 6 });
    expect(doc.channels[LICENSE_EVENTS_TOPIC]!.bindings.kafka.topicConfiguration).toEqual({ 'cleanup.policy': ['compact'], 'min.compaction.lag.ms': 604_800_000, 'segment.ms': 86_400_000 });
    expect(doc.channels[MARKETPLACE_EVENTS_TOPIC]!.bindings.kafka.topicConfiguration).toEqual({ 'cleanup.policy': ['delete'] });
    expect(Object.keys(doc.components.messages).sort()).toEqual([...EVENTS.keys(), 'dead-letter'].sort());
    expect(asyncApiDocument({ partitions: 12 }).channels[LICENSE_EVENTS_TOPIC]!.bindings.kafka.partitions).toBe(12);
  });

  it('gives every license event its CloudEvents headers, the contract key and the LicenseV1 payload', () => {
    const m = doc.components.messages[LicenseEventType.Uninstalled]!;
    expect(m.headers['required']).toEqual(['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_dataschema', 'content-type']);
    const h = m.headers['properties'] as Record<string, Record<string, unknown>>;
    expect(h['ce_type']!['const']).toBe(LicenseEventType.Uninstalled);
    expect(h['ce_source']!['const']).toBe('lma/license');
    expect(h['ce_dataschema']!['const']).toBe('urn:lma:schema:lma.license.uninstalled:v1');
    expect(Object.keys(h)).toEqual(expect.arrayContaining(['ce_specversion', 'ce_id', 'ce_time', 'content-type', 'traceparent']));
    expect(m.bindings!.kafka.key).toMatchObject({ title: '<packageId>:<subscriberOrgId>', pattern: '^033[A-Za-z0-9]{15}:00D[A-Za-z0-9]{12}$' });
    expect(m.payload).toEqual({ $ref: '#/components/schemas/LicenseV1' });
    const payload = doc.components.schemas['LicenseV1']!;
    expect([...(payload['required'] as string[])].sort()).toEqual(Object.keys(LicenseV1.shape).filter((k) => !LicenseV1.shape[k as keyof typeof LicenseV1.shape].isOptional()).sort());
  });

  it("does not require ce_dataschema of the marketplace's events", () => {
    const h = doc.components.messages['marketplace.package.installed']!.headers;
    expect(h['required']).not.toContain('ce_dataschema');
    expect((h['properties'] as Record<string, Record<string, unknown>>)['ce_source']!['const']).toBeUndefined();
  });

  it('says who sends and who receives each topic', () => {
    expect(typesOf('license', 'send', LICENSE_EVENTS_TOPIC)).toEqual(Object.values(LicenseEventType).sort());
    for (const reader of ['lead', 'notification', 'license']) expect(typesOf(reader, 'receive', LICENSE_EVENTS_TOPIC)).toEqual(Object.values(LicenseEventType).sort());
    expect(operation('marketplace', 'send', MARKETPLACE_EVENTS_TOPIC)).toBeDefined();
    expect(typesOf('refresh', 'receive', MARKETPLACE_EVENTS_TOPIC)).toEqual(['marketplace.installations.snapshot-page']);
    expect(typesOf('install-intake', 'send', 'lma.marketplace.accepted')).toContain('marketplace.package.upgraded');
    expect(typesOf('license', 'receive', 'lma.marketplace.accepted')).not.toContain('marketplace.package.installed');
    expect(operation('notification', 'send', LICENSE_EVENTS_TOPIC)).toBeUndefined();
    expect(operation('lead', 'send', `${LICENSE_EVENTS_TOPIC}.dlq`)).toBeDefined();
  });
});

describe('the published JSON Schemas', () => {
  it('given an event LMA publishes, when its ce_dataschema is followed, then the schema served there has that id and the payload of the AsyncAPI document', () => {
    const e = eventOf(LicenseEventType.Linked, {}, { id: 'x', key: null, time: new Date() });
    const def = EVENTS.get(LicenseEventType.Linked)!;
    expect(eventSchemaPath(def)).toBe('/schemas/lma.license.linked/v1');
    const schema = eventSchema('lma.license.linked', 'v1')!;
    expect(schema['$id']).toBe(e.dataschema);
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    const { title: _t, ...payload } = doc.components.schemas['LicenseV1']!;
    expect(schema).toMatchObject(payload);
  });

  it('given an unknown type or version, when asked, then there is no schema', () => {
    expect(eventSchema('lma.license.linked', 'v2')).toBeUndefined();
    expect(eventSchema('lma.license.renamed', 'v1')).toBeUndefined();
    expect(eventSchema('marketplace.package.installed', 'v1')!['$id']).toBe(dataschemaOf(EVENTS.get('marketplace.package.installed')!));
  });
});

describe('docs/asyncapi.md', () => {
  it(`is the page rendered from the document (run \`${ASYNCAPI_PAGE_COMMAND}\` when this fails)`, () => {
    const committed = readFileSync(path.resolve(__dirname, '../../../docs/asyncapi.md'), 'utf8');
    expect(committed).toBe(renderAsyncApiPage(doc));
  });

  it('names every topic and every event type', () => {
    const page = renderAsyncApiPage(doc);
    for (const t of TOPICS.keys()) expect(page).toContain(`### ${t}`);
    for (const type of EVENTS.keys()) expect(page).toContain(`\`${type}\``);
  });
});
