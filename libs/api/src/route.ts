import type { Express, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { ValidationError, parseInput, requirePermission, type Principal } from '@lma/core';
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
  /** Required permission; `authenticated` means any valid caller. */
  permission: Permission | 'authenticated';
  summary: string;
  description?: string;
  tags: string[];
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodTypeAny;
  responses: Record<number, ResponseSpec>;
  /** Rate-limit bucket; `check` for the license check hot path (its own, larger budget). */
  rateLimit?: 'default' | 'check';
}

/** Keeps literal types of a route declaration. */
export const defineRoute = <const R extends ApiRoute>(route: R): R => route;

/** `/licenses/{licenseId}` -> `/licenses/:licenseId`. */
export const expressPath = (path: string): string => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

export const successStatus = (route: ApiRoute): number =>
  Number(Object.keys(route.responses).find((s) => Number(s) >= 200 && Number(s) < 300) ?? 200);

type Infer<S> = S extends z.ZodTypeAny ? z.output<S> : undefined;
export interface RouteInput<R extends ApiRoute> {
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
  principal: Principal;
}

const strict = <S extends z.ZodTypeAny>(s: S): z.ZodTypeAny => (s instanceof z.ZodObject ? s.strict() : s);

/** Validates a request's path, query and body against a route; every problem is a named field error. */
export function parseRoute<R extends ApiRoute>(route: R, req: { params: unknown; query: unknown; body: unknown }): Omit<RouteInput<R>, 'principal'> {
  const errors: { field: string; reason: string }[] = [];
  const part = (schema: z.ZodTypeAny | undefined, input: unknown, prefix: string): unknown => {
    if (!schema) {
      const empty = input === undefined || input === null || (typeof input === 'object' && Object.keys(input as object).length === 0);
      if (!empty) errors.push({ field: prefix, reason: 'must be empty for this operation' });
      return undefined;
    }
    try {
      return parseInput(strict(schema), input ?? (prefix === 'body' ? undefined : {}), prefix);
    } catch (err) {
      if (err instanceof ValidationError) errors.push(...err.errors);
      else throw err;
      return undefined;
    }
  };
  const params = part(route.params, req.params, 'path');
  const query = part(route.query, req.query, 'query');
  const body = part(route.body, req.body, 'body');
  if (errors.length) throw new ValidationError(errors);
  return { params, query, body } as Omit<RouteInput<R>, 'principal'>;
}

/**
 * Mounts a service's handler for a route at `/v1` + path, behind the route's permission and
 * validation. The handler's result is sent as JSON with the route's success status (unless the
 * handler already answered).
 */
export function mountRoute<R extends ApiRoute>(
  app: Express | Router,
  route: R,
  handler: (input: RouteInput<R>, req: Request, res: Response) => unknown,
): void {
  const guards: RequestHandler[] = route.permission === 'authenticated' ? [] : [requirePermission(route.permission)];
  const handle: RequestHandler = async (req: Request, res: Response) => {
    const input = parseRoute(route, req);
    const result = await handler({ ...input, principal: req.principal! }, req, res);
    if (res.headersSent) return;
    const status = successStatus(route);
    if (status === 204 || result === undefined) res.status(status).end();
    else res.status(status).json(result);
  };
  app.route(`/v1${expressPath(route.path)}`)[route.method](...guards, handle);
}
