import type { z } from 'zod';
import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';
import { PROBLEM_TYPES, problemTypeUri, type ProblemType } from '@lma/core';
import { successStatus, type ApiRoute } from './route';
import { API_SCHEMAS } from './schemas';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };

const SCHEMAS = '#/components/schemas/';
const kindOf = (def: z.ZodTypeDef): string => (def as { typeName?: string }).typeName ?? '';

/**
 * JSON Schema (draft 2020-12 subset, as OpenAPI 3.1 uses it) of zod schemas, with the named ones
 * (and pages and lists of them) as components referenced wherever they appear in an answer.
 * Request schemas are inlined: what a client sends differs from what it reads (defaults,
 * transforms), so they never share a component with a resource.
 */
function schemaCatalog(named: Readonly<Record<string, z.ZodTypeAny>>) {
  const names = new Map<z.ZodTypeDef, string>(Object.entries(named).map(([name, s]) => [s._def, name]));
  const components: Record<string, JsonSchema> = {};

  /** A named schema's name; `<name>Page` for `{ items: <name>[], nextCursor }`, `<name>List` for `{ items: <name>[] }`. */
  const nameOf = (def: z.ZodTypeDef): string | undefined => {
    const name = names.get(def);
    if (name || kindOf(def) !== 'ZodObject') return name;
    const shape = (def as z.ZodObjectDef).shape();
    const items = shape['items'];
    if (!items || kindOf(items._def) !== 'ZodArray') return undefined;
    const item = names.get((items._def as z.ZodArrayDef).type._def);
    if (!item) return undefined;
    const keys = Object.keys(shape).sort().join(',');
    return keys === 'items,nextCursor' ? `${item}Page` : keys === 'items' ? `${item}List` : undefined;
  };

  const convert = (def: z.ZodTypeDef, io: 'input' | 'output'): JsonSchema => {
    const s = zodToJsonSchema({ _def: def } as z.ZodTypeAny, {
      target: 'jsonSchema7',
      $refStrategy: 'none',
      effectStrategy: 'input',
      pipeStrategy: io,
      // below the root, a named schema is a reference (the root is the schema itself)
      override: (d, refs) => {
        const name = io === 'output' && refs.currentPath.length > 1 ? nameOf(d) : undefined;
        return name ? reference(name, d) : ignoreOverride;
      },
    }) as JsonSchema;
    delete s['$schema'];
    return s;
  };

  function reference(name: string, def: z.ZodTypeDef): JsonSchema {
    if (!(name in components)) {
      components[name] = {}; // taken before converting, so the order of components is the order of first use
      components[name] = convert(def, 'output');
    }
    return { $ref: `${SCHEMAS}${name}` };
  }

  return {
    /** The schema of an answer: a reference when it is named. */
    output(schema: z.ZodTypeAny): JsonSchema {
      const name = nameOf(schema._def);
      return name ? reference(name, schema._def) : convert(schema._def, 'output');
    },
    input: (schema: z.ZodTypeAny): JsonSchema => convert(schema._def, 'input'),
    components,
  };
}
type SchemaCatalog = ReturnType<typeof schemaCatalog>;

const Problem: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details, sent as application/problem+json',
  required: ['type', 'title', 'status'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: 'The kind of problem: `https://lma.example/problems/<name>`, documented under that name in docs/problems.md',
      examples: [problemTypeUri('license-not-modifiable')],
    },
    title: { type: 'string', description: 'The title of the kind of problem (the same for every problem of a type)' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What went wrong this time' },
    instance: { type: 'string', description: 'The request path' },
    errors: {
      type: 'array',
      description: 'One entry per invalid field (validation)',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        properties: { field: { type: 'string', examples: ['body.name', 'query.limit', 'path.keyId'] }, reason: { type: 'string' } },
      },
    },
    missingPermission: { type: 'string', description: 'The permission the caller lacks (permission-denied)' },
    revision: { type: 'integer', description: 'The current revision of the resource (precondition-failed, revision-conflict)' },
    retryAfterSeconds: { type: 'integer', description: 'Also sent as the Retry-After header (rate-limited, refresh-allowance-used)' },
    nextAvailableAt: { type: 'string', format: 'date-time', description: "When the package's next refresh is available (refresh-allowance-used)" },
    service: { type: 'string', description: 'The service that is unavailable (service-unavailable)' },
  },
};

