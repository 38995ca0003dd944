import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isUtf8 } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Socket } from 'node:net';
import { LmaError, PROBLEM_TYPES, UnauthenticatedError, ValidationError, problemTypeUri, type AuthChallenge, type FieldError, type ProblemType } from './errors';
import type { Logger } from './logger';
import { BODY_LIMIT_BYTES, nestsDeeperThan, notUtf8Error, parserRefusal, refusalOf, tooDeepError, type Refusal } from './requestGuard';

export type ReadinessCheck = { name: string; check: () => Promise<boolean> | boolean };

/** Express app with JSON limits, `/healthz` and `/readyz`; routes are added by the service. */
export function createBaseApp(readiness: ReadinessCheck[]): Express {
  const app = express();
  app.disable('x-powered-by');
  // an ETag is the revision of a resource, set by the routes of resources that have one (@lma/api);
  // express's weak hash of every body would contradict it
  app.set('etag', false);
  app.set('query parser', 'simple');
  // what reaches express passed the request guard (listen): a body is JSON in UTF-8, uncompressed
  app.use(
    express.json({
      limit: BODY_LIMIT_BYTES,
      strict: true,
      type: ['application/json', 'application/*+json'],
      verify: (_req, _res, bytes) => {
        if (!isUtf8(bytes)) throw notUtf8Error();
      },
    }),
  );
  app.use((req, _res, next) => next(nestsDeeperThan(req.body) ? tooDeepError() : undefined));
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

/** The content type of every problem document (what express writes for `type('application/problem+json')`). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** An application/problem+json document (RFC 9457) of one kind of problem (PROBLEM_TYPES). */
export function problemDocument(problem: ProblemType, detail: string, instance: string | undefined, errors: FieldError[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { status, title } = PROBLEM_TYPES[problem];
  return { type: problemTypeUri(problem), title, status, detail, instance, ...(errors.length ? { errors } : {}), ...extra };
}

const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/**
 * `WWW-Authenticate` of a 401 (RFC 9110 11.6.1): one challenge per accepted scheme, the refused
 * one with `error="invalid_token"` (RFC 6750 3.1) and why.
 */
export function wwwAuthenticate(challenge: AuthChallenge, detail: string): string {
  return challenge.schemes
    .map((scheme) => `${scheme} realm="lma"${scheme === challenge.refused ? `, error="invalid_token", error_description=${quoted(detail)}` : ''}`)
    .join(', ');
}

/** body-parser's refusals (express services), by status. */
const BODY_PARSER_PROBLEMS: Record<number, ProblemType> = { 400: 'validation', 413: 'payload-too-large', 415: 'unsupported-media-type' };

/**
 * The answer to an error: an LmaError's problem type, message, field errors and extras (a 429
 * with its Retry-After, a 401 with its WWW-Authenticate), a JSON body the body parser refused
 * (400, 413, 415), anything else a 500 without internals. Shared by every HTTP front (express
 * services, the gateway, the license check fast path).
 */
export function problemOf(err: unknown, instance: string | undefined): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  if (err instanceof LmaError) {
    const body = problemDocument(err.problem, err.message, instance, err.errors, err.extra);
    const retryAfter = err.extra['retryAfterSeconds'];
    const headers: Record<string, string> = {};
    if (typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
    if (err instanceof UnauthenticatedError) headers['WWW-Authenticate'] = wwwAuthenticate(err.challenge, err.message);
    return { status: body['status'] as number, body, headers };
  }
  const problem = isBodyParserError(err) ? BODY_PARSER_PROBLEMS[err.status] : undefined;
  if (isBodyParserError(err) && problem) {
    const invalid = err.type === 'entity.parse.failed';
    return {
      status: err.status,
      body: problemDocument(problem, invalid ? 'The request body is not valid JSON' : err.message, instance, invalid ? [{ field: 'body', reason: 'is not valid JSON' }] : []),
      headers: {},
    };
  }
  return { status: 500, body: problemDocument('internal-error', 'An unexpected error occurred', instance), headers: {} };
}

/**
 * Ends an express app: a request no route took is a 404 (unknown-operation), and every error is
 * written as application/problem+json; unknown errors are 500 without internals.
 */
export function problemMiddleware(logger: Logger): [RequestHandler, ErrorRequestHandler] {
  return [
    (req: Request, _res: Response, next: NextFunction) => next(new LmaError('not_found', `No operation at ${req.method} ${req.path}`, { problem: 'unknown-operation' })),
    (err: unknown, req: Request, res: Response, _next: NextFunction) => {
      const p = problemOf(err, req.originalUrl);
      if (p.status >= 500) logger.error({ err, path: req.path }, 'request failed');
      res.set(p.headers).status(p.status).type('application/problem+json').json(p.body);
    },
  ];
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

/** Writes a refused request's problem (requestGuard.ts), as problemMiddleware would. */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const p = problemOf(refusal.error, req.url);
  const text = JSON.stringify(p.body);
  res.writeHead(p.status, { ...p.headers, ...refusal.headers, 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * `handler` behind the request guard (requestGuard.ts): a refused request is answered with its
 * problem, its body (if any) read and discarded so the connection stays usable, and never
 * reaches the handler.
 */
export function guardRequests(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const refusal = refusalOf(req);
    if (!refusal) return handler(req, res);
    req.resume();
    sendRefusal(req, res, refusal);
  };
}

/** A problem document written straight to a socket (no request object to answer), closing it. */
function socketProblem(socket: Socket, problem: ProblemType, detail: string, errors: FieldError[], headers = ''): void {
  const { status, title } = PROBLEM_TYPES[problem];
  const text = JSON.stringify(problemDocument(problem, detail, undefined, errors));
  socket.end(`HTTP/1.1 ${status} ${title}\r\n${headers}Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

/**
 * Answers what node's HTTP parser refuses (a malformed request line or header, an unknown method,
 * headers over 16 kB, a request too slow to arrive) and CONNECT as problem documents, where node
 * would write a bare status line or drop the connection.
 */
export function answerUnparsableRequests(server: Server): void {
  server.on('clientError', (err: Error & { code?: string; reason?: unknown }, socket: Socket) => {
    if (!socket.writable || socket.bytesWritten > 0 || err.code === 'ECONNRESET') return void socket.destroy();
    const r = parserRefusal(err);
    socketProblem(socket, r.problem, r.detail, r.errors);
  });
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socketProblem(socket, 'method-not-allowed', 'CONNECT is not supported: this is not a proxy', [], 'Allow: GET, POST, PUT, PATCH, DELETE\r\n');
  });
}

/** Options of every HTTP server: the request guard answers a request without Host (node would answer a bare 400). */
export const SERVER_OPTIONS = { requireHostHeader: false } as const;

/**
 * Serves `app` on `port`, behind the request guard. `front`, when given, sees every request the
 * guard lets through first and answers the ones it takes (returning true); the rest go to `app`.
 */
export async function listen(app: Express, port: number, host = '0.0.0.0', front?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<Server> {
  const server = createServer(SERVER_OPTIONS, guardRequests(front ? (req, res) => void (front(req, res) || app(req, res)) : app));
  answerUnparsableRequests(server);
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
