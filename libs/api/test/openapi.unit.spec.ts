import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROBLEM_TYPES, problemTypeUri, type ProblemType } from '@lma/core';
import { allRoutes, defineRoute, openApiDocument, problemsOf, successStatus } from '../src';

type Json = Record<string, unknown>;
type Operation = {
  parameters?: ({ name: string; in: string; required: boolean } | { $ref: string })[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, Json>;
  'x-permission': string;
};
type Doc = ReturnType<typeof openApiDocument>;
const op = (doc: Doc, path: string, method: string) => doc.paths[path]?.[method] as Operation | undefined;
/** A `#/components/...` reference, followed. */
const resolve = (doc: Doc, node: Json): Json => {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  return resolve(doc, ref.slice(2).split('/').reduce<Json>((n, k) => n[k] as Json, doc));
};

describe('the OpenAPI document of allRoutes()', () => {
  const routes = allRoutes();
  const doc = openApiDocument(routes);

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('has every route with its parameters, body, permission and declared answers', () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      const o = op(doc, r.path, r.method);
      expect(o, `${r.method} ${r.path}`).toBeDefined();
      const names = (o!.parameters ?? []).map((p) => resolve(doc, p as Json)).map((p) => `${p['in']}:${p['name']}`).sort();
      const expected = [
        ...Object.keys(r.params?.shape ?? {}).map((n) => `path:${n}`),
        ...Object.keys(r.query?.shape ?? {}).map((n) => `query:${n}`),
        ...(r.ifMatch ? ['header:If-Match'] : []),
      ].sort();
      expect(names, r.operationId).toEqual(expected);
      expect(!!o!.requestBody, r.operationId).toBe(!!r.body);
      expect(o!['x-permission']).toBe(r.permission);
      for (const status of Object.keys(r.responses)) expect(o!.responses[status], `${r.operationId} ${status}`).toBeDefined();
    }
  });

  it('declares per operation every status of the kinds of problem it answers, each kind with its example, and nothing else', () => {
    for (const r of routes) {
      const o = op(doc, r.path, r.method)!;
      const types = problemsOf(r);
      const statuses = [...new Set(types.map((t) => String(PROBLEM_TYPES[t].status)))];
      expect(Object.keys(o.responses).sort(), r.operationId).toEqual([...Object.keys(r.responses), ...statuses, 'default'].sort());
      for (const status of statuses) {
        const response = resolve(doc, o.responses[status]!);
        const content = (response['content'] as Record<string, { schema: Json; examples: Record<string, Json> }>)['application/problem+json']!;
        expect(content.schema).toEqual({ $ref: '#/components/schemas/Problem' });
        const declared = types.filter((t) => String(PROBLEM_TYPES[t].status) === status);
        expect(Object.keys(content.examples), `${r.operationId} ${status}`).toEqual(declared);
        for (const t of declared) expect(resolve(doc, content.examples[t]!)['value']).toMatchObject({ type: problemTypeUri(t), status: Number(status), title: PROBLEM_TYPES[t].title });
      }
      if (r.permission !== 'public') expect(Object.keys((resolve(doc, o.responses['401']!)['headers'] ?? {}) as Json), r.operationId).toEqual(['WWW-Authenticate']);
      expect(Object.keys((resolve(doc, o.responses['429']!)['headers'] ?? {}) as Json), r.operationId).toEqual(['Retry-After']);
      if (r.permission !== 'authenticated' && r.permission !== 'public') expect(o.responses['403'], r.operationId).toEqual({ $ref: '#/components/responses/PermissionDenied' });
    }
  });

  it('declares the ETag of every resource that has a revision, and If-Match with 412 on its conditional changes', () => {
    const withETag = routes.filter((r) => r.etag);
    expect(withETag.map((r) => r.operationId)).toEqual(expect.arrayContaining(['getLicense', 'modifyLicense', 'getPackage', 'getTeamMember', 'getLeadRouting', 'getNotificationRule']));
    for (const r of routes) {
      const o = op(doc, r.path, r.method)!;
      const success = o.responses[String(successStatus(r))]!;
      expect(Object.keys((success['headers'] ?? {}) as Json), r.operationId).toEqual(r.etag ? ['ETag'] : []);
      if (r.etag) {
        // the ETag is the answer's revision, so the answer must have one
        const schema = resolve(doc, (success['content'] as Record<string, { schema: Json }>)['application/json']!.schema);
        expect(schema['required'], r.operationId).toContain('revision');
        expect((schema['properties'] as Record<string, Json>)['revision'], r.operationId).toMatchObject({ type: 'integer' });
      }
      expect(!!o.responses['412'], r.operationId).toBe(!!r.ifMatch);
    }
    expect(routes.filter((r) => r.ifMatch).map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['modifyLicense', 'updatePackage', 'updateTeamMember', 'setLeadManager', 'putLeadRouting', 'updateNotificationRule', 'deleteNotificationRule']),
    );
  });

  it('names every resource it answers with: a component schema, never an inlined object', () => {
    const schemas = (doc['components'] as { schemas: Record<string, Json> }).schemas;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['Problem', 'License', 'LicensePage', 'Package', 'Lead', 'TeamMember', 'LeadRouting', 'Onboarding', 'NotificationRule', 'RefreshJob', 'ApiKey']));
    for (const r of routes) {
      const o = op(doc, r.path, r.method)!;
      for (const status of Object.keys(r.responses)) {
        const schema = (o.responses[status]!['content'] as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
        // a free-form document (a record) has no resource type to name
        if (!schema || (schema['type'] === 'object' && !schema['properties'])) continue;
        expect(schema, `${r.operationId} ${status}`).toEqual({ $ref: expect.stringMatching(/^#\/components\/schemas\/[A-Z][A-Za-z]+$/) });
      }
      if (r.body) expect(o.requestBody!.content['application/json']!.schema).toEqual({ $ref: `#/components/schemas/${r.operationId[0]!.toUpperCase()}${r.operationId.slice(1)}Request` });
    }
    // a resource inside another is a reference too
    expect((schemas['SeatChange']!['properties'] as Json)['license']).toEqual({ $ref: '#/components/schemas/License' });
    expect(((schemas['LicensePage']!['properties'] as Json)['items'] as Json)['items']).toEqual({ $ref: '#/components/schemas/License' });
  });

  it('has one example per kind of problem, the one every operation of that kind refers to', () => {
    const examples = (doc['components'] as { examples: Record<string, { value: Json }> }).examples;
    expect(Object.keys(examples).sort()).toEqual(Object.keys(PROBLEM_TYPES).sort());
    for (const [t, e] of Object.entries(examples)) expect(e.value).toMatchObject({ type: problemTypeUri(t as ProblemType), status: PROBLEM_TYPES[t as ProblemType].status });
  });
});

