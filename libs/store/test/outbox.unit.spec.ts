import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { contextFrom, type OutgoingEvent } from '@lma/kafka';
import { fromOutboxItem, toOutboxItem } from '../src/outbox';

const upstream = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const event: OutgoingEvent = {
  topic: 'lma.license.events',
  id: 'e-1',
  source: 'lma/license',
  type: 'lma.license.created',
  time: '2026-02-10T08:30:00.000Z',
  key: 'p:o',
  data: { licenseId: 'L1', seats: 5 },
  traceparent: upstream,
};

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('outbox trace context', () => {
  it('given a span active at the write, when the event is stored, then the entry continues that span (the relay publishes as its child)', () => {
    const span = trace.getTracer('test').startSpan('process lma.license.commands', {}, contextFrom({ traceparent: upstream }));
    const item = context.with(trace.setSpan(context.active(), span), () => toOutboxItem(event, 1));
    expect(item.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`);
    span.end();
  });

  it('given no active span (a timer), when the event is stored, then the event keeps its own trace context', () => {
    expect(toOutboxItem(event, 1).traceparent).toBe(upstream);
    const { traceparent: _ignored, ...untraced } = event;
    expect(toOutboxItem(untraced, 1).traceparent).toBeUndefined();
  });

  it('given an event, when stored and read back, then it is published with its data as written and the version that wrote it', () => {
    const item = toOutboxItem(event, 7);
    expect(item.v).toBe(7);
    const out = fromOutboxItem(item);
    expect(out.encodedData).toBe('{"licenseId":"L1","seats":5}');
    expect(out).toMatchObject({ id: 'e-1', topic: 'lma.license.events', key: 'p:o', type: 'lma.license.created' });
  });

  it('given an event with a dataschema, when stored and read back, then it is published with it', () => {
    const dataschema = 'urn:lma:schema:lma.license.created:v1';
    expect(fromOutboxItem(toOutboxItem({ ...event, dataschema }, 1)).dataschema).toBe(dataschema);
    expect(fromOutboxItem(toOutboxItem(event, 1))).not.toHaveProperty('dataschema');
  });
});
