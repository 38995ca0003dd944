/**
 * OpenTelemetry tracing for a service process. A preload, loaded before the service's own code
 * so the HTTP, express and MongoDB modules are instrumented when they are first required:
 *
 *   node --require @lma/service/dist/tracing.js services/<name>/dist/main.js
 *
 * Configured by the standard environment variables:
 * - export: OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is
 *   set (`OTEL_EXPORTER_OTLP_PROTOCOL` http/protobuf by default, or http/json), nothing
 *   otherwise, or when `OTEL_TRACES_EXPORTER=none`. Spans are still created and trace context is
 *   still propagated through HTTP and Kafka when nothing is exported, so log lines keep their
 *   trace_id/span_id and a downstream service that exports sees one trace.
 * - sampling: `OTEL_TRACES_SAMPLER` (default parentbased_always_on), `OTEL_TRACES_SAMPLER_ARG`.
 * - batching: `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_QUEUE_SIZE`, ...
 * - service name: `OTEL_SERVICE_NAME`, else the `services/<name>/` directory of the entry script.
 * - untraced request paths: `LMA_UNTRACED_PATHS` (below) besides health, readiness and metrics.
 *
 * Kafka spans are made by @lma/kafka (publisher, consumer, outbox relay), not here.
 */
import path from 'node:path';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
// only the lifecycle module: @lma/core's index would load express and mongoose before the SDK
// has installed its instrumentations
import { beforeExit } from '@lma/core/dist/lifecycle';

/**
 * Query parameters whose values never reach a span's `url.query`/`url.full`: personal data
 * (`GET /v1/contacts?email=`, names) besides the SDK's default signature parameters.
 */
const REDACTED_QUERY_PARAMS = ['email', 'name', 'sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

/** Probes and scrapes every few seconds: not worth a trace each. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * `LMA_UNTRACED_PATHS`: more request paths (comma-separated, exact, without the query) that get no
 * server span, e.g. `/v1/license-checks`: the span costs about 22 µs of CPU per check, over a third
 * of a single check's cost (docs/license-api.md); unset, license checks are traced.
 */
const untracedPaths = (env: NodeJS.ProcessEnv): ReadonlySet<string> =>
  new Set([...UNTRACED_PATHS, ...(env['LMA_UNTRACED_PATHS'] ?? '').split(',').map((s) => s.trim()).filter((s) => s.startsWith('/'))]);

/** Keeps the tracer provider (span ids, sampling, context) when nothing is exported. */
const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

function serviceNameOf(entry: string | undefined): string {
  const parts = entry ? path.resolve(entry).split(path.sep) : [];
  const i = parts.lastIndexOf('services');
  return i >= 0 && parts[i + 1] ? parts[i + 1]! : 'lma';
}

function exportsTraces(env: NodeJS.ProcessEnv): boolean {
  if ((env['OTEL_TRACES_EXPORTER'] ?? '').split(',').map((s) => s.trim()).includes('none')) return false;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

function startTracing(env: NodeJS.ProcessEnv = process.env): void {
  // metrics are scraped from /metrics and logs go to stdout: OTLP carries traces only
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const untraced = untracedPaths(env);
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] || serviceNameOf(process.argv[1]),
    // without span processors the SDK would register no tracer provider at all
    ...(exportsTraces(env) ? {} : { spanProcessors: [dropSpans] }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => untraced.has((req.url ?? '').split('?')[0]!),
        // outgoing calls only inside a traced operation (the gateway's proxying, not health probes)
        requireParentforOutgoingSpans: true,
        redactedQueryParams: REDACTED_QUERY_PARAMS,
        redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
      }),
      // the request handler's span (and the route on the server span) only: a span for every
      // middleware (body parser, auth, ...) costs more than it tells on the license-check path
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // statements are recorded with their values replaced by `?` (no personal data in spans);
      // no spans for the relay's scans and the metrics' counts, which run outside any operation
      new MongoDBInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  // a clean stop (libs/core onShutdown) exports the spans still in the batch before exiting
  beforeExit(() => sdk.shutdown());
}

startTracing();
