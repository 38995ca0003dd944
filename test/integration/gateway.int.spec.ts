import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allRoutes, parseRoute, type ApiRoute } from '@lma/api';
import { LICENSE_EVENTS_TOPIC, MARKETPLACE_EVENTS_TOPIC, MarketplaceEventType } from '@lma/contracts';
import { createForwardVerifier, signJwt } from '@lma/core';
import { ServiceProcess, eventually, ids, testGatewayKeys, type ServiceName } from '@lma/testing';
import { Harness, JWT, bearer } from './harness';

/**
 * The gateway in front of every service that owns a route of allRoutes(): whatever routes exist
 * when this runs are checked (documented, answered, authorised, validated).
 */
const routes = allRoutes();
const owners = [...new Set(routes.map((r) => r.service))].filter((s): s is Exclude<ServiceName, 'gateway'> => s !== 'gateway');
const h = new Harness('gateway');
/** A second replica: tiny rate limits, a 1 s key cache, and install-intake unreachable. */
let other: ServiceProcess;
const ADMIN = bearer(['admin'], 'admin@example.com');

beforeAll(async () => {
  await h.start(owners, [LICENSE_EVENTS_TOPIC]);
  await h.startGateway({ RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000', API_KEY_CACHE_TTL_MS: '60000' });
  other = await new ServiceProcess(
    'gateway',
    h.gatewayEnv({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '2', API_KEY_CACHE_TTL_MS: '1000', INSTALL_INTAKE_URL: 'http://127.0.0.1:9' }),
  ).start();
});
afterAll(async () => {
  await other?.stop();
  await h.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}
/** Every answer of the gateways in front of the real services, checked against the served OpenAPI document at the end. */
const answered: (Answer & { method: string; path: string })[] = [];
async function call(method: string, path: string, opts: { auth?: string | null; headers?: Record<string, string>; body?: unknown; raw?: string; base?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.auth === null ? {} : { authorization: opts.auth ?? ADMIN }), ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined || opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = opts.raw ?? JSON.stringify(opts.body);
  }
  const res = await fetch(`${opts.base ?? h.service('gateway').url}/api/v1${path}`, { method: method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: kept as text */
  }
  const answer = { status: res.status, headers: res.headers, body: json };
  if (opts.base === undefined || opts.base === other?.url) answered.push({ ...answer, method: method.toLowerCase(), path });
  return answer;
}

const isProblem = (a: Answer, status: number) => {
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(a.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
};
const fields = (a: Answer): string[] => ((a.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
/** The gateway's own 404 for a path no operation has (a service's 404 is about a resource). */
const isUnknownRoute = (a: Answer) => a.status === 404 && /^No API operation/.test(String(a.body?.detail));

// --- valid sample requests, derived from the routes' own schemas ---

/** zod's kind of a schema; by name, as `instanceof` fails between the routes' CommonJS zod and this file's ESM zod. */
const kind = (s: z.ZodTypeAny): string => (s._def as { typeName?: string }).typeName ?? '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const def = (s: z.ZodTypeAny): any => s._def;
const unwrap = (s: z.ZodTypeAny): z.ZodTypeAny => {
  switch (kind(s)) {
    case 'ZodOptional':
    case 'ZodNullable':
    case 'ZodDefault':
      return unwrap(def(s).innerType);
    case 'ZodEffects':
      return unwrap(def(s).schema);
    default:
      return s;
  }
};

const stringCandidates = () => [
  ids.packageId(),
  ids.subscriberOrgId(),
  ids.packageVersionId(),
  ids.userId(),
  ids.developerOrgId(),
  `onb:${randomUUID()}`,
  `rj_${ids.packageId()}_1`,
  randomUUID(),
  randomBytes(8).toString('hex'),
  'sample',
  `sample.${randomBytes(3).toString('hex')}@example.com`,
  'https://example.com/hook',
  '2026-01-01T00:00:00.000Z',
  '2026-01-01',
  '1.0.0',
  'Sample Name',
];

/** A value the schema accepts, or undefined when none of the candidates fits. */
function sample(s: z.ZodTypeAny): unknown {
  const ok = (v: unknown) => s.safeParse(v).success;
  const inner = unwrap(s);
  let candidates: unknown[] = [];
  const d = def(inner);
  switch (kind(inner)) {
    case 'ZodString':
      candidates = stringCandidates();
      break;
    case 'ZodNumber':
      candidates = [1, 10, 0, 100, 1000];
      break;
    case 'ZodBoolean':
      candidates = [true, false];
      break;
    case 'ZodEnum':
      candidates = d.values as unknown[];
      break;
    case 'ZodNativeEnum':
      candidates = Object.values(d.values as object);
      break;
    case 'ZodLiteral':
      candidates = [d.value];
      break;
    case 'ZodRecord':
      candidates = [{}];
      break;
    case 'ZodArray': {
      const one = sample(d.type);
      candidates = [[], [one], [one, sample(d.type)]];
      break;
    }
    case 'ZodUnion':
    case 'ZodDiscriminatedUnion':
      candidates = (d.options as z.ZodTypeAny[]).map(sample);
      break;
    case 'ZodObject': {
      const value: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(d.shape() as z.ZodRawShape)) if (!f.isOptional()) value[k] = sample(f);
      candidates = [value];
      break;
    }
  }
  return candidates.find(ok);
}

const stringify = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
interface SampleRequest {
  path: string;
  query: string;
  body: unknown;
}
/** A request the route's declaration accepts (validated with parseRoute), or undefined. */
function sampleRequest(r: ApiRoute): SampleRequest | undefined {
  const params: Record<string, string> = {};
  for (const [k, f] of Object.entries(r.params?.shape ?? {})) params[k] = stringify(sample(f as z.ZodTypeAny));
  const query: Record<string, string> = {};
  for (const [k, f] of Object.entries(r.query?.shape ?? {})) if (!(f as z.ZodTypeAny).isOptional()) query[k] = stringify(sample(f as z.ZodTypeAny));
  const body = r.body ? sample(r.body) : undefined;
  try {
    parseRoute(r, { params, query, body });
  } catch {
    return undefined;
  }
  return {
    path: r.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, n: string) => encodeURIComponent(params[n]!)),
    query: Object.keys(query).length ? `?${new URLSearchParams(query)}` : '',
    body,
  };
}
/** Any path the route matches (parameters filled with something), for checks before validation. */
const somePath = (r: ApiRoute) => r.path.replace(/\{[A-Za-z0-9_]+\}/g, 'x1');

describe('authentication', () => {
  it('refuses no credentials, a malformed, forged, expired or foreign token and unknown schemes with 401', async () => {
    const sub = { sub: 'someone@example.com', permissions: ['admin'] };
    const cases: [string | null, RegExp][] = [
      [null, /required/],
      ['Bearer not-a-jwt', /malformed/],
      [`Bearer ${signJwt(sub, { ...JWT, secret: 'another-secret-of-at-least-32-characters!!' })}`, /signature/],
      [`Bearer ${signJwt(sub, { ...JWT, now: () => Date.now() - 7_200_000 })}`, /expired/],
      [`Bearer ${signJwt(sub, { ...JWT, issuer: 'someone-else' })}`, /issuer/],
      ['Basic YWRtaW46YWRtaW4=', /Unsupported/],
    ];
    for (const [auth, detail] of cases) {
      const a = await call('get', '/api-keys', { auth });
      isProblem(a, 401);
      expect(a.body.detail).toMatch(detail);
      // a challenge per scheme; the bearer token given and refused is named invalid_token, with why
      const challenge = a.headers.get('www-authenticate');
      if (auth === null || auth.startsWith('Basic')) expect(challenge, String(auth)).toBe('Bearer realm="lma", ApiKey realm="lma"');
      else expect(challenge, auth).toBe(`Bearer realm="lma", error="invalid_token", error_description="${a.body.detail}", ApiKey realm="lma"`);
    }
  });

  it('serves /healthz, /readyz and the public documents (AsyncAPI, event schemas) without credentials, and nothing else', async () => {
    const base = h.service('gateway').url;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await call('get', '/asyncapi.json', { auth: null })).status).toBe(200);
    expect((await call('get', '/schemas/lma.license.created/v1', { auth: null })).status).toBe(200);
    isProblem(await call('get', '/openapi.json', { auth: null }), 401);
  });

  it('answers an unknown path with 404, a wrong method with 405, both as problems', async () => {
    const unknown = await call('get', '/no-such-thing');
    isProblem(unknown, 404);
    expect(isUnknownRoute(unknown)).toBe(true);
    const wrong = await call('put', '/api-keys');
    isProblem(wrong, 405);
    expect(wrong.headers.get('allow')).toMatch(/GET/);
  });
});

describe('API keys', () => {
  it('are created once with their secret, work as ApiKey or X-API-Key, list without secrets, and revoke at once', async () => {
    const created = await call('post', '/api-keys', { body: { name: 'billing sync', permissions: ['licenses:read'] } });
    expect(created.status).toBe(201);
    const { keyId, key } = created.body as { keyId: string; key: string };
    expect(key).toMatch(new RegExp(`^lma_${keyId}_[A-Za-z0-9_-]{43}$`));
    expect(created.body).toMatchObject({ name: 'billing sync', permissions: ['licenses:read'], createdBy: 'admin@example.com', revokedAt: null });

    // stored hashed, never in clear
    const secret = key.slice(`lma_${keyId}_`.length);
    const stored = await h.db('gateway').collection('api_keys').findOne({ _id: keyId } as never);
    expect(stored!['secretHash']).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(secret);

    // the key reaches the service as a caller with its permissions: install-intake answers (404: no onboarding)
    const q = `/onboardings?packageId=${ids.packageId()}&subscriberOrgId=${ids.subscriberOrgId()}`;
    const viaAuthorization = await call('get', q, { auth: `ApiKey ${key}` });
    expect(viaAuthorization.status, JSON.stringify(viaAuthorization.body)).toBe(404);
    expect(viaAuthorization.body.detail).toMatch(/No onboarding/);
    expect((await call('get', q, { auth: null, headers: { 'x-api-key': key } })).status).toBe(404);
    const denied = await call('get', '/api-keys', { auth: `ApiKey ${key}` });
    isProblem(denied, 403);
    expect(denied.body.missingPermission).toBe('admin');
    const forged = await call('get', q, { auth: `ApiKey lma_${keyId}_${randomBytes(32).toString('base64url')}` });
    isProblem(forged, 401);
    expect(forged.headers.get('www-authenticate')).toBe('Bearer realm="lma", ApiKey realm="lma", error="invalid_token", error_description="The API key is invalid"');
    isProblem(await call('get', q, { auth: 'ApiKey lma_nonsense' }), 401);

    // the other replica caches the key (1 s TTL there)
    expect((await call('get', q, { auth: `ApiKey ${key}`, base: other.url })).status).toBe(503);

    let listed: { keyId: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await call('get', `/api-keys?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(JSON.stringify(page.body)).not.toContain(secret);
      expect(JSON.stringify(page.body)).not.toMatch(/secretHash|"key"/);
      listed = listed.concat(page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed.map((k) => k.keyId)).toContain(keyId);

    const revoked = await call('delete', `/api-keys/${keyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ keyId, revokedBy: 'admin@example.com', revokedAt: expect.any(String) });
    const refused = await call('get', q, { auth: `ApiKey ${key}` });
    isProblem(refused, 401);
    expect(refused.body.detail).toMatch(/revoked/);
    // ...and on the other replica once its cache entry expires
    await eventually('the other replica to refuse the revoked key', async () => (await call('get', q, { auth: `ApiKey ${key}`, base: other.url })).status === 401, 5_000, 100);
    expect((await call('delete', `/api-keys/${keyId}`)).status).toBe(200); // idempotent

    const audit = await call('get', `/api-keys/${keyId}/audit`);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      { action: 'created', actor: 'admin@example.com', at: expect.any(String), before: null, after: { name: 'billing sync', permissions: ['licenses:read'], revokedAt: null } },
      {
        action: 'revoked',
        actor: 'admin@example.com',
        at: expect.any(String),
        before: { name: 'billing sync', permissions: ['licenses:read'], revokedAt: null },
        after: { name: 'billing sync', permissions: ['licenses:read'], revokedAt: revoked.body.revokedAt },
      },
    ]);
    isProblem(await call('get', `/api-keys/${keyId}/audit`, { auth: bearer(['licenses:read']) }), 403);
  });

  it('only admins create keys, with known permissions', async () => {
    const forbidden = await call('post', '/api-keys', { auth: bearer(['licenses:edit']), body: { name: 'x', permissions: ['admin'] } });
    isProblem(forbidden, 403);
    expect(forbidden.body.missingPermission).toBe('admin');
    const invalid = await call('post', '/api-keys', { body: { name: '', permissions: ['root', 'licenses:read', 'licenses:read'] } });
    isProblem(invalid, 400);
    expect(fields(invalid)).toEqual(expect.arrayContaining(['body.name', 'body.permissions.0']));
  });
});

