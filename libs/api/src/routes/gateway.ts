import { z } from 'zod';
import { ALL_PERMISSIONS, Permission } from '../permissions';
import { PageQuery, pageOf } from '../pagination';
import { defineRoute, type ApiRoute } from '../route';

/** `lma_<keyId>_<secret>`: the key id is public (lists, audit), the secret is shown once. */
export const ApiKeyId = z.string().regex(/^[0-9a-f]{16}$/, 'must be an API key id (16 hex characters)');

const Timestamp = z.string().datetime();
const PermissionName = z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]]);

export const ApiKeyView = z.object({
  keyId: ApiKeyId,
  name: z.string(),
  permissions: z.array(PermissionName),
  createdAt: Timestamp,
  createdBy: z.string(),
  revokedAt: Timestamp.nullable(),
  revokedBy: z.string().nullable(),
});

const ApiKeyState = z.object({ name: z.string(), permissions: z.array(PermissionName), revokedAt: Timestamp.nullable() });
export const ApiKeyAuditEntry = z.object({
  action: z.enum(['created', 'revoked']),
  actor: z.string().describe('Subject of the caller who made the change'),
  at: Timestamp,
  before: ApiKeyState.nullable(),
  after: ApiKeyState,
});

/** A new key: the only answer that holds its secret. */
export const NewApiKeyView = ApiKeyView.extend({ key: z.string().describe('`lma_<keyId>_<secret>`; only its hash is stored, so it is shown only now') });

export const getOpenApi = defineRoute({
  operationId: 'getOpenApi',
  method: 'get',
  path: '/openapi.json',
  service: 'gateway',
  permission: 'authenticated',
  summary: 'This OpenAPI 3.1 document',
  tags: ['API'],
  responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.unknown()) } },
});

export const getAsyncApi = defineRoute({
  operationId: 'getAsyncApi',
  method: 'get',
  path: '/asyncapi.json',
  service: 'gateway',
  permission: 'public',
  summary: 'The AsyncAPI 3.0 document of the Kafka topics: channels, keys, CloudEvents headers, payload schemas, who sends and who receives',
  tags: ['API'],
  responses: { 200: { description: 'The AsyncAPI document', schema: z.record(z.unknown()) } },
});

export const getEventSchema = defineRoute({
  operationId: 'getEventSchema',
  method: 'get',
  path: '/schemas/{eventType}/{version}',
  service: 'gateway',
  permission: 'public',
  summary: "The JSON Schema of an event type's data: what its ce_dataschema (urn:lma:schema:<type>:v<version>) names",
  tags: ['API'],
  params: z.object({
    eventType: z.string().regex(/^[a-z][a-z0-9.-]{0,127}$/, 'must be an event type (ce_type)'),
    version: z.string().regex(/^v[1-9][0-9]{0,5}$/, 'must be a version like v1'),
  }),
  problems: ['not-found'],
  responses: { 200: { description: 'The JSON Schema (draft-07)', schema: z.record(z.unknown()) } },
});

export const createApiKey = defineRoute({
  operationId: 'createApiKey',
  method: 'post',
  path: '/api-keys',
  service: 'gateway',
  permission: Permission.Admin,
  summary: 'Create an API key for a system',
  description: 'The answer holds the key (`key`) once; only its SHA-256 hash is stored. Send it as `Authorization: ApiKey <key>` or `X-API-Key: <key>`.',
  tags: ['API keys'],
  body: z.object({
    name: z.string().trim().min(1).max(100),
    permissions: z
      .array(PermissionName)
      .min(1)
      .max(ALL_PERMISSIONS.length)
      .refine((p) => new Set(p).size === p.length, 'must not repeat a permission'),
  }),
  responses: { 201: { description: 'The key, with its secret (shown only now)', schema: NewApiKeyView } },
});

export const listApiKeys = defineRoute({
  operationId: 'listApiKeys',
  method: 'get',
  path: '/api-keys',
  service: 'gateway',
  permission: Permission.Admin,
  summary: 'API keys, revoked ones included (never their secrets)',
  tags: ['API keys'],
  query: z.object({ ...PageQuery }),
  responses: { 200: { description: 'One page of keys, by key id', schema: pageOf(ApiKeyView) } },
});

export const getApiKey = defineRoute({
  operationId: 'getApiKey',
  method: 'get',
  path: '/api-keys/{keyId}',
  service: 'gateway',
  permission: Permission.Admin,
  summary: 'One API key (never its secret)',
  tags: ['API keys'],
  params: z.object({ keyId: ApiKeyId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The key', schema: ApiKeyView } },
});

export const revokeApiKey = defineRoute({
  operationId: 'revokeApiKey',
  method: 'delete',
  path: '/api-keys/{keyId}',
  service: 'gateway',
  permission: Permission.Admin,
  summary: 'Revoke an API key',
  description:
    'Idempotent. The key is refused (401) at once by the gateway replica that revoked it and by the others within API_KEY_CACHE_TTL_MS (10 s by default).',
  tags: ['API keys'],
  params: z.object({ keyId: ApiKeyId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The revoked key', schema: ApiKeyView } },
});

export const getApiKeyAudit = defineRoute({
  operationId: 'getApiKeyAudit',
  method: 'get',
  path: '/api-keys/{keyId}/audit',
  service: 'gateway',
  permission: Permission.Admin,
  summary: 'Every change to one API key: who, when, before and after',
  tags: ['API keys'],
  params: z.object({ keyId: ApiKeyId }),
  problems: ['not-found'],
  responses: { 200: { description: 'The changes, oldest first', schema: z.object({ items: z.array(ApiKeyAuditEntry) }) } },
});

/** Public operations served by the gateway service (see route.ts). */
export const gatewayRoutes: ApiRoute[] = [getOpenApi, getAsyncApi, getEventSchema, createApiKey, listApiKeys, getApiKey, revokeApiKey, getApiKeyAudit];