/** The members a problem of each type carries beside type, title, status and detail (examples). */
const EXAMPLE_MEMBERS: Partial<Record<ProblemType, Record<string, unknown>>> = {
  validation: { errors: [{ field: 'body.seats', reason: 'Number must be greater than or equal to 1' }] },
  'permission-denied': { missingPermission: 'licenses:edit' },
  'revision-conflict': { revision: 7 },
  'no-seat-available': { seats: 10, usedLicenses: 10 },
  'lead-not-open': { accountId: 'account_64b7f0c2a1d3e4f5a6b7c8d9', contactId: 'contact_64b7f0c2a1d3e4f5a6b7c8d9' },
  'precondition-failed': { revision: 7 },
  'invalid-lead-manager': { errors: [{ field: 'body.leadManagerId', reason: 'names an inactive team member' }] },
  'unknown-account': { errors: [{ field: 'body.accountId', reason: 'names no account' }] },
  'license-rule-violated': { errors: [{ field: 'body.expiresOn', reason: 'must be a date on or before 2026-08-30 (a Trial lasts at most 90 days)' }] },
  'rate-limited': { retryAfterSeconds: 1 },
  'refresh-allowance-used': { retryAfterSeconds: 86_400, nextAvailableAt: '2026-06-08T10:00:00.000Z' },
  'service-unavailable': { service: 'license' },
};

const examples = Object.fromEntries(
  (Object.keys(PROBLEM_TYPES) as ProblemType[]).map((t) => {
    const { status, title, example } = PROBLEM_TYPES[t];
    return [t, { summary: title, value: { type: problemTypeUri(t), title, status, detail: example, ...EXAMPLE_MEMBERS[t] } }];
  }),
);

const headers = {
  ETag: { description: 'The revision of the resource as a strong entity tag, `"<revision>"`; send it back as `If-Match`', schema: { type: 'string', examples: ['"7"'] } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
  'WWW-Authenticate': {
    description:
      'The schemes the API accepts (`Bearer realm="lma", ApiKey realm="lma"`); the refused one carries `error="invalid_token"` and `error_description` when credentials were given',
    required: true,
    schema: { type: 'string', examples: ['Bearer realm="lma", error="invalid_token", error_description="The bearer token has expired", ApiKey realm="lma"'] },
  },
};
const headerRef = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` });

const IfMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description:
    'Makes the change conditional: the ETag of the resource as read (`"<revision>"`), several separated by commas, or `*`. ' +
    'When none matches the current revision (a weak or malformed tag never does), nothing changes and the answer is 412.',
  schema: { type: 'string', examples: ['"7"'] },
};

/**
 * The kinds of problem an operation answers: those every operation shares (validation of the path,
 * query and body, which also refuses unexpected ones; authentication; a body over the limit, or
 * not JSON in UTF-8, or compressed, whether the operation takes one or not; rate limits), those its
 * declaration implies (permission, If-Match, a service behind it) and its own.
 */
export function problemsOf(route: ApiRoute): ProblemType[] {
  const all: ProblemType[] = ['validation', 'payload-too-large', 'unsupported-media-type', 'rate-limited'];
  if (route.permission !== 'public') all.push('unauthenticated');
  if (route.permission !== 'authenticated' && route.permission !== 'public') all.push('permission-denied');
  if (route.ifMatch) all.push('precondition-failed');
  if (route.service !== 'gateway') all.push('service-unavailable');
  all.push(...(route.problems ?? []));
  return [...new Set(all)].sort((a, b) => PROBLEM_TYPES[a].status - PROBLEM_TYPES[b].status);
}

/** A problem response: its status, the kinds of problem it may be (each linked to its docs and exemplified). */
function problemResponse(types: ProblemType[]): Record<string, unknown> {
  const status = PROBLEM_TYPES[types[0]!].status;
  const extra = status === 401 ? { 'WWW-Authenticate': headerRef('WWW-Authenticate') } : status === 429 ? { 'Retry-After': headerRef('Retry-After') } : undefined;
  return {
    description: types.map((t) => `[${PROBLEM_TYPES[t].title}](${problemTypeUri(t)})`).join('; '),
    ...(extra ? { headers: extra } : {}),
    content: {
      'application/problem+json': {
        schema: { $ref: `${SCHEMAS}Problem` },
        examples: Object.fromEntries(types.map((t) => [t, { $ref: `#/components/examples/${t}` }])),
      },
    },
  };
}

