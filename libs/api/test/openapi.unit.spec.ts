import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allRoutes, defineRoute, openApiDocument } from '../src';

type Operation = {
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
  'x-permission': string;
};
const op = (doc: ReturnType<typeof openApiDocument>, path: string, method: string) => doc.paths[path]?.[method] as Operation | undefined;

describe('the OpenAPI document of allRoutes()', () => {
  const routes = allRoutes();
  const doc = openApiDocument(routes);

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('has every route with its parameters, body, permission and problem responses', () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      const o = op(doc, r.path, r.method);
      expect(o, `${r.method} ${r.path}`).toBeDefined();
      const names = (o!.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
      const expected = [...Object.keys(r.params?.shape ?? {}).map((n) => `path:${n}`), ...Object.keys(r.query?.shape ?? {}).map((n) => `query:${n}`)].sort();
      expect(names, r.operationId).toEqual(expected);
      expect(!!o!.requestBody, r.operationId).toBe(!!r.body);
      expect(o!['x-permission']).toBe(r.permission);
      expect(o!.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
      if (r.permission !== 'authenticated') expect(o!.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
      for (const status of Object.keys(r.responses)) expect(o!.responses[status], `${r.operationId} ${status}`).toBeDefined();
    }
  });
});

describe('openApiDocument', () => {
  const route = defineRoute({
    operationId: 'listThings',
    method: 'get',
    path: '/things/{thingId}/parts',
    service: 'license',
    permission: 'packages:read',
    summary: 'Parts',
    tags: ['Things'],
    params: z.object({ thingId: z.string().regex(/^t[0-9]+$/) }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), status: z.enum(['a', 'b']).optional() }),
    responses: { 200: { description: 'ok', schema: z.object({ items: z.array(z.string()), nextCursor: z.string().nullable() }) } },
  });
  const create = defineRoute({
    operationId: 'createThing',
    method: 'post',
    path: '/things',
    service: 'license',
    permission: 'packages:edit',
    summary: 'Create',
    tags: ['Things'],
    body: z.object({ name: z.string().max(10), size: z.number().int().min(1) }),
    responses: { 201: { description: 'created', schema: z.object({ id: z.string() }) } },
  });
  const doc = openApiDocument([route, create]);

  it('turns path and query schemas into parameters with their constraints and defaults', () => {
    const params = op(doc, '/things/{thingId}/parts', 'get')!.parameters!;
    expect(params).toEqual([
      { name: 'thingId', in: 'path', required: true, schema: { type: 'string', pattern: '^t[0-9]+$' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['a', 'b'] } },
    ]);
  });

  it('documents the request body, the success response and the problem+json errors', () => {
    const o = op(doc, '/things', 'post')!;
    expect(o.requestBody!.content['application/json']!.schema).toMatchObject({
      type: 'object',
      required: ['name', 'size'],
      properties: { name: { type: 'string', maxLength: 10 }, size: { type: 'integer', minimum: 1 } },
    });
    expect(Object.keys(o.responses).sort()).toEqual(['201', '400', '401', '403', '413', '429', '503']);
    expect((doc['components'] as { schemas: { Problem: { required: string[] } } }).schemas.Problem.required).toEqual(['type', 'title', 'status']);
    expect(Object.keys((doc['components'] as { securitySchemes: object }).securitySchemes)).toEqual(['bearerAuth', 'apiKey']);
  });
});
