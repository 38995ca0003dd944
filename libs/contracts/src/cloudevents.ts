import { z } from 'zod';
import { randomUUID } from 'node:crypto';

/**
 * CloudEvents 1.0 in Kafka binary content mode: attributes travel as `ce_*` headers,
 * the record value is the JSON `data`. The only place events are encoded or decoded.
 */
export interface CloudEvent<T = unknown> {
  id: string;
  source: string;
  type: string;
  time: string;
  /** URI of the schema of `data` (`ce_dataschema`): set on every event LMA publishes, optional on inbound ones. */
  dataschema?: string;
  data: T;
  /** Kafka record key. */
  key: string | null;
  /** W3C trace context, continued from the record that caused this one. */
  traceparent?: string;
  tracestate?: string;
}

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export interface RawRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}
export interface EncodedRecord {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** A record that does not satisfy the contract; `field` names what is wrong. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export type TraceContext = Pick<CloudEvent, 'traceparent' | 'tracestate'>;

/** The W3C trace context of the record that caused a change, to continue on what it publishes. */
export function traceContext(e: TraceContext): TraceContext {
  return { ...(e.traceparent ? { traceparent: e.traceparent } : {}), ...(e.tracestate ? { tracestate: e.tracestate } : {}) };
}

export function headerString(headers: Record<string, HeaderValue> | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

export function encodeCloudEvent(e: CloudEvent): EncodedRecord {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: e.id,
    ce_source: e.source,
    ce_type: e.type,
    ce_time: e.time,
    'content-type': 'application/json',
  };
  if (e.dataschema) headers['ce_dataschema'] = e.dataschema;
  if (e.traceparent) headers['traceparent'] = e.traceparent;
  if (e.tracestate) headers['tracestate'] = e.tracestate;
  return { key: e.key, value: JSON.stringify(e.data), headers };
}

const Rfc3339 = z.string().datetime({ offset: true });

/** Decodes the envelope; `data` is parsed JSON but not yet validated against its schema. */
export function decodeCloudEvent(record: RawRecord): CloudEvent<unknown> {
  const h = record.headers;
  const spec = headerString(h, 'ce_specversion');
  if (spec === undefined) throw new InvalidEventError('header ce_specversion', 'is missing');
  if (spec !== '1.0') throw new InvalidEventError('header ce_specversion', `must be 1.0, got ${JSON.stringify(spec)}`);
  const id = requiredHeader(h, 'ce_id');
  const source = requiredHeader(h, 'ce_source');
  const type = requiredHeader(h, 'ce_type');
  const time = requiredHeader(h, 'ce_time');
  if (!Rfc3339.safeParse(time).success) throw new InvalidEventError('header ce_time', 'must be an RFC 3339 timestamp');
  const contentType = headerString(h, 'content-type');
  if (contentType === undefined) throw new InvalidEventError('header content-type', 'is missing (expected application/json)');
  if (!/^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i.test(contentType)) {
    throw new InvalidEventError('header content-type', `must be application/json, got ${JSON.stringify(contentType)}`);
  }
  if (record.value === null) throw new InvalidEventError('value', 'is empty (tombstone); expected JSON data');
  const text = Buffer.isBuffer(record.value) ? record.value.toString('utf8') : record.value;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidEventError('value', `is not valid JSON (${(err as Error).message})`);
  }
  const key = record.key === null ? null : Buffer.isBuffer(record.key) ? record.key.toString('utf8') : record.key;
  const dataschema = optionalHeader(h, 'ce_dataschema');
  const traceparent = headerString(h, 'traceparent');
  const tracestate = headerString(h, 'tracestate');
  return { id, source, type, time, ...(dataschema ? { dataschema } : {}), data, key, ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) };
}

function requiredHeader(h: Record<string, HeaderValue> | undefined, name: string): string {
  const v = optionalHeader(h, name);
  if (v === undefined) throw new InvalidEventError(`header ${name}`, 'is missing');
  return v;
}

/** A header that may be absent (the contract, docs/events.md, does not ask the marketplace for it); empty counts as absent. */
function optionalHeader(h: Record<string, HeaderValue> | undefined, name: string): string | undefined {
  const v = headerString(h, name);
  if (v === undefined || v.trim() === '') return undefined;
  if (v.length > 512) throw new InvalidEventError(`header ${name}`, 'is longer than 512 characters');
  return v;
}

/** Validates `data` with its schema; the first issue becomes a field-level error. */
export function parseData<S extends z.ZodTypeAny>(schema: S, data: unknown): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = ['data', ...issue.path].join('.');
  throw new InvalidEventError(path, describeIssue(issue));
}

export function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return 'is required';
  if (issue.code === 'invalid_type') return `must be ${issue.expected}, got ${issue.received}`;
  if (issue.code === 'unrecognized_keys') return `has unknown field(s) ${issue.keys.join(', ')}`;
  return issue.message.replace(/^String must/, 'must').replace(/^Number must/, 'must');
}

export const newEventId = (): string => randomUUID();
