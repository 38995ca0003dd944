import { zodToJsonSchema } from 'zod-to-json-schema';
import {
  EVENTS,
  LMA_SERVICES,
  RecordKeys,
  TOPICS,
  dataschemaOf,
  dlqTopic,
  type EventDefinition,
  type EventRoute,
  type Party,
  type TopicDefinition,
} from '@lma/contracts';

type JsonSchema = Record<string, unknown>;
export type AsyncApiDocument = Record<string, unknown> & {
  asyncapi: string;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, AsyncApiOperation>;
  components: { messages: Record<string, AsyncApiMessage>; schemas: Record<string, JsonSchema> };
};
export interface AsyncApiChannel {
  address: string;
  title: string;
  description: string;
  messages: Record<string, { $ref: string }>;
  bindings: { kafka: { topic: string; partitions: number; topicConfiguration: Record<string, unknown>; bindingVersion: string } };
}
export interface AsyncApiOperation {
  action: 'send' | 'receive';
  title: string;
  channel: { $ref: string };
  messages: { $ref: string }[];
  'x-party': Party;
}
export interface AsyncApiMessage {
  name: string;
  title: string;
  summary: string;
  description?: string;
  contentType: string;
  headers: JsonSchema;
  payload: JsonSchema;
  bindings?: { kafka: { key: JsonSchema; bindingVersion: string } };
}

const KAFKA_BINDING = '0.5.0';
/** `KAFKA_TOPIC_PARTITIONS` when it is not set: what the services create topics with. */
const DEFAULT_PARTITIONS = 6;

/**
 * JSON Schema (draft-07) of an event's data, inlined. Readers ignore fields they do not know (zod
 * strips them), so objects allow additional properties: a field added later breaks no consumer.
 */
const jsonSchemaOf = (d: EventDefinition): JsonSchema => {
  const s = zodToJsonSchema(d.data.schema, { target: 'jsonSchema7', $refStrategy: 'none', effectStrategy: 'input', removeAdditionalStrategy: 'strict' }) as JsonSchema;
  delete s['$schema'];
  return s;
};

/** Where the gateway serves the JSON Schema of an event type's data, under `/api/v1`. */
export const eventSchemaPath = (d: Pick<EventDefinition, 'type' | 'data'>): string => `/schemas/${d.type}/v${d.data.version}`;

/**
 * The published JSON Schema of the data of one event type and version: what `ce_dataschema`
 * names (its `$id`) and the gateway serves at `eventSchemaPath`. Undefined for an unknown one.
 */
export function eventSchema(type: string, version: string): JsonSchema | undefined {
  const d = EVENTS.get(type);
  if (!d || version !== `v${d.data.version}`) return undefined;
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: dataschemaOf(d), title: d.data.name, description: d.summary, ...jsonSchemaOf(d) };
}

const lmaSends = (d: EventDefinition): boolean => d.routes[0]!.sender !== 'marketplace';

/** The CloudEvents binary-mode headers of a message (CONTRACT.md, "Wire format"). */
function headersOf(d: EventDefinition): JsonSchema {
  const ours = lmaSends(d);
  const source = d.routes[0]!.source;
  return {
    type: 'object',
    required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', ...(ours ? ['ce_dataschema'] : []), 'content-type'],
    properties: {
      ce_specversion: { type: 'string', const: '1.0' },
      ce_id: {
        type: 'string',
        description: 'Unique per event from its source. Delivery is at-least-once: the same ce_id may arrive again and must have the effect of one.',
      },
      ce_source: source ? { type: 'string', const: source } : { type: 'string', description: "The marketplace's source, kept as it is where LMA passes the event on." },
      ce_type: { type: 'string', const: d.type },
      ce_time: { type: 'string', format: 'date-time', description: 'RFC 3339.' },
      ce_dataschema: ours
        ? { type: 'string', format: 'uri', const: dataschemaOf(d), description: `The JSON Schema of the data, served at /api/v1${eventSchemaPath(d)}.` }
        : { type: 'string', format: 'uri', description: 'Optional on what the marketplace sends; kept where LMA passes it on.' },
      'content-type': { type: 'string', const: 'application/json' },
      traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$', description: 'W3C trace context: continued on every event this one causes, never dropped.' },
      tracestate: { type: 'string', description: 'W3C trace state, continued with traceparent.' },
    },
  };
}

function messageOf(d: EventDefinition): AsyncApiMessage {
  const key = RecordKeys[d.key];
  return {
    name: d.type,
    title: d.type,
    summary: d.summary,
    description: `data: ${d.data.name} (version ${d.data.version}). Record key \`${key.format}\`.`,
    contentType: 'application/json',
    headers: headersOf(d),
    payload: { $ref: `#/components/schemas/${d.data.name}` },
    bindings: { kafka: { key: { type: 'string', title: key.format, description: key.description, ...('pattern' in key ? { pattern: key.pattern } : {}) }, bindingVersion: KAFKA_BINDING } },
  };
}

