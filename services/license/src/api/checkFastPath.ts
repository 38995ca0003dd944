import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { licenseApi, parseRoute } from '@lma/api';
import { ForbiddenError, PROBLEM_CONTENT_TYPE, ValidationError, bearerToken, hasPermission, nestsDeeperThan, notUtf8Error, problemOf, tooDeepError, type ForwardVerifier, type Logger } from '@lma/core';
import type { CheckAnswerer } from './checks';

const PATH = '/v1/license-checks';
const BODY_LIMIT = 64 * 1024;
const JSON_TYPE = /^application\/json\s*(;\s*charset=("?)utf-8\2\s*)?$/i;

export interface CheckFastPathDeps {
  /** The service's forwarded-token verifier (express routes use the same one, and its cache). */
  auth: ForwardVerifier;
  answers: CheckAnswerer;
  logger: Logger;
}

/**
 * `GET /v1/license-checks` and `POST /v1/license-checks` on a raw node:http listener in front of
 * express (main.ts): the license check hot path without express routing and middleware; a forwarded
 * token is verified once and then found in the verifier's cache until it expires. Answers exactly as the declared routes (api/checks.ts mounted by mountRoute
 * behind `authenticate`): the same order (body, then 401, 403, 400), the same problem+json, the
 * same validation (parseRoute with the route declarations), the same answers and metrics
 * (CheckAnswerer).
 *
 * Returns false for every request it does not take, left to express: other paths or methods,
 * case or trailing-slash variants of the path, a GET with a body, a POST whose body is not plain
 * `application/json` (UTF-8) with a Content-Length of at most 64 kB (chunked, compressed, other
 * charsets, too large). Unlike express it sends no ETag (check answers are not cached).
 */
export function createCheckFastPath(deps: CheckFastPathDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  async function answer(req: IncomingMessage, query: string, bodyText: string | undefined): Promise<unknown> {
    let body: unknown;
    if (bodyText !== undefined) body = parseJsonBody(bodyText);
    // as @lma/core authenticate
    const principal = deps.auth.verify(bearerToken(req.headers.authorization));
    if (!hasPermission(principal, 'licenses:read')) throw new ForbiddenError('licenses:read');
    if (bodyText === undefined) {
      const input = parseRoute(licenseApi.checkLicense, { params: {}, query: parseQuery(query), body: undefined });
      return await deps.answers.single(input.query);
    }
    const input = parseRoute(licenseApi.checkLicenses, { params: {}, query: parseQuery(query), body });
    return await deps.answers.batch(input.body.checks);
  }

  function reply(req: IncomingMessage, res: ServerResponse, work: Promise<unknown>): void {
    work.then(
      (result) => send(res, 200, result, 'application/json; charset=utf-8'),
      (err: unknown) => sendProblem(req, res, err, deps.logger),
    );
  }

  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== PATH) return false;
    const query = q < 0 ? '' : url.slice(q + 1);
    const h = req.headers;
    if (req.method === 'GET') {
      if (h['content-type'] !== undefined || h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0')) return false;
      reply(req, res, answer(req, query, undefined));
      return true;
    }
    if (req.method !== 'POST') return false;
    const length = Number(h['content-length']);
    if (!JSON_TYPE.test(h['content-type'] ?? '') || h['transfer-encoding'] !== undefined || !(length > 0 && length <= BODY_LIMIT)) return false;
    if (h['content-encoding'] !== undefined && h['content-encoding'].toLowerCase() !== 'identity') return false;
    reply(req, res, readBody(req).then((text) => answer(req, query, text)));
    return true;
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) parts.push(chunk);
    });
    req.once('end', () => {
      if (size > BODY_LIMIT) return reject(new ValidationError([{ field: 'body', reason: 'is larger than its Content-Length' }]));
      const bytes = Buffer.concat(parts);
      // as @lma/core's body parser: bytes that are not UTF-8 are refused, not read with replacement characters
      if (!isUtf8(bytes)) return reject(notUtf8Error());
      resolve(withoutBom(bytes.toString('utf8')));
    });
    req.once('error', reject);
  });
}

/** As body-parser's UTF-8 decoding (iconv-lite), which drops a leading byte order mark. */
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** As express.json({ strict: true }): blank is `{}`, anything but an object or array is invalid JSON. */
function parseJsonBody(text: string): unknown {
  const first = /^[ \t\n\r]*([^ \t\n\r])/.exec(text)?.[1];
  if (first === undefined) return {};
  let value: unknown;
  if (first === '{' || first === '[') {
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      // below
    }
  }
  if (value === undefined) throw new ValidationError([{ field: 'body', reason: 'is not valid JSON' }], 'The request body is not valid JSON');
  if (nestsDeeperThan(value)) throw tooDeepError();
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, contentType: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** As @lma/core problemMiddleware. */
function sendProblem(req: IncomingMessage, res: ServerResponse, err: unknown, logger: Logger): void {
  const p = problemOf(err, req.url);
  if (p.status >= 500) logger.error({ err, path: PATH }, 'request failed');
  if (res.headersSent) return void res.destroy();
  for (const [k, v] of Object.entries(p.headers)) res.setHeader(k, v);
  send(res, p.status, p.body, PROBLEM_CONTENT_TYPE);
}