/** `license-not-modifiable` -> `LicenseNotModifiable`: the name of the response of one kind of problem. */
const responseName = (t: ProblemType) => t.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase());
const problemResponseComponents = Object.fromEntries((Object.keys(PROBLEM_TYPES) as ProblemType[]).map((t) => [responseName(t), problemResponse([t])]));

/** One response per status: the shared one of its kind of problem, or one listing the kinds that status may be. */
function problemResponses(route: ApiRoute): Record<string, unknown> {
  const byStatus = new Map<number, ProblemType[]>();
  for (const t of problemsOf(route)) byStatus.set(PROBLEM_TYPES[t].status, [...(byStatus.get(PROBLEM_TYPES[t].status) ?? []), t]);
  return Object.fromEntries(
    [...byStatus].map(([status, types]) => [String(status), types.length === 1 ? { $ref: `#/components/responses/${responseName(types[0]!)}` } : problemResponse(types)]),
  );
}

function parameters(schemas: SchemaCatalog, schema: ApiRoute['params'] | ApiRoute['query'], where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  return Object.entries(schema.shape as z.ZodRawShape).map(([name, field]) => {
    // optionality is the parameter's `required`, not part of its schema
    const s = schemas.input(kindOf(field._def) === 'ZodOptional' ? (field as z.ZodOptional<z.ZodTypeAny>).unwrap() : field);
    const description = (s['description'] as string | undefined) ?? field.description;
    return { name, in: where, required: where === 'path' || !field.isOptional(), ...(description ? { description } : {}), schema: s };
  });
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);

function operation(schemas: SchemaCatalog, route: ApiRoute): Record<string, unknown> {
  const success = successStatus(route);
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const etag = route.etag && Number(status) === success ? { headers: { ETag: headerRef('ETag') } } : {};
    responses[status] = { description: spec.description, ...etag, ...(spec.schema ? { content: { 'application/json': { schema: schemas.output(spec.schema) } } } : {}) };
  }
  Object.assign(responses, problemResponses(route), { default: { $ref: `#/components/responses/${responseName('internal-error')}` } });
  const permission =
    route.permission === 'public' ? 'Public: no credentials needed.' : route.permission === 'authenticated' ? 'Any authenticated caller.' : `Requires the \`${route.permission}\` permission (or \`admin\`).`;
  const params = [...parameters(schemas, route.params, 'path'), ...parameters(schemas, route.query, 'query'), ...(route.ifMatch ? [{ $ref: '#/components/parameters/IfMatch' }] : [])];
  let requestBody: Record<string, unknown> | undefined;
  if (route.body) {
    const name = `${pascal(route.operationId)}Request`;
    schemas.components[name] = schemas.input(route.body);
    requestBody = { required: !route.body.isOptional(), content: { 'application/json': { schema: { $ref: `${SCHEMAS}${name}` } } } };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, permission].filter(Boolean).join('\n\n'),
    tags: route.tags,
    'x-permission': route.permission,
    'x-service': route.service,
    ...(route.permission === 'public' ? { security: [] } : {}),
    ...(route.rateLimit === 'check' ? { 'x-rate-limit': 'check' } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the public API, generated from the route declarations. */
export function openApiDocument(
  routes: readonly ApiRoute[],
  options: { version?: string; serverUrl?: string; schemas?: Readonly<Record<string, z.ZodTypeAny>> } = {},
): OpenApiDocument {
  const schemas = schemaCatalog(options.schemas ?? API_SCHEMAS);
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(schemas, route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'LMA API',
      version: options.version ?? '1.0.0',
      description:
        'License management for marketplace software vendors. Every operation needs a bearer JWT or an API key (`Authorization: ApiKey <key>` or `X-API-Key`). ' +
        'Errors are application/problem+json; their `type` names the kind of problem (docs/problems.md). ' +
        'Resources with a revision answer with `ETag: "<revision>"`, and their changes take it as `If-Match`.',
    },
    servers: [{ url: options.serverUrl ?? '/api/v1' }],
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    tags: [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token (JWT) for the LMA API from the OpenID Connect provider the gateway trusts (OIDC_ISSUER): signed RS256, ES256 or EdDSA, `aud` the API, `sub` the user, permissions from a claim (docs/security.md)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (`lma_<keyId>_<secret>`); `Authorization: ApiKey <key>` works too' },
      },
      schemas: { Problem, ...schemas.components },
      responses: problemResponseComponents,
      parameters: { IfMatch },
      headers,
      examples,
    },
  };
}
