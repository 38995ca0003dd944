import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { headerString, type HeaderValue, type TraceContext } from '@lma/contracts';

/**
 * Kafka spans and W3C trace context, following the OpenTelemetry messaging semantic conventions
 * (span name `{messaging.operation.name} {destination}`): `send <topic>` (PRODUCER) around a
 * send, `process <topic>` (CONSUMER) around a handler, with `traceparent`/`tracestate` carried
 * in every record's headers. The spans come from the
 * global tracer provider: real ones when the service runs with the @lma/service tracing preload,
 * non-recording ones otherwise (the incoming trace context is then passed on unchanged).
 */
const tracer = trace.getTracer('@lma/kafka');

/** The logical topic (without the test prefix) names the span, so names stay few and stable. */
export const sendSpanName = (topic: string) => `send ${topic}`;
export const processSpanName = (topic: string) => `process ${topic}`;

export function messagingAttributes(a: {
  operation: 'send' | 'process';
  destination: string;
  key?: string | null;
  messageId?: string;
  partition?: number;
  offset?: string;
  group?: string;
}): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': a.operation,
    'messaging.operation.name': a.operation,
    'messaging.destination.name': a.destination,
    ...(a.key != null ? { 'messaging.kafka.message.key': a.key } : {}),
    ...(a.messageId ? { 'messaging.message.id': a.messageId } : {}),
    ...(a.partition !== undefined ? { 'messaging.destination.partition.id': String(a.partition) } : {}),
    ...(a.offset !== undefined ? { 'messaging.kafka.offset': Number(a.offset) } : {}),
    ...(a.group ? { 'messaging.consumer.group.name': a.group } : {}),
  };
}

/** The context a trace context (a record's headers, an outbox entry) continues; the root when absent or malformed. */
export function contextFrom(tc: TraceContext): Context {
  if (!tc.traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent: tc.traceparent, ...(tc.tracestate ? { tracestate: tc.tracestate } : {}) });
}

export function contextFromHeaders(headers: Record<string, HeaderValue> | undefined): Context {
  const traceparent = headerString(headers, 'traceparent');
  const tracestate = headerString(headers, 'tracestate');
  return contextFrom({ ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) });
}

/**
 * The W3C trace context of `ctx`'s span, to write into a record or an outbox entry; `fallback`
 * when there is none to inject (no tracing preload: the caller's context passes on unchanged).
 */
export function traceContextOf(ctx: Context, fallback: TraceContext = {}): TraceContext {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (!carrier['traceparent']) return { ...(fallback.traceparent ? { traceparent: fallback.traceparent } : {}), ...(fallback.tracestate ? { tracestate: fallback.tracestate } : {}) };
  return { traceparent: carrier['traceparent'], ...(carrier['tracestate'] ? { tracestate: carrier['tracestate'] } : {}) };
}

/** The active context when a span is active in it (a handler, an HTTP request), else undefined. */
export function activeSpanContext(): Context | undefined {
  const ctx = context.active();
  const span = trace.getSpan(ctx);
  return span && span.spanContext().traceId ? ctx : undefined;
}

export function startProducerSpan(topic: string, parent: Context, attributes: Attributes): Span {
  return tracer.startSpan(sendSpanName(topic), { kind: SpanKind.PRODUCER, attributes }, parent);
}

export function startConsumerSpan(topic: string, parent: Context, attributes: Attributes): Span {
  return tracer.startSpan(processSpanName(topic), { kind: SpanKind.CONSUMER, attributes }, parent);
}

export function failSpan(span: Span, err: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** trace_id and span_id of the span active in `ctx` (for log lines), when it has a valid one. */
export function traceIdsOf(ctx: Context): { trace_id?: string; span_id?: string } {
  const sc = trace.getSpan(ctx)?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}
