import type { Express, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { PreconditionFailedError, UnsupportedMediaTypeError, ValidationError, requirePermission, type Principal, type ProblemType } from '@lma/core';
import type { Permission } from './permissions';

/** The processes behind the one public API (`/api/v1`). */
export type ApiService = 'gateway' | 'install-intake' | 'lead' | 'license' | 'notification' | 'refresh';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape, z.UnknownKeysParam>;

export interface ResponseSpec {
  description: string;
  /** Omitted for empty bodies (204) and for problem responses (documented once, generically). */
  schema?: z.ZodTypeAny;
}

/**
 * One operation of the public API, declared once: the gateway routes, authorises and validates
 * with it, the owning service mounts its handler with it, and the OpenAPI document is generated
 * from it. Every object schema is made strict, so unknown fields (and `$` operators) are 400s.
 */
export interface ApiRoute {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI style, relative to `/api/v1`: `/licenses/{licenseId}`. The service serves `/v1` + path. */
  path: string;
  service: ApiService;
  /**
   * Required permission; `authenticated` means any valid caller, `public` no credentials at all
   * (documents the gateway serves to anyone: the AsyncAPI document and the event schemas).
   */
  permission: Permission | 'authenticated' | 'public';
  summary: string;
  description?: string;
  tags: string[];
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodTypeAny;
  responses: Record<number, ResponseSpec>;
  /**
   * Kinds of problem the operation's own rules answer (a 409, 422...), beside those the gateway
   * and the declaration imply for every operation (openapi.ts).
   */
  problems?: ProblemType[];
  /** The resource has a revision: the success answer carries `ETag: "<revision>"`, the answer's `revision`. */
  etag?: boolean;
  /** `If-Match` with the resource's ETag makes the change conditional: 412 unless it is current. */
  ifMatch?: boolean;
  /** Rate-limit bucket; `check` for the license check hot path (its own, larger budget). */
  rateLimit?: 'default' | 'check';
}

/** Keeps literal types of a route declaration. */
export const defineRoute = <const R extends ApiRoute>(route: R): R => route;

/** `/licenses/{licenseId}` -> `/licenses/:licenseId`. */
export const expressPath = (path: string): string => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

export const successStatus = (route: ApiRoute): number =>
  Number(Object.keys(route.responses).find((s) => Number(s) >= 200 && Number(s) < 300) ?? 200);

/** The strong entity tag of a resource at a revision. */
export const etagOf = (revision: number): string => `"${revision}"`;

/**
 * An `If-Match` condition (RFC 9110 13.1.1) as a check of a resource's current revision: true
 * for `*`, or when one of the listed entity tags is the resource's ETag by strong comparison
 * (a weak tag never matches); false for anything else, a malformed value included. No header:
 * no condition.
 */
export function ifMatchCondition(header: string | undefined): (revision: number) => boolean {
  if (header === undefined) return () => true;
  const value = header.trim();
  if (value === '*') return () => true;
  const tags: string[] = [];
  const rest = value.replace(/(W\/)?"[\x21\x23-\x7e\x80-\xff]*"/g, (tag: string) => {
    tags.push(tag);
    return '';
  });
  if (/[^,\s]/.test(rest)) return () => false;
  return (revision) => tags.includes(etagOf(revision));
}

/**
 * Throws 412 unless the request's `If-Match` holds for the resource at `revision` (any revision
 * when the request has none). Call it on the state a change is decided on, after the resource was
 * found (a missing one is 404 whatever the condition), so a change that lost a race is checked
 * again on the state that won.
 */
export type Precondition = (revision: number) => void;

export function preconditionOf(header: string | undefined): Precondition {
  const holds = ifMatchCondition(header);
  return (revision) => {
    if (!holds(revision)) throw new PreconditionFailedError(`If-Match ${header} does not match the current ETag ${etagOf(revision)}`, { revision });
  };
}

type Infer<S> = S extends z.ZodTypeAny ? z.output<S> : undefined;
export interface RouteInput<R extends ApiRoute> {
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
  principal: Principal;
  /** The request's `If-Match` (routes with `ifMatch`; otherwise it holds for any revision). */
  precondition: Precondition;
}

/** zod's kind of a schema; by name, as `instanceof` fails across zod's CommonJS and ESM builds. */
const kind = (s: z.ZodTypeAny): string => (s._def as { typeName?: string }).typeName ?? '';

/**
 * The schema with every plain object in it made strict (nested ones too), so unknown fields,
 * dotted keys and `$` operators are rejected rather than silently stripped. Objects declared
 * `.passthrough()` and records keep their meaning.
 */
export function strictSchema(s: z.ZodTypeAny): z.ZodTypeAny {
  switch (kind(s)) {
    case 'ZodObject': {
      const o = s as AnyObject;
      const shape = Object.fromEntries(Object.entries(o.shape as z.ZodRawShape).map(([k, v]) => [k, strictSchema(v)]));
      const next = new z.ZodObject({ ...o._def, shape: () => shape });
      return o._def.unknownKeys === 'strip' ? next.strict() : next;
    }
    case 'ZodOptional':
      return strictSchema((s as z.ZodOptional<z.ZodTypeAny>).unwrap()).optional();
    case 'ZodNullable':
      return strictSchema((s as z.ZodNullable<z.ZodTypeAny>).unwrap()).nullable();
    case 'ZodDefault': {
      const d = s as z.ZodDefault<z.ZodTypeAny>;
      return new z.ZodDefault({ ...d._def, innerType: strictSchema(d._def.innerType) });
    }
    case 'ZodArray': {
      const a = s as z.ZodArray<z.ZodTypeAny>;
      return new z.ZodArray({ ...a._def, type: strictSchema(a.element) });
    }
    case 'ZodEffects': {
      // a refined or transformed object (`.refine`, `.superRefine`, `.transform`) is strict inside too
      const e = s as z.ZodEffects<z.ZodTypeAny>;
      return new z.ZodEffects({ ...e._def, schema: strictSchema(e._def.schema) });
    }
    default:
      return s;
  }
}

const strictCache = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();
const strict = (s: z.ZodTypeAny): z.ZodTypeAny => {
  let c = strictCache.get(s);
  if (!c) strictCache.set(s, (c = strictSchema(s)));
  return c;
};

/** zod issues as field errors; an unknown key is named as its own field. */
function fieldErrors(issues: z.ZodIssue[], prefix: string): { field: string; reason: string }[] {
  const name = (path: (string | number)[]) => [prefix, ...path].filter((p) => p !== '').join('.');
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: name([...i.path, k]), reason: 'is not a known field' }))
      : [{ field: name(i.path), reason: i.code === 'invalid_type' && i.received === 'undefined' ? 'is required' : i.message }],
  );
}

