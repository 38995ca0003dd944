import { connect } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen, problemMiddleware } from '../src/http';
import { createLogger } from '../src/logger';
import { isJsonMediaType, nestsDeeperThan, parseMediaType, refusalOf } from '../src/requestGuard';

const req = (url: string, headers: Record<string, string> = {}, raw?: string[]) => ({
  url,
  headers: { host: 'lma.example', ...headers },
  rawHeaders: raw ?? Object.entries(headers).flat(),
  httpVersion: '1.1',
});
const refused = (url: string, headers: Record<string, string> = {}, raw?: string[]) => {
  const r = refusalOf(req(url, headers, raw));
  return r && { status: r.error.problem, errors: r.error.errors, message: r.error.message, headers: r.headers };
};
const json = { 'content-type': 'application/json', 'content-length': '2' };

describe('media types', () => {
  it('reads the type and charset of a Content-Type, and nothing that is not one', () => {
    expect(parseMediaType('Application/JSON; Charset="UTF-8"')).toEqual({ type: 'application/json', charset: 'utf-8' });
    expect(parseMediaType('application/merge-patch+json')).toEqual({ type: 'application/merge-patch+json', charset: undefined });
    for (const bad of ['json', 'application/', '/json', 'application/json; charset', 'application/json; charset=', 'appli cation/json', 'application/json;=x']) expect(parseMediaType(bad), bad).toBeUndefined();
  });

  it('takes JSON and +json types in UTF-8 only', () => {
    for (const ok of ['application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/problem+json', 'application/json; charset=utf-8;']) expect(isJsonMediaType(ok), ok).toBe(true);
    for (const no of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonx', 'text/json', 'application/+json']) {
      expect(isJsonMediaType(no), String(no)).toBe(false);
    }
  });
});

describe('refusalOf (what every front refuses before anything else)', () => {
  it('lets a sound request through', () => {
    expect(refused('/v1/licenses?status=Active&q=a%20b+c')).toBeUndefined();
    expect(refused('/v1/licenses', json)).toBeUndefined();
    expect(refused('/v1/licenses', { 'content-type': 'text/plain' })).toBeUndefined(); // no body: its type does not matter
    expect(refused('/v1/licenses', { ...json, 'content-encoding': 'identity' })).toBeUndefined();
    expect(refused('/v1/licenses', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })).toBeUndefined();
  });

  it('refuses malformed percent-encoding in the path (400 path) and in the query (400 query)', () => {
    for (const url of ['/v1/licenses/%E0%A4%A', '/v1/licenses/%', '/v1/licenses/%zz', '/v1/licenses/%FF', '/v1/licenses/%C0%AF']) {
      expect(refused(url), url).toMatchObject({ status: 'validation', errors: [{ field: 'path', reason: expect.stringMatching(/percent-encoding/) }] });
    }
    for (const url of ['/v1/licenses?status=%E0%A4%A', '/v1/licenses?%=1', '/v1/licenses?a=%2']) {
      expect(refused(url), url).toMatchObject({ status: 'validation', errors: [{ field: 'query', reason: expect.stringMatching(/percent-encoding/) }] });
    }
  });

  it('refuses a body that is not JSON in UTF-8 with 415, naming Content-Type', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'content-type': 'text/plain', 'content-length': '2' }, /must be application\/json/],
      [{ 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3' }, /must be application\/json/],
      [{ 'content-length': '2' }, /is required for a body/],
      [{ 'content-type': 'application/json; charset=utf-16', 'content-length': '4' }, /must be UTF-8, not charset utf-16/],
      [{ 'content-type': 'application/json; charset=iso-8859-1', 'transfer-encoding': 'chunked' }, /must be UTF-8/],
    ];
    for (const [headers, reason] of cases) {
      expect(refused('/v1/x', headers), JSON.stringify(headers)).toMatchObject({ status: 'unsupported-media-type', errors: [{ field: 'headers.content-type', reason: expect.stringMatching(reason) }] });
    }
  });

  it('refuses a content coding with 415 naming Content-Encoding and offering identity', () => {
    for (const coding of ['gzip', 'br', 'deflate', 'gzip, identity']) {
      expect(refused('/v1/x', { ...json, 'content-encoding': coding })).toMatchObject({
        status: 'unsupported-media-type',
        errors: [{ field: 'headers.content-encoding' }],
        headers: { 'Accept-Encoding': 'identity' },
      });
    }
  });

  it('refuses a transfer coding other than chunked, a declared body over 64 kB and repeated single headers', () => {
    expect(refused('/v1/x', { 'content-type': 'application/json', 'transfer-encoding': 'gzip, chunked' })).toMatchObject({ errors: [{ field: 'headers.transfer-encoding' }] });
    expect(refused('/v1/x', { 'content-type': 'application/json', 'content-length': String(64 * 1024 + 1) })).toMatchObject({ status: 'payload-too-large' });
    for (const name of ['Content-Type', 'Authorization', 'X-API-Key', 'Content-Length', 'Host']) {
      expect(refused('/v1/x', {}, [name, 'a', 'Accept', '*/*', name.toLowerCase(), 'b']), name).toMatchObject({ errors: [{ field: `headers.${name.toLowerCase()}`, reason: 'appears more than once' }] });
    }
    // list headers may come several times (RFC 9110 5.3)
    expect(refused('/v1/x', {}, ['Accept', 'a', 'accept', 'b', 'If-Match', '"1"', 'If-Match', '"2"'])).toBeUndefined();
    expect(refusalOf({ url: '/v1/x', headers: {}, rawHeaders: [], httpVersion: '1.1' })).toMatchObject({ error: { errors: [{ field: 'headers.host', reason: 'is required (HTTP/1.1)' }] } });
    expect(refusalOf({ url: '/v1/x', headers: {}, rawHeaders: [], httpVersion: '1.0' })).toBeUndefined();
  });
});

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not scalars', () => {
    const deep = (n: number): unknown => (n === 0 ? 1 : { a: [deep(n - 1)] });
    expect(nestsDeeperThan(deep(16), 32)).toBe(false); // 32 levels: 16 objects, 16 arrays
    expect(nestsDeeperThan(deep(17), 32)).toBe(true);
    expect(nestsDeeperThan(JSON.parse('['.repeat(20000) + ']'.repeat(20000)) as unknown)).toBe(true);
    expect(nestsDeeperThan({ a: 'x'.repeat(1000), b: [1, 2, 3] })).toBe(false);
    expect(nestsDeeperThan(undefined)).toBe(false);
  });
});

