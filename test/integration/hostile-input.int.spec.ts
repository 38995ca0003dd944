import { gzipSync } from 'node:zlib';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { allRoutes, type ApiRoute } from '@lma/api';
import { signJwt } from '@lma/core';
import type { ServiceName } from '@lma/testing';
import { Harness, JWT, bearer, forwarded } from './harness';

/**
 * A corpus of malformed and hostile requests, sent to the gateway and straight to every service's
 * port: whatever it is, the answer is never a 5xx, every 4xx is a problem document naming what is
 * wrong, and no database of any service changes.
 */
const SERVICES = ['install-intake', 'lead', 'license', 'notification', 'refresh'] as const;
type Service = (typeof SERVICES)[number];
const routes = allRoutes();
const h = new Harness('hostile');
const ADMIN = bearer(['admin'], 'admin@example.com');

/** Where requests go: the gateway (`/api/v1` + route path) or one service (`/v1` + path), with the routes it serves. */
interface Target {
  name: ServiceName;
  port: number;
  prefix: '/api/v1' | '/v1';
  routes: ApiRoute[];
}
let targets: Target[] = [];
const portOf = (name: ServiceName) => Number(new URL(h.service(name).url).port);

beforeAll(async () => {
  await h.start([...SERVICES], []);
  // the corpus sends junk credentials: the address budget is spent only by the last test
  await h.startGateway({ RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000', RATE_LIMIT_UNAUTHENTICATED_PER_SECOND: '1', RATE_LIMIT_UNAUTHENTICATED_BURST: '300' });
  targets = [
    { name: 'gateway', port: portOf('gateway'), prefix: '/api/v1', routes },
    ...SERVICES.map((s): Target => ({ name: s, port: portOf(s), prefix: '/v1', routes: routes.filter((r) => r.service === s) })),
  ];
  before = await snapshot();
});
afterAll(async () => {
  await h.stop();
});

// --- what the databases hold ---

let before: Record<string, unknown> = {};
/** Every document of every collection of every database of the harness, sorted by _id. */
async function snapshot(): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  for (const name of [...SERVICES, 'gateway'] as ServiceName[]) {
    const db = h.db(name);
    for (const c of await db.listCollections().toArray()) {
      const docs = await db.collection(c.name).find({}).toArray();
      all[`${name}.${c.name}`] = docs.map((d) => JSON.stringify(d)).sort();
    }
  }
  return all;
}

// --- sending anything ---

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}
interface Sent {
  method: string;
  path: string;
  /** Raw header pairs, in order: repeated headers stay repeated. */
  headers?: string[];
  body?: string | Buffer;
  /** Sent without a Host header (every other request gets one). */
  noHost?: boolean;
}

/** One request on its own connection, exactly as given (no normalisation of the path or the headers). */
function send(port: number, s: Sent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = [...(s.headers ?? [])];
    if (!headers.some((x, i) => i % 2 === 0 && /^host$/i.test(x)) && !s.noHost) headers.push('Host', `127.0.0.1:${port}`);
    if (s.body !== undefined && !headers.some((x, i) => i % 2 === 0 && /^(content-length|transfer-encoding)$/i.test(x))) headers.push('Content-Length', String(Buffer.byteLength(s.body)));
    const req = request({ host: '127.0.0.1', port, method: s.method, path: s.path, headers, agent: false, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(reply(res.statusCode!, res.headers, Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(s.body);
  });
}

/** Bytes on a socket, for what no HTTP client sends (unknown methods, broken framing); the first answer. */
function sendRaw(port: number, bytes: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const done = () => {
      const text = data.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const head = text.slice(0, end).split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of head.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      resolve(reply(Number(head[0]!.split(' ')[1]), headers, text.slice(end + 4, end + 4 + Number(headers['content-length'] ?? 0))));
    };
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      const text = data.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
      if (end >= 0 && length !== undefined && data.length - Buffer.byteLength(text.slice(0, end + 4)) >= Number(length)) {
        socket.destroy();
        done();
      }
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.end(bytes);
  });
}

