import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from 'express';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import { LmaError, ValidationError, httpStatusOf, type FieldError } from './errors';
import type { Logger } from './logger';

export type ReadinessCheck = { name: string; check: () => Promise<boolean> | boolean };

/** Express app with JSON limits, `/healthz` and `/readyz`; routes are added by the service. */
export function createBaseApp(readiness: ReadinessCheck[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '64kb', strict: true, type: ['application/json', 'application/*+json'] }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      readiness.map(async (r) => {
        try {
          return [r.name, await r.check()] as const;
        } catch {
          return [r.name, false] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, ok]) => ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unready', checks });
  });
  return app;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The content type of every problem document (what express writes for `type('application/problem+json')`). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** An application/problem+json document (RFC 9457) in LMA's format. */
export function problemDocument(status: number, detail: string, instance: string | undefined, errors: FieldError[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: `https://lma.dev/problems/${status}`, title: TITLES[status] ?? 'Error', status, detail, instance, ...(errors.length ? { errors } : {}), ...extra };
}

/**
 * The answer to an error: an LmaError's status, message, field errors and extras (a 429 with its
 * Retry-After), a JSON body the body parser refused (400, 413...), anything else a 500 without
 * internals. Shared by every HTTP front (express services, the gateway, the license check fast path).
 */
export function problemOf(err: unknown, instance: string | undefined): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  if (err instanceof LmaError) {
    const status = httpStatusOf[err.kind];
    const retryAfter = err.extra['retryAfterSeconds'];
    const headers: Record<string, string> = status === 429 && typeof retryAfter === 'number' ? { 'Retry-After': String(retryAfter) } : {};
    return { status, body: problemDocument(status, err.message, instance, err.errors, err.extra), headers };
  }
  if (isBodyParserError(err)) {
    const invalid = err.type === 'entity.parse.failed';
    return {
      status: err.status,
      body: problemDocument(err.status, invalid ? 'The request body is not valid JSON' : err.message, instance, invalid ? [{ field: 'body', reason: 'is not valid JSON' }] : []),
      headers: {},
    };
  }
  return { status: 500, body: problemDocument(500, 'An unexpected error occurred', instance), headers: {} };
}

/** Writes every error as application/problem+json; unknown errors are 500 without internals. */
export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const p = problemOf(err, req.originalUrl);
    if (p.status >= 500) logger.error({ err, path: req.path }, 'request failed');
    res.set(p.headers).status(p.status).type('application/problem+json').json(p.body);
  };
}

function isBodyParserError(err: unknown): err is { status: number; type: string; message: string } {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' && typeof (err as { type?: unknown }).type === 'string';
}

/** Parses with zod; every issue becomes a named field error (400). */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, prefix: string): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => ({
      field: [prefix, ...i.path].filter((p) => p !== '').join('.'),
      reason: i.code === 'invalid_type' && i.received === 'undefined' ? 'is required' : i.message,
    })),
  );
}

/**
 * Serves `app` on `port`. `front`, when given, sees every request first and answers the ones it
 * takes (returning true); the rest go to `app`.
 */
export async function listen(app: Express, port: number, host = '0.0.0.0', front?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<Server> {
  const server = createServer(front ? (req, res) => void (front(req, res) || app(req, res)) : app);
  server.keepAliveTimeout = 65_000;
  return await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
