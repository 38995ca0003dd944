import { keysetPage, pageFrom } from '@lma/api';
import { ValidationError } from '@lma/core';

/** Renames `_id` to the resource's own id field (`leadId`, `contactId`, ...). */
export function withId<K extends string, T extends { _id: string }>(idField: K, doc: T): Omit<T, '_id'> & Record<K, string> {
  const { _id, ...rest } = doc;
  return { [idField]: _id, ...rest } as Omit<T, '_id'> & Record<K, string>;
}

/** Stored-only fields never shown by the API (the store's version and outbox; `outboxAt` of documents written before the store). */
export const HIDDEN = { _v: 0, outbox: 0, outboxAt: 0 } as const;

/** keysetPage compares the cursor's sort value as given; a date sort key travels as ISO text and is compared as a Date. */
function reviveDate(filter: unknown, field: string): unknown {
  if (Array.isArray(filter)) return filter.map((f) => reviveDate(f, field));
  if (filter === null || typeof filter !== 'object' || filter instanceof Date) return filter;
  return Object.fromEntries(
    Object.entries(filter).map(([k, v]) => {
      if (k !== field) return [k, reviveDate(v, field)];
      const toDate = (x: unknown) => {
        const d = typeof x === 'string' ? new Date(x) : null;
        if (!d || Number.isNaN(d.getTime())) throw new ValidationError([{ field: 'query.cursor', reason: 'must be a cursor returned by a previous page' }]);
        return d;
      };
      if (typeof v === 'string') return [k, toDate(v)];
      if (v && typeof v === 'object' && !(v instanceof Date)) return [k, Object.fromEntries(Object.entries(v).map(([op, x]) => [op, toDate(x)]))];
      return [k, v];
    }),
  );
}

interface Findable {
  find(filter: Record<string, unknown>, projection?: Record<string, 0 | 1>): { sort(s: Record<string, 1 | -1>): { limit(n: number): { lean(): unknown } } };
}

/** One page ordered by a date field (creation time) then id (keyset: stable while new documents arrive). */
export async function pageByTime<T extends { _id: string }>(
  model: Findable,
  filter: Record<string, unknown>,
  field: keyof T & string,
  q: { order: 'asc' | 'desc'; cursor?: string | undefined; limit: number },
  projection: Record<string, 0 | 1> = {},
): Promise<{ items: T[]; nextCursor: string | null }> {
  const { filter: f, sort } = keysetPage(filter, field, q.order === 'asc' ? 1 : -1, q.cursor);
  const docs = (await model.find(reviveDate(f, field) as Record<string, unknown>, projection).sort(sort).limit(q.limit + 1).lean()) as T[];
  return pageFrom(docs, q.limit, (d) => new Date(d[field] as Date).toISOString());
}

export const pageByCreation = <T extends { _id: string; createdAt: Date }>(
  model: Findable,
  filter: Record<string, unknown>,
  q: { order: 'asc' | 'desc'; cursor?: string | undefined; limit: number },
  projection: Record<string, 0 | 1> = {},
) => pageByTime<T>(model, filter, 'createdAt', q, projection);