function reply(status: number, headers: IncomingHttpHeaders, text: string): Reply {
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* kept as text */
  }
  return { status, headers, body, text };
}

/** What a case expects beyond "no 5xx, problem+json": a status (or one of several) and the part it names. */
interface Expected {
  status: number | number[];
  /** A field of `errors` that starts with this. */
  field?: string;
  detail?: RegExp;
}
type Case = Sent & { what: string; expect: Expected };

/** Every way the reply falls short, as text (empty when it is right). */
function faults(r: Reply, e: Expected, method: string): string[] {
  const out: string[] = [];
  if (r.status >= 500) out.push(`answered ${r.status}`);
  const statuses = Array.isArray(e.status) ? e.status : [e.status];
  if (!statuses.includes(r.status)) out.push(`answered ${r.status}, not ${statuses.join(' or ')}`);
  if (r.status >= 400 && method !== 'HEAD') {
    if (!/^application\/problem\+json/.test(String(r.headers['content-type']))) out.push(`content-type ${r.headers['content-type']}`);
    const b = r.body as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null) out.push('no problem document');
    else {
      if (typeof b['type'] !== 'string' || !String(b['type']).startsWith('https://lma.example/problems/')) out.push(`type ${String(b['type'])}`);
      if (typeof b['title'] !== 'string') out.push('no title');
      if (b['status'] !== r.status) out.push(`status member ${String(b['status'])}`);
      if (typeof b['detail'] !== 'string' || !b['detail']) out.push('no detail');
      const fields = ((b['errors'] ?? []) as { field: string }[]).map((x) => x.field);
      if (e.field !== undefined && !fields.some((f) => f.startsWith(e.field!))) out.push(`errors ${JSON.stringify(fields)} do not name ${e.field}`);
      if (e.detail && !e.detail.test(String(b['detail']))) out.push(`detail "${String(b['detail'])}" does not match ${e.detail}`);
    }
  }
  return out;
}

/** Sends every case to one target; returns what went wrong, one line per case. */
async function run(t: Target, cases: Case[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const c of cases) {
    const r = c.headers?.[0] === 'RAW' ? await sendRaw(t.port, c.body as string) : await send(t.port, c);
    const f = faults(r, c.expect, c.method);
    if (f.length) wrong.push(`${t.name} ${c.what} (${c.method} ${c.path.slice(0, 80)}): ${f.join('; ')} | ${r.text.slice(0, 200)}`);
  }
  return wrong;
}

// --- the routes, as paths to send to ---

/** A route's path with every parameter set to `value` (encoded), under the target's prefix. */
const pathOf = (t: Target, r: ApiRoute, value = 'x1') => `${t.prefix}${r.path.replace(/\{[A-Za-z0-9_]+\}/g, encodeURIComponent(value))}`;
const first = (t: Target, pick: (r: ApiRoute) => boolean): ApiRoute => {
  const r = t.routes.find(pick);
  if (!r) throw new Error(`${t.name} has no such route`);
  return r;
};
/** A route that takes a JSON body (else any POST: install-intake takes none), and a GET that needs credentials. */
const bodyRoute = (t: Target) => t.routes.find((r) => r.body !== undefined && r.method !== 'get') ?? first(t, (r) => r.method === 'post');
const getRoute = (t: Target) => first(t, (r) => r.method === 'get' && r.permission !== 'public');
/** An administrator's credentials as the target takes them: a user token at the gateway, a forwarded token at a service. */
const authOf = (t: Target): string[] => ['Authorization', t.name === 'gateway' ? ADMIN : forwarded(t.name as Service, ['admin'], 'admin@example.com')];

// --- the corpus ---

