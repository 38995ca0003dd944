import { isDuplicateKey } from '@lma/core';

/**
 * A write refused by a unique index. MongoDB says so with code 11000 for inserts and updates;
 * FerretDB 1.24 (SQLite) does for inserts, but fails an update with InternalError (code 1)
 * carrying SQLite's "UNIQUE constraint failed".
 */
export function isUniqueViolation(err: unknown): boolean {
  if (isDuplicateKey(err)) return true;
  return err instanceof Error && (err as { code?: unknown }).code === 1 && /UNIQUE constraint failed/.test(err.message);
}