describe('every route of allRoutes()', () => {
  it('is in the OpenAPI document the gateway serves, which validates as OpenAPI 3.1', async () => {
    const a = await call('get', '/openapi.json');
    expect(a.status).toBe(200);
    const doc = a.body as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(doc) as never);
    for (const r of routes) {
      const o = doc.paths[r.path]?.[r.method];
      expect(o, `${r.method} ${r.path}`).toBeDefined();
      const declared = [...Object.keys(r.params?.shape ?? {}).map((n) => `path:${n}`), ...Object.keys(r.query?.shape ?? {}).map((n) => `query:${n}`)].sort();
      const pathAndQuery = (o!.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
      expect(pathAndQuery.map((p) => `${p.in}:${p.name}`).sort(), r.operationId).toEqual(declared);
      expect(!!o!.requestBody, r.operationId).toBe(!!r.body);
    }
  });

  it('without the permission: 403 naming it', async () => {
    for (const r of routes) {
      const a = await call(r.method, somePath(r), { auth: bearer([], `nobody-${r.operationId}@example.com`) });
      if (r.permission === 'authenticated' || r.permission === 'public') {
        expect(a.status, r.operationId).not.toBe(403);
        expect(a.status, `${r.operationId}: ${JSON.stringify(a.body)}`).toBeLessThan(500);
        continue;
      }
      isProblem(a, 403);
      expect(a.body.missingPermission, r.operationId).toBe(r.permission);
    }
  });

  it('with the permission: answered by the owning service (not 403, 404 for the route, 405 or 503)', async () => {
    let answeredWithSample = 0;
    for (const r of routes) {
      const s = sampleRequest(r);
      const perms = r.permission === 'authenticated' ? [] : [r.permission];
      const a = s
        ? await call(r.method, `${s.path}${s.query}`, { auth: bearer(perms, `caller-${r.operationId}@example.com`), ...(s.body === undefined ? {} : { body: s.body }) })
        : await call(r.method, somePath(r), { auth: bearer(perms) });
      const what = `${r.operationId}: ${a.status} ${JSON.stringify(a.body)}`;
      expect([403, 405, 503], what).not.toContain(a.status);
      // allowed through means answered: a 5xx is a failure, never a pass
      expect(a.status, what).toBeLessThan(500);
      expect(isUnknownRoute(a), what).toBe(false);
      expect(a.headers.get('x-request-id'), what).toBeTruthy();
      if (r.service === 'gateway') continue;
      // a service that does not serve the declared route answers express's HTML 404
      expect(a.headers.get('content-type'), what).toMatch(/json/);
      if (s) {
        answeredWithSample++;
        // a valid request passes the gateway: a problem comes from the service (`instance` is its /v1 path)
        if (a.status >= 400) expect(a.body.instance, what).toMatch(/^\/v1\//);
      }
    }
    expect(answeredWithSample).toBeGreaterThan(0);
  });
});

describe('malformed and injection payloads', () => {
  const marker = `inj${randomBytes(6).toString('hex')}`;
  const scalar = (f: z.ZodTypeAny) => ['ZodString', 'ZodNumber', 'ZodBoolean', 'ZodEnum', 'ZodLiteral'].includes(kind(unwrap(f)));
  const maxLength = (f: z.ZodTypeAny): number | undefined => {
    const i = unwrap(f);
    return kind(i) === 'ZodString' ? ((i as z.ZodString).maxLength ?? undefined) : undefined;
  };
  const numberRange = (f: z.ZodTypeAny): number[] => {
    const i = unwrap(f) as z.ZodNumber;
    if (kind(i) !== 'ZodNumber') return [];
    return [...(i.minValue !== null ? [i.minValue - 1] : []), ...(i.maxValue !== null ? [i.maxValue + 1] : []), ...(i.isInt ? [1.5] : [])];
  };
  let sent = 0;
  async function rejected(r: ApiRoute, path: string, field: string, body?: { raw?: string; body?: unknown }) {
    const a = await call(r.method, path, { ...body, auth: ADMIN });
    isProblem(a, 400);
    expect(a.body.errors?.length, `${r.operationId} ${path}`).toBeGreaterThan(0);
    for (const e of a.body.errors) expect(e, `${r.operationId} ${path}`).toEqual({ field: expect.any(String), reason: expect.any(String) });
    expect(fields(a).some((f) => f === field || f.startsWith(`${field}.`)), `${r.operationId} ${path} ${JSON.stringify(body)}: ${JSON.stringify(a.body.errors)} lacks ${field}`).toBe(true);
    sent++;
  }

  it('in bodies: operators, $ and dotted keys, arrays for scalars, wrong types, out of range, over-long, unknown fields -> 400 naming the field', async () => {
    for (const r of routes.filter((x) => x.body)) {
      const base = (sampleRequest(r)?.body ?? {}) as Record<string, unknown>;
      const path = sampleRequest(r)?.path ?? somePath(r);
      const shape = (kind(unwrap(r.body!)) === 'ZodObject' ? def(unwrap(r.body!)).shape() : {}) as z.ZodRawShape;
      await rejected(r, path, 'body.$where', { body: { ...base, $where: `sleep(1000) || '${marker}'` } });
      await rejected(r, path, 'body.a.b', { body: { ...base, 'a.b': marker } });
      await rejected(r, path, `body.${marker}`, { body: { ...base, [marker]: 'unknown field' } });
      await rejected(r, path, 'body', { body: [base] });
      await rejected(r, path, 'body', { raw: '{"name": ' });
      for (const [k, f] of Object.entries(shape)) {
        if (!scalar(f)) continue;
        await rejected(r, path, `body.${k}`, { body: { ...base, [k]: { $gt: marker } } });
        await rejected(r, path, `body.${k}`, { body: { ...base, [k]: { $ne: null } } });
        await rejected(r, path, `body.${k}`, { body: { ...base, [k]: { $regex: `.*${marker}` } } });
        await rejected(r, path, `body.${k}`, { body: { ...base, [k]: [marker, marker] } });
        await rejected(r, path, `body.${k}`, { body: { ...base, [k]: ['ZodString', 'ZodEnum'].includes(kind(unwrap(f))) ? 12345 : `${marker}` } });
        const max = maxLength(f);
        if (max !== undefined && max < 30_000) await rejected(r, path, `body.${k}`, { body: { ...base, [k]: marker + 'x'.repeat(max) } });
        for (const n of numberRange(f)) await rejected(r, path, `body.${k}`, { body: { ...base, [k]: n } });
      }
    }
    // an operation without a body refuses one
    const noBody = routes.find((r) => r.method === 'post' && !r.body && sampleRequest(r));
    if (noBody) await rejected(noBody, sampleRequest(noBody)!.path, 'body', { body: { $set: { state: marker } } });
  });

  it('in query strings and path parameters: operators, repeated keys, invalid values -> 400 naming the field', async () => {
    for (const r of routes.filter((x) => x.query)) {
      const s = sampleRequest(r);
      const path = s?.path ?? somePath(r);
      const valid = new URLSearchParams(s?.query ?? '');
      const q = (extra: string) => `${path}?${[valid.toString(), extra].filter(Boolean).join('&')}`;
      const shape = r.query!.shape as z.ZodRawShape;
      const first = Object.keys(shape)[0]!;
      await rejected(r, q(`${first}[$ne]=${marker}`), `query.${first}[$ne]`);
      await rejected(r, q(`$where=${marker}`), 'query.$where');
      await rejected(r, q(`${marker}=1`), `query.${marker}`);
      for (const [k, f] of Object.entries(shape)) {
        if (!scalar(f)) continue;
        const others = new URLSearchParams(valid);
        others.delete(k);
        const withOthers = (extra: string) => `${path}?${[others.toString(), extra].filter(Boolean).join('&')}`;
        await rejected(r, withOthers(`${k}=${marker}&${k}=${marker}`), `query.${k}`);
        for (const v of ['$gt', `{"$ne":null}`, 'x'.repeat(600), ...numberRange(f).map(String)]) {
          if (!f.safeParse(v).success) await rejected(r, withOthers(`${k}=${encodeURIComponent(v)}`), `query.${k}`);
        }
      }
    }
    for (const r of routes.filter((x) => x.params)) {
      const s = sampleRequest(r);
      for (const [k, f] of Object.entries(r.params!.shape as z.ZodRawShape)) {
        for (const v of ['$gt', `{"$ne":null}`, `${marker}$where`, 'a/b', `a.b${marker}`, 'x'.repeat(600)]) {
          if (f.safeParse(v).success) continue;
          const path = r.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, n: string) => (n === k ? encodeURIComponent(v) : encodeURIComponent(String(sample(r.params!.shape[n]!) ?? "x1"))));
          await rejected(r, `${path}${s?.query ?? ''}`, `path.${k}`);
        }
      }
    }
    // the migrated install-intake routes, explicitly
    const saga = await call('get', `/onboardings/${encodeURIComponent('{"$ne":null}')}`);
    isProblem(saga, 400);
    expect(fields(saga)).toEqual(['path.sagaId']);
    const injected = await call('get', `/onboardings?packageId[$gt]=&subscriberOrgId=${ids.subscriberOrgId()}`);
    isProblem(injected, 400);
    expect(fields(injected)).toEqual(expect.arrayContaining(['query.packageId', 'query.packageId[$gt]']));
  });

  it('stored nothing anywhere', async () => {
    expect(sent).toBeGreaterThan(10);
    for (const name of [...owners, 'gateway'] as ServiceName[]) {
      const db = h.db(name);
      for (const c of await db.listCollections().toArray()) {
        const docs = await db.collection(c.name).find({}).toArray();
        expect(docs.filter((d) => JSON.stringify(d).includes(marker)), `${name}.${c.name}`).toEqual([]);
      }
    }
  });
});