describe('an express service behind listen()', () => {
  let server: Server;
  let port: number;
  let reached = 0;
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.post('/v1/things', (r, res) => {
      reached++;
      res.json({ got: r.body as unknown });
    });
    app.get('/v1/things/:id', (r, res) => {
      reached++;
      res.json({ id: r.params['id'] });
    });
    app.use(problemMiddleware(createLogger('test', 'silent')));
    server = await listen(app, 0, '127.0.0.1');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => closeServer(server));

  /** A raw HTTP/1.1 exchange: what the server writes back until it closes or answers once. */
  const raw = (request: string) =>
    new Promise<{ status: number; headers: string; body: Record<string, unknown> }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
        const end = data.indexOf('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(data)?.[1] ?? -1);
        if (end >= 0 && length >= 0 && Buffer.byteLength(data.slice(end + 4)) >= length) socket.end();
      });
      socket.on('end', () => {
        const end = data.indexOf('\r\n\r\n');
        resolve({ status: Number(data.slice(9, 12)), headers: data.slice(0, end), body: JSON.parse(data.slice(end + 4) || '{}') as Record<string, unknown> });
      });
      socket.on('error', reject);
      socket.write(request);
    });

  it('answers what the guard refuses as problems, and the handler never sees it', async () => {
    const broken = await raw('GET /v1/things/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(broken.status).toBe(400);
    expect(broken.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(broken.body).toMatchObject({ type: 'https://lma.example/problems/validation', errors: [{ field: 'path' }] });
    const gzip = await raw('POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect(gzip.status).toBe(415);
    expect(gzip.headers).toMatch(/accept-encoding: identity/i);
    const twoTypes = await raw('POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect(twoTypes.status).toBe(400);
    expect(twoTypes.body).toMatchObject({ errors: [{ field: 'headers.content-type', reason: 'appears more than once' }] });
    expect(reached).toBe(0);
  });

  it('answers a refused body on a kept-alive connection and serves the next request on it', async () => {
    const body = 'a=1&b=2';
    const both = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
        if (/"got"/.test(data)) socket.end();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.write(`POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      socket.write('POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{"a":[]}');
    });
    expect(both).toMatch(/^HTTP\/1.1 415/);
    expect(both).toMatch(/HTTP\/1.1 200[\s\S]*\{"got":\{"a":\[\]\}\}/);
    expect(reached).toBe(1);
  });

  it("answers what node's parser refuses, an unknown route and CONNECT as problems", async () => {
    const method = await raw('FOO /v1/things HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(method.status).toBe(400);
    expect(method.body).toMatchObject({ type: 'https://lma.example/problems/validation', errors: [{ field: 'request', reason: expect.stringMatching(/not valid HTTP/) }] });
    const huge = await raw(`GET /v1/things/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(huge.body).toMatchObject({ type: 'https://lma.example/problems/headers-too-large' });
    const hostless = await raw('GET /v1/things/1 HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(hostless.status).toBe(400);
    expect(hostless.body).toMatchObject({ errors: [{ field: 'headers.host' }] });
    const smuggled = await raw('POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}');
    expect(smuggled.status).toBe(400);
    const unknown = await raw('DELETE /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ type: 'https://lma.example/problems/unknown-operation', detail: 'No operation at DELETE /nothing' });
    const tunnel = await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(tunnel.status).toBe(405);
    expect(tunnel.body).toMatchObject({ type: 'https://lma.example/problems/method-not-allowed' });
    expect(reached).toBe(1);
  });
});
