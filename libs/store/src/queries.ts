import type { Schema } from 'mongoose';
import type { Logger } from '@lma/core';

/**
 * A query other than by `_id`, declared with what keeps it cheap. On a per-record, per-request or
 * per-check path the design allows only `_id` lookups; everything else (periodic work, list
 * pages) is declared here, next to the index MongoDB needs for it and the bound on what it reads.
 */
export interface DeclaredQuery {
  collection: string;
  /** Top-level filter fields it may use (any subset, with or without operators); `[]`: the whole collection, which must then be bounded. */
  fields: readonly string[];
  /** The index that serves it on MongoDB (declared on the model too; a unit test compares them). */
  index: Readonly<Record<string, 1 | -1>>;
  /**
   * Why its cost does not grow with history: the collection holds only pending work (and how
   * much), or it is a page of a list that a person asked for.
   */
  bound: string;
}

export type QueryGuardMode = 'strict' | 'warn' | 'off';

const OPERATIONS = ['find', 'findOne', 'countDocuments', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndDelete', 'distinct', 'replaceOne'] as const;

const isPlainId = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number';

/** Whether `filter` on `collection` is an `_id` lookup or a declared query; the offending shape otherwise. */
export function checkQuery(declared: readonly DeclaredQuery[], collection: string, filter: Record<string, unknown>): string | null {
  const fields = Object.keys(filter);
  if (fields.length === 1 && fields[0] === '_id' && isPlainId(filter['_id'])) return null;
  // a whole (bounded) collection is read only where that is declared, with `fields: []`
  if (fields.length === 0) {
    return declared.some((q) => q.collection === collection && q.fields.length === 0) ? null : `${collection}: a query without a filter reads the whole collection`;
  }
  const ok = declared.some((q) => q.collection === collection && fields.every((f) => q.fields.includes(f)));
  return ok ? null : `${collection}: undeclared query on {${fields.sort().join(', ')}} (declare it with its index and bound)`;
}

/**
 * A mongoose plugin that checks every query against the declarations: `strict` throws (the test
 * suite runs so), `warn` logs each offending shape once.
 */
export function queryGuardPlugin(declared: readonly DeclaredQuery[], mode: QueryGuardMode, logger: Logger) {
  const warned = new Set<string>();
  return (schema: Schema): void => {
    if (mode === 'off') return;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    schema.pre([...OPERATIONS] as any, function (this: { getFilter(): Record<string, unknown>; model: { collection: { collectionName: string } } }) {
      const problem = checkQuery(declared, this.model.collection.collectionName, this.getFilter());
      if (!problem) return;
      if (mode === 'strict') throw new Error(problem);
      if (!warned.has(problem)) {
        warned.add(problem);
        logger.warn({ query: problem }, 'a query that grows with history');
      }
    });
  };
}
