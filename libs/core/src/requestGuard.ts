import type { IncomingMessage } from 'node:http';
import { LmaError, ValidationError, type FieldError } from './errors';

/**
 * What every HTTP front (the gateway, each service) refuses before it authenticates, routes or
 * reads a body: requests whose framing or encoding is wrong. Each refusal is a 4xx problem naming
 * the part of the request at fault; nothing behind the guard ever sees such a request, so none of
 * them can reach a handler, a query or a 500.
 */

/** The largest body any LMA API accepts (bytes). */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** How deep a JSON body may nest (objects and arrays); no operation takes more than a few levels. */
export const JSON_DEPTH_LIMIT = 32;

/** A refused request: the error to answer with, and headers beside those problemOf sets. */
export interface Refusal {
  error: LmaError;
  headers: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Headers that must appear at most once: two values would be read differently by different parties. */
const SINGLE_HEADERS = new Set(['host', 'content-type', 'content-length', 'content-encoding', 'authorization', 'x-api-key']);

/** The media type and charset of a Content-Type value, or undefined when it is not one (RFC 9110 8.3). */
export function parseMediaType(value: string): { type: string; charset: string | undefined } | undefined {
  const [head = '', ...params] = value.split(';');
  const type = head.trim().toLowerCase();
  const slash = type.indexOf('/');
  if (slash <= 0 || !TOKEN.test(type.slice(0, slash)) || !TOKEN.test(type.slice(slash + 1))) return undefined;
  let charset: string | undefined;
  for (const param of params) {
    if (param.trim() === '') continue;
    const eq = param.indexOf('=');
    if (eq < 0) return undefined;
    const name = param.slice(0, eq).trim().toLowerCase();
    let v = param.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    if (!TOKEN.test(name) || v === '') return undefined;
    if (name === 'charset') charset = v.toLowerCase();
  }
  return { type, charset };
}

/** application/json or a JSON-based type (`application/<x>+json`), UTF-8 (the only charset JSON has, RFC 8259 8.1). */
export function isJsonMediaType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const m = parseMediaType(value);
  return m !== undefined && (m.type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(m.type)) && (m.charset === undefined || m.charset === 'utf-8');
}

/** Whether a request carries a body (RFC 9112 6.3), whatever its type. */
export const carriesBody = (headers: IncomingMessage['headers']): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

const invalid = (field: string, reason: string, message: string): Refusal => ({ error: new ValidationError([{ field, reason }], message), headers: {} });
const unsupported = (field: string, reason: string, message: string, headers: Record<string, string> = {}): Refusal => ({
  error: new LmaError('validation', message, { problem: 'unsupported-media-type', errors: [{ field, reason }] }),
  headers,
});

/** Percent-encoding that decodes to UTF-8 (RFC 3986 2.1, RFC 3629); a lone `%` or a broken sequence is not. */
function badPercentEncoding(text: string): boolean {
  if (!text.includes('%')) return false;
  try {
    decodeURIComponent(text);
    return false;
  } catch {
    return true;
  }
}

/** The first header of SINGLE_HEADERS that appears twice (node keeps one and drops the other silently). */
function repeatedHeader(raw: string[]): string | undefined {
  let seen: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    if (seen?.includes(name)) return name;
    (seen ??= []).push(name);
  }
  return undefined;
}

/**
 * Why the request is refused before anything else looks at it, or undefined when its framing
 * is sound: a URL whose percent-encoding is broken (400), a header that must appear once and
 * appears twice (400), a transfer coding other than chunked (400), a declared body over the limit
 * (413), a content coding (415: bodies are never compressed), a body that is not JSON in UTF-8
 * (415).
 */
