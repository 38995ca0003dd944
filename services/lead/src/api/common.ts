import { z } from 'zod';

export const Limit = z.coerce.number().int().min(1).max(200).default(50);

/** Loads one page ordered by `_id`; the cursor is the last `_id` of the previous page. */
export async function page<T extends { _id: string }>(
  find: (filter: Record<string, unknown>, limit: number) => Promise<T[]>,
  filter: Record<string, unknown>,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const docs = await find(cursor === undefined ? filter : { ...filter, _id: { $gt: cursor } }, limit + 1);
  const items = docs.slice(0, limit);
  return { items, nextCursor: docs.length > limit ? items[items.length - 1]!._id : null };
}

/** Renames `_id` to the resource's own id field (`leadId`, `contactId`, ...). */
export function withId<K extends string, T extends { _id: string }>(idField: K, doc: T): Omit<T, '_id'> & Record<K, string> {
  const { _id, ...rest } = doc;
  return { [idField]: _id, ...rest } as Omit<T, '_id'> & Record<K, string>;
}

/** Stored-only fields never shown by the API. */
export const HIDDEN = { outbox: 0, outboxAt: 0 } as const;