function framingCases(t: Target): Case[] {
  const post = bodyRoute(t);
  const path = pathOf(t, post);
  const get = pathOf(t, getRoute(t));
  const auth = authOf(t);
  const json = ['Content-Type', 'application/json'];
  const media = (type: string | undefined, body: string | Buffer, what: string, reason: RegExp): Case => ({
    what,
    method: post.method.toUpperCase(),
    path,
    headers: [...auth, ...(type === undefined ? [] : ['Content-Type', type])],
    body,
    expect: { status: 415, field: 'headers.content-type', detail: reason },
  });
  const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) });
  return [
    // content types and charsets
    media('text/plain', '{}', 'text/plain body', /must be application\/json/),
    media('application/x-www-form-urlencoded', 'name=x&permissions=admin', 'form body', /must be application\/json/),
    media('multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', 'multipart body', /must be application\/json/),
    media('application/xml', '<a/>', 'XML body', /must be application\/json/),
    media(undefined, '{}', 'body without Content-Type', /untyped/),
    media('application/json; charset=utf-16', Buffer.from('{}', 'utf16le'), 'UTF-16 JSON', /charset=utf-16/),
    media('application/json; charset=iso-8859-1', '{}', 'Latin-1 JSON', /iso-8859-1/),
    media('application/jsonp', '{}', 'application/jsonp', /jsonp/),
    media('text/json', '{}', 'text/json', /text\/json/),
    media('application/json; charset', '{}', 'a broken media type', /must be application\/json/),
    { what: 'text body on a GET', method: 'GET', path: get, headers: [...auth, 'Content-Type', 'text/plain'], body: 'hello', expect: { status: 415, field: 'headers.content-type' } },
    // content and transfer codings
    ...['gzip', 'br', 'deflate', 'compress', 'x-unknown'].map(
      (coding): Case => ({ what: `Content-Encoding ${coding} over a plain body`, method: 'POST', path, headers: [...auth, ...json, 'Content-Encoding', coding], body: '{}', expect: { status: 415, field: 'headers.content-encoding' } }),
    ),
    { what: 'a gzipped body', method: 'POST', path, headers: [...auth, ...json, 'Content-Encoding', 'gzip'], body: gzipSync('{}'), expect: { status: 415, field: 'headers.content-encoding' } },
    { what: 'Transfer-Encoding gzip, chunked', method: 'POST', path, headers: [...auth, ...json, 'Transfer-Encoding', 'gzip, chunked'], body: '{}', expect: { status: 400, field: 'headers.transfer-encoding' } },
    // percent-encoding
    ...['%E0%A4%A', '%', '%zz', '%FF', '%C0%AF', '%ED%A0%80'].flatMap((bad): Case[] => [
      { what: `path ${bad}`, method: 'GET', path: `${t.prefix}/licenses/${bad}`, headers: auth, expect: { status: 400, field: 'path', detail: /percent-encoding/ } },
      { what: `path ${bad} on an unknown path`, method: 'GET', path: `${t.prefix}/nothing/${bad}/x`, headers: auth, expect: { status: 400, field: 'path' } },
      { what: `query ${bad}`, method: 'GET', path: `${get}?limit=${bad}`, headers: auth, expect: { status: 400, field: 'query', detail: /percent-encoding/ } },
      { what: `query key ${bad}`, method: 'GET', path: `${get}?${bad}=1`, headers: auth, expect: { status: 400, field: 'query' } },
    ]),
    // invalid, deep, odd and oversized JSON
    ...['{', '{"name":}', 'nul', '"just a string"', '123', '[1,]', '{"a":1}x', '{"a":1,"a":}', '\u0000{}'].map(
      (text): Case => ({ what: `invalid JSON ${JSON.stringify(text)}`, method: 'POST', path, headers: [...auth, ...json], body: text, expect: { status: 400, field: 'body' } }),
    ),
    { what: 'bytes that are not UTF-8', method: 'POST', path, headers: [...auth, ...json], body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), expect: { status: 400, field: 'body', detail: /UTF-8/ } },
    { what: 'arrays nested 20,000 deep', method: 'POST', path, headers: [...auth, ...json], body: '['.repeat(20_000) + ']'.repeat(20_000), expect: { status: 400, field: 'body', detail: /nested too deeply/ } },
    { what: 'objects nested 40 deep', method: 'POST', path, headers: [...auth, ...json], body: '{"a":'.repeat(40) + '1' + '}'.repeat(40), expect: { status: 400, field: 'body', detail: /nested too deeply/ } },
    { what: 'a 70 kB body', method: 'POST', path, headers: [...auth, ...json], body: big, expect: { status: 413 } },
    { what: 'a 70 kB chunked body', method: 'POST', path, headers: [...auth, ...json, 'Transfer-Encoding', 'chunked'], body: big, expect: { status: 413 } },
    { what: 'a Content-Length of 1 GB', method: 'POST', path, headers: [...auth, ...json, 'Content-Length', String(1 << 30)], body: '{}', expect: { status: 413 } },
    { what: 'a 70 kB body on a GET', method: 'GET', path: get, headers: [...auth, ...json], body: big, expect: { status: 413 } },
    // headers
    ...['Content-Type', 'Authorization', 'X-API-Key', 'Content-Encoding'].map(
      (name): Case => ({
        what: `${name} twice`,
        method: 'POST',
        path,
        headers: [...json.filter(() => name !== 'Content-Type'), name, name === 'Content-Type' ? 'text/plain' : 'a', 'Accept', '*/*', name, name === 'Content-Type' ? 'application/json' : 'b'],
        body: '{}',
        expect: { status: 400, field: `headers.${name.toLowerCase()}`, detail: /more than once/ },
      }),
    ),
    { what: 'no Host', method: 'GET', path: get, headers: auth, noHost: true, expect: { status: 400, field: 'headers.host' } },
    { what: 'Host twice', method: 'GET', path: get, headers: ['Host', 'a', 'Host', 'b'], expect: { status: 400, field: 'headers.host' } },
    { what: 'a junk X-Request-Id', method: 'GET', path: get, headers: [...auth, 'X-Request-Id', '../../etc/passwd\t;drop'], expect: { status: [200, 400, 404] } },
    // methods
    ...['OPTIONS', 'TRACE', 'PROPFIND', 'PURGE'].map((m): Case => ({ what: `${m}`, method: m, path: pathOf(t, post), headers: auth, expect: { status: [404, 405] } })),
    // a service answers HEAD as GET where the path has a GET (express), without a body
    { what: 'HEAD', method: 'HEAD', path: pathOf(t, post), headers: auth, expect: { status: [200, 400, 404, 405] } },
    { what: 'an unknown method', method: 'FOO', path, headers: ['RAW'], body: `FOO ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, expect: { status: 400, field: 'request' } },
    { what: 'CONNECT', method: 'CONNECT', path: 'x', headers: ['RAW'], body: 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n', expect: { status: 405 } },
    { what: 'headers of 20 kB', method: 'GET', path: get, headers: ['RAW'], body: `GET ${get} HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`, expect: { status: 431 } },
    { what: 'a 20 kB URL', method: 'GET', path: get, headers: ['RAW'], body: `GET ${get}?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, expect: { status: 431 } },
    { what: 'two different Content-Lengths', method: 'POST', path, headers: ['RAW'], body: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, expect: { status: 400, field: 'request' } },
    { what: 'Content-Length beside chunked', method: 'POST', path, headers: ['RAW'], body: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, expect: { status: 400, field: 'request' } },
    { what: 'a control character in a header', method: 'GET', path: get, headers: ['RAW'], body: `GET ${get} HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n`, expect: { status: 400, field: 'request' } },
    { what: 'a header without a colon', method: 'GET', path: get, headers: ['RAW'], body: `GET ${get} HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n`, expect: { status: 400, field: 'request' } },
    // path traversal
    ...[`${t.prefix}/../../etc/passwd`, `${t.prefix}/licenses/..%2F..%2Fetc%2Fpasswd`, `${t.prefix}/%2e%2e/%2e%2e/etc/passwd`, `${t.prefix}/licenses/%00`, `//etc/passwd`, `${t.prefix}/licenses/..\\..\\windows`].map(
      (p): Case => ({ what: `traversal ${p}`, method: 'GET', path: p, headers: auth, expect: { status: [400, 404] } }),
    ),
  ];
}

