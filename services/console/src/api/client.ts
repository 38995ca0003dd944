import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type License = Schemas['License'];

/** An RFC 9457 problem document as the API answers every error (docs/problems.md). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; reason: string }[];
  missingPermission?: string;
  [key: string]: unknown;
}

/** A refused or failed call: the status and the API's problem document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `The API answered ${status}`);
  }
}

/** The problem in words a person reads: what was refused and why, each named field. */
export function describeProblem(err: unknown): { title: string; lines: string[] } {
  if (!(err instanceof ApiError)) return { title: 'Something went wrong', lines: [err instanceof Error ? err.message : String(err)] };
  const p = err.problem;
  if (err.status === 403) {
    return { title: 'Not allowed', lines: [`You do not have the permission ${p.missingPermission ?? 'this needs'}. Ask an administrator if you need it.`] };
  }
  const lines = [p.detail ?? `The API answered ${err.status}`];
  for (const e of p.errors ?? []) lines.push(`${e.field.replace(/^body\./, '')}: ${e.reason}`);
  return { title: p.title ?? `Error ${err.status}`, lines };
}

let tokenSource: () => string = () => '';
let onUnauthenticated: () => void = () => undefined;

/** The access token of the signed-in person for every call, and what to do on a 401 (sign in again). */
export function configureApi(getToken: () => string, unauthenticated: () => void): void {
  tokenSource = getToken;
  onUnauthenticated = unauthenticated;
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = tokenSource();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.ok) return response;
    const type = response.headers.get('content-type') ?? '';
    const problem: Problem = type.includes('json') ? ((await response.clone().json()) as Problem) : { detail: await response.clone().text() };
    if (response.status === 401) onUnauthenticated();
    throw new ApiError(response.status, problem);
  },
};

/** The typed client of /api/v1 (types generated from the gateway's OpenAPI document). */
export const api = createClient<paths>({ baseUrl: `${typeof window === 'undefined' ? 'http://localhost' : window.location.origin}/api/v1` });
api.use(auth);

/** The data of a successful call (errors are thrown by the middleware as ApiError). */
export function data<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined) throw new ApiError(r.response.status, { detail: `No body in the answer (${r.response.status})` });
  return r.data;
}
