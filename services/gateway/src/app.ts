import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { createApiKey, eventSchema, getApiKey, getApiKeyAudit, getAsyncApi, getEventSchema, getOpenApi, hasBody, licenseApi, listApiKeys, listDeadLetters, parseRoute, revokeApiKey, successStatus, type ApiRoute, type AsyncApiDocument, type OpenApiDocument } from '@lma/api';
import { ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, UnsupportedMediaTypeError, ValidationError, hasPermission, isJsonMediaType, type Logger, type Principal } from '@lma/core';
import type { Authenticator, Caller } from './api/authenticate';
import type { CheckBatches, CheckQuery } from './api/checkBatches';
import { deadLetterList, type DeadLetterQuery } from './api/deadLetters';
import { HttpProblem, readJson, sendJson, sendProblem } from './api/http';
import type { Proxy, Upstream } from './api/proxy';
import { clientAddressKey, type RateLimiter } from './domain/rateLimiter';
import { compileRoutes } from './domain/routeTable';
import type { ApiKeyStore } from './infra/apiKeyStore';

export const API_PREFIX = '/api/v1';

export interface GatewayDeps {
  routes: readonly ApiRoute[];
  openapi: OpenApiDocument;
  asyncapi: AsyncApiDocument;
  authenticate: Authenticator;
  limiter: RateLimiter;
  /**
   * Requests without credentials or with refused ones, per client address (clientAddressKey):
   * an address whose budget is spent is answered 429 before its credentials are looked at.
   */
  addresses: RateLimiter<'unauthenticated'>;
  proxy: Proxy;
  /** Single license checks coalesced into batches (checkBatches.ts); without it each is forwarded on its own. */
  checks?: CheckBatches;
  keys: ApiKeyStore;
  logger: Logger;
  /** Called when a request under /api/v1 has been answered (metrics). */
  observe?: (operation: string, status: number, seconds: number) => void;
}

type Input = ReturnType<typeof parseRoute>;

const relay = (res: ServerResponse, answer: Upstream) => {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
  res.end(answer.body);
};
type Handler = (input: Input, principal: Principal, caller: Caller, requestId: string) => Promise<unknown> | unknown;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller of a public operation: no credentials asked for, rate-limited by its address. */
const anonymous = (req: IncomingMessage): Caller => ({ principal: { subject: 'anonymous', permissions: new Set() }, id: `ip:${req.socket.remoteAddress ?? ''}`, forwardToken: () => '' });

/**
 * `/api/v1/*`: authenticate, rate-limit, authorise, validate with the route declaration, then
 * answer (gateway routes) or forward to the owning service's `/v1/*`. A plain node:http handler
 * rather than express middleware: this is the license-check hot path, and every layer costs.
 */
