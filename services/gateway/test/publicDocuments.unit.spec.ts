import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes, asyncApiDocument, openApiDocument } from '@lma/api';
import { UnauthenticatedError, createLogger } from '@lma/core';
import { API_PREFIX, createApp, type GatewayDeps } from '../src/app';
import { RateLimiter } from '../src/domain/rateLimiter';

/** The documents anyone may read: the AsyncAPI document and the event schemas, without credentials. */
let server: Server;
let base: string;

beforeAll(async () => {
  const routes = allRoutes();
  const deps: GatewayDeps = {
    routes,
    openapi: openApiDocument(routes),
    asyncapi: asyncApiDocument({ partitions: 3 }),
    authenticate: () => Promise.reject(new UnauthenticatedError('credentials required')),
    limiter: new RateLimiter({ default: { ratePerSecond: 100, burst: 100 }, check: { ratePerSecond: 100, burst: 100 } }, Date.now),
    addresses: new RateLimiter({ unauthenticated: { ratePerSecond: 100, burst: 100 } }, Date.now),
    proxy: { forward: () => Promise.reject(new Error('no service here')), close: () => Promise.resolve() } as unknown as GatewayDeps['proxy'],
    keys: {} as GatewayDeps['keys'],
    logger: createLogger('gateway-test', 'silent'),
  };
  const api = createApp(deps);
  server = createServer((req, res) => api(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${API_PREFIX}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('public documents of the gateway', () => {
  it('given no credentials, when the AsyncAPI document is asked for, then it is served as the registry generates it', async () => {
    const res = await fetch(`${base}/asyncapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as ReturnType<typeof asyncApiDocument>;
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels['lma.license.events']!.bindings.kafka.partitions).toBe(3);
  });

  it("given no credentials, when an event's ce_dataschema is followed at /schemas, then its JSON Schema is served; an unknown one is 404", async () => {
    const res = await fetch(`${base}/schemas/lma.license.deleted/v1`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, unknown>)['$id']).toBe('urn:lma:schema:lma.license.deleted:v1');
    expect((await fetch(`${base}/schemas/lma.license.deleted/v2`)).status).toBe(404);
    expect((await fetch(`${base}/schemas/lma.license.renamed/v1`)).status).toBe(404);
    expect((await fetch(`${base}/schemas/Not%20A%20Type/v1`)).status).toBe(400);
  });

  it('given no credentials, when anything else is asked for, then it is refused with 401', async () => {
    expect((await fetch(`${base}/openapi.json`)).status).toBe(401);
    expect((await fetch(`${base}/licenses`)).status).toBe(401);
    expect((await fetch(`${base}/no-such-thing`)).status).toBe(401);
  });

  it('declares both operations public in the OpenAPI document: no security, no 401 or 403', () => {
    const doc = openApiDocument(allRoutes());
    for (const path of ['/asyncapi.json', '/schemas/{eventType}/{version}']) {
      const op = doc.paths[path]!['get'] as Record<string, unknown>;
      expect(op['security'], path).toEqual([]);
      expect(Object.keys(op['responses'] as object), path).not.toContain('401');
      expect(Object.keys(op['responses'] as object), path).not.toContain('403');
    }
  });
});
