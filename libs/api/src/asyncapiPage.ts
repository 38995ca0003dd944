import type { AsyncApiChannel, AsyncApiDocument, AsyncApiMessage } from './asyncapi';

type JsonSchema = Record<string, unknown>;

/** The command that writes the page, named on it and by the test that finds it stale. */
export const ASYNCAPI_PAGE_COMMAND = 'npm run docs:asyncapi';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string): string => `\`${s}\``;
const table = (head: string[], rows: string[][]): string => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  notes: string[];
}

const props = (s: JsonSchema) => (s['properties'] ?? {}) as Record<string, JsonSchema>;
const variants = (s: JsonSchema) => (s['anyOf'] as JsonSchema[] | undefined) ?? [];
const isNull = (s: JsonSchema) => s['type'] === 'null';

function typeOf(s: JsonSchema): string {
  if (s['const'] !== undefined) return JSON.stringify(s['const']);
  if (Array.isArray(s['enum'])) return `one of ${(s['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const anyOf = variants(s);
  if (anyOf.length) {
    const kinds = anyOf.filter((v) => !isNull(v)).map(typeOf);
    return `${[...new Set(kinds)].join(' or ')}${anyOf.some(isNull) ? ' or null' : ''}`;
  }
  if (Array.isArray(s['type'])) return (s['type'] as string[]).join(' or ');
  if (s['type'] === 'array') return `array of ${typeOf((s['items'] ?? {}) as JsonSchema)}`;
  if (s['type'] === 'string' && s['format'] === 'date-time') return 'timestamp';
  if (s['type'] === 'string' && typeof s['format'] === 'string') return `string (${s['format']})`;
  return (s['type'] as string | undefined) ?? 'any';
}

function notesOf(s: JsonSchema): string[] {
  const inner = variants(s).find((v) => !isNull(v)) ?? s;
  const n: string[] = [];
  if (typeof inner['pattern'] === 'string') n.push(`pattern ${code(inner['pattern'])}`);
  for (const [k, label] of [['minimum', '≥'], ['maximum', '≤'], ['minLength', 'length ≥'], ['maxLength', 'length ≤'], ['minItems', 'items ≥'], ['maxItems', 'items ≤']] as const) {
    if (typeof inner[k] === 'number') n.push(`${label} ${String(inner[k])}`);
  }
  if (typeof s['description'] === 'string') n.push(s['description']);
  return n;
}

/** The object a field's schema holds, through arrays and nullability (for its nested fields). */
function objectsIn(s: JsonSchema, path: string): { path: string; schema: JsonSchema }[] {
  if (s['type'] === 'object' && s['properties']) return [{ path, schema: s }];
  if (s['type'] === 'array') return objectsIn((s['items'] ?? {}) as JsonSchema, `${path}[]`);
  const objects = variants(s).filter((v) => v['type'] === 'object' && v['properties']);
  if (objects.length === 1) return [{ path, schema: objects[0]! }];
  return objects.map((o) => ({ path, schema: o }));
}

/** The fields of an object schema, nested ones by dotted path; variants of a union by the field that tells them apart. */
function fieldRows(s: JsonSchema, prefix = '', condition?: string): FieldRow[] {
  const required = new Set((s['required'] as string[] | undefined) ?? []);
  return Object.entries(props(s)).flatMap(([name, f]) => {
    const path = `${prefix}${name}`;
    const row: FieldRow = { path, type: typeOf(f), required: required.has(name), notes: [...(condition ? [condition] : []), ...notesOf(f)] };
    const nested = objectsIn(f, path);
    if (nested.length <= 1) return [row, ...nested.flatMap((o) => fieldRows(o.schema, `${o.path}.`, condition))];
    const tag = Object.keys(props(nested[0]!.schema)).find((k) => nested.every((o) => props(o.schema)[k]?.['const'] !== undefined));
    if (!tag) return [row, ...nested.flatMap((o) => fieldRows(o.schema, `${o.path}.`, condition))];
    const valueOf = (o: { schema: JsonSchema }) => JSON.stringify(props(o.schema)[tag]!['const']);
    const tagRow: FieldRow = { path: `${nested[0]!.path}.${tag}`, type: `one of ${nested.map(valueOf).join(', ')}`, required: true, notes: condition ? [condition] : [] };
    return [row, tagRow, ...nested.flatMap((o) => fieldRows(o.schema, `${o.path}.`, `when ${tag} is ${valueOf(o)}`).filter((r) => r.path !== tagRow.path))];
  });
}

const messageName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);
const partiesOf = (doc: AsyncApiDocument, topic: string, action: 'send' | 'receive', message?: string): string[] =>
  Object.values(doc.operations)
    .filter((o) => o.channel.$ref === `#/channels/${topic}` && o.action === action && (!message || o.messages.some((m) => messageName(m.$ref) === message)))
    .map((o) => o['x-party']);

const keyOf = (m: AsyncApiMessage): string => String(m.bindings?.kafka.key['title'] ?? '');

function topicConfig(c: AsyncApiChannel): string {
  return Object.entries(c.bindings.kafka.topicConfiguration)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(', ');
}

function headersSection(doc: AsyncApiDocument): string {
  const sample = Object.values(doc.components.messages).find((m) => (m.headers['required'] as string[]).includes('ce_dataschema'))!;
  const required = new Set(sample.headers['required'] as string[]);
  const rows = Object.entries(props(sample.headers)).map(([name, h]) => {
    const value = name === 'ce_type' ? 'the event type' : name === 'ce_source' ? 'the sender, `lma/<service>`' : name === 'ce_dataschema' ? '`urn:lma:schema:<type>:v<version>`' : typeOf(h);
    const notes = name === 'ce_dataschema' ? ['the JSON Schema of the data, served at `/api/v1/schemas/<type>/v<version>`; optional on what the marketplace sends'] : notesOf(h);
    return [code(name), required.has(name) ? 'yes' : 'no', cell(value), cell(notes.join('; '))];
  });
  return table(['header', 'required', 'value', 'notes'], rows);
}

/**
 * The AsyncAPI document as a Markdown page (docs/asyncapi.md): topics, their messages, who sends
 * and receives them, the headers, and the fields of every payload.
 */
export function renderAsyncApiPage(doc: AsyncApiDocument): string {
  const info = doc['info'] as { title: string; version: string; description: string };
  const channels = Object.values(doc.channels);
  const live = channels.filter((c) => !c.address.endsWith('.dlq'));
  const dlqs = channels.filter((c) => c.address.endsWith('.dlq'));
  const out: string[] = [
    `# ${info.title} (AsyncAPI ${doc.asyncapi}, version ${info.version})`,
    '',
    `Generated from the AsyncAPI document that the gateway serves at \`GET /api/v1/asyncapi.json\` (no credentials needed), itself generated from the contracts registry (\`libs/contracts/src/registry.ts\`); \`${ASYNCAPI_PAGE_COMMAND}\` writes this page again and a unit test fails when it is stale. The contract in prose: [events.md](events.md).`,
    '',
    info.description,
    '',
    '## Headers',
    '',
    'Every record is a CloudEvents 1.0 event in binary content mode: the attributes are headers, the value is the JSON `data`.',
    '',
    headersSection(doc),
    '',
    '## Topics',
    '',
    `Partitions: ${String(live[0]?.bindings.kafka.partitions)} (\`KAFKA_TOPIC_PARTITIONS\`). Every topic a service consumes has a dead-letter sibling \`<topic>.dlq\` (see the end of this page).`,
    '',
    table(
      ['topic', 'configuration', 'sent by', 'received by'],
      live.map((c) => [code(c.address), cell(topicConfig(c)), partiesOf(doc, c.address, 'send').join(', '), partiesOf(doc, c.address, 'receive').join(', ') || '(outside LMA)']),
    ),
  ];

  for (const c of live) {
    out.push('', `### ${c.address}`, '', c.description, '');
    out.push(
      table(
        ['`ce_type`', 'data', 'key', 'sent by', 'received by', 'what happened'],
        Object.values(c.messages).map(({ $ref }) => {
          const m = doc.components.messages[messageName($ref)]!;
          const payload = messageName((m.payload as { $ref: string }).$ref);
          return [
            code(m.name),
            `[${payload}](#${payload.toLowerCase()})`,
            code(keyOf(m)),
            partiesOf(doc, c.address, 'send', m.name).join(', '),
            partiesOf(doc, c.address, 'receive', m.name).join(', ') || '(outside LMA)',
            cell(m.summary),
          ];
        }),
      ),
    );
  }

  out.push('', '## Payloads', '', "The `data` of each event type. Objects may carry fields not listed here (added later): readers ignore what they do not know.");
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    const types = Object.values(doc.components.messages)
      .filter((m) => (m.payload as { $ref?: string }).$ref === `#/components/schemas/${name}`)
      .map((m) => code(m.name));
    out.push('', `### ${name}`, '', `Data of ${types.join(', ')}.`, '');
    out.push(table(['field', 'type', 'required', 'notes'], fieldRows(schema).map((r) => [code(r.path), cell(r.type), r.required ? 'yes' : 'no', cell(r.notes.join('; '))])));
  }

  const dead = doc.components.messages['dead-letter'];
  if (dead && dlqs.length) {
    out.push('', '## Dead-letter topics', '', `${dead.summary} ${dead.description ?? ''}`, '');
    out.push(table(['header', 'notes'], Object.entries(props(dead.headers)).map(([h, s]) => [code(h), cell(String(s['description'] ?? ''))])));
    out.push('', table(['topic', 'written by'], dlqs.map((c) => [code(c.address), partiesOf(doc, c.address, 'send').join(', ')])));
  }
  return `${out.join('\n')}\n`;
}