export function createApp(deps: GatewayDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const match = compileRoutes(deps.routes);
  const deadLetters = deadLetterList(deps);
  const local: Record<string, Handler> = {
    [getOpenApi.operationId]: () => deps.openapi,
    [getAsyncApi.operationId]: () => deps.asyncapi,
    [getEventSchema.operationId]: ({ params }) => {
      const { eventType, version } = params as { eventType: string; version: string };
      const schema = eventSchema(eventType, version);
      if (!schema) throw new NotFoundError(`Schema of ${eventType} ${version}`);
      return schema;
    },
    [createApiKey.operationId]: ({ body }, p) => deps.keys.create(body as { name: string; permissions: string[] }, p.subject),
    [listApiKeys.operationId]: ({ query }) => {
      const q = query as { limit: number; cursor?: string };
      return deps.keys.list(q.limit, q.cursor);
    },
    [getApiKey.operationId]: ({ params }) => deps.keys.get((params as { keyId: string }).keyId),
    [revokeApiKey.operationId]: ({ params }, p) => deps.keys.revoke((params as { keyId: string }).keyId, p.subject),
    [getApiKeyAudit.operationId]: ({ params }) => deps.keys.audit((params as { keyId: string }).keyId),
    [listDeadLetters.operationId]: ({ query }, _p, caller, requestId) => deadLetters(query as DeadLetterQuery, caller, requestId),
  };
  for (const r of deps.routes) {
    if (r.service === 'gateway' && !local[r.operationId]) throw new Error(`gateway route ${r.operationId} has no handler`);
  }

  /**
   * The caller its credentials name. Each request from an address that brings none, or refused
   * ones, spends a token of that address's budget; once it is spent, the address's requests are
   * refused (429) before any credential is checked, so unknown API key ids and junk tokens cannot
   * be sprayed at the cost of a database read or a signature check each.
   */
  async function authenticated(req: IncomingMessage): Promise<Caller> {
    const address = clientAddressKey(req.socket.remoteAddress);
    const open = deps.addresses.peek(address, 'unauthenticated');
    if (!open.ok) {
      // a token verified before still works: only unknown credentials wait
      const known = deps.authenticate.known?.(req.headers);
      if (known) return known;
      throw new RateLimitedError(open.retryAfterSeconds, `Too many requests without valid credentials from this address; retry in ${open.retryAfterSeconds} s`);
    }
    try {
      return await deps.authenticate(req.headers);
    } catch (err) {
      if (err instanceof UnauthenticatedError) deps.addresses.take(address, 'unauthenticated');
      throw err;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: string, requestId: string): Promise<string> {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const m = match(method, path);
    const caller = m.kind === 'route' && m.route.permission === 'public' ? anonymous(req) : await authenticated(req);
    if (m.kind === 'not-found') throw new HttpProblem('unknown-operation', `No API operation at ${method} ${API_PREFIX}${path}; see ${API_PREFIX}/openapi.json`);
    if (m.kind === 'method-not-allowed') throw new HttpProblem('method-not-allowed', `${API_PREFIX}${path} allows ${m.allow.join(', ')}`, { allow: m.allow.join(', ') });
    if (m.kind === 'bad-path') throw new ValidationError([{ field: `path.${m.param}`, reason: 'is not valid URL encoding' }]);
    const route = m.route;

    const taken = deps.limiter.take(caller.id, route.rateLimit === 'check' ? 'check' : 'default');
    if (!taken.ok) throw new RateLimitedError(taken.retryAfterSeconds, `Rate limit exceeded; retry in ${taken.retryAfterSeconds} s`);
    if (route.permission !== 'authenticated' && route.permission !== 'public' && !hasPermission(caller.principal, route.permission)) throw new ForbiddenError(route.permission);
    if (route.body && hasBody(req.headers) && !isJsonMediaType(req.headers['content-type'])) {
      req.resume(); // discarded, so the connection stays usable
      throw new UnsupportedMediaTypeError(req.headers['content-type']);
    }
    const json = await readJson(req);
    const body = json?.value;
    const input = parseRoute(route, { params: m.params, query: q < 0 ? {} : parseQuery(url.slice(q + 1)), body });

    if (route.service === 'gateway') {
      const result = await local[route.operationId]!(input, caller.principal, caller, requestId);
      const status = successStatus(route);
      if (status === 204 || result === undefined) res.writeHead(status).end();
      else sendJson(res, status, result);
      return route.operationId;
    }
    if (deps.checks && route.operationId === licenseApi.checkLicense.operationId) {
      const reply = await deps.checks.check(input.query as CheckQuery);
      if (reply.ok) sendJson(res, 200, reply.answer);
      else relay(res, reply.upstream);
      return route.operationId;
    }
    const answer = await deps.proxy.forward({
      service: route.service,
      method,
      url,
      headers: req.headers,
      token: caller.forwardToken(route.service),
      requestId,
      // the text the caller sent, validated above (parsing it again gives the same value)
      body: route.body && json !== undefined ? json.text : undefined,
    });
    relay(res, answer);
    return route.operationId;
  }

  return (req, res) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = req.url!.slice(API_PREFIX.length) || '/';
    handle(req, res, url, requestId).then(
      (operation) => deps.observe?.(operation, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9),
      (err: unknown) => {
        sendProblem(req, res, err, deps.logger);
        deps.observe?.('unknown', res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      },
    );
  };
}
