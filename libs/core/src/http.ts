import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
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
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Writes every error as application/problem+json; unknown errors are 500 without internals. */
export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let detail = 'An unexpected error occurred';
    let errors: FieldError[] = [];
    let extra: Record<string, unknown> = {};
    if (err instanceof LmaError) {
      status = httpStatusOf[err.kind];
      detail = err.message;
      errors = err.errors;
      extra = err.extra;
      if (status === 429 && typeof extra['retryAfterSeconds'] === 'number') {
        res.setHeader('Retry-After', String(extra['retryAfterSeconds']));
      }
    } else if (isBodyParserError(err)) {
      status = err.status;
      detail = err.type === 'entity.parse.failed' ? 'The request body is not valid JSON' : err.message;
      if (err.type === 'entity.parse.failed') errors = [{ field: 'body', reason: 'is not valid JSON' }];
    }
    if (status >= 500) logger.error({ err, path: req.path }, 'request failed');
    res
      .status(status)
      .type('application/problem+json')
      .json({
        type: `https://lma.dev/problems/${status}`,
        title: TITLES[status] ?? 'Error',
        status,
        detail,
        instance: req.originalUrl,
        ...(errors.length ? { errors } : {}),
        ...extra,
      });
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

export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Server> {
  return await new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.keepAliveTimeout = 65_000;
  });
}

export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
