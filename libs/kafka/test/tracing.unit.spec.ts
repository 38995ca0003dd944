import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { metricType } from '../src/consumer';
import { toOutboxItem } from '../src/outbox';
import { contextFrom, traceContextOf } from '../src/tracing';
import type { OutgoingEvent } from '../src/publisher';

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
  trace.setGlobalTracerProvider(new BasicTracerProvider());
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

describe('outbox trace context', () => {
  it('given a span active at the write, when the event is stored, then the entry continues that span (the relay publishes as its child)', () => {
    const span = trace.getTracer('test').startSpan('lma.license.commands process', {}, contextFrom({ traceparent: upstream }));
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
