import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { metricType } from '../src/consumer';
import { contextFrom, messagingAttributes, startConsumerSpan, startProducerSpan, traceContextOf } from '../src/tracing';

const exporter = new InMemorySpanExporter();

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

describe('trace context', () => {
  it('given a malformed traceparent, then nothing is continued (a new trace starts)', () => {
    expect(trace.getSpan(contextFrom({ traceparent: '00-zz-00-01' }))).toBeUndefined();
    expect(traceContextOf(contextFrom({ traceparent: '00-zz-00-01' }))).toEqual({});
  });
});