describe('limits', () => {
  it('answers a body over 64 kB with 413', async () => {
    const a = await call('post', '/api-keys', { body: { name: 'x'.repeat(70_000), permissions: ['admin'] } });
    isProblem(a, 413);
    // streamed (chunked, no content-length): cut off at 64 kB all the same
    const big = new TextEncoder().encode(JSON.stringify({ name: 'y'.repeat(70_000), permissions: ['admin'] }));
    const streamed = await fetch(h.api('/api-keys'), {
      method: 'POST',
      headers: { authorization: ADMIN, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < big.length; i += 8192) c.enqueue(big.subarray(i, i + 8192));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('rate-limits each caller on its own with 429 and Retry-After (limit 1/s, burst 2 on the second replica)', async () => {
    const alice = bearer(['admin'], `alice-${randomUUID()}@example.com`);
    const statuses: number[] = [];
    let limited: Answer | undefined;
    for (let i = 0; i < 3; i++) {
      const a = await call('get', '/api-keys?limit=1', { auth: alice, base: other.url });
      statuses.push(a.status);
      if (a.status === 429) limited = a;
    }
    expect(statuses).toEqual([200, 200, 429]);
    isProblem(limited!, 429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call('get', '/api-keys?limit=1', { auth: bearer(['admin'], `bob-${randomUUID()}@example.com`), base: other.url })).status).toBe(200);
    const check = routes.find((r) => r.rateLimit === 'check');
    if (check) expect((await call(check.method, somePath(check), { auth: alice, base: other.url })).status).not.toBe(429);
  });

  it('answers 503 naming the service when it cannot be reached', async () => {
    const a = await call('get', `/onboardings?packageId=${ids.packageId()}&subscriberOrgId=${ids.subscriberOrgId()}`, {
      auth: bearer(['licenses:read'], `carol-${randomUUID()}@example.com`),
      base: other.url,
    });
    isProblem(a, 503);
    expect(a.body.service).toBe('install-intake');
  });
});

describe('forwarding', () => {
  it('sends the caller as a gateway-signed token with trace context and request id, and relays status, body and headers', async () => {
    const seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const service = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        Object.assign(seen, { method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(201, { 'content-type': 'application/json', location: '/v1/things/1', etag: '"v7"', 'retry-after': '3', 'x-internal': 'secret' });
        res.end(JSON.stringify({ answered: 'by the service' }));
      });
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(service.address() as { port: number }).port}`;
    const gw = await new ServiceProcess(
      'gateway',
      h.gatewayEnv({ INSTALL_INTAKE_URL: url, LEAD_URL: url, LICENSE_URL: url, NOTIFICATION_URL: url, REFRESH_URL: url }),
    ).start();
    try {
      const route = routes.find((r) => r.service !== 'gateway' && r.body && sampleRequest(r)) ?? routes.find((r) => r.service !== 'gateway' && sampleRequest(r))!;
      const s = sampleRequest(route)!;
      const traceId = randomBytes(16).toString('hex');
      const a = await call(route.method, `${s.path}${s.query}`, {
        auth: bearer([route.permission === 'authenticated' ? 'admin' : route.permission], 'dora@example.com'),
        base: gw.url,
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'x-request-id': 'req-42' },
        ...(s.body === undefined ? {} : { body: s.body }),
      });
      expect(a.status).toBe(201);
      expect(a.body).toEqual({ answered: 'by the service' });
      expect(a.headers.get('location')).toBe('/v1/things/1');
      expect(a.headers.get('etag')).toBe('"v7"');
      expect(a.headers.get('retry-after')).toBe('3');
      expect(a.headers.get('x-internal')).toBeNull();
      expect(a.headers.get('x-request-id')).toBe('req-42');

      expect(seen.method).toBe(route.method.toUpperCase());
      expect(seen.url).toBe(`/v1${s.path}${s.query}`);
      expect(seen.headers!['x-request-id']).toBe('req-42');
      expect(seen.headers!['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      // signed with the gateway's key for the service the route belongs to (aud), as that service verifies it
      const token = String(seen.headers!['authorization']).replace(/^Bearer /, '');
      const forwarded = createForwardVerifier({ publicKey: testGatewayKeys.publicKey, audience: route.service }).verify(token);
      expect(() => createForwardVerifier({ publicKey: testGatewayKeys.publicKey, audience: route.service === 'lead' ? 'license' : 'lead' }).verify(token)).toThrow(/another service/);
      expect(forwarded).toEqual({ subject: 'dora@example.com', permissions: new Set([route.permission === 'authenticated' ? 'admin' : route.permission]) });
      if (s.body !== undefined) {
        expect(seen.headers!['content-type']).toBe('application/json');
        expect(JSON.parse(seen.body!)).toEqual(s.body);
      }
    } finally {
      await gw.stop();
      service.close();
    }
  });
});

describe('license checks through the gateway', () => {
  /** Sum and count of the gateway's check batch sizes (lma_gateway_check_batch_size). */
  async function batchSizes(): Promise<{ checks: number; batches: number }> {
    const text = await (await fetch(`${h.service('gateway').metricsUrl}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    return { checks: value('lma_gateway_check_batch_size_sum'), batches: value('lma_gateway_check_batch_size_count') };
  }

  it('answers many callers at once, each with its own answer and its own permission, in shared batches to the license service', async () => {
    const pkg = await h.registerPackage({ defaultLicense: { status: 'Active', lengthDays: null, seats: 2 } });
    const version = await h.uploadVersion(pkg.packageId);
    const install = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(install);
    const licenseId = `lic_${pkg.packageId}_${install.subscriberOrgId}`;
    await eventually('the license of the install', async () => ((await call('get', `/licenses/${licenseId}`)).status === 200 ? true : undefined), 60_000);
    const holder = ids.userId();
    expect((await call('put', `/licenses/${licenseId}/seats/${holder}`)).status).toBe(200);
    const revision = (await call('get', `/licenses/${licenseId}`)).body.revision as number;

    const reader = bearer(['licenses:read'], `reader-${randomUUID()}@example.com`);
    const outsider = bearer(['leads:read'], `outsider-${randomUUID()}@example.com`);
    const path = (packageId: string, userId: string) => `/license-checks?packageId=${packageId}&subscriberOrgId=${install.subscriberOrgId}&userId=${userId}`;
    const asked = [
      ...Array.from({ length: 20 }, () => ({ auth: reader, path: path(pkg.packageId, holder), expect: 'licensed' })),
      ...Array.from({ length: 20 }, () => ({ auth: reader, path: path(pkg.packageId, ids.userId()), expect: 'no-seat' })),
      ...Array.from({ length: 10 }, () => ({ auth: reader, path: path(ids.packageId(), holder), expect: 'not-installed' })),
      ...Array.from({ length: 10 }, () => ({ auth: outsider, path: path(pkg.packageId, holder), expect: 403 })),
    ].sort(() => Math.random() - 0.5);
    const before = await batchSizes();
    const answers = await Promise.all(asked.map((a) => call('get', a.path, { auth: a.auth })));
    const after = await batchSizes();

    const wrong = answers.flatMap((a, i) => {
      const e = asked[i]!.expect;
      if (e === 403) return a.status === 403 && a.body.missingPermission === 'licenses:read' ? [] : [`${i}: ${a.status} ${JSON.stringify(a.body)} for a caller without licenses:read`];
      const want = e === 'licensed' ? { licensed: true, reason: null, licenseId, revision, status: 'Active' } : e === 'no-seat' ? { licensed: false, reason: 'no-seat', licenseId } : { licensed: false, reason: 'not-installed', licenseId: null };
      const ok = a.status === 200 && Object.entries(want).every(([k, v]) => a.body[k] === v);
      return ok ? [] : [`${i}: ${a.status} ${JSON.stringify(a.body)}, expected ${JSON.stringify(want)}`];
    });
    expect(wrong).toEqual([]);
    // only the 50 permitted checks went to the license service, and fewer calls carried them
    expect(after.checks - before.checks).toBe(50);
    expect(after.batches - before.batches).toBeLessThan(50);
  });
});

describe('conditional changes and the rules that refuse changes, through the gateway', () => {
  const hex = () => randomBytes(4).toString('hex');
  const member = (id: string, roles = ['lead-manager']) => call('post', '/team-members', { body: { id, name: 'Lena Manager', email: `${id}@vendor.example`, roles } });
  const problemType = (a: Answer, status: number, type: string) => {
    isProblem(a, status);
    expect(a.body.type).toBe(`https://lma.example/problems/${type}`);
  };

  it('team members: the ETag is the revision; If-Match makes a change conditional (412 when stale, weak or malformed); a taken id is 409; a body that is not JSON 415', async () => {
    const id = `tm-${hex()}`;
    const created = await member(id);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const read = await call('get', `/team-members/${id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    const changed = await call('patch', `/team-members/${id}`, { headers: { 'if-match': read.headers.get('etag')! }, body: { name: 'Lena M.' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    for (const ifMatch of ['"1"', 'W/"2"', '2', 'W/"207-a1b2c3"']) {
      const stale = await call('patch', `/team-members/${id}`, { headers: { 'if-match': ifMatch }, body: { name: 'Someone Else' } });
      problemType(stale, 412, 'precondition-failed');
      expect(stale.body.revision).toBe(2);
    }
    expect((await call('patch', `/team-members/${id}`, { headers: { 'if-match': '"1", "2"' }, body: { name: 'Lena Manager' } })).status).toBe(200);
    expect((await call('patch', `/team-members/${id}`, { headers: { 'if-match': '*' }, body: { active: true, roles: ['lead-manager', 'sales-rep'] } })).headers.get('etag')).toBe('"4"');
    expect((await call('get', `/team-members/${id}`)).body).toMatchObject({ name: 'Lena Manager', revision: 4 });
    problemType(await member(id), 409, 'already-exists');
    problemType(await call('post', '/team-members', { headers: { 'content-type': 'text/plain' }, raw: `id=${id}` }), 415, 'unsupported-media-type');
  });

  it('lead routing: ETag "0" until the first change; a lead manager who cannot be one is 422 naming why; a stale If-Match 412', async () => {
    const packageId = ids.packageId();
    expect((await call('get', `/packages/${packageId}/lead-routing`)).headers.get('etag')).toBe('"0"');
    const salesRep = `tm-${hex()}`;
    expect((await member(salesRep, ['sales-rep'])).status).toBe(201);
    const refused = await call('put', `/packages/${packageId}/lead-manager`, { headers: { 'if-match': '"0"' }, body: { leadManagerId: salesRep } });
    problemType(refused, 422, 'invalid-lead-manager');
    expect(refused.body.errors).toEqual([{ field: 'body.leadManagerId', reason: expect.stringMatching(/without access to licenses/) }]);
    const manager = `tm-${hex()}`;
    expect((await member(manager)).status).toBe(201);
    const set = await call('put', `/packages/${packageId}/lead-routing`, { headers: { 'if-match': '"0"' }, body: { leadManagerId: manager } });
    expect(set.status).toBe(200);
    expect(set.headers.get('etag')).toBe('"1"');
    problemType(await call('put', `/packages/${packageId}/lead-manager`, { headers: { 'if-match': '"0"' }, body: { leadManagerId: null } }), 412, 'precondition-failed');
    expect((await call('get', `/packages/${packageId}/lead-routing`)).body).toMatchObject({ leadManagerId: manager, revision: 1 });
  });

  it('notification rules: ETag, a conditional change and a conditional deletion', async () => {
    const created = await call('post', '/notification-rules', {
      body: { kind: 'license-uninstalled', name: `Uninstalls ${hex()}`, recipients: { emails: ['ops@vendor.example'] }, subject: 'Uninstalled', body: 'A license was uninstalled' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const path = `/notification-rules/${created.body.ruleId}`;
    const off = await call('patch', path, { headers: { 'if-match': '"1"' }, body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.headers.get('etag')).toBe('"2"');
    problemType(await call('delete', path, { headers: { 'if-match': '"1"' } }), 412, 'precondition-failed');
    expect((await call('get', path)).body).toMatchObject({ enabled: false, revision: 2 });
    expect((await call('delete', path, { headers: { 'if-match': '"2"' } })).status).toBe(204);
    problemType(await call('get', path), 404, 'not-found');
  });

  it('an install: license and package ETags and 412; seats, Trial, uninstall (409, 422); lead conversion, onboarding retry and refresh refused with their kinds of problem', async () => {
    const pkg = await h.registerPackage({ defaultLicense: { status: 'Active', lengthDays: null, seats: 1 } });
    const version = await h.uploadVersion(pkg.packageId);
    const install = h.installData(pkg.packageId, version.packageVersionId);
    await h.install(install);
    const licensePath = `/licenses/lic_${pkg.packageId}_${install.subscriberOrgId}`;
    const read = await eventually('the license of the install', async () => {
      const a = await call('get', licensePath);
      return a.status === 200 ? a : undefined;
    }, 60_000);
    const etag = `"${read.body.revision}"`;
    expect(read.headers.get('etag')).toBe(etag);

    problemType(await call('patch', licensePath, { headers: { 'if-match': `"${read.body.revision + 1}"` }, body: { reason: 'more seats', seats: 5 } }), 412, 'precondition-failed');
    problemType(await call('patch', licensePath, { body: { reason: 'a trial again', status: 'Trial', expiresOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) } }), 422, 'license-rule-violated');
    expect((await call('put', `${licensePath}/seats/${ids.userId()}`)).status).toBe(200);
    const full = await call('put', `${licensePath}/seats/${ids.userId()}`);
    problemType(full, 409, 'no-seat-available');
    expect(full.body).toMatchObject({ seats: 1, usedLicenses: 1 });
    const seats = await call('patch', licensePath, { headers: { 'if-match': `"${read.body.revision + 1}"` }, body: { reason: 'two seats', seats: 2 } });
    expect(seats.status, JSON.stringify(seats.body)).toBe(200);
    expect(seats.headers.get('etag')).toBe(`"${read.body.revision + 2}"`);

    const pkgRead = await call('get', `/packages/${pkg.packageId}`);
    expect(pkgRead.headers.get('etag')).toBe(`"${pkgRead.body.revision}"`);
    problemType(await call('patch', `/packages/${pkg.packageId}`, { headers: { 'if-match': `"${pkgRead.body.revision + 1}"` }, body: { reason: 'x', defaultLicense: { seats: 3 } } }), 412, 'precondition-failed');
    const defaults = await call('patch', `/packages/${pkg.packageId}`, { headers: { 'if-match': pkgRead.headers.get('etag')! }, body: { reason: 'x', defaultLicense: { seats: 3 } } });
    expect(defaults.headers.get('etag')).toBe(`"${pkgRead.body.revision + 1}"`);

    const onboardings = await call('get', `/onboardings?packageId=${pkg.packageId}&subscriberOrgId=${install.subscriberOrgId}`);
    problemType(await call('post', `/onboardings/${encodeURIComponent(onboardings.body.items[0].sagaId)}/retry`), 409, 'onboarding-not-parked');
    const lead = (await call('get', `/leads?packageId=${pkg.packageId}`)).body.items[0];
    problemType(await call('post', `/leads/${lead.leadId}/convert`, { body: { accountId: `account_${'0'.repeat(24)}` } }), 422, 'unknown-account');
    expect((await call('post', `/leads/${lead.leadId}/convert`, { body: { accountName: 'Navy Labs' } })).status).toBe(200);
    problemType(await call('post', `/leads/${lead.leadId}/convert`, { body: { accountName: 'Navy Labs' } }), 409, 'lead-not-open');

    const job = await call('post', `/packages/${pkg.packageId}/refresh`);
    expect(job.status).toBe(202);
    const again = await call('post', `/packages/${pkg.packageId}/refresh`);
    problemType(again, 429, 'refresh-allowance-used');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(86_400);
    problemType(await call('post', `/refresh-jobs/${job.body.jobId}/retry`), 409, 'refresh-not-retryable');

    await h.kafka.publishEvent(MARKETPLACE_EVENTS_TOPIC, {
      type: MarketplaceEventType.PackageUninstalled,
      key: `${pkg.packageId}:${install.subscriberOrgId}`,
      data: { packageId: pkg.packageId, subscriberOrgId: install.subscriberOrgId, uninstalledAt: new Date().toISOString() },
    });
    await eventually('the license uninstalled', async () => (await call('get', licensePath)).body.status === 'Uninstalled', 30_000);
    problemType(await call('patch', licensePath, { body: { reason: 'more seats', seats: 5 } }), 409, 'license-not-modifiable');
    problemType(await call('delete', `${licensePath}/seats/${ids.userId()}`), 409, 'license-not-modifiable');
  });
});

describe('the OpenAPI document the gateway serves', () => {
  type Json = Record<string, unknown>;
  it('declares every status and kind of problem answered in this file, for the operation that answered; ETags and challenges as declared', async () => {
    const doc = (await call('get', '/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, Json> }>> } & Json;
    const resolve = (node: Json): Json => (typeof node['$ref'] === 'string' ? resolve((node['$ref'] as string).slice(2).split('/').reduce<Json>((n, k) => n[k] as Json, doc)) : node);
    const literals = (template: string) => template.split('/').filter((s) => s && !s.startsWith('{')).length;
    // matched as the gateway matches them: most literal segments first (/onboardings/by-event/{id} before /onboardings/{id})
    const operations = Object.entries(doc.paths)
      .sort(([a], [b]) => literals(b) - literals(a))
      .flatMap(([template, methods]) => Object.entries(methods).map(([method, o]) => ({ method, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`), o })));
    const seen = new Set<string>();
    for (const a of answered) {
      const op = operations.find((o) => o.method === a.method && o.pattern.test(a.path.split('?')[0]!));
      if (!op) continue; // no operation there: the gateway's unknown-operation or method-not-allowed
      const what = `${a.method.toUpperCase()} ${a.path} (${op.o.operationId}) answered ${a.status} ${JSON.stringify(a.body)?.slice(0, 300)}`;
      const declared = op.o.responses[String(a.status)];
      expect(declared, `${what}: not declared`).toBeDefined();
      const response = resolve(declared!);
      if (a.status >= 400) {
        const examples = (response['content'] as Record<string, { examples: Record<string, Json> }>)['application/problem+json']!.examples;
        expect(Object.values(examples).map((e) => (resolve(e)['value'] as Json)['type']), `${what}: its kind of problem is not declared`).toContain(a.body.type);
      }
      if (a.status === 401) expect(a.headers.get('www-authenticate'), what).toMatch(/^Bearer realm="lma"/);
      if (a.status < 300) expect(a.headers.get('etag'), what).toBe((response['headers'] as Json | undefined)?.['ETag'] ? `"${a.body.revision}"` : null);
      seen.add(`${op.o.operationId} ${a.status}`);
    }
    expect(answered.length).toBeGreaterThan(500);
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'modifyLicense 409', 'modifyLicense 412', 'modifyLicense 422', 'assignSeat 409', 'revokeSeat 409', 'updatePackage 412', 'createTeamMember 409',
        'createTeamMember 415', 'updateTeamMember 412', 'setLeadManager 422', 'setLeadManager 412', 'deleteNotificationRule 412', 'convertLead 409',
        'convertLead 422', 'retryOnboarding 409', 'requestRefresh 429', 'retryRefreshJob 409', 'listApiKeys 401', 'listApiKeys 403', 'listApiKeys 429',
        'createApiKey 413', 'listOnboardings 503',
      ]),
    );
  });
});
