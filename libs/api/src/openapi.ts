import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import type { ApiRoute } from './route';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };

/** JSON Schema (draft 2020-12 subset, as OpenAPI 3.1 uses it) of a zod schema, inlined. */
function jsonSchema(schema: z.ZodTypeAny, io: 'input' | 'output'): JsonSchema {
  const s = zodToJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'none', effectStrategy: 'input', pipeStrategy: io }) as JsonSchema;
  delete s['$schema'];
  return s;
}

const Problem: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, sent as application/problem+json',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'One entry per invalid field (400)',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        properties: { field: { type: 'string', examples: ['body.name', 'query.limit', 'path.keyId'] }, reason: { type: 'string' } },
      },
    },
    missingPermission: { type: 'string', description: 'The permission the caller lacks (403)' },
    retryAfterSeconds: { type: 'integer', description: 'Also sent as the Retry-After header (429)' },
    service: { type: 'string', description: 'The service that is unavailable (503)' },
  },
};

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const PROBLEMS = {
  BadRequest: problem('Invalid path, query or body: every invalid field is named in `errors`'),
  Unauthorized: problem('No credentials, or an invalid, expired or revoked token or API key'),
  Forbidden: problem('The caller lacks the permission named in `missingPermission`'),
  NotFound: problem('No such resource'),
  PayloadTooLarge: problem('The body is larger than 64 kB'),
  TooManyRequests: {
    ...problem('Rate limit of this caller exceeded; retry after `Retry-After` seconds'),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
  },
  ServiceUnavailable: problem('The service behind this operation is down or did not answer; `service` names it'),
};
const ref = (name: keyof typeof PROBLEMS) => ({ $ref: `#/components/responses/${name}` });

function parameters(schema: ApiRoute['params'] | ApiRoute['query'], where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  return Object.entries(schema.shape as z.ZodRawShape).map(([name, field]) => {
    // optionality is the parameter's `required`, not part of its schema
    const s = jsonSchema((field._def as { typeName?: string }).typeName === 'ZodOptional' ? (field as z.ZodOptional<z.ZodTypeAny>).unwrap() : field, 'input');
    const description = (s['description'] as string | undefined) ?? field.description;
    return { name, in: where, required: where === 'path' || !field.isOptional(), ...(description ? { description } : {}), schema: s };
  });
}

function operation(route: ApiRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = spec.schema ? { description: spec.description, content: { 'application/json': { schema: jsonSchema(spec.schema, 'output') } } } : { description: spec.description };
  }
  if (route.params || route.query || route.body) responses['400'] ??= ref('BadRequest');
  responses['401'] ??= ref('Unauthorized');
  if (route.permission !== 'authenticated') responses['403'] ??= ref('Forbidden');
  if (route.params) responses['404'] ??= ref('NotFound');
  if (route.body) responses['413'] ??= ref('PayloadTooLarge');
  responses['429'] ??= ref('TooManyRequests');
  if (route.service !== 'gateway') responses['503'] ??= ref('ServiceUnavailable');
  const permission = route.permission === 'authenticated' ? 'Any authenticated caller.' : `Requires the \`${route.permission}\` permission (or \`admin\`).`;
  const params = [...parameters(route.params, 'path'), ...parameters(route.query, 'query')];
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, permission].filter(Boolean).join('\n\n'),
    tags: route.tags,
    'x-permission': route.permission,
    'x-service': route.service,
    ...(route.rateLimit === 'check' ? { 'x-rate-limit': 'check' } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: !route.body.isOptional(), content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the public API, generated from the route declarations. */
export function openApiDocument(routes: readonly ApiRoute[], info: { version: string; serverUrl?: string } = { version: '1.0.0' }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'LMA API',
      version: info.version,
      description:
        'License management for marketplace software vendors. Every operation needs a bearer JWT or an API key (`Authorization: ApiKey <key>` or `X-API-Key`); errors are application/problem+json.',
    },
    servers: [{ url: info.serverUrl ?? '/api/v1' }],
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    tags: [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT with `sub` and a `permissions` array' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (`lma_<keyId>_<secret>`); `Authorization: ApiKey <key>` works too' },
      },
      schemas: { Problem },
      responses: PROBLEMS,
    },
  };
}