/** Validates a request's path, query and body against a route; every problem is a named field error. */
export function parseRoute<R extends ApiRoute>(route: R, req: { params: unknown; query: unknown; body: unknown }): Omit<RouteInput<R>, 'principal'> {
  const errors: { field: string; reason: string }[] = [];
  const part = (schema: z.ZodTypeAny | undefined, input: unknown, prefix: string): unknown => {
    if (!schema) {
      const empty = input === undefined || input === null || (typeof input === 'object' && Object.keys(input as object).length === 0);
      if (!empty) errors.push({ field: prefix, reason: 'must be empty for this operation' });
      return undefined;
    }
    const r = strict(schema).safeParse(input ?? (prefix === 'body' ? undefined : {}));
    if (r.success) return r.data;
    errors.push(...fieldErrors(r.error.issues, prefix));
    return undefined;
  };
  const params = part(route.params, req.params, 'path');
  const query = part(route.query, req.query, 'query');
  const body = part(route.body, req.body, 'body');
  if (errors.length) throw new ValidationError(errors);
  return { params, query, body } as Omit<RouteInput<R>, 'principal'>;
}

const JSON_BODY = ['application/json', 'application/*+json'];
/** Whether a request carries a body (RFC 9112 6.3), whatever its type. */
export const hasBody = (headers: { 'content-length'?: string | undefined; 'transfer-encoding'?: string | undefined }): boolean =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

/**
 * Mounts a service's handler for a route at `/v1` + path, behind the route's permission and
 * validation. The handler's result is sent as JSON with the route's success status (unless the
 * handler already answered), with its revision as ETag where the route declares one.
 */
export function mountRoute<R extends ApiRoute>(
  app: Express | Router,
  route: R,
  handler: (input: RouteInput<R>, req: Request, res: Response) => unknown,
): void {
  const guards: RequestHandler[] = route.permission === 'authenticated' || route.permission === 'public' ? [] : [requirePermission(route.permission)];
  const handle: RequestHandler = async (req: Request, res: Response) => {
    if (route.body && hasBody(req.headers) && !req.is(JSON_BODY)) throw new UnsupportedMediaTypeError(req.headers['content-type']);
    const input = parseRoute(route, req);
    const precondition = preconditionOf(route.ifMatch ? req.header('if-match') : undefined);
    const result = await handler({ ...input, principal: req.principal!, precondition }, req, res);
    if (res.headersSent) return;
    const status = successStatus(route);
    const revision = (result as { revision?: unknown } | undefined)?.revision;
    if (route.etag && typeof revision === 'number') res.setHeader('ETag', etagOf(revision));
    if (status === 204 || result === undefined) res.status(status).end();
    else res.status(status).json(result);
  };
  app.route(`/v1${expressPath(route.path)}`)[route.method](...guards, handle);
}
