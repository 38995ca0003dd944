import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, ValidationError, isJsonMediaType, nestsDeeperThan, notUtf8Error, problemDocument, problemOf, tooDeepError, type Logger, type ProblemType } from '@lma/core';

/** The 64 kB body limit of every service, enforced before anything is parsed or forwarded. */
export const BODY_LIMIT = 64 * 1024;

/** A problem only the gateway answers (no operation at a path, a body too large), with its headers. */
export class HttpProblem extends Error {
  constructor(
    readonly problem: ProblemType,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Every error as application/problem+json, as @lma/core's problemMiddleware writes it. */
export function sendProblem(req: IncomingMessage, res: ServerResponse, err: unknown, logger: Logger): void {
  const p = err instanceof HttpProblem ? { body: problemDocument(err.problem, err.message, req.url), headers: err.headers } : problemOf(err, req.url);
  const status = p.body['status'] as number;
  for (const [k, v] of Object.entries(p.headers)) res.setHeader(k, v);
  if (status >= 500) logger.error({ err, path: req.url?.split('?')[0] }, 'request failed');
  if (res.headersSent) return void res.destroy();
  sendJson(res, status, p.body, PROBLEM_CONTENT_TYPE);
}

/**
 * The JSON body (undefined without one or for another content type), at most BODY_LIMIT bytes
 * (413), an object or array (400 otherwise, as express.json's strict mode).
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return (await readJson(req))?.value;
}

/** As readJsonBody, with the text it was parsed from (forwarded as it came: no re-serialising). */
export async function readJson(req: IncomingMessage): Promise<{ value: unknown; text: string } | undefined> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > BODY_LIMIT) throw new HttpProblem('payload-too-large', 'The request body is larger than 64 kB');
  const type = req.headers['content-type'];
  if (!isJsonMediaType(type) || (length === 0 && req.headers['transfer-encoding'] === undefined)) {
    req.resume();
    return undefined;
  }
  // events rather than `for await`: leaving that loop early destroys the socket, and the 413 with it
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) return void parts.push(chunk);
      req.off('data', onData);
      req.resume(); // discard the rest
      reject(new HttpProblem('payload-too-large', 'The request body is larger than 64 kB'));
    };
    req.on('data', onData);
    req.once('end', () => resolve(parts));
    req.once('error', reject);
  });
  const bytes = Buffer.concat(chunks);
  if (!isUtf8(bytes)) throw notUtf8Error();
  const text = bytes.toString('utf8');
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') throw new ValidationError([{ field: 'body', reason: 'is not valid JSON (an object is expected)' }], 'The request body is not valid JSON');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError([{ field: 'body', reason: 'is not valid JSON' }], 'The request body is not valid JSON');
  }
  if (nestsDeeperThan(value)) throw tooDeepError();
  return { value, text };
}