describe('openApiDocument', () => {
  const Part = z.object({ partId: z.string(), revision: z.number().int() });
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
    responses: { 200: { description: 'ok', schema: z.object({ items: z.array(Part), nextCursor: z.string().nullable() }) } },
  });
  const create = defineRoute({
    operationId: 'createThing',
    method: 'post',
    path: '/things',
    service: 'license',
    permission: 'packages:edit',
    summary: 'Create',
    tags: ['Things'],
    problems: ['already-exists'],
    body: z.object({ name: z.string().max(10), size: z.number().int().min(1) }),
    responses: { 201: { description: 'created', schema: z.object({ id: z.string() }) } },
  });
  const change = defineRoute({
    operationId: 'changePart',
    method: 'patch',
    path: '/parts/{partId}',
    service: 'gateway',
    permission: 'authenticated',
    summary: 'Change',
    tags: ['Things'],
    params: z.object({ partId: z.string() }),
    problems: ['not-found', 'revision-conflict', 'license-not-modifiable'],
    etag: true,
    ifMatch: true,
    body: z.object({ name: z.string() }),
    responses: { 200: { description: 'changed', schema: Part } },
  });
  const doc = openApiDocument([route, create, change], { schemas: { Part } });
  const components = doc['components'] as { schemas: Record<string, Json>; securitySchemes: object };

  it('turns path and query schemas into parameters with their constraints and defaults', () => {
    const params = op(doc, '/things/{thingId}/parts', 'get')!.parameters!;
    expect(params).toEqual([
      { name: 'thingId', in: 'path', required: true, schema: { type: 'string', pattern: '^t[0-9]+$' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['a', 'b'] } },
    ]);
  });

  it('names the request body after its operation, and pages after what they list', () => {
    const o = op(doc, '/things', 'post')!;
    expect(o.requestBody!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/CreateThingRequest' });
    expect(components.schemas['CreateThingRequest']).toMatchObject({
      type: 'object',
      required: ['name', 'size'],
      properties: { name: { type: 'string', maxLength: 10 }, size: { type: 'integer', minimum: 1 } },
    });
    expect(op(doc, '/things/{thingId}/parts', 'get')!.responses['200']!['content']).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/PartPage' } } });
    expect(components.schemas['PartPage']).toMatchObject({ properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Part' } } } });
    expect(components.schemas['Part']).toMatchObject({ required: ['partId', 'revision'] });
  });

  it('documents the statuses each operation answers: those every operation has, those its declaration implies and its own', () => {
    expect(Object.keys(op(doc, '/things/{thingId}/parts', 'get')!.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415', '429', '503', 'default']);
    expect(Object.keys(op(doc, '/things', 'post')!.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '415', '429', '503', 'default']);
    const patch = op(doc, '/parts/{partId}', 'patch')!;
    expect(Object.keys(patch.responses).sort()).toEqual(['200', '400', '401', '404', '409', '412', '413', '415', '429', 'default']);
    expect(patch.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(patch.responses['412']).toEqual({ $ref: '#/components/responses/PreconditionFailed' });
    const conflict = patch.responses['409']! as { description: string; content: Record<string, { examples: Json }> };
    expect(conflict.description).toBe('[Revision conflict](https://lma.example/problems/revision-conflict); [License not modifiable](https://lma.example/problems/license-not-modifiable)');
    expect(Object.keys(conflict.content['application/problem+json']!.examples)).toEqual(['revision-conflict', 'license-not-modifiable']);
    expect(patch.responses['200']!['headers']).toEqual({ ETag: { $ref: '#/components/headers/ETag' } });
    expect(patch.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    expect((components.schemas['Problem'] as { required: string[] }).required).toEqual(['type', 'title', 'status']);
    expect(Object.keys(components.securitySchemes)).toEqual(['bearerAuth', 'apiKey']);
  });
});