/** Junk credentials: each is a 401 naming the problem, at the gateway and at every service. */
function credentialCases(t: Target): Case[] {
  const path = pathOf(t, getRoute(t));
  const [head, claims, signature] = ADMIN.slice('Bearer '.length).split('.') as [string, string, string];
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`;
  const bad: [string, string][] = [
    ['Authorization', 'Basic YWRtaW46YWRtaW4='],
    ['Authorization', 'Digest username="admin"'],
    ['Authorization', 'Bearer'],
    ['Authorization', 'Bearer '],
    ['Authorization', 'Bearer not-a-jwt'],
    ['Authorization', 'Bearer a.b.c'],
    ['Authorization', 'Bearer ....'],
    ['Authorization', `Bearer ${'x'.repeat(8000)}`],
    ['Authorization', `Bearer ${unsigned}`],
    ['Authorization', `Bearer ${b64({ alg: 'none' })}.${claims}.${signature}`],
    ['Authorization', `Bearer ${b64({ alg: 'HS256', typ: 'JWT', crit: ['x'] })}.${claims}.${signature}`],
    ['Authorization', `Bearer ${head}.${claims}.${signature}=`],
    ['Authorization', `Bearer ${head}.${claims}.${signature.slice(0, 10)}!!${signature.slice(10)}`],
    ['Authorization', `Bearer ${head}.${claims}=.${signature}`],
    ['Authorization', `Bearer ${head}.${claims}.${signature}.extra`],
    ['Authorization', `Bearer ${signJwt({ sub: 'x', permissions: ['admin'], exp: 1e308 }, JWT)}`],
    ['Authorization', `Bearer ${signJwt({ sub: 'x', permissions: ['admin'], nbf: String(Math.floor(Date.now() / 1000) + 3600) }, JWT)}`],
    ['Authorization', `Bearer ${signJwt({ sub: { $ne: null }, permissions: ['admin'] }, JWT)}`],
    ['Authorization', 'ApiKey '],
    ['Authorization', 'ApiKey lma_nonsense'],
    ['Authorization', `ApiKey lma_0123456789abcdef_${'A'.repeat(43)}`],
    ['Authorization', 'ApiKey {"$gt":""}'],
    ['X-API-Key', `lma_fedcba9876543210_${'B'.repeat(43)}`],
    ['X-API-Key', 'lma_$ne_x'],
  ];
  if (t.name !== 'gateway') {
    // what the gateway forwards, for another service, or tampered with
    const other = t.name === 'license' ? 'lead' : 'license';
    const [fh, fc, fs] = forwarded(t.name as Service).slice('Bearer '.length).split('.') as [string, string, string];
    bad.push(
      ['Authorization', forwarded(other)],
      ['Authorization', `Bearer ${fh}.${fc}.${fs}=`],
      ['Authorization', `Bearer ${fh}.${fc}.${fs.slice(0, 8)}!!${fs.slice(8)}`],
      ['Authorization', `Bearer ${fh}.${b64({ ...JSON.parse(Buffer.from(fc, 'base64url').toString()), permissions: ['admin', 'x'] })}.${fs}`],
      ['Authorization', `Bearer ${b64({ alg: 'none', typ: 'lma-forward+jwt' })}.${fc}.`],
    );
  }
  return bad.map(([name, value]) => ({
    what: `${name}: ${value.slice(0, 40)}`,
    method: 'GET',
    path,
    headers: [name, value],
    expect: { status: 401 },
  }));
}

// --- $ operators, dotted keys and prototype keys in every field that reaches a query ---

/** zod's kind of a schema, by name (the routes' zod is another build than this file's). */
const kind = (s: z.ZodTypeAny): string => (s._def as { typeName?: string }).typeName ?? '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const unwrap = (s: z.ZodTypeAny): z.ZodTypeAny => (['ZodOptional', 'ZodNullable', 'ZodDefault'].includes(kind(s)) ? unwrap((s._def as any).innerType) : kind(s) === 'ZodEffects' ? unwrap((s._def as any).schema) : s);

/** The key paths of an object schema's fields, nested objects and arrays of objects included (`[0]`). */
function fieldPaths(s: z.ZodTypeAny, at: (string | number)[] = [], depth = 0): (string | number)[][] {
  const inner = unwrap(s);
  if (depth > 3) return [];
  if (kind(inner) === 'ZodArray') return fieldPaths((inner as z.ZodArray<z.ZodTypeAny>).element, [...at, 0], depth + 1);
  if (kind(inner) !== 'ZodObject') return at.length ? [at] : [];
  const shape = (inner as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
  return [...(at.length ? [at] : []), ...Object.entries(shape).flatMap(([k, v]) => fieldPaths(v, [...at, k], depth + 1))];
}
const setAt = (path: (string | number)[], value: unknown): unknown => {
  if (!path.length) return value;
  const [k, ...rest] = path;
  return typeof k === 'number' ? [setAt(rest, value)] : { [k!]: setAt(rest, value) };
};

const OPERATORS: unknown[] = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { 'a.b': 1 }];
/** Bodies with a key no schema has anywhere: each is refused naming that key. */
const EXTRA_KEYS: [string, string][] = [
  ['{"$where":"sleep(1000)"}', 'body.$where'],
  ['{"$set":{"status":"Active"}}', 'body.$set'],
  ['{"status.$":"x"}', 'body.status.$'],
  ['{"a.b":1}', 'body.a.b'],
  ['{"__proto__":{"admin":true}}', 'body.__proto__'],
  ['{"constructor":{"prototype":{"admin":true}}}', 'body.constructor'],
];

/** Every route's query fields, path parameters and body fields, each with an operator instead of a value. */
function injectionCases(t: Target): Case[] {
  const cases: Case[] = [];
  const auth = authOf(t);
  for (const r of t.routes) {
    if (r.permission === 'public') continue;
    const method = r.method.toUpperCase();
    const path = pathOf(t, r);
    const json = r.body ? ['Content-Type', 'application/json'] : [];
    // a route with a body gets `{}` beside a query or path probe: it is invalid too, but names no probe
    const probeBody = r.body ? '{}' : undefined;
    for (const k of Object.keys(r.query?.shape ?? {})) {
      for (const [q, field] of [
        [`${k}[$ne]=x`, `query.${k}[$ne]`],
        [`${k}[$gt]=`, `query.${k}[$gt]`],
        [`${k}.$where=1`, `query.${k}.$where`],
        [`__proto__[${k}]=1`, 'query.__proto__'],
        [`${k}=a&${k}=b`, `query.${k}`],
      ] as const) {
        cases.push({ what: `query ${q}`, method, path: `${path}?${encodeURI(q)}`, headers: [...auth, ...json], body: probeBody, expect: { status: 400, field } });
      }
    }
    for (const value of ['$ne', '{"$gt":""}', '__proto__', 'constructor', '..']) {
      if (!r.params) break;
      cases.push({ what: `path parameters ${value}`, method, path: pathOf(t, r, value), headers: [...auth, ...json], body: probeBody, expect: { status: [400, 404] } });
    }
    if (!r.body || kind(unwrap(r.body)) !== 'ZodObject') continue;
    for (const at of fieldPaths(r.body)) {
      for (const op of OPERATORS) {
        cases.push({ what: `body ${at.join('.')} = ${JSON.stringify(op)}`, method, path, headers: [...auth, ...json], body: JSON.stringify(setAt(at, op)), expect: { status: 400, field: `body.${at.join('.')}` } });
      }
    }
    for (const [text, field] of EXTRA_KEYS) cases.push({ what: `body ${text}`, method, path, headers: [...auth, ...json], body: text, expect: { status: 400, field } });
  }
  return cases;
}

describe('hostile input, at the gateway and straight at every service', () => {
  it('refuses broken framing, media types, codings, percent-encoding, JSON and headers, each as a 4xx problem naming it', async () => {
    const wrong: string[] = [];
    let sent = 0;
    for (const t of targets) {
      const cases = framingCases(t);
      sent += cases.length;
      wrong.push(...(await run(t, cases)));
    }
    expect(sent).toBeGreaterThan(6 * 60);
    expect(wrong).toEqual([]);
  });

  it('refuses junk credentials (wrong scheme, junk, padded base64, alg none, unknown API keys) with 401', async () => {
    const wrong: string[] = [];
    for (const t of targets) {
      const cases = credentialCases(t);
      wrong.push(...(await run(t, cases)));
    }
    expect(wrong).toEqual([]);
  });

  it('refuses $ operators, dotted keys and prototype keys in every query field, path parameter and body field, naming the field', async () => {
    const wrong: string[] = [];
    let sent = 0;
    for (const t of targets) {
      const cases = injectionCases(t);
      sent += cases.length;
      wrong.push(...(await run(t, cases)));
    }
    expect(sent).toBeGreaterThan(500);
    expect(wrong).toEqual([]);
  });

  it('stored nothing: every collection of every database is as it was', async () => {
    expect(await snapshot()).toEqual(before);
  });

  it('answers an address that keeps sending junk credentials 429 before looking at them, until its budget refills; a token verified before still works', async () => {
    const gateway = targets[0]!;
    const path = pathOf(gateway, getRoute(gateway));
    // the admin signs in before the spray: the gateway has verified its token
    expect((await send(gateway.port, { method: 'GET', path, headers: ['Authorization', ADMIN] })).status).toBe(200);
    let spent: Reply | undefined;
    for (let i = 0; i < 400 && !spent; i++) {
      const r = await send(gateway.port, { method: 'GET', path, headers: ['Authorization', `ApiKey lma_${i.toString(16).padStart(16, '0')}_${'C'.repeat(43)}`] });
      if (r.status === 429) spent = r;
      else expect(r.status).toBe(401);
    }
    expect(spent, 'the address budget (300) was never spent').toBeDefined();
    expect(faults(spent!, { status: 429, detail: /without valid credentials from this address/ }, 'GET')).toEqual([]);
    expect(Number(spent!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // someone signed in before (the admin's token was verified by earlier requests) keeps working
    expect((await send(gateway.port, { method: 'GET', path, headers: ['Authorization', ADMIN] })).status).toBe(200);
    // valid tokens never seen before wait like any unknown credential: the budget refills at 1 per second, so of
    // ten sent at once only as many get through as seconds passed since the spray (a slow machine takes a few)
    const newcomers = Array.from({ length: 10 }, (_, i) => bearer(['admin'], `newcomer-${i}-${Date.now()}@example.com`));
    const first = await Promise.all(newcomers.map((t) => send(gateway.port, { method: 'GET', path, headers: ['Authorization', t] })));
    const waiting = newcomers.filter((_, i) => first[i]!.status === 429);
    expect(first.map((r) => r.status).filter((s) => s !== 429 && s !== 200)).toEqual([]);
    expect(waiting.length).toBeGreaterThanOrEqual(5);
    // it gets through after Retry-After
    await new Promise((r) => setTimeout(r, Number(spent!.headers['retry-after']) * 1000 + 100));
    expect((await send(gateway.port, { method: 'GET', path, headers: ['Authorization', waiting[0]!] })).status).toBe(200);
  });
});
