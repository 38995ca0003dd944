import { z } from 'zod';
import { ValidationError } from '@lma/core';

/** `limit` (1..200, default 50) and an opaque `cursor`, for every list. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page').optional(),
};

export const pageOf = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Cursor = base64url JSON of the last item's sort value and id. */
export function encodeCursor(sortValue: string | number | boolean | null, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { sortValue: string | number | boolean | null; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[1] === 'string' && (v[0] === null || ['string', 'number', 'boolean'].includes(typeof v[0]))) {
      return { sortValue: v[0] as string | number | boolean | null, id: v[1] };
    }
  } catch {
    /* reported below */
  }
  throw new ValidationError([{ field: 'query.cursor', reason: 'must be a cursor returned by a previous page' }]);
}

/**
 * The MongoDB filter and sort for one page ordered by `sortField` then `_id` (keyset pagination:
 * stable under inserts, no skip). Ask for `limit + 1` documents and pass them to `pageFrom`.
 */
export function keysetPage(
  filter: Record<string, unknown>,
  sortField: string,
  direction: 1 | -1,
  cursor: string | undefined,
): { filter: Record<string, unknown>; sort: Record<string, 1 | -1> } {
  const sort: Record<string, 1 | -1> = sortField === '_id' ? { _id: direction } : { [sortField]: direction, _id: direction };
  if (!cursor) return { filter, sort };
  const c = decodeCursor(cursor);
  const op = direction === 1 ? '$gt' : '$lt';
  const after =
    sortField === '_id'
      ? { _id: { [op]: c.id } }
      : { $or: [{ [sortField]: { [op]: c.sortValue } }, { [sortField]: c.sortValue, _id: { [op]: c.id } }] };
  return { filter: Object.keys(filter).length ? { $and: [filter, after] } : after, sort };
}

export function pageFrom<T extends { _id: string }>(docs: T[], limit: number, sortValue: (d: T) => string | number | boolean | null): { items: T[]; nextCursor: string | null } {
  const items = docs.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: docs.length > limit && last ? encodeCursor(sortValue(last), last._id) : null };
}

/** keysetPage compares the cursor's sort value as given; a date sort key travels as ISO text and is compared as a Date. */
function reviveDates(filter: unknown, field: string): unknown {
  if (Array.isArray(filter)) return filter.map((f) => reviveDates(f, field));
  if (filter === null || typeof filter !== 'object' || filter instanceof Date) return filter;
  const toDate = (x: unknown) => {
    const d = typeof x === 'string' ? new Date(x) : null;
    if (!d || Number.isNaN(d.getTime())) throw new ValidationError([{ field: 'query.cursor', reason: 'must be a cursor returned by a previous page' }]);
    return d;
  };
  return Object.fromEntries(
    Object.entries(filter).map(([k, v]) => {
      if (k !== field) return [k, reviveDates(v, field)];
      if (typeof v === 'string') return [k, toDate(v)];
      if (v && typeof v === 'object' && !(v instanceof Date)) return [k, Object.fromEntries(Object.entries(v).map(([op, x]) => [op, x instanceof Date ? x : toDate(x)]))];
      return [k, v];
    }),
  );
}

interface DateFindable {
  find(filter: Record<string, unknown>): { sort(s: Record<string, 1 | -1>): { limit(n: number): { lean(): unknown } } };
}

/**
 * One page of documents ordered by a date field then `_id`, newest first (keyset: stable while
 * new documents arrive); `filter` may hold conditions on the date field itself.
 */
export async function newestFirstPage<T extends { _id: string }>(
  model: DateFindable,
  filter: Record<string, unknown>,
  field: keyof T & string,
  q: { cursor?: string | undefined; limit: number },
): Promise<{ items: T[]; nextCursor: string | null }> {
  const { filter: f, sort } = keysetPage(filter, field, -1, q.cursor);
  const docs = (await model.find(reviveDates(f, field) as Record<string, unknown>).sort(sort).limit(q.limit + 1).lean()) as T[];
  return pageFrom(docs, q.limit, (d) => new Date(d[field] as Date).toISOString());
}
