import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { metricType } from '../src/consumer';
import { toOutboxItem } from '../src/outbox';
import { contextFrom, messagingAttributes, startConsumerSpan, startProducerSpan, traceContextOf } from '../src/tracing';
import type { OutgoingEvent } from '../src/publisher';

const exporter = new InMemorySpanExporter();
const upstream = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const event: OutgoingEvent = {
  topic: 'lma.license.events',
  id: 'e-1',
  source: 'lma/license',
  type: 'lma.license.created',
  time: '2026-02-10T08:30:00.000Z',
  key: 'p:o',
  data: {},
  traceparent: upstream,
};

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('metric type label', () => {
  it('given a type the contracts define, then it is the label; given a made-up or missing one, then unknown', () => {
    expect(metricType('lma.license.created')).toBe('lma.license.created');
    expect(metricType('marketplace.package.installed')).toBe('marketplace.package.installed');
    expect(metricType('lma.lead.created')).toBe('lma.lead.created');
    expect(metricType('lma.onboarding.failed')).toBe('lma.onboarding.failed');
    expect(metricType('made.up.type')).toBe('unknown');
    expect(metricType(undefined)).toBe('unknown');
  });
});

describe('Kafka spans (OpenTelemetry messaging conventions)', () => {
  it('given a record sent, then its span is `send <topic>`, a PRODUCER span whose operation is send', () => {
    exporter.reset();
    startProducerSpan('lma.license.events', ROOT_CONTEXT, messagingAttributes({ operation: 'send', destination: 'test.lma.license.events', key: 'p:o', messageId: 'e-1' })).end();
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('send lma.license.events');
    expect(span!.kind).toBe(SpanKind.PRODUCER);
    expect(span!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'test.lma.license.events',
      'messaging.kafka.message.key': 'p:o',
      'messaging.message.id': 'e-1',
    });
  });

  it('given a record handled, then its span is `process <topic>`, a CONSUMER span with the partition, offset and group', () => {
    exporter.reset();
    const attributes = messagingAttributes({ operation: 'process', destination: 'test.lma.license.events', key: null, messageId: 'e-1', partition: 2, offset: '41', group: 'lma.lead' });
    startConsumerSpan('lma.license.events', ROOT_CONTEXT, attributes).end();
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('process lma.license.events');
    expect(span!.kind).toBe(SpanKind.CONSUMER);
    expect(span!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'test.lma.license.events',
      'messaging.message.id': 'e-1',
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
      'messaging.consumer.group.name': 'lma.lead',
    });
  });
});

describe('outbox trace context', () => {
  it('given a span active at the write, when the event is stored, then the entry continues that span (the relay publishes as its child)', () => {
    const span = trace.getTracer('test').startSpan('process lma.license.commands', {}, contextFrom({ traceparent: upstream }));
    const item = context.with(trace.setSpan(context.active(), span), () => toOutboxItem(event));
    expect(item.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`);
    span.end();
  });

  it('given no active span (a timer), when the event is stored, then the event keeps its own trace context', () => {
    expect(toOutboxItem(event).traceparent).toBe(upstream);
    const { traceparent: _ignored, ...untraced } = event;
    expect(toOutboxItem(untraced).traceparent).toBeUndefined();
  });

  it('given a malformed traceparent, then nothing is continued (a new trace starts)', () => {
    expect(trace.getSpan(contextFrom({ traceparent: '00-zz-00-01' }))).toBeUndefined();
    expect(traceContextOf(contextFrom({ traceparent: '00-zz-00-01' }))).toEqual({});
  });
});
