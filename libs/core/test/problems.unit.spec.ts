import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PROBLEM_TYPES,
  PreconditionFailedError,
  RateLimitedError,
  RetryableError,
  UnauthenticatedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../src/errors';
import { problemOf } from '../src/http';

const answer = (err: unknown) => problemOf(err, '/api/v1/things/1');

describe('problemOf', () => {
  it('answers each error with the status, type and title of its kind of problem', () => {
    const cases: [unknown, number, string][] = [
      [new ValidationError([{ field: 'body.x', reason: 'is required' }]), 400, 'validation'],
      [new UnauthenticatedError(), 401, 'unauthenticated'],
      [new ForbiddenError('licenses:edit'), 403, 'permission-denied'],
      [new NotFoundError('Thing 1'), 404, 'not-found'],
      [new ConflictError('license-not-modifiable', "Uninstalled licenses can't be modified"), 409, 'license-not-modifiable'],
      [new ConflictError('no-seat-available', 'All 2 seats are taken', { seats: 2, usedLicenses: 2 }), 409, 'no-seat-available'],
      [new PreconditionFailedError('If-Match "6" does not match the current ETag "7"', { revision: 7 }), 412, 'precondition-failed'],
      [new UnsupportedMediaTypeError('text/plain'), 415, 'unsupported-media-type'],
      [new UnprocessableError('license-rule-violated', 'A Trial license must expire within 90 days'), 422, 'license-rule-violated'],
      [new RateLimitedError(3), 429, 'rate-limited'],
      [new RetryableError('the database is down'), 503, 'service-unavailable'],
      [new Error('a bug'), 500, 'internal-error'],
    ];
    for (const [err, status, type] of cases) {
      const p = answer(err);
      expect(p.status, type).toBe(status);
      expect(p.body, type).toMatchObject({ type: `https://lma.example/problems/${type}`, title: PROBLEM_TYPES[type as keyof typeof PROBLEM_TYPES].title, status, instance: '/api/v1/things/1' });
    }
    expect(answer(new Error('secret internals')).body['detail']).toBe('An unexpected error occurred');
    expect(answer(new ConflictError('no-seat-available', 'x', { seats: 2, usedLicenses: 2 })).body).toMatchObject({ seats: 2, usedLicenses: 2 });
    expect(answer(new RateLimitedError(3)).headers).toEqual({ 'Retry-After': '3' });
  });

  it('answers the body parser refusals of express services as their kinds of problem', () => {
    const parserError = (status: number, type: string) => Object.assign(new Error('refused'), { status, type });
    expect(answer(parserError(400, 'entity.parse.failed')).body).toMatchObject({ type: 'https://lma.example/problems/validation', errors: [{ field: 'body', reason: 'is not valid JSON' }] });
    expect(answer(parserError(413, 'entity.too.large')).body).toMatchObject({ status: 413, type: 'https://lma.example/problems/payload-too-large' });
    expect(answer(parserError(415, 'charset.unsupported')).body).toMatchObject({ status: 415, type: 'https://lma.example/problems/unsupported-media-type' });
  });

  it('challenges every 401 with WWW-Authenticate, naming the refused scheme with invalid_token', () => {
    expect(answer(new UnauthenticatedError('A bearer token is required')).headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="lma"' });
    const refused = new UnauthenticatedError('The bearer token is malformed', { schemes: ['Bearer'], refused: 'Bearer' });
    expect(answer(refused).headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="lma", error="invalid_token", error_description="The bearer token is malformed"' });
    const either = new UnauthenticatedError('The API key "x" is invalid', { schemes: ['Bearer', 'ApiKey'], refused: 'ApiKey' });
    expect(answer(either).headers['WWW-Authenticate']).toBe('Bearer realm="lma", ApiKey realm="lma", error="invalid_token", error_description="The API key \\"x\\" is invalid"');
  });
});

describe('docs/problems.md', () => {
  it('has a section (its anchor) for every problem type and for nothing else', () => {
    const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'problems.md'), 'utf8');
    const sections = [...page.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(Object.keys(PROBLEM_TYPES));
    for (const [name, { status }] of Object.entries(PROBLEM_TYPES)) expect(page, name).toMatch(new RegExp(`## ${name}\\n\\n\\*\\*${status}\\.\\*\\*`));
  });
});