export function refusalOf(req: Pick<IncomingMessage, 'url' | 'headers' | 'rawHeaders' | 'httpVersion'>): Refusal | undefined {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (badPercentEncoding(q < 0 ? url : url.slice(0, q))) return invalid('path', 'is not valid percent-encoding (UTF-8 bytes as %XX)', 'The request path has malformed percent-encoding');
  if (q >= 0 && badPercentEncoding(url.slice(q + 1).replace(/\+/g, ' '))) return invalid('query', 'is not valid percent-encoding (UTF-8 bytes as %XX)', 'The query string has malformed percent-encoding');
  const repeated = repeatedHeader(req.rawHeaders);
  if (repeated) return invalid(`headers.${repeated}`, 'appears more than once', `The ${repeated} header appears more than once`);
  const h = req.headers;
  // node answers a missing Host with a bare 400 unless told not to (requireHostHeader: false); RFC 9112 3.2
  if (h.host === undefined && req.httpVersion !== '1.0') return invalid('headers.host', 'is required (HTTP/1.1)', 'The request has no Host header');
  const te = h['transfer-encoding'];
  if (te !== undefined && te.trim().toLowerCase() !== 'chunked') return invalid('headers.transfer-encoding', 'must be chunked', `Transfer-Encoding ${te} is not supported: send the body as it is, or chunked`);
  if (Number(h['content-length'] ?? 0) > BODY_LIMIT_BYTES) {
    return { error: new LmaError('validation', 'The request body is larger than 64 kB', { problem: 'payload-too-large' }), headers: {} };
  }
  const coding = h['content-encoding'];
  if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
    return unsupported('headers.content-encoding', 'must be absent or identity', `Content-Encoding ${coding} is not supported: send the body uncompressed`, { 'Accept-Encoding': 'identity' });
  }
  if (!carriesBody(h)) return undefined;
  const type = h['content-type'];
  // a chunked body without a type is what node's client sends for a POST without a body; whatever
  // it holds is never read as JSON (the body parsers take only JSON types), so it is let through
  if (type === undefined && h['content-length'] === undefined) return undefined;
  if (!isJsonMediaType(type)) {
    const m = type === undefined ? undefined : parseMediaType(type);
    const reason =
      type === undefined
        ? 'is required for a body: application/json'
        : m && (m.type === 'application/json' || m.type.endsWith('+json'))
          ? `must be UTF-8, not charset ${m.charset}`
          : 'must be application/json (UTF-8)';
    return unsupported('headers.content-type', reason, `The request body must be application/json (UTF-8), not ${type ?? 'untyped'}`);
  }
  return undefined;
}

/** True when a parsed JSON value nests deeper than `limit` objects and arrays. */
export function nestsDeeperThan(value: unknown, limit = JSON_DEPTH_LIMIT): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (typeof v !== 'object' || v === null) continue;
      if (depth >= limit) return true;
      for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) next.push(child);
    }
    level = next;
  }
  return false;
}

/** The 400 of a body whose bytes are not UTF-8 (they would be read with replacement characters). */
export const notUtf8Error = (): ValidationError => new ValidationError([{ field: 'body', reason: 'is not valid UTF-8' }], 'The request body is not valid UTF-8');

/** The 400 of a body that nests too deeply. */
export const tooDeepError = (): ValidationError =>
  new ValidationError([{ field: 'body', reason: `nests deeper than ${JSON_DEPTH_LIMIT} levels` }], 'The request body is nested too deeply');

/** The problem of a request node's HTTP parser refused (its error code and reason), by kind. */
export function parserRefusal(err: { code?: string; reason?: unknown }): { problem: 'headers-too-large' | 'request-timeout' | 'validation'; detail: string; errors: FieldError[] } {
  if (err.code === 'HPE_HEADER_OVERFLOW') return { problem: 'headers-too-large', detail: 'The request line and headers are larger than 16 kB', errors: [] };
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { problem: 'request-timeout', detail: 'The request was not received in time', errors: [] };
  const reason = typeof err.reason === 'string' && err.reason ? err.reason : 'it cannot be parsed';
  return { problem: 'validation', detail: `The request is not valid HTTP/1.1: ${reason}`, errors: [{ field: 'request', reason: `is not valid HTTP/1.1: ${reason}` }] };
}
