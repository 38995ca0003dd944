import type { OutgoingEvent } from '@lma/kafka';
import { activeSpanContext, traceContextOf } from '@lma/kafka';

/**
 * An event waiting in its aggregate's document (the embedded outbox), written in the same
 * document write as the change that raised it. `v` is the aggregate version that wrote it: the
 * relay publishes the events of a version, then removes that version's claim (store.ts).
 */
export interface OutboxItem {
  v: number;
  id: string;
  topic: string;
  type: string;
  source: string;
  time: string;
  key: string | null;
  dataschema?: string;
  /** JSON text of `data`: stored verbatim so BSON never reorders or rewrites it. */
  data: string;
  traceparent?: string;
  tracestate?: string;
}

/**
 * An event as stored. Its trace context is the span active at the write (the handler's process
 * span, the HTTP request), so the relay's later send span is a child of the operation that
 * wrote it; the event's own context when no span is active (a timer, a sweeper).
 */
export function toOutboxItem(e: OutgoingEvent, v: number): OutboxItem {
  const active = activeSpanContext();
  const tc = active ? traceContextOf(active, e) : e;
  return {
    v,
    id: e.id,
    topic: e.topic,
    type: e.type,
    source: e.source,
    time: e.time,
    key: e.key,
    ...(e.dataschema ? { dataschema: e.dataschema } : {}),
    data: e.encodedData ?? JSON.stringify(e.data),
    ...(tc.traceparent ? { traceparent: tc.traceparent } : {}),
    ...(tc.tracestate ? { tracestate: tc.tracestate } : {}),
  };
}

export function fromOutboxItem(i: OutboxItem): OutgoingEvent {
  return {
    id: i.id,
    topic: i.topic,
    type: i.type,
    source: i.source,
    time: i.time,
    key: i.key,
    ...(i.dataschema ? { dataschema: i.dataschema } : {}),
    data: undefined,
    // stored as JSON already: published as stored, never parsed and written again
    encodedData: i.data,
    ...(i.traceparent ? { traceparent: i.traceparent } : {}),
    ...(i.tracestate ? { tracestate: i.tracestate } : {}),
  };
}
