import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PreconditionFailedError, ValidationError } from '@lma/core';
import { defineRoute, ifMatchCondition, parseRoute, preconditionOf } from '../src';

const route = defineRoute({
  operationId: 'updateThing',
  method: 'patch',
  path: '/things/{thingId}',
  service: 'license',
  permission: 'packages:edit',
  summary: 'Update',
  tags: ['Things'],
  params: z.object({ thingId: z.string().regex(/^t[0-9]+$/, 'must be a thing id') }),
  query: z.object({ status: z.enum(['active', 'retired']).optional() }),
  body: z.object({ name: z.string().max(5), owner: z.object({ email: z.string().email() }).optional() }),
  responses: { 200: { description: 'ok' } },
});

const sortByField = (e: { field: string; reason: string }[]) => [...e].sort((a, b) => a.field.localeCompare(b.field));

function errorsOf(req: { params?: unknown; query?: unknown; body?: unknown }): { field: string; reason: string }[] {
  try {
    parseRoute(route, { params: { thingId: 't1' }, query: {}, body: { name: 'a' }, ...req });
  } catch (err) {
    if (err instanceof ValidationError) return err.errors;
    throw err;
  }
  return [];
}

describe('parseRoute', () => {
  it('accepts a valid request', () => {
    expect(parseRoute(route, { params: { thingId: 't1' }, query: { status: 'active' }, body: { name: 'ab' } })).toEqual({
      params: { thingId: 't1' },
      query: { status: 'active' },
      body: { name: 'ab' },
    });
  });

  it('names every unknown field, operator and dotted key, nested ones too', () => {
    expect(sortByField(errorsOf({ body: { name: 'a', $where: 'sleep(1)', 'a.b': 1, owner: { email: 'x@y.io', $ne: null } } }))).toEqual([
      { field: 'body.$where', reason: 'is not a known field' },
      { field: 'body.a.b', reason: 'is not a known field' },
      { field: 'body.owner.$ne', reason: 'is not a known field' },
    ]);
    expect(errorsOf({ query: { 'status[$ne]': 'x' } })).toEqual([{ field: 'query.status[$ne]', reason: 'is not a known field' }]);
  });

  it('names unknown fields of refined and transformed bodies too (z.object().refine())', () => {
    const refined = defineRoute({
      ...route,
      body: z
        .object({ from: z.number(), to: z.number(), inner: z.object({ a: z.string() }).optional() })
        .refine((b) => b.from <= b.to, { message: 'from must not be after to', path: ['from'] }),
    });
    const errors = (body: unknown) => {
      try {
        parseRoute(refined, { params: { thingId: 't1' }, query: {}, body });
      } catch (err) {
        if (err instanceof ValidationError) return sortByField(err.errors);
        throw err;
      }
      return [];
    };
    expect(errors({ from: 1, to: 2, $where: '1', 'a.b': 1, inner: { a: 'x', $ne: 1 } })).toEqual([
      { field: 'body.$where', reason: 'is not a known field' },
      { field: 'body.a.b', reason: 'is not a known field' },
      { field: 'body.inner.$ne', reason: 'is not a known field' },
    ]);
    expect(errors(JSON.parse('{"from":1,"to":2,"__proto__":{"admin":true}}'))).toEqual([{ field: 'body.__proto__', reason: 'is not a known field' }]);
    expect(errors({ from: 3, to: 2 })).toEqual([{ field: 'body.from', reason: 'from must not be after to' }]);
    expect(errors({ from: 1, to: 2 })).toEqual([]);
  });

  it('rejects operators and arrays where scalars are expected, in every part at once', () => {
    const errors = errorsOf({ params: { thingId: '$gt' }, query: { status: ['active', 'retired'] }, body: { name: { $gt: '' } } });
    expect(errors.map((e) => e.field)).toEqual(['path.thingId', 'query.status', 'body.name']);
    expect(errors[0]!.reason).toBe('must be a thing id');
  });

  it('rejects over-long strings, missing fields and a body that is not an object', () => {
    expect(errorsOf({ body: { name: 'toolong' } })).toEqual([{ field: 'body.name', reason: expect.stringMatching(/at most 5/) }]);
    expect(errorsOf({ body: {} })).toEqual([{ field: 'body.name', reason: 'is required' }]);
    expect(errorsOf({ body: [{ name: 'a' }] }).map((e) => e.field)).toEqual(['body']);
  });
});

describe('If-Match', () => {
  it('holds for the ETag of the current revision, among others, or for *; nothing to check without the header', () => {
    expect(ifMatchCondition('"7"')(7)).toBe(true);
    expect(ifMatchCondition(' "5", "7" ')(7)).toBe(true);
    expect(ifMatchCondition('*')(7)).toBe(true);
    expect(ifMatchCondition(undefined)(7)).toBe(true);
  });

  it('fails for another revision, a weak tag (strong comparison), or a malformed value', () => {
    for (const header of ['"6"', 'W/"7"', '7', '"7', 'W/"207-abc"', '"7" junk', '']) expect(ifMatchCondition(header)(7), header).toBe(false);
  });

  it('is a 412 naming the current revision when it fails', () => {
    const check = preconditionOf('"6"');
    expect(() => check(6)).not.toThrow();
    let err: unknown;
    try {
      check(7);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect(err).toMatchObject({ problem: 'precondition-failed', message: 'If-Match "6" does not match the current ETag "7"', extra: { revision: 7 } });
  });
});
