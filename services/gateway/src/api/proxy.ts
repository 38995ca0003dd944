import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation } from '@opentelemetry/api';
import { Pool } from 'undici';
import type { ApiService } from '@lma/api';
import { LmaError } from '@lma/core';

/** Response headers passed back to the caller; everything else stays between gateway and service. */
const RELAYED = ['content-type', 'retry-after', 'location', 'etag', 'cache-control', 'www-authenticate'] as const;

export type UpstreamService = Exclude<ApiService, 'gateway'>;

export interface ForwardRequest {
  service: UpstreamService;
  method: string;
  /** Path and query as the caller sent them, after `/api/v1`. */
  url: string;
  /** The caller's headers, for trace context and `accept`. */
  headers: IncomingHttpHeaders;
  token: string;
  requestId: string;
  /** The JSON body as the caller sent it, after validation (undefined: none). */
  body: string | undefined;
}

export interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export const serviceUnavailable = (service: string, detail: string, cause?: unknown) =>
  new LmaError('retryable', `The ${service} service is unavailable: ${detail}`, { cause, extra: { service } });

/**
 * Calls `<service URL>/v1<path>` over a keep-alive connection pool per service (undici: far less
 * work per call than node:http's client) and returns the answer's status, relevant headers and
 * body. A service that cannot be reached or does not answer in time is a 503 naming it.
 */
export function createProxy(opts: { urls: Record<UpstreamService, string>; timeoutMs: number; connections?: number }) {
  const pools = Object.fromEntries(
    Object.entries(opts.urls).map(([service, url]) => [
      service,
      new Pool(url, { connections: opts.connections ?? 128, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, connectTimeout: Math.min(opts.timeoutMs, 5_000) }),
    ]),
  ) as Record<UpstreamService, Pool>;

  async function forward(r: ForwardRequest): Promise<Upstream> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${r.token}`,
      accept: r.headers.accept ?? 'application/json',
      'x-request-id': r.requestId,
    };
    // the gateway's own span when tracing runs (undici is not instrumented), else the caller's context
    propagation.inject(context.active(), headers);
    const { traceparent, tracestate } = r.headers;
    if (headers['traceparent'] === undefined && typeof traceparent === 'string') {
      headers['traceparent'] = traceparent;
      if (typeof tracestate === 'string') headers['tracestate'] = tracestate;
    }
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    // the precondition of a conditional change, evaluated by the service that holds the revision
    const ifMatch = r.headers['if-match'];
    if (typeof ifMatch === 'string') headers['if-match'] = ifMatch;
    try {
      const answer = await pools[r.service].request({ method: r.method as 'GET', path: `/v1${r.url}`, headers, body: r.body ?? null });
      const body = Buffer.from(await answer.body.arrayBuffer());
      const relayed: Record<string, string> = {};
      for (const h of RELAYED) {
        const v = answer.headers[h];
        if (typeof v === 'string') relayed[h] = v;
      }
      return { status: answer.statusCode, headers: relayed, body };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
      throw serviceUnavailable(r.service, timedOut ? `no answer within ${opts.timeoutMs} ms` : 'it cannot be reached', err);
    }
  }

  return {
    forward,
    async close(): Promise<void> {
      await Promise.all(Object.values(pools).map((p) => p.close()));
    },
  };
}
export type Proxy = ReturnType<typeof createProxy>;