/** A dead-lettered record: the original key, value and headers plus why it was given up. */
const DEAD_LETTER: AsyncApiMessage = {
  name: 'dead-letter',
  title: 'Dead-lettered record',
  summary: 'A record a consumer could not handle: invalid, or failed after its retries.',
  description: 'The original key, value and headers, plus the lma_dlq_* headers. The consumer moves on after writing it.',
  contentType: 'application/json',
  headers: {
    type: 'object',
    required: ['lma_dlq_reason', 'lma_dlq_topic', 'lma_dlq_partition', 'lma_dlq_offset', 'lma_dlq_consumer_group'],
    properties: {
      lma_dlq_reason: { type: 'string', description: 'Why, naming the field where one is wrong (`data.subscriberOrgId: must be 15 alphanumeric characters starting with 00D`).' },
      lma_dlq_field: { type: 'string', description: 'The invalid field, when one is.' },
      lma_dlq_topic: { type: 'string' },
      lma_dlq_partition: { type: 'string' },
      lma_dlq_offset: { type: 'string' },
      lma_dlq_consumer_group: { type: 'string' },
    },
    additionalProperties: { type: 'string', description: "The original record's headers." },
  },
  payload: { description: "The original record's value, as it was." },
};

function topicConfiguration(t: Pick<TopicDefinition, 'config'>): Record<string, unknown> {
  const { 'cleanup.policy': policy = 'delete', ...rest } = t.config;
  return {
    'cleanup.policy': policy.split(','),
    ...Object.fromEntries(Object.entries(rest).map(([name, value]) => [name, /^-?\d+$/.test(value) ? Number(value) : value])),
  };
}

const channelRef = (topic: string) => ({ $ref: `#/channels/${topic}` });
const messageRef = (topic: string, type: string) => ({ $ref: `#/channels/${topic}/messages/${type}` });

/**
 * The AsyncAPI 3.0 document of LMA's Kafka topics, generated from the contracts registry: every
 * topic a channel (its partitions and cleanup policy as Kafka bindings), every event type a
 * message (CloudEvents headers, record key, payload schema), and what each party sends and
 * receives as operations.
 */
export function asyncApiDocument(opts: { version?: string; partitions?: number } = {}): AsyncApiDocument {
  const { version = '1.0.0', partitions = DEFAULT_PARTITIONS } = opts;
  const defs = [...EVENTS.values()];
  const routes = defs.flatMap((d) => d.routes.map((r) => ({ d, r })));
  const channels: Record<string, AsyncApiChannel> = {};
  const operations: Record<string, AsyncApiOperation> = {};
  const kafka = (topic: string, config: Pick<TopicDefinition, 'config'>) => ({ kafka: { topic, partitions, topicConfiguration: topicConfiguration(config), bindingVersion: KAFKA_BINDING } });

  for (const t of TOPICS.values()) {
    const on = routes.filter(({ r }) => r.topic === t.topic);
    channels[t.topic] = {
      address: t.topic,
      title: t.topic,
      description: t.description,
      messages: Object.fromEntries(on.map(({ d }) => [d.type, { $ref: `#/components/messages/${d.type}` }])),
      bindings: kafka(t.topic, t),
    };
    const parties = (pick: (r: EventRoute) => readonly Party[]) => [...new Set(on.flatMap(({ r }) => pick(r)))];
    for (const [action, party] of [...parties((r) => [r.sender]).map((p) => ['send', p] as const), ...parties((r) => r.receivers).map((p) => ['receive', p] as const)]) {
      const types = on.filter(({ r }) => (action === 'send' ? r.sender === party : r.receivers.includes(party))).map(({ d }) => d.type);
      operations[`${party}.${action}.${t.topic}`] = {
        action,
        title: `${party} ${action === 'send' ? 'sends to' : 'receives from'} ${t.topic}`,
        channel: channelRef(t.topic),
        messages: types.map((type) => messageRef(t.topic, type)),
        'x-party': party,
      };
    }
  }

  // what LMA's services receive, they dead-letter when they cannot handle it
  const consumed = new Map<string, Set<Party>>();
  for (const { r } of routes) for (const p of r.receivers) if ((LMA_SERVICES as readonly Party[]).includes(p)) consumed.set(r.topic, (consumed.get(r.topic) ?? new Set()).add(p));
  for (const [topic, services] of consumed) {
    const dlq = dlqTopic(topic);
    channels[dlq] = {
      address: dlq,
      title: dlq,
      description: `Records of ${topic} its consumers gave up on, with the reason: for operators, nothing consumes them.`,
      messages: { 'dead-letter': { $ref: '#/components/messages/dead-letter' } },
      bindings: kafka(dlq, { config: {} }),
    };
    for (const party of services) {
      operations[`${party}.send.${dlq}`] = { action: 'send', title: `${party} sends to ${dlq}`, channel: channelRef(dlq), messages: [messageRef(dlq, 'dead-letter')], 'x-party': party };
    }
  }

  const schemas: Record<string, JsonSchema> = {};
  for (const d of defs) schemas[d.data.name] ??= { title: d.data.name, ...jsonSchemaOf(d) };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'LMA events',
      version,
      description:
        'The Kafka topics of LMA: what the marketplace publishes, what LMA publishes (`lma.license.events` for systems outside LMA) and the internal topics between its services. ' +
        'Every record is a CloudEvents 1.0 event in binary content mode: `ce_*` headers, the JSON `data` as the value. Order holds per record key only.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages: { ...Object.fromEntries(defs.map((d) => [d.type, messageOf(d)])), 'dead-letter': DEAD_LETTER }, schemas },
  };
}
